/* show.c: surfc -S, the exact tracefs writes of every probe, as shell
 * lines to paste into a shell in the target's tracefs directory; the
 * events file a definition goes to is its kind's (probekind.c). */
#include <stdlib.h>
#include <string.h>

#include "../compiler/surfc.h"

void put_sh_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; s && *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

char *inert_text(const char *s)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			sb_puts(&sb, "\\n");
		else if (c == '\t')
			sb_puts(&sb, "\\t");
		else if (c == '\r')
			sb_puts(&sb, "\\r");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(&sb, "\\x%02x", c);
		else
			sb_putc(&sb, (char)c);
	}
	return sb.s;
}

void put_inert(FILE *f, const char *text)
{
	char *s = inert_text(text);
	fputs(s, f);
	free(s);
}

void put_probe_origin(FILE *f, const struct probe *p)
{
	unsigned line, col;
	source_linecol(p->src, p->loc.start, &line, &col);
	char *text = probe_source_text(p);
	put_inert(f, p->src->name);
	fprintf(f, ":%u: ", line);
	put_inert(f, text);
	free(text);
}

static void put_write(FILE *f, const char *text, const char *op,
		      const char *path)
{
	fputs("echo ", f);
	put_sh_quoted(f, text);
	fprintf(f, " %s %s\n", op, path);
}

/* The trigger, with the filter the kernel applies to it (an event's own
 * filter does not reach its triggers). */
static void put_trigger(FILE *f, const char *trigger, const char *filter,
			const char *dir)
{
	struct strbuf sb = {0};
	sb_puts(&sb, trigger);
	if (filter)
		sb_printf(&sb, " if %s", filter);
	put_write(f, sb.s, ">>", dir);
	sb_free(&sb);
}

/* The trigger on GROUP/EVENT's trigger file. */
static void put_event_trigger(FILE *f, const char *group, const char *event,
			      const char *trigger, const char *filter)
{
	char *dir = xprintf("events/%s/%s/trigger", group, event);
	put_trigger(f, trigger, filter, dir);
	free(dir);
}

/* A latency probe: its return probe, its synthetic event, the user's
 * histogram on it, then the triggers that feed it. */
static void show_latency(FILE *f, const struct probe *p, size_t id,
			 const struct options *opt, const char *filter)
{
	const char *group = opt->group;
	struct render_target rt = render_target_of(opt);
	struct strbuf sb = {0}, synth = {0};
	char *ret = latency_return_name(p);
	sb_printf(&sb, "r:%s/%s ", group, ret);
	put_target(&sb, &p->target);
	put_write(f, sb.s, ">>", p->kind->events_file);
	sb_printf(&synth, "%s_%zu", group, id);
	char *fields = latency_synth_fields(p, &rt);
	sb.len = 0;
	sb_printf(&sb, "%s %s", synth.s, fields);
	put_write(f, sb.s, ">>", "synthetic_events");
	char *hist = hist_trigger_text(p);
	char *dir = xprintf("events/synthetic/%s/trigger", synth.s);
	put_trigger(f, hist, NULL, dir);
	free(dir);
	char *entry = latency_entry_trigger(p);
	put_event_trigger(f, group, p->event, entry, filter);
	char *raw = latency_return_trigger(p);
	char *filled = fill_run_names(raw, group, synth.s);
	put_event_trigger(f, group, ret, filled, NULL);
	free(raw);
	free(filled);
	free(entry);
	free(hist);
	free(fields);
	free(ret);
	sb_free(&sb);
	sb_free(&synth);
}

/* A graph probe: its gate and return, the tracer's settings, its own
 * filter and enable, and the gate's triggers. */
static void show_graph(FILE *f, const struct probe *p,
		       const struct options *opt, const char *filter)
{
	const char *group = opt->group;
	struct render_target rt = render_target_of(opt);
	char *rest = probe_target_and_args(p, &rt);
	char *gate = graph_gate_name(p), *ret = latency_return_name(p);
	struct strbuf sb = {0};
	sb_printf(&sb, "p:%s/%s %s", group, gate, rest);
	put_write(f, sb.s, ">>", p->kind->events_file);
	sb.len = 0;
	sb_printf(&sb, "r:%s/%s ", group, ret);
	put_target(&sb, &p->target);
	put_write(f, sb.s, ">>", p->kind->events_file);
	sb.len = 0;
	put_graph_settings(&sb, "\n");
	for (char *line = sb.s; line && *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		char *eq = strchr(line, '=');
		*eq = '\0';
		put_write(f, eq + 1, ">", line);
		line = end ? end + 1 : NULL;
	}
	char *dir = xprintf("events/%s/%s/", group, p->event);
	if (filter) {
		sb.len = 0;
		sb_printf(&sb, "%sfilter", dir);
		put_write(f, filter, ">", sb.s);
	}
	sb.len = 0;
	sb_printf(&sb, "%senable", dir);
	put_write(f, "1", ">", sb.s);
	free(dir);
	put_event_trigger(f, group, gate, graph_gate_trigger, filter);
	put_event_trigger(f, group, ret, graph_return_trigger, NULL);
	free(gate);
	free(ret);
	free(rest);
	sb_free(&sb);
}

static void show_probe(FILE *f, const struct probe *p, size_t id,
		       const struct options *opt)
{
	fputs("# ", f);
	put_probe_origin(f, p);
	fputc('\n', f);
	if (p->absent) {
		fprintf(f, "# left out on this kernel: its types lack this "
			"match of %s\n", p->target.glob);
		return;
	}
	if (p->failed) {
		fputs("# left out on this kernel (--allow-partial)\n", f);
		return;
	}
	char *filter = probe_filter_text(p, opt->arch);
	const char *group = opt->group;
	const char *event = p->event;
	if (p->kind->site == PROBE_EVENT) {
		group = p->target.group;
	} else {
		struct render_target rt = render_target_of(opt);
		char *def = probe_definition(p, opt->group, &rt);
		put_write(f, def, ">>", p->kind->events_file);
		free(def);
	}
	if (p->letter->graph) {
		show_graph(f, p, opt, filter);
	} else if (p->hist && p->letter->latency) {
		show_latency(f, p, id, opt, filter);
	} else if (p->hist) {
		char *hist = hist_trigger_text(p);
		put_event_trigger(f, group, event, hist, filter);
		free(hist);
	} else if (filter) {
		char *dir = xprintf("events/%s/%s/filter", group, event);
		put_write(f, filter, ">", dir);
		free(dir);
	}
	free(filter);
}

void show_program(FILE *f, const struct program *prog,
		  const struct options *opt)
{
	for (size_t i = 0; i < prog->nprobes; i++)
		show_probe(f, prog->probes[i], i + 1, opt);
}
