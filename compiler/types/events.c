/* types/events.c: trace events as the types show them, whichever backend
 * found them. An event's fields are the members of its class's struct
 * trace_event_raw_CLASS, between the common ones (struct trace_entry
 * ent) and the dynamic area (char __data[]); a string kept in that area
 * is a u32 member __data_loc_NAME (or __rel_loc_NAME) naming field NAME.
 * How a filter compares a field follows the kernel's filter_assign_type()
 * (kernel/trace/trace_events_filter.c). */
#include <stdlib.h>
#include <string.h>

#include "../surfc.h"

int event_cmp(const void *a, const void *b)
{
	const struct trace_event *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c || x->group == y->group)
		return c;
	if (!x->group || !y->group)
		return x->group ? 1 : -1;
	return strcmp(x->group, y->group);
}

const struct trace_event *typesrc_event(struct typesrc *ts, const char *group,
					const char *name)
{
	size_t n, lo = 0, hi;
	const struct trace_event *ev = ts->ops->events(ts, &n);
	for (hi = n; lo < hi;) { /* the first event >= name */
		size_t mid = (lo + hi) / 2;
		if (strcmp(ev[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && !strcmp(ev[lo].name, name); lo++)
		if (!group || !ev[lo].group || !strcmp(ev[lo].group, group))
			return &ev[lo];
	return NULL;
}

bool typesrc_has_group(struct typesrc *ts, const char *group)
{
	size_t n;
	const struct trace_event *ev = ts->ops->events(ts, &n);
	for (size_t i = 0; i < n; i++)
		if (ev[i].group && !strcmp(ev[i].group, group))
			return true;
	return false;
}

char *event_path(struct arena *a, const struct trace_event *ev)
{
	return arena_printf(a, "%s/%s", ev->group ? ev->group : "*", ev->name);
}

/* The type's name as the event's format would spell it. */
static const char *spelled(const struct type *t)
{
	return t->alias ? t->alias : t->name ? t->name : "";
}

/* filter_assign_type(): char arrays and char pointers are strings. */
static enum value_kind value_of(const struct type *t)
{
	switch (t->kind) {
	case TY_ARRAY:
		return strstr(spelled(t->target), "char") ? VAL_STR : VAL_UNKNOWN;
	case TY_PTR:
		return t->target->is_char && !t->target->alias ? VAL_STR : VAL_NUM;
	case TY_INT:
	case TY_ENUM:
		return VAL_NUM;
	default:
		return VAL_UNKNOWN;
	}
}

static const char *dynamic_name(const char *member)
{
	static const char *const prefixes[] = {"__data_loc_", "__rel_loc_"};
	for (size_t i = 0; i < 2; i++)
		if (!strncmp(member, prefixes[i], strlen(prefixes[i])))
			return member + strlen(prefixes[i]);
	return NULL;
}

static struct event_field *find_field(struct event_field *v, size_t n,
				      const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* Adds the fields of one class; a field two classes type differently
 * is compared as the kernel decides (VAL_UNKNOWN). */
static size_t add_class_fields(struct typesrc *ts, struct type *raw,
			       struct event_field **v, size_t n, size_t *cap)
{
	type_complete(ts, raw);
	for (size_t i = 0; i < raw->nmembers; i++) {
		const struct member *m = &raw->members[i];
		if (!m->name || !strcmp(m->name, "ent") ||
		    !strcmp(m->name, "__data"))
			continue;
		const char *dyn = dynamic_name(m->name);
		struct event_field f = {
			.name = dyn ? dyn : m->name, .type = m->type,
			.offset = m->bit_offset / 8, .dynamic = dyn != NULL,
			.value = dyn ? VAL_STR : value_of(m->type)};
		struct event_field *old = find_field(*v, n, f.name);
		if (old) {
			if (old->value != f.value)
				old->value = VAL_UNKNOWN;
			continue;
		}
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			struct event_field *nv = arena_alloc(ts->arena,
							     *cap * sizeof(*nv));
			if (n)
				memcpy(nv, *v, n * sizeof(*nv));
			*v = nv;
		}
		(*v)[n++] = f;
	}
	return n;
}

/* The fields of the classes from..to, merged. */
static const struct event_field *merged_fields(struct typesrc *ts,
					       const struct trace_event *ev,
					       size_t from, size_t to, size_t *n)
{
	struct event_field *v = NULL;
	size_t cap = 0;
	bool any = false;
	*n = 0;
	for (size_t i = from; i < to; i++) {
		struct type *raw = ts->ops->raw_struct(ts, ev, i);
		if (!raw)
			continue;
		any = true;
		*n = add_class_fields(ts, raw, &v, *n, &cap);
	}
	return any ? (v ? v : arena_alloc(ts->arena, sizeof(*v))) : NULL;
}

const struct event_field *event_fields(struct typesrc *ts,
				       const struct trace_event *ev, size_t *n)
{
	return merged_fields(ts, ev, 0, ev->nclasses, n);
}

const struct event_field *event_class_fields(struct typesrc *ts,
					     const struct trace_event *ev,
					     size_t i, size_t *n)
{
	return merged_fields(ts, ev, i, i + 1, n);
}
