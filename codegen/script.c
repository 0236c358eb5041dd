/* script.c: the standalone POSIX sh script (../shared/spec/script.md).
 *
 * The script is a header of comments, the per-file data as plain shell
 * assignments, and the fixed runtime (runtime-sh/surfc.sh, with
 * runtime-sh/convert.awk in a variable). Nothing here generates logic:
 * the runtime reads the data, down to the file each definition goes to,
 * which is its kind's (probekind.c).
 *
 * One script holds every kernel it was compiled for: what is the same for
 * all (a probe's kind, name, source) once a probe, what differs (its
 * definition, filter, function, features) as ids into one table of
 * texts, each text stored once; the runtime picks its kernel and loads
 * that kernel's texts into the probes' fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler/surfc.h"

extern const char runtime_sh[];
extern const char convert_awk[];
extern const char hist_awk[];
extern const char graph_awk[];

static void put_var(FILE *f, size_t i, const char *field, const char *value)
{
	fprintf(f, "probe_%zu_%s=", i, field);
	put_sh_quoted(f, value ? value : "");
	fputc('\n', f);
}

/* The identity of a uprobe's binary; the last one is kept, since probes
 * on one binary usually follow each other. */
static const char *binary_identity(const char *path)
{
	static char *last_path, *last_id;
	if (!path) {
		free(last_path);
		free(last_id);
		last_path = last_id = NULL;
		return NULL;
	}
	if (!last_path || strcmp(last_path, path)) {
		free(last_path);
		free(last_id);
		last_path = xstrdup(path);
		last_id = usym_identity(path);
	}
	return last_id;
}

/* Texts the kernels' data share, each stored once: the script grows with
 * what differs between kernels, not with their number. Text 0 is "". */
struct texts {
	struct strmap ids; /* text -> id, as a pointer */
	char **v;
	size_t n, cap;
};

static size_t text_id(struct texts *t, const char *s)
{
	if (!s || !*s)
		return 0;
	void *id = strmap_get(&t->ids, s);
	if (id)
		return (size_t)(uintptr_t)id;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n] = xstrdup(s);
	strmap_put(&t->ids, t->v[t->n], (void *)(uintptr_t)(t->n + 1));
	return ++t->n;
}

static void texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	strmap_free(&t->ids);
}

/* An aggregating probe: h, its hist trigger on its own event; l, a
 * latency probe's, on its synthetic event, fed by the triggers on its
 * entry and its return. */
static void put_aggregate(FILE *f, size_t i, const struct probe *p)
{
	const char *how = !p->hist ? NULL : p->letter->latency ? "l" : "h";
	char *hist = p->hist ? hist_trigger_text(p) : NULL;
	put_var(f, i, "aggregate", how);
	put_var(f, i, "hist", hist);
	free(hist);
	if (!how || *how != 'l')
		return;
	char *texts[3] = {latency_return_name(p), latency_entry_trigger(p),
			  latency_return_trigger(p)};
	put_var(f, i, "return_name", texts[0]);
	put_var(f, i, "entry_trigger", texts[1]);
	put_var(f, i, "return_trigger", texts[2]);
	for (int j = 0; j < 3; j++)
		free(texts[j]);
}

/* A graph probe: its gate and return events and their triggers. */
static void put_graph(FILE *f, size_t i, const struct probe *p)
{
	bool graph = p->letter->graph;
	put_var(f, i, "graph", graph ? "1" : NULL);
	if (!graph)
		return;
	char *gate = graph_gate_name(p), *ret = latency_return_name(p);
	put_var(f, i, "gate_name", gate);
	put_var(f, i, "return_name", ret);
	put_var(f, i, "gate_trigger", graph_gate_trigger);
	put_var(f, i, "return_trigger", graph_return_trigger);
	free(gate);
	free(ret);
}

/* What is the same for every kernel: the probe as written, its kind,
 * name, binary and conversions. */
static void put_probe(FILE *f, size_t i, const struct probe *p)
{
	const struct target *t = &p->target;
	const struct probe_kind *k = p->kind;
	struct strbuf src = {0}, conv = {0};
	unsigned line, col;
	source_linecol(p->src, p->loc.start, &line, &col);
	sb_printf(&src, "%s:%u: ", p->src->name, line);
	char *text = probe_source_text(p);
	sb_puts(&src, text);
	free(text);
	char *shown = inert_text(src.s);
	for (size_t a = 0; a < p->nargs; a++) {
		const struct conversion *c = p->plans[a].conv;
		if (c)
			sb_printf(&conv, "%s%s=%s", conv.len ? "," : "",
				  p->args[a].name, c->name);
	}
	bool event = k->site == PROBE_EVENT;
	/* An event is never defined: it has no letter. */
	fprintf(f, "probe_%zu_kind=%c\nprobe_%zu_letter=", i, k->tag, i);
	if (k->def_letter)
		fputc(k->def_letter, f);
	if (p->maxactive)
		fprintf(f, "%u", p->maxactive);
	fputc('\n', f);
	put_var(f, i, "events_file", k->events_file);
	put_var(f, i, "name", event ? t->text : p->event);
	put_var(f, i, "source", shown);
	put_var(f, i, "binary", k->user ? t->path : NULL);
	put_var(f, i, "binary_id", k->user ? binary_identity(t->path) : NULL);
	put_var(f, i, "conversions", conv.s);
	put_var(f, i, "glob", t->glob);
	put_aggregate(f, i, p);
	put_graph(f, i, p);
	free(shown);
	sb_free(&src);
	sb_free(&conv);
}

/* The fields of one probe that differ between kernels. */
enum { F_REST, F_FILTER, F_FUNCTION, F_FEATURES, F_SYNTH, F_RETURN, NFIELDS };
static const char *const field_names[NFIELDS] = {
	"rest", "filter", "function", "features", "synth", "return"};

static void probe_fields(const struct probe *p, const struct options *opt,
			 char *out[NFIELDS])
{
	const struct target *t = &p->target;
	struct render_target rt = render_target_of(opt);
	struct strbuf feats = {0};
	/* What the kernel must offer, as its tracefs README names it, so
	 * that the script can check before arming (fetchtype.c). */
	unsigned features = probe_kind_features(p);
	for (size_t a = 0; a < p->nargs; a++)
		features |= p->plans[a].features;
	if (t->marker && t->marker->sem_offset)
		features |= FEAT_REF_CTR;
	if (p->hist)
		features |= p->hist->features;
	put_features(&feats, features);
	out[F_REST] = p->kind->site == PROBE_EVENT
		? NULL : probe_target_and_args(p, &rt);
	out[F_FILTER] = probe_filter_text(p, opt->arch);
	/* A kernel SYMBOL target is a kprobe's. */
	out[F_FUNCTION] = t->kind == TGT_KSYM
		? xstrdup(t->clone ? t->clone : t->symbol) : NULL;
	out[F_FEATURES] = feats.s;
	out[F_SYNTH] = out[F_RETURN] = NULL;
	if (probe_has_return(p)) {
		struct strbuf ret = {0};
		put_target(&ret, t);
		out[F_RETURN] = ret.s;
	}
	if (p->hist && p->letter->latency)
		out[F_SYNTH] = latency_synth_fields(p, &rt);
}

/* One kernel: its identity and, for each probe it arms, the ids of its
 * texts, field by field. */
static void put_kernel(FILE *f, size_t k, const struct build *b,
		       struct texts *texts)
{
	const struct kernel_id *id = b->opt.types ? &b->opt.types->id : NULL;
	const struct arch *arch = b->opt.arch;
	const struct program *prog = b->prog;
	fprintf(f, "kernel_%zu_release=", k);
	put_sh_quoted(f, id ? id->release : NULL);
	fprintf(f, "\nkernel_%zu_version=", k);
	put_sh_quoted(f, id ? id->version : NULL);
	fprintf(f, "\nkernel_%zu_build_id=", k);
	put_sh_quoted(f, id ? id->build_id : NULL);
	fprintf(f, "\nkernel_%zu_arch=%s\nkernel_%zu_big_endian=%d\n"
		"kernel_%zu_machines='%s", k, arch->name, k, arch->big_endian,
		k, arch->name);
	for (const char *const *a = arch->aliases; *a; a++)
		fprintf(f, " %s", *a);
	/* Where its graphs are expected (the script checks when it runs). */
	struct kernel_features kf;
	kernel_features_of(id ? id->release : NULL, &kf);
	fprintf(f, "'\nkernel_%zu_graph_way=%s", k,
		!id || !id->release || (kf.unknown & FEAT_INSTANCE_GRAPH) ? ""
		: (kf.has & FEAT_INSTANCE_GRAPH) ? "instance" : "top");
	fprintf(f, "\nkernel_%zu_probes='", k);
	for (size_t i = 0, n = 0; i < prog->nprobes; i++)
		if (!prog->probes[i]->failed)
			fprintf(f, "%s%zu", n++ ? " " : "", i + 1);
	fputs("'\n", f);
	struct strbuf ids[NFIELDS] = {{0}};
	for (size_t i = 0; i < prog->nprobes; i++) {
		if (prog->probes[i]->failed)
			continue;
		char *fields[NFIELDS];
		probe_fields(prog->probes[i], &b->opt, fields);
		for (int j = 0; j < NFIELDS; j++) {
			sb_printf(&ids[j], "%s%zu", ids[j].len ? " " : "",
				  text_id(texts, fields[j]));
			free(fields[j]);
		}
	}
	for (int j = 0; j < NFIELDS; j++) {
		fprintf(f, "kernel_%zu_%s='%s'\n", k, field_names[j],
			ids[j].s ? ids[j].s : "");
		sb_free(&ids[j]);
	}
}

static void put_kernel_header(FILE *f, const struct build *b)
{
	const struct kernel_id *id = b->opt.types ? &b->opt.types->id : NULL;
	fputs("# kernel: ", f);
	put_inert(f, id && id->release ? id->release
		    : "any (compiled without a kernel's identity)");
	fprintf(f, " (%s)\n", b->opt.arch->name);
	if (id && id->version) {
		fputs("#   version: ", f);
		put_inert(f, id->version);
		fputc('\n', f);
	}
	if (id && id->build_id) {
		fputs("#   build-id: ", f);
		put_inert(f, id->build_id);
		fputc('\n', f);
	}
	size_t left = 0;
	for (size_t i = 0; i < b->prog->nprobes; i++)
		left += b->prog->probes[i]->failed;
	if (left)
		fprintf(f, "#   %zu of %zu probes left out (--allow-partial, or "
			"wildcard matches its types lack)\n",
			left, b->prog->nprobes);
}

/* The binaries of uprobes, as the script checks them. */
static void put_binaries_header(FILE *f, const struct program *prog)
{
	for (size_t i = 0; i < prog->nprobes; i++) {
		const struct probe *p = prog->probes[i];
		if (!p->kind->user)
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = prog->probes[j]->kind->user &&
			       !strcmp(prog->probes[j]->target.path, p->target.path);
		if (seen)
			continue;
		const char *bid = binary_identity(p->target.path);
		fputs("# binary: ", f);
		put_inert(f, p->target.path);
		fputs(": ", f);
		if (!bid)
			fputs("unreadable when compiled (not checked)", f);
		else if (!strncmp(bid, "build-id:", 9))
			fprintf(f, "build-id %s", strrchr(bid, ':') + 1);
		else
			fprintf(f, "cksum %s", bid + 6);
		fputc('\n', f);
	}
}

void write_script(FILE *f, const struct build *b, size_t n,
		  const char *cmdline)
{
	/* What is the same for every kernel comes from the first. */
	const struct program *prog = b[0].prog;
	fprintf(f, "#!/bin/sh\n"
		"# Written by surfc %s: a standalone script that arms ftrace\n"
		"# probes, streams their events and removes them again.\n"
		"# Run it as root: sh trace.sh -h tells the options.\n"
		"#\n# command: ", SURFC_VERSION);
	put_inert(f, cmdline);
	fputc('\n', f);
	for (size_t k = 0; k < n; k++)
		put_kernel_header(f, &b[k]);
	fputs("# probes:\n", f);
	for (size_t i = 0; i < prog->nprobes; i++) {
		fputs("#   ", f);
		put_probe_origin(f, prog->probes[i]);
		fputc('\n', f);
	}
	put_binaries_header(f, prog);
	/* Before the first command, so it covers the file: the data is read
	 * through eval, and '$retval' in it is text, not an expansion. */
	fputs("\n# shellcheck disable=SC2034,SC2016,SC2154\n", f);
	fputs(runtime_sh, f);
	fputs("\n# ---- the probes (data) ----\n", f);
	fprintf(f, "surfc_version=%s\nkernel_ids='", SURFC_VERSION);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%s%zu", k ? " " : "", k + 1);
	fprintf(f, "'\nprobe_count=%zu\n", prog->nprobes);
	/* What a graph probe's tracer needs set, once for the run. */
	struct strbuf settings = {0};
	for (size_t i = 0; i < prog->nprobes; i++)
		if (prog->probes[i]->letter->graph && !settings.len)
			put_graph_settings(&settings, " ");
	fputs("graph_settings=", f);
	put_sh_quoted(f, settings.s);
	fputc('\n', f);
	sb_free(&settings);
	for (size_t i = 0; i < prog->nprobes; i++)
		put_probe(f, i + 1, prog->probes[i]);
	struct texts texts = {0};
	for (size_t k = 0; k < n; k++)
		put_kernel(f, k + 1, &b[k], &texts);
	fputs("text_0=''\n", f);
	for (size_t i = 0; i < texts.n; i++) {
		fprintf(f, "text_%zu=", i + 1);
		put_sh_quoted(f, texts.v[i]);
		fputc('\n', f);
	}
	texts_free(&texts);
	binary_identity(NULL);
	fputs("convert_awk=", f);
	put_sh_quoted(f, convert_awk);
	fputs("\nhist_awk=", f);
	put_sh_quoted(f, hist_awk);
	fputs("\ngraph_awk=", f);
	put_sh_quoted(f, graph_awk);
	fputs("\n\nmain \"$@\"\n", f);
}
