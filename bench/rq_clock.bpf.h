/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* For `make bench` only (mode task-rqclock): the run queue's clock
 * (rq->clock, the CPU's sched_clock_cpu()), which the scheduler updates
 * under the run-queue lock before sched_wakeup, sched_wakeup_new and
 * sched_switch. Three loads on cache lines the scheduler has just touched,
 * against bpf_ktime_get_ns()'s clocksource read; wrong across CPUs and can
 * be stale at a switch-in (see bpf/clock.bpf.h), so the tool does not use
 * it. se.cfs_rq->rq exists with CONFIG_FAIR_GROUP_SCHED. */
#ifndef RQ_CLOCK_BPF_H
#define RQ_CLOCK_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

static __always_inline __u64 rqs_clock(struct task_struct *p)
{
	if (bpf_core_field_exists(p->se.cfs_rq) &&
	    bpf_core_field_exists(p->se.cfs_rq->rq))
		return p->se.cfs_rq->rq->clock;
	return bpf_ktime_get_ns();
}

#endif
