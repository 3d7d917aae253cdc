// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "common/clock.h"
#include "common/version.h"
#include "report/loss_lines.h"
#include "trace/stale_entries.h"
#include "trace/tracer.h"

/* Walking the whole hash map costs two syscalls an entry: not every second. */
#define STALE_SCAN_EVERY 10

void loss_report_update(struct loss_report *r, const struct tracer *t, bool final)
{
	__u64 totals[RQS_NR_COUNTERS];
	struct stale_count sc;
	int err = tracer_read_counters(t, totals);

	if (err) {
		/* losses may go unreported: say so, once */
		if (!r->read_failed)
			fprintf(stderr, RQS_NAME ": cannot read the loss counters: %s\n",
				strerror(-err));
		r->read_failed = true;
		return;
	}
	loss_report_counts(r, totals, monotonic_ns(), final);

	if (r->mode != STORAGE_HASH || (!final && ++r->updates % STALE_SCAN_EVERY))
		return;
	if (count_stale_entries(bpf_map__fd(t->start), bpf_map__max_entries(t->start),
				bpf_map__value_size(t->start), &sc) ||
	    !sc.stale_known)
		return;
	loss_report_stale(r, &sc, monotonic_ns(), final);
}
