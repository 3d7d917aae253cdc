/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* For `make bench` only (modes omit-PIECE): the tool built with one piece
 * of its wakeup program taken out, to show what each costs
 * (build/bench-omit-PIECE/, -DRQS_BENCH_OMIT_PIECE). Such a build is
 * wrong on purpose and never installed:
 *   FILTERS  traced_enqueue() (-p, -t, -c, --cgroup)
 *   ONCPU    the test that the woken task is not on a CPU
 *   RUNS     task_runs(), the run count recorded with the time
 *   LOOKUP   task mode: the task storage lookup; the time goes to a
 *            per-CPU slot instead (an array lookup the verifier inlines)
 *   PENDING  the check for a pending time that a wakeup keeps */
#ifndef OMIT_BPF_H
#define OMIT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "runqslower.h"

#ifdef RQS_BENCH_OMIT_FILTERS
#define RQS_OMIT_FILTERS 1
#else
#define RQS_OMIT_FILTERS 0
#endif
#ifdef RQS_BENCH_OMIT_ONCPU
#define RQS_OMIT_ONCPU 1
#else
#define RQS_OMIT_ONCPU 0
#endif
#ifdef RQS_BENCH_OMIT_RUNS
#define RQS_OMIT_RUNS 1
#else
#define RQS_OMIT_RUNS 0
#endif
#ifdef RQS_BENCH_OMIT_LOOKUP
#define RQS_OMIT_LOOKUP 1
#else
#define RQS_OMIT_LOOKUP 0
#endif
#ifdef RQS_BENCH_OMIT_PENDING
#define RQS_OMIT_PENDING 1
#else
#define RQS_OMIT_PENDING 0
#endif

#define RQS_OMIT(piece) RQS_OMIT_##piece

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rqs_pending);
} omit_slot SEC(".maps");

static __always_inline struct rqs_pending *omit_lookup(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&omit_slot, &zero);
}

#endif
