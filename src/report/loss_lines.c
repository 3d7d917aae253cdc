// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "common/json_writer.h"
#include "common/version.h"
#include "report/loss_lines.h"
#include "trace/stale_entries.h"

/* Walking the whole hash map costs two syscalls an entry: not every second. */
#define STALE_SCAN_EVERY 10

void loss_report_init(struct loss_report *r, enum storage_mode mode,
		      unsigned int hash_entries)
{
	*r = (struct loss_report){ .mode = mode, .hash_entries = hash_entries };
}

/* {"type":"lost","what":...,"count":N,"final":bool[,"hash_entries":E]} */
static void json_lost(const struct loss_report *r, const char *what, __u64 n, bool final)
{
	struct json_obj j;

	if (!r->json)
		return;
	json_begin(&j, r->json, "lost");
	json_str(&j, "what", what, strlen(what));
	json_u64(&j, "count", n);
	json_bool(&j, "final", final);
	if (!strcmp(what, "wakeups") && r->mode == STORAGE_HASH)
		json_u64(&j, "hash_entries", r->hash_entries);
	json_end(&j);
	fflush(r->json);
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
	if (r->totals[RQS_LOST_RINGBUF] > shown[RQS_LOST_RINGBUF]) {
		fprintf(stderr, RQS_NAME ": %llu events lost%s: ring buffer full\n",
			(unsigned long long)(r->totals[RQS_LOST_RINGBUF] - shown[RQS_LOST_RINGBUF]),
			when);
		json_lost(r, "events", r->totals[RQS_LOST_RINGBUF] - shown[RQS_LOST_RINGBUF], final);
	}
	if (r->totals[RQS_LOST_STORAGE] > shown[RQS_LOST_STORAGE]) {
		report_storage(r, r->totals[RQS_LOST_STORAGE] - shown[RQS_LOST_STORAGE], when);
		json_lost(r, "wakeups", r->totals[RQS_LOST_STORAGE] - shown[RQS_LOST_STORAGE], final);
	}
	if (r->totals[RQS_NEGATIVE_WAIT] > shown[RQS_NEGATIVE_WAIT]) {
		fprintf(stderr, RQS_NAME ": %llu waits dropped%s: switch-in before the enqueue time (clock went backwards)\n",
			(unsigned long long)(r->totals[RQS_NEGATIVE_WAIT] - shown[RQS_NEGATIVE_WAIT]),
			when);
		json_lost(r, "negative_waits", r->totals[RQS_NEGATIVE_WAIT] - shown[RQS_NEGATIVE_WAIT], final);
	}
	if (r->totals[RQS_MISSED_SWITCH_IN] > shown[RQS_MISSED_SWITCH_IN]) {
		fprintf(stderr, RQS_NAME ": %llu waits lost%s: their switch-in was not seen (the task's next enqueue found the time still pending)\n",
			(unsigned long long)(r->totals[RQS_MISSED_SWITCH_IN] - shown[RQS_MISSED_SWITCH_IN]),
			when);
		json_lost(r, "missed_switch_ins", r->totals[RQS_MISSED_SWITCH_IN] - shown[RQS_MISSED_SWITCH_IN], final);
	}
	for (int i = 0; i < RQS_NR_COUNTERS; i++)
		r->reported[i] = r->totals[i];

	if (r->mode != STORAGE_HASH || (!final && ++r->updates % STALE_SCAN_EVERY))
		return;
	if (count_stale_entries(bpf_map__fd(t->start), bpf_map__max_entries(t->start), &sc) ||
	    !sc.stale_known)
		return;
	if (final ? sc.stale > 0 : sc.stale > r->stale) {
		fprintf(stderr, RQS_NAME ": %llu hash map entries left by exited threads (%llu entries in use)\n",
			sc.stale, sc.entries);
		if (r->json) {
			struct json_obj j;

			json_begin(&j, r->json, "stale");
			json_u64(&j, "count", sc.stale);
			json_u64(&j, "entries", sc.entries);
			json_bool(&j, "final", final);
			json_end(&j);
			fflush(r->json);
		}
	}
	r->stale = sc.stale;
}
