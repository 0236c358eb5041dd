/* util.c: memory, strings and the "did you mean" distance. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

static void *oom(void)
{
	/* Out of memory is the one failure a compiler may not recover from. */
	fputs("surfc: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* A bump allocator: the AST of a run is freed in one go. */
struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
};

struct arena *arena_new(void)
{
	struct arena *a = xmalloc(sizeof(*a));
	a->head = NULL;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t size = n > 16384 ? n : 16384;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvprintf(fmt, ap);
	va_end(ap);
	char *p = arena_strdup(a, s);
	free(s);
	return p;
}

char *xvprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	char *s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void sb_grow(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap * 2 : 64;
	while (cap < sb->len + more + 1)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_grow(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n + 1);
	sb->len += n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

/* Optimal string alignment distance (Levenshtein plus transpositions), or
 * max + 1 as soon as it is known to exceed max: only cells within max of
 * the diagonal are computed, and a row whose best cell is over max ends
 * it. Names longer than 64 bytes are never suggested. */
static unsigned edit_distance(const char *a, const char *b, unsigned max)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned over = max + 1;
	if (n > 64 || m > 64 || (n > m ? n - m : m - n) > max)
		return over;
	/* Three rows: two back for transpositions, the last, this one. */
	unsigned rows[3][65], *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= m; j++)
		prev[j] = j <= max ? (unsigned)j : over;
	for (size_t i = 1; i <= n; i++) {
		size_t lo = i > max ? i - max : 1, hi = i + max < m ? i + max : m;
		unsigned best = over;
		cur[0] = i <= max ? (unsigned)i : over;
		if (lo > 1)
			cur[lo - 1] = over;
		for (size_t j = lo; j <= hi; j++) {
			unsigned v = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v > over ? over : v;
			if (cur[j] < best)
				best = cur[j];
		}
		if (hi < m)
			cur[hi + 1] = over;
		if (best > max)
			return over;
		unsigned *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[m] > max ? over : prev[m];
}

const char *closest_name(const char *name, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t len = strlen(name);
	/* Allow about one edit in three characters, at least one. */
	unsigned limit = len < 3 ? 1 : (unsigned)(len + 2) / 3;
	unsigned best_d = limit + 1;
	for (size_t i = 0; i < n; i++) {
		/* Only a closer name than the best so far matters. */
		unsigned d = edit_distance(name, cands[i], best_d - 1);
		if (d < best_d && d > 0) {
			best_d = d;
			best = cands[i];
			if (d == 1)
				break;
		}
	}
	return best;
}

bool is_identifier(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

bool parse_number(const char *s, unsigned long long *out)
{
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	/* strtoull with base 0 reads a leading 0 as octal: the kernel's
	 * kstrtoul does too, but people mean decimal; refuse the ambiguity. */
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		return false;
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* An open-addressing hash map from strings to pointers; the keys are not
 * copied. FNV-1a: short names, no adversary worth a keyed hash. */
static size_t str_hash(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void strmap_grow(struct strmap *m)
{
	struct strmap bigger = {0};
	bigger.cap = m->cap ? 2 * m->cap : 64;
	bigger.keys = xmalloc(bigger.cap * sizeof(*bigger.keys));
	bigger.vals = xmalloc(bigger.cap * sizeof(*bigger.vals));
	memset(bigger.keys, 0, bigger.cap * sizeof(*bigger.keys));
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			strmap_put(&bigger, m->keys[i], m->vals[i]);
	strmap_free(m);
	*m = bigger;
}

static size_t strmap_slot(const struct strmap *m, const char *key)
{
	size_t i = str_hash(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = strmap_slot(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

void *strmap_put(struct strmap *m, const char *key, void *val)
{
	if (2 * (m->n + 1) > m->cap)
		strmap_grow(m);
	size_t i = strmap_slot(m, key);
	if (m->keys[i])
		return m->vals[i];
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return NULL;
}

void strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
