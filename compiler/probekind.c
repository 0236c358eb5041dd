/* probekind.c: the one table of probe kinds. A probe starts with a
 * letter (p r e P R l U, language.md §2); the letter says where the event
 * fires and which targets it takes, and the target then says whether it
 * is a kprobe or a uprobe: six kinds in all, each with what tracefs and
 * the script need of it. A latency probe (l) is a kprobe at the
 * function's entry that also times the function to its return; a USDT
 * marker (U) a uprobe whose %N are the marker's arguments. Everything
 * else asks these rows, never a letter. */
#include <string.h>

#include "surfc.h"

/* P and R are surftrace's uprobe letters, aliases of p and r that refuse
 * a kernel target. */
static const struct probe_letter letters[] = {
	{.text = "p", .what = "entry", .site = PROBE_ENTRY,
	 .space = SPACE_EITHER},
	{.text = "r", .what = "return", .site = PROBE_RETURN,
	 .space = SPACE_EITHER},
	{.text = "e", .what = "event", .site = PROBE_EVENT, .space = SPACE_NONE},
	{.text = "P", .what = "user entry", .site = PROBE_ENTRY,
	 .space = SPACE_USER},
	{.text = "R", .what = "user return", .site = PROBE_RETURN,
	 .space = SPACE_USER},
	{.text = "l", .what = "latency", .site = PROBE_ENTRY,
	 .space = SPACE_KERNEL, .latency = true},
	{.text = "g", .what = "call graph", .site = PROBE_ENTRY,
	 .space = SPACE_KERNEL, .graph = true},
	/* A USDT marker, PATH:PROVIDER:NAME (bpftrace's usdt:). */
	{.text = "U", .what = "USDT marker", .site = PROBE_ENTRY,
	 .space = SPACE_USER, .marker = true},
};
#define NLETTERS (sizeof(letters) / sizeof(letters[0]))

static const struct probe_kind kinds[] = {
	/* kprobe */
	{.site = PROBE_ENTRY, .user = false, .def_letter = 'p',
	 .events_file = "kprobe_events", .tag = 'k'},
	/* kretprobe */
	{.site = PROBE_RETURN, .user = false, .def_letter = 'r',
	 .events_file = "kprobe_events", .tag = 'k'},
	/* uprobe */
	{.site = PROBE_ENTRY, .user = true, .def_letter = 'p',
	 .events_file = "uprobe_events", .tag = 'u'},
	/* a uprobe on a USDT marker: %N is the marker's argument N */
	{.site = PROBE_ENTRY, .user = true, .def_letter = 'p',
	 .events_file = "uprobe_events", .tag = 'u', .marker = true},
	/* uretprobe */
	{.site = PROBE_RETURN, .user = true, .def_letter = 'r',
	 .events_file = "uprobe_events", .tag = 'u'},
	/* an existing event: enabled, never defined */
	{.site = PROBE_EVENT, .user = false, .def_letter = 0,
	 .events_file = NULL, .tag = 'e'},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const struct probe_letter *probe_letter_find(const char *text)
{
	for (size_t i = 0; i < NLETTERS; i++)
		if (!strcmp(letters[i].text, text))
			return &letters[i];
	return NULL;
}

const char *probe_letter_closest(const char *text)
{
	const char *names[NLETTERS];
	for (size_t i = 0; i < NLETTERS; i++)
		names[i] = letters[i].text;
	return closest_name(text, names, NLETTERS);
}

void put_probe_letters(struct strbuf *sb)
{
	for (size_t i = 0; i < NLETTERS; i++)
		sb_printf(sb, "%s%s (%s)", i ? ", " : "", letters[i].text,
			  letters[i].what);
}

const struct probe_kind *probe_kind_of(const struct probe_letter *l,
				       bool user)
{
	/* A marker is in a binary, whatever the target looks like: one
	 * without a PATH is reported as such. */
	if (l->marker)
		user = true;
	for (size_t i = 0; i < NKINDS; i++) {
		const struct probe_kind *k = &kinds[i];
		/* An existing event is the kernel's, whatever its GROUP/EVENT
		 * looks like. */
		if (k->site == l->site && k->marker == l->marker &&
		    (k->site == PROBE_EVENT || k->user == user))
			return k;
	}
	return NULL;
}

bool probe_has_return(const struct probe *p)
{
	return p->letter && (p->letter->latency || p->letter->graph);
}

bool probe_at_entry(const struct probe *p)
{
	return p->kind && p->kind->site == PROBE_ENTRY &&
	       !(p->target.has_offset && p->target.offset);
}
