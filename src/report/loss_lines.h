/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_LOSS_LINES_H
#define RQS_LOSS_LINES_H

#include <stdbool.h>
#include <stdio.h>

#include "trace/tracer.h"

/* What the tracer could not see, reported on stderr while running (new
 * losses since the last report) and at exit (the totals). */
struct loss_report {
	enum storage_mode mode;
	unsigned int hash_entries;
	__u64 reported[RQS_NR_COUNTERS];
	__u64 totals[RQS_NR_COUNTERS];
	unsigned long long stale;	/* hash mode: entries of exited threads */
	unsigned long long updates;
	FILE *json;	/* -j: also each report as a JSON record here */
	bool read_failed;	/* said once: the counters cannot be read */
};

void loss_report_init(struct loss_report *r, enum storage_mode mode,
		      unsigned int hash_entries);
void loss_report_update(struct loss_report *r, const struct tracer *t, bool final);

#endif
