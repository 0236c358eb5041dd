/* typecheck.c: structured expressions against kernel types
 * (language.md §3, §4), and their fetch plans.
 *
 * An expression is evaluated to a "place": either a value the plan so
 * far yields (a register, $retval, or memory already read), or an object
 * in memory at byte offset OFF from the address the plan yields. '->'
 * turns a pointer value into a memory place; '.' and '[i]' move within
 * memory; reading a pointer out of memory to follow it adds a
 * dereference to the plan. At the end the place gets its final type. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

struct tc {
	const struct options *opt;
	struct typesrc *ts;
	struct diags *dg;
	const struct source *src;
	struct arena *arena;
	const struct probe *p;
	const struct func_info *fn;
	struct argplan *plan; /* the value the place starts from */
};

#define ERR(c, loc, ...) diag((c)->dg, (c)->src, (loc), SEV_ERROR, __VA_ARGS__)
#define WARN(c, loc, ...) diag((c)->dg, (c)->src, (loc), SEV_WARNING, __VA_ARGS__)
#define NOTE(c, loc, ...) diag((c)->dg, (c)->src, (loc), SEV_NOTE, __VA_ARGS__)
#define SUGGEST(c, loc, near, otherwise, ...) \
	diag_suggest((c)->dg, (c)->src, (loc), (near), (otherwise), __VA_ARGS__)

struct place {
	bool memory;       /* an object at OFF(plan); else the plan's value */
	bool user;         /* ... in user memory (+uOFF) */
	long long off;
	struct type *type; /* NULL: no type known (raw registers...) */
	unsigned bit_size; /* a bitfield: its width, and its offset in bits */
	unsigned long long bit_off;
	long long bias;    /* a pointer value into packet data: bytes to add */
	const struct header_view *hdr; /* ... and the header it points at */
};

/* Reads a memory place: the result is a value. */
static void load(struct tc *c, struct place *pl)
{
	if (!pl->memory)
		return;
	plan_push_deref(c->arena, c->plan, pl->off, pl->user, OFF_SHORT);
	pl->memory = false;
	pl->user = false;
	pl->off = 0;
	pl->bias = 0;
	pl->hdr = NULL;
}

/* The place starts again from a base: what was read so far is dropped. */
static void set_base(struct tc *c, struct place *pl, struct fetch_base b)
{
	c->plan->base = b;
	c->plan->nderefs = 0;
	pl->memory = false;
	pl->user = false;
}

static struct type *ptr_to(struct tc *c, struct type *t)
{
	struct type *p = type_new(c->ts, TY_PTR);
	p->target = t;
	p->size = c->opt->arch->long_bits / 8;
	return p;
}

static struct type *int_type(struct tc *c, unsigned size, bool is_signed)
{
	struct type *t = type_new(c->ts, TY_INT);
	t->size = size;
	t->is_signed = is_signed;
	t->name = arena_printf(c->arena, "%c%u", is_signed ? 's' : 'u', size * 8);
	return t;
}

static char *src_text(struct tc *c, struct loc l)
{
	return arena_strndup(c->arena, c->src->text + l.start, l.end - l.start);
}

static char *tname(struct tc *c, const struct type *t)
{
	return type_name(c->arena, t);
}

/* Where the types came from, for messages. */
static const char *types_name(struct tc *c)
{
	return c->p->kind->user ? arena_printf(c->arena, "the types of %s",
					      c->p->target.path)
				: "the kernel's types";
}

/* ---- bases ---- */

/* "pid_t kernel_clone(struct kernel_clone_args *args)" */
static void proto_note(struct tc *c)
{
	const struct type *f = c->fn->proto;
	struct strbuf sb = {0};
	sb_printf(&sb, "%s %s(", tname(c, f->target), c->fn->name);
	for (size_t i = 0; i < f->nparams; i++) {
		char *t = tname(c, f->params[i].type);
		size_t n = strlen(t);
		sb_printf(&sb, "%s%s%s%s", i ? ", " : "", t,
			  n && t[n - 1] == '*' ? "" : " ",
			  f->params[i].name ? f->params[i].name : "");
	}
	sb_puts(&sb, f->nparams ? ")" : "void)");
	NOTE(c, c->p->target.sym_loc, "%s", sb.s);
	sb_free(&sb);
}

static bool need_function(struct tc *c, const struct expr *e)
{
	if (c->fn)
		return true;
	if (c->p->kind->user)
		ERR(c, e->loc, "no prototype at %s: cast a register instead, "
		    "e.g. (struct foo *)%%%s", c->p->target.text,
		    c->opt->arch->argregs[0]);
	else if (c->p->target.module)
		ERR(c, e->loc, "the types of module %s are not in %s: pass "
		    "--vmlinux %s.ko", c->p->target.module, c->ts->path,
		    c->p->target.module);
	else
		ERR(c, e->loc, "no prototype for %s: cannot type '%s'",
		    c->p->target.symbol ? c->p->target.symbol : "this target",
		    src_text(c, e->loc));
	return false;
}

static bool eval_param(struct tc *c, const struct expr *e, size_t i,
		       struct place *pl)
{
	const struct type *proto = c->fn->proto;
	if (i >= proto->nparams) {
		if (e->kind == EX_PARAM)
			return false;
		ERR(c, e->loc, "%s has %zu parameter%s; %%%zu is past the last",
		    c->fn->name, proto->nparams, proto->nparams == 1 ? "" : "s", i);
		proto_note(c);
		return false;
	}
	set_base(c, pl, (struct fetch_base){.kind = FB_NONE});
	pl->type = proto->params[i].type;
	/* fprobes and tracepoint probes read no registers: the kernel
	 * fetches their arguments itself ($arg1 is a tracepoint's first
	 * after its hidden void *__data). */
	if (probe_args_by_argn(c->p)) {
		c->plan->base = (struct fetch_base){.kind = FB_ARGN,
						    .n = (long long)i + 1};
		return true;
	}
	if (plan_param(c->arena, c->fn, c->opt->arch, (unsigned)i, c->plan))
		return true;
	ERR(c, e->loc, "parameter %zu of %s is passed on the stack on %s, "
	    "which surfc cannot address", i, c->fn->name, c->opt->arch->name);
	return false;
}

static bool eval_named_param(struct tc *c, const struct expr *e,
			     struct place *pl)
{
	const struct type *proto = c->fn->proto;
	for (size_t i = 0; i < proto->nparams; i++)
		if (proto->params[i].name && !strcmp(proto->params[i].name, e->name))
			return eval_param(c, e, i, pl);
	const char **names = xmalloc((proto->nparams + 1) * sizeof(*names));
	size_t n = 0;
	for (size_t i = 0; i < proto->nparams; i++)
		if (proto->params[i].name)
			names[n++] = proto->params[i].name;
	const char *near = closest_name(e->name, names, n);
	free(names);
	SUGGEST(c, e->loc, near, NULL, "%s has no parameter '%s'", c->fn->name,
		e->name);
	proto_note(c);
	return false;
}

/* An event probe's NAME is a field of the event it is on, typed as the
 * member of its class's raw struct; a string kept in the event's
 * dynamic area ($filename) is the address of its text, a char *. An
 * event the types lack gives the field untyped. */
static bool eval_field(struct tc *c, const struct expr *e, struct place *pl)
{
	size_t n = 0;
	const struct event_field *f = c->p->attached
		? event_fields(c->ts, c->p->attached, &n) : NULL;
	set_base(c, pl, (struct fetch_base){.kind = FB_EFIELD, .text = e->name});
	pl->type = NULL;
	if (!c->p->attached || !f)
		return true;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(f[i].name, e->name))
			continue;
		pl->type = f[i].type;
		if (f[i].dynamic) {
			struct type *ch = int_type(c, 1, true);
			ch->is_char = true;
			pl->type = ptr_to(c, ch);
		}
		return true;
	}
	const char **names = xmalloc((n + 1) * sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = f[i].name;
	SUGGEST(c, e->loc, closest_name(e->name, names, n),
		"'surfc --describe GROUP/EVENT' lists its fields",
		"event %s has no field '%s'", c->p->target.text, e->name);
	free(names);
	return false;
}

/* Raw bases: what the kernel fetches, without a C type. */
static void eval_raw_base(struct tc *c, const struct expr *e, struct place *pl)
{
	struct fetch_base b = {.kind = FB_NONE};
	pl->type = NULL;
	switch (e->kind) {
	case EX_REG:
		b = (struct fetch_base){.kind = FB_REG, .text = e->name};
		break;
	case EX_COMM:
		b.kind = FB_COMM;
		pl->type = type_new(c->ts, TY_ARRAY);
		pl->type->target = int_type(c, 1, true);
		pl->type->target->is_char = true;
		pl->type->nelems = 16;
		break;
	case EX_STACK:
		b.kind = FB_STACK;
		break;
	case EX_STACKN:
		b = (struct fetch_base){.kind = FB_STACKN, .n = e->num};
		break;
	case EX_SYM:
		b = (struct fetch_base){.kind = FB_SYM, .text = e->name};
		break;
	case EX_IMM:
		b = (struct fetch_base){.kind = FB_IMM, .text = e->name};
		break;
	default:
		b = (struct fetch_base){.kind = FB_IMMSTR, .text = e->name};
		break;
	}
	set_base(c, pl, b);
}

/* ---- casts and packet views ---- */

static struct type *resolve_ctype(struct tc *c, const struct ctype *ct,
				  bool tilde)
{
	static const char *const kw[] = {"struct ", "union ", "enum ", ""};
	struct type *t = c->ts->ops->named(c->ts, ct->kind, ct->name);
	if (!t) {
		size_t n = 0;
		const char *const *names = c->ts->ops->type_names
			? c->ts->ops->type_names(c->ts, ct->kind, &n) : NULL;
		const char *near = names ? closest_name(ct->name, names, n) : NULL;
		SUGGEST(c, ct->loc, near ? arena_printf(c->arena, "%s%s",
						       kw[ct->kind], near) : NULL,
			NULL, "no type '%s%s' in %s",
			kw[ct->kind], ct->name, types_name(c));
		return NULL;
	}
	/* coolKprobe's ~(struct task_struct) names what the value points to. */
	unsigned ptrs = ct->ptr + (tilde && ct->ptr == 0 &&
				   (t->kind == TY_STRUCT || t->kind == TY_UNION));
	for (unsigned i = 0; i < ptrs; i++)
		t = ptr_to(c, t);
	return t;
}

static bool eval(struct tc *c, const struct expr *e, struct place *pl);

static bool eval_cast(struct tc *c, const struct expr *e, struct place *pl)
{
	if (!eval(c, e->base, pl))
		return false;
	struct type *to = resolve_ctype(c, e->type, e->tilde);
	if (!to)
		return false;
	if (pl->type && pl->bit_size == 0 && !e->force &&
	    (pl->type->kind == TY_STRUCT || pl->type->kind == TY_UNION) &&
	    !pl->memory) {
		ERR(c, e->loc, "cannot cast a %s value; cast a pointer to it",
		    tname(c, pl->type));
		return false;
	}
	if (pl->memory && pl->type && (pl->type->kind == TY_STRUCT ||
				       pl->type->kind == TY_UNION ||
				       pl->type->kind == TY_ARRAY) &&
	    to->kind == TY_PTR) {
		/* (struct foo *)obj: the object's address, not its bytes. */
		pl->type = to;
		pl->bias = pl->off;
		pl->memory = false;
		pl->off = 0;
		return true;
	}
	load(c, pl);
	pl->type = to;
	pl->bit_size = 0;
	return true;
}

static const struct member *find_member(struct tc *c, struct type *t,
					const char *name,
					unsigned long long *bit_off);

static bool eval_pktview(struct tc *c, const struct expr *e, struct place *pl)
{
	if (!eval(c, e->base, pl))
		return false;
	struct type *skb = c->ts->ops->named(c->ts, CT_STRUCT, "sk_buff");
	if (!skb) {
		ERR(c, e->loc, "no struct sk_buff in the kernel's types");
		return false;
	}
	if (pl->type && !(pl->type->kind == TY_PTR &&
			  pl->type->target->kind == TY_STRUCT &&
			  pl->type->target->name &&
			  !strcmp(pl->type->target->name, "sk_buff"))) {
		bool pp = pl->type->kind == TY_PTR && pl->type->target->kind == TY_PTR;
		char *what = src_text(c, e->base->loc);
		ERR(c, e->base->loc, "a packet view reads a struct sk_buff *; "
		    "'%s' is %s%s%s%s", what, tname(c, pl->type),
		    pp ? ": follow it with (" : "", pp ? what : "", pp ? "[0])" : "");
		return false;
	}
	unsigned long long bit_off;
	const struct member *data = find_member(c, skb, "data", &bit_off);
	struct type *hdr = c->ts->ops->named(c->ts, CT_STRUCT, e->type->name);
	if (!data || !hdr) {
		ERR(c, e->loc, "the kernel's types lack %s",
		    data ? "that header struct" : "sk_buff.data");
		return false;
	}
	load(c, pl);
	pl->memory = true;
	pl->off = (long long)(bit_off / 8);
	load(c, pl); /* skb->data */
	pl->type = ptr_to(c, hdr);
	pl->hdr = header_view_find(e->type->name);
	pl->bias = header_distance(pl->hdr, e->layer ? e->layer
						     : PACKET_DEFAULT_LAYER);
	return true;
}

/* ---- members and indexes ---- */

/* Finds a member, looking into anonymous structs and unions. */
static const struct member *find_member(struct tc *c, struct type *t,
					const char *name,
					unsigned long long *bit_off)
{
	type_complete(c->ts, t);
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct member *m = &t->members[i];
		if (m->name && !strcmp(m->name, name)) {
			*bit_off = m->bit_offset;
			return m;
		}
	}
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct member *m = &t->members[i];
		if (m->name || (m->type->kind != TY_STRUCT &&
				m->type->kind != TY_UNION))
			continue;
		const struct member *inner = find_member(c, m->type, name, bit_off);
		if (inner) {
			*bit_off += m->bit_offset;
			return inner;
		}
	}
	return NULL;
}

static void collect_names(struct tc *c, struct type *t, const char ***v,
			  size_t *n, size_t *cap)
{
	type_complete(c->ts, t);
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct member *m = &t->members[i];
		if (!m->name) {
			if (m->type->kind == TY_STRUCT || m->type->kind == TY_UNION)
				collect_names(c, m->type, v, n, cap);
			continue;
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			*v = xrealloc(*v, *cap * sizeof(**v));
		}
		(*v)[(*n)++] = m->name;
	}
}

static void no_member(struct tc *c, const struct expr *e, struct type *t)
{
	const char **names = NULL;
	size_t n = 0, cap = 0;
	collect_names(c, t, &names, &n, &cap);
	const char *near = closest_name(e->name, names, n);
	struct loc at = {e->loc.end - (unsigned)strlen(e->name), e->loc.end};
	unsigned long long off;
	/* struct sock's sk_family & co. are macros for __sk_common.skc_*. */
	const struct member *common = !strncmp(e->name, "sk_", 3) && t->name &&
		!strcmp(t->name, "sock") ? find_member(c, t, "__sk_common", &off)
					 : NULL;
	if (common && find_member(c, common->type, arena_printf(c->arena,
				  "skc_%s", e->name + 3), &off))
		near = arena_printf(c->arena, "__sk_common.skc_%s", e->name + 3);
	SUGGEST(c, at, near, NULL, "%s has no member '%s'", tname(c, t),
		e->name);
	free(names);
}

/* sdata & co.: the data after a packet header, as long as the packet. */
static struct type *payload_type(struct tc *c, const char *name)
{
	const struct payload_view *v = payload_view_find(name);
	if (!v)
		return NULL;
	struct type *a = type_new(c->ts, TY_ARRAY);
	a->target = int_type(c, v->unit, v->is_char);
	a->target->is_char = v->is_char;
	a->nelems = 0;
	return a;
}

/* The operator's location: '->' or '.' right before the member name. */
static struct loc op_loc(const struct expr *e)
{
	unsigned end = e->loc.end - (unsigned)strlen(e->name);
	return (struct loc){end - (e->arrow ? 2 : 1), end};
}

static bool eval_member(struct tc *c, const struct expr *e, struct place *pl)
{
	if (!eval(c, e->base, pl))
		return false;
	char *what = src_text(c, e->base->loc);
	if (!pl->type) {
		ERR(c, e->base->loc, "'%s' has no type: cast it, e.g. "
		    "(struct foo *)%s", what, what);
		return false;
	}
	struct type *t = pl->type;
	if (e->arrow) {
		if (t->kind == TY_STRUCT || t->kind == TY_UNION) {
			ERR(c, op_loc(e), "'%s' is a %s, not a pointer: use '.'",
			    what, tname(c, t));
			return false;
		}
		if (t->kind != TY_PTR) {
			ERR(c, op_loc(e), "'%s' is %s: '->' needs a pointer to a "
			    "struct", what, tname(c, t));
			return false;
		}
		long long bias = pl->memory ? 0 : pl->bias;
		load(c, pl);
		pl->memory = true;
		pl->off = bias;
		t = t->target;
	} else if (t->kind == TY_PTR) {
		ERR(c, op_loc(e), "'%s' is a pointer: use '->'", what);
		return false;
	} else if (!pl->memory && (t->kind == TY_STRUCT || t->kind == TY_UNION)) {
		ERR(c, e->loc, "'%s' is a struct passed in a register; surfc "
		    "reads members of structs in memory only", what);
		return false;
	}
	if (t->kind != TY_STRUCT && t->kind != TY_UNION) {
		ERR(c, op_loc(e), "'%s' is %s, which has no members", what,
		    tname(c, e->arrow ? pl->type : t));
		return false;
	}
	if (t->declared_only) {
		ERR(c, e->loc, "%s is only declared in %s; its members are "
		    "unknown", tname(c, t), types_name(c));
		return false;
	}
	unsigned long long bit_off;
	const struct member *m = find_member(c, t, e->name, &bit_off);
	struct type *payload = !m && pl->hdr ? payload_type(c, e->name) : NULL;
	if (payload) {
		/* sdata[i] & co.: the payload after the header. */
		pl->type = payload;
		pl->off += (long long)t->size;
		pl->bit_size = 0;
		pl->hdr = NULL;
		return true;
	}
	if (!m) {
		no_member(c, e, t);
		return false;
	}
	pl->hdr = NULL;
	pl->type = m->type;
	pl->bit_size = m->bit_size;
	if (m->bit_size) {
		pl->bit_off = bit_off;
	} else {
		pl->off += (long long)(bit_off / 8);
	}
	return true;
}

static bool eval_index(struct tc *c, const struct expr *e, struct place *pl)
{
	if (!eval(c, e->base, pl))
		return false;
	char *what = src_text(c, e->base->loc);
	struct type *t = pl->type;
	if (!t) {
		ERR(c, e->base->loc, "'%s' has no type: cast it to index it", what);
		return false;
	}
	if (t->kind == TY_ARRAY && pl->memory) {
		if (t->nelems && (unsigned long long)e->num >= t->nelems) {
			ERR(c, e->loc, "index %lld is past the end of '%s' (%s)",
			    e->num, what, tname(c, t));
			return false;
		}
		pl->type = t->target;
		pl->off += e->num * (long long)t->target->size;
		return true;
	}
	if (t->kind == TY_PTR) {
		if (t->target->kind == TY_VOID || t->target->size == 0) {
			ERR(c, e->loc, "'%s' points to %s, which has no size: cast "
			    "it first", what, tname(c, t->target));
			return false;
		}
		long long bias = pl->memory ? 0 : pl->bias;
		load(c, pl);
		pl->memory = true;
		pl->type = t->target;
		pl->off = bias + e->num * (long long)t->target->size;
		return true;
	}
	ERR(c, e->loc, "'%s' is %s: only arrays and pointers take '[]'", what,
	    tname(c, t));
	return false;
}

static bool eval(struct tc *c, const struct expr *e, struct place *pl)
{
	switch (e->kind) {
	case EX_ARGNUM:
		return need_function(c, e) && eval_param(c, e, (size_t)e->num, pl);
	case EX_ARGN:
		if (!c->fn)
			break;
		if (!eval_param(c, e, (size_t)e->num - 1, pl))
			return false;
		set_base(c, pl, (struct fetch_base){.kind = FB_ARGN,
			 .n = e->num, .entry = probe_at_entry(c->p) &&
			 !probe_args_by_argn(c->p)});
		return true;
	case EX_PARAM:
		if (c->p->kind->form == FORM_EPROBE)
			return eval_field(c, e, pl);
		return need_function(c, e) && eval_named_param(c, e, pl);
	case EX_RETVAL:
		if (!need_function(c, e))
			return false;
		if (c->fn->proto->target->kind == TY_VOID) {
			ERR(c, e->loc, "%s returns void", c->fn->name);
			return false;
		}
		set_base(c, pl, (struct fetch_base){.kind = FB_RETVAL});
		pl->type = c->fn->proto->target;
		return true;
	case EX_DEREF:
		if (!eval(c, e->base, pl))
			return false;
		load(c, pl);
		pl->memory = true;
		pl->user = e->user;
		pl->off = e->num;
		pl->type = NULL;
		pl->bit_size = 0;
		load(c, pl);
		return true;
	case EX_CAST:
		return eval_cast(c, e, pl);
	case EX_PKTVIEW:
		return eval_pktview(c, e, pl);
	case EX_MEMBER:
		return eval_member(c, e, pl);
	case EX_INDEX:
		return eval_index(c, e, pl);
	default:
		break;
	}
	eval_raw_base(c, e, pl);
	return true;
}

/* ---- the final fetch ---- */

/* atomic_t, refcount_t, kuid_t...: a struct around one scalar is read as
 * that scalar. */
static void unwrap(struct tc *c, struct place *pl)
{
	while (pl->memory && pl->type && pl->bit_size == 0 &&
	       (pl->type->kind == TY_STRUCT || pl->type->kind == TY_UNION)) {
		type_complete(c->ts, pl->type);
		if (pl->type->nmembers != 1 || pl->type->members[0].bit_size ||
		    pl->type->members[0].bit_offset)
			return;
		pl->type = pl->type->members[0].type;
	}
}

static bool is_text(const struct type *t)
{
	return t && t->kind == TY_INT && t->is_char && t->size == 1;
}

static bool is_byte(const struct type *t)
{
	return t && t->kind == TY_INT && t->size == 1 && !t->is_char &&
	       !t->is_bool;
}

static void bitfield_type(struct tc *c, struct place *pl,
			  struct fetch_final *out)
{
	unsigned cbits = (unsigned)pl->type->size * 8;
	if (cbits != 8 && cbits != 16 && cbits != 32 && cbits != 64)
		cbits = 32;
	unsigned long long unit = pl->bit_off / cbits;
	unsigned bo = (unsigned)(pl->bit_off % cbits);
	if (bo + pl->bit_size > cbits) { /* straddles: read 64 bits */
		cbits = 64;
		unit = pl->bit_off / 64;
		bo = (unsigned)(pl->bit_off % 64);
	}
	pl->off += (long long)(unit * cbits / 8);
	if (c->opt->arch->big_endian)
		bo = cbits - bo - pl->bit_size;
	*out = (struct fetch_final){fetch_type_bitfield(), pl->bit_size, bo,
				    cbits, 0};
}

/* The integer fetch type of a letter and a width; false (and an error)
 * for a width the kernel has no type of (__int128). */
static bool int_final(struct tc *c, const struct arg *a, char l,
		      unsigned long long bits, unsigned count,
		      struct fetch_final *out)
{
	const struct fetch_type *t = bits <= 64
		? fetch_type_int(l, (unsigned)bits) : NULL;
	if (!t) {
		ERR(c, a->expr->loc, "'%s' is %llu bits wide; the kernel fetches "
		    "integers of 8, 16, 32 or 64 bits", a->text, bits);
		return false;
	}
	*out = (struct fetch_final){.type = t, .count = count};
	return true;
}

static void list_members(struct tc *c, const struct arg *a, struct type *t)
{
	const char **names = NULL;
	size_t n = 0, cap = 0;
	collect_names(c, t, &names, &n, &cap);
	struct strbuf sb = {0};
	for (size_t i = 0; i < n && i < 8; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", names[i]);
	if (n > 8)
		sb_printf(&sb, ", ... (%zu members)", n);
	ERR(c, a->expr->loc, "'%s' is %s: pick a member%s%s", a->text,
	    tname(c, t), n ? ": " : "", n ? sb.s : "");
	sb_free(&sb);
	free(names);
}

static bool array_type(struct tc *c, const struct arg *a, char fmt,
		       struct place *pl, struct fetch_final *out)
{
	struct type *t = pl->type, *el = t->target;
	if (is_text(el)) {
		out->type = fetch_type_find("string", 6);
		return true;
	}
	if (el->kind != TY_INT && el->kind != TY_ENUM && el->kind != TY_PTR) {
		ERR(c, a->expr->loc, "'%s' is %s: index it to pick an element",
		    a->text, tname(c, t));
		return false;
	}
	if (t->nelems == 0 && pl->memory) {
		ERR(c, a->expr->loc, "'%s' is the data that follows, in "
		    "%llu-byte units: index it, e.g. [0]", a->text, el->size);
		return false;
	}
	if (t->nelems > MAX_FETCH_ARRAY) {
		ERR(c, a->expr->loc, "'%s' is %s; the kernel fetches at most %d "
		    "elements: index it", a->text, tname(c, t), MAX_FETCH_ARRAY);
		return false;
	}
	if (is_byte(el))
		NOTE(c, a->expr->loc, "'%s' is a byte array; if it holds text, "
		     "add ':string'", a->text);
	char l = el->kind == TY_PTR ? 'x' : is_byte(el) && !fmt ? 'x'
		 : fetch_letter(fmt, el->is_signed);
	return int_final(c, a, l, el->size * 8, (unsigned)t->nelems, out);
}

/* The fetch type for a place when the user wrote none; out->type stays
 * NULL for the kernel's default (an untyped register). */
static bool default_type(struct tc *c, const struct arg *a, char fmt,
			 struct place *pl, struct fetch_final *out)
{
	struct type *t = pl->type;
	unsigned ptr_bits = c->opt->arch->long_bits;
	if (!t)
		return !fmt || int_final(c, a, fetch_letter(fmt, false), ptr_bits, 0,
					 out);
	if (pl->bit_size) {
		bitfield_type(c, pl, out);
		return true;
	}
	switch (t->kind) {
	case TY_INT:
		if (t->is_bool)
			return int_final(c, a, fmt ? fetch_letter(fmt, false) : 'u', 8, 0,
					 out);
		/* fall through */
	case TY_ENUM:
		return int_final(c, a, fetch_letter(fmt, t->is_signed), t->size * 8, 0,
				 out);
	case TY_PTR:
		if (is_text(t->target)) {
			load(c, pl);
			pl->memory = true;
			out->type = fetch_type_find("string", 6);
			return true;
		}
		if (is_byte(t->target))
			NOTE(c, a->expr->loc, "'%s' points to unsigned bytes; if "
			     "they hold text, add ':string'", a->text);
		return int_final(c, a, fmt ? fetch_letter(fmt, false) : 'x', ptr_bits,
				 0, out);
	case TY_ARRAY:
		return array_type(c, a, fmt, pl, out);
	case TY_STRUCT:
	case TY_UNION:
		list_members(c, a, t);
		return false;
	case TY_FLOAT:
		ERR(c, a->expr->loc, "'%s' is %s: the kernel cannot print "
		    "floating point; add ':x%llu' for its bits", a->text,
		    tname(c, t), t->size * 8);
		return false;
	default:
		ERR(c, a->expr->loc, "'%s' is %s: nothing to fetch", a->text,
		    tname(c, t));
		return false;
	}
}

/* A narrower integer type than the member reads the member's first
 * bytes: its low ones on little-endian kernels, its high ones on
 * big-endian ones, so the same line shows another value there. */
static void narrowing_note(struct tc *c, const struct arg *a,
			   const struct place *pl,
			   const struct fetch_final *given)
{
	const struct type *t = pl->type;
	unsigned bits = given->type->bits;
	if (!c->opt->arch->big_endian || !pl->memory || pl->bit_size ||
	    given->count || given->type->is_bitfield || !bits || !t ||
	    (t->kind != TY_INT && t->kind != TY_ENUM) || bits >= t->size * 8 ||
	    (t->size != 2 && t->size != 4 && t->size != 8))
		return;
	WARN(c, a->ftype_loc, "on %s (big-endian) ':%s' reads the most "
	     "significant %u bits of '%s' (%s); ':b%u@0/%llu' reads the least "
	     "significant, as little-endian kernels do", c->opt->arch->name,
	     a->ftype, bits, a->text, tname(c, (struct type *)t), bits,
	     t->size * 8);
}

/* An explicit :TYPE. A string type reads the text the member holds:
 * through a pointer, or in place for an array. */
static bool explicit_type(struct tc *c, const struct arg *a,
			  struct place *pl, const struct fetch_final *given)
{
	if (!fetch_final_is_text(given)) {
		narrowing_note(c, a, pl, given);
		return true;
	}
	struct type *t = pl->type;
	if (t && t->kind == TY_ARRAY && pl->memory)
		return true;
	if ((t && t->kind == TY_PTR) || !pl->memory) {
		long long bias = pl->memory ? 0 : pl->bias;
		load(c, pl);
		pl->memory = true;
		pl->off = bias;
		return true;
	}
	ERR(c, a->ftype_loc, "':%s' needs a pointer or an array; '%s' is %s",
	    a->ftype, a->text, t ? tname(c, t) : "a value");
	return false;
}

bool typecheck_arg(const struct options *opt, struct diags *dg,
		   const struct probe *p, const struct func_info *fn,
		   const struct arg *a, char fmt, struct argplan *plan)
{
	struct tc c = {opt, opt->types, dg, p->src, opt->types->arena, p, fn,
		       plan};
	struct place pl = {0};
	struct fetch_final given = plan->type;
	if (!eval(&c, a->expr, &pl))
		return false;
	unwrap(&c, &pl);
	bool ok = given.type ? explicit_type(&c, a, &pl, &given)
			     : default_type(&c, a, fmt, &pl, &plan->type);
	if (!ok)
		return false;
	load(&c, &pl);
	plan->type = given.type ? given : plan->type;
	return true;
}

/* Looks the probed function up; NULL (and an error) when it is unknown. */
const struct func_info *typecheck_function(const struct options *opt,
					   struct diags *dg,
					   const struct probe *p)
{
	const struct target *t = &p->target;
	bool user = t->kind == TGT_USYM && !p->kind->marker;
	if (!opt->types || (t->kind != TGT_KSYM && !user) || t->module)
		return NULL;
	const struct func_info *fn = opt->types->ops->function(opt->types,
							       t->symbol);
	if (fn) {
		if (fn->is_clone)
			diag(dg, p->src, t->sym_loc, SEV_WARNING,
			     "%s exists only as the compiler clone %s; its "
			     "arguments need not follow the calling convention%s",
			     t->symbol, fn->name, fn->locs ? " (DWARF locations "
			     "are used)" : "");
		return fn;
	}
	if (user) {
		diag_suggest(dg, p->src, t->sym_loc,
			     typesrc_closest_function(opt->types, t->symbol),
			     NULL, "no function '%s' in the DWARF of %s",
			     t->symbol, t->path);
		return NULL;
	}
	diag_suggest(dg, p->src, t->sym_loc,
		     typesrc_closest_function(opt->types, t->symbol), NULL,
		     "no function '%s' in the kernel's types", t->symbol);
	if (!opt->types->ops->knows_clones)
		diag(dg, p->src, t->sym_loc, SEV_NOTE, "BTF leaves out static "
		     "functions the compiler cloned or inlined; DWARF "
		     "(--vmlinux) knows their clones");
	return NULL;
}

/* ---- trace events ---- */

/* The names of the events in group (every event's, when group is NULL),
 * for "did you mean". */
static const char **event_names(struct typesrc *ts, const char *group,
				size_t *count)
{
	size_t n;
	const struct trace_event *ev = ts->ops->events(ts, &n);
	const char **v = xmalloc((n + 1) * sizeof(*v));
	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (!group || (ev[i].group && !strcmp(ev[i].group, group)))
			v[(*count)++] = ev[i].name;
	return v;
}

/* An event the types lack: a typo when its group is one of the types'
 * (DWARF knows groups) or, where they know none (BTF), when a close name
 * exists; otherwise a module's event, which only the target can check. */
static void no_event(const struct options *opt, struct diags *dg,
		     const struct probe *p)
{
	struct typesrc *ts = opt->types;
	const struct target *t = &p->target;
	size_t glen = strlen(t->group), n;
	struct loc at = {t->loc.start + (unsigned)glen + 1, t->loc.end};
	const struct trace_event *elsewhere = typesrc_event(ts, NULL, t->event);
	if (elsewhere && elsewhere->group) {
		diag_suggest(dg, p->src, (struct loc){t->loc.start,
			     t->loc.start + (unsigned)glen},
			     event_path(ts->arena, elsewhere), NULL,
			     "event %s is in group %s, not %s", t->event,
			     elsewhere->group, t->group);
		return;
	}
	bool group_known = typesrc_has_group(ts, t->group);
	const char **names = event_names(ts, group_known ? t->group : NULL, &n);
	const char *near = closest_name(t->event, names, n);
	free((void *)names);
	if (group_known) {
		diag_suggest(dg, p->src, at, near, NULL, "no event '%s' in group "
			     "%s of the kernel's types", t->event, t->group);
		return;
	}
	if (near) {
		diag_suggest(dg, p->src, at, near, NULL, "no event '%s' in the "
			     "kernel's types", t->event);
		return;
	}
	diag_note_alone(dg, p->src, t->loc, "event %s is not in the kernel's "
	     "types (a module's, or one the kernel makes at boot): the script "
	     "checks it on the target", t->text);
}

/* The probe's GROUP/EVENT in the types; NULL, reported, when they lack
 * it, and NULL unreported when they know no events at all. */
static const struct trace_event *target_event(const struct options *opt,
					      struct diags *dg,
					      const struct probe *p)
{
	size_t n;
	struct typesrc *ts = opt->types;
	const struct target *t = &p->target;
	if (!ts || !t->event || !ts->ops->events(ts, &n) || n == 0)
		return NULL;
	const struct trace_event *ev = typesrc_event(ts, t->group, t->event);
	if (!ev)
		no_event(opt, dg, p);
	return ev;
}

void typecheck_event(const struct options *opt, struct diags *dg,
		     struct probe *p)
{
	const struct trace_event *ev = target_event(opt, dg, p);
	if (!ev)
		return;
	p->fields = event_fields(opt->types, ev, &p->nfields);
	p->has_fields = p->fields != NULL;
}

/* A tracepoint's prototype: the function a tracepoint calls its probes
 * through (__probestub_NAME from 6.4, __traceiter_NAME from 5.10), whose
 * parameters have names, else its BTF typedef btf_trace_NAME, a pointer
 * to a function whose parameters have none. Each starts with the
 * probe's void *__data; the tracepoint's own parameters are the rest. */
static const struct type *tracepoint_proto(struct typesrc *ts,
					   const char *name)
{
	static const char *const via[] = {"__probestub_", "__traceiter_"};
	for (size_t i = 0; i < 2; i++) {
		char *f = arena_printf(ts->arena, "%s%s", via[i], name);
		const struct func_info *fn = ts->ops->function(ts, f);
		if (fn && !fn->is_clone && fn->proto->nparams >= 1)
			return fn->proto;
	}
	char *tname = arena_printf(ts->arena, "btf_trace_%s", name);
	struct type *ty = ts->ops->named(ts, CT_NAMED, tname);
	if (ty && ty->kind == TY_PTR && ty->target &&
	    ty->target->kind == TY_FUNC && ty->target->nparams >= 1)
		return ty->target;
	return NULL;
}

/* NULL (and an error) when the types have no such tracepoint. */
const struct func_info *typecheck_tracepoint(const struct options *opt,
					     struct diags *dg,
					     const struct probe *p)
{
	struct typesrc *ts = opt->types;
	const struct target *t = &p->target;
	if (!ts || !t->symbol)
		return NULL;
	const struct type *f = tracepoint_proto(ts, t->symbol);
	if (f) {
		struct type *proto = type_new(ts, TY_FUNC);
		proto->target = type_new(ts, TY_VOID);
		proto->nparams = f->nparams - 1;
		proto->params = f->params + 1;
		proto->complete = true;
		struct func_info *fn = arena_alloc(ts->arena, sizeof(*fn));
		*fn = (struct func_info){.name = t->symbol, .proto = proto};
		return fn;
	}
	size_t n;
	const struct trace_event *ev = ts->ops->events(ts, &n);
	const char **names = xmalloc((n + 1) * sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = ev[i].name;
	diag_suggest(dg, p->src, t->loc, closest_name(t->symbol, names, n),
		     NULL, "no tracepoint '%s' in the kernel's types", t->symbol);
	free(names);
	return NULL;
}

/* The event an event probe is on: as an 'e' probe's, an unknown one is a
 * typo or a module's (no_event). */
void typecheck_eprobe(const struct options *opt, struct diags *dg,
		      struct probe *p)
{
	p->attached = target_event(opt, dg, p);
}
