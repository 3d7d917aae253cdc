/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROG_STATS_H
#define RQS_PROG_STATS_H

#include <stdio.h>

#include <bpf/libbpf.h>

/* "stats: prog: <tracepoint> runs=N run_ns=N ns_per_run=F", one line a
 * program of @obj; needs BPF run-time stats enabled while it ran. */
void print_prog_stats(FILE *out, struct bpf_object *obj);

/* "stats: recursion_misses: <tracepoint>=N ...": how often the kernel
 * skipped each program of @obj because it was already running on that CPU
 * (bpf_prog_info.recursion_misses); counted whether or not stats are on. */
void print_prog_misses(FILE *out, struct bpf_object *obj);

#endif
