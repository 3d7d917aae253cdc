/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enqueue timestamps in a hash map keyed by TID, as the classic runqslower
 * does: its size is fixed before load (--hash-entries), and a full map drops
 * wakeups. */
#ifndef STORAGE_HASH_BPF_H
#define STORAGE_HASH_BPF_H

#include "common.bpf.h"
#include "clock.bpf.h"
#include "counters.bpf.h"
#include "why.bpf.h"
#include "throttle.bpf.h"

#ifndef EEXIST
#define EEXIST 17 /* include/uapi/asm-generic/errno-base.h */
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct rqs_pending);
} start SEC(".maps");

/* -W: wakers noted at sched_waking, taken by the enqueue that follows
 * (sized like start by the frontend). try_to_wake_up() follows every
 * sched_waking with a sched_wakeup; one that starts no wait (the task is
 * still on its CPU) drops its entry instead (storage_drop_waker()), so an
 * entry lives only from sched_waking to sched_wakeup. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct rqs_waker);
} wakers SEC(".maps");

/* An update that fails leaves no entry of the TID's own (an existing key is
 * replaced even in a full map), but one left over must not stand in for
 * this waker: deleted, and counted. */
static __always_inline void storage_note_waker(struct task_struct *p,
					       const struct rqs_waker *w)
{
	__u32 tid = p->pid;

	if (bpf_map_update_elem(&wakers, &tid, w, BPF_ANY)) {
		bpf_map_delete_elem(&wakers, &tid);
		count(RQS_LOST_WAKER);
	}
}

static __always_inline void storage_drop_waker(struct task_struct *p)
{
	__u32 tid = p->pid;

	bpf_map_delete_elem(&wakers, &tid);
}

/* See storage_task.bpf.h. An entry is consumed (deleted) at every switch-in,
 * so an existing one is a pending enqueue time: BPF_NOEXIST keeps it, and
 * its -EEXIST is not a loss, unless the entry is from before the task last
 * ran (a missed switch-in: counted and replaced). Only a wakeup looks: an
 * overwrite (BPF_ANY) does not say what it replaced. */
static __always_inline bool storage_put(struct task_struct *p, __u64 *ts, __u32 runs,
					bool keep_pending,
					struct task_struct *waker, __u8 how, const bool ext)
{
	struct rqs_pending v = { .enq = { .runs = runs } }, *old;
	__u32 tid = p->pid;
	long err;

	v.enq.ts = rqs_clock_once(p, ts);
	if (ext)
		why_at_enqueue(&v.enq, p, waker, how);
	if (cfg.blame_cgroup || (ext && cfg.blame))
		throttle_at_enqueue(&v, p);
	if (ext && cfg.waker && how == RQS_WAKE_WAKEUP) {
		struct rqs_waker *w = bpf_map_lookup_elem(&wakers, &tid);

		if (w) {
			v.enq.waker = *w;
			bpf_map_delete_elem(&wakers, &tid);
		}
	}
	if (RQS_OMIT(PENDING))
		keep_pending = false;
	err = bpf_map_update_elem(&start, &tid, &v,
				  keep_pending ? BPF_NOEXIST : BPF_ANY);
	if (err != -EEXIST || !keep_pending)
		return err == 0;
	old = bpf_map_lookup_elem(&start, &tid);
	if (old && old->enq.runs != runs) {
		count(RQS_MISSED_SWITCH_IN);
		*old = v;
	}
	return true;
}

static __always_inline __u64 storage_take(struct task_struct *p, struct rqs_pending *why,
					  const bool ext)
{
	struct rqs_pending *v;
	__u32 tid = p->pid;
	__u64 ts;

	v = bpf_map_lookup_elem(&start, &tid);
	if (!v)
		return 0;
	ts = v->enq.ts;
	if (ext || cfg.blame_cgroup)
		why_take(why, v);
	bpf_map_delete_elem(&start, &tid);
	return ts;
}

/* -B: see storage_task.bpf.h. An LRU map: an entry is never deleted (a
 * wait under the threshold does not look), the least used goes first; the
 * frontend sizes it like start. */
#include "blame.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct blame_moved);
} blame_moves SEC(".maps");

static __always_inline struct blame_moved *storage_moves(struct task_struct *p, bool create)
{
	static const struct blame_moved empty;
	struct blame_moved *m;
	__u32 tid = p->pid;

	m = bpf_map_lookup_elem(&blame_moves, &tid);
	if (m || !create)
		return m;
	bpf_map_update_elem(&blame_moves, &tid, &empty, BPF_NOEXIST);
	return bpf_map_lookup_elem(&blame_moves, &tid);
}

static __always_inline struct rqs_pending *storage_peek(struct task_struct *p)
{
	__u32 tid = p->pid;

	return bpf_map_lookup_elem(&start, &tid);
}


#endif
