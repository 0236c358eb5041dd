/* source.c: source texts and their line maps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

struct source *source_from_bytes(const char *name, const char *text,
				 size_t len)
{
	struct source *s = xmalloc(sizeof(*s));
	s->id = 0;
	s->name = xstrdup(name);
	s->len = len;
	s->text = xmalloc(len + 1);
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	index_lines(s);
	return s;
}

struct source *source_from_string(const char *name, const char *text)
{
	return source_from_bytes(name, text, strlen(text));
}

/* Reads all of f, up to MAX_SOURCE_SIZE. NUL bytes are kept: the lexer
 * reports them. */
static bool read_all(FILE *f, struct strbuf *sb, char **err)
{
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb->len + n > MAX_SOURCE_SIZE) {
			*err = xstrdup("it is larger than 16 MiB; "
						 "probe files are text");
			return false;
		}
		for (size_t i = 0; i < n; i++)
			sb_putc(sb, buf[i]);
	}
	if (ferror(f)) {
		*err = xstrdup(strerror(errno));
		return false;
	}
	return true;
}

struct source *source_read(const char *path, char **err)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	struct stat st;
	if (!f) {
		*err = xstrdup(strerror(errno));
		return NULL;
	}
	/* A directory opens, and only its first read fails (EISDIR):
	 * say what it is rather than a bare "read error". */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!is_stdin)
			fclose(f);
		*err = xstrdup("it is a directory");
		return NULL;
	}
	struct strbuf sb = {0};
	bool ok = read_all(f, &sb, err);
	if (!is_stdin)
		fclose(f);
	if (!ok) {
		sb_free(&sb);
		return NULL;
	}
	struct source *s = source_from_bytes(is_stdin ? "<stdin>" : path,
					     sb.s ? sb.s : "", sb.len);
	sb_free(&sb);
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
