/* tests/unit/render.c: fetch plans built by hand, rendered by the one
 * renderer (codegen/fetcharg.c) for kernels of different arches and
 * features, and what the plan says a kernel must offer. Prints one line a
 * check, "ok" or "FAIL", and exits 1 when any failed. */
#include <stdio.h>
#include <string.h>

#include "../../compiler/surfc.h"

static int failed;

static void expect(const char *what, const char *got, const char *want)
{
	bool ok = !strcmp(got, want);
	printf("%s %s: %s%s%s\n", ok ? "ok  " : "FAIL", what, got,
	       ok ? "" : ", want ", ok ? "" : want);
	failed += !ok;
}

static void expect_render(const char *what, const struct argplan *p,
			  const char *arch, unsigned features,
			  const char *want)
{
	struct strbuf sb = {0};
	struct render_target rt = {arch_find(arch), features};
	put_fetcharg(&sb, p, &rt);
	expect(what, sb.s ? sb.s : "", want);
	sb_free(&sb);
}

static void expect_features(const char *what, const struct argplan *p,
			    const char *want)
{
	struct strbuf sb = {0};
	put_features(&sb, plan_features(p));
	expect(what, sb.s ? sb.s : "", want);
	sb_free(&sb);
}

int main(void)
{
	struct arena *ar = arena_new();
	unsigned no_argn = FEAT_ALL & ~FEAT_ARGN;

	/* $argN where the kernel has it, its register or stack slot
	 * where it does not. */
	struct argplan argn = {.base = {.kind = FB_ARGN, .n = 2, .entry = true},
			       .type = {.type = fetch_type_int('u', 64)}};
	expect_render("$arg2 with $argN", &argn, "x86_64", FEAT_ALL,
		      "$arg2:u64");
	expect_render("$arg2 without $argN, x86_64", &argn, "x86_64", no_argn,
		      "%si:u64");
	expect_render("$arg2 without $argN, aarch64", &argn, "aarch64",
		      no_argn, "%x1:u64");
	expect_features("$arg2 needs", &argn, "$arg<N>");
	struct argplan arg7 = {.base = {.kind = FB_ARGN, .n = 7, .entry = true}};
	expect_render("$arg7 without $argN, x86_64", &arg7, "x86_64", no_argn,
		      "$stack1");
	/* ppc64 has no stack arguments surfc can address: $argN stays. */
	expect_render("$arg9 without $argN, ppc64le", &(struct argplan){
		      .base = {.kind = FB_ARGN, .n = 9, .entry = true}},
		      "ppc64le", no_argn, "$arg9");
	/* At a return the registers no longer hold the arguments. */
	expect_render("$arg2 at a return, without $argN", &(struct argplan){
		      .base = {.kind = FB_ARGN, .n = 2}}, "x86_64", no_argn,
		      "$arg2");

	/* Dereferences, innermost first, each offset in its style. */
	struct argplan chain = {.base = {.kind = FB_REG, .text = "di"},
				.type = {.type = fetch_type_find("string", 6)}};
	plan_push_deref(ar, &chain, 40, false, OFF_SHORT);
	plan_push_deref(ar, &chain, 8, true, OFF_HEX);
	plan_push_deref(ar, &chain, -16, false, OFF_DEC);
	expect_render("a chain", &chain, "x86_64", FEAT_ALL,
		      "-16(+u0x8(+40(%di))):string");
	expect_features("a chain needs", &chain, "[u]<offset>");
	struct argplan far = {.base = {.kind = FB_REG, .text = "di"}};
	plan_push_deref(ar, &far, 1LL << 60, false, OFF_SHORT);
	expect_render("the shorter offset", &far, "x86_64", FEAT_ALL,
		      "+0x1000000000000000(%di)");

	/* Final types: a bitfield, an array. */
	struct argplan bits = {.base = {.kind = FB_REG, .text = "x0"},
			       .type = {fetch_type_bitfield(), 3, 1, 32, 0}};
	expect_render("a bitfield", &bits, "aarch64", FEAT_ALL, "%x0:b3@1/32");
	struct argplan arr = {.base = {.kind = FB_SYM, .text = "jiffies"},
			      .type = {.type = fetch_type_int('x', 8),
				       .count = 4}};
	expect_render("an array", &arr, "x86_64", FEAT_ALL, "@jiffies:x8[4]");
	expect_features("an array needs", &arr, "x8/16/32/64;<array-size>");

	/* Text, by base: what a filter compares it as. */
	struct argplan comm = {.base = {.kind = FB_COMM}};
	expect("$comm compares as", plan_value(&comm) == VAL_STR ? "text"
	       : "number", "text");
	expect_features("an immediate string needs", &(struct argplan){
		.base = {.kind = FB_IMMSTR, .text = "$arg1"}}, "imm-string");

	/* The model of releases: what Debian's 6.1 and 6.12 take. */
	struct kernel_features k61, k612, k65, none;
	kernel_features_of("6.1.0-56-cloud-amd64", &k61);
	kernel_features_of("6.12.117+deb12-cloud-amd64", &k612);
	kernel_features_of("6.5.0-1-amd64", &k65);
	kernel_features_of(NULL, &none);
	expect("6.1 takes char", k61.has & FEAT_CHAR ? "yes" : "no", "no");
	expect("6.1 knows it lacks char", k61.unknown & FEAT_CHAR ? "unknown"
	       : "known", "known");
	expect("6.12 takes char", k612.has & FEAT_CHAR ? "yes" : "no", "yes");
	expect("6.12 takes $argN at a return", k612.has & FEAT_RETURN_ARGN
	       ? "yes" : "no", "yes");
	expect("6.1 takes symstr", k61.has & FEAT_SYMSTR ? "yes" : "no", "yes");
	expect("6.5 and char: the model cannot tell", k65.unknown & FEAT_CHAR
	       ? "unknown" : "known", "unknown");
	expect("no identity: every feature", none.has == FEAT_ALL &&
	       !none.unknown ? "all" : "some", "all");

	arena_free(ar);
	return failed != 0;
}
