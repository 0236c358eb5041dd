/* packet.c: the packet header views of language.md §3 (@(struct iphdr *)l3
 * skb, skb~$(struct tcphdr)l4), in one table: the headers a view reads,
 * the layer each belongs to, how far apart layers are when skb->data
 * points at an earlier one, and the payload arrays after a header. */
#include <string.h>

#include "surfc.h"

static const struct header_view headers[] = {
	{"ethhdr", 2}, {"iphdr", 3}, {"ipv6hdr", 3},
	{"icmphdr", 4}, {"tcphdr", 4}, {"udphdr", 4},
};
#define NHEADERS (sizeof(headers) / sizeof(headers[0]))

/* The bytes of layer N's header when skb->data points before it: an
 * Ethernet header, then IPv4 without options. */
static const unsigned layer_bytes[] = {[2] = 14, [3] = 20};

static const struct payload_view payloads[] = {
	{"cdata", 1, false}, {"sdata", 2, false}, {"ldata", 4, false},
	{"qdata", 8, false}, {"Sdata", 1, true},
};

const struct header_view *header_view_find(const char *name)
{
	for (size_t i = 0; i < NHEADERS; i++)
		if (!strcmp(headers[i].name, name))
			return &headers[i];
	return NULL;
}

const char *header_view_closest(const char *name)
{
	const char *names[NHEADERS];
	for (size_t i = 0; i < NHEADERS; i++)
		names[i] = headers[i].name;
	return closest_name(name, names, NHEADERS);
}

void put_header_views(struct strbuf *sb)
{
	for (size_t i = 0; i < NHEADERS; i++)
		sb_printf(sb, "%s%s", i ? ", " : "struct ", headers[i].name);
}

long long header_distance(const struct header_view *h, int mark)
{
	long long d = 0;
	for (int l = mark; l < h->layer; l++)
		d += l < (int)(sizeof(layer_bytes) / sizeof(layer_bytes[0]))
			? layer_bytes[l] : 0;
	return d;
}

const struct payload_view *payload_view_find(const char *name)
{
	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
		if (!strcmp(payloads[i].name, name))
			return &payloads[i];
	return NULL;
}
