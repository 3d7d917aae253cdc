/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_SUMMARY_LOOP_H
#define RQS_SUMMARY_LOOP_H

#include <stdio.h>

#include "summary/exemplars.h"
#include "summary/http_server.h"
#include "cli/plan.h"
#include "summary/hist_maps.h"

/* -s, -i and --metrics in the tracing loop. */
struct summary_run {
	const struct summary_plan *o;
	const struct tracer *t;
	struct summary sum;
	struct http_server *http;
	struct listen_set listen;
	unsigned long long start_ns, next_interval_ns;
	unsigned long long pages;	/* --metrics pages built */
	unsigned long long page_ns;	/* and the time that took */
	struct exemplars exemplars;	/* --metrics, for OpenMetrics */
};

/* Before any BPF: binds --metrics' sockets. 0, or after one line on stderr
 * listen_all()'s status: 2 (the name resolves to nothing, an address is
 * taken or cannot be bound: a usage error), 1 (the resolver failed). */
int summary_run_listen(struct summary_run *r, const struct summary_plan *o);
/* After the tracer started: 0, or 1 after one line on stderr. */
int summary_run_start(struct summary_run *r, const struct tracer *t, FILE *out);
/* Every poll: interval output, a /metrics page when one is wanted, and
 * removed cgroups taken out of the map when that is due.
 * @outliers: waits over the threshold seen (printed or not). */
int summary_run_tick(struct summary_run *r, FILE *out, unsigned long long outliers);
/* --metrics: a wait over the threshold, as the ring buffer gave it, offered
 * as its bucket's exemplar (@ctx: the summary_run). */
void summary_run_note_outlier(void *ctx, const struct rqs_event *e, long long real_minus_mono);
/* At exit: the whole run's summary; stops the server. */
int summary_run_finish(struct summary_run *r, FILE *out);

#endif
