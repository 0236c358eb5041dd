/* hist.c: the h: clause. Its text is the kernel's own hist-trigger
 * attributes (Documentation/trace/histogram.rst: keys=, vals=, sort=,
 * size=, and modifiers such as .log2), read here and checked against the
 * probe's own fields, so that what the kernel would answer only with
 * "Invalid argument" is said at compile time, with a caret. A latency
 * probe (l) aggregates a synthetic event whose fields are lat and the
 * arguments its keys and values name. The limits are the kernel's
 * (kernel/trace/tracing_map.h, trace_events_hist.c), measured on Debian's
 * 6.1 and 6.12. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Where a modifier may stand. */
enum { HW_KEY = 1, HW_VAL = 2, HW_SORT = 4 };

static const struct hist_modifier {
	const char *name;
	enum hist_mod mod;
	unsigned where;
} modifiers[] = {
	{"log2", HM_LOG2, HW_KEY},
	{"buckets", HM_BUCKETS, HW_KEY},
	{"execname", HM_EXECNAME, HW_KEY},
	{"sym", HM_SYM, HW_KEY},
	{"sym-offset", HM_SYM_OFFSET, HW_KEY},
	{"hex", HM_HEX, HW_KEY | HW_VAL},
	{"descending", HM_DESCENDING, HW_SORT},
	{"ascending", HM_ASCENDING, HW_SORT},
};
#define NMODIFIERS (sizeof(modifiers) / sizeof(modifiers[0]))

/* The table's entries: the kernel rounds size up to a power of two
 * between 2^7 and 2^17 (TRACING_MAP_BITS_MIN and _MAX). */
enum { HIST_MIN_SIZE = 65, HIST_MAX_SIZE = 131072 };

/* What a latency probe aggregates when it has no h: clause. */
static const char default_latency_hist[] = "keys=lat.log2";

const char *hist_mod_name(enum hist_mod mod)
{
	for (size_t i = 0; i < NMODIFIERS; i++)
		if (modifiers[i].mod == mod)
			return modifiers[i].name;
	return "";
}

/* ---- reading ---- */

struct reader {
	struct checker *c;
	struct probe *p;
	const char *text;
	bool placed; /* text is in the source at p->hist_loc */
	bool failed;
};

/* The place of text[from..to): in the source, or the probe's kind for a
 * clause surfc wrote itself. */
static struct loc at(const struct reader *r, size_t from, size_t to)
{
	if (!r->placed)
		return r->p->kind_loc;
	unsigned start = r->p->hist_loc.start;
	return (struct loc){start + (unsigned)from, start + (unsigned)to};
}

static const struct hist_modifier *modifier_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NMODIFIERS; i++)
		if (strlen(modifiers[i].name) == len &&
		    !strncmp(modifiers[i].name, name, len))
			return &modifiers[i];
	return NULL;
}

static void bad_modifier(struct reader *r, const char *name, size_t len,
			 struct loc loc, unsigned where)
{
	const char *names[NMODIFIERS];
	size_t n = 0;
	for (size_t i = 0; i < NMODIFIERS; i++)
		if (modifiers[i].where & where)
			names[n++] = modifiers[i].name;
	char *word = arena_strndup(r->c->arena, name, len);
	const char *list = where == HW_SORT ? ".descending and .ascending"
			   : where == HW_VAL ? ".hex"
					     : ".log2, .buckets=N, .execname, "
					       ".sym, .sym-offset and .hex";
	SUGGEST(r->c, loc, closest_name(word, names, n), arena_printf(
		r->c->arena, "%s %s takes %s", where == HW_SORT ? "a sort" : "a",
		where == HW_KEY ? "key" : where == HW_VAL ? "value" : "field",
		list), "unknown modifier '.%s'", word);
	r->failed = true;
}

/* One FIELD[.MODIFIER[=N]] of a list, text[from..to). */
static void read_item(struct reader *r, size_t from, size_t to,
		      unsigned where, struct hist_item *item)
{
	const char *s = r->text + from;
	size_t len = to - from;
	const char *dot = memchr(s, '.', len);
	size_t name_len = dot ? (size_t)(dot - s) : len;
	*item = (struct hist_item){
		.name = arena_strndup(r->c->arena, s, name_len),
		.arg = -1,
		.loc = at(r, from, from + name_len),
	};
	if (!name_len || !is_identifier(item->name)) {
		ERR(r->c, at(r, from, to), "'%.*s' is no field name", (int)len, s);
		r->failed = true;
		return;
	}
	if (!dot)
		return;
	const char *mod = dot + 1;
	size_t mod_len = len - name_len - 1;
	const char *eq = memchr(mod, '=', mod_len);
	size_t word_len = eq ? (size_t)(eq - mod) : mod_len;
	size_t mod_from = from + name_len + 1;
	item->mod_loc = at(r, mod_from - 1, to);
	const struct hist_modifier *m = modifier_find(mod, word_len);
	if (!m || !(m->where & where)) {
		bad_modifier(r, mod, word_len, at(r, mod_from, mod_from + word_len),
			     where);
		return;
	}
	item->mod = m->mod;
	if (m->mod != HM_BUCKETS) {
		if (eq) {
			ERR(r->c, at(r, mod_from + word_len, to), "'.%s' takes no "
			    "value", m->name);
			r->failed = true;
		}
		return;
	}
	char *num = eq ? arena_strndup(r->c->arena, eq + 1,
				       mod_len - word_len - 1) : NULL;
	if (!num || !parse_number(num, &item->buckets) || !item->buckets) {
		ERR(r->c, item->mod_loc, "'.buckets=N' groups values N at a "
		    "time: N is a positive number");
		r->failed = true;
	}
}

/* A comma-separated list of items, text[from..to). */
static size_t read_list(struct reader *r, size_t from, size_t to,
			unsigned where, struct hist_item *items, size_t max,
			const char *what)
{
	size_t n = 0;
	for (size_t i = from; i <= to;) {
		const char *comma = memchr(r->text + i, ',', to - i);
		size_t end = comma ? (size_t)(comma - r->text) : to;
		if (end == i) {
			ERR(r->c, at(r, i, i), "empty field in '%.*s'",
			    (int)(to - from), r->text + from);
			r->failed = true;
		} else if (n == max) {
			ERR(r->c, at(r, i, to), "more than %zu %s; the kernel's "
			    "limit is %zu", max, what, max);
			r->failed = true;
			return n;
		} else {
			bool failed = r->failed;
			r->failed = false;
			read_item(r, i, end, where, &items[n]);
			items[n++].bad = r->failed;
			r->failed |= failed;
		}
		i = end + 1;
	}
	return n;
}

static const char *const attributes[] = {"keys", "vals", "sort", "size"};

/* One NAME=VALUE of the clause, text[from..to). */
static void read_attribute(struct reader *r, struct hist *h, bool seen[4],
			   size_t from, size_t to)
{
	const char *s = r->text + from;
	const char *eq = memchr(s, '=', to - from);
	size_t name_len = eq ? (size_t)(eq - s) : to - from;
	char *name = arena_strndup(r->c->arena, s, name_len);
	int which = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, attributes[i]))
			which = i;
	/* The kernel's other spellings. */
	if (!strcmp(name, "key"))
		which = 0;
	else if (!strcmp(name, "values") || !strcmp(name, "val"))
		which = 1;
	if (which < 0 || !eq) {
		SUGGEST(r->c, at(r, from, from + name_len),
			which < 0 ? closest_name(name, attributes, 4) : NULL,
			"h: takes keys=, vals=, sort= and size=, separated by ':'",
			which < 0 ? "unknown histogram attribute '%s'"
				  : "'%s' needs '=' and a value", name);
		r->failed = true;
		return;
	}
	if (seen[which]) {
		ERR(r->c, at(r, from, to), "%s= is given twice", attributes[which]);
		r->failed = true;
		return;
	}
	seen[which] = true;
	size_t vfrom = from + name_len + 1;
	switch (which) {
	case 0:
		h->nkeys = read_list(r, vfrom, to, HW_KEY, h->keys,
				     HIST_MAX_KEYS, "keys");
		break;
	case 1:
		h->nvals = read_list(r, vfrom, to, HW_VAL, h->vals,
				     HIST_MAX_VALS, "values (hitcount aside)");
		break;
	case 2:
		h->nsort = read_list(r, vfrom, to, HW_SORT, h->sort,
				     HIST_MAX_SORT, "sort fields");
		break;
	default: {
		char *num = arena_strndup(r->c->arena, r->text + vfrom, to - vfrom);
		if (!parse_number(num, &h->size) || h->size < HIST_MIN_SIZE ||
		    h->size > HIST_MAX_SIZE) {
			ERR(r->c, at(r, vfrom, to), "size=%s: the kernel's tables "
			    "hold 128 to 131072 entries (size=%d to %d, rounded up "
			    "to a power of two)", num, HIST_MIN_SIZE, HIST_MAX_SIZE);
			r->failed = true;
		}
		break;
	}
	}
}

static bool names_field(const struct hist *h, const char *name)
{
	for (size_t i = 0; i < h->nkeys; i++)
		if (!strcmp(h->keys[i].name, name))
			return true;
	for (size_t i = 0; i < h->nvals; i++)
		if (!strcmp(h->vals[i].name, name))
			return true;
	return false;
}

static int arg_named(const struct probe *p, const char *name)
{
	for (size_t i = 0; i < p->nargs; i++)
		if (!strcmp(p->args[i].name, name))
			return (int)i;
	return -1;
}

/* comm is no field of a kprobe or uprobe event, and 6.1 has no
 * common_comm: a probe whose clause names comm fetches it, as an
 * argument of that name. */
static void add_comm(struct checker *c, struct probe *p)
{
	struct arg *args = arena_alloc(c->arena, (p->nargs + 1) * sizeof(*args));
	if (p->nargs)
		memcpy(args, p->args, p->nargs * sizeof(*args));
	struct arg *a = &args[p->nargs];
	*a = (struct arg){.name = "comm", .text = "$comm",
			  .name_loc = p->kind_loc, .loc = p->kind_loc};
	a->expr = expr_new(c->arena, EX_COMM, p->kind_loc);
	p->args = args;
	p->nargs++;
}

void hist_read(struct checker *c, struct probe *p)
{
	const char *text = p->hist_text;
	bool placed = text != NULL;
	if (!text && p->letter->latency)
		text = default_latency_hist;
	if (!text)
		return;
	if (p->letter->graph) {
		ERR(c, p->hist_loc, "a 'g' probe records call graphs; it takes "
		    "no 'h:'");
		return;
	}
	struct hist *h = arena_alloc(c->arena, sizeof(*h));
	struct reader r = {.c = c, .p = p, .text = text, .placed = placed};
	bool seen[4] = {false};
	size_t len = strlen(text);
	for (size_t i = 0; i <= len;) {
		const char *colon = memchr(text + i, ':', len - i);
		size_t end = colon ? (size_t)(colon - text) : len;
		if (end > i)
			read_attribute(&r, h, seen, i, end);
		i = end + 1;
	}
	if (!seen[0] && !r.failed) {
		ERR(c, at(&r, 0, len), "h: needs keys=: the fields that name a "
		    "row of the table");
		r.failed = true;
	}
	h->ok = !r.failed;
	p->hist = h;
	if (names_field(h, "comm") && arg_named(p, "comm") < 0 &&
	    p->kind->site != PROBE_EVENT)
		add_comm(c, p);
}

/* ---- checking ---- */

/* What a field of the clause is. */
enum field_kind {
	HF_UNKNOWN, /* none of these: an existing event's own, if any */
	HF_ARG,     /* the probe's argument */
	HF_EVENT,   /* an existing event's field, as its types tell */
	HF_PID,     /* common_pid */
	HF_CPU,     /* common_cpu */
	HF_STACK,   /* stacktrace, common_stacktrace */
	HF_HITCOUNT,
	HF_LAT,     /* a latency probe's microseconds */
};

static const struct {
	const char *name;
	enum field_kind kind;
} special_fields[] = {
	{"common_pid", HF_PID},
	{"common_cpu", HF_CPU},
	{"stacktrace", HF_STACK},
	{"common_stacktrace", HF_STACK},
	{"hitcount", HF_HITCOUNT},
	{"lat", HF_LAT},
};
#define NSPECIAL (sizeof(special_fields) / sizeof(special_fields[0]))

/* What a value of the field is, as far as the plans tell. */
enum field_value { FV_NUMBER, FV_STRING, FV_OTHER, FV_UNTOLD };

static const struct event_field *event_field_named(const struct probe *p,
						   const char *name)
{
	for (size_t i = 0; i < p->nfields; i++)
		if (!strcmp(p->fields[i].name, name))
			return &p->fields[i];
	return NULL;
}

static enum field_kind field_kind_of(const struct probe *p,
				     struct hist_item *item)
{
	item->arg = arg_named(p, item->name);
	if (item->arg >= 0)
		return HF_ARG;
	if (event_field_named(p, item->name))
		return HF_EVENT;
	for (size_t i = 0; i < NSPECIAL; i++)
		if (!strcmp(special_fields[i].name, item->name))
			return special_fields[i].kind == HF_LAT &&
					       !p->letter->latency
				       ? HF_UNKNOWN
				       : special_fields[i].kind;
	return HF_UNKNOWN;
}

/* An existing event's fields are known where the types had the event;
 * else the target checks them. */
static bool is_unknown(const struct probe *p, enum field_kind kind)
{
	return kind == HF_UNKNOWN &&
	       (p->kind->site != PROBE_EVENT || p->has_fields);
}

static enum field_value arg_value(const struct argplan *plan)
{
	if (plan->unresolved || plan->base.kind == FB_NONE)
		return FV_UNTOLD;
	if (plan->type.count)
		return FV_OTHER;
	if (plan->value == VAL_STR) /* $comm is text with no type written */
		return FV_STRING;
	if (plan->type.type && plan->type.type->kernel_only)
		return FV_OTHER; /* symbol: printed, not a number */
	return FV_NUMBER;
}

static void unknown_hist_field(struct checker *c, const struct probe *p,
			       const struct hist_item *item, unsigned where)
{
	size_t n;
	const char **names = probe_field_names(p, NSPECIAL, &n);
	for (size_t i = 0; i < NSPECIAL; i++) {
		enum field_kind k = special_fields[i].kind;
		if ((k == HF_LAT && !p->letter->latency) ||
		    (k == HF_HITCOUNT && where == HW_KEY) ||
		    (k == HF_STACK && where != HW_KEY))
			continue;
		names[n++] = special_fields[i].name;
	}
	SUGGEST(c, item->loc, closest_name(item->name, names, n),
		p->letter->latency
			? "the fields are lat, this probe's arguments, comm, "
			  "common_pid, common_cpu and stacktrace"
		: p->has_fields
			? "the fields are the event's own (surfc --describe "
			  "GROUP/EVENT), common_pid, common_cpu and stacktrace"
			: "the fields are this probe's arguments, comm, "
			  "common_pid, common_cpu and stacktrace",
		"unknown field '%s' in h:", item->name);
	free(names);
}

/* Can the field carry the item's modifier? */
static void check_modifier(struct checker *c, const struct probe *p,
			   const struct hist_item *item, enum field_kind kind,
			   enum field_value value)
{
	const char *mod = hist_mod_name(item->mod);
	switch (item->mod) {
	case HM_LOG2:
	case HM_BUCKETS:
	case HM_HEX:
		if (kind == HF_STACK || value == FV_STRING || value == FV_OTHER)
			ERR(c, item->mod_loc, "'.%s' is for numbers; '%s' is %s",
			    mod, item->name, kind == HF_STACK ? "a stack trace"
			    : value == FV_STRING ? "a string" : "no number");
		break;
	case HM_EXECNAME:
		if (kind != HF_PID)
			ERR(c, item->mod_loc, "'.execname' names the process of "
			    "a pid: it is for common_pid only");
		break;
	case HM_SYM:
	case HM_SYM_OFFSET: {
		const struct argplan *plan = item->arg >= 0 ? &p->plans[item->arg]
							    : NULL;
		unsigned bits = plan && plan->type.type ? plan->type.type->bits
							: c->opt->arch->long_bits;
		if (kind == HF_ARG && value == FV_NUMBER &&
		    bits != c->opt->arch->long_bits)
			ERR(c, item->mod_loc, "'.%s' names a kernel address; '%s' "
			    "holds %u bits, an address %u", mod, item->name,
			    bits, c->opt->arch->long_bits);
		else if (kind != HF_ARG && kind != HF_EVENT && kind != HF_UNKNOWN)
			ERR(c, item->mod_loc, "'.%s' names a kernel address; '%s' "
			    "is none", mod, item->name);
		else if (value == FV_STRING || value == FV_OTHER)
			ERR(c, item->mod_loc, "'.%s' names a kernel address; '%s' "
			    "is %s", mod, item->name,
			    value == FV_STRING ? "a string" : "no number");
		break;
	}
	default:
		break;
	}
}

/* What a field's value is, as far as the probe's plans or the event's
 * types tell. */
static enum field_value value_of(const struct probe *p,
				 const struct hist_item *item,
				 enum field_kind kind)
{
	switch (kind) {
	case HF_ARG:
		return arg_value(&p->plans[item->arg]);
	case HF_EVENT: {
		enum value_kind v = event_field_named(p, item->name)->value;
		return v == VAL_STR ? FV_STRING : v == VAL_NUM ? FV_NUMBER
							       : FV_UNTOLD;
	}
	case HF_UNKNOWN:
		return FV_UNTOLD;
	case HF_STACK:
		return FV_OTHER;
	default:
		return FV_NUMBER;
	}
}

static void check_key(struct checker *c, const struct probe *p,
		      struct hist_item *item)
{
	enum field_kind kind = field_kind_of(p, item);
	if (is_unknown(p, kind)) {
		unknown_hist_field(c, p, item, HW_KEY);
		return;
	}
	if (kind == HF_HITCOUNT) {
		ERR(c, item->loc, "hitcount is a value, always there; it is "
		    "no key");
		return;
	}
	enum field_value value = value_of(p, item, kind);
	if (kind == HF_ARG && value == FV_OTHER)
		ERR(c, item->loc, "'%s' is %s: a key is a number or a string",
		    item->name, p->plans[item->arg].type.count ? "an array"
							       : "a symbol");
	else
		check_modifier(c, p, item, kind, value);
}

static void check_value(struct checker *c, const struct probe *p,
			struct hist_item *item)
{
	enum field_kind kind = field_kind_of(p, item);
	if (is_unknown(p, kind)) {
		unknown_hist_field(c, p, item, HW_VAL);
		return;
	}
	enum field_value value = value_of(p, item, kind);
	if (kind == HF_HITCOUNT)
		return; /* always there: the kernel skips it in vals= */
	if (value == FV_STRING || value == FV_OTHER)
		ERR(c, item->loc, "a value is summed: '%s' is %s", item->name,
		    kind == HF_STACK ? "a stack trace"
		    : value == FV_STRING ? "a string" : "no number");
	else
		check_modifier(c, p, item, kind, value);
}

static void check_sort(struct checker *c, const struct probe *p,
		       struct hist_item *item, const struct hist *h)
{
	if (!strcmp(item->name, "hitcount") || names_field(h, item->name))
		return;
	const char **names = xmalloc((h->nkeys + h->nvals + 1) * sizeof(*names));
	size_t n = 0;
	for (size_t i = 0; i < h->nkeys; i++)
		names[n++] = h->keys[i].name;
	for (size_t i = 0; i < h->nvals; i++)
		names[n++] = h->vals[i].name;
	names[n++] = "hitcount";
	SUGGEST(c, item->loc, closest_name(item->name, names, n),
		"sort= names a key, a value or hitcount",
		"'%s' is no key or value of this h:", item->name);
	free(names);
	(void)p;
}

/* A latency probe hands what its clause names to a synthetic event; a
 * string needs a kernel that takes strings there. (What is neither a
 * number nor a string is no key or value, and was reported as such.) */
static unsigned carried_features(const struct probe *p,
				 const struct hist_item *item)
{
	if (item->arg < 0 || arg_value(&p->plans[item->arg]) != FV_STRING)
		return 0;
	return FEAT_SYNTH_STRING;
}

void hist_check(struct checker *c, struct probe *p)
{
	struct hist *h = p->hist;
	if (!h)
		return;
	if (p->letter->latency && arg_named(p, "lat") >= 0)
		ERR(c, p->args[arg_named(p, "lat")].name_loc, "'lat' is the "
		    "latency probe's own field, its microseconds; name this "
		    "argument otherwise");
	unsigned features = p->letter->latency ? FEAT_HIST | FEAT_SYNTH
					       : FEAT_HIST;
	for (size_t i = 0; i < h->nkeys; i++) {
		if (h->keys[i].bad)
			continue;
		check_key(c, p, &h->keys[i]);
		if (h->keys[i].mod == HM_BUCKETS)
			features |= FEAT_HIST_BUCKETS;
		if (p->letter->latency)
			features |= carried_features(p, &h->keys[i]);
	}
	for (size_t i = 0; i < h->nvals; i++) {
		if (h->vals[i].bad)
			continue;
		check_value(c, p, &h->vals[i]);
		if (p->letter->latency)
			features |= carried_features(p, &h->vals[i]);
	}
	for (size_t i = 0; i < h->nsort; i++)
		if (!h->sort[i].bad)
			check_sort(c, p, &h->sort[i], h);
	h->features = features;
	require_features(c, p->hist_text ? p->hist_loc : p->kind_loc, features);
}
