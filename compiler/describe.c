/* describe.c: surfc --describe, what pahole and perf probe -V tell, from
 * whichever type source is in use:
 *
 *   surfc --describe 'struct sk_buff'   members, offsets, sizes, bitfields
 *   surfc --describe sk_buff            the same, when no function has
 *                                       the name
 *   surfc --describe kernel_clone       prototype, where each argument is
 *   surfc --describe sched/sched_switch an event's fields (its format) */
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

/* "char comm[16]", "struct mm_struct *mm", "int (*fn)(void *)" */
static char *decl(struct arena *a, const struct type *t, const char *name)
{
	const char *dims = "";
	while (t->kind == TY_ARRAY && !t->alias) {
		dims = arena_printf(a, "%s[%llu]", dims, t->nelems);
		t = t->target;
	}
	name = name ? name : "";
	if (t->kind == TY_PTR && !t->alias && t->target->kind == TY_FUNC) {
		const struct type *fn = t->target;
		struct strbuf sb = {0};
		sb_printf(&sb, "%s (*%s%s)(", type_name(a, fn->target), name, dims);
		for (size_t i = 0; i < fn->nparams; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "",
				  type_name(a, fn->params[i].type));
		sb_puts(&sb, fn->nparams ? ")" : "void)");
		char *r = arena_strdup(a, sb.s);
		sb_free(&sb);
		return r;
	}
	char *tn = type_name(a, t);
	size_t n = strlen(tn);
	return arena_printf(a, "%s%s%s%s", tn,
			    !*name || (n && tn[n - 1] == '*') ? "" : " ", name, dims);
}

static void put_decl(FILE *f, struct arena *a, const struct type *t,
		     const char *name)
{
	fputs(decl(a, t, name), f);
}

static void put_members(FILE *f, struct typesrc *ts, struct type *t,
			unsigned long long base_bits, int depth)
{
	type_complete(ts, t);
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct member *m = &t->members[i];
		unsigned long long bits = base_bits + m->bit_offset;
		bool anon = !m->name && (m->type->kind == TY_STRUCT ||
					 m->type->kind == TY_UNION);
		fprintf(f, "%*s", depth * 8, "");
		if (anon) {
			fprintf(f, "%s {\n", m->type->kind == TY_UNION ? "union"
								      : "struct");
			put_members(f, ts, m->type, bits, depth + 1);
			fprintf(f, "%*s};%*s/* %5llu %5llu */\n", depth * 8, "",
				54 - depth * 8, "", bits / 8, m->type->size);
			continue;
		}
		char *d = decl(ts->arena, m->type, m->name);
		if (m->bit_size)
			d = arena_printf(ts->arena, "%s:%u", d, m->bit_size);
		int used = (int)strlen(d) + 1 + depth * 8;
		fprintf(f, "%s;%*s", d, used < 56 ? 56 - used : 1, "");
		if (m->bit_size)
			fprintf(f, "/* %5llu:%2llu %3llu */\n", bits / 8, bits % 8,
				m->type->size);
		else
			fprintf(f, "/* %5llu %5llu */\n", bits / 8, m->type->size);
	}
}

static int describe_type(FILE *f, struct typesrc *ts, const char *what)
{
	static const struct {
		const char *kw;
		enum ctype_kind kind;
	} kws[] = {{"struct ", CT_STRUCT}, {"union ", CT_UNION},
		   {"enum ", CT_ENUM}};
	enum ctype_kind kind = CT_NAMED;
	const char *name = what;
	for (size_t i = 0; i < 3; i++) {
		if (!strncmp(what, kws[i].kw, strlen(kws[i].kw))) {
			kind = kws[i].kind;
			name = what + strlen(kws[i].kw);
		}
	}
	struct type *t = ts->ops->named(ts, kind, name);
	/* A bare name that is no typedef: a struct's, then a union's tag. */
	if (!t && kind == CT_NAMED)
		t = ts->ops->named(ts, CT_STRUCT, name);
	if (!t && kind == CT_NAMED)
		t = ts->ops->named(ts, CT_UNION, name);
	if (!t)
		return 1;
	if (t->kind != TY_STRUCT && t->kind != TY_UNION) {
		fprintf(f, "%s: ", what);
		put_decl(f, ts->arena, t, NULL);
		fprintf(f, " (%llu bytes)\n", t->size);
		return 0;
	}
	describe_struct(f, ts, t, name);
	return 0;
}

void describe_struct(FILE *f, struct typesrc *ts, struct type *t,
		     const char *name)
{
	fprintf(f, "%s %s {\n", t->kind == TY_UNION ? "union" : "struct",
		t->name ? t->name : name);
	put_members(f, ts, t, 0, 1);
	fprintf(f, "};%*s/* size: %llu */\n", 54, "", t->size);
}

static const char *const value_names[] = {
	[VAL_UNKNOWN] = "", [VAL_NUM] = "number", [VAL_STR] = "string"};

static void put_fields(FILE *f, struct typesrc *ts,
		       const struct event_field *v, size_t n, int depth)
{
	for (size_t i = 0; i < n; i++) {
		char *d = v[i].dynamic
			? arena_printf(ts->arena, "__data_loc char[] %s", v[i].name)
			: decl(ts->arena, v[i].type, v[i].name);
		int used = (int)strlen(d) + 1 + depth;
		fprintf(f, "%*s%s;%*s/* %5llu %5llu */%s%s\n", depth, "", d,
			used < 56 ? 56 - used : 1, "", v[i].offset,
			v[i].type->size, v[i].value ? " " : "",
			value_names[v[i].value]);
	}
}

/* The fields as the event's format file lists them past the common
 * ones, with how a filter compares each; of each class, when the types
 * cannot tell which is the event's. */
void describe_event(FILE *f, struct typesrc *ts, const struct trace_event *ev)
{
	size_t n;
	fprintf(f, "%s\n", event_path(ts->arena, ev));
	if (!event_fields(ts, ev, &n)) {
		fprintf(f, "  (its fields are not in the types: the kernel "
			"makes them)\n");
		return;
	}
	if (ev->nclasses == 1) {
		put_fields(f, ts, event_fields(ts, ev, &n), n, 2);
		return;
	}
	fprintf(f, "  (the types do not say which of %zu classes it uses)\n",
		ev->nclasses);
	for (size_t i = 0; i < ev->nclasses; i++) {
		const struct event_field *v = event_class_fields(ts, ev, i, &n);
		fprintf(f, "  class %s:\n", ev->classes[i]);
		put_fields(f, ts, v, n, 4);
	}
}

/* Where parameter i is at entry, as the fetcharg a probe would use. */
static bool param_location(struct strbuf *sb, struct arena *ar,
			   const struct func_info *fn, const struct arch *a,
			   unsigned i)
{
	struct argplan plan = {0};
	if (!plan_param(ar, fn, a, i, &plan))
		return false;
	put_fetcharg(sb, &plan, &(struct render_target){a, FEAT_ALL});
	return true;
}

int describe_function(FILE *f, const struct options *opt, const char *name)
{
	struct typesrc *ts = opt->types;
	const struct func_info *fn = ts->ops->function(ts, name);
	if (!fn)
		return 1;
	const struct type *p = fn->proto;
	char *ret = decl(ts->arena, p->target, NULL);
	fprintf(f, "%s%s%s(", ret, ret[strlen(ret) - 1] == '*' ? "" : " ",
		fn->name);
	for (size_t i = 0; i < p->nparams; i++) {
		fputs(i ? ", " : "", f);
		put_decl(f, ts->arena, p->params[i].type, p->params[i].name);
	}
	fprintf(f, "%s)\n", p->variadic ? ", ..." : p->nparams ? "" : "void");
	const struct arch *a = opt->arch;
	for (size_t i = 0; i < p->nparams; i++) {
		struct strbuf sb = {0};
		const char *where = param_location(&sb, ts->arena, fn, a,
						  (unsigned)i) ? sb.s
								 : "(stack)";
		fprintf(f, "  %%%-3zu %-20s %-10s ", i, p->params[i].name ?
			p->params[i].name : "?", where);
		put_decl(f, ts->arena, p->params[i].type, NULL);
		fputc('\n', f);
		sb_free(&sb);
	}
	if (p->target->kind != TY_VOID) {
		fprintf(f, "  %-24s %-10s ", "return", "$retval");
		put_decl(f, ts->arena, p->target, NULL);
		fputc('\n', f);
	}
	if (fn->is_clone)
		fprintf(f, "  (only the clone %s exists; %s)\n", fn->name,
			fn->locs ? "the locations are DWARF's" :
			"its registers need not follow the calling convention");
	return 0;
}

/* The closest function, struct or union name, for "did you mean": a
 * renamed function (typesrc_closest_function's prefix rule) first. The
 * types' names are used only where they are cheap to list (BTF). */
static const char *closest_described(struct typesrc *ts, const char *what)
{
	const char *fn = typesrc_closest_function(ts, what);
	if (fn && !strncmp(fn, what, strlen(what)))
		return fn;
	size_t nf, ns = 0, nu = 0;
	const char *const *fns = ts->ops->function_names(ts, &nf);
	const char *const *ss = ts->ops->type_names
		? ts->ops->type_names(ts, CT_STRUCT, &ns) : NULL;
	const char *const *us = ts->ops->type_names
		? ts->ops->type_names(ts, CT_UNION, &nu) : NULL;
	const char **all = xmalloc((nf + ns + nu + 1) * sizeof(*all));
	memcpy(all, fns, nf * sizeof(*all));
	if (ns)
		memcpy(all + nf, ss, ns * sizeof(*all));
	if (nu)
		memcpy(all + nf + ns, us, nu * sizeof(*all));
	const char *near = closest_name(what, all, nf + ns + nu);
	free(all);
	return near;
}

/* GROUP/EVENT */
static int describe_event_named(FILE *f, struct typesrc *ts, const char *what,
				const char *slash, struct diags *dg)
{
	char *group = arena_strndup(ts->arena, what, (size_t)(slash - what));
	const struct trace_event *ev = typesrc_event(ts, group, slash + 1);
	if (ev) {
		describe_event(f, ts, ev);
		return 0;
	}
	size_t n, k = 0;
	const struct trace_event *all = ts->ops->events(ts, &n);
	const char **names = xmalloc((n + 1) * sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[k++] = all[i].name;
	const char *near = closest_name(slash + 1, names, k);
	const struct trace_event *ev_near = near ? typesrc_event(ts, NULL, near)
						 : NULL;
	free(names);
	/* Where the types do not say the group, the one written. */
	const char *path = !ev_near ? NULL : ev_near->group
		? event_path(ts->arena, ev_near)
		: arena_printf(ts->arena, "%s/%s", group, ev_near->name);
	diag_suggest(dg, NULL, (struct loc){0, 0}, path, NULL,
		     "no event '%s' in the kernel's types", what);
	return 1;
}

int describe(FILE *f, const struct options *opt, const char *what,
	     struct diags *dg)
{
	bool is_type = !strncmp(what, "struct ", 7) || !strncmp(what, "union ", 6) ||
		       !strncmp(what, "enum ", 5);
	if (!opt->types) {
		diag_plain(dg, "surfc", SEV_ERROR, "--describe needs kernel types: "
			   "pass --btf FILE or --vmlinux FILE");
		return 1;
	}
	const char *slash = strchr(what, '/');
	if (slash)
		return describe_event_named(f, opt->types, what, slash, dg);
	if (!is_type && describe_function(f, opt, what) == 0)
		return 0;
	if (describe_type(f, opt->types, what) == 0)
		return 0;
	diag_suggest(dg, NULL, (struct loc){0, 0}, is_type ? NULL :
		     closest_described(opt->types, what), NULL,
		     "no function or type '%s' in the kernel's types", what);
	return 1;
}

/* surfc --describe /PATH:FUNCTION: a user-space function's prototype
 * from its binary's DWARF, and where each argument is at its entry, on
 * the binary's arch unless --arch named one. */
int describe_user_function(FILE *f, const struct options *base,
			   bool arch_given, const char *what, struct diags *dg)
{
	const char *colon = strchr(what, ':');
	char *path = xprintf("%.*s", (int)(colon - what), what);
	const char *func = colon + 1, *why = NULL;
	struct typesrc *ts = utypes_of(base->user, path, &why);
	struct options opt = *base;
	int status = 1;
	opt.types = ts;
	if (!ts)
		diag_plain(dg, "surfc", SEV_ERROR, "cannot describe %s: %s", what,
			   why);
	else if (!ts->arch || (arch_given && ts->arch != opt.arch))
		diag_plain(dg, "surfc", SEV_ERROR, "%s is built for %s, not %s",
			   path, ts->arch ? ts->arch->name : "a machine surfc "
			   "does not know", opt.arch->name);
	else if (opt.arch = ts->arch, describe_function(f, &opt, func) == 0)
		status = 0;
	else
		diag_suggest(dg, NULL, (struct loc){0, 0},
			     typesrc_closest_function(ts, func), NULL,
			     "no function '%s' in the DWARF of %s", func, path);
	free(path);
	return status;
}
