/* check.h: what the checkers share (check.c, hist.c): their state and
 * how they report. */
#ifndef SURFC_CHECK_H
#define SURFC_CHECK_H

#include "surfc.h"

struct checker {
	const struct options *opt;
	struct diags *dg;
	struct arena *arena;
	struct probe *p;
	const struct source *src;
	bool skip_typed; /* the probe's target was already reported */
	/* A U probe's marker sites past the first, for split_sites(). */
	const struct usdt_marker **sites;
	size_t nsites;
	unsigned warned; /* features the model could not tell, warned of */
	struct program *prog; /* the program, and where p is in it */
	size_t at;
};

/* glob.c: wildcard targets. */
bool target_is_glob(const char *text);
/* Expands prog->probes[i]'s wildcard target into a probe a match (the
 * first in its place, the rest after it); false when reported. */
bool expand_glob(struct checker *c, struct program *prog, size_t i);

#define ERR(c, loc, ...) diag((c)->dg, (c)->src, (loc), SEV_ERROR, __VA_ARGS__)
#define WARN(c, loc, ...) diag((c)->dg, (c)->src, (loc), SEV_WARNING, __VA_ARGS__)
#define NOTE(c, loc, ...) diag((c)->dg, (c)->src, (loc), SEV_NOTE, __VA_ARGS__)
#define SUGGEST(c, loc, near, otherwise, ...) \
	diag_suggest((c)->dg, (c)->src, (loc), (near), (otherwise), __VA_ARGS__)

/* What the probe needs (enum feature) that the model says the kernel
 * lacks is an error at at naming the release; what the model cannot tell
 * is a warning, once per feature (the script checks the target's
 * README). */
void require_features(struct checker *, struct loc at, unsigned need);

/* The names of the probe's fields, its arguments' and its event's, in a
 * malloc'ed array with room for extra more; *n of them. */
const char **probe_field_names(const struct probe *, size_t extra,
			       size_t *n);

/* hist.c */
void hist_read(struct checker *, struct probe *);
void hist_check(struct checker *, struct probe *);

#endif
