/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* CO-RE shims for task_struct fields that changed between kernels. */
#ifndef TASK_STATE_BPF_H
#define TASK_STATE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define RQS_TASK_RUNNING 0

/* Linux 5.14, commit 2f064a59a11f ("sched: Change task_struct::state"),
 * renamed task_struct::state (volatile long) to __state (unsigned int). */
struct task_struct___pre_5_14 {
	long state;
} __attribute__((preserve_access_index));

struct task_struct___since_5_14 {
	unsigned int __state;
} __attribute__((preserve_access_index));

/* prev is a trusted BTF pointer in tp_btf programs: plain loads, no helper. */
static __always_inline bool task_is_running(struct task_struct *task)
{
	struct task_struct___since_5_14 *t = (void *)task;

	if (bpf_core_field_exists(t->__state))
		return t->__state == RQS_TASK_RUNNING;
	return ((struct task_struct___pre_5_14 *)task)->state == RQS_TASK_RUNNING;
}

struct sched_info___rqs {
	unsigned long pcount;
} __attribute__((preserve_access_index));

struct task_struct___rqs_runs {
	struct sched_info___rqs sched_info;
	unsigned long nvcsw;
	unsigned long nivcsw;
} __attribute__((preserve_access_index));

/* A count that moves when @task runs after being queued: sched_info.pcount,
 * its arrivals on a CPU (CONFIG_SCHED_INFO: every distribution kernel;
 * sched_info_arrive() counts it right after sched_switch), else its context
 * switches. Neither moves while it waits on a run queue, so an enqueue
 * time recorded with another count is from before it last ran. (pcount
 * skips an arrival that sched_info saw no enqueue for: then a missed
 * switch-in goes unseen, never a real wait mistaken for one.) */
static __always_inline __u32 task_runs(struct task_struct *task)
{
	struct task_struct___rqs_runs *t = (void *)task;

	if (bpf_core_field_exists(t->sched_info.pcount))
		return t->sched_info.pcount;
	return t->nvcsw + t->nivcsw;
}

/* task_struct::on_cpu and on_rq were int up to Linux 6.18 at least; Linux
 * 7.2 (Debian's 7.2.13) declares them u8, packed with is_blocked. libbpf
 * narrows a load of an unsigned local field to the kernel's smaller size,
 * but poisons that of a signed one ("accesses field incorrectly"), which
 * failed the whole load: read them as unsigned. */
struct task_struct___rqs_flags {
	unsigned int on_cpu;
	unsigned int on_rq;
} __attribute__((preserve_access_index));

/* The kernel's task_on_cpu(): @task is running, or is being switched out on
 * its CPU (kernel/sched/sched.h). task_struct::on_cpu exists with
 * CONFIG_SMP; on a uniprocessor kernel only current can be on the CPU. */
static __always_inline bool task_is_on_cpu(struct task_struct *task)
{
	struct task_struct___rqs_flags *t = (void *)task;

	if (bpf_core_field_exists(t->on_cpu))
		return t->on_cpu;
	return task == bpf_get_current_task_btf();
}

/* task_struct::on_rq: TASK_ON_RQ_QUEUED or TASK_ON_RQ_MIGRATING, else 0 */
static __always_inline unsigned int task_on_rq(struct task_struct *task)
{
	return ((struct task_struct___rqs_flags *)task)->on_rq;
}

#endif
