/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROG_STATS_H
#define RQS_PROG_STATS_H

#include <bpf/libbpf.h>

/* One loaded program's BPF run-time statistics (kernel.bpf_stats_enabled,
 * or BPF_ENABLE_STATS while it ran). */
struct prog_run_stats {
	const char *name;	/* its --stats name: trace/program_table.c */
	unsigned long long runs;
	unsigned long long run_ns;
	/* runs the kernel skipped because the program was already running
	 * on that CPU: each a tracepoint hit the tool did not see */
	unsigned long long recursion_misses;
};

/* The loaded programs of @obj, in the object's order, at most @max. */
unsigned int prog_stats_read(struct bpf_object *obj, struct prog_run_stats *out,
			     unsigned int max);

#endif
