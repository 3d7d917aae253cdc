/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The timestamp source: CLOCK_MONOTONIC, one clock for every CPU.
 *
 * Not the run queue's clock (rq->clock), although it is cheaper to read:
 * - it is the CPU's own sched_clock_cpu(), and a wait that migrates (load
 *   balancing pulls queued tasks, so the long waits do) would subtract two
 *   CPUs' clocks, which differ by up to a tick where sched_clock is unstable;
 *   schedstats split a wait at a migration (sched_info_dequeue()) for this
 *   reason;
 * - it can be stale at a switch-in: a wakeup that preempts sets
 *   RQCF_REQ_SKIP (wakeup_preempt(), kernel/sched/core.c), and __schedule()
 *   then skips update_rq_clock(), so a woken task's wait would end at the
 *   last clock update (its wakeup, or the last tick), up to a tick early.
 * bench/rq_clock.bpf.h keeps the rq clock for `make bench` to show what this
 * choice costs (built with -DRQS_CLOCK_HEADER=\"rq_clock.bpf.h\"). */
#ifndef CLOCK_BPF_H
#define CLOCK_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#ifdef RQS_CLOCK_HEADER
#include RQS_CLOCK_HEADER
#else
static __always_inline __u64 rqs_clock(struct task_struct *p)
{
	(void)p;
	return bpf_ktime_get_ns();
}
#endif

/* The clock, read at most once per program run: *@now is 0 until the
 * first read, which every later use shares */
static __always_inline __u64 rqs_clock_once(struct task_struct *p, __u64 *now)
{
	if (!*now)
		*now = rqs_clock(p);
	return *now;
}

#endif
