/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The timestamp source. The scheduler updates its run queue's clock
 * (rq->clock, the CPU's sched_clock()) under the run-queue lock just before
 * it fires sched_wakeup, sched_wakeup_new and sched_switch, and schedstats'
 * run_delay is measured on it. Reading it is three loads on cache lines the
 * scheduler has just touched; bpf_ktime_get_ns() is an indirect clocksource
 * call (about 65 ns here with retpolines), the largest cost of the hot path.
 * A task reaches its run queue through se.cfs_rq->rq, fields that exist with
 * CONFIG_FAIR_GROUP_SCHED (every major distribution); without them CO-RE
 * picks bpf_ktime_get_ns() at load time, so one run uses one clock. */
#ifndef RQ_CLOCK_BPF_H
#define RQ_CLOCK_BPF_H

#include <bpf/bpf_core_read.h>

/* The clock of the run queue @p is queued on or running on. */
static __always_inline __u64 rq_clock_of(struct task_struct *p)
{
	if (bpf_core_field_exists(p->se.cfs_rq) &&
	    bpf_core_field_exists(p->se.cfs_rq->rq))
		return p->se.cfs_rq->rq->clock;
	return bpf_ktime_get_ns();
}

#endif
