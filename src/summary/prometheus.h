/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROMETHEUS_H
#define RQS_PROMETHEUS_H

#include <stdint.h>
#include <stdio.h>

#include "summary/blame_pairs.h"
#include "summary/exemplars.h"
#include "summary/log2_hist.h"
#include "summary/process_metrics.h"

/* One histogram and its --by label value (label_encode()d; NULL without
 * --by). */
struct series {
	char *label;
	struct hist h;
};

struct metrics_input {
	enum rqs_by by;
	const struct series *series;
	size_t nseries;
	const struct hist *overflow;	/* --by comm|cgroup only */
	uint64_t overflow_keys;		/* --max-keys */
	/* --by comm|cgroup: series retired and folded (over the bounds on
	 * removed cgroups and idle COMMs), and how many */
	const struct hist *retired_folded;
	uint64_t retired_series_folded;
	uint64_t labels_truncated;	/* label values cut to RQS_LABEL_MAX */
	/* 0: no bound; else the series of wait_seconds take at most so many
	 * bytes, the busiest first; the rest are folded into one */
	size_t max_series_bytes;
	uint64_t outliers;		/* waits over the threshold */
	uint64_t lost_ringbuf;
	uint64_t not_recorded;
	uint64_t missed_switch_ins;
	uint64_t wakers_not_recorded;	/* -W */
	uint64_t storage_bytes;
	const char *version;
	const char *storage;		/* task or hash */
	const struct process_metrics *process;	/* NULL: no process_* */
	const struct hist_layout *layout;	/* --bucket-range; NULL: every slot */
	/* --by cgroup: pod labels for a container whose cgroup does not name
	 * its runtime (enum k8s_runtime) */
	int container_runtime;
	const struct blame_table *blame;	/* --blame-by cgroup; else NULL */
	uint64_t blame_pairs;			/* its bound, --max-keys */
	/* OpenMetrics 1.0.0 rather than the text format: counter families
	 * named without _total, buckets with @exemplars (by series label,
	 * "" without --by; NULL: none), # EOF */
	bool openmetrics;
	const struct exemplars *exemplars;
};

/* The most bytes an exemplar adds to a bucket's line */
#define RQS_EXEMPLAR_MAX_BYTES 159

/* The label name of --by (cpu, comm, cgroup), NULL for none. */
const char *metrics_by_label(enum rqs_by by);
/* At most the bytes put_histogram() writes for one series of @metric with
 * label @name="@value" and the labels @extra ("" for none) */
size_t metrics_series_bound(const char *metric, const char *name, const char *value,
			    const char *extra);
/* The Prometheus text exposition format (version 0.0.4), or OpenMetrics. */
int metrics_render(FILE *out, const struct metrics_input *in);

#endif
