/* tests/utypes/prog.c: a program tests/sh/live_utypes.sh probes by its
 * types (and tests/e2e probes in the arm64 guest): structs through
 * pointers, nested pointers, char arrays, strings, int arrays, bitfields
 * and a struct pointer returned. It prints each call's values in the form
 * the probes' events print them, so that the test compares the two.
 *
 *   prog [GOFILE]   waits for GOFILE to exist (the probes armed), then
 *                   makes its calls
 *
 * -DVARIANT=1 builds another build of the same program (another
 * build-id). noipa keeps every call a call, with its parameters as the
 * calling convention passes them, at every -O. */
#include <stdio.h>
#include <unistd.h>

#ifndef VARIANT
#define VARIANT 0
#endif

#define PROBED __attribute__((noipa))

struct inner {
	int depth;
	const char *label;
};

struct flags {
	unsigned ready : 1;
	unsigned mode : 3;
	unsigned level : 5;
	unsigned spare : 7;
};

struct item {
	long id;
	char name[12];
	const char *note;
	int scores[4];
	struct flags fl;
	struct inner *in;
	struct item *next;
};

/* Stops an -O2 build from knowing the items' contents at the calls. */
volatile int variant = VARIANT;

PROBED long handle(struct item *it, int k, const char *tag)
{
	return it->id * 3 + k + variant;
}

PROBED struct item *pick(struct item *a, struct item *b, int which)
{
	return which ? b : a;
}

static void show(const struct item *it, int k, const char *tag)
{
	printf("handle id=%ld name=\"%s\" note=\"%s\" scores={%d,%d,%d,%d} "
	       "ready=%u mode=%u level=%u depth=%d label=\"%s\" next=%ld "
	       "next_name=\"%s\" k=%d tag=\"%s\"\n", it->id, it->name, it->note,
	       it->scores[0], it->scores[1], it->scores[2], it->scores[3],
	       it->fl.ready, it->fl.mode, it->fl.level, it->in->depth,
	       it->in->label, it->next->id, it->next->name, k, tag);
}

int main(int argc, char **argv)
{
	static struct inner in_a = {2, "inner-a"}, in_b = {5, "inner-b"};
	static struct item b = {8, "beta", "second note", {5, 6, 7, 8},
				{0, 2, 17, 0}, &in_b, NULL};
	static struct item a = {7, "alpha", "first note", {1, -2, 3, 4},
				{1, 5, 9, 0}, &in_a, &b};
	b.next = &a;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (argc > 1 && access(argv[1], F_OK) != 0)
		usleep(20000);
	struct item *items[2] = {&a, &b};
	for (int i = 0; i < 2; i++) {
		struct item *it = items[i];
		const char *tag = i ? "t2" : "t1";
		show(it, 10 + i, tag);
		printf("handle__return ret=%ld\n", handle(it, 10 + i, tag));
		printf("pick which=%d first=\"%s\"\n", i, it->name);
		struct item *p = pick(it, it->next, i);
		printf("pick__return picked=%ld picked_name=\"%s\"\n", p->id,
		       p->name);
	}
	return 0;
}
