// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's task storage floor: the task storage lookups that any
 * tracer keeping its timestamps in task storage has to make, made exactly
 * where runqslower-ts makes them, and nothing else (no clock, no read or
 * write of the value, no filter, no report): one for the woken task at each
 * wakeup; at each switch, one for next (idle skipped), and one for prev when
 * it is switched out still runnable, since it is then queued again and its
 * wait must be recorded. What runqslower-ts --storage=task costs above this
 * is its own logic. Storage is created on a task's first wakeup, at birth or
 * at its first re-queue, and kept.
 * With @with_clock (rqs-floor --lookup-clock), each wakeup and each queued
 * prev also stores one clock read in its element, as the kernel's own
 * runqslower (tools/bpf/runqslower) does: that tool's work, on the same
 * tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "task_state.bpf.h"
#include "task_storage_map.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile bool with_clock;

static __always_inline void stamp(struct task_struct *p)
{
	struct rqs_pending *v = bpf_task_storage_get(&start, p, NULL,
						     BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (with_clock && v)
		v->enq.ts = bpf_ktime_get_ns();
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	stamp(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	stamp(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	if ((preempt || task_is_running(prev)) && prev->pid)
		stamp(prev);
	if (next->pid)
		bpf_task_storage_get(&start, next, NULL, 0);
	return 0;
}
