/* check.c: the checks that need no kernel types (probe kinds, targets,
 * registers, variables, names, fetch types, kernel limits, filters), and
 * the fetch plan of every argument that needs no types either. A probe's
 * kind is a row of probekind.c's table, chosen by its letter and its
 * target; every test of the kind asks that row. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

/* Kernel limits (kernel/trace/trace_probe.h). */
enum {
	MAX_TRACE_ARGS = 128,
	MAX_ARGSTR_LEN = 63,  /* what follows NAME=, type included */
	MAX_ARG_NAME_LEN = 32,
	MAX_EVENT_NAME_LEN = 63,
	MAX_DEREF_DEPTH = 12,
	MAX_FILTER_STR_VAL = 256, /* kernel/trace/trace.h */
	/* PARAM_MAX_STACK is THREAD_SIZE / sizeof(long): 2048 on every
	 * arch surfc knows (16 KB stacks on 64-bit, 8 KB on arm). */
	PARAM_MAX_STACK = 2048,
	/* A write to an event's filter file must be shorter than a page
	 * (event_filter_write: cnt >= PAGE_SIZE is -EINVAL), newline
	 * included; 4 KB is the smallest page. */
	MAX_FILTER_WRITE = 4096,
	/* A line written to kprobe_events/uprobe_events, without its
	 * newline: WRITE_BUFSIZE (4096) less 2 (trace_parse_run_command). */
	MAX_DEFINITION_LEN = 4094,
	/* The script's group is surfc_<pid>_<pidns>_<start>: the pid (7
	 * digits), the pid namespace's inode (10) and the start time in
	 * clock ticks (20) make it up to 40 bytes longer than -S's surfc. */
	RUN_NAME_EXTRA = 40,
	/* A latency probe's return event: its name and "__ret". */
	RETURN_SUFFIX_LEN = 5,
	/* rN: KRETPROBE_MAXACTIVE_MAX (kernel/trace/trace_kprobe.c). */
	MAX_KRETPROBE_ACTIVE = 4096,
};
/* trace_kprobe.c refuses SYMBOL+OFFSET past UINT_MAX. */
#define MAX_KPROBE_OFFSET 0xffffffffULL

static struct loc sub_loc(struct loc l, size_t from, size_t to)
{
	return (struct loc){l.start + (unsigned)from, l.start + (unsigned)to};
}

/* ---- kinds ---- */

/* The probe's letter, or NULL when it is none (reported). */
static const struct probe_letter *check_kind(struct checker *c,
					     const struct probe *p)
{
	const char *k = p->kind_text;
	const struct probe_letter *l = probe_letter_find(k);
	size_t n = strcspn(k, "0123456789");
	char *letter = arena_strndup(c->arena, k, n);
	if (!l && n && k[n] && probe_letter_find(letter)) {
		ERR(c, p->kind_loc, "'%s' takes no maxactive: only 'r' (a "
		    "kernel return probe) does, as 'r5'", letter);
		return NULL;
	}
	if (!l) {
		/* One letter is as close to p as to r: suggest only for longer
		 * words, such as 'pp'. */
		const char *near = strlen(k) > 1 ? probe_letter_closest(k) : NULL;
		struct strbuf all = {0};
		sb_puts(&all, "a probe starts with ");
		put_probe_letters(&all);
		SUGGEST(c, p->kind_loc, near, arena_strdup(c->arena, all.s),
			"unknown probe kind '%s'", k);
		sb_free(&all);
	}
	return l;
}

/* For the passes over the whole program, which also meet the probes of
 * unknown kinds. */
static bool is_event(const struct probe *p)
{
	return p->kind && p->kind->site == PROBE_EVENT;
}

/* ---- targets ---- */

static bool is_symbol_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.';
}

/* SYMBOL[+OFF] at text[0..len). */
static bool split_symbol(struct checker *c, struct target *t, const char *text,
			 size_t at)
{
	const char *s = text + at;
	size_t n = 0;
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) {
		ERR(c, sub_loc(t->loc, at, strlen(text)),
		    "expected a symbol name, found '%s'", s);
		return false;
	}
	while (is_symbol_char(s[n]))
		n++;
	t->symbol = arena_strndup(c->arena, s, n);
	t->sym_loc = sub_loc(t->loc, at, at + n);
	if (!s[n])
		return true;
	if (!strcmp(s + n, "%return")) {
		/* The kernel's kretprobe syntax, and an fprobe's return. */
		ERR(c, sub_loc(t->loc, at + n, strlen(text)), "'%%return' is "
		    "not surfc's: write 'r %s' for a return probe, or 'f "
		    "%s%%return' for an fprobe on the return", t->symbol,
		    t->symbol);
		return false;
	}
	if (s[n] != '+' || !parse_number(s + n + 1, &t->offset)) {
		ERR(c, sub_loc(t->loc, at + n, strlen(text)),
		    "expected '+OFFSET' after '%s', found '%s'", t->symbol, s + n);
		return false;
	}
	t->has_offset = true;
	t->off_loc = sub_loc(t->loc, at + n, strlen(text));
	return true;
}

static bool path_char_ok(char ch)
{
	/* Paths reach a tracefs line and a shell: keep to the characters
	 * that need no quoting in either. */
	return isalnum((unsigned char)ch) || strchr("._/+-@,=~%", ch);
}

static void check_event_target(struct checker *c, struct target *t,
			       const struct probe_letter *l)
{
	const char *slash = strchr(t->text, '/');
	t->kind = TGT_EVENT;
	if (!slash) {
		ERR(c, t->loc, "an '%s' probe names an existing event as "
		    "GROUP/EVENT, e.g. sched/sched_switch", l->text);
		return;
	}
	t->group = arena_strndup(c->arena, t->text, (size_t)(slash - t->text));
	t->event = arena_strdup(c->arena, slash + 1);
	if (!is_identifier(t->group) || !is_identifier(t->event))
		ERR(c, t->loc, "bad event name '%s': GROUP and EVENT are C identifiers",
		    t->text);
}

/* The PATH of a user-space target, its first len characters. */
static bool check_path(struct checker *c, struct target *t, size_t len)
{
	t->path = arena_strndup(c->arena, t->text, len);
	for (size_t i = 0; t->path[i]; i++) {
		if (!path_char_ok(t->path[i])) {
			ERR(c, sub_loc(t->loc, i, i + 1),
			    "character '%c' is not allowed in a uprobe path", t->path[i]);
			return false;
		}
	}
	if (t->path[0] != '/') {
		ERR(c, sub_loc(t->loc, 0, len),
		    "uprobe path '%s' must be absolute: the script runs from any "
		    "directory", t->path);
		return false;
	}
	return true;
}

/* A FIFO or a terminal would block the read of an ELF header. */
static bool regular_file(struct checker *c, const struct target *t,
			 const char *what)
{
	struct stat st;
	if (stat(t->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		ERR(c, sub_loc(t->loc, 0, strlen(t->path)), "cannot resolve '%s' "
		    "in %s: it is not a regular file", what, t->path);
		return false;
	}
	return true;
}

static void check_user_target(struct checker *c, struct probe *p)
{
	struct target *t = &p->target;
	const char *colon = strrchr(t->text, ':');
	size_t at = colon ? (size_t)(colon - t->text) + 1 : 0;
	if (!colon || strchr(colon, '/')) {
		ERR(c, t->loc, "a user-space target is PATH:SYMBOL[+OFFSET] or "
		    "PATH:0xOFFSET");
		return;
	}
	if (!check_path(c, t, at - 1))
		return;
	if (isdigit((unsigned char)t->text[at])) {
		t->kind = TGT_UOFF;
		t->off_loc = sub_loc(t->loc, at, strlen(t->text));
		if (!parse_number(t->text + at, &t->offset))
			ERR(c, t->off_loc, "bad file offset '%s'", t->text + at);
		t->has_offset = true;
		return;
	}
	t->kind = TGT_USYM;
	if (!split_symbol(c, t, t->text, at))
		return;
	char *err = NULL;
	unsigned long long off;
	if (!regular_file(c, t, t->symbol))
		return;
	if (usym_resolve(t->path, t->symbol, &off, &err)) {
		t->offset += off;
	} else {
		ERR(c, t->sym_loc, "cannot resolve '%s' in %s: %s", t->symbol,
		    t->path, err);
		free(err);
	}
}

/* The markers of t named PROVIDER:NAME, or a suggestion. Every site of
 * the marker is armed (one event each): the first is t's, the others
 * go to c->sites for split_sites(). */
static void find_marker(struct checker *c, struct target *t,
			const struct usdt_markers *ms, size_t at)
{
	const char **names = arena_alloc(c->arena, ms->n * sizeof(*names));
	const char *want = t->text + at;
	c->nsites = 0;
	for (size_t i = 0; i < ms->n; i++) {
		const struct usdt_marker *m = &ms->v[i];
		names[i] = arena_printf(c->arena, "%s:%s", m->provider, m->name);
		if (strcmp(names[i], want))
			continue;
		if (m->why) {
			ERR(c, sub_loc(t->loc, at, strlen(t->text)), "marker %s in "
			    "%s cannot be probed: %s", want, t->path, m->why);
			return;
		}
		if (!t->marker)
			t->marker = m;
		else
			c->sites[c->nsites++] = m;
	}
	if (!t->marker)
		SUGGEST(c, sub_loc(t->loc, at, strlen(t->text)),
			closest_name(want, names, ms->n),
			"'surfc --describe PATH' lists its markers",
			"no USDT marker '%s' in %s", want, t->path);
}

static void check_usdt_target(struct checker *c, struct probe *p)
{
	struct target *t = &p->target;
	t->kind = TGT_USDT;
	if (t->marker)
		return; /* one more site of a marker, from split_sites() */
	const char *name = strrchr(t->text, ':');
	const char *prov = name ? memrchr(t->text, ':', (size_t)(name - t->text))
				: NULL;
	if (!prov || strchr(prov, '/')) {
		ERR(c, t->loc, "a 'U' probe's target is PATH:PROVIDER:NAME, e.g. "
		    "/usr/bin/python3:python:function__entry");
		return;
	}
	size_t plen = (size_t)(prov - t->text);
	if (!check_path(c, t, plen))
		return;
	t->provider = arena_strndup(c->arena, prov + 1, (size_t)(name - prov - 1));
	t->marker_name = arena_strdup(c->arena, name + 1);
	if (!is_identifier(t->provider) || !is_identifier(t->marker_name)) {
		ERR(c, sub_loc(t->loc, plen + 1, strlen(t->text)), "bad marker "
		    "'%s': PROVIDER and NAME are C identifiers", prov + 1);
		return;
	}
	if (!regular_file(c, t, prov + 1))
		return;
	struct usdt_markers ms;
	char *err = NULL;
	if (!usdt_read(c->arena, t->path, &ms, &err)) {
		ERR(c, sub_loc(t->loc, 0, plen), "cannot read the USDT markers "
		    "of %s: %s", t->path, err);
		free(err);
		return;
	}
	/* The sites first: every kernel compiled for must have the same
	 * probes, whether it takes them or not (--allow-partial). */
	c->sites = arena_alloc(c->arena, ms.n * sizeof(*c->sites));
	find_marker(c, t, &ms, plen + 1);
	if (!t->marker)
		return;
	if (ms.arch != c->opt->arch) {
		ERR(c, sub_loc(t->loc, 0, plen), "%s is built for %s; the probes "
		    "are compiled for %s", t->path, ms.arch ? ms.arch->name :
		    "an arch surfc does not know", c->opt->arch->name);
		return;
	}
	t->offset = t->marker->offset;
	/* A semaphore is armed as the uprobe's reference counter, which
	 * kernels take from 4.20 (fetchtype.c's features[]). */
	if (t->marker->sem_offset)
		require_features(c, t->loc, FEAT_REF_CTR);
}

static void check_kernel_target(struct checker *c, struct probe *p)
{
	struct target *t = &p->target;
	const char *colon = strchr(t->text, ':');
	size_t at = 0;
	if (isdigit((unsigned char)t->text[0])) {
		t->kind = TGT_KADDR;
		if (probe_has_return(p))
			ERR(c, t->loc, "a %s probe needs a function's name: its "
			    "return is probed too", p->letter->what);
		if (!parse_number(t->text, &t->offset))
			ERR(c, t->loc, "bad address '%s'", t->text);
		return;
	}
	t->kind = TGT_KSYM;
	if (colon) {
		at = (size_t)(colon - t->text) + 1;
		t->module = arena_strndup(c->arena, t->text, at - 1);
		if (!is_identifier(t->module)) {
			ERR(c, sub_loc(t->loc, 0, at - 1),
			    "bad module name '%s'", t->module);
			return;
		}
	}
	if (!split_symbol(c, t, t->text, at))
		return;
	if (p->kind->site == PROBE_RETURN && t->has_offset && t->offset)
		ERR(c, t->off_loc, "a return probe is placed on a function's entry; "
		    "'+%llu' is not allowed", t->offset);
	else if (probe_has_return(p) && t->has_offset && t->offset)
		ERR(c, t->off_loc, "a %s probe takes a function from its entry "
		    "to its return; '+%llu' is not allowed", p->letter->what,
		    t->offset);
	else if (t->offset > MAX_KPROBE_OFFSET)
		ERR(c, t->off_loc, "offset 0x%llx is past the kernel's limit for "
		    "SYMBOL+OFFSET, 0x%llx", t->offset, MAX_KPROBE_OFFSET);
}

/* f FUNC or f FUNC%return: a function by its name, no offset (fprobes
 * are placed on the function's ftrace site). */
static void check_fprobe_target(struct checker *c, struct probe *p)
{
	struct target *t = &p->target;
	size_t len = strlen(t->text);
	t->kind = TGT_KSYM;
	t->ret = p->kind->site == PROBE_RETURN;
	if (t->ret)
		len -= strlen("%return");
	char *name = arena_strndup(c->arena, t->text, len);
	if (strchr(name, ':')) {
		ERR(c, t->loc, "an fprobe's target is a function's name; the "
		    "kernel finds a module's functions by name too");
		return;
	}
	if (!split_symbol(c, t, name, 0))
		return;
	if (t->has_offset)
		ERR(c, t->off_loc, "an fprobe is placed on a function's entry "
		    "or return; '+%llu' is not allowed (use 'p')", t->offset);
}

/* t TRACEPOINT: the tracepoint's name, as its events/GROUP/NAME is. */
static void check_tpoint_target(struct checker *c, struct probe *p)
{
	struct target *t = &p->target;
	t->kind = TGT_TPOINT;
	t->symbol = t->text;
	t->sym_loc = t->loc;
	if (strchr(t->text, '/'))
		ERR(c, t->loc, "a 't' probe names a tracepoint without its "
		    "group: '%s'", strchr(t->text, '/') + 1);
	else if (!is_identifier(t->text))
		ERR(c, t->loc, "bad tracepoint name '%s': a C identifier",
		    t->text);
}

/* A PATH is anything with a '/' (language.md §2). */
static bool is_user_target(const struct target *t)
{
	return strchr(t->text, '/') != NULL;
}

static void check_target(struct checker *c, struct probe *p,
			 const struct probe_letter *l)
{
	struct target *t = &p->target;
	if (p->kind->site == PROBE_EVENT || p->kind->form == FORM_EPROBE) {
		check_event_target(c, t, l);
		return;
	}
	if (p->kind->form == FORM_FPROBE) {
		check_fprobe_target(c, p);
		return;
	}
	if (p->kind->form == FORM_TPROBE) {
		check_tpoint_target(c, p);
		return;
	}
	if (!p->kind->user && !(l->space & SPACE_KERNEL)) {
		ERR(c, t->loc, "'%s' probes user space: the target is "
		    "PATH:SYMBOL or PATH:0xOFFSET", l->text);
		return;
	}
	if (p->kind->user && !(l->space & SPACE_USER)) {
		ERR(c, t->loc, "'%s' probes kernel functions: the target is "
		    "a function's name", l->text);
		return;
	}
	if (p->kind->marker)
		check_usdt_target(c, p);
	else if (p->kind->user)
		check_user_target(c, p);
	else
		check_kernel_target(c, p);
}

/* ---- names ---- */

static void check_probe_name(struct checker *c, struct probe *p)
{
	if (!p->name)
		return;
	if (strchr(p->name, '/')) {
		ERR(c, p->name_loc, "surfc chooses the event group; name only the "
		    "event, e.g. 'p:%s'", strrchr(p->name, '/') + 1);
	} else if (p->kind->site == PROBE_EVENT) {
		ERR(c, p->name_loc, "an 'e' probe enables an existing event and "
		    "takes no name");
	} else if (!is_identifier(p->name)) {
		ERR(c, p->name_loc, "probe name '%s' is not a C identifier",
		    p->name);
	} else if (strlen(p->name) > MAX_EVENT_NAME_LEN) {
		ERR(c, p->name_loc, "probe name is %zu characters; the kernel's "
		    "limit is %d", strlen(p->name), MAX_EVENT_NAME_LEN);
	} else if (probe_has_return(p) &&
		   strlen(p->name) > MAX_EVENT_NAME_LEN - RETURN_SUFFIX_LEN) {
		ERR(c, p->name_loc, "a %s probe's name is at most %d "
		    "characters: its return event adds '__ret'", p->letter->what,
		    MAX_EVENT_NAME_LEN - RETURN_SUFFIX_LEN);
	}
}

static bool is_reserved_field(const char *name)
{
	static const char *const reserved[] = {"__probe_ip", "__probe_ret_ip",
					       "__probe_func"};
	if (!strncmp(name, "common_", 7))
		return true;
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(name, reserved[i]))
			return true;
	return false;
}

/* names maps the names of the arguments before this one to them. */
static void check_arg_name(struct checker *c, struct probe *p, size_t i,
			   struct strmap *names)
{
	struct arg *a = &p->args[i];
	if (strlen(a->name) > MAX_ARG_NAME_LEN) {
		ERR(c, a->name_loc, "argument name is %zu characters; the "
		    "kernel's limit is %d", strlen(a->name), MAX_ARG_NAME_LEN);
		return;
	}
	if (is_reserved_field(a->name)) {
		ERR(c, a->name_loc, "'%s' is a name the kernel reserves for its "
		    "own fields", a->name);
		return;
	}
	const struct arg *first = strmap_put(names, a->name, a);
	if (first) {
		ERR(c, a->name_loc, "argument '%s' is defined twice", a->name);
		NOTE(c, first->name_loc, "first defined here");
	}
}

/* ---- expressions ---- */

/* The first node of e that needs kernel types to compile, or NULL. */
static const struct expr *typed_node(const struct expr *e)
{
	for (; e; e = e->base) {
		switch (e->kind) {
		case EX_PARAM:
		case EX_MEMBER:
		case EX_INDEX:
		case EX_CAST:
		case EX_PKTVIEW:
			return e;
		default:
			break;
		}
	}
	return NULL;
}

static void check_pktview(struct checker *c, const struct expr *e)
{
	const struct ctype *t = e->type;
	const struct header_view *h = header_view_find(t->name);
	if (t->kind != CT_STRUCT || !h) {
		const char *near = header_view_closest(t->name);
		struct strbuf views = {0};
		put_header_views(&views);
		SUGGEST(c, t->loc, near ? arena_printf(c->arena, "struct %s",
						      near) : NULL, NULL,
			"a packet view reads one of %s", views.s);
		sb_free(&views);
		return;
	}
	if (e->tilde && t->ptr) {
		ERR(c, t->loc, "'$(struct %s)' names the header itself, without '*'",
		    t->name);
	} else if (!e->tilde && t->ptr != 1) {
		ERR(c, t->loc, "'@(struct %s *)' is a pointer to the header: write "
		    "one '*'", t->name);
	}
	int layer = e->layer ? e->layer : PACKET_DEFAULT_LAYER;
	if (h->layer < layer)
		ERR(c, e->layer ? e->layer_loc : t->loc,
		    "struct %s is a layer %d header, but skb->data points at "
		    "layer %d%s", t->name, h->layer, layer,
		    e->layer ? "" : " (the default)");
}

static void check_symref(struct checker *c, const struct probe *p,
			 const struct expr *e)
{
	const char *s = e->name;
	if (s[0] == '+') {
		if (!p->kind->user)
			ERR(c, e->loc, "'@+OFFSET' is a file offset, for uprobes only");
	} else if (!isdigit((unsigned char)s[0]) && p->kind->user) {
		ERR(c, e->loc, "uprobes cannot read kernel symbols; use "
		    "'@+OFFSET' (a file offset) or '@ADDRESS'");
	}
}

static void check_variable(struct checker *c, const struct probe *p,
			   const struct expr *e)
{
	static const char *const vars[] = {"retval", "comm", "stack",
					   "stack0", "arg1"};
	switch (e->kind) {
	case EX_RETVAL:
		if (p->kind->site == PROBE_RETURN)
			break;
		if (p->kind->form == FORM_FPROBE)
			ERR(c, e->loc, "$retval exists only at a return: 'f %s%%return'",
			    p->target.symbol ? p->target.symbol : "FUNC");
		else
			ERR(c, e->loc, "$retval exists only in return probes ('r')");
		break;
	case EX_STACKN:
		if (e->num < 0) {
			const char *near = closest_name(e->name, vars, 5);
			SUGGEST(c, e->loc, near ? arena_printf(c->arena, "$%s",
							      near) : NULL,
				"there are $retval, $comm, $stack, $stackN and "
				"$argN", "unknown variable '$%s'", e->name);
		} else if (e->num > PARAM_MAX_STACK && !p->kind->user) {
			ERR(c, e->loc, "$stack%lld is past the kernel's limit, "
			    "$stack%d", e->num, PARAM_MAX_STACK);
		}
		break;
	case EX_ARGN:
		if (e->num < 1)
			ERR(c, e->loc, "$argN counts from 1 ($arg1 is the first "
			    "argument; %%0 is its 0-based twin)");
		else if (p->kind->user)
			ERR(c, e->loc, "uprobes have no $argN; use %%%lld",
			    e->num - 1);
		else if (e->num > PARAM_MAX_STACK)
			ERR(c, e->loc, "$arg%lld is past the kernel's limit, "
			    "$arg%d", e->num, PARAM_MAX_STACK);
		else if (!probe_at_entry(p) && p->kind->site != PROBE_RETURN)
			ERR(c, e->loc, "$argN is only available at a function's "
			    "entry (and, on kernels that take it, at its return)");
		break;
	default:
		break;
	}
}

/* The argument spec a U probe's %N names, or NULL when there is none to
 * fetch (reported by check_marker_arg(), or the target was). */
static const struct usdt_arg *marker_arg(const struct probe *p,
					 const struct expr *e)
{
	const struct usdt_marker *m = p->target.marker;
	if (!p->kind->marker || !m || e->num < 0 ||
	    (unsigned long long)e->num >= m->nargs ||
	    m->argv[e->num].kind == UA_BAD)
		return NULL;
	return &m->argv[e->num];
}

/* In a U probe %N is the marker's argument N, as its note's spec says. */
static void check_marker_arg(struct checker *c, const struct probe *p,
			     const struct expr *e)
{
	const struct usdt_marker *m = p->target.marker;
	if (!m)
		return; /* the target was reported */
	if (e->num < 0 || (unsigned long long)e->num >= m->nargs) {
		if (!m->nargs)
			ERR(c, e->loc, "marker %s:%s has no arguments", m->provider,
			    m->name);
		else if (m->nargs == 1)
			ERR(c, e->loc, "marker %s:%s has one argument, %%0; "
			    "%%%lld is past it", m->provider, m->name, e->num);
		else
			ERR(c, e->loc, "marker %s:%s has %u arguments, %%0 to "
			    "%%%u; %%%lld is past them", m->provider, m->name,
			    m->nargs, m->nargs - 1, e->num);
		return;
	}
	const struct usdt_arg *u = &m->argv[e->num];
	if (u->kind == UA_BAD)
		ERR(c, e->loc, "%%%lld of marker %s:%s is '%s', which surfc "
		    "cannot fetch: %s", e->num, m->provider, m->name, u->spec,
		    u->why);
}

static void check_argnum(struct checker *c, const struct probe *p,
			 const struct expr *e)
{
	const struct arch *a = c->opt->arch;
	if (p->kind->marker) {
		check_marker_arg(c, p, e);
		return;
	}
	/* The kernel fetches an fprobe's or a tracepoint's arguments
	 * itself: no register, no stack slot to warn about. */
	if (probe_args_by_argn(p) && e->num < 64)
		return;
	if (e->num >= 64) {
		ERR(c, e->loc, "argument %%%lld: no function has that many "
		    "arguments", e->num);
		return;
	}
	if ((unsigned)e->num >= a->nargregs && a->stack_base < 0) {
		ERR(c, e->loc, "argument %%%lld is passed on the stack on %s, "
		    "which surfc cannot address; %s passes %u in registers",
		    e->num, a->name, a->name, a->nargregs);
		return;
	}
	if (p->kind->site == PROBE_RETURN)
		WARN(c, e->loc, "at a return probe %%%lld reads a register that "
		     "no longer holds the argument", e->num);
	else if (p->target.has_offset && p->target.offset &&
		 p->target.kind == TGT_KSYM)
		WARN(c, e->loc, "at %s+%llu the argument registers may already "
		     "be reused", p->target.symbol, p->target.offset);
}

/* What the dynamic events cannot read: registers (fprobes and tracepoint
 * probes fetch arguments, not registers), and in an event probe anything
 * but its event's fields (the kernel refuses $argN, registers and the
 * stack; its $comm reads no comm). False when e was reported. */
static bool check_dynamic_base(struct checker *c, const struct probe *p,
			       const struct expr *e)
{
	enum probe_form form = p->kind->form;
	if (form == FORM_PROBE)
		return true;
	if (form == FORM_EPROBE) {
		switch (e->kind) {
		case EX_ARGNUM:
		case EX_REG:
		case EX_RETVAL:
		case EX_COMM:
		case EX_STACK:
		case EX_STACKN:
		case EX_ARGN:
			ERR(c, e->loc, "an event probe reads the fields of %s by "
			    "name (surfc --describe %s lists them); '%s' is none",
			    p->target.text, p->target.text,
			    arena_strndup(c->arena, p->src->text + e->loc.start,
					  e->loc.end - e->loc.start));
			return false;
		default:
			return true;
		}
	}
	if (e->kind == EX_REG) {
		ERR(c, e->loc, "'%s' probes read no registers (the kernel "
		    "refuses them): use %%N, $argN or a parameter's name",
		    p->letter->text);
		return false;
	}
	return true;
}

/* Walks an expression; returns the dereference depth. */
static int check_expr(struct checker *c, const struct probe *p,
		      const struct expr *e)
{
	int depth = e->base ? check_expr(c, p, e->base) : 0;
	if (!check_dynamic_base(c, p, e))
		return depth;
	switch (e->kind) {
	case EX_ARGNUM:
		check_argnum(c, p, e);
		break;
	case EX_PARAM:
		/* A uretprobe has nothing of the entry's arguments. */
		if (p->kind->user && p->kind->site == PROBE_RETURN)
			WARN(c, e->loc, "at a return probe '%s' reads where the "
			     "parameter was at entry, which may no longer hold "
			     "it", e->name);
		break;
	case EX_REG:
		if (!arch_has_reg(c->opt->arch, e->name)) {
			const char *near = arch_closest_reg(c->opt->arch, e->name);
			SUGGEST(c, e->loc, near ? arena_printf(c->arena, "%%%s",
							      near) : NULL, NULL,
				"unknown register '%%%s' on %s", e->name,
				c->opt->arch->name);
		}
		break;
	case EX_RETVAL:
	case EX_STACKN:
	case EX_ARGN:
		check_variable(c, p, e);
		break;
	case EX_SYM:
		check_symref(c, p, e);
		break;
	case EX_DEREF:
		depth++;
		if (e->base->kind == EX_COMM || e->base->kind == EX_IMMSTR)
			ERR(c, e->loc, "%s is text, not an address: the kernel "
			    "cannot dereference it", e->base->kind == EX_COMM
			    ? "$comm" : "an immediate string");
		if (depth == MAX_DEREF_DEPTH + 1)
			ERR(c, e->loc, "more than %d nested dereferences; the "
			    "kernel cannot fetch this", MAX_DEREF_DEPTH);
		break;
	case EX_PKTVIEW:
		check_pktview(c, e);
		break;
	case EX_IMMSTR:
		/* The kernel splits a definition at blanks, quotes or not. */
		if (strpbrk(e->name, " \t"))
			ERR(c, e->loc, "an immediate string cannot hold blanks: the "
			    "kernel splits probe definitions at them");
		else if (strchr(e->name, '#')) {
			size_t at = 2 + (size_t)(strchr(e->name, '#') - e->name);
			ERR(c, sub_loc(e->loc, at, at + 1), "an immediate string "
			    "cannot hold '#': the kernel reads the rest of a probe "
			    "definition as a comment");
		}
		break;
	default:
		break;
	}
	return depth;
}

/* ---- fetch types ---- */

/* b<width>@<offset>/<container>: the kernel's bitfield type. */
static bool parse_bitfield(struct checker *c, const struct arg *a,
			   struct fetch_final *out)
{
	unsigned w, o, size;
	char tail;
	if (sscanf(a->ftype, "b%u@%u/%u%c", &w, &o, &size, &tail) != 3) {
		ERR(c, a->ftype_loc, "bad bitfield type '%s': write "
		    "b<width>@<bit-offset>/<container-bits>, e.g. b4@3/32",
		    a->ftype);
		return false;
	}
	if (size != 8 && size != 16 && size != 32 && size != 64) {
		ERR(c, a->ftype_loc, "bitfield container is %u bits; it must be "
		    "8, 16, 32 or 64", size);
		return false;
	}
	if (w == 0 || w + o > size) {
		ERR(c, a->ftype_loc, "bitfield of %u bits at bit %u does not fit "
		    "in %u bits", w, o, size);
		return false;
	}
	*out = (struct fetch_final){fetch_type_bitfield(), w, o, size, 0};
	return true;
}

/* What the kernel refuses for a type with this probe: text that is not
 * fetched as a string, symbols where there are none to print. */
static void check_ftype_fits(struct checker *c, const struct probe *p,
			     const struct arg *a)
{
	const char *t = a->ftype;
	const struct fetch_type *ft = fetch_type_find(t, strcspn(t, "["));
	bool text = a->expr->kind == EX_COMM || a->expr->kind == EX_IMMSTR;
	if (text && !(ft && ft->text_ok && !strchr(t, '[')))
		ERR(c, a->ftype_loc, "'%s' is text: it is fetched as :string, "
		    "not ':%s'", a->text, t);
	else if (p->kind->user && ft && ft->kernel_only)
		ERR(c, a->ftype_loc, "':%s' prints kernel symbols; uprobes have "
		    "none", t);
}

/* The :TYPE written, as data; false (and an error) when it is not one. */
static bool parse_ftype(struct checker *c, const struct arg *a,
			struct fetch_final *out)
{
	const char *t = a->ftype;
	if (t[0] == 'b' && isdigit((unsigned char)t[1]))
		return parse_bitfield(c, a, out);
	const char *br = strchr(t, '[');
	size_t n = br ? (size_t)(br - t) : strlen(t);
	const struct fetch_type *ft = fetch_type_find(t, n);
	if (!ft || ft->is_bitfield) {
		char *base = arena_strndup(c->arena, t, n);
		SUGGEST(c, a->ftype_loc, fetch_type_closest(base),
			"the kernel has u8-u64, s8-s64, x8-x64, char, string, "
			"ustring, symbol, symstr and b<w>@<o>/<c>",
			"unknown fetch type '%s'", base);
		return false;
	}
	*out = (struct fetch_final){.type = ft};
	if (!br)
		return true;
	unsigned long long len = 0;
	char *inside = arena_strdup(c->arena, br + 1);
	size_t il = strlen(inside);
	if (il == 0 || inside[il - 1] != ']') {
		ERR(c, a->ftype_loc, "array type '%s' lacks its ']'", t);
		return false;
	}
	inside[il - 1] = '\0';
	if (!parse_number(inside, &len) || len == 0 || len > MAX_FETCH_ARRAY) {
		ERR(c, a->ftype_loc, "array length must be 1 to %d, not '%s'",
		    MAX_FETCH_ARRAY, inside);
		return false;
	}
	out->count = (unsigned)len;
	return true;
}

/* ---- plans for arguments that need no types ---- */

/* The base and dereferences of a raw expression, offsets kept in the
 * base they were written in. */
static void plan_raw_expr(struct checker *c, const struct expr *e,
			  struct argplan *plan)
{
	struct fetch_base *b = &plan->base;
	switch (e->kind) {
	case EX_ARGNUM:
		/* An unaddressable argument was reported by check_argnum;
		 * its plan is never written out. */
		if (c->p->kind->marker) {
			if (marker_arg(c->p, e))
				usdt_arg_plan(c->arena, marker_arg(c->p, e), plan);
			else
				b->kind = FB_NONE;
		} else if (probe_args_by_argn(c->p)) {
			*b = (struct fetch_base){.kind = FB_ARGN, .n = e->num + 1};
		} else if (!arch_arg_base(c->opt->arch, (unsigned)e->num, b))
			b->kind = FB_NONE;
		break;
	case EX_REG:
		*b = (struct fetch_base){.kind = FB_REG, .text = e->name};
		break;
	case EX_RETVAL:
		b->kind = FB_RETVAL;
		break;
	case EX_COMM:
		b->kind = FB_COMM;
		break;
	case EX_STACK:
		b->kind = FB_STACK;
		break;
	case EX_STACKN:
		*b = (struct fetch_base){.kind = FB_STACKN, .n = e->num};
		break;
	case EX_ARGN:
		*b = (struct fetch_base){.kind = FB_ARGN, .n = e->num,
					 .entry = probe_at_entry(c->p) &&
						  !probe_args_by_argn(c->p)};
		break;
	case EX_SYM:
		*b = (struct fetch_base){.kind = FB_SYM, .text = e->name};
		break;
	case EX_IMM:
		*b = (struct fetch_base){.kind = FB_IMM, .text = e->name};
		break;
	case EX_IMMSTR:
		*b = (struct fetch_base){.kind = FB_IMMSTR, .text = e->name};
		break;
	case EX_PARAM: /* an event probe's field, without types */
		*b = (struct fetch_base){.kind = FB_EFIELD, .text = e->name};
		break;
	case EX_DEREF:
		plan_raw_expr(c, e->base, plan);
		plan_push_deref(c->arena, plan, e->num, e->user,
				strstr(e->name, "0x") || strstr(e->name, "0X")
				? OFF_HEX : OFF_DEC);
		break;
	default:
		break; /* typed nodes never reach here */
	}
}

/* Does the value of e live in memory (so that :string can read it)? */
static bool is_memory_ref(const struct expr *e)
{
	/* An event probe's field (EX_PARAM, untyped) is the field's text
	 * when it is a string: the kernel gives its address. */
	return e->kind == EX_DEREF || e->kind == EX_SYM ||
	       e->kind == EX_COMM || e->kind == EX_IMMSTR ||
	       e->kind == EX_PARAM;
}

/* The format letter of an argument: the surftrace prefix (S%0->...) or
 * the coolKprobe one (%0S~...); at most one may be written. */
static char fmt_of(struct checker *c, const struct arg *a)
{
	char fmt = a->fmt;
	struct loc at = a->fmt_loc;
	for (const struct expr *e = a->expr; e; e = e->base) {
		if (!e->fmt)
			continue;
		if (fmt) {
			bool e_first = e->fmt_loc.start < at.start;
			ERR(c, e_first ? at : e->fmt_loc, "format letter given twice");
			NOTE(c, e_first ? e->fmt_loc : at, "first given here");
		}
		fmt = e->fmt;
		at = e->fmt_loc;
	}
	return fmt;
}

static void plan_raw(struct checker *c, const struct arg *a, char fmt,
		     struct argplan *plan)
{
	const struct expr *e = a->expr;
	bool text = e->kind == EX_COMM || e->kind == EX_IMMSTR;
	/* A marker's %N has the size and sign of its spec. */
	const struct usdt_arg *spec = e->kind == EX_ARGNUM ? marker_arg(c->p, e)
							   : NULL;
	unsigned bits = spec ? usdt_arg_bits(spec, c->opt->arch->long_bits)
			     : c->opt->arch->long_bits;
	plan_raw_expr(c, e, plan);
	if (a->ftype) {
		/* %N:string means the text argument N points to (language.md
		 * §3); a register holds no text, so this needs no types. */
		bool through = e->kind == EX_ARGNUM &&
			       fetch_final_is_text(&plan->type);
		if (through && spec && spec->kind == UA_IMM) {
			ERR(c, a->ftype_loc, "%%%lld is the constant '%s' in the "
			    "marker: it points to no text", e->num, spec->spec);
		} else if (through) {
			plan_push_deref(c->arena, plan, 0, false, OFF_DEC);
		} else if (fetch_final_is_text(&plan->type) && !is_memory_ref(e)) {
			struct argplan value = *plan;
			struct render_target rt = render_target_of(c->opt);
			struct strbuf sb = {0};
			value.type.type = NULL;
			put_fetcharg(&sb, &value, &rt);
			ERR(c, a->ftype_loc, "':%s' reads memory: write "
			    "+0(%s):%s to read the text the value points to",
			    a->ftype, sb.s, a->ftype);
			sb_free(&sb);
		}
	} else if (fmt && text) {
		ERR(c, a->fmt_loc, "format letter '%c' on a string", fmt);
	} else if (fmt) {
		plan->type.type = fetch_type_int(fetch_letter(fmt, false), bits);
	} else if (spec) {
		plan->type = usdt_arg_type(spec, c->opt->arch->long_bits);
	}
}

/* ip_ and bNN_ arguments are converted on the stream from hex digits:
 * unless the user chose a type, the kernel is asked to print hex. */
static void set_conversion(const struct arg *a, struct argplan *plan)
{
	plan->conv = conversion_of(a->name);
	if (plan->conv && !a->ftype)
		plan->type = (struct fetch_final){
			.type = fetch_type_int('x', plan->conv->bits)};
}

/* The kernel's limits on one fetcharg: its length and its nesting. */
static void check_limits(struct checker *c, const struct arg *a,
			 const struct argplan *plan)
{
	struct render_target rt = render_target_of(c->opt);
	struct strbuf sb = {0};
	put_fetcharg(&sb, plan, &rt);
	if (sb.len > MAX_ARGSTR_LEN)
		ERR(c, a->loc, "fetch argument '%s' is %zu characters; the "
		    "kernel's limit is %d", sb.s, sb.len, MAX_ARGSTR_LEN);
	else if (plan->nderefs > MAX_DEREF_DEPTH && typed_node(a->expr))
		ERR(c, a->loc, "'%s' needs %u nested dereferences; the kernel "
		    "allows %d", a->text, plan->nderefs, MAX_DEREF_DEPTH);
	sb_free(&sb);
}

/* How a message names a feature: the fetch type, or the fetcharg. */
static const char *feature_text(struct checker *c, unsigned bit)
{
	switch (bit) {
	case FEAT_RETURN_ARGN:
		return "$argN in a return probe";
	case FEAT_ARGN:
		return "$argN";
	case FEAT_USER_DEREF:
		return "'+uOFF(...)' (user memory)";
	case FEAT_IMM_VALUE:
		return "immediate values";
	case FEAT_IMM_STRING:
		return "immediate strings";
	case FEAT_ARRAY:
		return "arrays ('TYPE[N]')";
	case FEAT_BITFIELD:
		return "bitfields";
	case FEAT_HIST:
		return "histogram triggers ('h:')";
	case FEAT_HIST_BUCKETS:
		return "'.buckets=N'";
	case FEAT_SYNTH:
		return "synthetic events (latency probes)";
	case FEAT_SYNTH_STRING:
		return "strings in synthetic events";
	case FEAT_REF_CTR:
		return "uprobes with a reference counter, for USDT semaphores";
	case FEAT_FPROBE:
		return "fprobe events ('f')";
	case FEAT_TPROBE:
		return "tracepoint probes ('t')";
	case FEAT_EPROBE:
		return "event probes ('E')";
	case FEAT_MAXACTIVE:
		return "a return probe's maxactive ('rN')";
	default:
		return arena_printf(c->arena, "':%s'", feature_name(bit));
	}
}

/* One feature the model says the kernel lacks is an error naming the
 * release; one it cannot tell for this release is left to the script's
 * check of the target's README, with a warning (once a feature). */
static void require_feature(struct checker *c, struct loc at, unsigned bit)
{
	const struct kernel_features *k = &c->opt->kernel;
	const char *since = feature_since(bit);
	if (!(k->unknown & bit)) {
		ERR(c, at, "kernel %s does not take %s%s%s%s", k->release,
		    feature_text(c, bit), since ? " (kernels from " : "",
		    since ? since : "", since ? " do)" : "");
	} else if (!(c->warned & bit)) {
		c->warned |= bit;
		WARN(c, at, "surfc does not know whether kernel %s takes "
		     "%s%s%s%s: the script checks its tracefs before "
		     "arming", k->release, feature_text(c, bit),
		     since ? " (kernels from " : "", since ? since : "",
		     since ? " do)" : "");
	}
}

void require_features(struct checker *c, struct loc at, unsigned need)
{
	const struct kernel_features *k = &c->opt->kernel;
	if (!k->release)
		return; /* no model: the script checks the README */
	need &= ~k->has;
	for (unsigned bit = 1; need; bit <<= 1) {
		if (need & bit)
			require_feature(c, at, bit);
		need &= ~bit;
	}
}

/* What the plan needs that the model says the kernel lacks; the place is
 * the type where a type asks for it. */
static void check_kernel_takes(struct checker *c, const struct arg *a,
			       const struct argplan *plan)
{
	const struct kernel_features *k = &c->opt->kernel;
	if (!k->release)
		return;
	unsigned need = plan->features & ~k->has;
	/* $argN at entry renders as its register where it is lacking. */
	if (plan->base.kind == FB_ARGN && plan->base.entry)
		need &= ~(unsigned)FEAT_ARGN;
	for (unsigned bit = 1; need; bit <<= 1) {
		if (!(need & bit))
			continue;
		need &= ~bit;
		bool typed = bit & (FEAT_HEX | FEAT_CHAR | FEAT_USTRING |
				    FEAT_SYMBOL | FEAT_SYMSTR | FEAT_BITFIELD |
				    FEAT_ARRAY);
		require_feature(c, typed && a->ftype ? a->ftype_loc : a->expr->loc,
				bit);
	}
}

/* Does the expression use the probed function's prototype? */
static bool uses_proto(const struct expr *e)
{
	for (; e; e = e->base)
		if (e->kind == EX_ARGNUM || e->kind == EX_RETVAL ||
		    e->kind == EX_ARGN)
			return true;
	return false;
}

/* An argument that needs types, without them: its checks that need
 * none, then one error. */
static void check_untyped(struct checker *c, const struct arg *a,
			  const struct expr *typed, unsigned errors,
			  struct argplan *plan)
{
	plan->unresolved = true;
	plan->value = VAL_UNKNOWN;
	if (a->ftype)
		parse_ftype(c, a, &plan->type);
	fmt_of(c, a);
	/* One error per argument: a bad view needs no second one. */
	if (diags_reported(c->dg) == errors &&
	    (!c->opt->check_only || !c->opt->no_types))
		ERR(c, typed->loc, "'%s' needs kernel type information: "
		    "pass --btf FILE or --vmlinux FILE", a->text);
}

/* One argument's checks and plan. */
static void check_arg(struct checker *c, struct probe *p, size_t i,
		      const struct func_info *fn, struct strmap *names)
{
	struct arg *a = &p->args[i];
	struct argplan *plan = &p->plans[i];
	unsigned errors = diags_reported(c->dg);
	check_arg_name(c, p, i, names);
	check_expr(c, p, a->expr);
	if (a->ftype)
		check_ftype_fits(c, p, a);
	const struct expr *typed = typed_node(a->expr);
	/* An event probe's bare field needs no types: the kernel types it. */
	if (typed == a->expr && typed->kind == EX_PARAM && !c->opt->types &&
	    p->kind->form == FORM_EPROBE)
		typed = NULL;
	bool raw = !typed && !(fn && uses_proto(a->expr));
	if (!raw && !c->opt->types && c->skip_typed && p->kind->user) {
		/* The binary's types could not be had: said once, at the
		 * target (user_types()). */
		plan->unresolved = true;
		plan->value = VAL_UNKNOWN;
		return;
	}
	if (!raw && !c->opt->types) {
		check_untyped(c, a, typed, errors, plan);
		return;
	}
	char fmt = fmt_of(c, a);
	if (a->ftype && parse_ftype(c, a, &plan->type) && fmt)
		WARN(c, a->fmt ? a->fmt_loc : a->ftype_loc,
		     "':%s' overrides the format letter '%c'", a->ftype, fmt);
	if (raw) {
		plan_raw(c, a, fmt, plan);
	} else if (diags_reported(c->dg) != errors || c->skip_typed ||
		   !typecheck_arg(c->opt, c->dg, p, fn, a, fmt, plan)) {
		plan->unresolved = true;
		plan->value = VAL_UNKNOWN;
		return;
	}
	set_conversion(a, plan);
	plan->features = plan_features(plan);
	if (plan->base.kind == FB_ARGN && p->kind->site == PROBE_RETURN)
		plan->features |= FEAT_RETURN_ARGN;
	plan->value = plan_value(plan);
	if (!raw || diags_reported(c->dg) == errors) {
		check_kernel_takes(c, a, plan);
		check_limits(c, a, plan);
	}
}

static void check_args(struct checker *c, struct probe *p,
		       const struct func_info *fn)
{
	p->plans = arena_alloc(c->arena, (p->nargs + 1) * sizeof(*p->plans));
	if (p->kind->site == PROBE_EVENT && p->nargs) {
		ERR(c, p->args[0].loc, "an 'e' probe records the event's own "
		    "fields; it takes no arguments");
		return;
	}
	struct strmap names = {0};
	for (size_t i = 0; i < p->nargs; i++) {
		if (i == MAX_TRACE_ARGS) {
			/* The rest cannot be used: checking them would only
			 * cost time and bury this error. */
			ERR(c, p->args[i].loc, "more than %d arguments; the "
			    "kernel's limit is %d", MAX_TRACE_ARGS,
			    MAX_TRACE_ARGS);
			break;
		}
		check_arg(c, p, i, fn, &names);
	}
	strmap_free(&names);
}

/* ---- filters ---- */

static const char *const common_fields[] = {
	"common_pid", "comm", "COMM", "cpu", "CPU", "common_flags",
	"common_preempt_count", "common_type"};
#define NCOMMON (sizeof(common_fields) / sizeof(common_fields[0]))

/* The value kind of a filter field; false when the field is unknown. */
static bool field_kind(const struct probe *p, const char *name,
		       enum value_kind *kind)
{
	for (size_t i = 0; i < p->nargs; i++) {
		if (!strcmp(p->args[i].name, name)) {
			*kind = p->plans ? p->plans[i].value : VAL_UNKNOWN;
			return true;
		}
	}
	for (size_t i = 0; i < NCOMMON; i++) {
		if (!strcmp(common_fields[i], name)) {
			*kind = tolower((unsigned char)name[0]) == 'c' &&
					tolower((unsigned char)name[1]) == 'o' &&
					tolower((unsigned char)name[2]) == 'm' &&
					tolower((unsigned char)name[3]) == 'm' &&
					name[4] == '\0'
				? VAL_STR
				: VAL_NUM;
			return true;
		}
	}
	for (size_t i = 0; i < p->nfields; i++) {
		if (!strcmp(p->fields[i].name, name)) {
			*kind = p->fields[i].value;
			return true;
		}
	}
	/* An existing event's fields are known only with its format, or
	 * from the kernel's types (typecheck_event). */
	*kind = VAL_UNKNOWN;
	return p->kind->site == PROBE_EVENT && !p->has_fields;
}

const char **probe_field_names(const struct probe *p, size_t extra,
				size_t *n)
{
	const char **names = xmalloc((p->nargs + p->nfields + extra) *
				     sizeof(*names));
	*n = 0;
	for (size_t i = 0; i < p->nargs; i++)
		names[(*n)++] = p->args[i].name;
	for (size_t i = 0; i < p->nfields; i++)
		names[(*n)++] = p->fields[i].name;
	return names;
}

static void unknown_field(struct checker *c, const struct probe *p,
			  const struct fexpr *f)
{
	size_t n;
	const char **names = probe_field_names(p, NCOMMON, &n);
	for (size_t i = 0; i < NCOMMON; i++)
		names[n++] = common_fields[i];
	SUGGEST(c, f->field_loc, closest_name(f->field, names, n),
		p->has_fields ? "the fields are the event's own (surfc "
		"--describe GROUP/EVENT), common_pid, comm and cpu"
		: "the fields are this probe's arguments, common_pid, comm "
		"and cpu", "unknown field '%s' in filter", f->field);
	free(names);
}

/* The kernel reads a filter string up to the next quote of the kind it
 * opened with, with no escapes: a string holding both kinds of quote
 * cannot be written, and one of MAX_FILTER_STR_VAL bytes is refused. */
static void check_filter_string(struct checker *c, const struct fvalue *v)
{
	if (strchr(v->text, '"') && strchr(v->text, '\''))
		ERR(c, v->loc, "a filter string cannot hold both ' and \": the "
		    "kernel's filters have no escapes");
	else if (strlen(v->text) >= MAX_FILTER_STR_VAL)
		ERR(c, v->loc, "filter string is %zu characters; the kernel's "
		    "limit is %d", strlen(v->text), MAX_FILTER_STR_VAL - 1);
}

/* ip_ and bNN_ arguments hold unsigned values of 32 or NN bits, which
 * the filter compares byte-swapped: a number must fit them as it is. */
static void check_converted_number(struct checker *c, const struct fexpr *f)
{
	const struct conversion *conv = conversion_of(f->field);
	if (!conv)
		return;
	unsigned bits = conv->bits;
	unsigned long long max = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	if (f->value.negative || f->value.num > max)
		ERR(c, f->value.loc, "'%s' holds an unsigned %u-bit value; %s "
		    "is out of its range", f->field, bits, f->value.text);
}

static void check_cmp(struct checker *c, const struct probe *p,
		      const struct fexpr *f)
{
	enum value_kind kind;
	const struct fvalue *v = &f->value;
	if (!field_kind(p, f->field, &kind)) {
		unknown_field(c, p, f);
		return;
	}
	if (v->kind == FV_STR || v->kind == FV_WORD)
		check_filter_string(c, v);
	if (v->kind == FV_NUM)
		check_converted_number(c, f);
	const struct conversion *conv = conversion_of(f->field);
	bool is_ip = conv && conv->ipv4;
	if (v->kind == FV_IPV4) {
		unsigned a, b, d, e;
		if (sscanf(v->text, "%u.%u.%u.%u", &a, &b, &d, &e) != 4 ||
		    a > 255 || b > 255 || d > 255 || e > 255)
			ERR(c, v->loc, "bad IPv4 address '%s'", v->text);
		else if (!is_ip && kind != VAL_UNKNOWN)
			ERR(c, v->loc, "an IPv4 address compares with an 'ip_' "
			    "argument; '%s' is not one", f->field);
	}
	if (kind == VAL_STR) {
		if (f->op != OP_EQ && f->op != OP_NE && f->op != OP_GLOB)
			ERR(c, f->loc, "'%s' is a string: it compares only with "
			    "==, != and ~", f->field);
		else if (v->kind == FV_NUM || v->kind == FV_IPV4)
			ERR(c, v->loc, "'%s' is a string; to compare it with the "
			    "text %s, quote it: \"%s\"", f->field, v->text, v->text);
	} else if (kind == VAL_NUM) {
		if (f->op == OP_GLOB)
			ERR(c, f->loc, "'~' matches strings; '%s' is a number",
			    f->field);
		else if (v->kind == FV_STR || v->kind == FV_WORD)
			ERR(c, v->loc, "'%s' is a number; '%s' is not", f->field,
			    v->text);
	}
}

static void check_fexpr(struct checker *c, const struct probe *p,
			const struct fexpr *f)
{
	switch (f->kind) {
	case FX_OR:
	case FX_AND:
		check_fexpr(c, p, f->left);
		check_fexpr(c, p, f->right);
		break;
	case FX_NOT:
		check_fexpr(c, p, f->left);
		break;
	case FX_CMP:
		check_cmp(c, p, f);
		break;
	}
}

/* ---- event names ---- */

static char *sanitize_name(struct arena *ar, const char *s)
{
	char *n = arena_alloc(ar, strlen(s) + 2), *q = n;
	if (isdigit((unsigned char)*s))
		*q++ = '_';
	for (; *s; s++)
		*q++ = isalnum((unsigned char)*s) ? *s : '_';
	return n;
}

static char *default_name(struct arena *ar, const struct probe *p)
{
	const struct target *t = &p->target;
	const char *ret = p->kind->site == PROBE_RETURN ? "__return" : "";
	switch (t->kind) {
	case TGT_KSYM:
	case TGT_USYM:
		if (t->kind == TGT_KSYM && t->has_offset && t->offset)
			return sanitize_name(ar, arena_printf(ar, "%s_%llu",
							      t->symbol, t->offset));
		return sanitize_name(ar, arena_printf(ar, "%s%s", t->symbol, ret));
	case TGT_KADDR:
		return arena_printf(ar, "addr_%llx%s", t->offset, ret);
	case TGT_UOFF: {
		const char *base = strrchr(t->path, '/');
		return sanitize_name(ar, arena_printf(ar, "%s_0x%llx%s",
						      base ? base + 1 : t->path,
						      t->offset, ret));
	}
	case TGT_EVENT:
		return t->event;
	case TGT_TPOINT:
		return t->symbol;
	case TGT_USDT: /* NULL when the target was reported */
		return t->marker_name ? sanitize_name(ar, t->marker_name) : NULL;
	}
	return NULL;
}

/* The automatic name of a probe: its target's, with _1, _2... after it
 * when that is taken. next_suffix remembers, for every base name, the
 * suffix to try next, so that n probes on one function cost O(n). */
static char *free_name(struct checker *c, struct strmap *taken,
		       struct strmap *next_suffix, char *base)
{
	if (!strmap_put(taken, base, base))
		return base;
	unsigned *k = strmap_get(next_suffix, base);
	if (!k) {
		k = arena_alloc(c->arena, sizeof(*k));
		*k = 1;
		strmap_put(next_suffix, base, k);
	}
	for (;; ++*k) {
		/* The base gives way to the suffix when both would pass the
		 * kernel's limit (a long name a thousand times). */
		int room = MAX_EVENT_NAME_LEN - snprintf(NULL, 0, "_%u", *k);
		char *name = arena_printf(c->arena, "%.*s_%u", room, base, *k);
		if (!strmap_put(taken, name, name))
			return name;
	}
}

static void reserve_name(struct checker *c, struct strmap *taken,
			 struct probe *p, const char *suffix, const char *what)
{
	char *name = arena_printf(c->arena, "%s%s", p->event, suffix);
	const struct probe *q = strmap_put(taken, name, p);
	if (q) {
		c->src = q->src;
		ERR(c, q->name ? q->name_loc : q->target.loc, "event name '%s' "
		    "is the %s of the %s probe '%s'", name, what,
		    p->letter->what, p->event);
	}
}

/* A latency or graph probe's return event is its own name and __ret; a
 * graph probe's gate, its name and __on. No other probe may have them. */
static void name_return_events(struct checker *c, struct program *prog,
			       struct strmap *taken)
{
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		if (!p->event || !probe_has_return(p))
			continue;
		reserve_name(c, taken, p, "__ret", "return event");
		if (p->letter->graph)
			reserve_name(c, taken, p, "__on", "gate");
	}
}

static void name_events(struct checker *c, struct program *prog)
{
	struct strmap taken = {0}, next_suffix = {0};
	/* Explicit names first: they are what the user asked for. */
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		if (!p->name || is_event(p))
			continue;
		const struct probe *q = strmap_put(&taken, p->name, p);
		if (q) {
			c->src = p->src;
			ERR(c, p->name_loc, "probe name '%s' is used twice",
			    p->name);
			c->src = q->src;
			NOTE(c, q->name_loc, "first used here");
		}
		p->event = p->name;
	}
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		if (is_event(p)) {
			p->event = p->target.event;
			continue;
		}
		if (p->name || !p->kind)
			continue;
		char *base = default_name(c->arena, p);
		if (!base)
			continue;
		/* Room for a suffix _N, and for a return event's __ret. */
		size_t room = MAX_EVENT_NAME_LEN - 4 -
			      (probe_has_return(p) ? RETURN_SUFFIX_LEN : 0);
		if (strlen(base) > room)
			base[room] = '\0';
		p->event = free_name(c, &taken, &next_suffix, base);
	}
	name_return_events(c, prog, &taken);
	strmap_free(&taken);
	strmap_free(&next_suffix);
}

static void check_events_once(struct checker *c, struct program *prog)
{
	struct strmap enabled = {0};
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		/* One that aggregates is never enabled: its trigger turns
		 * the event on for itself. */
		if (!is_event(p) || !p->target.event || p->hist_text)
			continue;
		const struct probe *q = strmap_put(&enabled, p->target.text, p);
		if (q) {
			c->src = p->src;
			ERR(c, p->target.loc, "event %s is enabled twice; "
			    "join the filters with '||'", p->target.text);
			c->src = q->src;
			NOTE(c, q->target.loc, "first enabled here");
		}
	}
	strmap_free(&enabled);
}

/* A kernel puts one probe on a tracepoint: 6.12 refuses a second 't'
 * on it (EEXIST), the tracepoint's stub being registered once. */
static void check_tracepoints_once(struct checker *c, struct program *prog)
{
	struct strmap probed = {0};
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		if (!p->kind || p->kind->form != FORM_TPROBE || !p->target.symbol)
			continue;
		const struct probe *q = strmap_put(&probed, p->target.symbol, p);
		if (q) {
			c->src = p->src;
			ERR(c, p->target.loc, "tracepoint %s is probed twice; the "
			    "kernel takes one 't' probe a tracepoint (put the "
			    "arguments in one)", p->target.symbol);
			c->src = q->src;
			NOTE(c, q->target.loc, "first probed here");
		}
	}
	strmap_free(&probed);
}

/* A graph probe's call graphs are its run's stream (the tracer's
 * output, events printed inside it): a probe that streams cannot share
 * the run. Aggregating probes can. */
static void check_graph_alone(struct checker *c, struct program *prog)
{
	const struct probe *graph = NULL;
	for (size_t i = 0; i < prog->nprobes && !graph; i++)
		if (prog->probes[i]->letter && prog->probes[i]->letter->graph)
			graph = prog->probes[i];
	if (!graph)
		return;
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		if (!p->kind || p->hist || p->letter->graph)
			continue;
		unsigned line, col;
		source_linecol(graph->src, graph->loc.start, &line, &col);
		c->src = p->src;
		ERR(c, p->loc, "this probe streams, and the call graphs of the "
		    "'g' probe at %s:%u are this run's stream: put it in a script "
		    "of its own", graph->src->name, line);
	}
}

static void check_filter_size(struct checker *c, const struct probe *p)
{
	char *text = probe_filter_text(p, c->opt->arch);
	size_t len = strlen(text);
	if (len + 1 >= MAX_FILTER_WRITE)
		ERR(c, p->filter_loc, "the filter is %zu bytes as written to "
		    "tracefs; the kernel takes less than %d, newline included",
		    len, MAX_FILTER_WRITE);
	free(text);
}

/* The definition line of every probe against the kernel's line limit;
 * only once everything else is right, since it needs every fetcharg. */
static void check_definitions(struct checker *c, struct program *prog)
{
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		bool resolved = p->event && !is_event(p);
		for (size_t j = 0; resolved && j < p->nargs; j++)
			resolved = !p->plans[j].unresolved &&
				   p->plans[j].base.kind != FB_NONE;
		if (!resolved)
			continue;
		struct render_target rt = render_target_of(c->opt);
		char *def = probe_definition(p, c->opt->group, &rt);
		size_t len = strlen(def) + RUN_NAME_EXTRA;
		free(def);
		if (len <= MAX_DEFINITION_LEN)
			continue;
		c->src = p->src;
		p->failed = true;
		ERR(c, p->loc, "the probe's definition is %zu bytes (with the "
		    "script's longest group name); the kernel takes lines of at "
		    "most %d", len, MAX_DEFINITION_LEN);
	}
}

/* A wildcard's match this kernel lacks (another kernel of the fleet has
 * it) is left out here, without a word. */
static bool glob_match_absent(struct checker *c, struct probe *p)
{
	struct typesrc *ts = c->opt->types;
	if (!ts)
		return false;
	if (p->kind->site == PROBE_EVENT)
		p->absent = !typesrc_event(ts, p->target.group, p->target.event);
	else
		p->absent = p->target.symbol &&
			    !ts->ops->function(ts, p->target.symbol);
	return p->absent;
}

/* rN: a kretprobe's maxactive, what the kernel takes (1 to
 * KRETPROBE_MAXACTIVE_MAX). */
static void check_maxactive(struct checker *c, struct probe *p,
			    const struct probe_letter *l)
{
	const char *digits = p->kind_text + strlen(l->text);
	unsigned long long n = 0;
	if (!*digits)
		return;
	if (p->kind->user)
		ERR(c, p->kind_loc, "a uprobe's return takes no maxactive: "
		    "write 'r'");
	else if (!parse_number(digits, &n) || n == 0 || n > MAX_KRETPROBE_ACTIVE)
		ERR(c, p->kind_loc, "maxactive is 1 to %d (the kernel's "
		    "KRETPROBE_MAXACTIVE_MAX), not %s", MAX_KRETPROBE_ACTIVE,
		    digits);
	else
		p->maxactive = (unsigned)n;
}

/* Which arguments of a probe want types: some cannot do without
 * (*typed), some read the prototype where there is one (*proto). */
static const struct arg *wanted_types(const struct probe *p, bool *proto)
{
	const struct arg *typed = NULL;
	*proto = false;
	for (size_t i = 0; i < p->nargs; i++) {
		if (!typed && typed_node(p->args[i].expr))
			typed = &p->args[i];
		*proto |= uses_proto(p->args[i].expr);
	}
	return typed;
}

/* A uprobe's types are its binary's (utypes.c): uopt becomes the
 * probe's options, the kernel's but for them. The binary is opened only
 * when an argument wants types, and it is an error to lack them only
 * when one cannot do without: %0 alone reads the argument register.
 * Returns the probed function, or NULL. */
static const struct func_info *user_types(struct checker *c, struct probe *p,
					  struct options *uopt)
{
	struct target *t = &p->target;
	bool proto;
	*uopt = *c->opt;
	uopt->types = NULL;
	c->opt = uopt;
	const struct arg *typed = wanted_types(p, &proto);
	/* A marker's %N is its spec, typed by no prototype: its binary's
	 * types serve casts only. */
	if (!uopt->user || !t->path || (!typed && (!proto || p->kind->marker)))
		return NULL;
	struct loc at = sub_loc(t->loc, 0, strlen(t->path));
	const char *why = NULL;
	struct typesrc *ts = utypes_of(uopt->user, t->path, &why);
	if (ts && ts->arch != uopt->arch) {
		if (typed)
			ERR(c, at, "%s is built for %s; the probes are compiled "
			    "for %s", t->path, ts->arch ? ts->arch->name
			    : "a machine surfc does not know", uopt->arch->name);
		return NULL;
	}
	if (!ts) {
		if (typed)
			ERR(c, at, "cannot type '%s': %s", typed->text,
			    why ? why : "no types");
		return NULL;
	}
	uopt->types = ts;
	return typed ? typecheck_function(uopt, c->dg, p)
		     : t->kind == TGT_USYM
		     ? ts->ops->function(ts, t->symbol) : NULL;
}

static void check_probe(struct checker *c, struct probe *p)
{
	c->p = p;
	c->src = p->src;
	c->nsites = 0;
	const struct probe_letter *l = check_kind(c, p);
	if (!l)
		return;
	p->letter = l;
	const char *tt = p->target.text;
	size_t tlen = strlen(tt);
	bool ret = tlen > 7 && !strcmp(tt + tlen - 7, "%return");
	p->kind = probe_kind_of(l, is_user_target(&p->target),
				ret && l->form == FORM_FPROBE);
	check_maxactive(c, p, l);
	unsigned before = diags_reported(c->dg);
	require_features(c, p->kind_loc, probe_kind_features(p));
	/* A wildcard of a kind the kernel lacks is reported once, not once
	 * a match. */
	if (!p->target.glob && target_is_glob(p->target.text) &&
	    (diags_reported(c->dg) != before ||
	     !expand_glob(c, c->prog, c->at)))
		return;
	check_probe_name(c, p);
	unsigned errors = diags_reported(c->dg);
	check_target(c, p, l);
	const struct func_info *fn = NULL;
	const struct options *kernel_opt = c->opt;
	struct options uopt;
	if (diags_reported(c->dg) != errors)
		;
	else if (p->target.glob && glob_match_absent(c, p))
		return;
	else if (p->kind->form == FORM_EPROBE)
		typecheck_eprobe(c->opt, c->dg, p);
	else if (p->kind->form == FORM_TPROBE)
		fn = typecheck_tracepoint(c->opt, c->dg, p);
	else if (p->kind->site == PROBE_EVENT)
		typecheck_event(c->opt, c->dg, p);
	else if (p->kind->user)
		fn = user_types(c, p, &uopt);
	else
		fn = typecheck_function(c->opt, c->dg, p);
	if (fn && fn->is_clone && !p->kind->user)
		p->target.clone = fn->name;
	/* An unknown function was reported: its arguments can't be typed. */
	c->skip_typed = diags_reported(c->dg) != errors;
	hist_read(c, p);
	check_args(c, p, fn);
	hist_check(c, p);
	/* Past the argument limit, every field lookup would scan them all. */
	if (p->filter && p->nargs <= MAX_TRACE_ARGS) {
		check_fexpr(c, p, p->filter);
		check_filter_size(c, p);
	}
	c->opt = kernel_opt;
}

/* A marker inlined at several places has a note, so a site, each; every
 * site is armed, by a copy of the probe on that site put after it (one
 * event each, named as the probe with _1, _2...). The copies are checked
 * in turn, since each site's argument specs may differ; the copies of a
 * probe with errors fail with it, their errors reported once. */
static void split_sites(struct checker *c, struct program *prog, size_t i)
{
	struct probe *p = prog->probes[i];
	for (size_t k = 0; k < c->nsites; k++) {
		struct probe *q = arena_alloc(c->arena, sizeof(*q));
		*q = *p;
		q->plans = NULL;
		q->target.origin = p;
		q->target.marker = c->sites[k];
		q->target.offset = c->sites[k]->offset;
		if (p->name)
			q->name = arena_printf(c->arena, "%s_%zu", p->name, k + 1);
		program_insert(prog, i + 1 + k, q);
	}
	c->nsites = 0;
}

void check_program(struct program *prog, const struct options *opt,
		   struct diags *dg)
{
	struct checker c = {.opt = opt, .dg = dg, .arena = prog->arena};
	unsigned before = diags_reported(dg);
	for (size_t i = 0; i < prog->nprobes; i++) {
		struct probe *p = prog->probes[i];
		unsigned errors = diags_reported(dg);
		/* A wildcard's match absent here says nothing of the rest. */
		if (p->target.origin && p->target.origin->failed &&
		    !p->target.origin->absent) {
			/* Reported on the probe written; what every kernel
			 * shares (the arguments' conversions) is its. */
			p->failed = true;
			p->plans = p->target.origin->plans;
			continue;
		}
		c.prog = prog;
		c.at = i;
		check_probe(&c, p);
		p->failed = p->absent || diags_reported(dg) != errors;
		split_sites(&c, prog, i);
	}
	name_events(&c, prog);
	check_events_once(&c, prog);
	check_tracepoints_once(&c, prog);
	check_graph_alone(&c, prog);
	if (diags_reported(dg) == before)
		check_definitions(&c, prog);
}
