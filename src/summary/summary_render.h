/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -s and -i: one summary (an interval's, or the run's at exit) as text,
 * runqlat's layout, or as JSON records with the same figures. */
#ifndef RQS_SUMMARY_RENDER_H
#define RQS_SUMMARY_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "summary/prometheus.h"

struct summary_view {
	bool final;		/* at exit: every wait since the start */
	double secs;		/* the interval's length, or the run's */
	long long wall_ns;	/* CLOCK_REALTIME when it was read */
	unsigned long long mono_ns; /* and CLOCK_MONOTONIC */
	enum rqs_by by;
	unsigned int max_keys;
	const struct series *v;	/* sorted by label; those with no waits skipped */
	size_t n;
	const struct hist *overflow; /* --by comm|cgroup: keys not kept; else NULL */
	const struct hist_layout *layout; /* --bucket-range; NULL: every slot */
	/* --by comm|cgroup: retired series over the bound, folded; else NULL */
	const struct hist *folded;
	unsigned long long nfolded;	/* series in it */
	/* --blame-by cgroup: the same waits' culprits; else NULL */
	const struct blame_table *blame;
};

/* The title line, then per series with waits the "KEY = LABEL" line and
 * hist_print(), with --blame-by cgroup its top culprits; "no waits" when
 * none counted any. */
int summary_render_text(FILE *out, const struct summary_view *s);
/* One {"type":"summary",...} record per series with waits (the overflow
 * one with "overflow":true, the folded one with "folded":N series), or one
 * with "count":0 when none counted any; with --blame-by cgroup a series'
 * record has "blame", every culprit of it, and the overflow record the
 * pairs' overflow as "blame_overflow_ns". */
int summary_render_json(FILE *out, const struct summary_view *s);

#endif
