/* parser.y: the grammar of the Surf probe language (language.md §1-§3, §6).
 *
 * One probe per line. A syntax error is reported with what was expected,
 * and the parser picks up again at the next line, so one run reports every
 * bad line. Meaning (which kinds exist, what a target is, which registers
 * an arch has) is left to the checker: the grammar only builds the tree. */

%define api.pure full
%define parse.error custom
%define parse.lac full
%locations
%expect 0

%code requires {
#include "../compiler/surfc.h"

typedef void *yyscan_t;

struct parse_ctx {
	const struct source *src;
	struct program *prog;
	struct arena *arena;
	struct diags *diags;
	unsigned offset;       /* byte offset of the scanner */
	int depth;             /* parenthesis depth inside an argument */
	int open_parens;       /* depth when the line ended */
	bool word_start;       /* the last token was a separator */
	bool was_word_start;   /* ... as seen by the current token */
	bool eof_newline;      /* the end of the text was turned into NEWLINE */
	unsigned errors;       /* syntax errors reported */
};

#define YYLTYPE struct loc
#define YYLTYPE_IS_DECLARED 1
#define YYLLOC_DEFAULT(cur, rhs, n)                                   \
	do {                                                          \
		if (n) {                                              \
			(cur).start = YYRHSLOC(rhs, 1).start;         \
			(cur).end = YYRHSLOC(rhs, n).end;             \
		} else {                                              \
			(cur).start = (cur).end = YYRHSLOC(rhs, 0).end; \
		}                                                     \
	} while (0)
}

%code provides {
int yylex(YYSTYPE *, YYLTYPE *, yyscan_t);
}

%param {yyscan_t scanner}
%parse-param {struct parse_ctx *pc}

%code {
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static struct loc span(struct loc a, struct loc b)
{
	return (struct loc){a.start, b.end};
}

static struct expr *mk(struct parse_ctx *pc, enum expr_kind k, struct loc l)
{
	return expr_new(pc->arena, k, l);
}

static struct expr *mk_base(struct parse_ctx *, const char *, struct loc);
static struct expr *mk_deref(struct parse_ctx *, const char *, struct expr *,
			     struct loc);
static struct expr *mk_cast(struct parse_ctx *, struct ctype *, struct expr *,
			    struct loc);
static void add_arg(struct parse_ctx *, struct probe *, struct arg *);
static void set_hist(struct parse_ctx *, struct probe *, char *, struct loc);
static struct fexpr *mk_logic(struct parse_ctx *, enum fexpr_kind,
			      struct fexpr *, struct fexpr *, struct loc);
static struct fexpr *bounded_filter(struct parse_ctx *, struct fexpr *,
				    struct loc);
static struct expr *mk_member(struct parse_ctx *, struct expr *, char *, bool,
			      struct loc);
static struct expr *mk_index(struct parse_ctx *, struct expr *, const char *,
			     struct loc, struct loc);
static struct expr *mk_tilde(struct parse_ctx *, struct expr *, const char *,
			     struct loc, struct expr *, struct loc);
static struct fexpr *mk_logic(struct parse_ctx *pc, enum fexpr_kind kind,
			      struct fexpr *left, struct fexpr *right,
			      struct loc loc)
{
	struct fexpr *f = arena_alloc(pc->arena, sizeof(*f));
	f->kind = kind;
	f->loc = loc;
	f->left = left;
	f->right = right;
	f->depth = left->depth + 1;
	if (right && right->depth >= left->depth)
		f->depth = right->depth + 1;
	return f;
}

/* The passes walk a filter recursively: a deeper one is refused here,
 * and dropped so that none of them sees it. */
static struct fexpr *bounded_filter(struct parse_ctx *pc, struct fexpr *f,
				    struct loc loc)
{
	if (f->depth <= MAX_FILTER_DEPTH)
		return f;
	diag(pc->diags, pc->src, loc, SEV_ERROR, "filter nested %u deep "
	     "(each term of a '||' or '&&' chain is a level); surfc's limit "
	     "is %d",
	     f->depth, MAX_FILTER_DEPTH);
	return NULL;
}

static long long index_value(struct parse_ctx *, const char *, struct loc);
static struct fexpr *mk_cmp(struct parse_ctx *, char *, struct loc,
			    enum cmp_op, struct fvalue, struct loc);
/* A quoted filter string without its quotes. Inside "...", \" and \\
 * stand for " and \; every other byte, and everything inside '...', is
 * itself (the kernel's filters have no escapes of their own). */
static char *string_value(struct arena *ar, const char *text)
{
	size_t n = strlen(text) - 2;
	char *v = arena_strndup(ar, text + 1, n), *w = v;
	for (const char *r = v; *r; r++) {
		if (text[0] == '"' && r[0] == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	*w = '\0';
	return v;
}

/* In the kernel's AT&T-like syntax (%ax) would read memory; surfc has
 * no use for parentheses around a lone register or variable, so rather
 * than silently reading the register, it says what to write. */
static struct expr *no_memory_paren(struct parse_ctx *pc, struct expr *e,
				    struct loc loc)
{
	switch (e->kind) {
	case EX_ARGNUM:
	case EX_REG:
	case EX_RETVAL:
	case EX_COMM:
	case EX_STACK:
	case EX_STACKN:
	case EX_ARGN:
	case EX_SYM:
	case EX_IMM:
	case EX_IMMSTR: {
		const char *t = pc->src->text;
		int n = (int)(e->loc.end - e->loc.start);
		diag(pc->diags, pc->src, loc, SEV_ERROR, "'(%.*s)' reads memory in "
		     "the kernel's syntax: write +0(%.*s) for what it points to, "
		     "or %.*s for the value itself", n, t + e->loc.start, n,
		     t + e->loc.start, n, t + e->loc.start);
		break;
	}
	default:
		break;
	}
	return e;
}

static struct fvalue mk_value(struct parse_ctx *, enum fvalue_kind,
			      const char *, struct loc);
static int set_layer(struct parse_ctx *, const char *, struct loc);
static void yyerror(const YYLTYPE *, yyscan_t, struct parse_ctx *,
		    const char *);
}

%union {
	char *str;
	struct expr *expr;
	struct ctype *ctype;
	struct arg *arg;
	struct fexpr *fexpr;
	struct fvalue value;
	struct probe *probe;
	enum cmp_op op;
	unsigned count;
}

%token <str> KIND "probe kind"
%token <str> PROBENAME "probe name"
%token <str> TARGET "probe target"
%token <str> IDENT "name"
%token <str> NUMBER "number"
%token <str> ARGNUM "'%N'"
%token <str> REG "register"
%token <str> DOLLARVAR "'$' variable"
%token <str> SYMREF "'@' symbol"
%token <str> IMM "immediate"
%token <str> IMMSTR "immediate string"
%token <str> DEREF "dereference '+OFF('"
%token <str> FMT "format letter"
%token <str> LAYER "layer mark"
%token <str> FETCHTYPE "fetch type"
%token <str> STRING "string"
%token <str> WORD "word"
%token <str> IPV4 "IPv4 address"
%token <str> BADCHAR "stray character"
%token <str> BADSTRING "unterminated string"
%token NESTED "parenthesis nested too deep"
%token SEP "blank"
%token NEWLINE "end of line"
%token FILTER "'f:'"
%token HIST "'h:'"
%token <str> HISTSPEC "histogram attributes"
%token ARROW "'->'"
%token AT_PAREN "'@('"
%token DOLLAR_PAREN "'$('"
%token BANG_PAREN "'!('"
%token STRUCT "'struct'"
%token UNION "'union'"
%token ENUM "'enum'"
%token ANDAND "'&&'"
%token OROR "'||'"
%token EQ "'=='"
%token NE "'!='"
%token LE "'<='"
%token GE "'>='"

%left OROR
%left ANDAND
%precedence '!'

%type <probe> probe head
%type <str> opt_name
%type <arg> arg
%type <expr> expr primary base view tcast paren pexpr pprimary rawbase
%type <str> opt_fmt
%type <ctype> ctype
%type <str> typename
%type <count> stars
%type <str> opt_ftype
%type <fexpr> filter fexpr
%type <op> cmpop
%type <value> fvalue

%%

file
	: %empty
	| file line
	;

line
	: NEWLINE
	| probe opt_sep NEWLINE	{ program_add(pc->prog, $1); }
	| error NEWLINE		{ yyerrok; }
	;

opt_sep
	: %empty
	| SEP
	;

head
	: KIND opt_name SEP TARGET {
		struct probe *p = arena_alloc(pc->arena, sizeof(*p));
		p->src = pc->src;
		p->kind_text = $1;
		p->kind_loc = @1;
		p->name = $2;
		p->name_loc = @2;
		if ($2)
			p->name_loc.start++; /* past the ':' */
		p->target.text = $4;
		p->target.loc = @4;
		p->loc = span(@1, @4);
		$$ = p;
	}
	;

opt_name
	: %empty	{ $$ = NULL; }
	| PROBENAME	{ $$ = $1; }
	;

probe
	: head
	| probe SEP arg		{ if ($3) add_arg(pc, $1, $3); $1->loc.end = @3.end; $$ = $1; }
	| probe SEP HIST HISTSPEC	{ set_hist(pc, $1, $4, @4); $1->loc.end = @4.end; $$ = $1; }
	| probe SEP filter	{ $1->filter = $3; $1->filter_loc = @3; $1->loc.end = @3.end; $$ = $1; }
	;

arg
	: IDENT '=' opt_fmt expr opt_ftype {
		struct arg *a = arena_alloc(pc->arena, sizeof(*a));
		a->name = $1;
		a->name_loc = @1;
		a->loc = span(@1, @5.end > @4.end ? @5 : @4);
		a->fmt = $3 ? $3[0] : 0;
		a->fmt_loc = @3;
		a->expr = $4;
		a->text = arena_strndup(pc->arena, pc->src->text + @4.start,
					@4.end - @4.start);
		a->ftype = $5;
		a->ftype_loc = @5;
		$$ = a;
		/* Every pass walks an expression recursively: refuse what
		 * would make that walk deep (a->b->c... a hundred times). */
		size_t depth = 0;
		for (const struct expr *e = $4; e; e = e->base)
			depth++;
		if (depth > MAX_EXPR_DEPTH) {
			diag(pc->diags, pc->src, @4, SEV_ERROR,
			     "expression nested %zu deep; surfc's limit is %d",
			     depth, MAX_EXPR_DEPTH);
			$$ = NULL;
		}
	}
	;

opt_fmt
	: %empty	{ $$ = NULL; }
	| FMT
	;

opt_ftype
	: %empty		{ $$ = NULL; }
	| ':' FETCHTYPE		{ $$ = $2; @$ = @2; }
	;

expr
	: primary
	| expr ARROW IDENT		{ $$ = mk_member(pc, $1, $3, true, @$); }
	| expr '.' IDENT		{ $$ = mk_member(pc, $1, $3, false, @$); }
	| expr '[' NUMBER ']'		{ $$ = mk_index(pc, $1, $3, @3, @$); }
	| expr '~' tcast		{ $$ = mk_tilde(pc, $1, NULL, @$, $3, @$); }
	| expr FMT '~' tcast		{ $$ = mk_tilde(pc, $1, $2, @2, $4, @$); }
	;

primary
	: base
	| paren
	| view base		{ $$ = $1; $$->base = $2; $$->loc = @$; }
	| view '(' expr ')'	{ $$ = $1; $$->base = $3; $$->loc = @$; }
	;

/* (%0[0])->len: a parenthesized expression as a base. It may not start
 * with a bare name, which would read as a cast to a typedef: (skb). */
paren
	: '(' pexpr ')'		{ $$ = no_memory_paren(pc, $2, @$); }
	;

pexpr
	: pprimary
	| pexpr ARROW IDENT		{ $$ = mk_member(pc, $1, $3, true, @$); }
	| pexpr '.' IDENT		{ $$ = mk_member(pc, $1, $3, false, @$); }
	| pexpr '[' NUMBER ']'		{ $$ = mk_index(pc, $1, $3, @3, @$); }
	| pexpr '~' tcast		{ $$ = mk_tilde(pc, $1, NULL, @$, $3, @$); }
	| pexpr FMT '~' tcast		{ $$ = mk_tilde(pc, $1, $2, @2, $4, @$); }
	;

pprimary
	: rawbase
	| paren
	| view base		{ $$ = $1; $$->base = $2; $$->loc = @$; }
	| view '(' expr ')'	{ $$ = $1; $$->base = $3; $$->loc = @$; }
	;

view
	: '(' ctype ')'		{ $$ = mk_cast(pc, $2, NULL, @$); }
	| BANG_PAREN ctype ')'	{ $$ = mk_cast(pc, $2, NULL, @$); $$->force = true; }
	| AT_PAREN ctype ')' {
		$$ = mk(pc, EX_PKTVIEW, @$);
		$$->type = $2;
	}
	| AT_PAREN ctype ')' LAYER {
		$$ = mk(pc, EX_PKTVIEW, @$);
		$$->type = $2;
		$$->layer = set_layer(pc, $4, @4);
		$$->layer_loc = @4;
	}
	;

tcast
	: '(' ctype ')' {
		$$ = mk_cast(pc, $2, NULL, @$);
		$$->tilde = true;
	}
	| DOLLAR_PAREN ctype ')' {
		$$ = mk(pc, EX_PKTVIEW, @$);
		$$->type = $2;
		$$->tilde = true;
	}
	| DOLLAR_PAREN ctype ')' IDENT {
		$$ = mk(pc, EX_PKTVIEW, @$);
		$$->type = $2;
		$$->tilde = true;
		$$->layer = set_layer(pc, $4, @4);
		$$->layer_loc = @4;
	}
	;

base
	: rawbase
	| IDENT		{ $$ = mk(pc, EX_PARAM, @1); $$->name = $1; }
	;

rawbase
	: ARGNUM	{ $$ = mk_base(pc, $1, @1); }
	| REG		{ $$ = mk_base(pc, $1, @1); }
	| DOLLARVAR	{ $$ = mk_base(pc, $1, @1); }
	| SYMREF	{ $$ = mk_base(pc, $1, @1); }
	| IMM		{ $$ = mk_base(pc, $1, @1); }
	| IMMSTR	{ $$ = mk_base(pc, $1, @1); }
	| DEREF '(' expr ')' { $$ = mk_deref(pc, $1, $3, @$); }
	;

ctype
	: STRUCT IDENT stars {
		$$ = arena_alloc(pc->arena, sizeof(*$$));
		*$$ = (struct ctype){CT_STRUCT, $2, $3, @$};
	}
	| UNION IDENT stars {
		$$ = arena_alloc(pc->arena, sizeof(*$$));
		*$$ = (struct ctype){CT_UNION, $2, $3, @$};
	}
	| ENUM IDENT stars {
		$$ = arena_alloc(pc->arena, sizeof(*$$));
		*$$ = (struct ctype){CT_ENUM, $2, $3, @$};
	}
	| typename stars {
		$$ = arena_alloc(pc->arena, sizeof(*$$));
		*$$ = (struct ctype){CT_NAMED, $1, $2, @$};
	}
	;

typename
	: IDENT
	| typename IDENT	{ $$ = arena_printf(pc->arena, "%s %s", $1, $2); }
	;

stars
	: %empty	{ $$ = 0; }
	| stars '*'	{ $$ = $1 + 1; }
	;

filter
	: FILTER fexpr	{ $$ = bounded_filter(pc, $2, @2); }
	;

fexpr
	: fexpr OROR fexpr	{ $$ = mk_logic(pc, FX_OR, $1, $3, @$); }
	| fexpr ANDAND fexpr	{ $$ = mk_logic(pc, FX_AND, $1, $3, @$); }
	| '!' fexpr		{ $$ = mk_logic(pc, FX_NOT, $2, NULL, @$); }
	| '(' fexpr ')'		{ $$ = $2; }
	| IDENT cmpop fvalue	{ $$ = mk_cmp(pc, $1, @1, $2, $3, @$); }
	;

cmpop
	: EQ	{ $$ = OP_EQ; }
	| NE	{ $$ = OP_NE; }
	| '<'	{ $$ = OP_LT; }
	| LE	{ $$ = OP_LE; }
	| '>'	{ $$ = OP_GT; }
	| GE	{ $$ = OP_GE; }
	| '&'	{ $$ = OP_BAND; }
	| '~'	{ $$ = OP_GLOB; }
	;

fvalue
	: NUMBER	{ $$ = mk_value(pc, FV_NUM, $1, @1); }
	| STRING	{ $$ = mk_value(pc, FV_STR, $1, @1); }
	| WORD		{ $$ = mk_value(pc, FV_WORD, $1, @1); }
	| IDENT		{ $$ = mk_value(pc, FV_WORD, $1, @1); }
	| IPV4		{ $$ = mk_value(pc, FV_IPV4, $1, @1); }
	;

%%

static struct expr *mk_base(struct parse_ctx *pc, const char *text,
			    struct loc loc)
{
	struct expr *e;
	unsigned long long n;
	switch (text[0]) {
	case '%':
		if (text[1] >= '0' && text[1] <= '9') {
			e = mk(pc, EX_ARGNUM, loc);
			e->num = strtoll(text + 1, NULL, 10);
			if (strlen(text + 1) > 4)
				e->num = 9999; /* the checker says it's too big */
		} else {
			e = mk(pc, EX_REG, loc);
			e->name = arena_strdup(pc->arena, text + 1);
		}
		return e;
	case '$':
		if (!strcmp(text, "$retval"))
			return mk(pc, EX_RETVAL, loc);
		if (!strcmp(text, "$comm"))
			return mk(pc, EX_COMM, loc);
		if (!strcmp(text, "$stack"))
			return mk(pc, EX_STACK, loc);
		e = mk(pc, EX_STACKN, loc);
		e->name = arena_strdup(pc->arena, text + 1);
		if (!strncmp(text, "$stack", 6) && parse_number(text + 6, &n) &&
		    n < 10000) {
			e->num = (long long)n;
		} else if (!strncmp(text, "$arg", 4) &&
			   parse_number(text + 4, &n) && n < 10000) {
			e->kind = EX_ARGN;
			e->num = (long long)n;
		} else {
			e->num = -1; /* unknown variable: the checker says so */
		}
		return e;
	case '@':
		e = mk(pc, EX_SYM, loc);
		e->name = arena_strdup(pc->arena, text + 1);
		return e;
	default: /* '\\' */
		if (text[1] == '"') {
			e = mk(pc, EX_IMMSTR, loc);
			e->name = arena_strndup(pc->arena, text + 2,
						strlen(text) - 3);
		} else {
			e = mk(pc, EX_IMM, loc);
			e->name = arena_strdup(pc->arena, text + 1);
		}
		return e;
	}
}

static struct expr *mk_deref(struct parse_ctx *pc, const char *text,
			     struct expr *inner, struct loc loc)
{
	struct expr *e = mk(pc, EX_DEREF, loc);
	const char *p = text + 1;
	if (*p == 'u') {
		e->user = true;
		p++;
	}
	unsigned long long n;
	if (!parse_number(p, &n) || n > 0x7fffffffffffffffULL) {
		diag(pc->diags, pc->src, (struct loc){loc.start, loc.start + (unsigned)strlen(text)},
		     SEV_ERROR, "bad dereference offset '%s'", text);
		n = 0;
	}
	e->num = text[0] == '-' ? -(long long)n : (long long)n;
	e->name = arena_strdup(pc->arena, text);
	e->base = inner;
	return e;
}

static struct expr *mk_cast(struct parse_ctx *pc, struct ctype *t,
			    struct expr *inner, struct loc loc)
{
	struct expr *e = mk(pc, EX_CAST, loc);
	e->type = t;
	e->base = inner;
	return e;
}

static struct expr *mk_member(struct parse_ctx *pc, struct expr *base,
			      char *name, bool arrow, struct loc loc)
{
	struct expr *e = mk(pc, EX_MEMBER, loc);
	e->base = base;
	e->name = name;
	e->arrow = arrow;
	return e;
}

static struct expr *mk_index(struct parse_ctx *pc, struct expr *base,
			     const char *num, struct loc num_loc, struct loc loc)
{
	struct expr *e = mk(pc, EX_INDEX, loc);
	e->base = base;
	e->num = index_value(pc, num, num_loc);
	return e;
}

/* BASE [FMT] ~ CAST: the coolKprobe cast, which applies to what precedes. */
static struct expr *mk_tilde(struct parse_ctx *pc, struct expr *base,
			     const char *fmt, struct loc fmt_loc,
			     struct expr *cast, struct loc loc)
{
	(void)pc;
	cast->base = base;
	cast->loc = loc;
	if (fmt) {
		cast->fmt = fmt[0];
		cast->fmt_loc = fmt_loc;
	}
	return cast;
}

/* One h: clause a probe: a second would be a second trigger on the same
 * event, which the kernel refuses as "already exists" when the keys are
 * the same. */
static void set_hist(struct parse_ctx *pc, struct probe *p, char *text,
		     struct loc loc)
{
	if (p->hist_text) {
		diag(pc->diags, pc->src, loc, SEV_ERROR, "a probe takes one "
		     "'h:' clause; join its keys and values into one");
		return;
	}
	p->hist_text = text;
	p->hist_loc = loc;
}

static void add_arg(struct parse_ctx *pc, struct probe *p, struct arg *a)
{
	/* Arguments are few; grow the array in the arena by doubling. */
	size_t n = p->nargs;
	if ((n & (n - 1)) == 0) {
		struct arg *v = arena_alloc(pc->arena, (n ? 2 * n : 1) * sizeof(*v));
		if (n)
			memcpy(v, p->args, n * sizeof(*v));
		p->args = v;
	}
	p->args[p->nargs++] = *a;
}

static long long index_value(struct parse_ctx *pc, const char *text,
			     struct loc loc)
{
	unsigned long long n;
	if (!parse_number(text, &n) || n > 0xffffffffULL) {
		diag(pc->diags, pc->src, loc, SEV_ERROR,
		     "bad array index '%s'", text);
		return 0;
	}
	return (long long)n;
}

static int set_layer(struct parse_ctx *pc, const char *text, struct loc loc)
{
	if (!strcmp(text, "l2") || !strcmp(text, "l3") || !strcmp(text, "l4"))
		return text[1] - '0';
	diag(pc->diags, pc->src, loc, SEV_ERROR,
	     "unknown layer mark '%s': use l2, l3 or l4", text);
	return 0;
}

static struct fvalue mk_value(struct parse_ctx *pc, enum fvalue_kind kind,
			      const char *text, struct loc loc)
{
	struct fvalue v = {kind, NULL, 0, false, loc};
	if (kind == FV_STR) {
		v.text = string_value(pc->arena, text);
	} else if (kind == FV_NUM) {
		v.negative = text[0] == '-';
		if (!parse_number(text + v.negative, &v.num)) {
			diag(pc->diags, pc->src, loc, SEV_ERROR,
			     "bad number '%s'", text);
		}
		v.text = arena_strdup(pc->arena, text);
	} else {
		v.text = arena_strdup(pc->arena, text);
	}
	return v;
}

static struct fexpr *mk_cmp(struct parse_ctx *pc, char *field,
			    struct loc field_loc, enum cmp_op op,
			    struct fvalue value, struct loc loc)
{
	struct fexpr *f = arena_alloc(pc->arena, sizeof(*f));
	f->kind = FX_CMP;
	f->depth = 1;
	f->loc = loc;
	f->field = field;
	f->field_loc = field_loc;
	f->op = op;
	f->value = value;
	return f;
}

/* Token names as a person reads them. */
static const char *token_name(yysymbol_kind_t sym)
{
	return yysymbol_name(sym);
}

/* "name 'foo'" for tokens that carry text, "')'" for the others. */
static void put_unexpected(struct strbuf *sb, const struct parse_ctx *pc,
			   yysymbol_kind_t tok, struct loc loc)
{
	const char *name = token_name(tok);
	sb_printf(sb, "unexpected %s", name);
	if (name[0] != '\'' && loc.end > loc.start && loc.end - loc.start < 40)
		sb_printf(sb, " '%.*s'", (int)(loc.end - loc.start),
			  pc->src->text + loc.start);
}

/* C's '*X' (as in (*pskb)->len) is no surfc: the hint names the index
 * that reads the same, X[0]. */
static bool star_hint(struct strbuf *sb, const struct parse_ctx *pc,
		      struct loc loc)
{
	const char *t = pc->src->text + loc.start;
	size_t n = 0;
	if (loc.start >= pc->src->len || t[0] != '*')
		return false;
	while (loc.start + 1 + n < pc->src->len &&
	       (isalnum((unsigned char)t[1 + n]) || t[1 + n] == '_' ||
		t[1 + n] == '%' || t[1 + n] == '$'))
		n++;
	if (!n)
		return false;
	sb_printf(sb, "unexpected '*': surfc reads what a pointer points to "
		  "with [0] or ->; write '%.*s[0]' for '*%.*s'", (int)n, t + 1,
		  (int)n, t + 1);
	return true;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner,
				 struct parse_ctx *pc)
{
	(void)scanner;
	yysymbol_kind_t tok = yypcontext_token(ctx);
	struct loc loc = *yypcontext_location(ctx);
	struct strbuf sb = {0};
	pc->errors++;

	switch (tok) {
	case YYSYMBOL_BADCHAR: {
		/* The token's text is at the location. */
		unsigned char c = (unsigned char)pc->src->text[loc.start];
		if (c >= 0x20 && c < 0x7f)
			sb_printf(&sb, "stray '%c'", c);
		else
			sb_printf(&sb, "stray byte 0x%02x", c);
		break;
	}
	case YYSYMBOL_BADSTRING:
		if (loc.end < pc->src->len && pc->src->text[loc.end] == '\0') {
			/* The string stopped at a NUL byte: that is the fault. */
			loc = (struct loc){loc.end, loc.end + 1};
			sb_puts(&sb, "stray byte 0x00");
		} else {
			sb_puts(&sb, "unterminated string");
		}
		break;
	case YYSYMBOL_NESTED:
		sb_printf(&sb, "parentheses nested more than %d deep",
			  MAX_NESTING);
		tok = YYSYMBOL_BADCHAR; /* no list of expected tokens */
		break;
	case YYSYMBOL_NEWLINE:
	case YYSYMBOL_YYEOF:
		sb_puts(&sb, "unexpected end of line");
		if (pc->open_parens > 0) {
			sb_puts(&sb, ": missing ')'");
			tok = YYSYMBOL_BADCHAR; /* no list of expected tokens */
		}
		break;
	case YYSYMBOL_WORD:
		/* The filter runs to the end of the line: an h: there is
		 * read as part of it. */
		if (!strncmp(pc->src->text + loc.start, "h:", 2)) {
			sb_puts(&sb, "'h:' goes before 'f:': the filter ends the line");
			tok = YYSYMBOL_BADCHAR; /* no list of expected tokens */
			break;
		}
		put_unexpected(&sb, pc, tok, loc);
		break;
	default:
		if (star_hint(&sb, pc, loc)) {
			tok = YYSYMBOL_BADCHAR; /* no list of expected tokens */
			break;
		}
		put_unexpected(&sb, pc, tok, loc);
		break;
	}
	if (tok != YYSYMBOL_BADCHAR && tok != YYSYMBOL_BADSTRING) {
		yysymbol_kind_t exp[6];
		int n = yypcontext_expected_tokens(ctx, exp, 6);
		if (n > 0 && n <= 5) {
			sb_puts(&sb, ", expected ");
			for (int i = 0; i < n; i++) {
				if (i)
					sb_puts(&sb, i == n - 1 ? " or " : ", ");
				sb_puts(&sb, token_name(exp[i]));
			}
		}
	}
	if (tok == YYSYMBOL_NEWLINE && loc.start > 0)
		loc = (struct loc){loc.start, loc.start};
	diag(pc->diags, pc->src, loc, SEV_ERROR, "%s", sb.s);
	sb_free(&sb);
	return 0;
}

/* yyerror is only called for memory exhaustion with parse.error custom:
 * the parser's stack is full (YYMAXDEPTH), which only nesting such as
 * '!!!!...' or '((((...' in a filter can do. Parsing stops there. */
static void yyerror(const YYLTYPE *loc, yyscan_t scanner, struct parse_ctx *pc,
		    const char *msg)
{
	(void)scanner;
	(void)msg;
	diag(pc->diags, pc->src, *loc, SEV_ERROR, "nested too deep for "
	     "surfc's parser (%d levels); the rest of %s is not read",
	     YYMAXDEPTH, pc->src->name);
}
