// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "losses.h"
#include "stale.h"

/* Walking the whole hash map costs two syscalls an entry: not every second. */
#define STALE_SCAN_EVERY 10

void loss_report_init(struct loss_report *r, enum storage_mode mode,
		      unsigned int hash_entries)
{
	*r = (struct loss_report){ .mode = mode, .hash_entries = hash_entries };
}

static void report_storage(const struct loss_report *r, __u64 n, const char *when)
{
	if (r->mode == STORAGE_HASH)
		fprintf(stderr, RQS_NAME ": %llu wakeups not recorded%s: hash map full (%u entries); raise --hash-entries or use --storage=task\n",
			(unsigned long long)n, when, r->hash_entries);
	else
		fprintf(stderr, RQS_NAME ": %llu wakeups not recorded%s: task storage could not be allocated\n",
			(unsigned long long)n, when);
}

void loss_report_update(struct loss_report *r, const struct tracer *t, bool final)
{
	const char *when = final ? " in all" : "";
	struct stale_count sc;
	__u64 *shown = final ? (__u64[RQS_NR_COUNTERS]){ 0 } : r->reported;

	int err = tracer_read_counters(t, r->totals);

	if (err) {
		/* losses may go unreported: say so, once */
		if (!r->read_failed)
			fprintf(stderr, RQS_NAME ": cannot read the loss counters: %s\n",
				strerror(-err));
		r->read_failed = true;
		return;
	}
	if (r->totals[RQS_LOST_RINGBUF] > shown[RQS_LOST_RINGBUF])
		fprintf(stderr, RQS_NAME ": %llu events lost%s: ring buffer full\n",
			(unsigned long long)(r->totals[RQS_LOST_RINGBUF] - shown[RQS_LOST_RINGBUF]),
			when);
	if (r->totals[RQS_LOST_STORAGE] > shown[RQS_LOST_STORAGE])
		report_storage(r, r->totals[RQS_LOST_STORAGE] - shown[RQS_LOST_STORAGE], when);
	if (r->totals[RQS_NEGATIVE_WAIT] > shown[RQS_NEGATIVE_WAIT])
		fprintf(stderr, RQS_NAME ": %llu waits dropped%s: switch-in before the enqueue time (clock went backwards)\n",
			(unsigned long long)(r->totals[RQS_NEGATIVE_WAIT] - shown[RQS_NEGATIVE_WAIT]),
			when);
	for (int i = 0; i < RQS_NR_COUNTERS; i++)
		r->reported[i] = r->totals[i];

	if (r->mode != STORAGE_HASH || (!final && ++r->updates % STALE_SCAN_EVERY))
		return;
	if (count_stale_entries(bpf_map__fd(t->start), bpf_map__max_entries(t->start), &sc) ||
	    !sc.stale_known)
		return;
	if (final ? sc.stale > 0 : sc.stale > r->stale)
		fprintf(stderr, RQS_NAME ": %llu hash map entries left by exited threads (%llu entries in use)\n",
			sc.stale, sc.entries);
	r->stale = sc.stale;
}
