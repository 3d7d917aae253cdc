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
 * the programs below keep their own per-CPU flags (irq_context.bpf.h) from
 * the tracepoints that bracket interrupt work: irq_handler_entry/exit
 * (device interrupts), hrtimer_expire_entry/exit for hard hrtimers (the
 * timer interrupt: every sleep that ends by timeout, the tick) and
 * softirq_entry/exit. Wakeups from interrupt paths without such
 * tracepoints (IPIs such as irq_work) are not marked; runqslower-ts(8) says
 * so. The entries keep the irq number and the softirq vector, which a
 * wakeup in them notes to name the interrupt instead of that task.
 *
 * The exits come first in the object, so the skeleton attaches them before
 * the entries: interrupt work that begins between the two attaches of its
 * kind then has neither counted, rather than an entry without its exit. */
#ifndef WAKER_BPF_H
#define WAKER_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_tracing.h>
#include "filter.bpf.h"
#include "why.bpf.h"
#include "storage.bpf.h"
#include "irq_context.bpf.h"

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irqctx_hardirq_exit)
{
	struct irq_context *c = irq_context();

	if (c)
		c->irq = 0;
	return 0;
}

/* Since Linux 6.1, commit 05b24ff9b2cf ("bpf: Prevent bpf program
 * recursion for raw tracepoint probes"), __bpf_trace_run() skips a program
 * that is already running on this CPU. Soft hrtimers expire in
 * HRTIMER_SOFTIRQ with interrupts on, so a hard hrtimer can expire while
 * the program below runs for a soft one, and would miss it. Each hrtimer
 * program is attached twice: the interrupt finds at most one copy running,
 * and the other sees it. The exit needs no is_soft: a soft hrtimer's exit
 * never comes while a hard one expires on its CPU (that is in the timer
 * interrupt, which the softirq waits for), and the timer may be freed by
 * its own callback by then. */
static __always_inline void hrtimer_exit(void)
{
	struct irq_context *c = irq_context();

	if (c)
		c->hrtimer = 0;
}

SEC("tp_btf/hrtimer_expire_exit")
int BPF_PROG(irqctx_hrtimer_exit)
{
	hrtimer_exit();
	return 0;
}

SEC("tp_btf/hrtimer_expire_exit")
int BPF_PROG(irqctx_hrtimer_exit2)
{
	hrtimer_exit();
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(irqctx_softirq_exit)
{
	struct irq_context *c = irq_context();

	if (c)
		c->softirq = 0;
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irqctx_hardirq_entry, int irq)
{
	struct irq_context *c = irq_context();

	if (c)
		c->irq = (__u32)irq + 1;
	return 0;
}

/* is_soft since Linux 4.16: soft hrtimers expire in HRTIMER_SOFTIRQ,
 * already marked by softirq_entry */
struct hrtimer___rqs {
	__u8 is_soft;
} __attribute__((preserve_access_index));

static __always_inline void hrtimer_entry(const struct hrtimer___rqs *timer)
{
	struct irq_context *c = irq_context();

	if (c && !timer->is_soft)
		c->hrtimer = 1;
}

SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(irqctx_hrtimer_entry, struct hrtimer___rqs *timer)
{
	hrtimer_entry(timer);
	return 0;
}

SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(irqctx_hrtimer_entry2, struct hrtimer___rqs *timer)
{
	hrtimer_entry(timer);
	return 0;
}

/* vec < NR_SOFTIRQS (10 since Linux 2.6.36): + 1 fits a byte */
SEC("tp_btf/softirq_entry")
int BPF_PROG(irqctx_softirq_entry, unsigned int vec)
{
	struct irq_context *c = irq_context();

	if (c)
		c->softirq = (__u8)(vec + 1);
	return 0;
}

/* How current wakes, and which interrupt work it is in: the innermost
 * kind (a hard interrupt can come in on a softirq, not the reverse) */
static __always_inline void wake_context(struct rqs_waker *w)
{
	struct irq_context *c = irq_context();

	w->how = RQS_WAKE_WAKEUP;
	w->softirq = 0;
	w->hrtimer = 0;
	w->pad = 0;
	w->irq = 0;
	if (!c)
		return;
	if (c->irq || c->hrtimer) {
		w->how = RQS_WAKE_IRQ;
		w->irq = c->irq;
		w->hrtimer = c->hrtimer;
	} else if (c->softirq) {
		w->how = RQS_WAKE_SOFTIRQ;
		w->softirq = c->softirq;
	}
}

/* last: a wakeup is marked only once the interrupt programs are attached */
SEC("tp_btf/sched_waking")
int BPF_PROG(handle_sched_waking, struct task_struct *p)
{
	struct rqs_waker w;

	if (!cfg.waker || !traced_enqueue(p, true))
		return 0;
	wake_context(&w);
	waker_fill(&w, bpf_get_current_task_btf(), w.how);
	storage_note_waker(p, &w);
	return 0;
}

#endif
