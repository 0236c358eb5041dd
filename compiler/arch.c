/* arch.c: register names as each kernel's regs_query_register_offset()
 * knows them (arch/ARCH/kernel/ptrace.c), and the calling conventions that
 * map %N to a register. */
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

#define ALIASES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define COUNT(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

/* stack_base: on x86_64 $stack0 is the return address at entry, so the
 * 7th argument is $stack1; the others push no return address. ppc64 and
 * s390x pass stack arguments behind a save area we do not model. */
static const struct arch arches[] = {
	{"x86_64", ALIASES("amd64", "x86"), x86_64_regs, x86_64_args,
	 COUNT(x86_64_args), "ax", "sp", 1, 64, false, EM_X86_64, "r15"},
	{"aarch64", ALIASES("arm64"), aarch64_regs, aarch64_args,
	 COUNT(aarch64_args), "x0", "sp", 0, 64, false, EM_AARCH64, "orig_x0"},
	{"riscv64", ALIASES("riscv"), riscv64_regs, riscv64_args,
	 COUNT(riscv64_args), "a0", "sp", 0, 64, false, EM_RISCV, "epc"},
	{"ppc64le", ALIASES("powerpc64le"), ppc64_regs, ppc64_args,
	 COUNT(ppc64_args), "gpr3", "gpr1", -1, 64, false, EM_PPC64, "nip"},
	{"ppc64", ALIASES("powerpc64", "powerpc"), ppc64_regs, ppc64_args,
	 COUNT(ppc64_args), "gpr3", "gpr1", -1, 64, true, EM_PPC64, "nip"},
	{"s390x", ALIASES("s390"), s390x_regs, s390x_args, COUNT(s390x_args),
	 "r2", "r15", -1, 64, true, EM_S390, "orig_gpr2"},
	{"loongarch64", ALIASES("loongarch"), loongarch64_regs,
	 loongarch64_args, COUNT(loongarch64_args), "r4", "r3", 0, 64, false,
	 EM_LOONGARCH, "csr_era"},
	{"arm", ALIASES("armhf", "armel", "armv7l", "armv7"), arm_regs,
	 arm_args, COUNT(arm_args), "r0", "sp", 0, 32, false, EM_ARM, "uregs"},
};

const struct arch *arch_find(const char *name)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
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

const struct arch *arch_by_elf(unsigned machine, bool big_endian)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].elf_machine == machine &&
		    arches[i].big_endian == big_endian)
			return &arches[i];
	return NULL;
}

const struct arch *arch_by_regs(bool (*has_member)(void *ctx, const char *),
				void *ctx, bool big_endian)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].big_endian == big_endian &&
		    has_member(ctx, arches[i].regs_mark))
			return &arches[i];
	return NULL;
}

const char *arch_names(void)
{
	return "x86_64, aarch64, riscv64, ppc64, ppc64le, s390x, loongarch64, "
	       "arm";
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
