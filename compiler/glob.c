/* glob.c: wildcard targets (language.md §2, "Wildcards"). A probe whose
 * target holds a shell glob (p tcp_send*, f vfs_*, e syscalls/sys_enter_open*)
 * is expanded before it is checked into one probe a match: the kernel's
 * functions, or its events, whose names match. Every kernel compiled for
 * must have the same probes (the script shares them), so the matches are
 * those of every kernel's types together; a kernel that lacks one leaves
 * that probe out, silently, as the script leaves out on the target what
 * its tracefs cannot trace. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

bool target_is_glob(const char *text)
{
	return strpbrk(text, "*?[") != NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends name unless the sorted-later dedupe will drop it. */
static void add_name(const char ***v, size_t *n, size_t *cap, const char *name)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = name;
}

/* The functions matching pattern in one kernel's types: as a probe names
 * them (foo for the clone foo.isra.0; foo.cold is part of foo). */
static void match_functions(struct arena *ar, struct typesrc *ts,
			    const char *pattern, const char ***v, size_t *n,
			    size_t *cap)
{
	size_t count;
	const char *const *names = ts->ops->function_names(ts, &count);
	for (size_t i = 0; i < count; i++) {
		const char *name = names[i], *dot = strchr(name, '.');
		if (dot)
			name = arena_strndup(ar, name, (size_t)(dot - name));
		if (!fnmatch(pattern, name, 0))
			add_name(v, n, cap, name);
	}
}

/* The events matching GROUP/EVENT: by their group where the types know
 * it (DWARF), else (BTF) in the group written, which then must be one. */
static void match_events(struct arena *ar, struct typesrc *ts,
			 const char *pattern, const char ***v, size_t *n,
			 size_t *cap)
{
	const char *slash = strchr(pattern, '/');
	char *gpat = arena_strndup(ar, pattern, (size_t)(slash - pattern));
	size_t count;
	const struct trace_event *ev = ts->ops->events(ts, &count);
	for (size_t i = 0; i < count; i++) {
		if (fnmatch(slash + 1, ev[i].name, 0))
			continue;
		if (ev[i].group && !fnmatch(gpat, ev[i].group, 0))
			add_name(v, n, cap, arena_printf(ar, "%s/%s", ev[i].group,
							 ev[i].name));
		else if (!ev[i].group && !target_is_glob(gpat))
			add_name(v, n, cap, arena_printf(ar, "%s/%s", gpat,
							 ev[i].name));
	}
}

/* Every kernel's matches, sorted, each once; malloc'ed. */
static const char **glob_matches(struct checker *c, const char *pattern,
				 bool events, size_t *n)
{
	const char **v = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t k = 0; k < c->opt->nfleet; k++) {
		struct typesrc *ts = c->opt->fleet[k];
		if (events)
			match_events(c->arena, ts, pattern, &v, n, &cap);
		else
			match_functions(c->arena, ts, pattern, &v, n, &cap);
	}
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	size_t out = 0;
	for (size_t i = 0; i < *n; i++)
		if (!out || strcmp(v[out - 1], v[i]))
			v[out++] = v[i];
	*n = out;
	return v;
}

/* The name of the parameter an argument starts from (count in
 * count->x), or NULL when it names none. */
static const char *root_param(const struct expr *e)
{
	while (e->base)
		e = e->base;
	return e->kind == EX_PARAM ? e->name : NULL;
}

/* A match's prototype in the first kernel that has the function. */
static const struct type *match_proto(struct checker *c, const char *name)
{
	for (size_t k = 0; k < c->opt->nfleet; k++) {
		struct typesrc *ts = c->opt->fleet[k];
		const struct func_info *fn = ts->ops->function(ts, name);
		if (fn)
			return fn->proto;
	}
	return NULL;
}

static bool has_param(const struct type *proto, const char *name)
{
	for (size_t i = 0; proto && i < proto->nparams; i++)
		if (proto->params[i].name && !strcmp(proto->params[i].name, name))
			return true;
	return false;
}

/* Does the match have what the argument starts from: the parameter
 * named, or a value for $retval? */
static bool match_has(const struct type *proto, const struct expr *root)
{
	if (root->kind == EX_RETVAL)
		return !proto || proto->target->kind != TY_VOID;
	return has_param(proto, root->name);
}

/* A parameter named in an argument must be one of every match, and
 * $retval needs a value: else one error, listing the matches that lack
 * it. */
static bool params_in_all(struct checker *c, const struct probe *p,
			  const char **m, size_t n)
{
	bool ok = true;
	for (size_t a = 0; a < p->nargs; a++) {
		const struct expr *root = p->args[a].expr;
		while (root->base)
			root = root->base;
		const char *param = root_param(p->args[a].expr);
		/* $retval outside a return probe is the checks' error. */
		if (!param && (root->kind != EX_RETVAL ||
			       p->kind->site != PROBE_RETURN))
			continue;
		struct strbuf lacking = {0};
		size_t nlack = 0;
		for (size_t i = 0; i < n; i++) {
			if (match_has(match_proto(c, m[i]), root))
				continue;
			if (nlack < 8)
				sb_printf(&lacking, "%s%s", nlack ? ", " : "", m[i]);
			nlack++;
		}
		if (nlack > 8)
			sb_printf(&lacking, ", ... (%zu in all)", nlack);
		if (nlack && param)
			ERR(c, root->loc, "'%s' is not a parameter of %zu of the "
			    "%zu functions %s matches: %s", param, nlack, n,
			    p->target.text, lacking.s);
		else if (nlack)
			ERR(c, root->loc, "%zu of the %zu functions %s matches "
			    "return void: %s", nlack, n, p->target.text, lacking.s);
		ok = ok && !nlack;
		sb_free(&lacking);
	}
	return ok;
}

/* Which kinds take a wildcard, and what it matches. */
static bool glob_kind(struct checker *c, const struct probe *p, bool *events)
{
	const struct probe_kind *k = p->kind;
	*events = k->site == PROBE_EVENT;
	if (!k->user && !k->marker && (k->form == FORM_PROBE ||
				       k->form == FORM_FPROBE))
		return true;
	ERR(c, p->target.loc, "a wildcard target is for kernel functions "
	    "('p', 'r', 'l', 'g', 'f') and existing events ('e')");
	return false;
}

/* The copy of p on match m, put after it in the program. */
static void add_copy(struct checker *c, struct program *prog, size_t at,
		     const struct probe *p, const char *m, size_t k)
{
	struct probe *q = arena_alloc(c->arena, sizeof(*q));
	*q = *p;
	q->plans = NULL;
	q->target.text = (char *)m;
	/* When the first match fails, the copies fail with it, its errors
	 * reported once (check_program). */
	q->target.origin = p;
	if (p->name)
		q->name = arena_printf(c->arena, "%s_%zu", p->name, k);
	program_insert(prog, at, q);
}

bool expand_glob(struct checker *c, struct program *prog, size_t i)
{
	struct probe *p = prog->probes[i];
	bool events;
	if (!glob_kind(c, p, &events))
		return false;
	if (events && !strchr(p->target.text, '/')) {
		ERR(c, p->target.loc, "an 'e' probe names events as GROUP/EVENT, "
		    "e.g. syscalls/sys_enter_open*");
		return false;
	}
	if (!c->opt->nfleet) {
		ERR(c, p->target.loc, "a wildcard target is expanded against the "
		    "kernel's types: pass --btf FILE or --vmlinux FILE");
		return false;
	}
	bool ret = p->kind->form == FORM_FPROBE && p->kind->site == PROBE_RETURN;
	const char *suffix = ret ? "%return" : "";
	char *pattern = arena_strndup(c->arena, p->target.text,
				      strlen(p->target.text) - strlen(suffix));
	size_t n;
	const char **m = glob_matches(c, pattern, events, &n);
	bool ok = false;
	if (n == 0)
		ERR(c, p->target.loc, "no %s of the kernel's types matches '%s'",
		    events ? "event" : "function", pattern);
	else if (prog->nprobes - 1 + n > c->opt->max_probes)
		ERR(c, p->target.loc, "'%s' matches %zu %s; with the other "
		    "probes that is past --max-probes %u", pattern, n,
		    events ? "events" : "functions", c->opt->max_probes);
	else
		ok = events || params_in_all(c, p, m, n);
	if (ok) {
		p->target.glob = p->target.text;
		p->target.text = arena_printf(c->arena, "%s%s", m[0], suffix);
		for (size_t k = 1; k < n; k++)
			add_copy(c, prog, i + k, p, arena_printf(c->arena, "%s%s",
				 m[k], suffix), k);
	}
	free(m);
	return ok;
}
