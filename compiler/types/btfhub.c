/* btfhub.c: kernels' BTF as the BTFHub archive keeps them, one
 * DISTRO/RELEASE/ARCH/KERNEL_RELEASE.btf file a kernel, optionally packed
 * as KERNEL_RELEASE.btf.tar.xz: the files of a --btf-dir tree, each with
 * the release its name gives and the arch its folder names, and a packed
 * one unpacked into memory (liblzma, and the one tar member read by hand:
 * a 512-byte ustar header, then its bytes). */
#include <dirent.h>
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../surfc.h"

/* Bounds, so that a hostile archive cannot exhaust memory: a kernel's BTF
 * is about 5 MB; BTFHub packs them to about 1 MB. */
enum {
	MAX_PACKED = 64 << 20,
	MAX_UNPACKED = 256 << 20,
	MAX_DEPTH = 8,
};

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

bool btfhub_is_packed(const char *path)
{
	return ends_with(path, ".btf.tar.xz");
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct btfhub_file *)a)->path,
		      ((const struct btfhub_file *)b)->path);
}

struct walk {
	struct btfhub_file *v;
	size_t n, cap;
};

/* A file KERNEL_RELEASE.btf[.tar.xz] under a folder named for its arch. */
static void add_file(struct walk *w, const char *path, const char *folder)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = ends_with(base, ".btf") ? strlen(base) - 4
		     : ends_with(base, ".btf.tar.xz") ? strlen(base) - 11 : 0;
	if (!len)
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = (struct btfhub_file){
		.path = xstrdup(path),
		.release = xprintf("%.*s", (int)len, base),
		.arch = folder ? arch_find(folder) : NULL,
	};
}

static void walk_dir(struct walk *w, const char *dir, const char *name,
		     int depth)
{
	DIR *d = depth <= MAX_DEPTH ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk_dir(w, path, e->d_name, depth + 1);
		else if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			add_file(w, path, name);
		free(path);
	}
	closedir(d);
}

struct btfhub_file *btfhub_files(const char *dir, size_t *n, char **err)
{
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		*err = xstrdup(errno == ENOENT ? "no such directory"
					       : "not a directory");
		return NULL;
	}
	struct walk w = {0};
	walk_dir(&w, dir, NULL, 0);
	if (!w.n) {
		*err = xstrdup("no KERNEL_RELEASE.btf or .btf.tar.xz file in it");
		return NULL;
	}
	qsort(w.v, w.n, sizeof(*w.v), by_path);
	*n = w.n;
	return w.v;
}

void btfhub_files_free(struct btfhub_file *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].path);
		free(v[i].release);
	}
	free(v);
}

static unsigned char *read_all(const char *path, size_t *size, char **err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st)) {
		*err = xprintf("cannot open: %s", strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	if (st.st_size > MAX_PACKED) {
		fclose(f);
		*err = xprintf("more than %d MiB packed", MAX_PACKED >> 20);
		return NULL;
	}
	unsigned char *buf = xmalloc((size_t)st.st_size + 1);
	*size = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	return buf;
}

static unsigned char *unxz(const unsigned char *in, size_t in_size,
			   size_t *out_size, char **err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&s, MAX_UNPACKED, 0) != LZMA_OK) {
		*err = xstrdup("cannot start the xz decoder");
		return NULL;
	}
	size_t cap = 8 << 20;
	unsigned char *out = xmalloc(cap);
	s.next_in = in;
	s.avail_in = in_size;
	s.next_out = out;
	s.avail_out = cap;
	lzma_ret r;
	while ((r = lzma_code(&s, LZMA_FINISH)) == LZMA_OK) {
		if (s.avail_out)
			continue;
		if (cap >= MAX_UNPACKED) {
			r = LZMA_MEMLIMIT_ERROR;
			break;
		}
		cap *= 2;
		out = xrealloc(out, cap);
		s.next_out = out + s.total_out;
		s.avail_out = cap - s.total_out;
	}
	*out_size = s.total_out;
	lzma_end(&s);
	if (r != LZMA_STREAM_END) {
		free(out);
		*err = xstrdup(r == LZMA_MEMLIMIT_ERROR ? "unpacks to too much"
			       : "not a whole xz stream");
		return NULL;
	}
	return out;
}

/* The first regular member named *.btf of a tar archive, moved to the
 * start of buf; its size, or 0 when there is none. */
static size_t tar_btf(unsigned char *buf, size_t size)
{
	for (size_t at = 0; at + 512 <= size;) {
		const char *h = (const char *)buf + at;
		if (!h[0])
			break; /* the zero blocks at the end */
		char name[101], octal[13];
		memcpy(name, h, 100);
		name[100] = '\0';
		memcpy(octal, h + 124, 12);
		octal[12] = '\0';
		char *end;
		unsigned long long len = strtoull(octal, &end, 8);
		if (end == octal || len > size - at - 512)
			return 0;
		if ((h[156] == '0' || h[156] == '\0') && ends_with(name, ".btf")) {
			memmove(buf, buf + at + 512, (size_t)len);
			return (size_t)len;
		}
		at += 512 + (size_t)(len + 511) / 512 * 512;
	}
	return 0;
}

void *btfhub_unpack(const char *path, size_t *size, char **err)
{
	size_t packed_size, tar_size;
	unsigned char *packed = read_all(path, &packed_size, err);
	if (!packed)
		return NULL;
	unsigned char *tar = unxz(packed, packed_size, &tar_size, err);
	free(packed);
	if (!tar)
		return NULL;
	*size = tar_btf(tar, tar_size);
	if (!*size) {
		free(tar);
		*err = xstrdup("no .btf file in the archive");
		return NULL;
	}
	return tar;
}
