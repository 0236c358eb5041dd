/* list.c: surfc --list [GLOB]: the functions, trace events and structs of
 * a kernel's types whose names match a shell glob, one a line, sorted
 * (strcmp, as sort(1) does with LC_ALL=C), for grep:
 *
 *   tcp_sendmsg              a function
 *   tcp/tcp_send_reset       an event, GROUP/EVENT (GROUP is '*'
 *                            where the types do not say it: BTF)
 *   struct tcp_sock          a struct
 *
 * -v adds what --describe says of each (describe.c): a function's
 * prototype and where its arguments are, an event's fields, a struct's
 * members. --list-format=json writes one JSON object a line instead. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

enum item_kind { ITEM_FUNCTION, ITEM_EVENT, ITEM_STRUCT };

static const char *const kind_names[] = {
	[ITEM_FUNCTION] = "function", [ITEM_EVENT] = "event",
	[ITEM_STRUCT] = "struct"};

struct item {
	const char *text; /* the line, the sort key */
	enum item_kind kind;
	const char *name;
	const struct trace_event *event;
};

struct items {
	struct item *v;
	size_t n, cap;
};

static void add(struct items *it, struct item x)
{
	if (it->n == it->cap) {
		it->cap = it->cap ? 2 * it->cap : 1024;
		it->v = xrealloc(it->v, it->cap * sizeof(*it->v));
	}
	it->v[it->n++] = x;
}

static bool matches(const char *glob, const char *s)
{
	return !glob || fnmatch(glob, s, 0) == 0;
}

/* An event matches as EVENT and as GROUP/EVENT; when the types do not
 * say its group, a glob's GROUP/ part matches any. */
static bool event_matches(const char *glob, const struct trace_event *ev,
			  const char *path)
{
	if (matches(glob, ev->name) || matches(glob, path))
		return true;
	const char *slash = glob ? strchr(glob, '/') : NULL;
	return !ev->group && slash && matches(slash + 1, ev->name);
}

static void collect(struct typesrc *ts, const char *glob, struct items *it)
{
	size_t n;
	/* Only an event's name has a '/': then reading every struct name
	 * (a third of a second from DWARF) would find nothing. */
	bool events_only = glob && strchr(glob, '/');
	const char *const *names = ts->ops->function_names(ts, &n);
	for (size_t i = 0; i < n && !events_only; i++) {
		/* A probe names a function, not its compiler's parts: foo
		 * for foo.isra.0 (the DWARF backend finds the clone), and
		 * foo.cold is part of foo. */
		const char *name = names[i], *dot = strchr(name, '.');
		if (dot)
			name = arena_strndup(ts->arena, name, (size_t)(dot - name));
		if (matches(glob, name))
			add(it, (struct item){name, ITEM_FUNCTION, name, NULL});
	}
	const struct trace_event *ev = ts->ops->events(ts, &n);
	for (size_t i = 0; i < n; i++) {
		char *path = event_path(ts->arena, &ev[i]);
		if (event_matches(glob, &ev[i], path))
			add(it, (struct item){path, ITEM_EVENT, ev[i].name, &ev[i]});
	}
	names = events_only ? NULL : ts->ops->all_type_names(ts, CT_STRUCT, &n);
	for (size_t i = 0; names && i < n; i++) {
		char *text = arena_printf(ts->arena, "struct %s", names[i]);
		if (matches(glob, names[i]) || matches(glob, text))
			add(it, (struct item){text, ITEM_STRUCT, names[i], NULL});
	}
}

static int by_text(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->text, y->text);
	return c ? c : (int)x->kind - (int)y->kind;
}

/* What describe says of the item (its first line names it). */
static void describe_item(FILE *f, const struct options *opt,
			  const struct item *x)
{
	struct typesrc *ts = opt->types;
	struct type *t;
	switch (x->kind) {
	case ITEM_FUNCTION:
		/* A symbol without DWARF (assembly) has no prototype. */
		if (describe_function(f, opt, x->name) != 0)
			fprintf(f, "%s\n", x->text);
		break;
	case ITEM_EVENT:
		describe_event(f, ts, x->event);
		break;
	case ITEM_STRUCT:
		t = ts->ops->named(ts, CT_STRUCT, x->name);
		if (t)
			describe_struct(f, ts, t, x->name);
		else
			fprintf(f, "%s\n", x->text);
		break;
	}
}

static const char *const filter_kinds[] = {
	[VAL_UNKNOWN] = NULL, [VAL_NUM] = "number", [VAL_STR] = "string"};

/* An event's fields, as data; null when the types lack them. */
static void put_json_fields(FILE *f, struct typesrc *ts,
			    const struct trace_event *ev)
{
	size_t n;
	const struct event_field *v = event_fields(ts, ev, &n);
	if (!v) {
		fputs(",\"fields\":null", f);
		return;
	}
	fputs(",\"fields\":[", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s{\"name\":", i ? "," : "");
		put_json_string(f, v[i].name);
		fputs(",\"type\":", f);
		put_json_string(f, v[i].dynamic ? "__data_loc char[]"
			        : type_name(ts->arena, v[i].type));
		fprintf(f, ",\"offset\":%llu,\"size\":%llu,\"filter\":",
			v[i].offset, v[i].type->size);
		if (filter_kinds[v[i].value])
			put_json_string(f, filter_kinds[v[i].value]);
		else
			fputs("null", f);
		fputc('}', f);
	}
	fputc(']', f);
}

/* What describe printed, as an array of its lines. */
static void put_json_lines(FILE *f, char *text)
{
	fputs(",\"describe\":[", f);
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		fputs(line == text ? "" : ",", f);
		put_json_string(f, line);
	}
	fputc(']', f);
}

static void put_json(FILE *f, const struct options *opt,
		     const struct list_options *lo, const struct item *x)
{
	fputc('{', f);
	if (lo->kernel) {
		fputs("\"kernel\":", f);
		put_json_string(f, lo->kernel);
		fputc(',', f);
	}
	fprintf(f, "\"kind\":\"%s\",\"name\":", kind_names[x->kind]);
	put_json_string(f, x->name);
	if (x->kind == ITEM_EVENT) {
		fputs(",\"group\":", f);
		if (x->event->group)
			put_json_string(f, x->event->group);
		else
			fputs("null", f);
	}
	if (lo->verbose) {
		char *text = NULL;
		size_t size = 0;
		FILE *mem = open_memstream(&text, &size);
		if (mem) {
			describe_item(mem, opt, x);
			fclose(mem);
			put_json_lines(f, text ? text : "");
			free(text);
		}
		if (x->kind == ITEM_EVENT)
			put_json_fields(f, opt->types, x->event);
	}
	fputs("}\n", f);
}

int list_kernel(FILE *f, const struct options *opt,
		const struct list_options *lo, struct diags *dg)
{
	if (!opt->types) {
		diag_plain(dg, "surfc", SEV_ERROR, "--list needs kernel types: "
			   "pass --btf FILE or --vmlinux FILE");
		return 1;
	}
	struct items it = {0};
	collect(opt->types, lo->glob, &it);
	qsort(it.v, it.n, sizeof(*it.v), by_text);
	for (size_t i = 0; i < it.n; i++) {
		const struct item *x = &it.v[i];
		/* A static function of several files is one name. */
		if (i && !by_text(x, x - 1))
			continue;
		if (lo->json)
			put_json(f, opt, lo, x);
		else if (lo->verbose)
			describe_item(f, opt, x);
		else
			fprintf(f, "%s\n", x->text);
	}
	free(it.v);
	return 0;
}
