/* source.c: source texts and their line maps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

static void index_lines(struct source *s)
{
	size_t cap = 64;
	s->line_starts = xmalloc(cap * sizeof(size_t));
	s->nlines = 0;
	s->line_starts[s->nlines++] = 0;
	for (size_t i = 0; i < s->len; i++) {
		if (s->text[i] != '\n')
			continue;
		if (s->nlines == cap) {
			cap *= 2;
			s->line_starts = xrealloc(s->line_starts,
						  cap * sizeof(size_t));
		}
		s->line_starts[s->nlines++] = i + 1;
	}
}

struct source *source_from_string(const char *name, const char *text)
{
	struct source *s = xmalloc(sizeof(*s));
	s->id = 0;
	s->name = xstrdup(name);
	s->len = strlen(text);
	s->text = xstrdup(text);
	index_lines(s);
	return s;
}

struct source *source_read(const char *path, char **err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		*err = xstrdup(strerror(errno));
		return NULL;
	}
	struct strbuf sb = {0};
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < n; i++) {
			/* NUL bytes would cut the text short; the lexer
			 * reports them as stray characters instead. */
			sb_putc(&sb, buf[i] ? buf[i] : '\x01');
		}
	}
	bool failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (failed) {
		sb_free(&sb);
		*err = xstrdup("read error");
		return NULL;
	}
	struct source *s = xmalloc(sizeof(*s));
	s->id = 0;
	s->name = xstrdup(strcmp(path, "-") ? path : "<stdin>");
	s->text = sb.s ? sb.s : xstrdup("");
	s->len = sb.len;
	index_lines(s);
	return s;
}

void source_free(struct source *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->text);
	free(s->line_starts);
	free(s);
}

static size_t line_index(const struct source *s, unsigned off)
{
	size_t lo = 0, hi = s->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void source_linecol(const struct source *s, unsigned off, unsigned *line,
		    unsigned *col)
{
	size_t i = line_index(s, off);
	*line = (unsigned)i + 1;
	*col = off - (unsigned)s->line_starts[i] + 1;
}

const char *source_line(const struct source *s, unsigned off, size_t *len)
{
	size_t i = line_index(s, off);
	const char *start = s->text + s->line_starts[i];
	const char *end = memchr(start, '\n', s->len - s->line_starts[i]);
	*len = end ? (size_t)(end - start) : s->len - s->line_starts[i];
	return start;
}
