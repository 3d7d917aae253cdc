// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* hot_create's reference, written apart from the tracer: how many of one
 * task's switch-ins followed an enqueue that tracing programs could see (a
 * sched_wakeup, or a switch-out while still runnable). A kernel may hide
 * some scheduler events from every tracer: a wakeup or switch-in no program
 * saw is not one the tracer could have counted. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile pid_t target_tid;

__u64 seen_switch_ins;
static bool enqueued;

SEC("tp_btf/sched_wakeup")
int BPF_PROG(oracle_wakeup, struct task_struct *p)
{
	if (p->pid == target_tid)
		enqueued = true;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(oracle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (prev->pid == target_tid)
		enqueued = preempt || prev->__state == 0;
	if (next->pid == target_tid) {
		if (enqueued)
			seen_switch_ins++;
		enqueued = false;
	}
	return 0;
}
