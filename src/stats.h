/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_STATS_H
#define RQS_STATS_H

#include <stdio.h>

#include "tracer.h"

/* --stats: kernel BPF run-time statistics, on only while the session holds
 * its fd, and the storage's memory. */
struct stats_session {
	int fd;
};

int stats_enable(struct stats_session *s);
void stats_disable(struct stats_session *s);
/* The memory holding wakeup times: the map, and per-task storage. */
unsigned long long stats_storage_bytes(const struct tracer *t);
void stats_print(FILE *out, const struct tracer *t,
		 unsigned long long events);

#endif
