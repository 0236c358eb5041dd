/* types/model.c: the one type model of the checker: allocation, lazy
 * completion and printing. The backends (btfsrc.c, dwarfsrc.c) fill it;
 * open.c chooses which backend reads a file. */
#include <stdlib.h>
#include <string.h>

#include "../surfc.h"

struct type *type_new(struct typesrc *ts, enum type_kind kind)
{
	struct type *t = arena_alloc(ts->arena, sizeof(*t));
	t->kind = kind;
	t->complete = kind != TY_STRUCT && kind != TY_UNION;
	return t;
}

void type_complete(struct typesrc *ts, struct type *t)
{
	if (!t->complete) {
		t->complete = true;
		ts->ops->complete(ts, t);
	}
}

static void put_type(struct strbuf *sb, const struct type *t, int depth);

/* "(int, char *name, ...)" */
static void put_params(struct strbuf *sb, const struct type *fn, int depth,
		       bool names)
{
	sb_putc(sb, '(');
	for (size_t i = 0; i < fn->nparams; i++) {
		if (i)
			sb_puts(sb, ", ");
		put_type(sb, fn->params[i].type, depth + 1);
		if (names && fn->params[i].name && *fn->params[i].name)
			sb_printf(sb, " %s", fn->params[i].name);
	}
	sb_puts(sb, fn->variadic ? ", ...)" : ")");
}

static void put_type(struct strbuf *sb, const struct type *t, int depth)
{
	if (depth > 8) {
		sb_puts(sb, "...");
		return;
	}
	switch (t->kind) {
	case TY_VOID:
		sb_puts(sb, "void");
		break;
	case TY_INT:
	case TY_FLOAT:
		sb_puts(sb, t->alias ? t->alias : t->name ? t->name : "int");
		break;
	case TY_ENUM:
	case TY_STRUCT:
	case TY_UNION:
		if (t->alias) {
			sb_puts(sb, t->alias);
			break;
		}
		sb_puts(sb, t->kind == TY_ENUM ? "enum " : t->kind == TY_STRUCT
			? "struct " : "union ");
		sb_puts(sb, t->name ? t->name : "(anonymous)");
		break;
	case TY_PTR:
		if (t->alias) {
			sb_puts(sb, t->alias);
			break;
		}
		if (t->target->kind == TY_FUNC) { /* int (*)(void *) */
			put_type(sb, t->target->target, depth + 1);
			sb_puts(sb, " (*)");
			put_params(sb, t->target, depth, false);
			break;
		}
		put_type(sb, t->target, depth + 1);
		sb_puts(sb, t->target->kind == TY_PTR ? "*" : " *");
		break;
	case TY_ARRAY:
		put_type(sb, t->target, depth + 1);
		sb_printf(sb, "[%llu]", t->nelems);
		break;
	case TY_FUNC:
		put_type(sb, t->target, depth + 1);
		sb_putc(sb, ' ');
		put_params(sb, t, depth, true);
		break;
	}
}

char *type_name(struct arena *a, const struct type *t)
{
	struct strbuf sb = {0};
	put_type(&sb, t, 0);
	char *s = arena_strdup(a, sb.s);
	sb_free(&sb);
	return s;
}
