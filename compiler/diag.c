/* diag.c: the one diagnostic formatter.
 *
 * Text form, as gcc and clang print it:
 *
 *   file:line:col: error: message
 *   source line
 *        ^~~~~
 *
 * JSON form: one object per line (JSON Lines) with file, line, column,
 * end_column, severity and message, for CI annotations.
 *
 * Input is never echoed raw: control bytes (ESC, BEL, NUL...), bytes
 * that are not UTF-8 and bidirectional controls are shown as \xNN, in
 * messages, names and source lines alike, so that a terminal runs none
 * of them, the caret stays under what it points at, and every JSON line
 * is valid UTF-8. Past max_errors errors the rest is summed up in one
 * line.
 *
 * Compiling for several kernels runs the checks once a kernel: each
 * diagnostic says which kernel it is for, identical ones are printed once,
 * and one that holds for some kernels only names them. */
#include <stdint.h>
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
	/* Where it sorts: its source's order and line, and its own seq; a
	 * note takes all three from the diagnostic it explains, wherever it
	 * points, so that it prints right after it. */
	unsigned src_key, line_key, group;
	bool is_note_of_prev;
	/* 1-based positions in the output: JSON links a note to its error
	 * by "parent". */
	unsigned id, parent;
	unsigned char *kernels; /* with several kernels: which it holds for */
	char *key;              /* ... and what makes two of them the same */
};

struct diags {
	enum diag_format format;
	bool color;
	unsigned max_errors; /* 0: no limit */
	struct diagnostic *v;
	size_t n, cap;
	unsigned errors, seq;
	unsigned reported; /* errors reported, merged ones too */
	size_t last; /* what a note explains: the last one reported, + 1 */
	/* Several kernels: their names, the one being checked, and the
	 * diagnostics by key (index + 1). */
	const char *const *kernel_names;
	unsigned nkernels, kernel;
	struct strmap by_key;
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
	d->max_errors = 50;
	return d;
}

void diags_set_max_errors(struct diags *d, unsigned max)
{
	d->max_errors = max;
}

/* The length of the UTF-8 sequence at s[0..n), or 0 when it is not one
 * (overlong forms, surrogates and C1 controls included: those are shown
 * escaped too). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp, len;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (unsigned i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp < 0xa0)
		return 0;
	/* Bidirectional controls reorder what the terminal shows. */
	if (cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

/* How the unit of text at s[0..n) is shown: writes it to out (when not
 * NULL) and returns the number of bytes it takes; *width gets its
 * display width. Tabs are the caller's. */
static size_t show_unit(const char *s, size_t n, struct strbuf *out,
			unsigned *width)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c >= 0x80 ? utf8_len((const unsigned char *)s, n) : 0;
	if (c >= 0x20 && c < 0x7f) {
		*width = 1;
		if (out)
			sb_putc(out, (char)c);
		return 1;
	}
	if (len) {
		*width = 1;
		for (size_t i = 0; out && i < len; i++)
			sb_putc(out, s[i]);
		return len;
	}
	*width = 4;
	if (out)
		sb_printf(out, "\\x%02x", c);
	return 1;
}

/* Messages quote the input ('%s'): a 5 MB name must not make a 5 MB
 * message. */
enum { MSG_MAX = 1024 };

/* A malloc'ed copy of s[0..n) that is safe to print (tabs kept), cut
 * with "..." past MSG_MAX bytes. */
static char *sanitize(const char *s, size_t n)
{
	struct strbuf sb = {0};
	unsigned w;
	for (size_t i = 0; i < n;) {
		if (sb.len >= MSG_MAX) {
			sb_puts(&sb, "...");
			break;
		}
		if (s[i] == '\t') {
			sb_putc(&sb, '\t');
			i++;
			continue;
		}
		i += show_unit(s + i, n - i, &sb, &w);
	}
	if (!sb.s)
		sb_puts(&sb, "");
	return sb.s;
}

static void drop_one(struct diagnostic *g)
{
	free(g->msg);
	free(g->where);
	free(g->kernels);
	free(g->key);
}

static void drop_all(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		drop_one(&d->v[i]);
	d->n = 0;
	d->last = 0;
	strmap_free(&d->by_key);
}

void diags_set_kernels(struct diags *d, const char *const *names, unsigned n)
{
	d->kernel_names = names;
	d->nkernels = n;
	d->kernel = 0;
}

void diags_kernel(struct diags *d, unsigned k)
{
	d->kernel = k;
}

/* With several kernels: g (the newest) is for the current kernel; if an
 * identical one was reported for another kernel, that one holds for this
 * kernel too and g goes. */
static void merge_same(struct diags *d)
{
	size_t i = d->n - 1;
	struct diagnostic *g = &d->v[i];
	if (d->nkernels < 2) {
		d->last = i + 1;
		return;
	}
	g->key = xprintf("%u:%u:%u:%u:%d:%u:%s:%s", g->src_key, g->line_key,
			 g->loc.start, g->loc.end, (int)g->sev,
			 g->is_note_of_prev ? g->group : 0,
			 g->where ? g->where : "", g->msg);
	uintptr_t same = (uintptr_t)strmap_get(&d->by_key, g->key);
	if (same) {
		if (g->sev == SEV_ERROR)
			d->errors--;
		drop_one(g);
		d->n--;
		i = same - 1;
		g = &d->v[i];
	} else {
		strmap_put(&d->by_key, g->key, (void *)(uintptr_t)(i + 1));
		g->kernels = xmalloc(d->nkernels);
		memset(g->kernels, 0, d->nkernels);
	}
	g->kernels[d->kernel] = 1;
	d->last = i + 1;
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
	char *raw = xvprintf(fmt, ap);
	g->msg = sanitize(raw, strlen(raw));
	free(raw);
	g->sev = sev;
	g->seq = d->seq++;
	if (sev == SEV_ERROR) {
		d->errors++;
		d->reported++;
	}
	return g;
}

/* A note belongs to the diagnostic reported before it: it sorts with it
 * and prints after it. Anything else starts a group of its own. */
static void belongs_to_prev(struct diags *d, struct diagnostic *g)
{
	const struct diagnostic *prev = d->last ? &d->v[d->last - 1] : NULL;
	g->group = g->seq;
	if (g->sev != SEV_NOTE || !prev)
		return;
	g->src_key = prev->src_key;
	g->line_key = prev->line_key;
	g->group = prev->group;
	g->is_note_of_prev = true;
}

static struct diagnostic *at_source(struct diagnostic *g,
				    const struct source *src, struct loc loc)
{
	g->src = src;
	g->loc = loc;
	unsigned line, col;
	source_linecol(src, loc.start, &line, &col);
	g->src_key = src->id;
	g->line_key = line;
	return g;
}

void diag(struct diags *d, const struct source *src, struct loc loc,
	  enum severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diagnostic *g = push(d, sev, fmt, ap);
	va_end(ap);
	belongs_to_prev(d, at_source(g, src, loc));
	merge_same(d);
}

void diag_note_alone(struct diags *d, const struct source *src,
		     struct loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diagnostic *g = push(d, SEV_NOTE, fmt, ap);
	va_end(ap);
	at_source(g, src, loc)->group = g->seq;
	merge_same(d);
}

void diag_plain(struct diags *d, const char *where, enum severity sev,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diagnostic *g = push(d, sev, fmt, ap);
	va_end(ap);
	g->where = sanitize(where, strlen(where));
	belongs_to_prev(d, g);
	merge_same(d);
}

void diag_suggest(struct diags *d, const struct source *src, struct loc loc,
		  const char *near, const char *otherwise, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvprintf(fmt, ap);
	va_end(ap);
	const char *sep = near || otherwise ? "; " : "";
	const char *tail = near ? "did you mean '" : otherwise ? otherwise : "";
	const char *end = near ? "'?" : "";
	if (src)
		diag(d, src, loc, SEV_ERROR, "%s%s%s%s%s", msg, sep, tail,
		     near ? near : "", end);
	else
		diag_plain(d, "surfc", SEV_ERROR, "%s%s%s%s%s", msg, sep, tail,
			   near ? near : "", end);
	free(msg);
}

unsigned diags_errors(const struct diags *d)
{
	return d->errors;
}

unsigned diags_reported(const struct diags *d)
{
	return d->reported;
}

/* Sources in the order given, lines in order within each, and a note
 * right after what it explains. */
static int by_position(const void *pa, const void *pb)
{
	const struct diagnostic *a = pa, *b = pb;
	if (a->src_key != b->src_key)
		return a->src_key < b->src_key ? -1 : 1;
	if (a->line_key != b->line_key)
		return a->line_key < b->line_key ? -1 : 1;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Source lines longer than ECHO_MAX bytes are shown as a window of
 * ECHO_WINDOW bytes around the caret. */
enum { ECHO_MAX = 512, ECHO_WINDOW = 240 };

/* Writes line[from..to) as shown (escapes, tabs to the next multiple of
 * 8, no CR) to out when not NULL; returns the display column reached
 * from col. A UTF-8 character that starts before to counts whole. */
static unsigned show_span(struct strbuf *out, const char *line, size_t len,
			  size_t from, size_t to, unsigned col)
{
	unsigned w;
	for (size_t i = from; i < to;) {
		if (line[i] == '\t') {
			unsigned next = (col / 8 + 1) * 8;
			while (out && col < next) {
				sb_putc(out, ' ');
				col++;
			}
			col = next;
			i++;
		} else if (line[i] == '\r') {
			i++;
		} else {
			i += show_unit(line + i, len - i, out, &w);
			col += w;
		}
	}
	return col;
}

static void print_source_line(FILE *f, const struct diags *d,
			      const struct diagnostic *g)
{
	size_t len;
	const char *line = source_line(g->src, g->loc.start, &len);
	size_t from = g->loc.start - (size_t)(line - g->src->text);
	size_t to = g->loc.end > g->loc.start ? from + (g->loc.end - g->loc.start)
					      : from + 1;
	if (to > len)
		to = len > from ? len : from + 1;
	/* A long line (a generated file, a binary) shows only the part
	 * around the caret, marked with "..." where it is cut. */
	size_t first = 0, last = len;
	if (len > ECHO_MAX) {
		first = from > ECHO_WINDOW / 3 ? from - ECHO_WINDOW / 3 : 0;
		last = first + ECHO_WINDOW < len ? first + ECHO_WINDOW : len;
		if (to > last)
			to = last > from ? last : from + 1;
	}
	struct strbuf sb = {0};
	unsigned start = first > 0 ? 3 : 0;
	if (first > 0)
		sb_puts(&sb, "...");
	show_span(&sb, line, last, first, last, start);
	if (last < len)
		sb_puts(&sb, "...");
	fprintf(f, "%s\n", sb.s ? sb.s : "");
	sb_free(&sb);
	unsigned c0 = show_span(NULL, line, last, first, from, start);
	unsigned c1 = to <= last ? show_span(NULL, line, last, first, to, start)
				 : c0 + 1;
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
		char *name = sanitize(g->src->name, strlen(g->src->name));
		fprintf(f, "%s:%u:%u: ", name, line, col);
		free(name);
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

/* s is sanitized first: only valid UTF-8 reaches the output. */
void put_json_string(FILE *f, const char *raw)
{
	char *safe = sanitize(raw, strlen(raw));
	const char *s = safe;
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
	free(safe);
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
		put_json_string(f, g->src->name);
	} else {
		put_json_string(f, g->where);
	}
	fprintf(f, ",\"line\":%u,\"column\":%u,\"end_column\":%u,\"severity\":",
		line, col, end_col);
	put_json_string(f, sev_name[g->sev]);
	fputs(",\"message\":", f);
	put_json_string(f, g->msg);
	fprintf(f, ",\"id\":%u", g->id);
	if (g->parent)
		fprintf(f, ",\"parent\":%u", g->parent);
	fputs("}\n", f);
}

/* The line that stands for the errors past the limit. */
static void print_too_many(FILE *f, const struct diags *d, unsigned more)
{
	struct diagnostic g = {.where = "surfc", .sev = SEV_ERROR};
	char msg[128];
	snprintf(msg, sizeof(msg), "too many errors: %u more not shown "
		 "(--max-errors=%u)", more, d->max_errors);
	g.msg = msg;
	if (d->format == DIAG_JSON)
		print_json(f, &g);
	else
		print_text(f, d, &g);
}

/* " (on 6.1.0-56-cloud-amd64, ...)" after what holds for some kernels
 * only, unless the message names its one kernel already. */
static void name_kernels(struct diags *d, struct diagnostic *g)
{
	if (!g->kernels || g->is_note_of_prev)
		return;
	unsigned n = 0, only = 0;
	for (unsigned k = 0; k < d->nkernels; k++)
		if (g->kernels[k])
			n++, only = k;
	if (n < d->nkernels &&
	    !(n == 1 && strstr(g->msg, d->kernel_names[only]))) {
		struct strbuf sb = {0};
		sb_printf(&sb, "%s (on ", g->msg);
		for (unsigned k = 0, i = 0; k < d->nkernels; k++)
			if (g->kernels[k])
				sb_printf(&sb, "%s%s", i++ ? ", " : "",
					  d->kernel_names[k]);
		sb_putc(&sb, ')');
		free(g->msg);
		g->msg = sb.s;
	}
	free(g->kernels);
	g->kernels = NULL; /* named once */
}

void diags_downgrade(struct diags *d, const struct source *src,
		     struct loc range, const char *why)
{
	for (size_t i = 0; i < d->n; i++) {
		struct diagnostic *g = &d->v[i];
		if (g->src != src || g->loc.start < range.start ||
		    g->loc.start >= range.end || g->sev != SEV_ERROR)
			continue;
		name_kernels(d, g);
		char *msg = xprintf("%s; %s", g->msg, why);
		free(g->msg);
		g->msg = msg;
		g->sev = SEV_WARNING;
		d->errors--;
	}
}

void diags_flush(struct diags *d, FILE *f)
{
	unsigned shown = 0, more = 0, head = 0;
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), by_position);
	for (size_t i = 0; i < d->n; i++) {
		struct diagnostic *g = &d->v[i];
		g->id = (unsigned)i + 1;
		if (!g->is_note_of_prev)
			head = g->id;
		g->parent = g->is_note_of_prev ? head : 0;
		if (g->sev == SEV_ERROR && d->max_errors &&
		    shown == d->max_errors) {
			more = 1;
			while (++i < d->n)
				more += d->v[i].sev == SEV_ERROR;
			break;
		}
		shown += g->sev == SEV_ERROR;
		name_kernels(d, g);
		if (d->format == DIAG_JSON)
			print_json(f, g);
		else
			print_text(f, d, g);
	}
	if (more)
		print_too_many(f, d, more);
	fflush(f);
	drop_all(d);
}
