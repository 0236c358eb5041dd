/* usdt.c: USDT (SDT) markers, the probe points <sys/sdt.h> leaves in a
 * binary. Each is a note in .note.stapsdt (owner "stapsdt", type 3)
 * holding three addresses, the marker's pc, the address the link gave
 * .stapsdt.base and the semaphore's, then the provider, the name and the
 * argument specs, one per argument ("-4@112(%rsp)": size, negative when
 * signed, '@', an assembler operand).
 *
 * A uprobe takes file offsets, so the pc and the semaphore are moved by
 * what prelink moved the binary (.stapsdt.base's address now less the
 * one the note recorded, as systemtap and libbpf's usdt.c do) and mapped
 * through the PT_LOAD segment that holds them. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "surfc.h"

enum { NT_STAPSDT = 3 };

/* ---- argument specs ---- */

/* x86-64's integer registers: the ftrace name (arch.c's x86_64 row,
 * which parse_arg() checks), then the 64, 32, 16 and low-8-bit names an
 * assembler operand may use. ftrace fetches the whole register; the
 * fetch type keeps the low bytes. */
static const char *const x86_64_names[][5] = {
	{"ax", "rax", "eax", "ax", "al"},   {"bx", "rbx", "ebx", "bx", "bl"},
	{"cx", "rcx", "ecx", "cx", "cl"},   {"dx", "rdx", "edx", "dx", "dl"},
	{"si", "rsi", "esi", "si", "sil"},  {"di", "rdi", "edi", "di", "dil"},
	{"bp", "rbp", "ebp", "bp", "bpl"},  {"sp", "rsp", "esp", "sp", "spl"},
	{"r8", "r8", "r8d", "r8w", "r8b"},  {"r9", "r9", "r9d", "r9w", "r9b"},
	{"r10", "r10", "r10d", "r10w", "r10b"},
	{"r11", "r11", "r11d", "r11w", "r11b"},
	{"r12", "r12", "r12d", "r12w", "r12b"},
	{"r13", "r13", "r13d", "r13w", "r13b"},
	{"r14", "r14", "r14d", "r14w", "r14b"},
	{"r15", "r15", "r15d", "r15w", "r15b"},
	{"ip", "rip", "eip", "ip", NULL},
};

/* The ftrace name of an x86-64 register operand name[0..len), or NULL. */
static const char *x86_64_reg(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(x86_64_names) / sizeof(x86_64_names[0]); i++)
		for (size_t w = 1; w < 5; w++) {
			const char *n = x86_64_names[i][w];
			if (n && strlen(n) == len && !strncmp(n, name, len))
				return x86_64_names[i][0];
		}
	return NULL;
}

/* What one marker's argument specs are read against. */
struct spec_ctx {
	struct arena *arena;
	Elf *elf;
	const struct arch *arch;
	/* The pc's segment: its address less its file offset. A uprobe's
	 * @+OFFSET is read where the probed segment's mapping puts it. */
	unsigned long long delta;
};

static void bad(struct spec_ctx *c, struct usdt_arg *u, const char *why)
{
	u->kind = UA_BAD;
	u->why = arena_strdup(c->arena, why);
}

struct wanted_sym {
	const char *name;
	size_t len;
	GElf_Addr addr;
	bool found;
};

static bool match_sym(void *arg, const char *name, const GElf_Sym *sym)
{
	struct wanted_sym *w = arg;
	if (sym->st_shndx == SHN_UNDEF || strlen(name) != w->len ||
	    strncmp(name, w->name, w->len))
		return true;
	w->addr = sym->st_value;
	w->found = true;
	return false;
}

/* SYM[+-OFF](%rip): memory at the symbol, which a uprobe reads as
 * @+OFFSET relative to the probed segment. */
static void rip_operand(struct spec_ctx *c, struct usdt_arg *u,
			const char *disp, size_t len)
{
	size_t n = strcspn(disp, "+-");
	if (n > len)
		n = len;
	long long add = 0;
	if (n < len) {
		char *end;
		add = strtoll(disp + n, &end, 0);
		if (end != disp + len) {
			bad(c, u, "its displacement is not SYMBOL[+-OFFSET]");
			return;
		}
	}
	if (n == 0 || isdigit((unsigned char)disp[0])) {
		bad(c, u, "a %rip-relative number needs the instruction's length");
		return;
	}
	struct wanted_sym w = {disp, n, 0, false};
	symtab_foreach(c->elf, SHT_SYMTAB, match_sym, &w);
	if (!w.found)
		symtab_foreach(c->elf, SHT_DYNSYM, match_sym, &w);
	if (!w.found) {
		bad(c, u, "its symbol is in neither symbol table");
		return;
	}
	u->kind = UA_FILEMEM;
	u->off = (long long)(w.addr + (unsigned long long)add - c->delta);
}

/* OFF(%REG), SYM(%rip); an index register is refused. */
static void mem_operand(struct spec_ctx *c, struct usdt_arg *u, const char *s)
{
	const char *open = strchr(s, '(');
	size_t n = strlen(s);
	if (open && strchr(open, ',')) {
		bad(c, u, "an index register cannot be fetched by ftrace");
		return;
	}
	if (!open || s[n - 1] != ')' || open[1] != '%') {
		bad(c, u, "it is no operand surfc knows");
		return;
	}
	const char *name = open + 2;
	size_t len = (size_t)(s + n - 1 - name);
	const char *reg = x86_64_reg(name, len);
	if (!reg) {
		bad(c, u, "its base register is not one ftrace fetches");
		return;
	}
	if (!strcmp(reg, "ip")) {
		rip_operand(c, u, s, (size_t)(open - s));
		return;
	}
	char *end;
	long long off = open == s ? 0 : strtoll(s, &end, 0);
	if (open != s && end != open) {
		bad(c, u, "its displacement is not a number");
		return;
	}
	u->kind = UA_MEM;
	u->reg = reg;
	u->off = off;
}

static void parse_arg(struct spec_ctx *c, const char *spec, struct usdt_arg *u)
{
	*u = (struct usdt_arg){.spec = spec};
	const char *s = spec, *at = strchr(spec, '@');
	char *end;
	if (at) {
		long size = strtol(s, &end, 10);
		if (end != at || !(labs(size) == 1 || labs(size) == 2 ||
				   labs(size) == 4 || labs(size) == 8)) {
			bad(c, u, "its size is not 1, 2, 4 or 8 bytes");
			return;
		}
		u->size = (int)size;
		s = at + 1;
	}
	if (!c->arch || strcmp(c->arch->name, "x86_64")) {
		bad(c, u, "surfc reads the argument specs of x86_64 only");
		return;
	}
	if (s[0] == '%' && strchr(s, ':')) {
		bad(c, u, "a segment register cannot be fetched by ftrace");
	} else if (s[0] == '%') {
		u->reg = x86_64_reg(s + 1, strlen(s + 1));
		u->kind = UA_REG;
		if (!u->reg)
			bad(c, u, s[1] && strchr("abcd", s[1]) && s[2] == 'h' && !s[3]
				  ? "ftrace cannot fetch bits 8-15 of a register"
				  : "it is no register ftrace fetches");
	} else if (s[0] == '$') {
		u->kind = UA_IMM;
		u->off = strtoll(s + 1, &end, 0);
		if (end == s + 1 || *end)
			bad(c, u, "its constant is not a number");
	} else {
		mem_operand(c, u, s);
	}
	/* The names above are arch.c's; a row that drifted from it would
	 * make definitions the kernel refuses. */
	if ((u->kind == UA_REG || u->kind == UA_MEM) &&
	    !arch_has_reg(c->arch, u->reg))
		bad(c, u, "its register is not in surfc's table of the arch");
}

/* Splits the specs at blanks into m->argv. */
static void parse_args(struct spec_ctx *c, struct usdt_marker *m)
{
	const char *s = m->args;
	unsigned cap = 0;
	for (;;) {
		s += strspn(s, " \t");
		if (!*s)
			break;
		size_t n = strcspn(s, " \t");
		if (m->nargs == cap) {
			cap = cap ? 2 * cap : 8;
			struct usdt_arg *v = arena_alloc(c->arena, cap * sizeof(*v));
			if (m->nargs)
				memcpy(v, m->argv, m->nargs * sizeof(*v));
			m->argv = v;
		}
		parse_arg(c, arena_strndup(c->arena, s, n), &m->argv[m->nargs++]);
		s += n;
	}
}

void usdt_arg_plan(struct arena *a, const struct usdt_arg *u,
		   struct argplan *plan)
{
	switch (u->kind) {
	case UA_REG:
		plan->base = (struct fetch_base){.kind = FB_REG, .text = u->reg};
		break;
	case UA_MEM:
		plan->base = (struct fetch_base){.kind = FB_REG, .text = u->reg};
		plan_push_deref(a, plan, u->off, false, OFF_SHORT);
		break;
	case UA_IMM:
		plan->base = (struct fetch_base){
			.kind = FB_IMM, .text = arena_printf(a, "%lld", u->off)};
		break;
	case UA_FILEMEM:
		plan->base = (struct fetch_base){
			.kind = FB_SYM,
			.text = arena_printf(a, "+0x%llx",
					     (unsigned long long)u->off)};
		break;
	case UA_BAD:
		plan->base.kind = FB_NONE;
		break;
	}
}

unsigned usdt_arg_bits(const struct usdt_arg *u, unsigned long_bits)
{
	return u->size ? 8 * (unsigned)abs(u->size) : long_bits;
}

struct fetch_final usdt_arg_type(const struct usdt_arg *u, unsigned long_bits)
{
	return (struct fetch_final){.type = fetch_type_int(
		u->size < 0 ? 's' : 'u', usdt_arg_bits(u, long_bits))};
}

/* ---- notes ---- */

/* An address of the note's class, in the file's byte order. */
static unsigned long long note_addr(const unsigned char *p, unsigned size,
				    bool big_endian)
{
	unsigned long long v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (unsigned long long)p[big_endian ? size - 1 - i : i]
		     << (8 * i);
	return v;
}

/* One note's descriptor into m; false when it is malformed. */
static bool read_note(struct spec_ctx *c, const unsigned char *desc,
		      size_t len, unsigned asize, bool big_endian,
		      struct usdt_marker *m)
{
	if (len < 3 * asize + 3 || desc[len - 1] != '\0')
		return false;
	m->pc = note_addr(desc, asize, big_endian);
	m->base = note_addr(desc + asize, asize, big_endian);
	m->semaphore = note_addr(desc + 2 * asize, asize, big_endian);
	const char *s = (const char *)desc + 3 * asize, *end = (const char *)desc + len;
	const char *strs[3];
	for (int i = 0; i < 3; i++) {
		if (s >= end)
			return false;
		strs[i] = s;
		s += strlen(s) + 1;
	}
	m->provider = arena_strdup(c->arena, strs[0]);
	m->name = arena_strdup(c->arena, strs[1]);
	m->args = arena_strdup(c->arena, strs[2]);
	return true;
}

/* The file offsets of the marker's pc and semaphore, moved by what
 * prelink moved the binary. */
static void place_marker(struct spec_ctx *c, struct usdt_marker *m,
			 const GElf_Shdr *base_sh)
{
	unsigned long long pc = m->pc, sem = m->semaphore;
	if (base_sh && m->base) {
		pc += base_sh->sh_addr - m->base;
		if (sem)
			sem += base_sh->sh_addr - m->base;
	}
	if (!elfinfo_addr_offset(c->elf, pc, &m->offset)) {
		m->why = "its address lies outside every loaded segment";
		return;
	}
	c->delta = pc - m->offset;
	if (sem && !elfinfo_addr_offset(c->elf, sem, &m->sem_offset))
		m->why = "its semaphore lies outside every loaded segment";
}

static void push_marker(struct arena *a, struct usdt_markers *ms,
			size_t *cap, const struct usdt_marker *m)
{
	if (ms->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		struct usdt_marker *v = arena_alloc(a, *cap * sizeof(*v));
		if (ms->n)
			memcpy(v, ms->v, ms->n * sizeof(*v));
		ms->v = v;
	}
	ms->v[ms->n++] = *m;
}

static const char *read_notes(struct arena *a, Elf *elf,
			      struct usdt_markers *ms)
{
	GElf_Shdr sh, base_sh;
	Elf_Scn *scn = elfinfo_section(elf, ".note.stapsdt", &sh);
	if (!scn || sh.sh_type != SHT_NOTE)
		return "it has no .note.stapsdt section: no USDT markers";
	bool has_base = elfinfo_section(elf, ".stapsdt.base", &base_sh) != NULL;
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh))
		return "its ELF header cannot be read";
	unsigned asize = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	bool big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	struct spec_ctx c = {a, elf, ms->arch, 0};
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Nhdr nh;
	size_t pos = 0, name_off, desc_off, cap = 0;
	while (data && (pos = gelf_getnote(data, pos, &nh, &name_off,
					   &desc_off)) > 0) {
		const char *owner = (const char *)data->d_buf + name_off;
		if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
		    memcmp(owner, "stapsdt", 8))
			continue;
		struct usdt_marker m = {0};
		if (!read_note(&c, (const unsigned char *)data->d_buf + desc_off,
			       nh.n_descsz, asize, big, &m))
			return "a note in .note.stapsdt is malformed";
		place_marker(&c, &m, has_base ? &base_sh : NULL);
		parse_args(&c, &m);
		push_marker(a, ms, &cap, &m);
	}
	return ms->n ? NULL : "its .note.stapsdt holds no stapsdt notes";
}

bool usdt_read(struct arena *a, const char *path, struct usdt_markers *ms,
	       char **err)
{
	*ms = (struct usdt_markers){0};
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = xstrdup(strerror(errno));
		return false;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	const char *why = NULL;
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		why = "not an ELF file";
	} else {
		ms->arch = elfinfo_arch(elf);
		why = read_notes(a, elf, ms);
	}
	elf_end(elf);
	close(fd);
	if (why)
		*err = xstrdup(why);
	return !why;
}

/* ---- surfc --describe PATH[:PROVIDER:NAME] ---- */

static void describe_marker(FILE *f, struct arena *a,
			    const struct usdt_marker *m, const struct arch *arch)
{
	unsigned long_bits = arch ? arch->long_bits : 64;
	fprintf(f, "%s:%s", m->provider, m->name);
	if (m->why) {
		fprintf(f, "  (%s)\n", m->why);
	} else {
		fprintf(f, "  offset 0x%llx", m->offset);
		if (m->sem_offset)
			fprintf(f, "  semaphore 0x%llx", m->sem_offset);
		fputc('\n', f);
	}
	for (unsigned i = 0; i < m->nargs; i++) {
		const struct usdt_arg *u = &m->argv[i];
		struct argplan plan = {0};
		struct strbuf sb = {0};
		usdt_arg_plan(a, u, &plan);
		plan.type = usdt_arg_type(u, long_bits);
		if (u->kind == UA_BAD)
			sb_printf(&sb, "(%s)", u->why);
		else
			put_fetcharg(&sb, &plan, &(struct render_target){
						  arch, FEAT_ALL});
		fprintf(f, "  %%%-3u %-20s %s\n", i, u->spec, sb.s);
		sb_free(&sb);
	}
}

int usdt_describe(FILE *f, const char *what, struct diags *dg)
{
	struct arena *a = arena_new();
	const char *colon = strchr(what, ':');
	char *path = arena_strndup(a, what, colon ? (size_t)(colon - what)
						  : strlen(what));
	const char *want = colon ? colon + 1 : NULL;
	struct usdt_markers ms;
	char *err = NULL;
	int status = 0;
	if (!usdt_read(a, path, &ms, &err)) {
		diag_plain(dg, "surfc", SEV_ERROR, "cannot list the USDT markers "
			   "of %s: %s", path, err);
		free(err);
		arena_free(a);
		return 1;
	}
	const char **names = arena_alloc(a, ms.n * sizeof(*names));
	size_t shown = 0;
	for (size_t i = 0; i < ms.n; i++) {
		const struct usdt_marker *m = &ms.v[i];
		names[i] = arena_printf(a, "%s:%s", m->provider, m->name);
		if (want && strcmp(want, names[i]))
			continue;
		describe_marker(f, a, m, ms.arch);
		shown++;
	}
	if (!shown) {
		diag_suggest(dg, NULL, (struct loc){0, 0},
			     closest_name(want, names, ms.n), NULL,
			     "no USDT marker '%s' in %s", want, path);
		status = 1;
	}
	arena_free(a);
	return status;
}
