/* arch.c: the one table of architectures: register names as each
 * kernel's regs_query_register_offset() knows them (arch/ARCH/kernel/
 * ptrace.c), the calling conventions that map %N to a register or stack
 * slot, ELF machine and byte order, DWARF register numbers, and the
 * struct pt_regs member that identifies a bare BTF file's arch. A new
 * arch is one row here, plus its golden cases. */
#include <elf.h>
#include <string.h>
#include <sys/utsname.h>

#include "surfc.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef EM_MIPS
#define EM_MIPS 8
#endif

static const char *const x86_64_regs[] = {
	"ax", "bx", "cx", "dx", "si", "di", "bp", "sp", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15", "ip", "flags", "cs", "ss", "ds",
	"es", "fs", "gs", "orig_ax", NULL};
static const char *const x86_64_args[] = {"di", "si", "dx", "cx", "r8", "r9"};

static const char *const aarch64_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "pstate", NULL};
static const char *const aarch64_args[] = {"x0", "x1", "x2", "x3",
					   "x4", "x5", "x6", "x7"};

static const char *const riscv64_regs[] = {
	"epc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	"status", "badaddr", "cause", "orig_a0", NULL};
static const char *const riscv64_args[] = {"a0", "a1", "a2", "a3",
					   "a4", "a5", "a6", "a7"};

static const char *const ppc64_regs[] = {
	"gpr0", "gpr1", "gpr2", "gpr3", "gpr4", "gpr5", "gpr6", "gpr7",
	"gpr8", "gpr9", "gpr10", "gpr11", "gpr12", "gpr13", "gpr14", "gpr15",
	"gpr16", "gpr17", "gpr18", "gpr19", "gpr20", "gpr21", "gpr22",
	"gpr23", "gpr24", "gpr25", "gpr26", "gpr27", "gpr28", "gpr29",
	"gpr30", "gpr31", "nip", "msr", "orig_gpr3", "ctr", "link", "xer",
	"ccr", "softe", "trap", "dar", "dsisr", NULL};
static const char *const ppc64_args[] = {"gpr3", "gpr4", "gpr5", "gpr6",
					 "gpr7", "gpr8", "gpr9", "gpr10"};

static const char *const s390x_regs[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15", NULL};
static const char *const s390x_args[] = {"r2", "r3", "r4", "r5", "r6"};

static const char *const loongarch64_regs[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20",
	"r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30",
	"r31", "orig_a0", "csr_era", "csr_badvaddr", "csr_crmd", "csr_prmd",
	"csr_euen", "csr_ecfg", "csr_estat", NULL};
static const char *const loongarch64_args[] = {"r4", "r5", "r6", "r7",
					       "r8", "r9", "r10", "r11"};

static const char *const arm_regs[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"fp", "ip", "sp", "lr", "pc", "cpsr", "ORIG_r0", NULL};
static const char *const arm_args[] = {"r0", "r1", "r2", "r3"};

static const char *const mips64_regs[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20",
	"r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30",
	"r31", "c0_status", "hi", "lo", "c0_badvaddr", "c0_cause", "c0_epc",
	NULL};
/* n64: a0-a7 are r4-r11. */
static const char *const mips64_args[] = {"r4", "r5", "r6", "r7",
					  "r8", "r9", "r10", "r11"};

/* DWARF register numbers to ftrace names, where they differ from the
 * order of the regs table (the psABI documents; NULL: no ftrace name). */
static const char *const x86_64_dwarf[] = {
	"ax", "dx", "cx", "bx", "si", "di", "bp", "sp", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15"};
static const char *const aarch64_dwarf[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp"};
static const char *const riscv64_dwarf[] = {
	NULL, "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
static const char *const arm_dwarf[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"fp", "ip", "sp", "lr", "pc"};

#define ALIASES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define LIST(a) (a), (unsigned)(sizeof(a) / sizeof((a)[0]))

/* One row an architecture: everything surfc knows about it.
 *
 * stack_base: on x86_64 $stack0 is the return address at entry, so the
 * 7th argument is $stack1; the others push no return address. ppc64 and
 * s390x pass stack arguments behind a save area we do not model (-1).
 * dwarf_regs: DWARF register N is dwarf_regs[N]; when NULL, it is regs[N].
 * entry_cfa: the CFA at entry is spreg + entry_cfa (x86 has pushed the
 * return address; s390x's caller reserved a 160-byte save area). */
static const struct arch arches[] = {
	{.name = "x86_64", .aliases = ALIASES("amd64", "x86"),
	 .regs = x86_64_regs, .argregs = LIST(x86_64_args),
	 .retreg = "ax", .spreg = "sp", .stack_base = 1, .long_bits = 64,
	 .elf_machine = EM_X86_64, .regs_mark = "r15",
	 .dwarf_regs = LIST(x86_64_dwarf), .entry_cfa = 8},
	{.name = "aarch64", .aliases = ALIASES("arm64"),
	 .regs = aarch64_regs, .argregs = LIST(aarch64_args),
	 .retreg = "x0", .spreg = "sp", .stack_base = 0, .long_bits = 64,
	 .elf_machine = EM_AARCH64, .regs_mark = "orig_x0",
	 .dwarf_regs = LIST(aarch64_dwarf)},
	{.name = "riscv64", .aliases = ALIASES("riscv"),
	 .regs = riscv64_regs, .argregs = LIST(riscv64_args),
	 .retreg = "a0", .spreg = "sp", .stack_base = 0, .long_bits = 64,
	 .elf_machine = EM_RISCV, .regs_mark = "epc",
	 .dwarf_regs = LIST(riscv64_dwarf)},
	{.name = "ppc64", .aliases = ALIASES("powerpc64", "powerpc"),
	 .regs = ppc64_regs, .argregs = LIST(ppc64_args),
	 .retreg = "gpr3", .spreg = "gpr1", .stack_base = -1, .long_bits = 64,
	 .big_endian = true, .elf_machine = EM_PPC64, .regs_mark = "nip",
	 .ndwarf_regs = 32},
	{.name = "ppc64le", .aliases = ALIASES("powerpc64le", "ppc64el"),
	 .regs = ppc64_regs, .argregs = LIST(ppc64_args),
	 .retreg = "gpr3", .spreg = "gpr1", .stack_base = -1, .long_bits = 64,
	 .elf_machine = EM_PPC64, .regs_mark = "nip", .ndwarf_regs = 32},
	{.name = "s390x", .aliases = ALIASES("s390"),
	 .regs = s390x_regs, .argregs = LIST(s390x_args),
	 .retreg = "r2", .spreg = "r15", .stack_base = -1, .long_bits = 64,
	 .big_endian = true, .elf_machine = EM_S390, .regs_mark = "orig_gpr2",
	 .ndwarf_regs = 16, .entry_cfa = 160},
	{.name = "loongarch64", .aliases = ALIASES("loongarch"),
	 .regs = loongarch64_regs, .argregs = LIST(loongarch64_args),
	 .retreg = "r4", .spreg = "r3", .stack_base = 0, .long_bits = 64,
	 .elf_machine = EM_LOONGARCH, .regs_mark = "csr_era",
	 .ndwarf_regs = 32},
	{.name = "mips64", .aliases = ALIASES("mips64be"),
	 .regs = mips64_regs, .argregs = LIST(mips64_args),
	 .retreg = "r2", .spreg = "r29", .stack_base = 0, .long_bits = 64,
	 .big_endian = true, .elf_machine = EM_MIPS, .regs_mark = "cp0_epc",
	 .ndwarf_regs = 32},
	{.name = "mips64el", .aliases = ALIASES("mips64le"),
	 .regs = mips64_regs, .argregs = LIST(mips64_args),
	 .retreg = "r2", .spreg = "r29", .stack_base = 0, .long_bits = 64,
	 .elf_machine = EM_MIPS, .regs_mark = "cp0_epc", .ndwarf_regs = 32},
	{.name = "arm", .aliases = ALIASES("armhf", "armel", "armv7l", "armv7"),
	 .regs = arm_regs, .argregs = LIST(arm_args),
	 .retreg = "r0", .spreg = "sp", .stack_base = 0, .long_bits = 32,
	 .elf_machine = EM_ARM, .regs_mark = "uregs",
	 .dwarf_regs = LIST(arm_dwarf)},
};
#define NARCHES (sizeof(arches) / sizeof(arches[0]))

const struct arch *arch_find(const char *name)
{
	for (size_t i = 0; i < NARCHES; i++) {
		if (!strcmp(arches[i].name, name))
			return &arches[i];
		for (const char *const *a = arches[i].aliases; *a; a++)
			if (!strcmp(*a, name))
				return &arches[i];
	}
	return NULL;
}

const struct arch *arch_host(void)
{
	struct utsname u;
	const struct arch *a = NULL;
	if (uname(&u) == 0)
		a = arch_find(u.machine);
	return a ? a : &arches[0];
}

const struct arch *arch_by_elf(unsigned machine, unsigned bits,
			       bool big_endian)
{
	for (size_t i = 0; i < NARCHES; i++)
		if (arches[i].elf_machine == machine &&
		    arches[i].long_bits == bits &&
		    arches[i].big_endian == big_endian)
			return &arches[i];
	return NULL;
}

const struct arch *arch_by_regs(bool (*has_member)(void *ctx, const char *),
				void *ctx, bool big_endian)
{
	for (size_t i = 0; i < NARCHES; i++)
		if (arches[i].big_endian == big_endian &&
		    has_member(ctx, arches[i].regs_mark))
			return &arches[i];
	return NULL;
}

const char *arch_names(void)
{
	static char names[256];
	if (!names[0]) {
		struct strbuf sb = {0};
		for (size_t i = 0; i < NARCHES; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "", arches[i].name);
		snprintf(names, sizeof(names), "%s", sb.s);
		sb_free(&sb);
	}
	return names;
}

const char *arch_dwarf_reg(const struct arch *a, unsigned n)
{
	if (n >= a->ndwarf_regs)
		return NULL;
	return a->dwarf_regs ? a->dwarf_regs[n] : a->regs[n];
}

bool arch_arg_base(const struct arch *a, unsigned n, struct fetch_base *b)
{
	if (n < a->nargregs)
		*b = (struct fetch_base){.kind = FB_REG, .text = a->argregs[n]};
	else if (a->stack_base >= 0)
		*b = (struct fetch_base){.kind = FB_STACKN,
			.n = n - a->nargregs + a->stack_base};
	return n < a->nargregs || a->stack_base >= 0;
}

bool arch_has_reg(const struct arch *a, const char *reg)
{
	for (const char *const *r = a->regs; *r; r++)
		if (!strcmp(*r, reg))
			return true;
	return false;
}

const char *arch_closest_reg(const struct arch *a, const char *reg)
{
	size_t n = 0;
	while (a->regs[n])
		n++;
	const char *best = closest_name(reg, a->regs, n);
	/* x86 users write the full names (%rdi, %rax); strip the 'r'/'e'. */
	if (!best && (reg[0] == 'r' || reg[0] == 'e') && arch_has_reg(a, reg + 1))
		best = reg + 1;
	return best;
}
