/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enqueue timestamps in task local storage: one struct rqs_enqueue hanging
 * off each task_struct (the time, and what -W and --cpu record with it), created at the task's first wakeup, kept (set to 0 when
 * consumed) while the task lives and freed with it. Needs Linux 5.13, commit
 * a10787e6d58c ("bpf: Enable task local storage for tracing programs"). */
#ifndef STORAGE_TASK_BPF_H
#define STORAGE_TASK_BPF_H

#include "counters.bpf.h"
#include "task_storage_map.bpf.h"
#include "why.bpf.h"

/* Records @ts as @p's enqueue time, with what -W and --cpu want to know
 * (why.bpf.h). With @keep_pending, an enqueue time already recorded and not
 * yet consumed stays, with its details: the task is still queued and its
 * wait started then. A pending time from before the task last ran (@runs
 * has moved) is not a wait but a switch-in this program missed: it is
 * counted and replaced. False when it could not be recorded. */
static __always_inline bool storage_put(struct task_struct *p, __u64 ts, __u32 runs,
					bool keep_pending,
					struct task_struct *waker, __u8 how, const bool ext)
{
	struct rqs_enqueue *v = bpf_task_storage_get(&start, p, NULL, 0);

	if (!v) {
		v = bpf_task_storage_get(&start, p, NULL,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!v)
			return false;
		count(RQS_STORAGE_CREATED);
	}
	if (v->ts) {
		if (v->runs != runs)
			count(RQS_MISSED_SWITCH_IN);
		else if (keep_pending)
			return true;
	}
	v->ts = ts;
	v->runs = runs;
	if (ext)
		why_at_enqueue(v, p, waker, how);
	return true;
}

/* -W, at sched_waking: the waker of the wakeup to come, unless a wait is
 * pending (its waker stays, as its time does) */
static __always_inline void storage_note_waker(struct task_struct *p,
					       const struct rqs_waker *w)
{
	struct rqs_enqueue *v = bpf_task_storage_get(&start, p, NULL, 0);

	if (!v) {
		v = bpf_task_storage_get(&start, p, NULL,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!v)
			return;	/* the wakeup will try again, and count it */
		count(RQS_STORAGE_CREATED);
	}
	if (!v->ts)
		v->waker = *w;
}

/* @p's enqueue time, 0 if none, and clears it: every switch-in ends a wait.
 * The details go to @why when the options want them (@ext: see
 * runqslower.bpf.c). */
static __always_inline __u64 storage_take(struct task_struct *p, struct rqs_enqueue *why,
					  const bool ext)
{
	struct rqs_enqueue *v = bpf_task_storage_get(&start, p, NULL, 0);
	__u64 ts;

	if (!v)
		return 0;
	ts = v->ts;
	if (ts) {
		v->ts = 0;
		if (ext)
			why_take(why, v);
	}
	return ts;
}

#endif
