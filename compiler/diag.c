/* diag.c: the one diagnostic formatter.
 *
 * Text form, as gcc and clang print it:
 *
 *   file:line:col: error: message
 *   source line
 *        ^~~~~
 *
 * JSON form: one object per line (JSON Lines) with file, line, column,
 * end_column, severity and message, for CI annotations. */
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

struct diagnostic {
	const struct source *src; /* NULL for diag_plain */
	char *where;              /* diag_plain's position text */
	struct loc loc;
	enum severity sev;
	char *msg;
	unsigned seq;
	unsigned key; /* sort key: line, or the line of the note's parent */
};

struct diags {
	enum diag_format format;
	bool color;
	struct diagnostic *v;
	size_t n, cap;
	unsigned errors, seq;
};

static const char *const sev_name[] = {"error", "warning", "note"};
static const char *const sev_color[] = {"\033[1;31m", "\033[1;35m",
					"\033[1;36m"};
#define BOLD "\033[1m"
#define GREEN "\033[1;32m"
#define RESET "\033[0m"

struct diags *diags_new(enum diag_format format, bool color)
{
	struct diags *d = xmalloc(sizeof(*d));
	memset(d, 0, sizeof(*d));
	d->format = format;
	d->color = color && format == DIAG_TEXT;
	return d;
}

static void drop_all(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].msg);
		free(d->v[i].where);
	}
	d->n = 0;
}

void diags_free(struct diags *d)
{
	if (!d)
		return;
	drop_all(d);
	free(d->v);
	free(d);
}

static struct diagnostic *push(struct diags *d, enum severity sev,
			       const char *fmt, va_list ap)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	struct diagnostic *g = &d->v[d->n++];
	memset(g, 0, sizeof(*g));
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	g->msg = xmalloc((size_t)n + 1);
	vsnprintf(g->msg, (size_t)n + 1, fmt, ap);
	g->sev = sev;
	g->seq = d->seq++;
	if (sev == SEV_ERROR)
		d->errors++;
	return g;
}

void diag(struct diags *d, const struct source *src, struct loc loc,
	  enum severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diagnostic *g = push(d, sev, fmt, ap);
	va_end(ap);
	g->src = src;
	g->loc = loc;
	unsigned line, col;
	source_linecol(src, loc.start, &line, &col);
	g->key = line;
	/* A note belongs to the diagnostic before it, wherever it points. */
	if (sev == SEV_NOTE && d->n > 1)
		g->key = d->v[d->n - 2].key;
}

void diag_plain(struct diags *d, const char *where, enum severity sev,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diagnostic *g = push(d, sev, fmt, ap);
	va_end(ap);
	g->where = xstrdup(where);
}

unsigned diags_errors(const struct diags *d)
{
	return d->errors;
}

/* Sources in the order given, lines in order within each, and a note
 * right after what it explains. */
static int by_position(const void *pa, const void *pb)
{
	const struct diagnostic *a = pa, *b = pb;
	unsigned ia = a->src ? a->src->id : 0, ib = b->src ? b->src->id : 0;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Display width of a prefix of a line: tabs go to the next multiple of 8
 * so that the caret lines up with the echoed line. */
static unsigned display_col(const char *line, size_t upto)
{
	unsigned col = 0;
	for (size_t i = 0; i < upto; i++)
		col = line[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

static void print_source_line(FILE *f, const struct diags *d,
			      const struct diagnostic *g)
{
	size_t len;
	const char *line = source_line(g->src, g->loc.start, &len);
	unsigned line_start = (unsigned)(line - g->src->text);
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\t') {
			unsigned c = display_col(line, i);
			do
				fputc(' ', f);
			while (++c % 8);
		} else if (line[i] == '\r') {
			continue;
		} else {
			fputc((unsigned char)line[i] < 0x20 ? '?' : line[i], f);
		}
	}
	fputc('\n', f);
	size_t from = g->loc.start - line_start;
	size_t to = g->loc.end > g->loc.start ? g->loc.end - line_start : from + 1;
	if (to > len)
		to = len > from ? len : from + 1;
	unsigned c0 = display_col(line, from);
	unsigned c1 = to <= len ? display_col(line, to) : c0 + 1;
	if (c1 <= c0)
		c1 = c0 + 1;
	for (unsigned i = 0; i < c0; i++)
		fputc(' ', f);
	if (d->color)
		fputs(GREEN, f);
	fputc('^', f);
	for (unsigned i = c0 + 1; i < c1; i++)
		fputc('~', f);
	if (d->color)
		fputs(RESET, f);
	fputc('\n', f);
}

static void print_text(FILE *f, const struct diags *d,
		       const struct diagnostic *g)
{
	if (d->color)
		fputs(BOLD, f);
	if (g->src) {
		unsigned line, col;
		source_linecol(g->src, g->loc.start, &line, &col);
		fprintf(f, "%s:%u:%u: ", g->src->name, line, col);
	} else {
		fprintf(f, "%s: ", g->where);
	}
	if (d->color)
		fprintf(f, RESET "%s", sev_color[g->sev]);
	fprintf(f, "%s:", sev_name[g->sev]);
	if (d->color)
		fputs(RESET BOLD, f);
	fprintf(f, " %s", g->msg);
	if (d->color)
		fputs(RESET, f);
	fputc('\n', f);
	if (g->src)
		print_source_line(f, d, g);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_json(FILE *f, const struct diagnostic *g)
{
	unsigned line = 0, col = 0, end_col = 0;
	fputs("{\"file\":", f);
	if (g->src) {
		source_linecol(g->src, g->loc.start, &line, &col);
		size_t len;
		const char *l = source_line(g->src, g->loc.start, &len);
		unsigned end = g->loc.end > g->loc.start ? g->loc.end
							 : g->loc.start + 1;
		unsigned line_end = (unsigned)(l - g->src->text + len);
		if (end > line_end && line_end > g->loc.start)
			end = line_end;
		end_col = col + (end - g->loc.start);
		json_string(f, g->src->name);
	} else {
		json_string(f, g->where);
	}
	fprintf(f, ",\"line\":%u,\"column\":%u,\"end_column\":%u,\"severity\":",
		line, col, end_col);
	json_string(f, sev_name[g->sev]);
	fputs(",\"message\":", f);
	json_string(f, g->msg);
	fputs("}\n", f);
}

void diags_flush(struct diags *d, FILE *f)
{
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), by_position);
	for (size_t i = 0; i < d->n; i++) {
		if (d->format == DIAG_JSON)
			print_json(f, &d->v[i]);
		else
			print_text(f, d, &d->v[i]);
	}
	fflush(f);
	drop_all(d);
}
