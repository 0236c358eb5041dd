/* elfinfo.c: what surfc reads from any ELF file, kernel or user binary,
 * with libelf: its symbols, its GNU build-id (where its bytes lie in the
 * file, and what they are) and the arch its machine, class and byte order
 * name, and where an address lies in the file. usym.c and usdt.c (uprobe
 * binaries) and the DWARF backend use these. */
#include <gelf.h>
#include <string.h>

#include "../surfc.h"

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

/* The GNU build-id note in data, which starts at file offset base. */
static bool note_build_id(Elf_Data *data, size_t base,
			  struct elf_build_id *id)
{
	GElf_Nhdr nh;
	size_t pos = 0, name_off, desc_off;
	while (data && (pos = gelf_getnote(data, pos, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && nh.n_descsz &&
		    !memcmp((const char *)data->d_buf + name_off, "GNU", 4)) {
			id->offset = base + desc_off;
			id->len = nh.n_descsz;
			id->bytes = (const unsigned char *)data->d_buf + desc_off;
			return true;
		}
	}
	return false;
}

/* Program headers first (what the loader maps), then sections (a
 * debuginfo vmlinux has no PT_NOTE). */
bool elfinfo_build_id(Elf *elf, struct elf_build_id *id)
{
	size_t n;
	if (!elf_getphdrnum(elf, &n)) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
				continue;
			Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
							   ph.p_filesz, ELF_T_NHDR);
			if (note_build_id(d, ph.p_offset, id))
				return true;
		}
	}
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		if (note_build_id(elf_getdata(scn, NULL), sh.sh_offset, id))
			return true;
	}
	return false;
}

const struct arch *elfinfo_arch(Elf *elf)
{
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh))
		return NULL;
	return arch_by_elf(eh.e_machine,
			   eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32,
			   eh.e_ident[EI_DATA] == ELFDATA2MSB);
}

bool elfinfo_addr_offset(Elf *elf, GElf_Addr addr, unsigned long long *off)
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

Elf_Scn *elfinfo_section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		const char *s;
		if (gelf_getshdr(scn, sh) &&
		    (s = elf_strptr(elf, shstrndx, sh->sh_name)) && !strcmp(s, name))
			return scn;
	}
	return NULL;
}

const char *elfinfo_debuglink(Elf *elf)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elfinfo_section(elf, ".gnu_debuglink", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	/* The name, NUL-ended and padded, then a CRC-32 of the file. */
	if (!d || !d->d_buf || !d->d_size ||
	    !memchr(d->d_buf, '\0', d->d_size) || !*(const char *)d->d_buf)
		return NULL;
	return d->d_buf;
}

bool elfinfo_has_dwarf(Elf *elf)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elfinfo_section(elf, ".debug_info", &sh);
	return scn && sh.sh_type != SHT_NOBITS && sh.sh_size;
}
