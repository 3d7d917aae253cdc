/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enqueue timestamps in task local storage: one u64 hanging off each
 * task_struct, created at the task's first wakeup, kept (set to 0 when
 * consumed) while the task lives and freed with it. Needs Linux 5.13, commit
 * a10787e6d58c ("bpf: Enable task local storage for tracing programs"). */
#ifndef STORAGE_TASK_BPF_H
#define STORAGE_TASK_BPF_H

#include "task_storage_map.bpf.h"

static __always_inline bool storage_put(struct task_struct *p, __u64 ts)
{
	__u64 *tsp = bpf_task_storage_get(&start, p, NULL, 0);

	if (!tsp) {
		tsp = bpf_task_storage_get(&start, p, NULL,
					   BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!tsp)
			return false;
		count(RQS_STORAGE_CREATED);
	}
	*tsp = ts;
	return true;
}

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
