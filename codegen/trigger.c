/* trigger.c: an aggregating probe as the texts tracefs takes: its hist
 * trigger, and for a latency probe the synthetic event and the two
 * triggers that join entry to return per thread. The run's names (its
 * event group, the synthetic event's name) are the script's, known only
 * when it runs: these texts hold none of them, and the runtime puts them
 * together (runtime-sh/surfc.sh, arm_triggers). */
#include <stdlib.h>
#include <string.h>

#include "../compiler/surfc.h"

/* stacktrace is what every kernel takes: 6.5 renamed it
 * common_stacktrace and kept the old name. */
static const char *field_name(const struct hist_item *item)
{
	return strcmp(item->name, "common_stacktrace") ? item->name
							: "stacktrace";
}

static void put_item(struct strbuf *sb, const struct hist_item *item)
{
	sb_puts(sb, field_name(item));
	if (item->mod == HM_NONE)
		return;
	sb_printf(sb, ".%s", hist_mod_name(item->mod));
	if (item->mod == HM_BUCKETS)
		sb_printf(sb, "=%llu", item->buckets);
}

static void put_list(struct strbuf *sb, const char *attr,
		     const struct hist_item *items, size_t n)
{
	size_t put = 0;
	for (size_t i = 0; i < n; i++) {
		/* hitcount is always there. */
		if (!strcmp(items[i].name, "hitcount") && !strcmp(attr, "vals"))
			continue;
		sb_puts(sb, put++ ? "," : attr);
		put_item(sb, &items[i]);
	}
}

char *hist_trigger_text(const struct probe *p)
{
	const struct hist *h = p->hist;
	struct strbuf sb = {0};
	sb_puts(&sb, "hist:");
	put_list(&sb, "keys=", h->keys, h->nkeys);
	put_list(&sb, ":vals=", h->vals, h->nvals);
	/* What people ask first: the biggest rows. */
	if (h->nsort)
		put_list(&sb, ":sort=", h->sort, h->nsort);
	else
		sb_puts(&sb, ":sort=hitcount.descending");
	if (h->size)
		sb_printf(&sb, ":size=%llu", h->size);
	return sb.s;
}

/* The arguments a latency probe carries to its synthetic event: those
 * its clause names, once each, in the clause's order. */
static size_t carried(const struct probe *p, int *args)
{
	const struct hist *h = p->hist;
	size_t n = 0;
	const struct hist_item *lists[2] = {h->keys, h->vals};
	size_t counts[2] = {h->nkeys, h->nvals};
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < counts[l]; i++) {
			int a = lists[l][i].arg;
			bool seen = a < 0;
			for (size_t j = 0; j < n && !seen; j++)
				seen = args[j] == a;
			if (!seen)
				args[n++] = a;
		}
	}
	return n;
}

/* A synthetic field's type must match the variable handed to it in size
 * and signedness: the fetch type's, with x (hex) as u. */
static void put_synth_field(struct strbuf *sb, const struct argplan *plan,
			    const char *name, const struct render_target *rt)
{
	const struct fetch_type *t = plan->type.type;
	if (plan->value == VAL_STR) { /* $comm has no type written */
		sb_printf(sb, "; char %s[]", name);
		return;
	}
	unsigned bits = t && t->bits ? t->bits : rt->arch->long_bits;
	if (t && t->is_bitfield)
		bits = plan->type.bf_container;
	char sign = t && t->name[0] == 's' ? 's' : 'u';
	sb_printf(sb, "; %c%u %s", sign, bits, name);
}

char *latency_synth_fields(const struct probe *p,
			   const struct render_target *rt)
{
	int args[HIST_MAX_KEYS + HIST_MAX_VALS];
	size_t n = carried(p, args);
	struct strbuf sb = {0};
	sb_puts(&sb, "u64 lat");
	for (size_t i = 0; i < n; i++)
		put_synth_field(&sb, &p->plans[args[i]], p->args[args[i]].name, rt);
	return sb.s;
}

/* The entry's trigger saves the time and what the probe carries, per
 * thread; the return's computes lat and hands it all to the synthetic
 * event. The run's group and the synthetic event's name are the
 * placeholders @GROUP@ and @SYNTH@ (nothing else in these texts holds an
 * '@': they are field names and an event name). */
char *latency_entry_trigger(const struct probe *p)
{
	int args[HIST_MAX_KEYS + HIST_MAX_VALS];
	size_t n = carried(p, args);
	struct strbuf sb = {0};
	sb_puts(&sb, "hist:keys=common_pid:surfc_ts=common_timestamp.usecs");
	for (size_t i = 0; i < n; i++)
		sb_printf(&sb, ",surfc_a%zu=%s", i, p->args[args[i]].name);
	return sb.s;
}

char *latency_return_trigger(const struct probe *p)
{
	int args[HIST_MAX_KEYS + HIST_MAX_VALS];
	size_t n = carried(p, args);
	struct strbuf sb = {0};
	sb_printf(&sb, "hist:keys=common_pid:surfc_lat=common_timestamp.usecs-"
		  "$surfc_ts:onmatch(@GROUP@.%s).trace(@SYNTH@,$surfc_lat",
		  p->event);
	for (size_t i = 0; i < n; i++)
		sb_printf(&sb, ",$surfc_a%zu", i);
	sb_putc(&sb, ')');
	return sb.s;
}

/* A latency or graph probe's return event. */
char *latency_return_name(const struct probe *p)
{
	struct strbuf sb = {0};
	sb_printf(&sb, "%s__ret", p->event);
	return sb.s;
}

char *fill_run_names(const char *text, const char *group, const char *synth)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "");
	while (*text) {
		if (!strncmp(text, "@GROUP@", 7)) {
			sb_puts(&sb, group);
			text += 7;
		} else if (!strncmp(text, "@SYNTH@", 7)) {
			sb_puts(&sb, synth);
			text += 7;
		} else {
			sb_putc(&sb, *text++);
		}
	}
	return sb.s;
}

/* ---- graph probes ---- */

/* What a run with a graph probe sets where its graph is recorded (its
 * instance, or the top level of a kernel whose instances have no
 * function_graph), in this order: tracing off until a gate opens, the
 * tracer, and the options that make its lines ours to pick (each line's
 * CPU and task, its time; interrupts left out). The script restores
 * each at the top level. */
static const char *const graph_settings[] = {
	"tracing_on=0",
	"current_tracer=function_graph",
	"options/funcgraph-irqs=0",
	"options/funcgraph-proc=1",
	"options/funcgraph-abstime=1",
};
#define NGRAPH_SETTINGS (sizeof(graph_settings) / sizeof(graph_settings[0]))

void put_graph_settings(struct strbuf *sb, const char *sep)
{
	for (size_t i = 0; i < NGRAPH_SETTINGS; i++)
		sb_printf(sb, "%s%s", i ? sep : "", graph_settings[i]);
}

/* A graph probe is three events: the probe itself, enabled, its
 * arguments printed at the top of each graph; its gate, NAME__on, with
 * the same definition and filter, whose trigger turns tracing on; and its
 * return, NAME__ret, whose trigger turns it off. The probe is defined
 * before its gate: the kernel runs the handlers of one address in
 * reverse order of definition, so the gate opens first and the
 * probe's line is the graph's first. */
char *graph_gate_name(const struct probe *p)
{
	return xprintf("%s__on", p->event);
}

const char graph_gate_trigger[] = "traceon";
const char graph_return_trigger[] = "traceoff";
