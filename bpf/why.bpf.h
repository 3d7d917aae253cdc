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

/* Delayed dequeue (Linux 6.12, commit 152e11f6df29 "sched/fair: Implement
 * delayed dequeue") keeps a fair task that sleeps with negative lag queued,
 * counted in rq->nr_running and cfs.h_nr_running, until it is picked or its
 * lag is spent. The root cfs_rq counts them hierarchically:
 * h_nr_delayed from Linux 6.13, commit 2e05f6c71d36 ("sched/eevdf: More
 * PELT vs DELAYED_DEQUEUE"); from Linux 6.14, h_nr_queued - h_nr_runnable,
 * commits 7b8a702d9438 ("sched/fair: Rename h_nr_running into
 * h_nr_queued"), c2a295bffeaf ("sched/fair: Add new cfs_rq.h_nr_runnable")
 * and 9216582b0bfb ("sched/fair: Removed unsued cfs_rq.h_nr_delayed").
 * Stable 6.12 kernels took them in part (Debian's 6.12.117 has all three
 * fields); 6.12 before those backports has no count. */
struct cfs_rq___rqs_why {
	unsigned int h_nr_queued;
	unsigned int h_nr_runnable;
	unsigned int h_nr_delayed;
} __attribute__((preserve_access_index));

struct rq___rqs_why {
	unsigned int nr_running;
	struct cfs_rq___rqs_why cfs;
} __attribute__((preserve_access_index));

/* the sleeping tasks that @rq->nr_running counts (0 where unknown) */
static __always_inline unsigned int rq_delayed(struct rq___rqs_why *rq)
{
	if (bpf_core_field_exists(rq->cfs.h_nr_runnable))
		return rq->cfs.h_nr_queued - rq->cfs.h_nr_runnable;
	if (bpf_core_field_exists(rq->cfs.h_nr_delayed))
		return rq->cfs.h_nr_delayed;
	return 0;
}

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
 * at a switch-out, so it counts itself. A delayed task woken is requeued,
 * no longer delayed, before sched_wakeup; the run queue's lock is held at
 * all three, so the counts agree with each other. */
static __always_inline void why_at_enqueue(struct rqs_enqueue *v, struct task_struct *p,
					   struct task_struct *waker, __u8 how)
{
	struct rq___rqs_why *rq;
	unsigned int n, delayed;

	if (cfg.waker && how != RQS_WAKE_WAKEUP)
		waker_fill(&v->waker, waker ? waker : bpf_get_current_task_btf(), how);
	if (cfg.cpu) {
		v->cpu = task_cpu_of(p);
		v->rq_len = RQS_RQ_UNKNOWN;
		if (bpf_core_field_exists(p->se.cfs_rq) &&
		    bpf_core_field_exists(p->se.cfs_rq->rq)) {
			rq = (struct rq___rqs_why *)p->se.cfs_rq->rq;
			n = rq->nr_running;
			delayed = rq_delayed(rq);
			n = n > delayed ? n - delayed : 0;
			v->rq_len = n ? n - 1 : 0;
		}
	}
}

/* The switch-in: copy what was recorded, only what the options read:
 * -W and --cpu the enqueue's details, -B and --blame-by cgroup the
 * throttled time and the last move */
static __always_inline void why_take(struct rqs_pending *out, const struct rqs_pending *v)
{
	if (cfg.waker || cfg.cpu)
		out->enq = v->enq;
	if (cfg.blame || cfg.blame_cgroup) {
		out->thr_ns = v->thr_ns;
		out->moved_ts = v->moved_ts;
	}
}

#endif
