/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* --blame-by cgroup: every wait the summary counts is charged to the
 * cgroups whose tasks held its CPU meanwhile, in blame_pairs, keyed by the
 * waiting task's cgroup and the culprit's (its own: "self" to the reader).
 *
 * A sched_switch that brings another cgroup on the CPU than the one there
 * (the idle task: 0) appends it, and when, to a per-CPU ring; a slot's run
 * ends where the next one's begins. A switch between tasks of one cgroup
 * writes nothing, so a slot spans all their runs, and the ring reaches
 * back over RQS_CGBLAME_SLOTS changes of cgroup, not switches. At the
 * switch-in that ends a wait, the ring is walked back from the newest slot
 * until the wait's start: one or two slots for most waits, and one map
 * update per culprit met. Time the CPU was idle is charged to no one; the
 * part of a wait older than the ring's oldest slot is
 * RQS_CULPRIT_UNCOVERED.
 *
 * Throttling: the time the waiting task's own group was throttled on its
 * CPU during the wait (throttle.bpf.h: a count read at the enqueue and at
 * the switch-in) is charged to RQS_CULPRIT_THROTTLED, and taken from the
 * start of the wait: a throttled group's tasks wait for the quota first
 * (a throttle dequeues the running task, or a wakeup lands in a throttled
 * group) and compete for the CPU after it. The runs of the rest are
 * charged as they were.
 *
 * A wait that moves: when a queued task leaves a CPU (sched_migrate_task),
 * its part there so far is charged from that CPU's ring at once, and the
 * wait goes on being charged from the move (rqs_pending.moved_ts) on the
 * CPU it runs on. Another CPU's ring is read with
 * bpf_map_lookup_percpu_elem(), Linux 5.19 (blame.bpf.h); before it, the
 * part of a move made from another CPU is uncovered. With -i, the part
 * before a move goes to the interval of the move: a wait that moved in one
 * interval and ran in the next has its histogram in the next, and the part
 * before its move in the first. */
#ifndef CGROUP_BLAME_BPF_H
#define CGROUP_BLAME_BPF_H

#include "common.bpf.h"
#include "cgroup_id.bpf.h"
#include "throttle.bpf.h"
#include "histogram.bpf.h"	/* hist_gen, RQS_DEFAULT_MAX_KEYS */

#define CGBLAME_MASK (RQS_CGBLAME_SLOTS - 1)

struct cgblame_slot {
	__u64 start;	/* when it came on; 0: an unused slot */
	__u64 cgroup;	/* its cgroup v2 id; 0: the idle task */
};

struct cgblame_ring {
	__u32 head;	/* the next slot to write: the oldest */
	__u32 pad;
	__u64 task;	/* the task the last switch put on the CPU */
	__u64 task_ts;	/* and when */
	struct cgblame_slot slot[RQS_CGBLAME_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cgblame_ring);
} cgblame_rings SEC(".maps");

/* ns per (waiting cgroup, culprit); sized by the frontend (--max-keys).
 * Both maps' values are, as the histograms', cfg.hist_halves __u64s, set
 * at load (no BTF value type): with -i, a charge goes to the half of the
 * generation it is made in (hist_gen), so that an interval's culprits are
 * read as its histograms are. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RQS_DEFAULT_MAX_KEYS);
	__type(key, struct rqs_blame_key);
	__uint(value_size, sizeof(__u64));
} blame_pairs SEC(".maps");

/* ns of pairs blame_pairs had no room for */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__uint(value_size, sizeof(__u64));
} blame_overflow SEC(".maps");

/* What a new pair starts from, of either value size */
static const __u64 cgblame_zero[2];

/* @ns of a wait of @cg to @culprit, in generation @gen (hist_gen_now()) */
static __always_inline void cgblame_add(__u64 cg, __u64 culprit, __u64 ns, __u32 gen)
{
	struct rqs_blame_key k = { .cgroup = cg, .culprit = culprit };
	__u32 zero = 0;
	__u64 *v;

	if (!ns)
		return;
	v = bpf_map_lookup_elem(&blame_pairs, &k);
	if (!v) {
		/* EEXIST (another CPU inserted it meanwhile) is fine */
		bpf_map_update_elem(&blame_pairs, &k, cgblame_zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&blame_pairs, &k);
	}
	if (!v)
		v = bpf_map_lookup_elem(&blame_overflow, &zero);
	/* without -i, gen & 0: the verifier sees the one half there is */
	if (v)
		v[gen & (cfg.hist_halves > 1)] += ns;
}

static __always_inline void cgblame_append(struct cgblame_ring *r, __u32 i, __u64 cg,
					   __u64 now)
{
	struct cgblame_slot *s = &r->slot[i & CGBLAME_MASK];

	r->head = (i + 1) & CGBLAME_MASK;
	s->start = now;
	s->cgroup = cg;
}

/* sched_switch: @next, of @cg (0: idle), takes this CPU from @prev at
 * @now. @prev is the task the last switch put on the CPU, unless a switch
 * since was not seen (blame_record() says how): from that switch on, who
 * held the CPU is not known, and that time is RQS_CULPRIT_UNCOVERED. */
static __always_inline void cgblame_record(struct task_struct *prev, struct task_struct *next,
					   __u64 cg, __u64 now)
{
	struct cgblame_ring *r;
	__u32 zero = 0, i;

	r = bpf_map_lookup_elem(&cgblame_rings, &zero);
	if (!r)
		return;
	i = r->head & CGBLAME_MASK;
	if (r->task != (__u64)prev && r->task) {
		cgblame_append(r, i, RQS_CULPRIT_UNCOVERED, r->task_ts);
		i++;
	}
	r->task = (__u64)next;
	r->task_ts = now;
	/* the newest slot's cgroup holds the CPU still: 0 before any */
	if (r->slot[(i - 1) & CGBLAME_MASK].cgroup == cg &&
	    r->slot[(i - 1) & CGBLAME_MASK].start)
		return;
	cgblame_append(r, i, cg, now);
}

/* Charges the part [@lo, @hi] of a wait of a task of @cg to what @r's CPU
 * ran then, newest first, after @thr_ns of it to its group's throttling;
 * @r NULL: the whole part is uncovered. Another CPU's ring is read while
 * that CPU may write it: a slot written meanwhile starts after @hi and
 * ends the walk. */
static __always_inline void cgblame_charge(const struct cgblame_ring *r, __u64 cg,
					   __u64 lo, __u64 hi, __u64 thr_ns, __u32 gen)
{
	__u64 start, end = hi, from, culprit = 0, ns = 0;
	const struct cgblame_slot *s;
	__u32 head;

	if (hi <= lo)
		return;
	if (thr_ns > hi - lo)
		thr_ns = hi - lo;
	cgblame_add(cg, RQS_CULPRIT_THROTTLED, thr_ns, gen);
	lo += thr_ns;
	if (!r) {
		cgblame_add(cg, RQS_CULPRIT_UNCOVERED, hi - lo, gen);
		return;
	}
	head = r->head;
	for (__u32 k = 1; k <= RQS_CGBLAME_SLOTS; k++) {
		s = &r->slot[(head - k) & CGBLAME_MASK];
		start = s->start;
		if (!start || start > end)
			break;
		from = start > lo ? start : lo;
		if (end > from && s->cgroup) {
			if (s->cgroup != culprit) {
				cgblame_add(cg, culprit, ns, gen);
				culprit = s->cgroup;
				ns = 0;
			}
			ns += end - from;
		}
		end = from;
		if (start <= lo)
			break;
	}
	cgblame_add(cg, culprit, ns, gen);
	/* the ring ran out before the wait's start */
	if (end > lo)
		cgblame_add(cg, RQS_CULPRIT_UNCOVERED, end - lo, gen);
}

/* The switch-in of @p (cgroup @cg), which waited since @ts, at @now: its
 * part on this CPU, since its last move or its start */
static __always_inline void cgblame_at_switch_in(struct task_struct *p, __u64 cg, __u64 ts,
						 __u64 now, const struct rqs_pending *w,
						 __u32 gen)
{
	__u32 zero = 0;

	if (w->moved_ts > ts)
		ts = w->moved_ts;
	cgblame_charge(bpf_map_lookup_elem(&cgblame_rings, &zero), cg, ts, now,
		       throttle_since(p, w), gen);
}

/* sched_migrate_task: @p, queued (@v), leaves @from_cpu at @now, its
 * group throttled @thr_ns there meanwhile; the caller then moves @v's
 * marks to the new CPU */
static __always_inline void cgblame_at_move(struct task_struct *p, const struct rqs_pending *v,
					    __s32 from_cpu, __u64 now, __u64 thr_ns)
{
	const struct cgblame_ring *r = NULL;
	__u64 ts = v->enq.ts;
	__u32 zero = 0;

	if (v->moved_ts > ts)
		ts = v->moved_ts;
	if (from_cpu == (__s32)bpf_get_smp_processor_id())
		r = bpf_map_lookup_elem(&cgblame_rings, &zero);
	else if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_map_lookup_percpu_elem))
		r = bpf_map_lookup_percpu_elem(&cgblame_rings, &zero, from_cpu);
	cgblame_charge(r, task_cgroup_id(p), ts, now, thr_ns, hist_gen_now());
}

#endif
