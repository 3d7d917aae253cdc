// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Give every existing (traced) task its storage once, at start, from a task
 * iterator: process context, no scheduler lock held. The tracing programs
 * never create storage (see storage_task.bpf.h); tasks born later get it at
 * task_newtask, whose program is attached before this iterator runs. The
 * sleepable iterator allocates with GFP_KERNEL, which cannot fail for want
 * of atomic reserves when thousands of tasks exist; a kernel that refuses
 * sleepable iterators gets prefill_atomic, GFP_ATOMIC, which here holds no
 * lock that a kswapd wakeup takes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "runqslower.h"
#include "task_storage_map.bpf.h"
#include "filter.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u64 created, failed;

static __always_inline int prefill_one(struct task_struct *task)
{
	if (!task || !task->pid)
		return 0;
	if (!traced(task))
		return 0;
	/* -W's and -B's own, as storage_at_fork() makes them */
	if (cfg.waker)
		bpf_task_storage_get(&noted_wakers, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (cfg.blame)
		bpf_task_storage_get(&blame_moves, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	/* created by the task_newtask program already: not counted twice */
	if (bpf_task_storage_get(&start, task, NULL, 0))
		return 0;
	if (bpf_task_storage_get(&start, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE))
		created++;
	else if (!bpf_task_storage_get(&start, task, NULL, 0))
		failed++;	/* not -EEXIST from a racing task_newtask */
	return 0;
}

SEC("iter.s/task")
int prefill(struct bpf_iter__task *ctx)
{
	return prefill_one(ctx->task);
}

SEC("iter/task")
int prefill_atomic(struct bpf_iter__task *ctx)
{
	return prefill_one(ctx->task);
}
