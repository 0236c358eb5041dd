/* markers.c: USDT markers for tests/sh/usdt.sh and tests/sh/live_usdt.sh.
 * Built with -DSEM, every marker has a semaphore (in .probes, as dtrace -G
 * would put it); -DVARIANT=N makes another build of the same program.
 *
 *   markers [N [PAUSE]]  calls work() N times (default 3), having slept
 *                        PAUSE seconds (default 0) so that a test can arm
 *                        its probes first. */
#include <stdlib.h>
#include <unistd.h>

#ifdef SEM
#define _SDT_HAS_SEMAPHORES 1
#define SEMAPHORE(p, n) \
	unsigned short p##_##n##_semaphore __attribute__((section(".probes")))
SEMAPHORE(test, hit);
SEMAPHORE(test, twice);
SEMAPHORE(test, global);
SEMAPHORE(test, none);
SEMAPHORE(test, indexed);
/* As dtrace -h's TEST_HIT_ENABLED(): the marker is passed only while a
 * tracer has raised its semaphore, so an event proves it was. */
#define ENABLED(n) test_##n##_semaphore
#else
#define ENABLED(n) 1
#endif
#include <sys/sdt.h>

#ifndef VARIANT
#define VARIANT 0
#endif

long counter = 40 + VARIANT;
static const char *const words[] = {"zero", "one", "two", "three"};

/* Inlined at both calls: two notes, two sites of test:twice. */
static inline __attribute__((always_inline)) void twice(int k)
{
	if (ENABLED(twice))
		DTRACE_PROBE1(test, twice, k);
}

/* test:hit's arguments are registers: an int, a string, a long. */
__attribute__((noinline)) int work(int i, const char *word)
{
	long neg = -i - 1;
	if (ENABLED(hit))
		DTRACE_PROBE3(test, hit, i, word, neg);
	twice(i);
	twice(i + 100);
	if (ENABLED(global))
		DTRACE_PROBE1(test, global, counter); /* counter(%rip) */
	if (ENABLED(none))
		DTRACE_PROBE(test, none);
	/* An index register, which ftrace cannot fetch. */
	if (ENABLED(indexed))
		DTRACE_PROBE1(test, indexed, words[(i + 1) & 3]);
	return i;
}

/* test:forms: a note written by hand, as <sys/sdt.h> lays it out, for
 * the argument specs a compiler seldom picks: a constant, a negative
 * displacement, a high byte, a segment, no size, 16 and 8 bits, a
 * symbol plus an offset. No semaphore. forms_site() is its site. */
__asm__(".text\n"
	".globl forms_site\n"
	".type forms_site, @function\n"
	"forms_site:\n"
	"990: nop\n"
	"ret\n"
	".pushsection .note.stapsdt,\"?\",\"note\"\n"
	".balign 4\n"
	".4byte 992f-991f, 994f-993f, 3\n"
	"991: .asciz \"stapsdt\"\n"
	"992: .balign 4\n"
	"993: .8byte 990b\n"
	".8byte _.stapsdt.base\n"
	".8byte 0\n"
	".asciz \"test\"\n"
	".asciz \"forms\"\n"
	".asciz \"8@$5 -8@-16(%rbp) -4@%ah 8@%fs:8 %rax 2@%r9w 1@%sil "
	"-8@counter+8(%rip)\"\n"
	"994: .balign 4\n"
	".popsection\n"
	".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n"
	".weak _.stapsdt.base\n"
	".hidden _.stapsdt.base\n"
	"_.stapsdt.base: .space 1\n"
	".size _.stapsdt.base, 1\n"
	".popsection\n");
void forms_site(void);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	if (argc > 2)
		sleep((unsigned)atoi(argv[2]));
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += work(i, words[i & 3]);
	forms_site();
	return sum == -1;
}
