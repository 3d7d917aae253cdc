/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -B: what ran instead. Every sched_switch appends the task leaving the CPU
 * (its TID, COMM, and when it came on and went off) to a per-CPU ring of
 * RQS_BLAME_SLOTS slots: no lookup but the per-CPU array's (inlined), no
 * lock, no helper. A report copies the slots that overlap its wait window
 * on that CPU, clipped to it. The ring holds the last RQS_BLAME_SLOTS
 * switches only: more, shorter runs in a long wait outrun it, and the
 * frontend says how much of the wait the copied slots cover. The ring's
 * times are the tool's clock (clock.bpf.h), read once per switch and shared
 * with the wait's own measurement. A task that migrated while it waited is
 * reported against the CPU it ran on. */
#ifndef BLAME_BPF_H
#define BLAME_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "runqslower.h"
#include "comm.bpf.h"

struct blame_slot {
	__u64 start;	/* 0: unknown (the run began before tracing) */
	__u64 end;
	char comm[RQS_COMM_LEN];
	__u32 tid;
	__u32 pad;
};

struct blame_ring {
	__u64 last;	/* the latest switch: when the running task came on */
	__u32 head;	/* the next slot to write: the oldest */
	__u32 pad;
	struct blame_slot slot[RQS_BLAME_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct blame_ring);
} blame_rings SEC(".maps");

/* sched_switch: @prev leaves this CPU at @now */
static __always_inline void blame_record(struct task_struct *prev, __u64 now)
{
	struct blame_ring *r;
	struct blame_slot *s;
	__u32 zero = 0, i;

	r = bpf_map_lookup_elem(&blame_rings, &zero);
	if (!r)
		return;
	i = r->head & (RQS_BLAME_SLOTS - 1);
	r->head = i + 1;
	s = &r->slot[i];
	s->start = r->last;
	s->end = now;
	r->last = now;
	s->tid = prev->pid;
	comm_copy(s->comm, prev->comm);
}

/* A report of a @wait_ns wait ending at @now on this CPU: every slot, oldest
 * first, with the part of it inside [now - wait_ns, now] (0: none). A fixed
 * slot for each keeps the verifier from tracking a count per path. */
static __always_inline void blame_fill(struct rqs_event *e, __u64 wait_ns, __u64 now)
{
	__u64 begin = now > wait_ns ? now - wait_ns : 0, lo, hi;
	struct blame_ring *r;
	struct blame_slot *s;
	struct rqs_blame *b;
	__u32 zero = 0, head;

	e->nr_blame = 0;
	r = bpf_map_lookup_elem(&blame_rings, &zero);
	if (!r)
		return;
	head = r->head;
	for (__u32 k = 0; k < RQS_BLAME_SLOTS; k++) {
		s = &r->slot[(head + k) & (RQS_BLAME_SLOTS - 1)];
		b = &e->blame[k];
		lo = s->start > begin ? s->start : begin;
		hi = s->end < now ? s->end : now;
		b->ns = s->start && hi > lo ? hi - lo : 0;
		b->tid = s->tid;
		b->pad = 0;
		comm_copy(b->comm, s->comm);
	}
	e->nr_blame = RQS_BLAME_SLOTS;
}

#endif
