// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's clock floor: the empty programs of floor.bpf.c, each
 * reading CLOCK_MONOTONIC once, as any tracer that timestamps the event
 * must. Where the clocksource is dear (kvm-clock: a pvclock read), this
 * read is most of a tracer's cost. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	bpf_ktime_get_ns();
	return 0;
}
