/* show.c: surfc -S, the exact tracefs writes of every probe, as shell
 * lines to paste into a shell in the target's tracefs directory; the
 * events file a definition goes to is its kind's (probekind.c). */
#include <stdlib.h>
#include <string.h>

#include "../compiler/surfc.h"

void put_sh_quoted(FILE *f, const char *s)
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

char *inert_text(const char *s)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			sb_puts(&sb, "\\n");
		else if (c == '\t')
			sb_puts(&sb, "\\t");
		else if (c == '\r')
			sb_puts(&sb, "\\r");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(&sb, "\\x%02x", c);
		else
			sb_putc(&sb, (char)c);
	}
	return sb.s;
}

void put_inert(FILE *f, const char *text)
{
	char *s = inert_text(text);
	fputs(s, f);
	free(s);
}

void put_probe_origin(FILE *f, const struct probe *p)
{
	unsigned line, col;
	source_linecol(p->src, p->loc.start, &line, &col);
	char *text = probe_source_text(p);
	put_inert(f, p->src->name);
	fprintf(f, ":%u: ", line);
	put_inert(f, text);
	free(text);
}

static void show_probe(FILE *f, const struct probe *p,
		       const struct options *opt)
{
	fputs("# ", f);
	put_probe_origin(f, p);
	fputc('\n', f);
	if (p->failed) {
		fputs("# left out on this kernel (--allow-partial)\n", f);
		return;
	}
	char *filter = probe_filter_text(p, opt->arch);
	const char *group = opt->group;
	const char *event = p->event;
	if (p->kind->site == PROBE_EVENT) {
		group = p->target.group;
	} else {
		struct render_target rt = render_target_of(opt);
		char *def = probe_definition(p, opt->group, &rt);
		fputs("echo ", f);
		put_sh_quoted(f, def);
		fprintf(f, " >> %s\n", p->kind->events_file);
		free(def);
	}
	if (filter) {
		fputs("echo ", f);
		put_sh_quoted(f, filter);
		fprintf(f, " > events/%s/%s/filter\n", group, event);
		free(filter);
	}
}

void show_program(FILE *f, const struct program *prog,
		  const struct options *opt)
{
	for (size_t i = 0; i < prog->nprobes; i++)
		show_probe(f, prog->probes[i], opt);
}
