/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -B: what ran instead. Every sched_switch appends the task coming on the
 * CPU (its task_struct and TID, and when) to a per-CPU ring of
 * RQS_BLAME_SLOTS slots: no lookup but the per-CPU array's (inlined), no
 * lock, no helper. Its COMM is read only when a run is copied out
 * (blame_name()), from the task_struct kept.
 * A slot's run ends where the next slot's begins; the newest slot is the
 * task on the CPU now. A report copies the runs that overlap the part of
 * its wait spent queued on that CPU, clipped to it. The ring holds the
 * last RQS_BLAME_SLOTS switches only: more, shorter runs in a long wait
 * outrun it, and the frontend says how much of the wait the copied runs
 * cover. The ring's times are the tool's clock (clock.bpf.h), read once
 * per switch and shared with the wait's own measurement.
 *
 * A wait that migrated: when a queued task leaves a CPU (sched_migrate_task,
 * runqslower.bpf.c), the runs of that CPU since the task was queued there
 * are copied from its ring at once, before it outruns them, into a record
 * kept with the task (struct blame_moved, at most RQS_BLAME_MOVED_SLOTS
 * runs over all the moves of one wait, the oldest first); the report puts
 * them before those of the CPU it ran on, read from the last move on.
 *
 * Each run also names its task's cgroup, read with its COMM, and a report
 * says how long the waiter's own group was throttled by its CPU quota
 * during the wait (throttle.bpf.h), on each CPU it waited on. */
#ifndef BLAME_BPF_H
#define BLAME_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "runqslower.h"
#include "blame_moved.bpf.h"
#include "throttle.bpf.h"


struct blame_slot {
	__u64 start;	/* when the task came on; 0: an unused slot */
	__u64 task;	/* its struct task_struct *, perhaps freed since */
	__u32 tid;
	__u32 unseen;	/* a switch in its run was not seen: who held the
			 * CPU when, from its start to the next slot's, is
			 * not known */
};

struct blame_ring {
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

/* sched_switch: @next takes this CPU from @prev at @now. @prev is the
 * task the newest slot put on the CPU, unless a switch since was not seen:
 * a tracepoint program is skipped when it would run inside itself on this
 * CPU (__bpf_trace_run(), bpf_prog_inc_misses_counter()), and a kernel
 * may keep some tasks' switches from tracers. The newest slot's run then
 * ended at a time no one knows, and other tasks ran in it. */
static __always_inline void blame_record(struct task_struct *prev, struct task_struct *next,
					 __u64 now)
{
	struct blame_ring *r;
	struct blame_slot *s;
	__u32 zero = 0, i;

	r = bpf_map_lookup_elem(&blame_rings, &zero);
	if (!r)
		return;
	i = r->head & (RQS_BLAME_SLOTS - 1);
	s = &r->slot[(i - 1) & (RQS_BLAME_SLOTS - 1)];
	if (s->task != (__u64)prev && s->start)
		s->unseen = 1;
	r->head = i + 1;
	s = &r->slot[i];
	s->start = now;
	s->task = (__u64)next;
	s->tid = next->pid;
	s->unseen = 0;
}

/* @b's COMM and cgroup, from the task_struct @s kept. That task may have
 * exited since, and its task_struct been freed (delayed_put_task_struct(),
 * after an RCU grace period) and its memory given to a new task. That task
 * was made after this one exited, so after the run @s began: copy_process()
 * sets start_time (ktime_get_ns(), CLOCK_MONOTONIC, the tool's clock) once
 * the memory is its own. A start_time later than the run's start, another
 * TID (a TID can be had again: pid_max wraps, clone3()'s set_tid), or a
 * read that faults (the slab page went back) means what was read is not
 * this task's, and the run is marked RQS_BLAME_EXITED instead. start_time
 * is read last: if it is still not later than the run, the memory was this
 * task's until then. So the switch keeps no start_time: that would be a
 * load from a line of next's task_struct the switch touches for nothing
 * else. The idle task (TID 0) is never named. The cgroup is the task's at
 * the report: a task moved to another cgroup since its run is named by its
 * new one. */
static __always_inline void blame_name(struct rqs_blame *b, const struct blame_slot *s)
{
	struct task_struct *t = (struct task_struct *)s->task;
	__u64 start_time = 0;
	pid_t pid = 0;

	b->flags = 0;
	b->cgroup = 0;
	if (!s->tid) {
		b->comm[0] = '\0';
		return;
	}
	if (bpf_core_read(b->comm, sizeof(b->comm), &t->comm) ||
	    BPF_CORE_READ_INTO(&b->cgroup, t, cgroups, dfl_cgrp, kn, id) ||
	    bpf_core_read(&pid, sizeof(pid), &t->pid) || (__u32)pid != s->tid ||
	    bpf_core_read(&start_time, sizeof(start_time), &t->start_time) ||
	    start_time > s->start) {
		__builtin_memset(b->comm, 0, sizeof(b->comm));
		b->cgroup = 0;
		b->flags = RQS_BLAME_EXITED;
	}
}

/* One slot of @out (of @size, a power of 2), the next of *@n, for a run of
 * @ns; NULL when all are used. The count lives in memory, not in a
 * register: the verifier does not track what it loads from a map or the
 * ring buffer, so that a loop's states do not differ by it, and the paths
 * of two loops add up instead of multiplying. */
static __always_inline struct rqs_blame *blame_slot_next(struct rqs_blame *out, __u32 *n,
							 __u32 size)
{
	__u32 i = *n;

	if (i >= size)
		return NULL;
	*n = i + 1;
	return &out[i & (size - 1)];
}

/* Appends to @out the runs of @r (CPU @cpu) inside [@lo_w, @hi_w], oldest
 * first. Another CPU's ring is read while that CPU may write it: a run it
 * overwrites meanwhile starts after the window and is clipped away, so
 * only the slot overwritten is lost (COVER shows it). */
static __always_inline void blame_copy(struct rqs_blame *out, __u32 *n, __u32 size,
				       const struct blame_ring *r,
				       __u64 lo_w, __u64 hi_w, __s32 cpu)
{
	const struct blame_slot *s;
	struct rqs_blame *b;
	__u64 start, end, lo, hi;
	__u32 head = r->head;

	for (__u32 k = 0; k < RQS_BLAME_SLOTS; k++) {
		s = &r->slot[(head + k) & (RQS_BLAME_SLOTS - 1)];
		start = s->start;
		/* the newest run goes on still */
		end = k + 1 < RQS_BLAME_SLOTS ?
		      r->slot[(head + k + 1) & (RQS_BLAME_SLOTS - 1)].start : hi_w;
		lo = start > lo_w ? start : lo_w;
		hi = end < hi_w ? end : hi_w;
		if (!start || hi <= lo)
			continue;
		b = blame_slot_next(out, n, size);
		if (!b)
			break;
		b->ns = hi - lo;
		b->tid = s->tid;
		b->cpu = cpu;
		blame_name(b, s);
		if (s->unseen)
			b->flags |= RQS_BLAME_UNSEEN;
	}
}

/* sched_migrate_task: a task queued since @wait_ts leaves @from_cpu at
 * @now, its group throttled @thr_ns there meanwhile. Its runs there since
 * it came (its wait's start, or its move before) go to @m. Another CPU's
 * ring is read with
 * bpf_map_lookup_percpu_elem(), Linux 5.19, commit 07343110b293 ("bpf: add
 * bpf_map_lookup_percpu_elem for percpu map"); the enum test is a CO-RE
 * relocation, a constant the verifier folds, so that older kernels load
 * the program without the call, and there a move made from another CPU
 * leaves its part of the wait uncovered. */
static __always_inline void blame_note_move(struct blame_moved *m, __u64 wait_ts,
					    __u64 now, __s32 from_cpu, __u64 thr_ns)
{
	const struct blame_ring *r = NULL;
	__u32 zero = 0;
	__u64 from;

	if (m->migrate_ts > wait_ts) {
		from = m->migrate_ts;
		m->thr_ns += thr_ns;
	} else {
		from = wait_ts;
		m->n = 0;
		m->thr_ns = thr_ns;
	}
	m->migrate_ts = now;
	if (from_cpu == (__s32)bpf_get_smp_processor_id())
		r = bpf_map_lookup_elem(&blame_rings, &zero);
	else if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_map_lookup_percpu_elem))
		r = bpf_map_lookup_percpu_elem(&blame_rings, &zero, from_cpu);
	if (r)
		blame_copy(m->run, &m->n, RQS_BLAME_MOVED_SLOTS, r, from, now, from_cpu);
}

/* A report of @p's @wait_ns wait ending at @now on this CPU (@w: its
 * throttled-time mark): the runs its moves left in @m (NULL: none), then
 * those of this CPU since its last move, or since it began; and the time
 * its group was throttled, on every CPU it waited on. */
static __always_inline void blame_fill(struct rqs_event *e, struct task_struct *p,
				       const struct rqs_pending *w, __u64 wait_ns, __u64 now,
				       const struct blame_moved *m)
{
	__u64 begin = now > wait_ns ? now - wait_ns : 0, split = begin, thr;
	const struct blame_ring *r;
	struct rqs_blame *b;
	__u32 zero = 0;

	e->nr_blame = 0;
	thr = throttle_since(p, w);
	if (m && m->migrate_ts > begin && m->migrate_ts <= now) {
		split = m->migrate_ts;
		thr += m->thr_ns;
		for (__u32 k = 0; k < RQS_BLAME_MOVED_SLOTS; k++) {
			if (k >= m->n)
				break;
			b = blame_slot_next(e->blame, &e->nr_blame, RQS_BLAME_SLOTS);
			if (!b)
				break;
			*b = m->run[k];
		}
	}
	e->throttled_ns = !throttle_counted() ? RQS_THROTTLED_UNKNOWN :
			  thr < wait_ns ? thr : wait_ns;
	r = bpf_map_lookup_elem(&blame_rings, &zero);
	if (r)
		blame_copy(e->blame, &e->nr_blame, RQS_BLAME_SLOTS, r, split, now,
			   bpf_get_smp_processor_id());
}

#endif
