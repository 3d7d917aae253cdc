/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROMETHEUS_H
#define RQS_PROMETHEUS_H

#include <stdint.h>
#include <stdio.h>

#include "summary/log2_hist.h"

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
	uint64_t outliers;		/* waits over the threshold */
	uint64_t lost_ringbuf;
	uint64_t not_recorded;
	uint64_t missed_switch_ins;
	uint64_t storage_bytes;
	const char *version;
	const char *storage;		/* task or hash */
};

/* The label name of --by (cpu, comm, cgroup), NULL for none. */
const char *metrics_by_label(enum rqs_by by);
/* The Prometheus text exposition format (version 0.0.4). */
int metrics_render(FILE *out, const struct metrics_input *in);

#endif
