/* conversion.c: the display conversions of language.md §5, asked for by
 * an argument's name (ip_src, b16_port, B32_x...), in one table. The
 * checker fetches such an argument as hex of the row's width, the filter
 * writer turns constants into the raw value the kernel stores, and the
 * script's converter (runtime-sh/convert.awk) prints the value by the
 * row's name. */
#include <string.h>

#include "surfc.h"

static const struct conversion conversions[] = {
	{.prefix = "ip_", .name = "ip", .bits = 32, .ipv4 = true},
	{.prefix = "b16_", .name = "b16", .bits = 16, .swapped = true},
	{.prefix = "b32_", .name = "b32", .bits = 32, .swapped = true},
	{.prefix = "b64_", .name = "b64", .bits = 64, .swapped = true},
	{.prefix = "B16_", .name = "B16", .bits = 16, .swapped = true},
	{.prefix = "B32_", .name = "B32", .bits = 32, .swapped = true},
	{.prefix = "B64_", .name = "B64", .bits = 64, .swapped = true},
};

const struct conversion *conversion_of(const char *arg_name)
{
	for (size_t i = 0; i < sizeof(conversions) / sizeof(conversions[0]); i++)
		if (!strncmp(arg_name, conversions[i].prefix,
			     strlen(conversions[i].prefix)))
			return &conversions[i];
	return NULL;
}
