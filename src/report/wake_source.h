/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -W: the interrupt work a wakeup came from, named. The programs note only
 * numbers (the irq, the softirq vector); the names are looked up here, when
 * a line is printed, as the kernel lists them then. */
#ifndef RQS_WAKE_SOURCE_H
#define RQS_WAKE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"

/* What woke it, when not a task: fields of @w for the how they belong to */
struct wake_source {
	bool interrupt;		/* RQS_WAKE_IRQ or RQS_WAKE_SOFTIRQ */
	bool soft;		/* RQS_WAKE_SOFTIRQ */
	bool hrtimer;		/* a hard hrtimer's expiry */
	bool has_irq;		/* in a device interrupt's handler: @irq */
	unsigned int irq;
	char irq_name[128];	/* its handlers' names, comma-separated; "" unknown */
	const char *softirq;	/* a softirq's name; NULL: not one, or unknown vector */
	int softirq_vec;	/* -1: none */
};

void wake_source_of(const struct rqs_waker *w, struct wake_source *s);
/* The text WAKER COMM of an interrupt wakeup ("" for a task's), without
 * blanks (a blank or control byte in a name becomes '_'):
 * "[irq/24-eth0]", "[irq/24]" (no name now), "[hrtimer]",
 * "[softirq/net_rx]", "[softirq/12]" (a vector without a name), "[irq]" or
 * "[softirq]" (nothing noted). */
void wake_source_text(const struct wake_source *s, char *buf, size_t len);

/* The softirq's name, lower case: /proc/softirqs lists them in vector
 * order; the kernel's softirq_to_name[] where it cannot be read. NULL: no
 * such vector. */
const char *softirq_name(unsigned int vec);
/* @irq's handlers now, comma-separated, from SYS_IRQ/<irq>/actions, or else
 * the last field of its /proc/interrupts line; false: neither has it. */
bool irq_actions(unsigned int irq, char *buf, size_t len);
/* Where those are read (tests; the strings are kept, not copied): NULL
 * keeps the current one */
void wake_source_paths(const char *sys_irq, const char *proc_interrupts,
		       const char *proc_softirqs);

#endif
