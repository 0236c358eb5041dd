/* main.c: the command line. Reads the sources, runs the passes in order
 * and stops after the first pass that reported an error:
 *
 *   parse -> check -> (show | check only | dump)
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

struct cli {
	enum mode mode;
	const char *output;
	const char *btf, *vmlinux;
	bool no_types;
	const char *arch;
	const char *color;
	enum diag_format diag_format;
	char **exprs;
	size_t nexprs;
	const char *describe;
	char *cmdline;
	const char *kernel_release;
	unsigned max_errors;
};

static const char usage_text[] =
	"usage: surfc [options] FILE...\n"
	"       surfc [options] -e PROBE [-e PROBE]...\n"
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
	"                          arguments are, or a struct's layout\n"
	"                          ('struct sk_buff'), from the kernel's types\n"
	"      --arch ARCH         target architecture (default: the host's)\n"
	"      --btf FILE          kernel types from BTF (raw or ELF .BTF)\n"
	"      --vmlinux FILE      kernel types from a DWARF vmlinux or .ko\n"
	"      --no-types          use no type information\n"
	"      --kernel-release R  the release the types belong to (uname -r), for\n"
	"                          a bare BTF file; the script checks it\n"
	"      --color[=WHEN]      colour diagnostics: auto, always or never\n"
	"      --diagnostics-format=FORMAT\n"
	"                          text (default) or json (one object a line)\n"
	"      --max-errors N      print at most N errors, then one line for\n"
	"                          the rest (default 50; 0: no limit)\n"
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
	{"kernel-release", required_argument, NULL, OPT_KERNEL_RELEASE},
	{"max-errors", required_argument, NULL, OPT_MAX_ERRORS},
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

/* Returns -1 to go on, or the exit status. */
static int parse_cli(int argc, char **argv, struct cli *cli)
{
	int c;
	cli->exprs = xmalloc((size_t)argc * sizeof(char *));
	opterr = 0; /* our own messages: getopt's name the binary's path */
	while ((c = getopt_long(argc, argv, ":e:o:ShV", long_options, NULL)) != -1) {
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
			cli->btf = optarg;
			break;
		case OPT_VMLINUX:
			cli->vmlinux = optarg;
			break;
		case OPT_NO_TYPES:
			cli->no_types = true;
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
		case OPT_KERNEL_RELEASE:
			cli->kernel_release = optarg;
			break;
		case OPT_MAX_ERRORS: {
			unsigned long long n;
			if (!parse_number(optarg, &n) || n > 1000000)
				return usage_error("--max-errors takes a number "
						   "(0: no limit), not '%s'", optarg);
			cli->max_errors = (unsigned)n;
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
	if (optind == argc && cli->nexprs == 0 && !cli->describe)
		return usage_error("%s", "no input: give a FILE or -e PROBE");
	if (cli->no_types && (cli->btf || cli->vmlinux))
		return usage_error("%s", "--no-types and --btf/--vmlinux exclude "
				   "each other");
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

/* The type source: what the flags name, else the running kernel's. A
 * named source that cannot be read is an error; a missing default only
 * leaves the probes without types. */
/* --arch defaults to what the types say (the ELF's machine, or BTF's
 * struct pt_regs), and must agree with it. */
static bool agree_on_arch(const struct cli *cli, struct options *opt,
			  const char *path, struct diags *dg)
{
	const struct arch *types_arch = opt->types->arch;
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

static bool open_types(const struct cli *cli, struct options *opt,
		       struct diags *dg)
{
	char *err = NULL;
	const char *path = cli->btf ? cli->btf : cli->vmlinux;
	if (cli->no_types)
		return true;
	if (cli->btf)
		opt->types = typesrc_open_btf(cli->btf, &err);
	else if (cli->vmlinux)
		opt->types = typesrc_open_vmlinux(cli->vmlinux, &err);
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
	if (!agree_on_arch(cli, opt, path, dg)) {
		typesrc_close(opt->types);
		opt->types = NULL;
		return false;
	}
	opt->types->arch = opt->arch;
	if (cli->kernel_release) {
		/* What the user says beats what was guessed. */
		opt->types->id.release = arena_strdup(opt->types->arena,
						      cli->kernel_release);
		opt->types->id.version = NULL;
	}
	if (!opt->types->id.release && cli->mode == MODE_SCRIPT &&
	    !cli->describe)
		diag_plain(dg, path, SEV_WARNING, "these types do not say which "
			   "kernel they belong to, so the script will arm on any "
			   "kernel: pass --kernel-release (the target's uname -r)");
	return true;
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

static void write_output(struct cli *cli, struct program *prog,
			 struct options *opt, struct diags *dg)
{
	FILE *out = open_output(cli->output, dg);
	if (!out)
		return;
	write_script(out, prog, opt, cli->cmdline);
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
	unsigned errors = diags_errors(dg);
	parse_source(src, prog, dg);
	if (prog->nprobes == probes && diags_errors(dg) == errors)
		diag(dg, src, (struct loc){0, 0}, SEV_ERROR, "no probes in %s: "
		     "a probe is a line such as 'p vfs_read' (language.md)",
		     src->name);
}

static int run(struct cli *cli, struct source **srcs, size_t nsrcs,
	       struct diags *dg)
{
	struct options opt = {
		.no_types = cli->no_types,
		.check_only = cli->mode == MODE_CHECK,
		.group = "surfc",
	};
	opt.arch = cli->arch ? arch_find(cli->arch) : arch_host();
	if (!opt.arch) {
		diag_plain(dg, "surfc", SEV_ERROR, "unknown architecture '%s'; "
			   "surfc knows %s", cli->arch, arch_names());
		return 2;
	}
	if (!open_types(cli, &opt, dg)) {
		return 1;
	}
	kernel_features_of(opt.types ? opt.types->id.release : NULL,
			   &opt.kernel);
	if (cli->describe) {
		int status = describe(stdout, &opt, cli->describe, dg);
		typesrc_close(opt.types);
		return status;
	}
	struct program *prog = program_new();
	for (size_t i = 0; i < nsrcs; i++)
		parse_one(srcs[i], prog, dg);
	int status = 0;
	if (cli->mode == MODE_DUMP_AST) {
		ast_dump(stdout, prog);
	} else {
		check_program(prog, &opt, dg);
		if (!diags_errors(dg) && cli->mode == MODE_SHOW) {
			FILE *out = open_output(cli->output, dg);
			if (out) {
				show_program(out, prog, &opt);
				close_output(out, cli->output, dg);
			}
		} else if (!diags_errors(dg) && cli->mode == MODE_SCRIPT) {
			write_output(cli, prog, &opt, dg);
		}
	}
	program_free(prog);
	typesrc_close(opt.types);
	if (diags_errors(dg))
		status = 1;
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	cli.max_errors = 50;
	int status = parse_cli(argc, argv, &cli);
	if (status >= 0) {
		free(cli.exprs);
		return stdout_ok() ? status : 1;
	}
	cli.cmdline = command_line(argc, argv);
	struct diags *dg = diags_new(cli.diag_format, want_color(cli.color));
	diags_set_max_errors(dg, cli.max_errors);
	struct source **srcs;
	size_t n = read_sources(&cli, argc, argv, &srcs, dg);
	status = run(&cli, srcs, n, dg);
	/* What was printed comes before what went wrong. */
	if (!stdout_ok() && status == 0)
		status = 1;
	diags_flush(dg, stderr);
	diags_free(dg);
	for (size_t i = 0; i < n; i++)
		source_free(srcs[i]);
	free(srcs);
	free(cli.exprs);
	free(cli.cmdline);
	return status;
}
