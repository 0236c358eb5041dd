/* surfc.h: the one header of the compiler, a section per module, in the
 * order the data flows: text -> tokens -> AST -> checked AST -> fetch
 * plans -> output. */
#ifndef SURFC_H
#define SURFC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SURFC_VERSION "0.1.0"

/* util.c */

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *);
void *arena_alloc(struct arena *, size_t);
char *arena_strdup(struct arena *, const char *);
char *arena_strndup(struct arena *, const char *, size_t);
char *arena_printf(struct arena *, const char *, ...)
	__attribute__((format(printf, 2, 3)));

void *xmalloc(size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
/* A malloc'ed printf. */
char *xprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char *xvprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

struct strbuf {
	char *s;
	size_t len, cap;
};

void sb_putc(struct strbuf *, char);
void sb_puts(struct strbuf *, const char *);
void sb_printf(struct strbuf *, const char *, ...)
	__attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *);

/* Strings to non-NULL pointers; the map does not own its keys. */
struct strmap {
	const char **keys;
	void **vals;
	size_t n, cap;
};

void *strmap_get(const struct strmap *, const char *key);
/* Adds key -> val unless key is there: then returns its value, and
 * NULL otherwise. */
void *strmap_put(struct strmap *, const char *key, void *val);
void strmap_free(struct strmap *);

/* The candidate closest to name, or NULL when none is close enough to be
 * worth suggesting. */
const char *closest_name(const char *name, const char *const *cands, size_t n);
bool is_identifier(const char *);
/* Parses a decimal or 0x-hex unsigned number that fills the whole string. */
bool parse_number(const char *, unsigned long long *);

/* source.c: a file's text and its line map; locations are byte offsets and
 * become line:column only when printed. */

struct source {
	unsigned id; /* order among the run's sources, for sorting */
	char *name;
	char *text;
	size_t len;
	size_t *line_starts;
	size_t nlines;
};

struct loc {
	unsigned start, end; /* [start, end) byte offsets into the source */
};

/* A probe file is text; past this size it is refused (reading /dev/zero
 * would otherwise grow until memory runs out). */
#define MAX_SOURCE_SIZE (16u << 20)

/* On failure *err holds a malloc'ed reason. */
struct source *source_read(const char *path, char **err);
struct source *source_from_string(const char *name, const char *text);
/* text[0..len), which may hold NUL bytes. */
struct source *source_from_bytes(const char *name, const char *text,
				 size_t len);
void source_free(struct source *);
/* 1-based line and column of a byte offset. */
void source_linecol(const struct source *, unsigned off, unsigned *line,
		    unsigned *col);
/* The physical line holding off, without its newline. */
const char *source_line(const struct source *, unsigned off, size_t *len);

/* diag.c: every diagnostic goes through here. */

enum severity { SEV_ERROR, SEV_WARNING, SEV_NOTE };
enum diag_format { DIAG_TEXT, DIAG_JSON };

struct diags;

struct diags *diags_new(enum diag_format, bool color);
void diags_free(struct diags *);
/* At most max errors are printed (0: all); 50 by default, as gcc's
 * -fmax-errors. */
void diags_set_max_errors(struct diags *, unsigned max);
void diag(struct diags *, const struct source *, struct loc, enum severity,
	  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A note of its own, not about the diagnostic before it (which is what
 * diag()'s notes explain). */
void diag_note_alone(struct diags *, const struct source *, struct loc,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A diagnostic with no source position (file could not be read...). */
void diag_plain(struct diags *, const char *where, enum severity,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The one form of "did you mean": an error whose message is fmt, then
 * "; did you mean 'NEAR'?" when near is not NULL, else "; OTHERWISE" when
 * otherwise is not NULL. src NULL: a diagnostic without a position, at
 * "surfc". */
void diag_suggest(struct diags *, const struct source *, struct loc,
		  const char *near, const char *otherwise, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Compiling for several kernels: the checks run once a kernel, after
 * diags_kernel(k); what every kernel reports prints once, what some
 * report names them. */
void diags_set_kernels(struct diags *, const char *const *names, unsigned n);
void diags_kernel(struct diags *, unsigned k);
/* The errors inside range of src become warnings, why appended (a probe
 * left out on the kernels they are for). */
void diags_downgrade(struct diags *, const struct source *,
		     struct loc range, const char *why);
/* Prints what was collected since the last flush, in source order. */
void diags_flush(struct diags *, FILE *);
/* raw as a JSON string, quoted; only valid UTF-8 is written. */
void put_json_string(FILE *, const char *raw);
/* The errors to print (each once, after merging and downgrades). */
unsigned diags_errors(const struct diags *);
/* The errors reported so far, each time: whether a step reported one. */
unsigned diags_reported(const struct diags *);

enum value_kind { VAL_UNKNOWN, VAL_NUM, VAL_STR };

/* fetchtype.c: the kernel's fetch types and the fetcharg features a
 * kernel may lack, in one table. */
enum feature {
	FEAT_HEX = 1 << 0,        /* x8/16/32/64 */
	FEAT_CHAR = 1 << 1,
	FEAT_USTRING = 1 << 2,
	FEAT_SYMBOL = 1 << 3,
	FEAT_SYMSTR = 1 << 4,
	FEAT_BITFIELD = 1 << 5,
	FEAT_ARRAY = 1 << 6,
	FEAT_ARGN = 1 << 7,       /* $argN */
	FEAT_USER_DEREF = 1 << 8, /* +uOFF(...) */
	FEAT_IMM_VALUE = 1 << 9,  /* \123 */
	FEAT_IMM_STRING = 1 << 10, /* \"text" */
	FEAT_RETURN_ARGN = 1 << 11, /* $argN in a kernel return probe */
	FEAT_HIST = 1 << 12,        /* hist triggers */
	FEAT_HIST_BUCKETS = 1 << 13, /* .buckets=N */
	FEAT_SYNTH = 1 << 14,       /* synthetic events, onmatch().trace() */
	FEAT_SYNTH_STRING = 1 << 15, /* char NAME[] in synthetic events */
	FEAT_REF_CTR = 1 << 16,      /* PATH:OFF(REF_CTR_OFFSET): USDT semaphores */
	FEAT_INSTANCE_GRAPH = 1 << 17, /* function_graph in an instance */
	FEAT_FPROBE = 1 << 18,       /* f: fprobe events */
	FEAT_TPROBE = 1 << 19,       /* t: tracepoint probes */
	FEAT_EPROBE = 1 << 20,       /* E: event probes (e: in dynamic_events) */
	FEAT_MAXACTIVE = 1 << 21,    /* rN: a kretprobe's maxactive */
	FEAT_ALL = (1 << 22) - 1,
};

struct fetch_type {
	const char *name;      /* "u32"; "b" stands for b<w>@<o>/<c> */
	enum value_kind value; /* what a filter compares it as */
	unsigned bits;         /* 0: not a fixed-size number */
	bool is_text;          /* reads a NUL-ended string */
	bool is_bitfield;
	bool text_ok;          /* $comm and immediate strings may use it */
	bool kernel_only;      /* prints kernel symbols: not on uprobes */
	enum feature feature;  /* what a kernel needs for it, if anything */
};

/* The most elements one array fetch reads (MAX_ARRAY_LEN in
 * kernel/trace/trace_probe.h). */
enum { MAX_FETCH_ARRAY = 64 };

/* The type of a fetch as data: a row of the table, its bitfield place
 * and an array count. */
struct fetch_final {
	const struct fetch_type *type; /* NULL: none written, the kernel's default */
	unsigned bf_width, bf_offset, bf_container;
	unsigned count;                /* an array of count; 0: one value */
};

/* The type named by name[0..len), or NULL. */
const struct fetch_type *fetch_type_find(const char *name, size_t len);
/* The integer type of letter u, s or x and a width in bits. */
const struct fetch_type *fetch_type_int(char letter, unsigned bits);
const struct fetch_type *fetch_type_bitfield(void);
/* The integer letter of a format letter (S, U, X: language.md §3), or of
 * the C type's signedness when none was written. */
char fetch_letter(char fmt, bool is_signed);
const char *fetch_type_closest(const char *name);
bool fetch_final_is_text(const struct fetch_final *);
/* What a filter compares a fetch of this type as. */
enum value_kind fetch_final_value(const struct fetch_final *);
unsigned fetch_final_features(const struct fetch_final *);
/* Appends the README names of a set of features, ';'-separated (a name
 * may hold blanks). */
void put_features(struct strbuf *, unsigned set);

/* What a kernel's tracefs takes, as far as surfc's model of releases
 * knows (fetchtype.c). */
struct kernel_features {
	const char *release; /* NULL: no identity, no model */
	unsigned has;        /* enum feature: known to be there */
	unsigned unknown;    /* the model cannot tell for this release */
};

/* A kernel's features by its release (uname -r); without one, every
 * feature (the script checks the target's README). */
void kernel_features_of(const char *release, struct kernel_features *);
/* A feature's README name, and the oldest release known to have it. */
const char *feature_name(unsigned bit);
const char *feature_since(unsigned bit);

/* conversion.c: the display conversions an argument's name asks for
 * (ip_, b16_... B64_), in one table. */
struct conversion {
	const char *prefix; /* "b16_" */
	const char *name;   /* as the script's converter names it: "b16" */
	unsigned bits;      /* the value's width, fetched as xBITS */
	bool swapped;       /* network byte order: filter numbers are swapped */
	bool ipv4;          /* shown, and compared, as a dotted IPv4 address */
};

const struct conversion *conversion_of(const char *arg_name);

/* packet.c: packet header views, in one table. */

/* Where skb->data points when a view writes no lN mark: the network
 * header, as in the receive path. */
enum { PACKET_DEFAULT_LAYER = 3 };

struct header_view {
	const char *name; /* struct NAME */
	int layer;        /* 2, 3 or 4 */
};

struct payload_view {
	const char *name;  /* sdata & co.: the data after a header */
	unsigned unit;     /* bytes an element */
	bool is_char;
};

const struct header_view *header_view_find(const char *name);
const char *header_view_closest(const char *name);
/* "struct ethhdr, iphdr, ...", for messages. */
void put_header_views(struct strbuf *);
/* Bytes from where skb->data points (layer mark) to the header. */
long long header_distance(const struct header_view *, int mark);
const struct payload_view *payload_view_find(const char *name);

/* plan.c: fetch plans, what the kernel reads for one argument, as data.
 * The checkers build them; codegen/fetcharg.c alone renders them to the
 * text tracefs takes, for a given kernel's features. */
enum fetch_base_kind {
	FB_NONE,   /* nothing to fetch (not resolved) */
	FB_REG,    /* %NAME */
	FB_STACK,  /* $stack */
	FB_STACKN, /* $stackN */
	FB_ARGN,   /* $argN, 1-based; renders as its register where a kernel
		    * lacks $argN */
	FB_RETVAL, /* $retval */
	FB_COMM,   /* $comm */
	FB_SYM,    /* @SYMBOL, @+OFF, @0xADDR */
	FB_IMM,    /* \NUM */
	FB_IMMSTR, /* \"TEXT" */
	FB_EFIELD, /* $FIELD: a field of the event an event probe is on */
};

struct fetch_base {
	enum fetch_base_kind kind;
	const char *text; /* REG: the register; SYM, IMM, IMMSTR: as written;
			   * EFIELD: the field's name */
	long long n;      /* STACKN: the slot; ARGN: the argument, from 1 */
	bool entry;       /* ARGN at a function's entry, where the calling
			   * convention's place of the argument says the same */
};

/* How an offset is printed: raw fetchargs keep the base they were
 * written in, computed ones take the shorter (language.md §3). */
enum offset_style { OFF_SHORT, OFF_DEC, OFF_HEX };

struct fetch_deref {
	long long off;
	bool user; /* +uOFF: user memory */
	enum offset_style style;
};

/* What the code generator needs for one argument: the value of base,
 * read through derefs[0], then derefs[1]..., fetched as type. */
struct argplan {
	struct fetch_base base;
	struct fetch_deref *derefs;
	unsigned nderefs, derefs_cap;
	struct fetch_final type;
	const struct conversion *conv; /* ip_, bNN_: display conversion */
	enum value_kind value; /* what a filter compares it as */
	unsigned features;     /* enum feature: what the kernel must offer */
	bool unresolved;       /* structured, needs types: no fetch */
};

struct arch;
struct func_info;
void plan_push_deref(struct arena *, struct argplan *, long long off,
		     bool user, enum offset_style);
/* What a kernel must offer for the plan, and what a filter compares its
 * value as; both from the plan alone. */
unsigned plan_features(const struct argplan *);
/* The value of parameter i at a function's entry: where DWARF says it
 * is, else where the arch passes it; false when that is the stack of an
 * arch whose stack arguments are not modelled. */
bool plan_param(struct arena *, const struct func_info *,
		const struct arch *, unsigned i, struct argplan *);
enum value_kind plan_value(const struct argplan *);

/* arch.c: register tables of the architectures ftrace probes run on. */

struct arch {
	const char *name;
	const char *const *aliases;
	const char *const *regs;    /* every ftrace register name, NULL-ended */
	const char *const *argregs; /* integer argument registers, in order */
	unsigned nargregs;
	const char *retreg;
	const char *spreg;
	/* First $stackN slot holding a stack-passed argument at entry, or -1
	 * when stack arguments are not supported for this arch. */
	int stack_base;
	unsigned long_bits;         /* also the ELF class: 32 or 64 */
	bool big_endian;
	unsigned elf_machine;
	/* A member of the kernel's struct pt_regs that only this arch has:
	 * how a bare BTF file tells which arch it was built for. */
	const char *regs_mark;
	/* DWARF register N is dwarf_regs[N] (regs[N] when NULL), N below
	 * ndwarf_regs. */
	const char *const *dwarf_regs;
	unsigned ndwarf_regs;
	int entry_cfa; /* the CFA at entry: spreg + entry_cfa */
};

const struct arch *arch_find(const char *name);
const struct arch *arch_host(void);
/* The arch of an ELF file's e_machine, class (32 or 64) and byte order,
 * or NULL. */
const struct arch *arch_by_elf(unsigned machine, unsigned bits,
			       bool big_endian);
/* The arch whose struct pt_regs has a member has_member() finds, or
 * NULL. */
const struct arch *arch_by_regs(bool (*has_member)(void *ctx, const char *),
				void *ctx, bool big_endian);
bool arch_has_reg(const struct arch *, const char *reg);
const char *arch_closest_reg(const struct arch *, const char *reg);
/* Comma-separated list of the supported arch names, for messages. */
const char *arch_names(void);
/* The ftrace name of DWARF register n, or NULL. */
const char *arch_dwarf_reg(const struct arch *, unsigned n);
/* Where argument n (0-based) is at a function's entry: a register or a
 * $stackN slot; false when the arch's stack arguments are not modelled. */
bool arch_arg_base(const struct arch *, unsigned n, struct fetch_base *);

/* types/elfinfo.c: what surfc reads from any ELF file, kernel or user. */

#include <gelf.h>

/* Calls fn for every named symbol of the SHT_SYMTAB or SHT_DYNSYM sections
 * of elf, until it returns false. */
void symtab_foreach(Elf *elf, unsigned shtype,
		    bool (*fn)(void *arg, const char *name, const GElf_Sym *),
		    void *arg);

/* A GNU build-id: where its bytes lie in the file, and what they are (in
 * the ELF's memory). */
struct elf_build_id {
	size_t offset, len;
	const unsigned char *bytes;
};

bool elfinfo_build_id(Elf *, struct elf_build_id *);
/* The arch of an ELF's machine, class and byte order, or NULL. */
const struct arch *elfinfo_arch(Elf *);
/* The file offset of a virtual address, through the PT_LOAD segment
 * that holds it in the file; false when none does. */
bool elfinfo_addr_offset(Elf *, GElf_Addr addr, unsigned long long *off);
/* The section named name, or NULL. */
Elf_Scn *elfinfo_section(Elf *, const char *name, GElf_Shdr *);
/* The file name .gnu_debuglink names (in the ELF's memory), or NULL. */
const char *elfinfo_debuglink(Elf *);
/* Does the file hold DWARF of its own (a .debug_info with contents)? */
bool elfinfo_has_dwarf(Elf *);

/* usym.c: user-space symbols, read from the binary's ELF symbol tables. */

/* The file offset of a function symbol in an ELF binary; on failure
 * *err holds a malloc'ed reason. */
bool usym_resolve(const char *path, const char *symbol,
		  unsigned long long *offset, char **err);
/* What a binary is, for the script to check before arming: malloc'ed
 * "build-id:OFFSET:LENGTH:HEX" (its GNU build-id note: where its bytes lie
 * in the file, and what they are), else "cksum:CRC:SIZE" as POSIX cksum
 * prints them; NULL when it cannot be read. */
char *usym_identity(const char *path);

/* usdt.c: USDT (SDT) markers, read from a binary's .note.stapsdt notes
 * (owner "stapsdt", type 3), as systemtap's <sys/sdt.h> writes them. */

/* One argument spec of a marker ("-4@112(%rsp)"), as data. */
enum usdt_arg_kind {
	UA_REG,     /* %REG */
	UA_MEM,     /* OFF(%REG): memory at the register plus off */
	UA_IMM,     /* $NUM: a constant */
	UA_FILEMEM, /* SYM[+-OFF](%rip): memory at a file offset */
	UA_BAD,     /* a form surfc cannot fetch; why says which */
};

struct usdt_arg {
	const char *spec;     /* as the note writes it */
	enum usdt_arg_kind kind;
	int size;             /* bytes, negative when signed; 0: not written */
	const char *reg;      /* REG, MEM: the register as ftrace names it */
	long long off;        /* MEM: displacement; IMM: value; FILEMEM: offset */
	const char *why;      /* BAD */
};

struct usdt_marker {
	const char *provider, *name;
	unsigned long long pc, base, semaphore; /* as the note says */
	unsigned long long offset;     /* the probe's file offset */
	unsigned long long sem_offset; /* the semaphore's file offset; 0: none */
	const char *why;               /* not NULL: the offsets are unknown */
	const char *args;              /* the argument specs, as written */
	struct usdt_arg *argv;
	unsigned nargs;
};

struct usdt_markers {
	struct usdt_marker *v;
	size_t n;
	const struct arch *arch; /* the binary's, or NULL */
};

/* Every marker of the ELF file at path, in note order; false and a
 * malloc'ed *err when it cannot be read or has no .note.stapsdt. */
bool usdt_read(struct arena *, const char *path, struct usdt_markers *,
	       char **err);
/* The base and dereferences of a readable argument's fetch plan; its
 * size in bits (long_bits when the spec has none) and the type its size
 * and sign say (s32 for -4@...). */
void usdt_arg_plan(struct arena *, const struct usdt_arg *, struct argplan *);
unsigned usdt_arg_bits(const struct usdt_arg *, unsigned long_bits);
struct fetch_final usdt_arg_type(const struct usdt_arg *, unsigned long_bits);
/* surfc --describe PATH[:PROVIDER:NAME]: the markers, their offsets and
 * their arguments as fetchargs. Returns the exit status. */
int usdt_describe(FILE *, const char *what, struct diags *);

/* How a C type is named in a cast: struct X, union X, enum X, or a name. */
enum ctype_kind { CT_STRUCT, CT_UNION, CT_ENUM, CT_NAMED };

/* types/: the one type model of the checker. Backends (BTF, DWARF) fill
 * it lazily: a struct's members are read the first time they are asked
 * for. Typedefs and qualifiers are looked through when types are built. */

enum type_kind {
	TY_VOID, TY_INT, TY_ENUM, TY_FLOAT, TY_PTR, TY_ARRAY,
	TY_STRUCT, TY_UNION, TY_FUNC,
};

struct type;

struct member {
	const char *name; /* NULL for an anonymous struct/union member */
	unsigned long long bit_offset;
	unsigned bit_size; /* 0: not a bitfield */
	struct type *type;
};

struct param {
	const char *name;
	struct type *type;
};

struct type {
	enum type_kind kind;
	const char *name;    /* tag or base type name; NULL when anonymous */
	const char *alias;   /* the typedef it was reached through, if any */
	unsigned long long size;
	bool is_signed, is_char, is_bool;
	struct type *target; /* PTR: pointee; ARRAY: element; FUNC: return */
	unsigned long long nelems;
	struct member *members;
	size_t nmembers;
	struct param *params;
	size_t nparams;
	bool variadic;
	bool complete;       /* members loaded (or nothing to load) */
	bool declared_only;  /* a forward declaration */
	unsigned long long ref; /* the backend's id for it */
};

/* A kernel's identity, recorded into the generated script. */
struct kernel_id {
	char *release;  /* "6.1.0-56-cloud-amd64" */
	char *version;  /* the linux_banner line */
	char *build_id; /* hex */
};

/* Where DWARF says a parameter is at the probed address. */
struct param_loc {
	bool known;
	struct fetch_base base; /* a register */
	bool memory;            /* the value is in memory at base + off */
	long long off;
};

struct func_info {
	const char *name;   /* the symbol to probe (a clone's full name) */
	struct type *proto; /* TY_FUNC */
	bool is_clone;      /* only foo.isra.0 & co. exist */
	struct param_loc *locs; /* per parameter, or NULL (BTF) */
};

struct typesrc;

/* A trace event as the types show it: its fields are the members of
 * struct trace_event_raw_CLASS, CLASS being the DECLARE_EVENT_CLASS it
 * uses (its own name for a TRACE_EVENT). */
struct trace_event {
	const char *name;
	const char *group;          /* TRACE_SYSTEM; NULL: the types do not say */
	const char *const *classes; /* its class, or every class it may use */
	size_t nclasses;            /* when the types cannot tell which (BTF) */
};

/* One field of an event's format file, as a filter sees it. */
struct event_field {
	const char *name;   /* __data_loc_NAME's NAME */
	struct type *type;  /* its member's type; u32 for a __data_loc */
	unsigned long long offset; /* in bytes, ent included */
	enum value_kind value; /* VAL_UNKNOWN: the classes disagree */
	bool dynamic;       /* a __data_loc (or __rel_loc) string */
};

struct typesrc_ops {
	const char *kind; /* "BTF", "DWARF", for messages */
	/* Capabilities, so that callers never compare kinds: */
	bool knows_clones; /* finds only-cloned functions (foo.isra.0) */
	void (*complete)(struct typesrc *, struct type *);
	const struct func_info *(*function)(struct typesrc *, const char *name);
	struct type *(*named)(struct typesrc *, enum ctype_kind, const char *);
	/* Every function name, for "did you mean". */
	const char *const *(*function_names)(struct typesrc *, size_t *n);
	/* Every type name of a kind, or NULL when the source cannot list
	 * them cheaply (DWARF). */
	const char *const *(*type_names)(struct typesrc *, enum ctype_kind,
					 size_t *n);
	/* The same, however costly (surfc --list). */
	const char *const *(*all_type_names)(struct typesrc *,
					     enum ctype_kind, size_t *n);
	/* Every trace event of the kernel's own, sorted by name then group
	 * (types/events.c's event_cmp); n 0 when the types show none. */
	const struct trace_event *(*events)(struct typesrc *, size_t *n);
	/* struct trace_event_raw_CLASS of the event's class i, or NULL. */
	struct type *(*raw_struct)(struct typesrc *, const struct trace_event *,
				   size_t i);
	void (*close)(struct typesrc *);
};

struct typesrc {
	const struct typesrc_ops *ops;
	struct arena *arena;
	struct kernel_id id;
	const struct arch *arch; /* from the ELF, when it says */
	char *path;
};

/* types/btfhub.c: kernels' BTF as the BTFHub archive keeps them:
 * DISTRO/RELEASE/ARCH/KERNEL_RELEASE.btf, or .btf.tar.xz. */
struct btfhub_file {
	char *path;
	char *release;           /* from its name */
	const struct arch *arch; /* from its folder's name, if it is one */
};

/* Every such file under dir, sorted by path; NULL and *err when none. */
struct btfhub_file *btfhub_files(const char *dir, size_t *n, char **err);
void btfhub_files_free(struct btfhub_file *, size_t n);
bool btfhub_is_packed(const char *path);
/* The .btf member of a .btf.tar.xz, malloc'ed; NULL and *err if none. */
void *btfhub_unpack(const char *path, size_t *size, char **err);

/* types/btfsrc.c, types/dwarfsrc.c: the backends. The DWARF backend sets
 * *no_dwarf when the file is whole but has no DWARF. */
struct typesrc *typesrc_open_btf(const char *path, char **err);
struct typesrc *typesrc_open_dwarf(const char *path, char **err,
				   bool *no_dwarf);
/* types/open.c: which backend reads what. --vmlinux: DWARF, else the
 * .BTF of an ELF without DWARF. */
struct typesrc *typesrc_open_vmlinux(const char *path, char **err);
/* A user-space binary's types, from the DWARF of path (the binary or
 * its debuginfo; utypes.c finds which). */
struct typesrc *typesrc_open_user(const char *path, char **err);
/* The running kernel's BTF, then the debuginfo paths perf searches. */
struct typesrc *typesrc_open_default(char **err);
void typesrc_close(struct typesrc *);
/* types/model.c */
struct type *type_new(struct typesrc *, enum type_kind);
void type_complete(struct typesrc *, struct type *);
/* "struct task_struct *", "unsigned int", "char[16]" */
char *type_name(struct arena *, const struct type *);
const char *typesrc_closest_function(struct typesrc *, const char *name);
/* types/events.c: what the backends' events have in common. */
int event_cmp(const void *, const void *);
/* The event NAME (in group, when the types know groups), or NULL. */
const struct trace_event *typesrc_event(struct typesrc *, const char *group,
					const char *name);
/* Does any event of the types belong to group? */
bool typesrc_has_group(struct typesrc *, const char *group);
/* The fields of ev past the common ones, in order; NULL and *n 0 when
 * no class of it has a raw struct in the types. Of several classes, the
 * fields of any (a field is VAL_UNKNOWN where they disagree). */
const struct event_field *event_fields(struct typesrc *,
				       const struct trace_event *, size_t *n);
/* The fields of the event's class i alone. */
const struct event_field *event_class_fields(struct typesrc *,
					     const struct trace_event *,
					     size_t i, size_t *n);
/* "GROUP/EVENT"; GROUP is "*" when the types do not say it. */
char *event_path(struct arena *, const struct trace_event *);

/* utypes.c: the types of user-space binaries, opened once a run. */
struct utypes;
/* debug_files: what --debug-file named; a binary takes the one whose
 * build-id is its own. */
struct utypes *utypes_new(const char *const *debug_files, size_t n);
void utypes_free(struct utypes *);
/* The types of the binary at path; NULL and *why when there are none
 * (no DWARF found, or debuginfo of another build). */
struct typesrc *utypes_of(struct utypes *, const char *path,
			  const char **why);

/* probekind.c: what a probe's kind means, in one table: the letters a
 * probe starts with, and the kinds of event they make once the target
 * says which space it is in. */

/* Where the event fires. */
enum probe_site { PROBE_ENTRY, PROBE_RETURN, PROBE_EVENT };

/* Which targets a letter takes. A target is in user space when it is a
 * PATH, anything with a '/' (language.md §2). */
enum probe_space {
	SPACE_NONE = 0, /* e: the target names an existing event */
	SPACE_KERNEL = 1 << 0,
	SPACE_USER = 1 << 1,
	SPACE_EITHER = SPACE_KERNEL | SPACE_USER,
};

/* What tracefs defines: a kprobe or uprobe (kprobe_events,
 * uprobe_events), or one of the dynamic events only dynamic_events takes:
 * an fprobe, a tracepoint probe, an event probe. Their fetchargs read no
 * registers: arguments are $argN, an event probe's are $FIELD. */
enum probe_form { FORM_PROBE, FORM_FPROBE, FORM_TPROBE, FORM_EPROBE };

/* A kind as written. */
struct probe_letter {
	const char *text; /* p r e P R l g U f t E (r also as rN) */
	const char *what; /* for messages: "entry" */
	enum probe_site site;
	enum probe_space space;
	bool latency; /* times the function from entry to return */
	bool graph;   /* records the call graph of the calls it accepts */
	bool marker;  /* U: the target is PATH:PROVIDER:NAME, a USDT marker */
	enum probe_form form;
	bool maxactive; /* r: may be written rN, the kretprobe's maxactive */
};

/* A kind of event: kprobe, kretprobe, uprobe, uretprobe, or an existing
 * event. */
struct probe_kind {
	enum probe_site site;
	bool user;               /* a uprobe: in a user-space binary */
	char def_letter;         /* 'p' or 'r', the definition's first
				    letter; 0 for an event, never defined */
	const char *events_file; /* the tracefs file of its definition, or
				    NULL */
	char tag;                /* the script's probe_ID_kind: k, u or e */
	bool marker;             /* a uprobe on a USDT marker: %N is its
				    N-th argument spec */
	enum probe_form form;
	unsigned feature;        /* enum feature: what a kernel needs for
				    the kind itself */
};

/* The letter written as text, or NULL. */
const struct probe_letter *probe_letter_find(const char *text);
const char *probe_letter_closest(const char *text);
/* "p (entry), r (return), ...": every letter, for messages. */
void put_probe_letters(struct strbuf *);
/* The kind a letter makes on a target in user space or not. The target
 * decides: a letter's space only says which targets the checker accepts
 * (a P on a kernel target is an error, and meanwhile a kprobe). */
struct probe;
const struct probe_kind *probe_kind_of(const struct probe_letter *,
				       bool user, bool ret);
/* The features a probe needs for its kind (a dynamic event, maxactive). */
unsigned probe_kind_features(const struct probe *);
/* Does the kind read arguments as $argN, never registers (f, t)? */
bool probe_args_by_argn(const struct probe *);

/* Does the probe fire at a function's entry (an entry probe, no offset),
 * where $argN and the argument registers say the same? */
bool probe_at_entry(const struct probe *);
/* Does the probe's letter also probe the function's return (l, g)? Its
 * target is then a function's name, with no offset, and its return event
 * is its name and "__ret". */
bool probe_has_return(const struct probe *);

/* ast.c: the syntax tree. Every node lives in the program's arena. */

enum target_kind {
	TGT_KSYM,  /* [MODULE:]SYMBOL[+OFF] */
	TGT_KADDR, /* 0xADDRESS */
	TGT_USYM,  /* PATH:SYMBOL[+OFF] */
	TGT_UOFF,  /* PATH:0xOFF */
	TGT_EVENT, /* GROUP/EVENT */
	TGT_USDT,  /* PATH:PROVIDER:NAME, a USDT marker */
	TGT_TPOINT, /* TRACEPOINT: a t probe's */
};

struct target {
	enum target_kind kind;
	char *text; /* as written */
	char *module, *path, *symbol, *group, *event;
	const char *clone; /* the clone symbol to probe (foo.isra.0), if any */
	char *provider, *marker_name;         /* USDT */
	const struct usdt_marker *marker;     /* USDT: the site probed */
	/* USDT: a copy of this probe, for another site of its marker */
	const struct probe *origin;
	unsigned long long offset;
	bool has_offset;
	bool ret;  /* FUNC%return: an fprobe on the function's return */
	const char *glob; /* the wildcard this target is a match of, or NULL */
	struct loc loc, sym_loc, off_loc;
};

enum expr_kind {
	EX_ARGNUM,  /* %N: the N-th argument at entry */
	EX_REG,     /* %REG */
	EX_RETVAL,  /* $retval */
	EX_COMM,    /* $comm */
	EX_STACK,   /* $stack */
	EX_STACKN,  /* $stackN */
	EX_ARGN,    /* $argN, the kernel's own 1-based form */
	EX_SYM,     /* @SYMBOL[+-OFF] or @0xADDR */
	EX_IMM,     /* \NUM */
	EX_IMMSTR,  /* \"TEXT" */
	EX_PARAM,   /* a parameter by name */
	EX_DEREF,   /* +OFF(expr), +uOFF(expr) */
	EX_MEMBER,  /* expr->name, expr.name */
	EX_INDEX,   /* expr[N] */
	EX_CAST,    /* (type)expr, !(type)expr, expr~(type) */
	EX_PKTVIEW, /* @(struct hdr *)lN expr, expr~$(struct hdr)lN */
};

struct ctype {
	enum ctype_kind kind;
	char *name; /* "task_struct", "unsigned long" */
	unsigned ptr; /* number of '*' */
	struct loc loc;
};

struct expr {
	enum expr_kind kind;
	struct loc loc;
	struct expr *base;
	char *name;
	long long num;
	bool arrow;    /* EX_MEMBER: '->' rather than '.' */
	bool user;     /* EX_DEREF: +u, user memory */
	bool force;    /* EX_CAST: '!(' */
	bool tilde;    /* EX_CAST, EX_PKTVIEW: coolKprobe '~' form */
	char fmt;      /* EX_CAST written as BASE FMT '~': 'S', 'U', 'X' or 0 */
	struct loc fmt_loc;
	struct ctype *type;
	int layer;     /* EX_PKTVIEW: 2, 3, 4, or 0 when not written */
	struct loc layer_loc;
};

struct arg {
	char *name;
	struct loc name_loc, loc;
	char fmt; /* 'S', 'U', 'X' or 0 */
	struct loc fmt_loc;
	struct expr *expr;
	char *ftype; /* the :TYPE suffix, or NULL */
	struct loc ftype_loc;
	char *text; /* the expression as written, without name and type */
};

enum fexpr_kind { FX_OR, FX_AND, FX_NOT, FX_CMP };
enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_BAND, OP_GLOB };
enum fvalue_kind { FV_NUM, FV_STR, FV_WORD, FV_IPV4 };

struct fvalue {
	enum fvalue_kind kind;
	char *text;   /* strings and words: the text without quotes */
	unsigned long long num;
	bool negative;
	struct loc loc;
};

struct fexpr {
	enum fexpr_kind kind;
	unsigned depth; /* of the tree below, this node included */
	struct loc loc;
	struct fexpr *left, *right; /* OR, AND; NOT uses left */
	char *field;
	struct loc field_loc;
	enum cmp_op op;
	struct fvalue value;
};

struct probe {
	char *kind_text; /* as written */
	/* The checker's: NULL when kind_text is no kind. */
	const struct probe_letter *letter;
	const struct probe_kind *kind;
	char *name;  /* as written after ':', or NULL */
	char *event; /* the event name finally used */
	struct loc kind_loc, name_loc, loc;
	struct target target;
	struct arg *args;
	size_t nargs;
	struct fexpr *filter;
	struct loc filter_loc;
	char *hist_text;  /* the h: clause after 'h:', or NULL */
	struct loc hist_loc;
	struct hist *hist; /* the checker's reading of it */
	const struct source *src;
	/* Filled by the checker for the code generator. */
	struct argplan *plans;
	/* An 'e' probe's fields from the kernel's types (has_fields). */
	const struct event_field *fields;
	size_t nfields;
	bool has_fields;
	unsigned maxactive; /* rN: the kretprobe's maxactive; 0: the default */
	/* An E probe: the event it is on, from the types (NULL: unknown). */
	const struct trace_event *attached;
	bool absent; /* a wildcard's match this kernel lacks: left out */
	bool failed; /* the checks reported an error in it */
};

/* hist.c: a probe's h: clause, as read and checked. */
enum hist_mod {
	HM_NONE,
	HM_LOG2,
	HM_BUCKETS,
	HM_EXECNAME,
	HM_SYM,
	HM_SYM_OFFSET,
	HM_HEX,
	HM_DESCENDING,
	HM_ASCENDING,
};

/* The kernel's limits (kernel/trace/tracing_map.h): keys, values besides
 * hitcount, sort fields. */
enum { HIST_MAX_KEYS = 3, HIST_MAX_VALS = 2, HIST_MAX_SORT = 2 };

struct hist_item {
	const char *name;  /* the field, as the clause and the event name it */
	enum hist_mod mod;
	unsigned long long buckets;
	int arg;           /* the probe's argument it names, or -1 */
	struct loc loc, mod_loc;
	bool bad;          /* reported when read: not checked further */
};

struct hist {
	struct hist_item keys[HIST_MAX_KEYS], vals[HIST_MAX_VALS],
		sort[HIST_MAX_SORT];
	size_t nkeys, nvals, nsort;
	unsigned long long size; /* 0: the kernel's default */
	unsigned features;       /* enum feature: what the kernel needs */
	bool ok;                 /* read without errors */
};

/* The modifier as the kernel writes it after '.': "log2". */
const char *hist_mod_name(enum hist_mod);

struct program {
	struct arena *arena;
	struct probe **probes;
	size_t nprobes, cap;
};

struct program *program_new(void);
void program_free(struct program *);
void program_add(struct program *, struct probe *);
/* Puts probe at index at, moving the later ones up. */
void program_insert(struct program *, size_t at, struct probe *);
struct expr *expr_new(struct arena *, enum expr_kind, struct loc);
void ast_dump(FILE *, const struct program *);
const char *cmp_op_text(enum cmp_op);

/* Bounds on nesting, so that no input can exhaust the parser's stack or
 * the stack of the passes that walk the tree: parentheses inside an
 * argument, the nodes of one argument's expression, and the depth of a
 * filter (n terms joined by '||' are n deep; a filter the kernel takes
 * is below 4 KB, so at most about 800). */
enum {
	MAX_NESTING = 100,
	MAX_EXPR_DEPTH = 100,
	MAX_FILTER_DEPTH = 1000,
};

/* parse.c (grammar/): text to AST. Reports syntax errors to diags and
 * keeps going at the next line. */

void parse_source(const struct source *, struct program *, struct diags *);

/* check.c: everything that can be checked without kernel types. */

struct options {
	const struct arch *arch;
	struct typesrc *types; /* NULL: no type information */
	struct utypes *user;   /* user-space binaries' types; NULL: none */
	bool no_types;   /* --no-types */
	bool check_only; /* --check: structured expressions may stay unresolved */
	const char *group; /* event group used in -S output */
	struct kernel_features kernel; /* what the target kernel takes */
	/* Every kernel's types, which wildcard targets match against. */
	struct typesrc *const *fleet;
	size_t nfleet;
	unsigned max_probes; /* --max-probes: what a wildcard may expand to */
};

void check_program(struct program *, const struct options *, struct diags *);

/* typecheck.c: structured expressions against kernel types. */
const struct func_info *typecheck_function(const struct options *,
					   struct diags *, const struct probe *);
/* Builds the plan of a structured argument; given is the :TYPE written,
 * already in plan->type (type NULL when none was). */
/* An 'e' probe's event, and its fields for the filter's checks. */
void typecheck_event(const struct options *, struct diags *, struct probe *);
/* A t probe's tracepoint, as a function of its parameters. */
const struct func_info *typecheck_tracepoint(const struct options *,
					     struct diags *,
					     const struct probe *);
/* An E probe's event (p->attached). */
void typecheck_eprobe(const struct options *, struct diags *, struct probe *);
bool typecheck_arg(const struct options *, struct diags *,
		   const struct probe *, const struct func_info *,
		   const struct arg *, char fmt, struct argplan *);

/* describe.c: surfc --describe. Returns the exit status. */
int describe(FILE *, const struct options *, const char *what, struct diags *);
/* The parts of describe, for surfc --list -v: 0 when found. */
int describe_function(FILE *, const struct options *, const char *name);
/* surfc --describe /PATH:FUNCTION, from the binary's DWARF. */
int describe_user_function(FILE *, const struct options *, bool arch_given,
			   const char *what, struct diags *);
void describe_struct(FILE *, struct typesrc *, struct type *, const char *name);
void describe_event(FILE *, struct typesrc *, const struct trace_event *);

/* list.c: surfc --list [GLOB]. */
struct list_options {
	const char *glob;  /* a shell glob; NULL: everything */
	bool verbose;      /* what describe says of each */
	bool json;         /* one JSON object a line */
	const char *kernel; /* for JSON, the kernel's name when several */
};
int list_kernel(FILE *, const struct options *, const struct list_options *,
		struct diags *);

/* codegen/: fetch plans to tracefs text. */

/* An offset in the shorter of decimal and hex (language.md §3). */
void put_offset(struct strbuf *, unsigned long long);

/* What the kernel a text is rendered for offers. */
struct render_target {
	const struct arch *arch;
	unsigned features; /* enum feature; FEAT_ALL: every one */
};

/* The arch and the features the model knows the options' kernel has:
 * what the model cannot tell is rendered the older way. */
struct render_target render_target_of(const struct options *);
/* The one place a fetch plan becomes tracefs text: what follows NAME=. */
void put_fetcharg(struct strbuf *, const struct argplan *,
		  const struct render_target *);
/* A fetch type as tracefs writes it ("u32", "b3@1/8", "x8[4]"). */
void put_fetch_type(struct strbuf *, const struct fetch_final *);

/* The event definition line for probe_events, without group quoting. */
char *probe_definition(const struct probe *, const char *group,
		       const struct render_target *);
/* A probe's target as its definition writes it ("vfs_read", "mod:f+4"). */
void put_target(struct strbuf *, const struct target *);
/* The definition after "p:GROUP/NAME ": target and arguments. */
char *probe_target_and_args(const struct probe *,
			    const struct render_target *);
/* The probe as written, folded onto one line. */
char *probe_source_text(const struct probe *);
/* One kernel the probes are compiled for: its options (arch, types, what
 * it takes) and the probes, parsed and checked for it. */
struct build {
	struct options opt;
	struct program *prog;
	const char *label; /* its release, or the file its types came from */
};

/* The script (script.c), for every kernel of b; cmdline goes into its
 * header. */
void write_script(FILE *, const struct build *b, size_t n,
		  const char *cmdline);
/* s for a comment or a message: control characters escaped (\n, \t, \r,
 * \xNN), so that no text can end a comment line or drive a terminal. */
char *inert_text(const char *s);
/* show.c: text into shell code. put_sh_quoted: 'text', a ' inside as
 * '\''; put_inert: inert_text(s); put_probe_origin: "FILE:LINE: PROBE",
 * inert, the probe folded onto one line. */
void put_sh_quoted(FILE *, const char *);
void put_inert(FILE *, const char *);
void put_probe_origin(FILE *, const struct probe *);
/* The filter expression as written to tracefs, or NULL. */
char *probe_filter_text(const struct probe *, const struct arch *);
void show_program(FILE *, const struct program *, const struct options *);

/* trigger.c: an aggregating probe's texts. The hist trigger, without its
 * filter (" if FILTER" follows where there is one); a latency probe's
 * synthetic fields after its name, its return probe's event name, and
 * the triggers on its entry and its return, whose @GROUP@ and @SYNTH@
 * stand for the run's event group and synthetic event. */
char *hist_trigger_text(const struct probe *);
char *latency_synth_fields(const struct probe *, const struct render_target *);
char *latency_return_name(const struct probe *);
char *latency_entry_trigger(const struct probe *);
char *latency_return_trigger(const struct probe *);
/* A graph probe's texts: the settings of its tracer ("tracing_on=0
 * current_tracer=function_graph ...", PATH=VALUE joined by sep), its
 * gate's event name, and the triggers on its gate (" if FILTER" follows)
 * and its return. */
void put_graph_settings(struct strbuf *, const char *sep);
char *graph_gate_name(const struct probe *);
extern const char graph_gate_trigger[];
extern const char graph_return_trigger[];
/* text with every @GROUP@ and @SYNTH@ replaced. */
char *fill_run_names(const char *text, const char *group, const char *synth);

#endif
