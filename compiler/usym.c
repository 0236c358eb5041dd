/* usym.c: PATH:SYMBOL uprobe targets become PATH:0xOFFSET, the form
 * uprobe_events takes, by reading the binary's symbol tables with libelf.
 * The offset is the symbol's address mapped back through the PT_LOAD
 * segment that holds it. */
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

void symtab_foreach(Elf *elf, unsigned shtype,
		    bool (*fn)(void *arg, const char *name, const GElf_Sym *),
		    void *arg)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != shtype ||
		    !sh.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; data && i < n; i++) {
			GElf_Sym sym;
			const char *name;
			if (!gelf_getsym(data, (int)i, &sym) ||
			    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) ||
			    !*name)
				continue;
			if (!fn(arg, name, &sym))
				return;
		}
	}
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

static bool addr_to_offset(Elf *elf, GElf_Addr addr, unsigned long long *off)
{
	size_t n;
	if (elf_getphdrnum(elf, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_filesz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
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
	else if (!addr_to_offset(elf, addr, offset))
		*err = error_text("the symbol lies outside every loaded segment");
	else
		ok = true;
	elf_end(elf);
	close(fd);
	return ok;
}

/* The GNU build-id note of an open ELF: the file offset and length of its
 * bytes. Program headers first (what the loader maps), then sections. */
static bool note_build_id(Elf_Data *data, size_t base, size_t *off,
			  size_t *len)
{
	GElf_Nhdr nh;
	size_t pos = 0, name_off, desc_off;
	while (data && (pos = gelf_getnote(data, pos, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && nh.n_descsz &&
		    !memcmp((const char *)data->d_buf + name_off, "GNU", 4)) {
			*off = base + desc_off;
			*len = nh.n_descsz;
			return true;
		}
	}
	return false;
}

static bool find_build_id(Elf *elf, size_t *off, size_t *len)
{
	size_t n;
	if (!elf_getphdrnum(elf, &n)) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
				continue;
			Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
							   ph.p_filesz, ELF_T_NHDR);
			if (note_build_id(d, ph.p_offset, off, len))
				return true;
		}
	}
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		if (note_build_id(elf_getdata(scn, NULL), sh.sh_offset, off, len))
			return true;
	}
	return false;
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
	size_t off, len;
	if (elf && elf_kind(elf) == ELF_K_ELF && find_build_id(elf, &off, &len)) {
		unsigned char *bytes = xmalloc(len);
		if (pread(fd, bytes, len, (off_t)off) == (ssize_t)len) {
			struct strbuf sb = {0};
			sb_printf(&sb, "build-id:%zu:%zu:", off, len);
			for (size_t i = 0; i < len; i++)
				sb_printf(&sb, "%02x", bytes[i]);
			id = sb.s;
		}
		free(bytes);
	}
	elf_end(elf);
	if (!id)
		id = file_cksum(fd);
	close(fd);
	return id;
}
