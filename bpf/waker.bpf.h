/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -W only (the frontend loads these programs with -W alone): who wakes.
 *
 * sched_waking fires at the start of try_to_wake_up(), in the waker's own
 * context, where sched_wakeup may not: a wakeup of a task on another CPU
 * that is idle (or shares no cache) is queued to that CPU and completed
 * there from an IPI (ttwu_queue_wakelist()), so `current` at its
 * sched_wakeup is whatever that CPU was running. The waker is noted in the
 * woken task's storage (task mode) or in a TID-keyed map (hash mode) unless
 * a wait is already pending; the enqueue at sched_wakeup keeps it.
 *
 * Interrupt context: `current` is then only the task the interrupt came in
 * on. The kernel keeps that state in preempt_count, per CPU on x86-64
 * (__preempt_count, or pcpu_hot.preempt_count from Linux 6.2 to 6.14); a BPF
 * program reaches it only as a ksym, which the kernel resolves through
 * kallsyms, and kallsyms lists variables only with CONFIG_KALLSYMS_ALL
 * (not set on every kernel; one unresolved ksym fails the whole load). So
 * the programs below keep their own per-CPU depth from the tracepoints that
 * bracket interrupt work: irq_handler_entry/exit (device interrupts),
 * hrtimer_expire_entry/exit for hard hrtimers (the timer interrupt: every
 * sleep that ends by timeout, the tick) and softirq_entry/exit. Wakeups from
 * interrupt paths without such tracepoints (IPIs such as irq_work) are not
 * marked; runqslower-ts(8) says so. */
#ifndef WAKER_BPF_H
#define WAKER_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_tracing.h>
#include "filter.bpf.h"
#include "why.bpf.h"
#include "storage.bpf.h"

struct irq_depth {
	__s32 hard;
	__s32 soft;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct irq_depth);
} irq_depths SEC(".maps");

static __always_inline struct irq_depth *irq_depth(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&irq_depths, &zero);
}

/* an exit seen without its entry (tracing began inside it) is ignored */
static __always_inline void depth_add(__s32 *d, int delta)
{
	if (delta > 0 || *d > 0)
		*d += delta;
}

static __always_inline __u8 wake_context(void)
{
	struct irq_depth *d = irq_depth();

	if (!d)
		return RQS_WAKE_WAKEUP;
	if (d->hard > 0)
		return RQS_WAKE_IRQ;
	if (d->soft > 0)
		return RQS_WAKE_SOFTIRQ;
	return RQS_WAKE_WAKEUP;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(handle_sched_waking, struct task_struct *p)
{
	struct rqs_waker w;

	if (!cfg.waker || !traced_enqueue(p, true))
		return 0;
	waker_fill(&w, bpf_get_current_task_btf(), wake_context());
	storage_note_waker(p, &w);
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irqctx_hardirq_entry)
{
	struct irq_depth *d = irq_depth();

	if (d)
		depth_add(&d->hard, 1);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irqctx_hardirq_exit)
{
	struct irq_depth *d = irq_depth();

	if (d)
		depth_add(&d->hard, -1);
	return 0;
}

/* is_soft since Linux 4.16: soft hrtimers expire in HRTIMER_SOFTIRQ,
 * already counted by softirq_entry */
struct hrtimer___rqs {
	__u8 is_soft;
} __attribute__((preserve_access_index));

SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(irqctx_hrtimer_entry, struct hrtimer___rqs *timer)
{
	struct irq_depth *d = irq_depth();

	if (d && !timer->is_soft)
		depth_add(&d->hard, 1);
	return 0;
}

SEC("tp_btf/hrtimer_expire_exit")
int BPF_PROG(irqctx_hrtimer_exit, struct hrtimer___rqs *timer)
{
	struct irq_depth *d = irq_depth();

	if (d && !timer->is_soft)
		depth_add(&d->hard, -1);
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(irqctx_softirq_entry)
{
	struct irq_depth *d = irq_depth();

	if (d)
		depth_add(&d->soft, 1);
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(irqctx_softirq_exit)
{
	struct irq_depth *d = irq_depth();

	if (d)
		depth_add(&d->soft, -1);
	return 0;
}

#endif
