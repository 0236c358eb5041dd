/* utypes.c: the types of user-space binaries, for structured expressions
 * on uprobes. They come from DWARF: the binary's own, else its separate
 * debuginfo, found as gdb finds it (by build-id under
 * /usr/lib/debug/.build-id, then by .gnu_debuglink next to the binary, in
 * its .debug/ and under /usr/lib/debug/DIR), or named by --debug-file.
 * Debuginfo of another build would give wrong offsets without a sign, so
 * its build-id must be the binary's. Each binary is opened once a run,
 * whatever number of kernels the probes are checked for. */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "surfc.h"

struct utypes_entry {
	char *path;
	struct typesrc *ts; /* NULL: why says why there are no types */
	char *why;
};

struct utypes {
	const char *const *debug_files;
	size_t ndebug;
	struct utypes_entry *v;
	size_t n, cap;
};

struct utypes *utypes_new(const char *const *debug_files, size_t n)
{
	struct utypes *u = xmalloc(sizeof(*u));
	*u = (struct utypes){.debug_files = debug_files, .ndebug = n};
	return u;
}

void utypes_free(struct utypes *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++) {
		typesrc_close(u->v[i].ts);
		free(u->v[i].path);
		free(u->v[i].why);
	}
	free(u->v);
	free(u);
}

/* What the search needs of an ELF file: its build-id as hex, its
 * debuglink and whether it has DWARF of its own. */
struct elf_facts {
	bool readable;
	char *why;  /* not readable: why */
	char *id;   /* NULL: none */
	char *link; /* NULL: none */
	bool dwarf;
};

static struct elf_facts read_facts(const char *path)
{
	struct elf_facts f = {0};
	struct stat st;
	/* A FIFO would block the open. */
	if (stat(path, &st) != 0) {
		f.why = xprintf("%s: %s", path, strerror(errno));
		return f;
	}
	if (!S_ISREG(st.st_mode)) {
		f.why = xprintf("%s is not a regular file", path);
		return f;
	}
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		f.why = xprintf("%s: %s", path, strerror(errno));
		return f;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		struct elf_build_id bid;
		f.readable = true;
		if (elfinfo_build_id(elf, &bid)) {
			struct strbuf sb = {0};
			for (size_t i = 0; i < bid.len; i++)
				sb_printf(&sb, "%02x", bid.bytes[i]);
			f.id = sb.s;
		}
		const char *link = elfinfo_debuglink(elf);
		f.link = link ? xstrdup(link) : NULL;
		f.dwarf = elfinfo_has_dwarf(elf);
	} else {
		f.why = xprintf("%s is not an ELF file", path);
	}
	elf_end(elf);
	close(fd);
	return f;
}

static void free_facts(struct elf_facts *f)
{
	free(f->why);
	free(f->id);
	free(f->link);
}

/* The --debug-file whose build-id is the binary's, or NULL. */
static const char *given_match(const struct utypes *u, const char *id)
{
	for (size_t i = 0; id && i < u->ndebug; i++) {
		struct elf_facts f = read_facts(u->debug_files[i]);
		bool same = f.id && !strcmp(f.id, id);
		free_facts(&f);
		if (same)
			return u->debug_files[i];
	}
	return NULL;
}

/* None of the --debug-file files is the binary's: their ids, named. */
static char *given_mismatch(const struct utypes *u, const char *path,
			    const char *id)
{
	struct strbuf sb = {0};
	sb_printf(&sb, "%s has build-id %s, but ", path, id ? id : "(none)");
	for (size_t i = 0; i < u->ndebug; i++) {
		struct elf_facts f = read_facts(u->debug_files[i]);
		sb_printf(&sb, "%s--debug-file %s %s%s", i ? "; " : "",
			  u->debug_files[i], !f.readable ? "is no readable ELF "
			  "file" : f.id ? "has build-id " : "has no build-id",
			  f.readable && f.id ? f.id : "");
		free_facts(&f);
	}
	char *s = xstrdup(sb.s);
	sb_free(&sb);
	return s;
}

/* A regular file we may read (a FIFO would block its open). */
static bool readable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, R_OK) == 0;
}

/* The debuginfo file gdb would read for the binary, malloc'ed, or NULL:
 * by build-id, then by debuglink. */
static char *search_debuginfo(const char *path, const struct elf_facts *b)
{
	if (b->id && strlen(b->id) > 2) {
		char *p = xprintf("/usr/lib/debug/.build-id/%.2s/%s.debug", b->id,
				  b->id + 2);
		if (readable(p))
			return p;
		free(p);
	}
	if (!b->link || strchr(b->link, '/'))
		return NULL;
	const char *slash = strrchr(path, '/');
	int dlen = (int)(slash - path);
	char *cands[3] = {
		xprintf("%.*s/%s", dlen, path, b->link),
		xprintf("%.*s/.debug/%s", dlen, path, b->link),
		xprintf("/usr/lib/debug%.*s/%s", dlen, path, b->link),
	};
	char *found = NULL;
	for (size_t i = 0; i < 3; i++) {
		if (!found && strcmp(cands[i], path) && readable(cands[i]))
			found = cands[i];
		else
			free(cands[i]);
	}
	return found;
}

/* Where the binary's DWARF is: malloc'ed, or NULL and *why. */
static char *locate(const struct utypes *u, const char *path,
		    const struct elf_facts *b, char **why)
{
	const char *given = given_match(u, b->id);
	if (given)
		return xstrdup(given);
	if (b->dwarf)
		return xstrdup(path);
	if (u->ndebug == 1 && !b->id)
		return xstrdup(u->debug_files[0]);
	if (u->ndebug) {
		*why = given_mismatch(u, path, b->id);
		return NULL;
	}
	char *found = search_debuginfo(path, b);
	if (!found)
		*why = xprintf("%s has no DWARF, and no debuginfo was found for "
			       "it (%s%s%s): pass --debug-file FILE", path,
			       b->id ? "by build-id under /usr/lib/debug/"
			       ".build-id" : "it has no build-id",
			       b->link ? ", nor by its .gnu_debuglink " : "",
			       b->link ? b->link : "");
	return found;
}

/* The types of the binary, or NULL and *why. */
static struct typesrc *open_binary(const struct utypes *u, const char *path,
				   char **why)
{
	struct elf_facts b = read_facts(path);
	struct typesrc *ts = NULL;
	char *file = NULL, *err = NULL;
	if (!b.readable) {
		*why = b.why;
		b.why = NULL;
	}
	else
		file = locate(u, path, &b, why);
	if (file && !(ts = typesrc_open_user(file, &err))) {
		*why = xprintf("cannot read the types in %s: %s", file, err);
	} else if (ts && strcmp(file, path) && b.id &&
		   (!ts->id.build_id || strcmp(ts->id.build_id, b.id))) {
		*why = xprintf("debuginfo %s is of another build: %s has "
			       "build-id %s, the debuginfo %s%s", file, path,
			       b.id, ts->id.build_id ? "has " : "has none",
			       ts->id.build_id ? ts->id.build_id : "");
		typesrc_close(ts);
		ts = NULL;
	}
	free(err);
	free(file);
	free_facts(&b);
	return ts;
}

struct typesrc *utypes_of(struct utypes *u, const char *path,
			  const char **why)
{
	for (size_t i = 0; i < u->n; i++) {
		if (!strcmp(u->v[i].path, path)) {
			*why = u->v[i].why;
			return u->v[i].ts;
		}
	}
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 4;
		u->v = xrealloc(u->v, u->cap * sizeof(*u->v));
	}
	struct utypes_entry *e = &u->v[u->n++];
	*e = (struct utypes_entry){.path = xstrdup(path)};
	e->ts = open_binary(u, path, &e->why);
	*why = e->why;
	return e->ts;
}
