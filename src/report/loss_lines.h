/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_LOSS_LINES_H
#define RQS_LOSS_LINES_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"
#include "common/storage_mode.h"
#include "trace/stale_entries.h"

struct tracer;

/* the stale count's line is paced as one more kind, after the counters */
#define LOSS_PACED_STALE RQS_NR_COUNTERS

/* What the tracer could not see, reported on stderr while running (new
 * losses since the last line of their kind) and at exit (the totals).
 * With @every_ns, a kind's line comes at most that often: the first at
 * once, later ones with all since the previous, and at exit what is left
 * before the totals, so that a kind's lines add up to its total. */
struct loss_report {
	enum storage_mode mode;
	unsigned int hash_entries;
	bool hot_create;	/* task mode: storage is created at wakeups */
	unsigned long long every_ns;	/* 0: every report says what is new */
	__u64 reported[RQS_NR_COUNTERS];
	__u64 totals[RQS_NR_COUNTERS];
	/* each paced kind's last line: the counters', then LOSS_PACED_STALE */
	unsigned long long said_ns[RQS_NR_COUNTERS + 1];
	bool said[RQS_NR_COUNTERS + 1];
	unsigned long long stale;	/* hash mode: entries of exited threads */
	unsigned long long stale_said;	/* at its last line */
	unsigned long long updates;
	FILE *text;	/* the lines: stderr */
	FILE *json;	/* -j: also each report as a JSON record here */
	bool read_failed;	/* said once: the counters cannot be read */
};

void loss_report_init(struct loss_report *r, enum storage_mode mode,
		      unsigned int hash_entries, bool hot_create,
		      unsigned long long every_ns);
/* Reads the programs' counters (and in hash mode, every 10th time and at
 * exit, the stale entries) and reports them */
void loss_report_update(struct loss_report *r, const struct tracer *t, bool final);

/* The reports of loss_report_update, from counters read at @now_ns
 * (CLOCK_MONOTONIC) */
void loss_report_counts(struct loss_report *r, const __u64 totals[RQS_NR_COUNTERS],
			unsigned long long now_ns, bool final);
void loss_report_stale(struct loss_report *r, const struct stale_count *sc,
		       unsigned long long now_ns, bool final);

#endif
