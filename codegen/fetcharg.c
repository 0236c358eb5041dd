/* fetcharg.c: the one place where fetch plans (compiler/plan.c) become the
 * text tracefs takes, for a given kernel's arch and features: each
 * argument's fetcharg, the probe definition line for
 * kprobe_events/uprobe_events (its letter is the probe kind's,
 * probekind.c), and the filter expression. */
#include <stdlib.h>
#include <string.h>

#include "../compiler/surfc.h"

void put_offset(struct strbuf *sb, unsigned long long off)
{
	char dec[32], hex[32];
	snprintf(dec, sizeof(dec), "%llu", off);
	snprintf(hex, sizeof(hex), "0x%llx", off);
	sb_puts(sb, strlen(hex) < strlen(dec) ? hex : dec);
}

void put_target(struct strbuf *sb, const struct target *t)
{
	switch (t->kind) {
	case TGT_KSYM:
		if (t->module)
			sb_printf(sb, "%s:", t->module);
		sb_puts(sb, t->clone ? t->clone : t->symbol);
		if (t->has_offset) {
			sb_putc(sb, '+');
			put_offset(sb, t->offset);
		}
		if (t->ret) /* an fprobe on the function's return */
			sb_puts(sb, "%return");
		break;
	case TGT_TPOINT:
		sb_puts(sb, t->symbol);
		break;
	case TGT_KADDR:
		sb_printf(sb, "0x%llx", t->offset);
		break;
	case TGT_USYM:
	case TGT_UOFF:
		sb_printf(sb, "%s:0x%llx", t->path, t->offset);
		break;
	case TGT_USDT:
		/* A semaphore's file offset is the uprobe's reference
		 * counter: the kernel raises it while the probe is armed. */
		sb_printf(sb, "%s:0x%llx", t->path, t->offset);
		if (t->marker && t->marker->sem_offset)
			sb_printf(sb, "(0x%llx)", t->marker->sem_offset);
		break;
	case TGT_EVENT:
		/* An event probe's: the event it is on, as GROUP.EVENT. */
		sb_printf(sb, "%s.%s", t->group, t->event);
		break;
	}
}

static void put_offset_styled(struct strbuf *sb, long long off,
			      enum offset_style style)
{
	unsigned long long mag = off < 0 ? -(unsigned long long)off
					 : (unsigned long long)off;
	if (style == OFF_HEX)
		sb_printf(sb, "0x%llx", mag);
	else if (style == OFF_DEC)
		sb_printf(sb, "%llu", mag);
	else
		put_offset(sb, mag);
}

static void put_base(struct strbuf *sb, const struct fetch_base *b,
		     const struct render_target *rt)
{
	struct fetch_base reg;
	switch (b->kind) {
	case FB_NONE:
		break;
	case FB_REG:
		sb_printf(sb, "%%%s", b->text);
		break;
	case FB_STACK:
		sb_puts(sb, "$stack");
		break;
	case FB_STACKN:
		sb_printf(sb, "$stack%lld", b->n);
		break;
	case FB_ARGN:
		/* $argN at a function's entry is the calling convention's
		 * place of the argument: where a kernel lacks $argN, that
		 * place says the same. */
		if (!(rt->features & FEAT_ARGN) && b->entry &&
		    arch_arg_base(rt->arch, (unsigned)(b->n - 1), &reg) &&
		    reg.kind != FB_ARGN) {
			put_base(sb, &reg, rt);
			break;
		}
		sb_printf(sb, "$arg%lld", b->n);
		break;
	case FB_RETVAL:
		sb_puts(sb, "$retval");
		break;
	case FB_COMM:
		sb_puts(sb, "$comm");
		break;
	case FB_SYM:
		sb_printf(sb, "@%s", b->text);
		break;
	case FB_IMM:
		sb_printf(sb, "\\%s", b->text);
		break;
	case FB_IMMSTR:
		sb_printf(sb, "\\\"%s\"", b->text);
		break;
	case FB_EFIELD:
		sb_printf(sb, "$%s", b->text);
		break;
	}
}

struct render_target render_target_of(const struct options *opt)
{
	return (struct render_target){opt->arch, opt->kernel.has};
}

void put_fetch_type(struct strbuf *sb, const struct fetch_final *t)
{
	if (t->type->is_bitfield)
		sb_printf(sb, "b%u@%u/%u", t->bf_width, t->bf_offset,
			  t->bf_container);
	else
		sb_puts(sb, t->type->name);
	if (t->count)
		sb_printf(sb, "[%u]", t->count);
}

void put_fetcharg(struct strbuf *sb, const struct argplan *p,
		  const struct render_target *rt)
{
	/* +OFF( ... ) around the base, the outermost dereference first. */
	for (unsigned i = p->nderefs; i-- > 0;) {
		const struct fetch_deref *d = &p->derefs[i];
		sb_puts(sb, d->off < 0 ? "-" : "+");
		if (d->user)
			sb_putc(sb, 'u');
		put_offset_styled(sb, d->off, d->style);
		sb_putc(sb, '(');
	}
	put_base(sb, &p->base, rt);
	for (unsigned i = 0; i < p->nderefs; i++)
		sb_putc(sb, ')');
	if (p->type.type) {
		sb_putc(sb, ':');
		put_fetch_type(sb, &p->type);
	}
}

char *probe_target_and_args(const struct probe *p,
			    const struct render_target *rt)
{
	struct strbuf sb = {0};
	put_target(&sb, &p->target);
	for (size_t i = 0; i < p->nargs; i++) {
		sb_printf(&sb, " %s=", p->args[i].name);
		put_fetcharg(&sb, &p->plans[i], rt);
	}
	return sb.s;
}

char *probe_definition(const struct probe *p, const char *group,
		       const struct render_target *rt)
{
	struct strbuf sb = {0};
	char *rest = probe_target_and_args(p, rt);
	sb_putc(&sb, p->kind->def_letter);
	if (p->maxactive)
		sb_printf(&sb, "%u", p->maxactive);
	sb_printf(&sb, ":%s/%s %s", group, p->event, rest);
	free(rest);
	return sb.s;
}

/* The probe as written, on one line: continuations and newlines become
 * single blanks. */
char *probe_source_text(const struct probe *p)
{
	struct strbuf sb = {0};
	const char *s = p->src->text + p->loc.start;
	const char *end = p->src->text + p->loc.end;
	bool blank = false;
	for (; s < end; s++) {
		bool cont = *s == '\\' && s + 1 < end && s[1] == '\n';
		if (cont || *s == '\n' || *s == '\r' || *s == ' ' || *s == '\t') {
			blank = true;
			s += cont;
			continue;
		}
		if (blank)
			sb_putc(&sb, ' ');
		blank = false;
		sb_putc(&sb, *s);
	}
	if (!sb.s)
		sb_puts(&sb, "");
	return sb.s;
}

static unsigned long long bswap(unsigned long long v, unsigned bits)
{
	unsigned long long r = 0;
	for (unsigned i = 0; i < bits / 8; i++) {
		r = r << 8 | (v & 0xff);
		v >>= 8;
	}
	return r;
}

/* Constants compared with ip_ and bNN_ arguments become the raw value the
 * kernel stores, so that the filter runs in the kernel. */
static void put_value(struct strbuf *sb, const struct fexpr *f,
		      const struct arch *arch)
{
	const struct fvalue *v = &f->value;
	bool big = arch->big_endian;
	const struct conversion *conv = conversion_of(f->field);
	switch (v->kind) {
	case FV_IPV4: {
		unsigned b[4];
		sscanf(v->text, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]);
		unsigned long long x = big
			? (unsigned long long)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
			: (unsigned long long)b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0];
		sb_printf(sb, "0x%llx", x);
		break;
	}
	case FV_NUM:
		if (conv && conv->swapped && !big)
			sb_printf(sb, "0x%llx", bswap(v->num, conv->bits));
		else
			sb_puts(sb, v->text);
		break;
	case FV_STR:
	case FV_WORD: {
		char q = strchr(v->text, '"') ? '\'' : '"';
		sb_printf(sb, "%c%s%c", q, v->text, q);
		break;
	}
	}
}

static int precedence(enum fexpr_kind k)
{
	switch (k) {
	case FX_OR:
		return 1;
	case FX_AND:
		return 2;
	case FX_NOT:
		return 3;
	default:
		return 4;
	}
}

static void put_fexpr(struct strbuf *sb, const struct fexpr *f, int min,
		      const struct arch *arch)
{
	int prec = precedence(f->kind);
	if (prec < min)
		sb_putc(sb, '(');
	switch (f->kind) {
	case FX_OR:
	case FX_AND:
		put_fexpr(sb, f->left, prec, arch);
		sb_puts(sb, f->kind == FX_OR ? "||" : "&&");
		put_fexpr(sb, f->right, prec + 1, arch);
		break;
	case FX_NOT:
		sb_putc(sb, '!');
		put_fexpr(sb, f->left, 4, arch);
		break;
	case FX_CMP:
		sb_printf(sb, "%s%s", f->field, cmp_op_text(f->op));
		put_value(sb, f, arch);
		break;
	}
	if (prec < min)
		sb_putc(sb, ')');
}

char *probe_filter_text(const struct probe *p, const struct arch *arch)
{
	if (!p->filter)
		return NULL;
	struct strbuf sb = {0};
	put_fexpr(&sb, p->filter, 0, arch);
	return sb.s;
}
