// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Give every existing (traced) task its storage once, at start, from a
 * sleepable task iterator. The tracing programs run with interrupts off and
 * allocate atomically: since Linux 6.4 from the per-CPU caches of
 * bpf_mem_alloc, refilled asynchronously; from 5.13 to 6.3 with GFP_ATOMIC
 * from the slab (which PREEMPT_RT forbids there: see
 * task_storage_unsafe_on_rt() in src/trace/kernel_probe.c). Either way a
 * burst of first wakeups of tasks that existed before the tracer (a
 * thundering herd of threads) can fail to allocate, and those wakeups go
 * unrecorded. A sleepable
 * program allocates with GFP_KERNEL and cannot fail that way; tasks born
 * later get storage at sched_wakeup_new, one by one. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "runqslower.h"
#include "task_storage_map.bpf.h"
#include "filter.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u64 created, failed;

SEC("iter.s/task")
int prefill(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (!task || !task->pid)
		return 0;
	if (!traced(task))
		return 0;
	if (bpf_task_storage_get(&start, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE))
		created++;
	else
		failed++;
	return 0;
}
