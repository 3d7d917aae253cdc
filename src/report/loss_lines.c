// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "common/json_writer.h"
#include "common/version.h"
#include "report/loss_lines.h"

void loss_report_init(struct loss_report *r, enum storage_mode mode,
		      unsigned int hash_entries, bool hot_create,
		      unsigned long long every_ns)
{
	*r = (struct loss_report){
		.mode = mode,
		.hash_entries = hash_entries,
		.hot_create = hot_create,
		.every_ns = every_ns,
		.text = stderr,
	};
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
	if ((!strcmp(what, "wakeups") || !strcmp(what, "wakers")) && r->mode == STORAGE_HASH)
		json_u64(&j, "hash_entries", r->hash_entries);
	json_end(&j);
	fflush(r->json);
}

static void report_storage(const struct loss_report *r, __u64 n, const char *when)
{
	if (r->mode == STORAGE_HASH)
		fprintf(r->text, RQS_NAME ": %llu wakeups not recorded%s: hash map full (%u entries); raise --hash-entries or use --storage=task\n",
			(unsigned long long)n, when, r->hash_entries);
	else if (r->hot_create)
		fprintf(r->text, RQS_NAME ": %llu wakeups not recorded%s: task storage could not be allocated\n",
			(unsigned long long)n, when);
	else
		fprintf(r->text, RQS_NAME ": %llu wakeups not recorded%s: their task got no storage at start or creation (before Linux 6.4 it is not created under the run-queue lock)\n",
			(unsigned long long)n, when);
}

/* -W: wakeups whose waker could not be noted; they print none ("-") */
static void report_wakers(const struct loss_report *r, __u64 n, const char *when)
{
	if (r->mode == STORAGE_HASH)
		fprintf(r->text, RQS_NAME ": %llu wakers not recorded%s: hash map full (%u entries); raise --hash-entries or use --storage=task\n",
			(unsigned long long)n, when, r->hash_entries);
	else
		fprintf(r->text, RQS_NAME ": %llu wakers not recorded%s: task storage could not be allocated\n",
			(unsigned long long)n, when);
}

/* The kinds of loss, in the order their lines come */
static const struct {
	int counter;
	const char *what;	/* the JSON record's */
} kinds[] = {
	{ RQS_LOST_RINGBUF, "events" },
	{ RQS_LOST_STORAGE, "wakeups" },
	{ RQS_NEGATIVE_WAIT, "negative_waits" },
	{ RQS_MISSED_SWITCH_IN, "missed_switch_ins" },
	{ RQS_LOST_WAKER, "wakers" },
};

/* One line (and record) of @n losses of kind @k; @final: the total */
static void say(const struct loss_report *r, size_t k, __u64 n, bool final)
{
	const char *when = final ? " in all" : "";

	switch (kinds[k].counter) {
	case RQS_LOST_RINGBUF:
		fprintf(r->text, RQS_NAME ": %llu events lost%s: ring buffer full\n",
			(unsigned long long)n, when);
		break;
	case RQS_LOST_STORAGE:
		report_storage(r, n, when);
		break;
	case RQS_NEGATIVE_WAIT:
		fprintf(r->text, RQS_NAME ": %llu waits dropped%s: switch-in before the enqueue time (clock went backwards)\n",
			(unsigned long long)n, when);
		break;
	case RQS_MISSED_SWITCH_IN:
		fprintf(r->text, RQS_NAME ": %llu waits lost%s: their switch-in was not seen (the task's next enqueue found the time still pending)\n",
			(unsigned long long)n, when);
		break;
	case RQS_LOST_WAKER:
		report_wakers(r, n, when);
		break;
	}
	json_lost(r, kinds[k].what, n, final);
}

/* Whether a line of paced kind @i may be said at @now: at once unless paced */
static bool may_say(const struct loss_report *r, int i, unsigned long long now)
{
	return !r->every_ns || !r->said[i] || now - r->said_ns[i] >= r->every_ns;
}

static void mark_said(struct loss_report *r, int i, unsigned long long now)
{
	r->said[i] = true;
	r->said_ns[i] = now;
}

void loss_report_counts(struct loss_report *r, const __u64 totals[RQS_NR_COUNTERS],
			unsigned long long now_ns, bool final)
{
	memcpy(r->totals, totals, sizeof(r->totals));
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int i = kinds[k].counter;
		__u64 n = totals[i] - r->reported[i];

		/* paced, the lines before the total add up to it: the last
		 * of them comes at exit, whenever the one before came */
		if (totals[i] > r->reported[i] && (final ? r->every_ns : may_say(r, i, now_ns))) {
			say(r, k, n, false);
			r->reported[i] = totals[i];
			mark_said(r, i, now_ns);
		}
		if (final && totals[i])
			say(r, k, totals[i], true);
		else if (!r->every_ns)
			r->reported[i] = totals[i];
	}
}

void loss_report_stale(struct loss_report *r, const struct stale_count *sc,
		       unsigned long long now_ns, bool final)
{
	bool grew = r->every_ns ? sc->stale > r->stale_said : sc->stale > r->stale;

	r->stale = sc->stale;
	if (final ? sc->stale == 0 : !grew || !may_say(r, LOSS_PACED_STALE, now_ns))
		return;
	r->stale_said = sc->stale;
	mark_said(r, LOSS_PACED_STALE, now_ns);
	fprintf(r->text, RQS_NAME ": %llu hash map entries left by exited threads (%llu entries in use)\n",
		sc->stale, sc->entries);
	if (r->json) {
		struct json_obj j;

		json_begin(&j, r->json, "stale");
		json_u64(&j, "count", sc->stale);
		json_u64(&j, "entries", sc->entries);
		json_bool(&j, "final", final);
		json_end(&j);
		fflush(r->json);
	}
}
