/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -W: whether this CPU is inside interrupt work, as the tracepoints that
 * bracket it say (waker.bpf.h sets and clears it; why waker.bpf.h cannot
 * read preempt_count is said there). One flag per kind, set at the entry
 * and cleared at the exit, never counted: a kind does not nest in itself
 * on one CPU (a hard interrupt handler runs with interrupts off, a hard
 * hrtimer expires in the timer interrupt, softirqs do not nest:
 * handle_softirqs() runs them with SOFTIRQ_OFFSET in preempt_count), so a
 * missed exit is undone by the next exit of its kind; a count would stay
 * off for good. A hard hrtimer can expire inside a device interrupt (the
 * arm64 arch timer is a per-CPU interrupt with irq_handler_entry/exit), so
 * the two hard kinds have a flag each. The device interrupt's flag is its
 * irq number + 1 and the softirq's its vector + 1, which the wakeup keeps
 * to name them (the frontend resolves the names). */
#ifndef IRQ_CONTEXT_BPF_H
#define IRQ_CONTEXT_BPF_H

#include "common.bpf.h"

struct irq_context {
	__u32 irq;	/* inside irq_handler_entry/exit: its irq + 1 */
	__u8 hrtimer;	/* inside hrtimer_expire_entry/exit of a hard hrtimer */
	__u8 softirq;	/* inside softirq_entry/exit: its vec + 1 */
	__u16 pad;
} __attribute__((aligned(8)));	/* one store clears it at sched_switch */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct irq_context);
} irq_contexts SEC(".maps");

static __always_inline struct irq_context *irq_context(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&irq_contexts, &zero);
}

/* sched_switch: no interrupt work is in progress on this CPU (__schedule()
 * in hard interrupt or softirq context is a "scheduling while atomic" bug),
 * so any flag still set is from an exit that was missed: cleared. Not so on
 * PREEMPT_RT, where a softirq runs in a task that can be preempted: the
 * rest of that softirq, when its task runs again, is then not marked. */
static __always_inline void irq_context_reset(void)
{
	struct irq_context *c = irq_context();

	if (c)
		*c = (struct irq_context){};
}

#endif
