/* mutate.c: a mutation run over probe files. Each input is a sample with a
 * few random edits (bytes and language tokens deleted, inserted, repeated);
 * it goes through the parser, the checker, -S and the AST dump in this
 * process, with every architecture and mode in turn. A crash, a sanitizer
 * report or an input that takes more than 5 s fails the run and prints
 * the input.
 *
 *   mutate COUNT FILE...      (MUTATE_SEED=N picks another sequence;
 *                              MUTATE_BTF=FILE types every other input) */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../compiler/surfc.h"

static const char *current; /* the input under test, for the report */

static void report(int sig)
{
	static const char msg[] = "\nmutate: this input failed:\n";
	if (write(2, msg, sizeof(msg) - 1) < 0 ||
	    (current && write(2, current, strlen(current)) < 0))
		_exit(3);
	_exit(sig == SIGALRM ? 2 : 1);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: small, and the same sequence on every machine. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t pick(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static const char *const tokens[] = {
	"->", ".", "(", ")", "[", "]", "%", "%0", "%di", "$", "$retval",
	"$stack", "$arg0", "@", "@(", "$(", "!(", "~", "f:", ":", "=", "\"",
	"'", "\\\n", "\n", "#", " ", "\t", "struct ", "*", "0x", "+0x10(",
	"-8(", "+u0(", "l3", "l4", "S", "X", "U", ":string", ":b4@3/32",
	":u8[70]", "&&", "||", "!", "==", "<=", "~\"a*\"", "127.0.0.1",
	"99999999999999999999", "\\\"x\"", "e ", "r ", "p ", "P /bin/sh:",
	"sched/", "\x01", "\xff", "ip_", "b16_", "common_x",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

static char *mutate(const char *text)
{
	struct strbuf sb = {0};
	sb_puts(&sb, text);
	int edits = 1 + (int)pick(4);
	for (int i = 0; i < edits; i++) {
		size_t len = sb.len, at = pick(len + 1);
		size_t n = 1 + pick(8);
		if (at + n > len)
			n = len - at;
		struct strbuf next = {0};
		sb_printf(&next, "%.*s", (int)at, sb.s ? sb.s : "");
		switch (pick(5)) {
		case 0: /* delete */
			sb_puts(&next, sb.s ? sb.s + at + n : "");
			break;
		case 1: /* insert a token */
			sb_puts(&next, tokens[pick(NTOKENS)]);
			sb_puts(&next, sb.s ? sb.s + at : "");
			break;
		case 2: /* replace a byte */
			sb_putc(&next, (char)(1 + pick(255)));
			sb_puts(&next, sb.s && at < len ? sb.s + at + 1 : "");
			break;
		case 3: /* repeat a run */
			sb_printf(&next, "%.*s", (int)n, sb.s ? sb.s + at : "");
			sb_puts(&next, sb.s ? sb.s + at : "");
			break;
		default: /* cut the rest */
			break;
		}
		sb_free(&sb);
		sb = next;
	}
	if (!sb.s)
		sb_puts(&sb, "");
	return sb.s;
}

static const char *const arches[] = {"x86_64", "aarch64", "riscv64", "ppc64",
				     "ppc64le", "s390x", "loongarch64", "arm"};

static struct typesrc *types;

static void compile(const char *text, unsigned round, FILE *null)
{
	struct source *src = source_from_string("mutated.surf", text);
	src->id = 1;
	struct diags *dg = diags_new(round & 1 ? DIAG_JSON : DIAG_TEXT, round & 2);
	struct program *prog = program_new();
	struct options opt = {
		.arch = arch_find(arches[round % 8]),
		.no_types = round & 4,
		.check_only = round & 8,
		.group = "surfc",
		.types = round & 16 ? types : NULL,
	};
	/* Kernels the model knows, one it cannot tell about, and none. */
	static const char *const releases[] = {
		NULL, "6.1.0-56-cloud-amd64", "6.12.117+deb12-cloud-amd64",
		"6.5.0-1-amd64"};
	kernel_features_of(releases[(round >> 5) % 4], &opt.kernel);
	parse_source(src, prog, dg);
	ast_dump(null, prog);
	check_program(prog, &opt, dg);
	if (!diags_errors(dg))
		show_program(null, prog, &opt);
	diags_flush(dg, null);
	diags_free(dg);
	program_free(prog);
	source_free(src);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: mutate COUNT FILE...\n", stderr);
		return 2;
	}
	unsigned long count = strtoul(argv[1], NULL, 10);
	const char *seed = getenv("MUTATE_SEED");
	rng_state = seed ? strtoull(seed, NULL, 10) | 1 : 0x5eedf00dULL;
	size_t nfiles = (size_t)argc - 2;
	struct source **files = xmalloc(nfiles * sizeof(*files));
	for (size_t i = 0; i < nfiles; i++) {
		char *err = NULL;
		files[i] = source_read(argv[i + 2], &err);
		if (!files[i]) {
			fprintf(stderr, "mutate: %s: %s\n", argv[i + 2], err);
			return 2;
		}
	}
	const char *btf = getenv("MUTATE_BTF");
	char *err = NULL;
	if (btf && !(types = typesrc_open_btf(btf, &err))) {
		fprintf(stderr, "mutate: %s: %s\n", btf, err);
		return 2;
	}
	signal(SIGALRM, report);
	signal(SIGSEGV, report);
	signal(SIGABRT, report);
	FILE *null = fopen("/dev/null", "w");
	for (unsigned long i = 0; i < count; i++) {
		char *text = mutate(files[pick(nfiles)]->text);
		current = text;
		alarm(5);
		compile(text, (unsigned)i, null);
		alarm(0);
		current = NULL;
		free(text);
	}
	fclose(null);
	typesrc_close(types);
	for (size_t i = 0; i < nfiles; i++)
		source_free(files[i]);
	free(files);
	printf("%lu mutated inputs, none crashed or hung\n", count);
	return 0;
}
