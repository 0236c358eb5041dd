/* types/btfsrc.c: the BTF backend, read with libbpf (btf__parse takes a raw
 * blob such as /sys/kernel/btf/vmlinux, or an ELF file's .BTF section).
 * Types are converted on first use and cached by BTF id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "../surfc.h"

struct btfsrc {
	struct typesrc ts;
	struct btf *btf;
	struct type **cache; /* by BTF id */
	__u32 ntypes;
	const char **funcs;  /* every FUNC name, built on demand */
	size_t nfuncs;
	const char **types[4]; /* type names by enum ctype_kind, on demand */
	size_t ntypenames[4];
	struct trace_event *events; /* built on demand */
	size_t nevents;
	bool have_events;
	struct lookup {      /* functions and named types asked for */
		char *key;
		const void *value;
	} *lookups;
	size_t nlookups;
};

static struct btfsrc *of(struct typesrc *ts)
{
	return (struct btfsrc *)ts;
}

static const char *name_of(struct btfsrc *b, const struct btf_type *t)
{
	const char *n = btf__name_by_offset(b->btf, t->name_off);
	return n && *n ? n : NULL;
}

static struct type *convert(struct btfsrc *b, __u32 id);

/* Looks through typedefs and qualifiers; remembers the first typedef
 * name, which is how the kernel's sources spell the type. */
static struct type *convert_resolved(struct btfsrc *b, __u32 id,
				     const char **alias)
{
	for (int guard = 0; guard < 64; guard++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		if (!t || !(btf_is_mod(t) || btf_is_typedef(t) ||
			    btf_is_type_tag(t)))
			break;
		if (btf_is_typedef(t) && !*alias)
			*alias = name_of(b, t);
		id = t->type;
	}
	return convert(b, id);
}

static struct type *convert_new(struct btfsrc *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b->btf, id);
	struct typesrc *ts = &b->ts;
	struct type *ty;
	if (!t || id == 0)
		return type_new(ts, TY_VOID);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		__u32 enc = btf_int_encoding(t);
		ty = type_new(ts, TY_INT);
		ty->size = t->size;
		ty->is_signed = enc & BTF_INT_SIGNED;
		ty->is_bool = enc & BTF_INT_BOOL;
		ty->name = name_of(b, t);
		ty->is_char = ty->name && !strcmp(ty->name, "char");
		return ty;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		ty = type_new(ts, TY_ENUM);
		ty->size = t->size;
		ty->is_signed = btf_kflag(t);
		ty->name = name_of(b, t);
		return ty;
	case BTF_KIND_FLOAT:
		ty = type_new(ts, TY_FLOAT);
		ty->size = t->size;
		ty->name = name_of(b, t);
		return ty;
	case BTF_KIND_PTR:
		ty = type_new(ts, TY_PTR);
		ty->size = ts->arch ? ts->arch->long_bits / 8 : 8;
		return ty; /* the target is filled by convert() */
	case BTF_KIND_ARRAY:
		ty = type_new(ts, TY_ARRAY);
		ty->nelems = btf_array(t)->nelems;
		return ty;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
		ty = type_new(ts, btf_is_union(t) ||
				 (btf_is_fwd(t) && btf_kflag(t)) ? TY_UNION : TY_STRUCT);
		ty->name = name_of(b, t);
		ty->size = btf_is_fwd(t) ? 0 : t->size;
		ty->declared_only = btf_is_fwd(t);
		ty->complete = btf_is_fwd(t);
		ty->ref = id;
		return ty;
	case BTF_KIND_FUNC_PROTO:
		return type_new(ts, TY_FUNC);
	default:
		return type_new(ts, TY_VOID);
	}
}

static struct type *convert(struct btfsrc *b, __u32 id)
{
	if (id >= b->ntypes)
		return type_new(&b->ts, TY_VOID);
	if (b->cache[id])
		return b->cache[id];
	const struct btf_type *t = btf__type_by_id(b->btf, id);
	if (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))) {
		const char *alias = NULL;
		struct type *base = convert_resolved(b, id, &alias);
		if (!alias || base->alias)
			return b->cache[id] = base;
		/* A copy that remembers the typedef name, for messages. */
		struct type *copy = arena_alloc(b->ts.arena, sizeof(*copy));
		*copy = *base;
		copy->alias = alias;
		if (!copy->complete) /* share the members once loaded */
			copy->ref = base->ref;
		return b->cache[id] = copy;
	}
	struct type *ty = convert_new(b, id);
	b->cache[id] = ty; /* before the recursion: types refer to themselves */
	if (ty->kind == TY_PTR) {
		ty->target = convert(b, t->type);
	} else if (ty->kind == TY_ARRAY) {
		ty->target = convert(b, btf_array(t)->type);
		ty->size = ty->nelems * ty->target->size;
	} else if (ty->kind == TY_FUNC) {
		ty->target = convert(b, t->type);
		const struct btf_param *p = btf_params(t);
		__u16 n = btf_vlen(t);
		ty->params = arena_alloc(b->ts.arena, (n + 1u) * sizeof(*ty->params));
		for (__u16 i = 0; i < n; i++) {
			if (p[i].type == 0 && i == n - 1) {
				ty->variadic = true;
				break;
			}
			ty->params[ty->nparams].name =
				btf__name_by_offset(b->btf, p[i].name_off);
			ty->params[ty->nparams++].type = convert(b, p[i].type);
		}
	}
	return ty;
}

static void complete(struct typesrc *ts, struct type *ty)
{
	struct btfsrc *b = of(ts);
	const struct btf_type *t = btf__type_by_id(b->btf, (__u32)ty->ref);
	if (!t || !btf_is_composite(t))
		return;
	__u16 n = btf_vlen(t);
	const struct btf_member *m = btf_members(t);
	ty->members = arena_alloc(ts->arena, (n + 1u) * sizeof(*ty->members));
	ty->nmembers = n;
	for (__u16 i = 0; i < n; i++) {
		struct member *mm = &ty->members[i];
		mm->name = btf__name_by_offset(b->btf, m[i].name_off);
		if (mm->name && !*mm->name)
			mm->name = NULL;
		mm->bit_offset = btf_member_bit_offset(t, i);
		mm->bit_size = btf_member_bitfield_size(t, i);
		mm->type = convert(b, m[i].type);
	}
}

static const void *lookup_get(struct btfsrc *b, const char *key, bool *found)
{
	for (size_t i = 0; i < b->nlookups; i++) {
		if (!strcmp(b->lookups[i].key, key)) {
			*found = true;
			return b->lookups[i].value;
		}
	}
	*found = false;
	return NULL;
}

static const void *lookup_put(struct btfsrc *b, const char *key,
			      const void *value)
{
	b->lookups = xrealloc(b->lookups, (b->nlookups + 1) * sizeof(*b->lookups));
	b->lookups[b->nlookups].key = xstrdup(key);
	b->lookups[b->nlookups++].value = value;
	return value;
}

static const struct func_info *function(struct typesrc *ts, const char *name)
{
	struct btfsrc *b = of(ts);
	bool found;
	char key[300];
	snprintf(key, sizeof(key), "f:%s", name);
	const void *v = lookup_get(b, key, &found);
	if (found)
		return v;
	__s32 id = btf__find_by_name_kind(b->btf, name, BTF_KIND_FUNC);
	if (id <= 0)
		return lookup_put(b, key, NULL);
	const struct btf_type *t = btf__type_by_id(b->btf, (__u32)id);
	struct func_info *f = arena_alloc(ts->arena, sizeof(*f));
	f->name = arena_strdup(ts->arena, name);
	f->proto = convert(b, t->type);
	return lookup_put(b, key, f);
}

static struct type *named(struct typesrc *ts, enum ctype_kind kind,
			  const char *name)
{
	struct btfsrc *b = of(ts);
	bool found;
	char key[300];
	snprintf(key, sizeof(key), "%d:%s", (int)kind, name);
	const void *v = lookup_get(b, key, &found);
	if (found)
		return (struct type *)v;
	__s32 id = -1;
	switch (kind) {
	case CT_STRUCT:
		id = btf__find_by_name_kind(b->btf, name, BTF_KIND_STRUCT);
		break;
	case CT_UNION:
		id = btf__find_by_name_kind(b->btf, name, BTF_KIND_UNION);
		break;
	case CT_ENUM:
		id = btf__find_by_name_kind(b->btf, name, BTF_KIND_ENUM);
		if (id < 0)
			id = btf__find_by_name_kind(b->btf, name, BTF_KIND_ENUM64);
		break;
	case CT_NAMED:
		id = btf__find_by_name_kind(b->btf, name, BTF_KIND_TYPEDEF);
		if (id < 0)
			id = btf__find_by_name_kind(b->btf, name, BTF_KIND_INT);
		if (id < 0 && !strcmp(name, "void"))
			id = 0;
		break;
	}
	return (struct type *)lookup_put(b, key, id < 0 ? NULL
					 : convert(b, (__u32)id));
}

static const char *const *function_names(struct typesrc *ts, size_t *n)
{
	struct btfsrc *b = of(ts);
	if (!b->funcs) {
		b->funcs = xmalloc(b->ntypes * sizeof(*b->funcs));
		for (__u32 id = 1; id < b->ntypes; id++) {
			const struct btf_type *t = btf__type_by_id(b->btf, id);
			if (btf_is_func(t))
				b->funcs[b->nfuncs++] = name_of(b, t);
		}
	}
	*n = b->nfuncs;
	return b->funcs;
}

static const char *const *type_names(struct typesrc *ts, enum ctype_kind kind,
				     size_t *n)
{
	struct btfsrc *b = of(ts);
	if (!b->types[kind]) {
		b->types[kind] = xmalloc(b->ntypes * sizeof(**b->types));
		for (__u32 id = 1; id < b->ntypes; id++) {
			const struct btf_type *t = btf__type_by_id(b->btf, id);
			bool want = kind == CT_STRUCT ? btf_is_struct(t)
				    : kind == CT_UNION ? btf_is_union(t)
				    : kind == CT_ENUM ? btf_is_any_enum(t)
				    : btf_is_typedef(t) || btf_is_int(t);
			const char *name = name_of(b, t);
			if (want && name)
				b->types[kind][b->ntypenames[kind]++] = name;
		}
	}
	*n = b->ntypenames[kind];
	return b->types[kind];
}

/* ---- trace events ----
 *
 * BTF keeps no variables but per-CPU ones, so struct trace_event_call
 * event_EVENT and its class are not there, nor TRACE_SYSTEM: what remains
 * is, for every tracepoint, the typedef btf_trace_EVENT (a pointer to
 * void (void *__data, PROTO)), and for every event class the function
 * __bpf_trace_CLASS (void *__data, PROTO) and struct
 * trace_event_raw_CLASS. An event with its own raw struct is its own
 * class (TRACE_EVENT); otherwise its class is one whose PROTO has the
 * same parameter types, which the kernel checks at build time
 * (check_trace_callback_type_EVENT). Several classes may share a
 * PROTO: then the event keeps them all. A bare tracepoint
 * (DECLARE_TRACE) is no event: it has its own __bpf_trace_ but no raw
 * struct. */

struct named_proto {
	const char *name;
	__u32 proto;
};

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool same_params(const struct btf *btf, __u32 x, __u32 y)
{
	const struct btf_type *p = btf__type_by_id(btf, x);
	const struct btf_type *q = btf__type_by_id(btf, y);
	if (!p || !q || !btf_is_func_proto(p) || !btf_is_func_proto(q) ||
	    btf_vlen(p) != btf_vlen(q))
		return false;
	for (__u16 i = 0; i < btf_vlen(p); i++)
		if (btf_params(p)[i].type != btf_params(q)[i].type)
			return false;
	return true;
}

/* The FUNC_PROTO a btf_trace_EVENT typedef points to, or 0. */
static __u32 typedef_proto(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_type *ptr = btf__type_by_id(btf, t->type);
	return ptr && btf_is_ptr(ptr) ? ptr->type : 0;
}

static void add_event(struct btfsrc *b, const char *name,
		      const char **classes, size_t n)
{
	if ((b->nevents & (b->nevents - 1)) == 0) /* 0, 1, 2, 4, ...: grow */
		b->events = xrealloc(b->events, (b->nevents ? 2 * b->nevents : 1) *
				     sizeof(*b->events));
	const char **v = arena_alloc(b->ts.arena, n * sizeof(*v));
	memcpy(v, classes, n * sizeof(*v));
	b->events[b->nevents++] = (struct trace_event){
		.name = name, .classes = v, .nclasses = n};
}

static void find_events(struct btfsrc *b)
{
	const char **raws = xmalloc(b->ntypes * sizeof(*raws));
	struct named_proto *cls = xmalloc(b->ntypes * sizeof(*cls));
	struct named_proto *tps = xmalloc(b->ntypes * sizeof(*tps));
	size_t nraws = 0, ncls = 0, ntps = 0;
	for (__u32 id = 1; id < b->ntypes; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		const char *n = name_of(b, t);
		if (!n)
			continue;
		if (btf_is_struct(t) && !strncmp(n, "trace_event_raw_", 16))
			raws[nraws++] = n + 16;
		else if (btf_is_func(t) && !strncmp(n, "__bpf_trace_", 12))
			cls[ncls++] = (struct named_proto){n + 12, t->type};
		else if (btf_is_typedef(t) && !strncmp(n, "btf_trace_", 10))
			tps[ntps++] = (struct named_proto){n + 10,
							   typedef_proto(b->btf, t)};
	}
	qsort(raws, nraws, sizeof(*raws), by_str);
	/* A bare tracepoint is its own class, one without a raw struct;
	 * an event of a DEFINE_EVENT has no __bpf_trace_ of its own. */
	const char **bpfs = xmalloc((ncls + 1) * sizeof(*bpfs));
	for (size_t i = 0; i < ncls; i++)
		bpfs[i] = cls[i].name;
	qsort(bpfs, ncls, sizeof(*bpfs), by_str);
	size_t nbpfs = ncls;
	/* Only classes of events: bare tracepoints have no raw struct. */
	size_t keep = 0;
	for (size_t i = 0; i < ncls; i++)
		if (bsearch(&cls[i].name, raws, nraws, sizeof(*raws), by_str))
			cls[keep++] = cls[i];
	ncls = keep;
	const char **cands = xmalloc((ncls + 1) * sizeof(*cands));
	for (size_t i = 0; i < ntps; i++) {
		size_t n = 0;
		if (bsearch(&tps[i].name, raws, nraws, sizeof(*raws), by_str))
			cands[n++] = tps[i].name;
		else if (!bsearch(&tps[i].name, bpfs, nbpfs, sizeof(*bpfs),
				  by_str))
			for (size_t j = 0; j < ncls; j++)
				if (same_params(b->btf, tps[i].proto, cls[j].proto))
					cands[n++] = cls[j].name;
		if (n)
			add_event(b, tps[i].name, cands, n);
	}
	free(cands);
	free(bpfs);
	free(raws);
	free(cls);
	free(tps);
	qsort(b->events, b->nevents, sizeof(*b->events), event_cmp);
}

static const struct trace_event *events(struct typesrc *ts, size_t *n)
{
	struct btfsrc *b = of(ts);
	if (!b->have_events) {
		b->have_events = true;
		find_events(b);
	}
	*n = b->nevents;
	return b->events;
}

static struct type *raw_struct(struct typesrc *ts,
			       const struct trace_event *ev, size_t i)
{
	char name[300];
	snprintf(name, sizeof(name), "trace_event_raw_%s", ev->classes[i]);
	return named(ts, CT_STRUCT, name);
}

static void close_btf(struct typesrc *ts)
{
	struct btfsrc *b = of(ts);
	free(b->events);
	for (int k = 0; k < 4; k++)
		free(b->types[k]);
	btf__free(b->btf);
	free(b->cache);
	free(b->funcs);
	for (size_t i = 0; i < b->nlookups; i++)
		free(b->lookups[i].key);
	free(b->lookups);
	free(ts->path);
	arena_free(ts->arena);
	free(b);
}

static const struct typesrc_ops btf_ops = {
	.kind = "BTF",
	.knows_clones = false,
	.complete = complete,
	.function = function,
	.named = named,
	.function_names = function_names,
	.type_names = type_names,
	.all_type_names = type_names,
	.events = events,
	.raw_struct = raw_struct,
	.close = close_btf,
};

/* Does struct pt_regs have this member, also inside its anonymous
 * structs and unions (arm64, ppc64 and s390 nest their registers)? */
static bool has_member(const struct btf *btf, const struct btf_type *t,
		       const char *name)
{
	const struct btf_member *m = btf_members(t);
	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);
		if (n && !strcmp(n, name))
			return true;
		const struct btf_type *mt = btf__type_by_id(btf, m->type);
		if ((!n || !*n) && mt && btf_is_composite(mt) &&
		    has_member(btf, mt, name))
			return true;
	}
	return false;
}

static bool regs_have(void *ctx, const char *name)
{
	const struct btf *btf = ctx;
	__s32 id = btf__find_by_name_kind(btf, "pt_regs", BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (__u32)id) : NULL;
	return t && has_member(btf, t, name);
}

/* A bare BTF file names no machine: the kernel's own struct pt_regs
 * tells the arch, and the blob's byte order tells ppc64 from ppc64le. */
static const struct arch *arch_of_btf(struct btf *btf)
{
	bool big = btf__endianness(btf) == BTF_BIG_ENDIAN;
	return arch_by_regs(regs_have, btf, big);
}

struct typesrc *typesrc_open_btf(const char *path, char **err)
{
	libbpf_set_print(NULL);
	struct btf *btf;
	if (btfhub_is_packed(path)) {
		size_t size;
		void *raw = btfhub_unpack(path, &size, err);
		if (!raw)
			return NULL;
		btf = btf__new(raw, (unsigned)size); /* copies it */
		free(raw);
		if (!btf) {
			*err = xstrdup("its .btf member is not BTF");
			return NULL;
		}
	} else {
		btf = btf__parse(path, NULL);
	}
	if (!btf) {
		int e = errno;
		*err = xstrdup(e == ENOENT ? "no such file"
			       : e == ENODATA ? "no BTF in it"
			       : "not BTF, nor an ELF file with a .BTF section");
		return NULL;
	}
	struct btfsrc *b = xmalloc(sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->ts.ops = &btf_ops;
	b->ts.arena = arena_new();
	b->ts.path = xstrdup(path);
	b->btf = btf;
	b->ts.arch = arch_of_btf(btf);
	b->ntypes = btf__type_cnt(btf);
	b->cache = xmalloc(b->ntypes * sizeof(*b->cache));
	memset(b->cache, 0, b->ntypes * sizeof(*b->cache));
	return &b->ts;
}
