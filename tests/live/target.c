/* The program the live tests probe: process() sees a struct whose values
 * the test knows. Built with -g -O0 so that the values are in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct item {
	int x;
	char name[16];
	long big;
};

__attribute__((noinline)) int process(struct item *it)
{
	return it->x + (int)it->big;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	int pause_ms = argc > 2 ? atoi(argv[2]) : 20;
	struct item it = {0};
	for (int i = 0; i < n; i++) {
		it.x = 1000 + i;
		snprintf(it.name, sizeof(it.name), "item%d", i);
		it.big = 1L << 40;
		process(&it);
		usleep((useconds_t)pause_ms * 1000);
	}
	return 0;
}
