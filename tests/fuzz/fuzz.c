/* fuzz.c: the libFuzzer target (make fuzz). One input is one probe file;
 * it goes through everything a run of surfc does with a source: parse,
 * the AST dump, check (with and without the 6.1 kernel's BTF), the
 * diagnostics in both formats, -S, and the script (write_script, which
 * tests/mutate.c never reaches). The options of a run (arch, types,
 * --check, JSON) come from a hash of the input, so that the fuzzer's
 * mutations reach every combination without a format of their own.
 *
 *   build/fuzz/surfc-fuzz [libFuzzer options] CORPUS_DIR...
 *   SURFC_FUZZ_BTF=FILE  kernel types for an eighth of the inputs */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/surfc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct typesrc *types;
static FILE *null;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *btf = getenv("SURFC_FUZZ_BTF");
	char *err = NULL;
	if (btf && !(types = typesrc_open_btf(btf, &err))) {
		fprintf(stderr, "fuzz: %s: %s\n", btf, err);
		abort();
	}
	null = fopen("/dev/null", "w");
	if (!null)
		abort();
	return 0;
}

static uint32_t hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static const char *const arches[] = {"x86_64", "aarch64", "riscv64", "ppc64",
				     "ppc64le", "s390x", "loongarch64", "arm"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t round = hash(data, size);
	struct source *src = source_from_bytes("fuzz.surf", (const char *)data,
					       size);
	src->id = 1;
	struct diags *dg = diags_new(round & 1 ? DIAG_JSON : DIAG_TEXT,
				     round & 2);
	diags_set_max_errors(dg, round & 32 ? 0 : 50);
	struct program *prog = program_new();
	struct options opt = {
		.arch = arch_find(arches[(round >> 8) % 8]),
		.no_types = round & 4,
		.check_only = round & 8,
		.group = "surfc",
		.types = (round & 0x70000) == 0 ? types : NULL, /* 1 in 8: slower */
	};
	/* Kernels the model knows, one it cannot tell about, and none. */
	static const char *const releases[] = {
		NULL, "6.1.0-56-cloud-amd64", "6.12.117+deb12-cloud-amd64",
		"6.5.0-1-amd64"};
	kernel_features_of(releases[(round >> 12) % 4], &opt.kernel);
	if (opt.types)
		opt.types->arch = opt.arch;
	parse_source(src, prog, dg);
	ast_dump(null, prog);
	check_program(prog, &opt, dg);
	/* As surfc does: --check writes nothing. */
	if (!diags_errors(dg) && !opt.check_only) {
		show_program(null, prog, &opt);
		struct build b = {.opt = opt, .prog = prog, .label = "fuzz"};
		write_script(null, &b, 1, "surfc fuzz.surf");
	}
	diags_flush(dg, null);
	diags_free(dg);
	program_free(prog);
	source_free(src);
	return 0;
}
