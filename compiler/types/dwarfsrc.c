/* types/dwarfsrc.c: the DWARF backend, read with libdw from a debuginfo vmlinux
 * or a .ko.
 *
 * Functions are found through the ELF symbol table (which also shows
 * when only a compiler clone such as foo.isra.0 exists) and dwarf_addrdie,
 * so only the function's own CU is read. Named types (casts, and structs a
 * CU only declares) are looked up first in that CU, then CU by CU; every
 * CU read on the way is indexed, so a name is looked up at most once.
 * Types are converted on first use and cached by DIE offset. */
#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../surfc.h"

struct sym {
	const char *name;
	GElf_Addr addr;
};

/* Open addressing, keys are DIE offsets (never 0) or name hashes. */
struct map {
	uint64_t *keys;
	void **values;
	size_t cap, n;
};

struct dwsrc {
	struct typesrc ts;
	int fd;
	Elf *elf;
	Dwarf *dw;
	struct sym *syms; /* FUNC symbols, sorted by name */
	size_t nsyms, symcap;
	const char **names;
	struct map types;     /* DIE offset -> struct type */
	struct map named;     /* hash(kind, name) -> DIE offset of definition */
	struct map looked;    /* hash(kind, name) -> struct type (or NULL) */
	struct map funcs;     /* hash(name) -> struct func_info */
	Dwarf_Off next_cu;    /* the next CU not indexed yet */
	bool all_indexed;
	Dwarf_Die home_cu;    /* the CU of the last function looked up */
	bool have_home;
	struct sym *objs;     /* OBJECT symbols by address, for events */
	size_t nobjs, objcap;
	struct trace_event *events;
	size_t nevents, eventcap;
	bool have_events;
	const char **tnames[4]; /* every type name by kind, for --list */
	size_t ntnames[4];
	char *file;           /* the file as libelf mapped it */
	size_t file_size;
	size_t info_off;      /* .debug_info's offset in the file */
};

/* The file is mapped read-only and private: pages read once can be handed
 * back and will be read again if needed. Scans over many CUs would
 * otherwise keep every page they touched (and the kernel maps 64 KiB
 * around each), which is what makes peak memory, not the data we keep. */
static void drop_pages(struct dwsrc *d, size_t from, size_t to)
{
	long page = sysconf(_SC_PAGESIZE);
	/* A compressed section's header gives its size once decompressed
	 * (Debian's debuginfo packages): past the mapping lie other
	 * mappings, a shared library's data among them. */
	if (to > d->file_size)
		to = d->file_size;
	uintptr_t a = ((uintptr_t)d->file + from + (size_t)page - 1) &
		      ~((uintptr_t)page - 1);
	uintptr_t b = ((uintptr_t)d->file + to) & ~((uintptr_t)page - 1);
	if (d->file && b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

static struct dwsrc *of(struct typesrc *ts)
{
	return (struct dwsrc *)ts;
}

/* ---- a small hash map ---- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x ? x : 1;
}

static uint64_t name_key(int kind, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return mix(h);
}

static void **map_slot(struct map *m, uint64_t key, bool insert)
{
	if (insert && (m->n + 1) * 2 > m->cap) {
		struct map old = *m;
		m->cap = old.cap ? old.cap * 2 : 1024;
		m->keys = xmalloc(m->cap * sizeof(*m->keys));
		m->values = xmalloc(m->cap * sizeof(*m->values));
		memset(m->keys, 0, m->cap * sizeof(*m->keys));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				*map_slot(m, old.keys[i], true) = old.values[i];
		free(old.keys);
		free(old.values);
	}
	if (!m->cap)
		return NULL;
	size_t i = mix(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		if (!insert)
			return NULL;
		m->keys[i] = key;
		m->values[i] = NULL;
		m->n++;
	}
	return &m->values[i];
}

static void map_free(struct map *m)
{
	free(m->keys);
	free(m->values);
}

/* ---- symbols ---- */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sym *)a)->name, ((const struct sym *)b)->name);
}

/* The file's bytes at a link-time address, and how many follow in their
 * section; NULL when no loaded section holds them. */
static const char *bytes_at(struct dwsrc *d, GElf_Addr addr, size_t *max)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(d->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC) ||
		    addr < sh.sh_addr || addr >= sh.sh_addr + sh.sh_size)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			return NULL;
		*max = sh.sh_size - (addr - sh.sh_addr);
		return (const char *)data->d_buf + (addr - sh.sh_addr);
	}
	return NULL;
}

static const char *read_string_at(struct dwsrc *d, GElf_Addr addr)
{
	size_t max;
	const char *s = bytes_at(d, addr, &max);
	return s && memchr(s, '\0', max) ? s : NULL;
}

/* "Linux version 6.1.0-56-cloud-amd64 (...) #1 SMP ..." */
static void read_banner(struct dwsrc *d, GElf_Addr addr)
{
	const char *b = read_string_at(d, addr);
	if (!b || strncmp(b, "Linux version ", 14))
		return;
	size_t n = strcspn(b, "\n");
	d->ts.id.version = arena_strndup(d->ts.arena, b, n);
	const char *r = b + 14;
	d->ts.id.release = arena_strndup(d->ts.arena, r, strcspn(r, " \n"));
}

static void read_build_id(struct dwsrc *d)
{
	struct elf_build_id bid;
	if (!elfinfo_build_id(d->elf, &bid))
		return;
	struct strbuf sb = {0};
	for (size_t i = 0; i < bid.len; i++)
		sb_printf(&sb, "%02x", bid.bytes[i]);
	d->ts.id.build_id = arena_strdup(d->ts.arena, sb.s);
	sb_free(&sb);
}

static bool add_symbol(void *arg, const char *name, const GElf_Sym *s)
{
	struct dwsrc *d = arg;
	if (GELF_ST_TYPE(s->st_info) == STT_OBJECT && !strcmp(name, "linux_banner"))
		read_banner(d, s->st_value);
	if (GELF_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
		return true;
	if (d->nsyms == d->symcap) {
		d->symcap = d->symcap ? 2 * d->symcap : 4096;
		d->syms = xrealloc(d->syms, d->symcap * sizeof(*d->syms));
	}
	d->syms[d->nsyms++] = (struct sym){name, s->st_value};
	return true;
}

static void load_symbols(struct dwsrc *d)
{
	symtab_foreach(d->elf, SHT_SYMTAB, add_symbol, d);
	qsort(d->syms, d->nsyms, sizeof(*d->syms), by_name);
}

static const struct sym *find_sym(struct dwsrc *d, const char *name)
{
	struct sym key = {name, 0};
	return bsearch(&key, d->syms, d->nsyms, sizeof(*d->syms), by_name);
}

/* foo.isra.0, foo.constprop.0, foo.part.0: clones of foo. */
static const struct sym *find_clone(struct dwsrc *d, const char *name)
{
	size_t n = strlen(name), lo = 0, hi = d->nsyms;
	while (lo < hi) { /* the first symbol >= name */
		size_t mid = (lo + hi) / 2;
		if (strcmp(d->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < d->nsyms && !strncmp(d->syms[lo].name, name, n); lo++) {
		const char *rest = d->syms[lo].name + n;
		if (!strncmp(rest, ".isra.", 6) || !strncmp(rest, ".constprop.", 11) ||
		    !strncmp(rest, ".part.", 6))
			return &d->syms[lo];
	}
	return NULL;
}

/* ---- types ---- */

static struct type *convert(struct dwsrc *d, Dwarf_Die *die);

static struct type *convert_ref(struct dwsrc *d, Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die t;
	if (!dwarf_attr_integrate(die, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, &t))
		return convert(d, NULL);
	return convert(d, &t);
}

static unsigned long long udata(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute attr;
	Dwarf_Word v = 0;
	if (dwarf_attr_integrate(die, name, &attr))
		dwarf_formudata(&attr, &v);
	return v;
}

static bool has_attr(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute attr;
	return dwarf_attr_integrate(die, name, &attr) != NULL;
}

static void convert_array(struct dwsrc *d, Dwarf_Die *die, struct type *t)
{
	/* int a[2][3]: subranges outermost first. */
	unsigned long long dims[8];
	size_t ndims = 0;
	Dwarf_Die child;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_subrange_type || ndims == 8)
				continue;
			if (has_attr(&child, DW_AT_count))
				dims[ndims++] = udata(&child, DW_AT_count);
			else if (has_attr(&child, DW_AT_upper_bound))
				dims[ndims++] = udata(&child, DW_AT_upper_bound) + 1;
			else
				dims[ndims++] = 0;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	struct type *el = convert_ref(d, die);
	for (size_t i = ndims; i-- > 1;) {
		struct type *inner = type_new(&d->ts, TY_ARRAY);
		inner->target = el;
		inner->nelems = dims[i];
		inner->size = dims[i] * el->size;
		el = inner;
	}
	t->target = el;
	t->nelems = ndims ? dims[0] : 0;
	t->size = t->nelems * el->size;
}

static bool enum_is_signed(Dwarf_Die *die)
{
	Dwarf_Die child;
	if (dwarf_child(die, &child) != 0)
		return false;
	do {
		Dwarf_Attribute attr;
		Dwarf_Sword v;
		if (dwarf_attr(&child, DW_AT_const_value, &attr) &&
		    attr.form != DW_FORM_udata && dwarf_formsdata(&attr, &v) == 0 &&
		    v < 0)
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static void convert_func(struct dwsrc *d, Dwarf_Die *die, struct type *t)
{
	t->target = convert_ref(d, die);
	Dwarf_Die child;
	size_t cap = 0;
	if (dwarf_child(die, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_unspecified_parameters)
			t->variadic = true;
		if (tag != DW_TAG_formal_parameter)
			continue;
		if (t->nparams == cap) {
			cap = cap ? cap * 2 : 8;
			struct param *p = arena_alloc(d->ts.arena, cap * sizeof(*p));
			if (t->nparams)
				memcpy(p, t->params, t->nparams * sizeof(*p));
			t->params = p;
		}
		const char *name = dwarf_diename(&child);
		t->params[t->nparams].name = name ? arena_strdup(d->ts.arena, name)
						  : NULL;
		t->params[t->nparams++].type = convert_ref(d, &child);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static struct type *convert_new(struct dwsrc *d, Dwarf_Die *die)
{
	struct typesrc *ts = &d->ts;
	const char *name = dwarf_diename(die);
	struct type *t;
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type: {
		unsigned enc = (unsigned)udata(die, DW_AT_encoding);
		t = type_new(ts, enc == DW_ATE_float ? TY_FLOAT : TY_INT);
		t->size = udata(die, DW_AT_byte_size);
		t->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		t->is_bool = enc == DW_ATE_boolean;
		break;
	}
	case DW_TAG_enumeration_type:
		t = type_new(ts, TY_ENUM);
		t->size = udata(die, DW_AT_byte_size);
		t->is_signed = enum_is_signed(die);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		t = type_new(ts, TY_PTR);
		t->size = udata(die, DW_AT_byte_size);
		if (!t->size)
			t->size = ts->arch ? ts->arch->long_bits / 8 : 8;
		break;
	case DW_TAG_array_type:
		t = type_new(ts, TY_ARRAY);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		t = type_new(ts, dwarf_tag(die) == DW_TAG_union_type ? TY_UNION
								     : TY_STRUCT);
		t->size = udata(die, DW_AT_byte_size);
		t->declared_only = has_attr(die, DW_AT_declaration);
		t->ref = dwarf_dieoffset(die);
		break;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		t = type_new(ts, TY_FUNC);
		break;
	default:
		t = type_new(ts, TY_VOID);
		break;
	}
	if (name)
		t->name = arena_strdup(ts->arena, name);
	t->is_char = t->kind == TY_INT && t->name && !strcmp(t->name, "char");
	return t;
}

static struct type *convert(struct dwsrc *d, Dwarf_Die *die)
{
	if (!die)
		return type_new(&d->ts, TY_VOID);
	Dwarf_Off off = dwarf_dieoffset(die);
	void **slot = map_slot(&d->types, off, false);
	if (slot)
		return *slot;
	int tag = dwarf_tag(die);
	if (tag == DW_TAG_typedef || tag == DW_TAG_const_type ||
	    tag == DW_TAG_volatile_type || tag == DW_TAG_restrict_type ||
	    tag == DW_TAG_atomic_type) {
		struct type *base = convert_ref(d, die);
		if (tag == DW_TAG_typedef) {
			/* A copy that remembers the typedef name: the
			 * outermost one, as the sources spell the type. */
			struct type *copy = arena_alloc(d->ts.arena, sizeof(*copy));
			*copy = *base;
			copy->alias = arena_strdup(d->ts.arena, dwarf_diename(die));
			base = copy;
		}
		*map_slot(&d->types, off, true) = base;
		return base;
	}
	struct type *t = convert_new(d, die);
	*map_slot(&d->types, off, true) = t; /* before recursing */
	if (t->kind == TY_PTR)
		t->target = convert_ref(d, die);
	else if (t->kind == TY_ARRAY)
		convert_array(d, die, t);
	else if (t->kind == TY_FUNC)
		convert_func(d, die, t);
	return t;
}

static unsigned long long member_bit_offset(Dwarf_Die *m, struct type *mt,
					    unsigned bit_size, bool big)
{
	Dwarf_Attribute attr;
	Dwarf_Word loc = 0;
	if (dwarf_attr_integrate(m, DW_AT_data_bit_offset, &attr)) {
		dwarf_formudata(&attr, &loc);
		return loc;
	}
	if (dwarf_attr_integrate(m, DW_AT_data_member_location, &attr) &&
	    dwarf_formudata(&attr, &loc) != 0) {
		Dwarf_Op *ops;
		size_t n;
		loc = 0; /* DWARF 2: DW_OP_plus_uconst N */
		if (dwarf_getlocation(&attr, &ops, &n) == 0 && n == 1 &&
		    ops[0].atom == DW_OP_plus_uconst)
			loc = ops[0].number;
	}
	unsigned long long bits = loc * 8;
	if (bit_size && has_attr(m, DW_AT_bit_offset)) {
		/* DWARF 2/3: counted from the storage unit's high bit. */
		unsigned long long unit = has_attr(m, DW_AT_byte_size)
			? udata(m, DW_AT_byte_size) : mt->size;
		unsigned long long bo = udata(m, DW_AT_bit_offset);
		bits += big ? bo : unit * 8 - bo - bit_size;
	}
	return bits;
}

static struct type *find_named(struct dwsrc *d, int kind, const char *name);

static void complete(struct typesrc *ts, struct type *t)
{
	struct dwsrc *d = of(ts);
	Dwarf_Die die;
	if (!dwarf_offdie(d->dw, t->ref, &die))
		return;
	if (t->declared_only && t->name) {
		/* The CU only declared it: the definition is in another. */
		struct type *def = find_named(d, t->kind == TY_UNION ? CT_UNION
								      : CT_STRUCT,
					      t->name);
		if (!def || def->declared_only)
			return;
		type_complete(ts, def);
		t->declared_only = false;
		t->size = def->size;
		t->members = def->members;
		t->nmembers = def->nmembers;
		return;
	}
	Dwarf_Die child;
	size_t cap = 0;
	bool big = ts->arch && ts->arch->big_endian;
	if (dwarf_child(&die, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (t->nmembers == cap) {
			cap = cap ? cap * 2 : 16;
			struct member *m = arena_alloc(ts->arena, cap * sizeof(*m));
			if (t->nmembers)
				memcpy(m, t->members, t->nmembers * sizeof(*m));
			t->members = m;
		}
		struct member *m = &t->members[t->nmembers++];
		const char *name = dwarf_diename(&child);
		m->name = name ? arena_strdup(ts->arena, name) : NULL;
		m->type = convert_ref(d, &child);
		m->bit_size = (unsigned)udata(&child, DW_AT_bit_size);
		m->bit_offset = member_bit_offset(&child, m->type, m->bit_size, big);
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* ---- named types ---- */

static int kind_of_tag(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
		return CT_STRUCT;
	case DW_TAG_union_type:
		return CT_UNION;
	case DW_TAG_enumeration_type:
		return CT_ENUM;
	case DW_TAG_typedef:
	case DW_TAG_base_type:
		return CT_NAMED;
	default:
		return -1;
	}
}

/* Records a CU's top-level type definitions in the name index. */
static void index_cu(struct dwsrc *d, Dwarf_Die *cu)
{
	Dwarf_Die child;
	if (dwarf_child(cu, &child) != 0)
		return;
	do {
		int kind = kind_of_tag(dwarf_tag(&child));
		const char *name;
		if (kind < 0 || !(name = dwarf_diename(&child)) ||
		    has_attr(&child, DW_AT_declaration))
			continue;
		void **slot = map_slot(&d->named, name_key(kind, name), true);
		if (!*slot)
			*slot = (void *)(uintptr_t)dwarf_dieoffset(&child);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static bool lookup_index(struct dwsrc *d, int kind, const char *name,
			 Dwarf_Die *out)
{
	void **slot = map_slot(&d->named, name_key(kind, name), false);
	return slot && *slot &&
	       dwarf_offdie(d->dw, (Dwarf_Off)(uintptr_t)*slot, out) &&
	       dwarf_diename(out) && !strcmp(dwarf_diename(out), name);
}

static struct type *find_named(struct dwsrc *d, int kind, const char *name)
{
	uint64_t key = name_key(kind + 16, name);
	void **slot = map_slot(&d->looked, key, false);
	if (slot)
		return *slot;
	Dwarf_Die die;
	bool found = lookup_index(d, kind, name, &die);
	if (!found && d->have_home) {
		index_cu(d, &d->home_cu);
		found = lookup_index(d, kind, name, &die);
	}
	/* Then CU by CU, indexing each, until the name turns up. */
	while (!found && !d->all_indexed) {
		Dwarf_Off off = d->next_cu, next;
		size_t hsize;
		if (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL)) {
			d->all_indexed = true;
			break;
		}
		d->next_cu = next;
		Dwarf_Die cu;
		if (dwarf_offdie(d->dw, off + hsize, &cu)) {
			index_cu(d, &cu);
			found = lookup_index(d, kind, name, &die);
		}
		drop_pages(d, d->info_off + off, d->info_off + next);
	}
	struct type *t = NULL;
	if (found)
		t = convert(d, &die);
	else if (kind == CT_NAMED && !strcmp(name, "void"))
		t = convert(d, NULL);
	*map_slot(&d->looked, key, true) = t;
	return t;
}

static struct type *named(struct typesrc *ts, enum ctype_kind kind,
			  const char *name)
{
	return find_named(of(ts), (int)kind, name);
}

/* ---- functions ---- */

struct find_fn {
	Dwarf_Addr addr;
	Dwarf_Die die;
	bool found;
};

/* The subprogram holding the symbol's address; a function split into
 * hot and cold parts has DW_AT_ranges rather than a low_pc. */
static int match_pc(Dwarf_Die *die, void *arg)
{
	struct find_fn *f = arg;
	if (dwarf_haspc(die, f->addr) == 1) {
		f->die = *die;
		f->found = true;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

/* Is the function's frame base the CFA? Only then does DW_OP_fbreg name
 * a place surfc can find at entry (clang -O0 bases it on %rbp, which the
 * prologue has not set yet). */
static bool frame_base_is_cfa(Dwarf_Die *fn)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;
	return dwarf_attr(fn, DW_AT_frame_base, &attr) &&
	       dwarf_getlocation(&attr, &ops, &n) == 0 && n == 1 &&
	       ops[0].atom == DW_OP_call_frame_cfa;
}

/* Where a parameter's value is at the function's entry: a register, or
 * memory at a register plus an offset. A place in the function's own
 * frame (below the CFA, where -O0 code keeps every parameter) holds
 * nothing yet at entry: the value is still where the caller put it, so
 * the calling convention says where (false here). */
static bool entry_location(struct dwsrc *d, Dwarf_Die *param, Dwarf_Addr pc,
			   bool cfa_base, struct param_loc *loc)
{
	const struct arch *a = d->ts.arch;
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;
	if (!a || !dwarf_attr(param, DW_AT_location, &attr) ||
	    dwarf_getlocation_addr(&attr, pc, &ops, &n, 1) != 1 || n != 1)
		return false;
	unsigned atom = ops[0].atom;
	const char *reg = NULL;
	long long off = 0;
	bool memory = false;
	if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
		reg = arch_dwarf_reg(a, atom - DW_OP_reg0);
	} else if (atom == DW_OP_regx) {
		reg = arch_dwarf_reg(a, (unsigned)ops[0].number);
	} else if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
		reg = arch_dwarf_reg(a, atom - DW_OP_breg0);
		off = (long long)(Dwarf_Sword)ops[0].number;
		memory = true;
	} else if (atom == DW_OP_fbreg && cfa_base &&
		   (Dwarf_Sword)ops[0].number >= 0) {
		/* The frame base is the CFA: at entry, the stack pointer plus
		 * what the call left on the stack (arch.c's entry_cfa). */
		reg = a->spreg;
		off = (long long)(Dwarf_Sword)ops[0].number + a->entry_cfa;
		memory = true;
	}
	if (!reg)
		return false;
	*loc = (struct param_loc){.known = true, .memory = memory, .off = off,
				  .base = {.kind = FB_REG, .text = reg}};
	return true;
}

/* The abstract origin of a DIE, or the DIE itself. */
static Dwarf_Off origin_of(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die o;
	if (dwarf_attr(die, DW_AT_abstract_origin, &attr) &&
	    dwarf_formref_die(&attr, &o))
		return dwarf_dieoffset(&o);
	return dwarf_dieoffset(die);
}

static void param_locations(struct dwsrc *d, Dwarf_Die *fn, Dwarf_Die *decl,
			    struct func_info *f, Dwarf_Addr pc)
{
	size_t np = f->proto->nparams;
	f->locs = arena_alloc(d->ts.arena, (np + 1) * sizeof(*f->locs));
	/* The declaration's parameters, in source order. */
	Dwarf_Off order[64];
	size_t n = 0;
	Dwarf_Die child;
	if (dwarf_child(decl, &child) == 0) {
		do {
			if (dwarf_tag(&child) == DW_TAG_formal_parameter && n < 64)
				order[n++] = dwarf_dieoffset(&child);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (dwarf_child(fn, &child) != 0)
		return;
	bool cfa_base = frame_base_is_cfa(fn);
	do {
		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		Dwarf_Off o = origin_of(&child);
		for (size_t i = 0; i < n && i < np; i++) {
			if (order[i] != o && order[i] != dwarf_dieoffset(&child))
				continue;
			if (!entry_location(d, &child, pc, cfa_base,
					    &f->locs[i]))
				f->locs[i].known = false;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static const struct func_info *function(struct typesrc *ts, const char *name)
{
	struct dwsrc *d = of(ts);
	uint64_t key = name_key(99, name);
	void **slot = map_slot(&d->funcs, key, false);
	if (slot)
		return *slot;
	const struct sym *s = find_sym(d, name);
	bool clone = false;
	if (!s && (s = find_clone(d, name)) != NULL)
		clone = true;
	struct func_info *f = NULL;
	Dwarf_Die cu;
	struct find_fn ff = {.addr = s ? s->addr : 0};
	if (s && dwarf_addrdie(d->dw, s->addr, &cu)) {
		dwarf_getfuncs(&cu, match_pc, &ff, 0);
		d->home_cu = cu;
		d->have_home = true;
	}
	if (ff.found) {
		/* An out-of-line instance points at its abstract origin,
		 * which holds the source-level prototype. */
		Dwarf_Die decl = ff.die, o;
		Dwarf_Attribute attr;
		if (dwarf_attr(&ff.die, DW_AT_abstract_origin, &attr) &&
		    dwarf_formref_die(&attr, &o))
			decl = o;
		f = arena_alloc(ts->arena, sizeof(*f));
		f->name = arena_strdup(ts->arena, s->name);
		f->is_clone = clone;
		f->proto = type_new(ts, TY_FUNC);
		convert_func(d, &decl, f->proto);
		param_locations(d, &ff.die, &decl, f, s->addr);
	}
	*map_slot(&d->funcs, key, true) = f;
	return f;
}

static const char *const *function_names(struct typesrc *ts, size_t *n)
{
	struct dwsrc *d = of(ts);
	if (!d->names) {
		d->names = xmalloc((d->nsyms + 1) * sizeof(*d->names));
		for (size_t i = 0; i < d->nsyms; i++)
			d->names[i] = d->syms[i].name;
	}
	*n = d->nsyms;
	return d->names;
}

/* ---- trace events ----
 *
 * Every event the kernel registers at boot has a pointer __event_EVENT
 * (in the _ftrace_events section) to its struct trace_event_call, whose
 * class points to event_class_CLASS, whose system is the group. DWARF
 * describes these variables but not their values; the linked vmlinux
 * holds the values themselves (link-time addresses), which the symbol
 * table names. The offsets come from the types, not from a table. */

static bool add_object(void *arg, const char *name, const GElf_Sym *s)
{
	struct dwsrc *d = arg;
	if (GELF_ST_TYPE(s->st_info) != STT_OBJECT || s->st_shndx == SHN_UNDEF)
		return true;
	if (d->nobjs == d->objcap) {
		d->objcap = d->objcap ? 2 * d->objcap : 4096;
		d->objs = xrealloc(d->objs, d->objcap * sizeof(*d->objs));
	}
	d->objs[d->nobjs++] = (struct sym){name, s->st_value};
	return true;
}

static int by_addr(const void *a, const void *b)
{
	GElf_Addr x = ((const struct sym *)a)->addr, y = ((const struct sym *)b)->addr;
	return x < y ? -1 : x > y;
}

/* The name of an object at exactly addr with the prefix, past it. */
static const char *object_at(struct dwsrc *d, GElf_Addr addr, const char *prefix)
{
	size_t lo = 0, hi = d->nobjs, n = strlen(prefix);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->objs[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < d->nobjs && d->objs[lo].addr == addr; lo++)
		if (!strncmp(d->objs[lo].name, prefix, n))
			return d->objs[lo].name + n;
	return NULL;
}

/* A pointer stored at addr, in the target's size and byte order. */
static bool read_pointer(struct dwsrc *d, GElf_Addr addr, GElf_Addr *out)
{
	size_t max, size = d->ts.arch->long_bits / 8;
	const unsigned char *p = (const unsigned char *)bytes_at(d, addr, &max);
	if (!p || max < size)
		return false;
	*out = 0;
	for (size_t i = 0; i < size; i++)
		*out |= (GElf_Addr)p[d->ts.arch->big_endian ? size - 1 - i : i]
			<< (8 * i);
	return true;
}

/* A member's byte offset, also inside anonymous structs and unions. */
static bool member_offset(struct typesrc *ts, struct type *t, const char *name,
			  unsigned long long *off)
{
	type_complete(ts, t);
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct member *m = &t->members[i];
		unsigned long long inner;
		if (m->name && !strcmp(m->name, name)) {
			*off = m->bit_offset / 8;
			return true;
		}
		if (!m->name && (m->type->kind == TY_STRUCT ||
				 m->type->kind == TY_UNION) &&
		    member_offset(ts, m->type, name, &inner)) {
			*off = m->bit_offset / 8 + inner;
			return true;
		}
	}
	return false;
}

struct event_layout {
	unsigned long long class_off, name_off, system_off;
};

static bool event_layout(struct dwsrc *d, struct event_layout *l)
{
	/* Only a linked kernel holds the values: a module's (ET_REL)
	 * pointers are still relocations. */
	GElf_Ehdr eh;
	if (!gelf_getehdr(d->elf, &eh) || eh.e_type != ET_EXEC)
		return false;
	struct type *call = find_named(d, CT_STRUCT, "trace_event_call");
	struct type *cls = find_named(d, CT_STRUCT, "trace_event_class");
	return d->ts.arch && call && cls &&
	       member_offset(&d->ts, call, "class", &l->class_off) &&
	       member_offset(&d->ts, call, "name", &l->name_off) &&
	       member_offset(&d->ts, cls, "system", &l->system_off);
}

/* One __event_ pointer's event; false when its values cannot be read. */
static bool read_event(struct dwsrc *d, const struct event_layout *l,
		       GElf_Addr at, struct trace_event *ev)
{
	GElf_Addr call, cls, name, system;
	if (!read_pointer(d, at, &call) ||
	    !read_pointer(d, call + l->class_off, &cls) ||
	    !read_pointer(d, call + l->name_off, &name))
		return false;
	const char *class_name = object_at(d, cls, "event_class_");
	if (!class_name)
		return false;
	/* A TRACE_EVENT's name is its tracepoint's (the union's tp). */
	ev->name = object_at(d, name, "__tracepoint_");
	if (!ev->name)
		ev->name = read_string_at(d, name);
	ev->group = read_pointer(d, cls + l->system_off, &system)
		? read_string_at(d, system) : NULL;
	const char **v = arena_alloc(d->ts.arena, sizeof(*v));
	*v = class_name;
	ev->classes = v;
	ev->nclasses = 1;
	return ev->name != NULL;
}

static void find_events(struct dwsrc *d)
{
	struct event_layout l;
	if (!event_layout(d, &l))
		return;
	symtab_foreach(d->elf, SHT_SYMTAB, add_object, d);
	qsort(d->objs, d->nobjs, sizeof(*d->objs), by_addr);
	for (size_t i = 0; i < d->nobjs; i++) {
		struct trace_event ev;
		if (strncmp(d->objs[i].name, "__event_", 8) ||
		    !read_event(d, &l, d->objs[i].addr, &ev))
			continue;
		if (d->nevents == d->eventcap) {
			d->eventcap = d->eventcap ? 2 * d->eventcap : 1024;
			d->events = xrealloc(d->events,
					     d->eventcap * sizeof(*d->events));
		}
		d->events[d->nevents++] = ev;
	}
	qsort(d->events, d->nevents, sizeof(*d->events), event_cmp);
}

static const struct trace_event *events(struct typesrc *ts, size_t *n)
{
	struct dwsrc *d = of(ts);
	if (!d->have_events) {
		d->have_events = true;
		find_events(d);
	}
	*n = d->nevents;
	return d->events;
}

/* The raw struct is defined where the class is (the file that defines
 * CREATE_TRACE_POINTS), whose code holds the class's functions, such as
 * trace_raw_output_CLASS: only that CU is read. Classes the kernel makes
 * without TRACE_EVENT (syscalls, ftrace) have neither, and a search of
 * every CU would say so only after a third of a second. */
static struct type *raw_struct(struct typesrc *ts,
			       const struct trace_event *ev, size_t i)
{
	struct dwsrc *d = of(ts);
	Dwarf_Die cu, die;
	char name[300], fn[300];
	snprintf(name, sizeof(name), "trace_event_raw_%s", ev->classes[i]);
	snprintf(fn, sizeof(fn), "trace_raw_output_%s", ev->classes[i]);
	const struct sym *s = find_sym(d, fn);
	if (!s)
		s = find_clone(d, fn);
	if (!s || !dwarf_addrdie(d->dw, s->addr, &cu))
		return NULL;
	if (!lookup_index(d, CT_STRUCT, name, &die)) {
		index_cu(d, &cu);
		if (!lookup_index(d, CT_STRUCT, name, &die))
			return NULL;
	}
	return convert(d, &die);
}

/* ---- every type name (--list) ---- */

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every CU's top-level definitions of a kind, once each: a full pass
 * (a third of a second for a distribution's vmlinux). */
static const char *const *all_type_names(struct typesrc *ts,
					 enum ctype_kind kind, size_t *n)
{
	struct dwsrc *d = of(ts);
	const char **v = d->tnames[kind];
	size_t count = 0, cap = 0;
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (!v && dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL,
				  NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(d->dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &child) == 0) {
			do {
				const char *name = dwarf_diename(&child);
				if (kind_of_tag(dwarf_tag(&child)) != (int)kind ||
				    !name || has_attr(&child, DW_AT_declaration))
					continue;
				if (count == cap) {
					cap = cap ? 2 * cap : 4096;
					d->tnames[kind] = xrealloc(d->tnames[kind],
								   cap * sizeof(char *));
				}
				d->tnames[kind][count++] = name;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		drop_pages(d, d->info_off + off, d->info_off + next);
		off = next;
	}
	if (!v) {
		qsort(d->tnames[kind], count, sizeof(char *), by_str);
		size_t k = 0;
		for (size_t i = 0; i < count; i++)
			if (!k || strcmp(d->tnames[kind][k - 1], d->tnames[kind][i]))
				d->tnames[kind][k++] = d->tnames[kind][i];
		d->ntnames[kind] = k;
		if (!d->tnames[kind])
			d->tnames[kind] = xmalloc(sizeof(char *));
	}
	*n = d->ntnames[kind];
	return d->tnames[kind];
}

static void close_dwarf(struct typesrc *ts)
{
	struct dwsrc *d = of(ts);
	free(d->objs);
	free(d->events);
	for (int k = 0; k < 4; k++)
		free(d->tnames[k]);
	dwarf_end(d->dw);
	elf_end(d->elf);
	close(d->fd);
	free(d->syms);
	free(d->names);
	map_free(&d->types);
	map_free(&d->named);
	map_free(&d->looked);
	map_free(&d->funcs);
	free(ts->path);
	arena_free(ts->arena);
	free(d);
}

static const struct typesrc_ops dwarf_ops = {
	.kind = "DWARF",
	.knows_clones = true,
	.complete = complete,
	.function = function,
	.named = named,
	.function_names = function_names,
	.type_names = NULL, /* too costly for every "did you mean" */
	.all_type_names = all_type_names,
	.events = events,
	.raw_struct = raw_struct,
	.close = close_dwarf,
};

/* Why an ELF file cannot be read whole, or NULL: libelf and libdw only
 * say "no DWARF" of a file cut short (a partial download, a full disk),
 * so the headers are checked against the file's size first. */
static char *elf_damage(Elf *elf, int fd)
{
	struct stat st;
	GElf_Ehdr eh;
	if (fstat(fd, &st) || !gelf_getehdr(elf, &eh))
		return xstrdup("it is truncated or not a valid ELF file "
			       "(its ELF header cannot be read)");
	unsigned long long size = (unsigned long long)st.st_size;
	unsigned long long shend = eh.e_shoff +
		(unsigned long long)eh.e_shnum * eh.e_shentsize;
	if (shend > size)
		return xprintf("it is truncated: its section headers "
					 "end at byte %llu, the file has %llu",
					 shend, size);
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh))
			return xstrdup("it is not a valid ELF file (a section "
				       "header cannot be read)");
		if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > size)
			return xprintf("it is truncated: section %zu "
						 "ends at byte %llu, the file "
						 "has %llu", elf_ndxscn(scn),
						 (unsigned long long)(sh.sh_offset +
								      sh.sh_size),
						 size);
	}
	return NULL;
}

/* No DWARF: the file is damaged (then damage says how), or it may hold
 * only .BTF or be raw BTF, which open.c tries next (*no_dwarf). */
static struct typesrc *no_dwarf_in(Elf *elf, int fd, char *damage,
				   char **err, bool *no_dwarf)
{
	bool is_elf = elf && elf_kind(elf) == ELF_K_ELF;
	char magic[SELFMAG];
	if (!is_elf && !damage && pread(fd, magic, SELFMAG, 0) == SELFMAG &&
	    !memcmp(magic, ELFMAG, SELFMAG))
		damage = xstrdup("it is truncated: it starts as an ELF file but "
				 "its ELF header is cut short");
	if (elf)
		elf_end(elf);
	close(fd);
	if (damage) {
		*err = damage;
		return NULL;
	}
	*no_dwarf = true;
	*err = xstrdup(is_elf ? "no DWARF (and no .BTF) in it"
			      : "it is neither an ELF file nor BTF");
	return NULL;
}

struct typesrc *typesrc_open_dwarf(const char *path, char **err,
				   bool *no_dwarf)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = xprintf("cannot open it: %s", strerror(errno));
		return NULL;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	char *damage = elf && elf_kind(elf) == ELF_K_ELF ? elf_damage(elf, fd)
							 : NULL;
	Dwarf *dw = elf && !damage ? dwarf_begin_elf(elf, DWARF_C_READ, NULL)
				   : NULL;
	if (!dw)
		return no_dwarf_in(elf, fd, damage, err, no_dwarf);
	struct dwsrc *d = xmalloc(sizeof(*d));
	memset(d, 0, sizeof(*d));
	d->ts.ops = &dwarf_ops;
	d->ts.arena = arena_new();
	d->ts.path = xstrdup(path);
	d->ts.arch = elfinfo_arch(elf);
	d->fd = fd;
	d->elf = elf;
	d->dw = dw;
	load_symbols(d);
	read_build_id(d);
	size_t size, shstrndx;
	d->file = elf_rawfile(elf, &size);
	d->file_size = d->file ? size : 0;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	elf_getshdrstrndx(elf, &shstrndx);
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		const char *n = gelf_getshdr(scn, &sh)
			? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (n && !strcmp(n, ".debug_info")) {
			d->info_off = sh.sh_offset;
			/* dwarf_addrdie reads every CU's header once: read
			 * them now and hand the pages back. */
			Dwarf_Aranges *ar;
			size_t nar;
			dwarf_getaranges(dw, &ar, &nar);
			drop_pages(d, sh.sh_offset, sh.sh_offset + sh.sh_size);
		}
	}
	return &d->ts;
}
