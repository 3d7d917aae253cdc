/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where the enqueue timestamps live, chosen at build time: the Makefile
 * builds the tracer once with each (runqslower_task.bpf.o and
 * runqslower_hash.bpf.o). Both provide storage_put(), storage_take() and
 * storage_note_waker().
 *
 * storage_put()'s time is *@ts, or, when that is 0, the clock (rqs_clock())
 * read once the task's slot is found, and left in *@ts: read after the
 * lookup, not before it, the clock costs less (on kvm-clock a wakeup's
 * sched_wakeup program runs 60 to 70 ns faster, BENCHMARKS.md), and a
 * wakeup of a task already queued reads none. */
#ifndef STORAGE_BPF_H
#define STORAGE_BPF_H

#ifndef RQS_STORAGE_HEADER
#define RQS_STORAGE_HEADER "storage_task.bpf.h"
#endif
#include RQS_STORAGE_HEADER

#endif
