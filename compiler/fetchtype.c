/* fetchtype.c: the one table of the kernel's fetch types (":u32",
 * ":string"...) and of the other fetcharg features a kernel may lack
 * ($argN, +u dereferences, immediates), each with how the tracefs README
 * names it, so that the script can check the target has it, and the
 * model of which kernel releases have each feature, so that the compiler
 * can say what a kernel lacks. Everything else asks this file: whether a
 * type is text, what a filter compares it as, where the kernel allows it,
 * what a release takes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

static const struct fetch_type fetch_types[] = {
	{.name = "u8", .value = VAL_NUM, .bits = 8},
	{.name = "u16", .value = VAL_NUM, .bits = 16},
	{.name = "u32", .value = VAL_NUM, .bits = 32},
	{.name = "u64", .value = VAL_NUM, .bits = 64},
	{.name = "s8", .value = VAL_NUM, .bits = 8},
	{.name = "s16", .value = VAL_NUM, .bits = 16},
	{.name = "s32", .value = VAL_NUM, .bits = 32},
	{.name = "s64", .value = VAL_NUM, .bits = 64},
	{.name = "x8", .value = VAL_NUM, .bits = 8, .feature = FEAT_HEX},
	{.name = "x16", .value = VAL_NUM, .bits = 16, .feature = FEAT_HEX},
	{.name = "x32", .value = VAL_NUM, .bits = 32, .feature = FEAT_HEX},
	{.name = "x64", .value = VAL_NUM, .bits = 64, .feature = FEAT_HEX},
	{.name = "char", .value = VAL_NUM, .bits = 8, .feature = FEAT_CHAR},
	{.name = "string", .value = VAL_STR, .is_text = true,
	 .text_ok = true},
	{.name = "ustring", .value = VAL_STR, .is_text = true,
	 .feature = FEAT_USTRING},
	{.name = "symbol", .value = VAL_NUM, .kernel_only = true,
	 .feature = FEAT_SYMBOL},
	{.name = "symstr", .value = VAL_STR, .kernel_only = true,
	 .feature = FEAT_SYMSTR},
	{.name = "b", .value = VAL_NUM, .is_bitfield = true,
	 .feature = FEAT_BITFIELD},
};
#define NTYPES (sizeof(fetch_types) / sizeof(fetch_types[0]))

/* The model of which kernels take what: since, the oldest release known
 * to have the feature (NULL: every kernel surfc can meet); lacking, the
 * newest release known to lack it. Between the two the model cannot
 * tell. Releases are major.minor, measured on Debian's own kernels where
 * noted (their READMEs differ from mainline's by backports: Debian's 6.1
 * lists symstr, which mainline added in 6.2). */
static const struct fetch_feature {
	enum feature bit;
	const char *readme; /* as the tracefs README writes it */
	const char *since, *lacking;
} features[] = {
	{FEAT_HEX, "x8/16/32/64", NULL, NULL},
	/* Debian 6.1.0-56 lacks it, 6.12.117 has it. */
	{FEAT_CHAR, "char", "6.12", "6.1"},
	{FEAT_USTRING, "ustring", "5.5", NULL},
	{FEAT_SYMBOL, "symbol", "4.20", NULL},
	/* Debian 6.1.0-56 has it. */
	{FEAT_SYMSTR, "symstr", "6.1", NULL},
	{FEAT_BITFIELD, "b<bit-width>", NULL, NULL},
	{FEAT_ARRAY, "<array-size>", "4.20", NULL},
	{FEAT_ARGN, "$arg<N>", "4.20", NULL},
	{FEAT_USER_DEREF, "[u]<offset>", "5.5", NULL},
	{FEAT_IMM_VALUE, "imm-value", NULL, NULL},
	{FEAT_IMM_STRING, "imm-string", NULL, NULL},
	/* The README's own line; Debian 6.1.0-56 lacks it, 6.12.117 has it. */
	{FEAT_RETURN_ARGN, "kernel return probes support: $retval, $arg<N>",
	 "6.12", "6.1"},
	/* Not fetchargs, but what aggregating probes need of a kernel:
	 * hist triggers came in 4.7, synthetic events and onmatch() in
	 * 4.17, linear buckets in 5.15, dynamic strings in synthetic events
	 * in 5.10 (the README's example turned to 'char name[]' then). */
	{FEAT_HIST, "hist trigger", "4.7", "4.6"},
	{FEAT_HIST_BUCKETS, ".buckets=size", "5.15", "5.14"},
	{FEAT_SYNTH, "synthetic_events", "4.17", "4.16"},
	{FEAT_SYNTH_STRING, "char name[]", "5.10", "5.9"},
	/* Not a fetcharg: a uprobe's reference counter, which arms a USDT
	 * marker's semaphore; the README's place line names it. */
	{FEAT_REF_CTR, "(ref_ctr_offset)", "4.20", NULL},
	/* Where a graph probe's tracer runs: the instance's own
	 * available_tracers tell at run time (no README line); the model
	 * only says which way -l and -n expect. Debian's 6.12 has it, 6.1
	 * not; mainline 6.11 gave instances function_graph. */
	{FEAT_INSTANCE_GRAPH, "function_graph in instances", "6.11", "6.10"},
	/* Not fetchargs: kinds of probe, by their README format lines.
	 * fprobe and tracepoint probes (CONFIG_FPROBE_EVENTS): Debian's
	 * 6.12.117 has them, its 6.1.0-56 not (mainline added them in 6.4,
	 * not measured here). Event probes came in 5.15; Debian's 6.1 has
	 * them. A kretprobe's maxactive (r5:) came in 4.12. */
	{FEAT_FPROBE, "f[:[<group>/][<event>]] <func-name>[%return]", "6.12",
	 "6.1"},
	{FEAT_TPROBE, "t[:[<group>/][<event>]] <tracepoint>", "6.12", "6.1"},
	{FEAT_EPROBE, "<attached-group>.<attached-event>", "5.15", "5.14"},
	{FEAT_MAXACTIVE, "r[maxactive]", "4.12", NULL},
};
#define NFEATURES (sizeof(features) / sizeof(features[0]))


const struct fetch_type *fetch_type_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (strlen(fetch_types[i].name) == len &&
		    !strncmp(fetch_types[i].name, name, len))
			return &fetch_types[i];
	return NULL;
}

const struct fetch_type *fetch_type_int(char letter, unsigned bits)
{
	char name[8];
	snprintf(name, sizeof(name), "%c%u", letter, bits);
	return fetch_type_find(name, strlen(name));
}

char fetch_letter(char fmt, bool is_signed)
{
	switch (fmt) {
	case 'S':
		return 's';
	case 'U':
		return 'u';
	case 'X':
		return 'x';
	default:
		return is_signed ? 's' : 'u';
	}
}

const struct fetch_type *fetch_type_bitfield(void)
{
	return fetch_type_find("b", 1);
}

const char *fetch_type_closest(const char *name)
{
	const char *names[NTYPES];
	size_t n = 0;
	for (size_t i = 0; i < NTYPES; i++)
		if (!fetch_types[i].is_bitfield)
			names[n++] = fetch_types[i].name;
	return closest_name(name, names, n);
}

bool fetch_final_is_text(const struct fetch_final *f)
{
	return f->type && f->type->is_text;
}

enum value_kind fetch_final_value(const struct fetch_final *f)
{
	if (f->count)
		return VAL_UNKNOWN; /* an array: no one value to compare */
	return f->type ? f->type->value : VAL_NUM;
}

unsigned fetch_final_features(const struct fetch_final *f)
{
	return (f->count ? FEAT_ARRAY : 0) | (f->type ? f->type->feature : 0);
}

void put_features(struct strbuf *sb, unsigned set)
{
	for (size_t i = 0; i < NFEATURES; i++)
		if (set & features[i].bit)
			sb_printf(sb, "%s%s", sb->len ? ";" : "",
				  features[i].readme);
}

/* A release as major * 1000 + minor ("6.12.117+deb12-cloud-amd64":
 * 6012), or 0 when it does not start so. */
static unsigned release_key(const char *release)
{
	unsigned major, minor;
	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2 ||
	    minor >= 1000)
		return 0;
	return major * 1000 + minor;
}

void kernel_features_of(const char *release, struct kernel_features *k)
{
	unsigned key = release_key(release);
	*k = (struct kernel_features){.release = release, .has = FEAT_ALL};
	if (!release)
		return; /* no identity: no model; the script checks on the target */
	for (size_t i = 0; i < NFEATURES; i++) {
		const struct fetch_feature *f = &features[i];
		if (!f->since || (key && key >= release_key(f->since)))
			continue;
		k->has &= ~(unsigned)f->bit;
		if (!key || !f->lacking || key > release_key(f->lacking))
			k->unknown |= f->bit;
	}
}

const char *feature_name(unsigned bit)
{
	for (size_t i = 0; i < NFEATURES; i++)
		if (features[i].bit == bit)
			return features[i].readme;
	return "?";
}

const char *feature_since(unsigned bit)
{
	for (size_t i = 0; i < NFEATURES; i++)
		if (features[i].bit == bit)
			return features[i].since;
	return NULL;
}
