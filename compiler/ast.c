/* ast.c: the program's probes, and the tree dump (surfc --dump-ast) that
 * the grammar tests compare. */
#include <stdlib.h>
#include <string.h>

#include "surfc.h"

struct program *program_new(void)
{
	struct program *p = xmalloc(sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->arena = arena_new();
	return p;
}

void program_free(struct program *p)
{
	if (!p)
		return;
	arena_free(p->arena);
	free(p->probes);
	free(p);
}

void program_add(struct program *p, struct probe *probe)
{
	if (p->nprobes == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->probes = xrealloc(p->probes, p->cap * sizeof(*p->probes));
	}
	p->probes[p->nprobes++] = probe;
}

void program_insert(struct program *p, size_t at, struct probe *probe)
{
	program_add(p, probe);
	memmove(&p->probes[at + 1], &p->probes[at],
		(p->nprobes - 1 - at) * sizeof(*p->probes));
	p->probes[at] = probe;
}

struct expr *expr_new(struct arena *a, enum expr_kind kind, struct loc loc)
{
	struct expr *e = arena_alloc(a, sizeof(*e));
	e->kind = kind;
	e->loc = loc;
	return e;
}

const char *cmp_op_text(enum cmp_op op)
{
	static const char *const text[] = {"==", "!=", "<", "<=",
					   ">", ">=", "&", "~"};
	return text[op];
}

/* "@line:col-col" for a node, or "@line:col-line:col" across lines. */
static void dump_loc(FILE *f, const struct source *src, struct loc l)
{
	unsigned l0, c0, l1, c1;
	source_linecol(src, l.start, &l0, &c0);
	source_linecol(src, l.end > l.start ? l.end - 1 : l.start, &l1, &c1);
	if (l0 == l1)
		fprintf(f, " @%u:%u-%u\n", l0, c0, c1);
	else
		fprintf(f, " @%u:%u-%u:%u\n", l0, c0, l1, c1);
}

static void indent(FILE *f, int depth)
{
	fprintf(f, "%*s", depth * 2, "");
}

static void dump_ctype(FILE *f, const struct ctype *t)
{
	static const char *const kw[] = {"struct ", "union ", "enum ", ""};
	fprintf(f, "'%s%s%s%.*s'", kw[t->kind], t->name, t->ptr ? " " : "",
		(int)t->ptr, "****************");
}

static void dump_expr(FILE *f, const struct source *src, const struct expr *e,
		      int depth)
{
	indent(f, depth);
	switch (e->kind) {
	case EX_ARGNUM:
		fprintf(f, "argnum %lld", e->num);
		break;
	case EX_REG:
		fprintf(f, "reg %s", e->name);
		break;
	case EX_RETVAL:
		fputs("retval", f);
		break;
	case EX_COMM:
		fputs("comm", f);
		break;
	case EX_STACK:
		fputs("stack", f);
		break;
	case EX_STACKN:
		if (e->num < 0)
			fprintf(f, "var $%s", e->name);
		else
			fprintf(f, "stack %lld", e->num);
		break;
	case EX_ARGN:
		fprintf(f, "argn %lld", e->num);
		break;
	case EX_SYM:
		fprintf(f, "sym %s", e->name);
		break;
	case EX_IMM:
		fprintf(f, "imm %s", e->name);
		break;
	case EX_IMMSTR:
		fprintf(f, "immstr \"%s\"", e->name);
		break;
	case EX_PARAM:
		fprintf(f, "param %s", e->name);
		break;
	case EX_DEREF:
		fprintf(f, "deref %s%lld", e->user ? "user " : "", e->num);
		break;
	case EX_MEMBER:
		fprintf(f, "member %s%s", e->arrow ? "->" : ".", e->name);
		break;
	case EX_INDEX:
		fprintf(f, "index %lld", e->num);
		break;
	case EX_CAST:
		fprintf(f, "cast%s%s ", e->force ? " force" : "",
			e->tilde ? " tilde" : "");
		dump_ctype(f, e->type);
		if (e->fmt)
			fprintf(f, " fmt %c", e->fmt);
		break;
	case EX_PKTVIEW:
		fprintf(f, "pktview%s ", e->tilde ? " tilde" : "");
		dump_ctype(f, e->type);
		if (e->layer)
			fprintf(f, " l%d", e->layer);
		if (e->fmt)
			fprintf(f, " fmt %c", e->fmt);
		break;
	}
	dump_loc(f, src, e->loc);
	if (e->base)
		dump_expr(f, src, e->base, depth + 1);
}

static void dump_value(FILE *f, const struct fvalue *v)
{
	switch (v->kind) {
	case FV_NUM:
		fprintf(f, "num %s", v->text);
		break;
	case FV_STR:
		fprintf(f, "str \"%s\"", v->text);
		break;
	case FV_WORD:
		fprintf(f, "word %s", v->text);
		break;
	case FV_IPV4:
		fprintf(f, "ipv4 %s", v->text);
		break;
	}
}

static void dump_fexpr(FILE *f, const struct source *src,
		       const struct fexpr *x, int depth)
{
	indent(f, depth);
	switch (x->kind) {
	case FX_OR:
	case FX_AND:
		fputs(x->kind == FX_OR ? "or" : "and", f);
		dump_loc(f, src, x->loc);
		dump_fexpr(f, src, x->left, depth + 1);
		dump_fexpr(f, src, x->right, depth + 1);
		break;
	case FX_NOT:
		fputs("not", f);
		dump_loc(f, src, x->loc);
		dump_fexpr(f, src, x->left, depth + 1);
		break;
	case FX_CMP:
		fprintf(f, "cmp %s %s ", x->field, cmp_op_text(x->op));
		dump_value(f, &x->value);
		dump_loc(f, src, x->loc);
		break;
	}
}

static void dump_probe(FILE *f, const struct probe *p)
{
	const struct source *src = p->src;
	fprintf(f, "probe %s", p->kind_text);
	if (p->name)
		fprintf(f, " name=%s", p->name);
	dump_loc(f, src, p->loc);
	fprintf(f, "  target %s", p->target.text);
	dump_loc(f, src, p->target.loc);
	for (size_t i = 0; i < p->nargs; i++) {
		const struct arg *a = &p->args[i];
		fprintf(f, "  arg %s", a->name);
		if (a->fmt)
			fprintf(f, " fmt %c", a->fmt);
		if (a->ftype)
			fprintf(f, " type %s", a->ftype);
		dump_loc(f, src, a->loc);
		dump_expr(f, src, a->expr, 2);
	}
	if (p->filter) {
		fputs("  filter", f);
		dump_loc(f, src, p->filter_loc);
		dump_fexpr(f, src, p->filter, 2);
	}
}

void ast_dump(FILE *f, const struct program *prog)
{
	for (size_t i = 0; i < prog->nprobes; i++)
		dump_probe(f, prog->probes[i]);
}
