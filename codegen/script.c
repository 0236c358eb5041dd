/* script.c: the standalone POSIX sh script (../shared/spec/script.md).
 *
 * The script is a header of comments, the per-file data as plain shell
 * assignments, and the fixed runtime (runtime-sh/surfc.sh, with
 * runtime-sh/convert.awk in a variable). Nothing here generates logic:
 * the runtime reads the data. */
#include <stdlib.h>
#include <string.h>

#include "../compiler/surfc.h"

extern const char runtime_sh[];
extern const char convert_awk[];

/* 'text' for sh: a ' inside becomes '\''. */
static void put_sq(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; s && *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void put_var(FILE *f, size_t i, const char *field, const char *value)
{
	fprintf(f, "S%zu_%s=", i, field);
	put_sq(f, value ? value : "");
	fputc('\n', f);
}

/* The features a fetcharg uses, named as the tracefs README names them, so
 * that the script can check the target kernel has them. */
static void add_features(struct strbuf *sb, const char *fa)
{
	static const struct {
		const char *in, *readme;
	} feats[] = {
		{":ustring", "ustring"}, {":symstr", "symstr"},
		{":string", "string"},   {":symbol", "symbol"},
		{":char", "char"},       {":b", "b<bit-width>"},
		{"]", "<array-size>"},   {":x", "x8/16/32/64"},
		{"$arg", "$arg<N>"},     {"+u", "[u]<offset>"},
		{"-u", "[u]<offset>"},   {"\\\"", "imm-string"},
		{"\\", "imm-value"},
	};
	for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		if (!strstr(fa, feats[i].in))
			continue;
		if (!strcmp(feats[i].in, ":string") && strstr(fa, ":ustring"))
			continue;
		if (!strcmp(feats[i].in, "\\") && strstr(fa, "\\\""))
			continue;
		if (sb->s && strstr(sb->s, feats[i].readme))
			continue;
		sb_printf(sb, "%s%s", sb->len ? " " : "", feats[i].readme);
	}
}

static void put_probe(FILE *f, size_t i, const struct probe *p,
		      const struct options *opt)
{
	const struct target *t = &p->target;
	struct strbuf src = {0}, feats = {0}, conv = {0};
	unsigned line, col;
	source_linecol(p->src, p->loc.start, &line, &col);
	sb_printf(&src, "%s:%u: ", p->src->name, line);
	char *text = probe_source_text(p);
	sb_puts(&src, text);
	free(text);
	for (size_t a = 0; a < p->nargs; a++) {
		add_features(&feats, p->plans[a].fetcharg);
		const char *c = arg_conversion(p->args[a].name);
		if (c)
			sb_printf(&conv, "%s%s=%s", conv.len ? "," : "",
				  p->args[a].name, c);
	}
	char *rest = probe_target_and_args(p);
	char *filter = probe_filter_text(p, opt);
	char kind = p->kind == PROBE_EVENT ? 'e' : p->uprobe ? 'u' : 'k';
	fprintf(f, "S%zu_KIND=%c\nS%zu_LETTER=%c\n", i, kind, i,
		p->kind == PROBE_RETURN ? 'r' : 'p');
	put_var(f, i, "NAME", p->kind == PROBE_EVENT ? t->text : p->event);
	put_var(f, i, "REST", p->kind == PROBE_EVENT ? "" : rest);
	put_var(f, i, "FILTER", filter);
	put_var(f, i, "SRC", src.s);
	put_var(f, i, "FUNC", kind == 'k' && t->kind == TGT_KSYM
			      ? (t->clone ? t->clone : t->symbol) : NULL);
	put_var(f, i, "PATH", t->path);
	put_var(f, i, "TYPES", feats.s);
	put_var(f, i, "CONV", conv.s);
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
		"#\n# command: %s\n# arch: %s\n", SURFC_VERSION, cmdline,
		opt->arch->name);
	if (id && id->release)
		fprintf(f, "# kernel: %s\n", id->release);
	else
		fprintf(f, "# kernel: any (compiled without a kernel's identity)\n");
	if (id && id->version)
		fprintf(f, "# version: %s\n", id->version);
	if (id && id->build_id)
		fprintf(f, "# build-id: %s\n", id->build_id);
	fputs("# probes:\n", f);
	for (size_t i = 0; i < prog->nprobes; i++) {
		const struct probe *p = prog->probes[i];
		unsigned line, col;
		char *text = probe_source_text(p);
		source_linecol(p->src, p->loc.start, &line, &col);
		fprintf(f, "#   %s:%u: %s\n", p->src->name, line, text);
		free(text);
	}
	/* Before the first command, so it covers the file: the data is read
	 * through eval, and '$retval' in it is text, not an expansion. */
	fputs("\n# shellcheck disable=SC2034,SC2016,SC2154\n", f);
	fprintf(f, "SURFC_VERSION=%s\nSURFC_ARCH=%s\nSURFC_BIG=%d\n",
		SURFC_VERSION, opt->arch->name, opt->arch->big_endian);
	fputs("SURFC_KREL=", f);
	put_sq(f, id ? id->release : NULL);
	fputs("\nSURFC_KVERSION=", f);
	put_sq(f, id ? id->version : NULL);
	fprintf(f, "\nSURFC_N=%zu\n", prog->nprobes);
	for (size_t i = 0; i < prog->nprobes; i++)
		put_probe(f, i + 1, prog->probes[i], opt);
	fputs("SURFC_AWK=", f);
	put_sq(f, convert_awk);
	fputs("\n\n", f);
	fputs(runtime_sh, f);
	fputs("\nmain \"$@\"\n", f);
}
