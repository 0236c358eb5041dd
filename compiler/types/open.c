/* types/open.c: the opening policy, the one place that decides which
 * backend reads what: --btf is BTF (raw, or an ELF's .BTF section);
 * --vmlinux is DWARF, or the .BTF of an ELF that has no DWARF; without a
 * flag, the running kernel's BTF, then the debuginfo paths perf searches.
 * A user-space binary's types are DWARF (utypes.c finds the file).
 * The backends never call each other. */
#include <stdlib.h>
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../surfc.h"

struct typesrc *typesrc_open_vmlinux(const char *path, char **err)
{
	bool no_dwarf = false;
	struct typesrc *ts = typesrc_open_dwarf(path, err, &no_dwarf);
	if (ts || !no_dwarf)
		return ts;
	/* A file without DWARF may still carry .BTF, or be raw BTF: when it
	 * is neither, DWARF's reason is the one to give. */
	char *btf_err = NULL;
	ts = typesrc_open_btf(path, &btf_err);
	free(btf_err);
	if (ts) {
		free(*err);
		*err = NULL;
	}
	return ts;
}

/* User space has no BTF: its types are DWARF. */
struct typesrc *typesrc_open_user(const char *path, char **err)
{
	bool no_dwarf = false;
	return typesrc_open_dwarf(path, err, &no_dwarf);
}

void typesrc_close(struct typesrc *ts)
{
	if (ts)
		ts->ops->close(ts);
}

/* A renamed function most often kept its name as a prefix
 * (__alloc_pages became __alloc_pages_noprof in 6.10): the shortest such
 * name first, else the closest by edits. */
const char *typesrc_closest_function(struct typesrc *ts, const char *name)
{
	size_t n, len = strlen(name);
	const char *const *names = ts->ops->function_names(ts, &n);
	const char *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(names[i], name, len) && names[i][len] == '_' &&
		    (!best || strlen(names[i]) < strlen(best)))
			best = names[i];
	return best ? best : closest_name(name, names, n);
}

/* The running kernel's GNU build-id, from its ELF notes in
 * /sys/kernel/notes (in its own byte order, this process's), as hex; NULL
 * when they cannot be read. */
static char *running_build_id(struct arena *ar)
{
	unsigned char buf[4096];
	FILE *f = fopen("/sys/kernel/notes", "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	for (size_t at = 0; at + 12 <= n;) {
		uint32_t w[3];
		memcpy(w, buf + at, sizeof(w));
		size_t name = at + 12, desc = name + (w[0] + 3) / 4 * 4;
		if (desc + w[1] > n)
			break;
		if (w[2] == NT_GNU_BUILD_ID && w[0] == 4 &&
		    !memcmp(buf + name, "GNU", 4)) {
			struct strbuf sb = {0};
			for (size_t i = 0; i < w[1]; i++)
				sb_printf(&sb, "%02x", buf[desc + i]);
			char *id = arena_strdup(ar, sb.s ? sb.s : "");
			sb_free(&sb);
			return id;
		}
		at = desc + (w[1] + 3) / 4 * 4;
	}
	return NULL;
}

/* The running kernel's BTF first: it is what the script will meet. */
struct typesrc *typesrc_open_default(char **err)
{
	static const char btf_path[] = "/sys/kernel/btf/vmlinux";
	struct utsname u;
	if (access(btf_path, R_OK) == 0) {
		struct typesrc *ts = typesrc_open_btf(btf_path, err);
		if (ts && uname(&u) == 0) {
			/* The running kernel: the script will compare its
			 * uname -r and /proc/version with these. */
			ts->id.release = arena_strdup(ts->arena, u.release);
			FILE *f = fopen("/proc/version", "r");
			char line[1024];
			if (f && fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\n")] = '\0';
				ts->id.version = arena_strdup(ts->arena, line);
			}
			if (f)
				fclose(f);
			ts->id.build_id = running_build_id(ts->arena);
		}
		return ts;
	}
	if (uname(&u) == 0) {
		const char *fmts[] = {"/usr/lib/debug/boot/vmlinux-%s",
				      "/lib/modules/%s/build/vmlinux",
				      "/usr/lib/debug/lib/modules/%s/vmlinux",
				      "/boot/vmlinux-%s"};
		for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
			char path[512];
			snprintf(path, sizeof(path), fmts[i], u.release);
			if (access(path, R_OK) == 0)
				return typesrc_open_vmlinux(path, err);
		}
	}
	*err = xstrdup("no kernel types found: /sys/kernel/btf/vmlinux is "
		       "missing and no debuginfo vmlinux was found");
	return NULL;
}
