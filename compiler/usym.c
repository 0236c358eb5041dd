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
