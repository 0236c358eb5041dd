/* plan.c: fetch plans as data (surfc.h): a base, the dereferences that
 * read through it, a final type and a display conversion. check.c builds
 * the plans of raw arguments, typecheck.c those of structured ones;
 * codegen/fetcharg.c alone turns them into tracefs text. What a kernel
 * must offer for a plan, and how a filter compares its value, are read
 * from the plan here, never from its text. */
#include <string.h>

#include "surfc.h"

void plan_push_deref(struct arena *ar, struct argplan *p, long long off,
		     bool user, enum offset_style style)
{
	if (p->nderefs == p->derefs_cap) {
		unsigned cap = p->derefs_cap ? 2 * p->derefs_cap : 4;
		struct fetch_deref *d = arena_alloc(ar, cap * sizeof(*d));
		if (p->nderefs)
			memcpy(d, p->derefs, p->nderefs * sizeof(*d));
		p->derefs = d;
		p->derefs_cap = cap;
	}
	p->derefs[p->nderefs++] = (struct fetch_deref){off, user, style};
}

unsigned plan_features(const struct argplan *p)
{
	unsigned f = fetch_final_features(&p->type);
	for (unsigned i = 0; i < p->nderefs; i++)
		if (p->derefs[i].user)
			f |= FEAT_USER_DEREF;
	switch (p->base.kind) {
	case FB_ARGN:
		f |= FEAT_ARGN;
		break;
	case FB_IMM:
		f |= FEAT_IMM_VALUE;
		break;
	case FB_IMMSTR:
		f |= FEAT_IMM_STRING;
		break;
	default:
		break;
	}
	return f;
}

enum value_kind plan_value(const struct argplan *p)
{
	if (p->unresolved)
		return VAL_UNKNOWN;
	/* Without a type, text ($comm, \"imm") is fetched as a string. */
	if (!p->type.type && p->nderefs == 0 &&
	    (p->base.kind == FB_COMM || p->base.kind == FB_IMMSTR))
		return VAL_STR;
	return fetch_final_value(&p->type);
}

bool plan_param(struct arena *ar, const struct func_info *fn,
		const struct arch *a, unsigned i, struct argplan *p)
{
	const struct param_loc *loc = fn && fn->locs ? &fn->locs[i] : NULL;
	if (!loc || !loc->known)
		return arch_arg_base(a, i, &p->base);
	p->base = loc->base;
	if (loc->memory)
		plan_push_deref(ar, p, loc->off, false, OFF_SHORT);
	return true;
}
