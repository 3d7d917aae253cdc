// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's task storage floor: on each event, the one task storage
 * lookup that any tracer keeping its timestamps in task storage has to make,
 * and nothing else (no clock, no write, no filter, no report); switches to
 * the idle task, which has nothing to look up, are skipped as the tracer
 * skips them. What runqslower-ts --storage=task costs above this is its own
 * logic. Storage is created on a task's first wakeup (or at birth) and kept. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "task_storage_map.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	bpf_task_storage_get(&start, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	bpf_task_storage_get(&start, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	if (next->pid)
		bpf_task_storage_get(&start, next, NULL, 0);
	return 0;
}
