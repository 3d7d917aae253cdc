/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_RUN_STATS_H
#define RQS_RUN_STATS_H

#include <stdbool.h>

#include "trace/prog_stats.h"
#include "trace/tracer.h"

#define RQS_MAX_PROGS 16

/* --stats: kernel BPF run-time statistics, on only while the session holds
 * its fd. */
struct bpf_stats_session {
	int fd;
};

/* 0, or -1 after one line on stderr */
int bpf_stats_enable(struct bpf_stats_session *s);
void bpf_stats_disable(struct bpf_stats_session *s);

/* What --stats reports at exit (report/stats_report.c renders it). */
struct run_stats {
	bool counters_readable;
	enum storage_mode mode;
	struct prog_run_stats progs[RQS_MAX_PROGS];
	unsigned int nprogs;
	unsigned long long emitted;	/* events read from the ring buffer */
	__u64 counters[RQS_NR_COUNTERS];
	/* hash mode: the map's entries, and those of exited threads */
	unsigned int hash_max_entries;
	unsigned long long hash_entries, hash_stale;
	bool hash_stale_known;
	/* the memory holding wakeup times */
	unsigned long long memory_bytes;
	unsigned long long map_bytes;
	long long per_task;		/* task mode: a task's storage */
	unsigned long long tasks;	/* task mode: tasks given storage */
	unsigned long long prefilled;	/* of those, at start */
	bool hot_create;		/* task mode: cfg.hot_create */
};

void run_stats_collect(const struct tracer *t, unsigned long long emitted,
		       struct run_stats *s);
/* The memory holding wakeup times: the map, and per-task storage. */
unsigned long long storage_bytes(const struct tracer *t);

#endif
