/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -W and --cpu: what the storage element records at enqueue besides the
 * time, so that the switch-in reads it with the time, in the same lookup.
 * No ksyms (runqueues, __preempt_count): the kernel resolves a variable
 * ksym through kallsyms, which lists variables only with
 * CONFIG_KALLSYMS_ALL, and one unresolved ksym fails the whole load. */
#ifndef WHY_BPF_H
#define WHY_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_core_read.h>
#include "comm.bpf.h"

struct rq___rqs_why {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

struct thread_info___rqs_cpu {
	__u32 cpu;
} __attribute__((preserve_access_index));

/* Linux 5.16, commit bcf9033e5449 ("sched: move CPU field back into
 * thread_info if THREAD_INFO_IN_TASK=y"), moved task_struct::cpu */
struct task_struct___rqs_why {
	struct thread_info___rqs_cpu thread_info;
	__u32 cpu;
} __attribute__((preserve_access_index));

static __always_inline __s32 task_cpu_of(struct task_struct *p)
{
	struct task_struct___rqs_why *t = (void *)p;

	if (bpf_core_field_exists(t->thread_info.cpu))
		return t->thread_info.cpu;
	return t->cpu;
}

static __always_inline void waker_fill(struct rqs_waker *w, struct task_struct *waker,
				       __u8 how)
{
	w->tid = waker->pid;
	w->how = how;
	comm_copy(w->comm, waker->comm);
}

/* @p joins a run queue, made runnable as @how says, by @waker (NULL:
 * current). A wakeup's waker was taken earlier, at sched_waking, in the
 * waker's own context (waker.bpf.h): sched_wakeup can run later on the
 * woken task's CPU, from the IPI that completes a queued remote wakeup.
 * The run queue is @p's own, reached as the scheduler does (se.cfs_rq->rq,
 * CONFIG_FAIR_GROUP_SCHED, which every major distribution enables; without
 * it RQ is unknown); @p is on it already at sched_wakeup and
 * sched_wakeup_new (activate_task() comes before the tracepoint) and still
 * at a switch-out, so it counts itself. */
static __always_inline void why_at_enqueue(struct rqs_enqueue *v, struct task_struct *p,
					   struct task_struct *waker, __u8 how)
{
	struct rq___rqs_why *rq;

	if (cfg.waker && how != RQS_WAKE_WAKEUP)
		waker_fill(&v->waker, waker ? waker : bpf_get_current_task_btf(), how);
	if (cfg.cpu) {
		v->cpu = task_cpu_of(p);
		v->rq_len = RQS_RQ_UNKNOWN;
		if (bpf_core_field_exists(p->se.cfs_rq) &&
		    bpf_core_field_exists(p->se.cfs_rq->rq)) {
			rq = (struct rq___rqs_why *)p->se.cfs_rq->rq;
			v->rq_len = rq->nr_running ? rq->nr_running - 1 : 0;
		}
	}
}

/* The switch-in: copy what was recorded (only what the options need). */
static __always_inline void why_take(struct rqs_enqueue *out, const struct rqs_enqueue *v)
{
	if (cfg.waker || cfg.cpu)
		*out = *v;
}

#endif
