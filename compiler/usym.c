/* usym.c: PATH:SYMBOL uprobe targets become PATH:0xOFFSET, the form
 * uprobe_events takes, by reading the binary's symbol tables with libelf.
 * The offset is the symbol's address mapped back through the PT_LOAD
 * segment that holds it (elfinfo_addr_offset). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "surfc.h"

static char *error_text(const char *what)
{
	return xstrdup(what);
}

struct wanted {
	const char *name;
	GElf_Addr addr;
	bool found;
};

static bool match_function(void *arg, const char *name, const GElf_Sym *sym)
{
	struct wanted *w = arg;
	if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_shndx == SHN_UNDEF ||
	    strcmp(name, w->name))
		return true;
	w->addr = sym->st_value;
	w->found = true;
	return false;
}

static bool find_symbol(Elf *elf, const char *name, GElf_Addr *addr)
{
	struct wanted w = {name, 0, false};
	/* .symtab first: it also has static functions. */
	symtab_foreach(elf, SHT_SYMTAB, match_function, &w);
	if (!w.found)
		symtab_foreach(elf, SHT_DYNSYM, match_function, &w);
	*addr = w.addr;
	return w.found;
}

bool usym_resolve(const char *path, const char *symbol,
		  unsigned long long *offset, char **err)
{
	bool ok = false;
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = error_text(strerror(errno));
		return false;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Addr addr;
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		*err = error_text("not an ELF file");
	else if (!find_symbol(elf, symbol, &addr))
		*err = error_text("no such function in its symbol tables");
	else if (!elfinfo_addr_offset(elf, addr, offset))
		*err = error_text("the symbol lies outside every loaded segment");
	else
		ok = true;
	elf_end(elf);
	close(fd);
	return ok;
}

/* POSIX cksum: CRC-32 (0x04C11DB7, most significant bit first) over the
 * bytes, then over the length, least significant byte first; inverted. */
static unsigned long cksum_step(unsigned long crc, unsigned char b)
{
	static unsigned long table[256];
	if (!table[1]) {
		for (unsigned long i = 0; i < 256; i++) {
			unsigned long c = i << 24;
			for (int k = 0; k < 8; k++)
				c = (c & 0x80000000UL) ? (c << 1) ^ 0x04C11DB7UL : c << 1;
			table[i] = c & 0xffffffffUL;
		}
	}
	return ((crc << 8) ^ table[((crc >> 24) ^ b) & 0xff]) & 0xffffffffUL;
}

static char *file_cksum(int fd)
{
	unsigned char buf[65536];
	unsigned long crc = 0;
	unsigned long long size = 0;
	ssize_t got;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	while ((got = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < got; i++)
			crc = cksum_step(crc, buf[i]);
		size += (unsigned long long)got;
	}
	if (got < 0)
		return NULL;
	for (unsigned long long n = size; n; n >>= 8)
		crc = cksum_step(crc, (unsigned char)(n & 0xff));
	struct strbuf sb = {0};
	sb_printf(&sb, "cksum:%lu:%llu", ~crc & 0xffffffffUL, size);
	return sb.s;
}

char *usym_identity(const char *path)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *id = NULL;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	struct elf_build_id bid;
	if (elf && elf_kind(elf) == ELF_K_ELF && elfinfo_build_id(elf, &bid)) {
		struct strbuf sb = {0};
		sb_printf(&sb, "build-id:%zu:%zu:", bid.offset, bid.len);
		for (size_t i = 0; i < bid.len; i++)
			sb_printf(&sb, "%02x", bid.bytes[i]);
		id = sb.s;
	}
	elf_end(elf);
	if (!id)
		id = file_cksum(fd);
	close(fd);
	return id;
}
