/* script.c: the standalone POSIX sh script (../shared/spec/script.md).
 *
 * The script is a header of comments, the per-file data as plain shell
 * assignments, and the fixed runtime (runtime-sh/surfc.sh, with
 * runtime-sh/convert.awk in a variable). Nothing here generates logic:
 * the runtime reads the data, down to the file each definition goes to,
 * which is its kind's (probekind.c). */
#include <stdlib.h>
#include <string.h>

#include "../compiler/surfc.h"

extern const char runtime_sh[];
extern const char convert_awk[];

static void put_var(FILE *f, size_t i, const char *field, const char *value)
{
	fprintf(f, "probe_%zu_%s=", i, field);
	put_sh_quoted(f, value ? value : "");
	fputc('\n', f);
}

/* The identity of a uprobe's binary; the last one is kept, since probes
 * on one binary usually follow each other. */
static const char *binary_identity(const char *path)
{
	static char *last_path, *last_id;
	if (!path) {
		free(last_path);
		free(last_id);
		last_path = last_id = NULL;
		return NULL;
	}
	if (!last_path || strcmp(last_path, path)) {
		free(last_path);
		free(last_id);
		last_path = xstrdup(path);
		last_id = usym_identity(path);
	}
	return last_id;
}

static void put_probe(FILE *f, size_t i, const struct probe *p,
		      const struct options *opt)
{
	const struct target *t = &p->target;
	const struct probe_kind *k = p->kind;
	struct strbuf src = {0}, feats = {0}, conv = {0};
	unsigned line, col;
	source_linecol(p->src, p->loc.start, &line, &col);
	sb_printf(&src, "%s:%u: ", p->src->name, line);
	char *text = probe_source_text(p);
	sb_puts(&src, text);
	free(text);
	char *shown = inert_text(src.s);
	/* What the kernel must offer, as its tracefs README names it, so
	 * that the script can check before arming (fetchtype.c). */
	unsigned features = 0;
	for (size_t a = 0; a < p->nargs; a++) {
		features |= p->plans[a].features;
		const struct conversion *c = p->plans[a].conv;
		if (c)
			sb_printf(&conv, "%s%s=%s", conv.len ? "," : "",
				  p->args[a].name, c->name);
	}
	put_features(&feats, features);
	struct render_target rt = render_target_of(opt);
	char *rest = probe_target_and_args(p, &rt);
	char *filter = probe_filter_text(p, opt->arch);
	bool event = k->site == PROBE_EVENT;
	/* An event is never defined: it has no letter. */
	fprintf(f, "probe_%zu_kind=%c\nprobe_%zu_letter=", i, k->tag, i);
	if (k->def_letter)
		fputc(k->def_letter, f);
	fputc('\n', f);
	put_var(f, i, "events_file", k->events_file);
	put_var(f, i, "name", event ? t->text : p->event);
	put_var(f, i, "rest", event ? "" : rest);
	put_var(f, i, "filter", filter);
	put_var(f, i, "source", shown);
	/* A kernel SYMBOL target is a kprobe's. */
	put_var(f, i, "function", t->kind == TGT_KSYM
			      ? (t->clone ? t->clone : t->symbol) : NULL);
	put_var(f, i, "binary", k->user ? t->path : NULL);
	put_var(f, i, "binary_id", k->user ? binary_identity(t->path) : NULL);
	put_var(f, i, "features", feats.s);
	put_var(f, i, "conversions", conv.s);
	free(shown);
	free(rest);
	free(filter);
	sb_free(&src);
	sb_free(&feats);
	sb_free(&conv);
}

void write_script(FILE *f, const struct program *prog,
		  const struct options *opt, const char *cmdline)
{
	const struct kernel_id *id = opt->types ? &opt->types->id : NULL;
	fprintf(f, "#!/bin/sh\n"
		"# Written by surfc %s: a standalone script that arms ftrace\n"
		"# probes, streams their events and removes them again.\n"
		"# Run it as root: sh trace.sh -h tells the options.\n"
		"#\n# command: ", SURFC_VERSION);
	put_inert(f, cmdline);
	fprintf(f, "\n# arch: %s\n", opt->arch->name);
	fputs("# kernel: ", f);
	put_inert(f, id && id->release ? id->release
		    : "any (compiled without a kernel's identity)");
	fputc('\n', f);
	if (id && id->version) {
		fputs("# version: ", f);
		put_inert(f, id->version);
		fputc('\n', f);
	}
	if (id && id->build_id) {
		fputs("# build-id: ", f);
		put_inert(f, id->build_id);
		fputc('\n', f);
	}
	fputs("# probes:\n", f);
	for (size_t i = 0; i < prog->nprobes; i++) {
		fputs("#   ", f);
		put_probe_origin(f, prog->probes[i]);
		fputc('\n', f);
	}
	/* The binaries of uprobes, as the script checks them. */
	for (size_t i = 0; i < prog->nprobes; i++) {
		const struct probe *p = prog->probes[i];
		if (!p->kind->user)
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = prog->probes[j]->kind->user &&
			       !strcmp(prog->probes[j]->target.path, p->target.path);
		if (seen)
			continue;
		const char *bid = binary_identity(p->target.path);
		fputs("# binary: ", f);
		put_inert(f, p->target.path);
		fputs(": ", f);
		if (!bid)
			fputs("unreadable when compiled (not checked)", f);
		else if (!strncmp(bid, "build-id:", 9))
			fprintf(f, "build-id %s", strrchr(bid, ':') + 1);
		else
			fprintf(f, "cksum %s", bid + 6);
		fputc('\n', f);
	}
	/* Before the first command, so it covers the file: the data is read
	 * through eval, and '$retval' in it is text, not an expansion. */
	fputs("\n# shellcheck disable=SC2034,SC2016,SC2154\n", f);
	fputs(runtime_sh, f);
	fputs("\n# ---- the probes (data) ----\n", f);
	fprintf(f, "surfc_version=%s\nsurfc_arch=%s\nsurfc_big_endian=%d\n",
		SURFC_VERSION, opt->arch->name, opt->arch->big_endian);
	fputs("kernel_release=", f);
	put_sh_quoted(f, id ? id->release : NULL);
	fputs("\nkernel_version=", f);
	put_sh_quoted(f, id ? id->version : NULL);
	fputs("\nprobe_ids='", f);
	for (size_t i = 0; i < prog->nprobes; i++)
		fprintf(f, "%s%zu", i ? " " : "", i + 1);
	fputs("'\n", f);
	for (size_t i = 0; i < prog->nprobes; i++)
		put_probe(f, i + 1, prog->probes[i], opt);
	binary_identity(NULL);
	fputs("convert_awk=", f);
	put_sh_quoted(f, convert_awk);
	fputs("\n\nmain \"$@\"\n", f);
}
