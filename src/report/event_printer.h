/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_EVENT_PRINTER_H
#define RQS_EVENT_PRINTER_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/plan.h"
#include "common/cgroup_names.h"
#include "summary/listen_address.h"

/* Each wait over the threshold, as it comes out of the ring buffer: one
 * text line or JSON record on stdout. */
struct event_printer {
	const struct output_format *format;
	size_t event_size;	/* what the plan makes the programs fill */
	bool quiet;		/* --no-outliers: counted, not printed */
	long long real_minus_mono; /* refreshed before each batch */
	bool write_failed;
	unsigned long long events;
	const struct listen_set *metrics; /* --metrics: as bound */
	struct cgroup_names cgroups;	/* -B: the entries' cgroups */
	bool have_cgroups;
	/* --metrics: each event, printed or not, is offered as an exemplar */
	void (*on_outlier)(void *ctx, const struct rqs_event *e, long long real_minus_mono);
	void *outlier_ctx;
};

/* With -B, the cgroup v2 hierarchy is scanned for the entries' names;
 * without one mounted (a notice says so) they are named by their ids. */
void event_printer_init(struct event_printer *p, const struct plan *plan);
void event_printer_free(struct event_printer *p);
/* The banner: the header line(s), the JSON start record, or with
 * --no-outliers what the summary will print. */
int event_printer_banner(const struct event_printer *p, const struct plan *plan);
/* A ring_buffer_sample_fn: -EPIPE once stdout cannot be written. */
int event_printer_on_event(void *ctx, void *data, size_t size);

#endif
