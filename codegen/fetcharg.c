/* fetcharg.c: fetch plans to the text tracefs takes: the probe definition
 * line for kprobe_events/uprobe_events (its letter is the probe kind's,
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

static void put_target(struct strbuf *sb, const struct target *t)
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
		break;
	case TGT_KADDR:
		sb_printf(sb, "0x%llx", t->offset);
		break;
	case TGT_USYM:
	case TGT_UOFF:
		sb_printf(sb, "%s:0x%llx", t->path, t->offset);
		break;
	case TGT_EVENT:
		break;
	}
}

char *probe_target_and_args(const struct probe *p)
{
	struct strbuf sb = {0};
	put_target(&sb, &p->target);
	for (size_t i = 0; i < p->nargs; i++)
		sb_printf(&sb, " %s=%s", p->args[i].name, p->plans[i].fetcharg);
	return sb.s;
}

char *probe_definition(const struct probe *p, const char *group)
{
	struct strbuf sb = {0};
	char *rest = probe_target_and_args(p);
	sb_printf(&sb, "%c:%s/%s %s", p->kind->def_letter, group, p->event,
		  rest);
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

/* Byte-order width of a b16_/b32_/b64_/B..._ argument name, or 0. */
static unsigned swap_bits(const char *name)
{
	if ((name[0] != 'b' && name[0] != 'B') || !strchr("136", name[1]))
		return 0;
	if (!strncmp(name + 1, "16_", 3))
		return 16;
	if (!strncmp(name + 1, "32_", 3))
		return 32;
	if (!strncmp(name + 1, "64_", 3))
		return 64;
	return 0;
}

/* Constants compared with ip_ and bNN_ arguments become the raw value the
 * kernel stores, so that the filter runs in the kernel. */
static void put_value(struct strbuf *sb, const struct fexpr *f,
		      const struct options *opt)
{
	const struct fvalue *v = &f->value;
	bool big = opt->arch->big_endian;
	unsigned bits = swap_bits(f->field);
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
		if (bits && !big)
			sb_printf(sb, "0x%llx", bswap(v->num, bits));
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
		      const struct options *opt)
{
	int prec = precedence(f->kind);
	if (prec < min)
		sb_putc(sb, '(');
	switch (f->kind) {
	case FX_OR:
	case FX_AND:
		put_fexpr(sb, f->left, prec, opt);
		sb_puts(sb, f->kind == FX_OR ? "||" : "&&");
		put_fexpr(sb, f->right, prec + 1, opt);
		break;
	case FX_NOT:
		sb_putc(sb, '!');
		put_fexpr(sb, f->left, 4, opt);
		break;
	case FX_CMP:
		sb_printf(sb, "%s%s", f->field, cmp_op_text(f->op));
		put_value(sb, f, opt);
		break;
	}
	if (prec < min)
		sb_putc(sb, ')');
}

char *probe_filter_text(const struct probe *p, const struct options *opt)
{
	if (!p->filter)
		return NULL;
	struct strbuf sb = {0};
	put_fexpr(&sb, p->filter, 0, opt);
	return sb.s;
}
