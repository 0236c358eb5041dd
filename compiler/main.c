/* main.c: the command line. Reads the sources, opens each kernel's types
 * (every --btf and --vmlinux is one), runs the passes in order and stops
 * after the first pass that reported an error:
 *
 *   parse -> check (once a kernel) -> (show | check only | script | dump)
 *
 * Lines with syntax errors are dropped by the parser and the checker
 * still runs over the rest, so that one run reports every bad line. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "surfc.h"

enum mode { MODE_SCRIPT, MODE_SHOW, MODE_CHECK, MODE_DUMP_AST };

/* A --btf or --vmlinux: one kernel to compile for. */
struct type_flag {
	bool btf;
	const char *path;
	const char *release; /* the --kernel-release that follows it */
	const struct arch *arch; /* --btf-dir: what its folder says */
	bool from_dir;
};

struct cli {
	enum mode mode;
	const char *output;
	struct type_flag *types;
	size_t ntypes, types_cap;
	struct btfhub_file **dirs; /* what --btf-dir found, to free */
	size_t *ndirs_files, ndirs;
	bool allow_partial;
	bool no_types;
	const char *arch;
	const char *color;
	enum diag_format diag_format;
	char **exprs;
	size_t nexprs;
	const char *describe;
	bool list;
	struct list_options list_opt;
	char *cmdline;
	const char *kernel_release; /* given before any --btf/--vmlinux */
	const char **debug_files;   /* --debug-file: user-space debuginfo */
	size_t ndebug;
	unsigned max_errors;
	unsigned max_probes;
};

static const char usage_text[] =
	"usage: surfc [options] FILE...\n"
	"       surfc [options] -e PROBE [-e PROBE]...\n"
	"       surfc [options] --list [-v] [GLOB]\n"
	"\n"
	"Compiles structured probe expressions into ftrace kprobe/uprobe\n"
	"definitions and a standalone POSIX shell script that arms them.\n"
	"\n"
	"options:\n"
	"  -e, --expr PROBE        a probe line; may be repeated (source <arg N>)\n"
	"  -o, --output FILE       write the output to FILE ('-' = stdout)\n"
	"  -S, --show              print the tracefs writes of every probe\n"
	"      --check             check the probes, write nothing\n"
	"      --dump-ast          print the syntax tree\n"
	"      --describe WHAT     print a function's prototype and where its\n"
	"                          arguments are, a struct's layout ('struct\n"
	"                          sk_buff', or sk_buff) or an event's fields\n"
	"                          (sched/sched_switch), from the kernel's types;\n"
	"                          or a binary's USDT markers (/PATH or\n"
	"                          /PATH:PROVIDER:NAME), or a user-space\n"
	"                          function's (/PATH:FUNCTION)\n"
	"      --list [GLOB]       print the functions, events (GROUP/EVENT) and\n"
	"                          structs ('struct NAME') whose names match the\n"
	"                          shell glob, one a line, sorted\n"
	"  -v, --verbose           with --list: what --describe says of each\n"
	"      --list-format=FORMAT\n"
	"                          text (default) or json (one object a line)\n"
	"      --arch ARCH         target architecture (default: the host's)\n"
	"      --btf FILE          kernel types from BTF (raw or ELF .BTF)\n"
	"      --vmlinux FILE      kernel types from a DWARF vmlinux or .ko\n"
	"                          (each --btf and --vmlinux adds a kernel: one\n"
	"                          script for all of them)\n"
	"      --debug-file FILE   the debuginfo of a uprobe's binary (may be\n"
	"                          repeated: each binary takes the one with its\n"
	"                          build-id); by default the binary's own DWARF,\n"
	"                          else /usr/lib/debug/.build-id and its\n"
	"                          .gnu_debuglink, as gdb finds them\n"
	"      --no-types          use no kernel type information (uprobes are\n"
	"                          still typed by their binaries' DWARF)\n"
	"      --kernel-release R  the release the types just named belong to\n"
	"                          (uname -r), for a bare BTF file; the script\n"
	"                          checks it\n"
	"      --btf-dir DIR       a kernel for every KERNEL_RELEASE.btf (or\n"
	"                          .btf.tar.xz) under DIR, as BTFHub's archive\n"
	"                          keeps them: DISTRO/VERSION/ARCH/RELEASE.btf\n"
	"      --allow-partial     a probe that some kernels cannot take is left\n"
	"                          out on those (a warning), not an error\n"
	"      --color[=WHEN]      colour diagnostics: auto, always or never\n"
	"      --diagnostics-format=FORMAT\n"
	"                          text (default) or json (one object a line)\n"
	"      --max-errors N      print at most N errors, then one line for\n"
	"                          the rest (default 50; 0: no limit)\n"
	"      --max-probes N      a wildcard target (p tcp_send*) expands to\n"
	"                          at most N probes in all (default 1000)\n"
	"  -h, --help              show this help\n"
	"  -V, --version           show the version\n"
	"\n"
	"architectures: %s\n"
	"exit status: 0 clean, 1 errors in the probes (or an unreadable input,\n"
	"or output that could not be written), 2 usage error\n";

enum {
	OPT_CHECK = 256,
	OPT_DUMP_AST,
	OPT_ARCH,
	OPT_BTF,
	OPT_VMLINUX,
	OPT_NO_TYPES,
	OPT_COLOR,
	OPT_DIAG_FORMAT,
	OPT_DESCRIBE,
	OPT_KERNEL_RELEASE,
	OPT_MAX_ERRORS,
	OPT_MAX_PROBES,
	OPT_ALLOW_PARTIAL,
	OPT_BTF_DIR,
	OPT_LIST,
	OPT_LIST_FORMAT,
	OPT_DEBUG_FILE,
};

static const struct option long_options[] = {
	{"expr", required_argument, NULL, 'e'},
	{"output", required_argument, NULL, 'o'},
	{"show", no_argument, NULL, 'S'},
	{"check", no_argument, NULL, OPT_CHECK},
	{"dump-ast", no_argument, NULL, OPT_DUMP_AST},
	{"arch", required_argument, NULL, OPT_ARCH},
	{"btf", required_argument, NULL, OPT_BTF},
	{"vmlinux", required_argument, NULL, OPT_VMLINUX},
	{"no-types", no_argument, NULL, OPT_NO_TYPES},
	{"color", optional_argument, NULL, OPT_COLOR},
	{"colour", optional_argument, NULL, OPT_COLOR},
	{"diagnostics-format", required_argument, NULL, OPT_DIAG_FORMAT},
	{"describe", required_argument, NULL, OPT_DESCRIBE},
	{"list", no_argument, NULL, OPT_LIST},
	{"list-format", required_argument, NULL, OPT_LIST_FORMAT},
	{"verbose", no_argument, NULL, 'v'},
	{"kernel-release", required_argument, NULL, OPT_KERNEL_RELEASE},
	{"max-errors", required_argument, NULL, OPT_MAX_ERRORS},
	{"max-probes", required_argument, NULL, OPT_MAX_PROBES},
	{"allow-partial", no_argument, NULL, OPT_ALLOW_PARTIAL},
	{"btf-dir", required_argument, NULL, OPT_BTF_DIR},
	{"debug-file", required_argument, NULL, OPT_DEBUG_FILE},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("surfc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'surfc --help' for more information.\n", stderr);
	return 2;
}

static void add_type_flag(struct cli *cli, struct type_flag f)
{
	if (cli->ntypes == cli->types_cap) {
		cli->types_cap = cli->types_cap ? 2 * cli->types_cap : 8;
		cli->types = xrealloc(cli->types,
				      cli->types_cap * sizeof(*cli->types));
	}
	cli->types[cli->ntypes++] = f;
}

/* A kernel for every BTF file under dir; -1 to go on, or the exit
 * status. */
static int add_btf_dir(struct cli *cli, const char *dir)
{
	char *err = NULL;
	size_t n;
	struct btfhub_file *files = btfhub_files(dir, &n, &err);
	if (!files) {
		fprintf(stderr, "surfc: error: --btf-dir %s: %s\n", dir, err);
		free(err);
		return 1;
	}
	cli->dirs = xrealloc(cli->dirs, (cli->ndirs + 1) * sizeof(*cli->dirs));
	cli->ndirs_files = xrealloc(cli->ndirs_files,
				    (cli->ndirs + 1) * sizeof(size_t));
	cli->dirs[cli->ndirs] = files;
	cli->ndirs_files[cli->ndirs++] = n;
	for (size_t i = 0; i < n; i++)
		add_type_flag(cli, (struct type_flag){
			.btf = true, .path = files[i].path,
			.release = files[i].release, .arch = files[i].arch,
			.from_dir = true});
	return -1;
}

static void cli_free(struct cli *cli)
{
	for (size_t i = 0; i < cli->ndirs; i++)
		btfhub_files_free(cli->dirs[i], cli->ndirs_files[i]);
	free(cli->dirs);
	free(cli->ndirs_files);
	free(cli->types);
	free(cli->debug_files);
	free(cli->exprs);
	free(cli->cmdline);
}

/* --list takes at most one word, its GLOB, and no probes. Returns -1 to
 * go on, or the exit status. */
static int list_arguments(int argc, char **argv, struct cli *cli)
{
	if (cli->describe || cli->nexprs || cli->mode != MODE_SCRIPT ||
	    cli->output)
		return usage_error("%s", "--list goes with neither probes nor "
				   "--describe, -S, --check, --dump-ast or -o");
	if (argc - optind > 1)
		return usage_error("--list takes one GLOB; quote it ('%s' "
				   "follows)", argv[optind + 1]);
	cli->list_opt.glob = optind < argc ? argv[optind] : NULL;
	optind = argc; /* the GLOB is no FILE */
	return -1;
}

/* Returns -1 to go on, or the exit status. */
static int parse_cli(int argc, char **argv, struct cli *cli)
{
	int c;
	cli->exprs = xmalloc((size_t)argc * sizeof(char *));

	opterr = 0; /* our own messages: getopt's name the binary's path */
	while ((c = getopt_long(argc, argv, ":e:o:ShvV", long_options, NULL)) != -1) {
		switch (c) {
		case 'e':
			cli->exprs[cli->nexprs++] = optarg;
			break;
		case 'o':
			cli->output = optarg;
			break;
		case 'S':
			cli->mode = MODE_SHOW;
			break;
		case OPT_CHECK:
			cli->mode = MODE_CHECK;
			break;
		case OPT_DUMP_AST:
			cli->mode = MODE_DUMP_AST;
			break;
		case OPT_ARCH:
			cli->arch = optarg;
			break;
		case OPT_BTF:
		case OPT_VMLINUX:
			add_type_flag(cli, (struct type_flag){
				.btf = c == OPT_BTF, .path = optarg});
			break;
		case OPT_BTF_DIR: {
			int status = add_btf_dir(cli, optarg);
			if (status >= 0)
				return status;
			break;
		}
		case OPT_NO_TYPES:
			cli->no_types = true;
			break;
		case OPT_DEBUG_FILE:
			cli->debug_files = xrealloc(cli->debug_files,
						    (cli->ndebug + 1) *
						    sizeof(*cli->debug_files));
			cli->debug_files[cli->ndebug++] = optarg;
			break;
		case OPT_COLOR:
			cli->color = optarg ? optarg : "always";
			if (strcmp(cli->color, "auto") && strcmp(cli->color, "always") &&
			    strcmp(cli->color, "never"))
				return usage_error("--color takes auto, always or never, "
						   "not '%s'", cli->color);
			break;
		case OPT_DIAG_FORMAT:
			if (!strcmp(optarg, "json"))
				cli->diag_format = DIAG_JSON;
			else if (!strcmp(optarg, "text"))
				cli->diag_format = DIAG_TEXT;
			else
				return usage_error("--diagnostics-format takes text or "
						   "json, not '%s'", optarg);
			break;
		case OPT_DESCRIBE:
			cli->describe = optarg;
			break;
		case OPT_LIST:
			cli->list = true;
			break;
		case 'v':
			cli->list_opt.verbose = true;
			break;
		case OPT_LIST_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return usage_error("--list-format takes text or "
						   "json, not '%s'", optarg);
			cli->list_opt.json = !strcmp(optarg, "json");
			break;
		case OPT_KERNEL_RELEASE:
			if (cli->ntypes && cli->types[cli->ntypes - 1].from_dir)
				return usage_error("%s", "--kernel-release names the "
						   "--btf before it; --btf-dir's files "
						   "are named by their releases");
			if (cli->ntypes)
				cli->types[cli->ntypes - 1].release = optarg;
			else
				cli->kernel_release = optarg;
			break;
		case OPT_ALLOW_PARTIAL:
			cli->allow_partial = true;
			break;
		case OPT_MAX_ERRORS: {
			unsigned long long n;
			if (!parse_number(optarg, &n) || n > 1000000)
				return usage_error("--max-errors takes a number "
						   "(0: no limit), not '%s'", optarg);
			cli->max_errors = (unsigned)n;
			break;
		}
		case OPT_MAX_PROBES: {
			unsigned long long n;
			if (!parse_number(optarg, &n) || n == 0 || n > 1000000)
				return usage_error("--max-probes takes a number "
						   "from 1, not '%s'", optarg);
			cli->max_probes = (unsigned)n;
			break;
		}
		case 'h':
			printf(usage_text, arch_names());
			return 0;
		case 'V':
			printf("surfc %s\n", SURFC_VERSION);
			return 0;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("unrecognized option '%s'",
					   argv[optind - 1]);
		}
	}
	if (cli->list)
		return list_arguments(argc, argv, cli);
	if (cli->list_opt.verbose || cli->list_opt.json)
		return usage_error("%s", "-v and --list-format go with --list");
	if (optind == argc && cli->nexprs == 0 && !cli->describe)
		return usage_error("%s", "no input: give a FILE or -e PROBE");
	if (cli->no_types && cli->ntypes)
		return usage_error("%s", "--no-types and --btf/--vmlinux exclude "
				   "each other");
	/* --kernel-release before the one --btf it names still names it. */
	if (cli->kernel_release && cli->ntypes == 1 && !cli->types[0].release)
		cli->types[0].release = cli->kernel_release;
	else if (cli->kernel_release && cli->ntypes > 1)
		return usage_error("%s", "with several --btf/--vmlinux, each "
				   "--kernel-release follows the one it names");
	return -1;
}

static bool want_color(const char *when)
{
	if (!when || !strcmp(when, "auto")) {
		const char *term = getenv("TERM");
		return isatty(2) && !getenv("NO_COLOR") && term &&
		       strcmp(term, "dumb");
	}
	return !strcmp(when, "always");
}

static bool has_control_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Reads every source; unreadable files are reported and skipped. */
static size_t read_sources(struct cli *cli, int argc, char **argv,
			   struct source ***out, struct diags *dg)
{
	size_t n = 0;
	struct source **v = xmalloc(((size_t)argc + cli->nexprs) * sizeof(*v));
	for (int i = optind; i < argc; i++) {
		char *err = NULL;
		if (has_control_char(argv[i])) {
			/* The name goes into the comments of -S and of the
			 * script: a newline there would start a command. */
			diag_plain(dg, argv[i], SEV_ERROR, "cannot read: its name "
				   "holds a control character (a newline?); "
				   "rename it");
			continue;
		}
		struct source *s = source_read(argv[i], &err);
		if (!s) {
			diag_plain(dg, argv[i], SEV_ERROR, "cannot read: %s", err);
			free(err);
			continue;
		}
		v[n++] = s;
	}
	for (size_t i = 0; i < cli->nexprs; i++) {
		char name[32];
		snprintf(name, sizeof(name), "<arg %zu>", i + 1);
		v[n++] = source_from_string(name, cli->exprs[i]);
	}
	for (size_t i = 0; i < n; i++)
		v[i]->id = (unsigned)i + 1;
	*out = v;
	return n;
}

static FILE *open_output(const char *path, struct diags *dg)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		diag_plain(dg, path, SEV_ERROR, "cannot write: %m");
	return f;
}

/* --arch defaults to what the types say (the ELF's machine, or BTF's
 * struct pt_regs), and must agree with it. */
static bool agree_on_arch(const struct cli *cli, const struct type_flag *f,
			  struct options *opt, const char *path,
			  struct diags *dg)
{
	const struct arch *types_arch = opt->types->arch;
	/* BTFHub's folder names the arch; the types must not say another. */
	if (f && f->arch && types_arch && f->arch != types_arch) {
		diag_plain(dg, path, SEV_ERROR, "these types are for %s, but "
			   "their folder says %s", types_arch->name,
			   f->arch->name);
		return false;
	}
	if (f && f->arch && !types_arch)
		types_arch = f->arch;
	if (types_arch && !cli->arch) {
		opt->arch = types_arch;
	} else if (types_arch && types_arch != opt->arch) {
		diag_plain(dg, path, SEV_ERROR, "these types are for %s, "
			   "not for %s", types_arch->name, opt->arch->name);
		return false;
	} else if (!types_arch && !cli->arch && path) {
		diag_plain(dg, path, SEV_ERROR, "cannot tell which architecture "
			   "these types are for: pass --arch");
		return false;
	}
	return true;
}

/* One kernel's types: what a flag names (f NULL: the running kernel's).
 * A named source that cannot be read is an error; a missing default only
 * leaves the probes without types. */
static bool open_kernel(const struct cli *cli, const struct type_flag *f,
			struct options *opt, struct diags *dg)
{
	char *err = NULL;
	const char *path = f ? f->path : NULL;
	if (cli->no_types)
		return true;
	if (f)
		opt->types = f->btf ? typesrc_open_btf(path, &err)
				    : typesrc_open_vmlinux(path, &err);
	else
		opt->types = typesrc_open_default(&err);
	if (!opt->types && path) {
		diag_plain(dg, path, SEV_ERROR, "cannot read kernel types: %s", err);
		free(err);
		return false;
	}
	free(err);
	if (!opt->types)
		return true;
	if (!agree_on_arch(cli, f, opt, path, dg)) {
		typesrc_close(opt->types);
		opt->types = NULL;
		return false;
	}
	opt->types->arch = opt->arch;
	if (f && f->release) {
		/* What the user says beats what was guessed. */
		opt->types->id.release = arena_strdup(opt->types->arena,
						      f->release);
		opt->types->id.version = NULL;
	}
	if (!opt->types->id.release && cli->mode == MODE_SCRIPT &&
	    !cli->describe && !cli->list)
		diag_plain(dg, path, SEV_WARNING, "these types do not say which "
			   "kernel they belong to, so the script will arm on any "
			   "kernel: pass --kernel-release (the target's uname -r)");
	return true;
}

static void close_kernels(struct build *b, size_t n)
{
	for (size_t i = 0; b && i < n; i++) {
		if (b[i].prog)
			program_free(b[i].prog);
		typesrc_close(b[i].opt.types);
	}
	if (b && n)
		free((void *)b[0].opt.fleet);
	free(b);
}

/* The kernels to compile for: one a --btf/--vmlinux, else one from the
 * running kernel's types, or none. NULL when one cannot be opened. */
static struct build *open_kernels(const struct cli *cli,
				  const struct options *base, size_t *n,
				  struct diags *dg)
{
	size_t count = cli->ntypes ? cli->ntypes : 1;
	struct build *b = xmalloc(count * sizeof(*b));
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		b[i] = (struct build){.opt = *base};
		ok &= open_kernel(cli, cli->ntypes ? &cli->types[i] : NULL,
				  &b[i].opt, dg);
		struct typesrc *ts = b[i].opt.types;
		const char *release = ts ? ts->id.release : NULL;
		kernel_features_of(release, &b[i].opt.kernel);
		b[i].label = release ? release : ts ? ts->path : "any kernel";
	}
	*n = count;
	/* Wildcards match against every kernel's types together. */
	struct typesrc **fleet = xmalloc(count * sizeof(*fleet));
	size_t nfleet = 0;
	for (size_t i = 0; i < count; i++)
		if (b[i].opt.types)
			fleet[nfleet++] = b[i].opt.types;
	for (size_t i = 0; i < count; i++) {
		b[i].opt.fleet = fleet;
		b[i].opt.nfleet = nfleet;
	}
	if (ok)
		return b;
	close_kernels(b, count);
	return NULL;
}

/* The command line, for the script's header: one line, quoted for sh
 * where a word needs it. */
static char *command_line(int argc, char **argv)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "surfc");
	for (int i = 1; i < argc; i++) {
		bool plain = *argv[i] != '\0';
		for (const char *s = argv[i]; *s; s++)
			plain &= strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789-_./=:,+%@", *s) != NULL;
		sb_puts(&sb, plain ? " " : " '");
		for (const char *s = argv[i]; *s; s++) {
			if (*s == '\'')
				sb_puts(&sb, "'\\''");
			else
				sb_putc(&sb, *s == '\n' || *s == '\r' ? ' ' : *s);
		}
		if (!plain)
			sb_putc(&sb, '\'');
	}
	return sb.s;
}

/* Flushes f (and closes it unless it is stdout); false when anything
 * written to it was lost. errno is cleared first: an error flag set by
 * an earlier write leaves no errno of its own. */
static bool finish_output(FILE *f, int *err)
{
	errno = 0;
	bool failed = f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	*err = errno;
	return !failed && (f != stdout || !ferror(f));
}

static void close_output(FILE *out, const char *path, struct diags *dg)
{
	int err;
	if (out == stdout)
		return; /* main checks stdout */
	bool lost = ferror(out);
	if (!finish_output(out, &err) || lost)
		diag_plain(dg, path, SEV_ERROR, "cannot write%s%s",
			   err ? ": " : "", err ? strerror(err) : "");
}

static void write_output(struct cli *cli, const struct build *b, size_t n,
			 struct diags *dg)
{
	FILE *out = open_output(cli->output, dg);
	if (!out)
		return;
	write_script(out, b, n, cli->cmdline);
	/* A script to run: rwxr-xr-x, whatever the umask. */
	if (out != stdout && fchmod(fileno(out), 0755))
		diag_plain(dg, cli->output, SEV_ERROR, "cannot chmod: %m");
	close_output(out, cli->output, dg);
}

/* Everything printed to stdout must have arrived: a full disk or a
 * closed pipe is an error, not a success with a truncated script. */
static bool stdout_ok(void)
{
	int err;
	if (finish_output(stdout, &err))
		return true;
	fprintf(stderr, "surfc: error: cannot write to stdout%s%s\n",
		err ? ": " : "", err ? strerror(err) : "");
	return false;
}

/* A source without a probe (empty, only comments) would compile to a
 * script that traces nothing: that is a mistake, not a program. */
static void parse_one(const struct source *src, struct program *prog,
		      struct diags *dg)
{
	size_t probes = prog->nprobes;
	unsigned errors = diags_reported(dg);
	parse_source(src, prog, dg);
	if (prog->nprobes == probes && diags_reported(dg) == errors)
		diag(dg, src, (struct loc){0, 0}, SEV_ERROR, "no probes in %s: "
		     "a probe is a line such as 'p vfs_read' (language.md)",
		     src->name);
}

/* Does a text tell two kernels apart (both known, and different)? */
static bool tells_apart(const char *a, const char *b)
{
	return a && b && strcmp(a, b);
}

/* The script picks its kernel by release, /proc/version and build-id:
 * two kernels it cannot tell apart would leave the second unarmable. */
static bool distinct_kernels(const struct build *b, size_t n,
			     struct diags *dg)
{
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		const struct typesrc *x = b[i].opt.types;
		for (size_t j = i + 1; x && x->id.release && j < n; j++) {
			const struct typesrc *y = b[j].opt.types;
			if (!y || !y->id.release ||
			    strcmp(x->id.release, y->id.release) ||
			    tells_apart(x->id.version, y->id.version) ||
			    tells_apart(x->id.build_id, y->id.build_id))
				continue;
			diag_plain(dg, y->path, SEV_ERROR, "kernel %s again (as "
				   "%s): the script tells its kernels apart by "
				   "release, /proc/version and build-id, and would "
				   "arm only the first", y->id.release, x->path);
			ok = false;
			break;
		}
	}
	return ok;
}

/* --describe and --list: once a kernel, under a header when several. */
static int describe_all(const struct cli *cli, const struct build *b,
			size_t n, struct diags *dg)
{
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		if (n > 1 && !cli->list_opt.json)
			printf("%s== %s (%s)\n", i ? "\n" : "", b[i].label,
			       b[i].opt.arch->name);
		struct list_options lo = cli->list_opt;
		lo.kernel = n > 1 ? b[i].label : NULL;
		int s = cli->list ? list_kernel(stdout, &b[i].opt, &lo, dg)
				  : describe(stdout, &b[i].opt, cli->describe, dg);
		status = s > status ? s : status;
	}
	return status;
}

/* The probes, parsed and checked once a kernel: offsets and what each
 * kernel takes differ, and the checks fill the tree. Returns the kernels'
 * names, which diagnostics use until they are flushed. */
static const char **check_kernels(struct build *b, size_t n,
				  struct source **srcs, size_t nsrcs,
				  struct diags *dg)
{
	const char **labels = xmalloc(n * sizeof(*labels));
	for (size_t i = 0; i < n; i++)
		labels[i] = xstrdup(b[i].label);
	if (n > 1)
		diags_set_kernels(dg, labels, (unsigned)n);
	for (size_t i = 0; i < n; i++) {
		diags_kernel(dg, (unsigned)i);
		b[i].prog = program_new();
		for (size_t j = 0; j < nsrcs; j++)
			parse_one(srcs[j], b[i].prog, dg);
		check_program(b[i].prog, &b[i].opt, dg);
	}
	return labels;
}

/* A probe that some kernels take and others do not: an error naming
 * those, or with --allow-partial a warning, the probe left out there. */
static void allow_partial(const struct build *b, size_t n, struct diags *dg)
{
	for (size_t i = 0; n > 1 && i < b[0].prog->nprobes; i++) {
		size_t failed = 0;
		for (size_t k = 0; k < n; k++)
			failed += b[k].prog->probes[i]->failed;
		if (failed == 0 || failed == n)
			continue;
		const struct probe *p = b[0].prog->probes[i];
		diags_downgrade(dg, p->src, p->loc, "the probe is left out "
				"there (--allow-partial)");
	}
}

static void show_all(const struct cli *cli, const struct build *b, size_t n,
		     struct diags *dg)
{
	FILE *out = open_output(cli->output, dg);
	if (!out)
		return;
	for (size_t i = 0; i < n; i++) {
		if (n > 1)
			fprintf(out, "%s# kernel %s (%s)\n", i ? "\n" : "",
				b[i].label, b[i].opt.arch->name);
		show_program(out, b[i].prog, &b[i].opt);
	}
	close_output(out, cli->output, dg);
}

static int run_with(struct cli *, const struct options *,
		    struct source **, size_t, struct diags *, const char ***);

/* The user-space types live as long as the run: every kernel's checks
 * share them. */
static int run(struct cli *cli, struct source **srcs, size_t nsrcs,
	       struct diags *dg, const char ***labels)
{
	struct options base = {
		.no_types = cli->no_types,
		.check_only = cli->mode == MODE_CHECK,
		.group = "surfc",
		.max_probes = cli->max_probes,
	};
	base.arch = cli->arch ? arch_find(cli->arch) : arch_host();
	if (!base.arch) {
		diag_plain(dg, "surfc", SEV_ERROR, "unknown architecture '%s'; "
			   "surfc knows %s", cli->arch, arch_names());
		return 2;
	}
	/* --no-types leaves out the kernel's types: a binary's own are
	 * still read, for the uprobes that need them. */
	struct utypes *user = utypes_new(cli->debug_files, cli->ndebug);
	base.user = user;
	int status = run_with(cli, &base, srcs, nsrcs, dg, labels);
	utypes_free(user);
	return status;
}

static int run_with(struct cli *cli, const struct options *basep,
		    struct source **srcs, size_t nsrcs, struct diags *dg,
		    const char ***labels)
{
	struct options base = *basep;
	/* A binary needs no kernel: its USDT markers (PATH, or
	 * PATH:PROVIDER:NAME), or a function's prototype from its DWARF
	 * (PATH:FUNCTION). Its PATH is absolute, which tells it from
	 * GROUP/EVENT. */
	const char *colon = cli->describe && cli->describe[0] == '/'
		? strchr(cli->describe, ':') : NULL;
	if (colon && !strchr(colon + 1, ':'))
		return describe_user_function(stdout, &base, cli->arch != NULL,
					      cli->describe, dg);
	if (cli->describe && cli->describe[0] == '/')
		return usdt_describe(stdout, cli->describe, dg);
	size_t n;
	struct build *b = open_kernels(cli, &base, &n, dg);
	if (!b)
		return 1;
	bool inspect = cli->describe || cli->list;
	if (!inspect && !distinct_kernels(b, n, dg)) {
		close_kernels(b, n);
		return 1;
	}
	if (inspect) {
		int status = describe_all(cli, b, n, dg);
		close_kernels(b, n);
		return status;
	}
	if (cli->mode == MODE_DUMP_AST) {
		b[0].prog = program_new();
		for (size_t j = 0; j < nsrcs; j++)
			parse_one(srcs[j], b[0].prog, dg);
		ast_dump(stdout, b[0].prog);
	} else {
		*labels = check_kernels(b, n, srcs, nsrcs, dg);
		if (cli->allow_partial)
			allow_partial(b, n, dg);
		if (!diags_errors(dg) && cli->mode == MODE_SHOW)
			show_all(cli, b, n, dg);
		else if (!diags_errors(dg) && cli->mode == MODE_SCRIPT)
			write_output(cli, b, n, dg);
	}
	close_kernels(b, n);
	return diags_errors(dg) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	cli.max_errors = 50;
	cli.max_probes = 1000;
	int status = parse_cli(argc, argv, &cli);
	if (status >= 0) {
		cli_free(&cli);
		return stdout_ok() ? status : 1;
	}
	cli.cmdline = command_line(argc, argv);
	struct diags *dg = diags_new(cli.diag_format, want_color(cli.color));
	diags_set_max_errors(dg, cli.max_errors);
	struct source **srcs;
	size_t n = read_sources(&cli, argc, argv, &srcs, dg);
	const char **labels = NULL;
	status = run(&cli, srcs, n, dg, &labels);
	/* What was printed comes before what went wrong. */
	if (!stdout_ok() && status == 0)
		status = 1;
	diags_flush(dg, stderr);
	diags_free(dg);
	for (size_t i = 0; labels && i < (cli.ntypes ? cli.ntypes : 1); i++)
		free((char *)labels[i]);
	free(labels);
	for (size_t i = 0; i < n; i++)
		source_free(srcs[i]);
	free(srcs);
	cli_free(&cli);
	return status;
}
