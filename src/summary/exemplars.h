/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_EXEMPLARS_H
#define RQS_EXEMPLARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "summary/log2_hist.h"

/* --metrics, OpenMetrics: each histogram bucket's exemplar is the longest
 * recent wait over the threshold (MIN_US) that fell in it. A wait takes a
 * slot's place when it is at least as long, or when the one there ended
 * RQS_EXEMPLAR_WINDOW_NS or more before it: so each is the longest of at
 * most the last minute, and a spike replaces it at once. */
#define RQS_EXEMPLAR_WINDOW_NS (60 * 1000000000ULL)

struct exemplar {
	uint64_t wait_ns;	/* 0: none */
	uint64_t end_mono_ns;	/* when it ran: CLOCK_MONOTONIC */
	int64_t end_real_ns;	/* and CLOCK_REALTIME */
	uint32_t tid;
	char comm[16];		/* as the kernel has it, not NUL-terminated when full */
};

/* The exemplars of one series, by log2 slot */
struct exemplar_set {
	char *label;		/* the series' label value, "" without --by */
	struct exemplar slot[RQS_HIST_SLOTS];
	bool kept;		/* exemplars_keep()'s mark */
};

/* Sorted by label (strcmp()); at most @max sets */
struct exemplars {
	struct exemplar_set *v;
	size_t n, cap, max;
};

void exemplars_init(struct exemplars *x, size_t max);
/* Offers @e to @label's series: 0, -ENOSPC when that series has no set and
 * @max are taken, -ENOMEM. */
int exemplars_note(struct exemplars *x, const char *label, const struct exemplar *e);
/* @label's exemplars, NULL if none */
const struct exemplar_set *exemplars_find(const struct exemplars *x, const char *label);
/* Drops the sets whose label is none of the @n in @labels: series that
 * left the page */
void exemplars_keep(struct exemplars *x, const char *const *labels, size_t n);
/* The exemplar of the bucket that shows slot @slot in layout @l (NULL:
 * every slot as it is): the longest of the slots it merges. NULL if none. */
const struct exemplar *exemplar_of_bucket(const struct exemplar_set *s,
					  const struct hist_layout *l, unsigned int slot);
void exemplars_free(struct exemplars *x);

#endif
