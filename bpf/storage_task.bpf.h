/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enqueue timestamps in task local storage: one u64 hanging off each
 * task_struct, created at the task's first wakeup, kept (set to 0 when
 * consumed) while the task lives and freed with it. Needs Linux 5.13, commit
 * a10787e6d58c ("bpf: Enable task local storage for tracing programs"). */
#ifndef STORAGE_TASK_BPF_H
#define STORAGE_TASK_BPF_H

#include "task_storage_map.bpf.h"

/* Records @ts as @p's enqueue time. With @keep_pending, an enqueue time
 * already recorded and not yet consumed stays: the task is still queued
 * and its wait started then. False when it could not be recorded. */
static __always_inline bool storage_put(struct task_struct *p, __u64 ts,
					bool keep_pending)
{
	__u64 *tsp = bpf_task_storage_get(&start, p, NULL, 0);

	if (!tsp) {
		tsp = bpf_task_storage_get(&start, p, NULL,
					   BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!tsp)
			return false;
		count(RQS_STORAGE_CREATED);
	}
	if (keep_pending && *tsp)
		return true;
	*tsp = ts;
	return true;
}

/* @p's enqueue time, 0 if none, and clears it: every switch-in ends a wait. */
static __always_inline __u64 storage_take(struct task_struct *p)
{
	__u64 *tsp = bpf_task_storage_get(&start, p, NULL, 0);
	__u64 ts;

	if (!tsp)
		return 0;
	ts = *tsp;
	if (ts)
		*tsp = 0;
	return ts;
}

#endif
