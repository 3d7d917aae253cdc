/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* CFS bandwidth control: how long a task's group has been throttled on a
 * CPU, for --blame-by cgroup's "throttled" (cgroup_blame.bpf.h). */
#ifndef THROTTLE_BPF_H
#define THROTTLE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "runqslower.h"

/* Linux 6.6, commit 677ea015f231 ("sched: add throttled time stat for
 * throttled children"): each cfs_rq keeps the time it spent throttled with
 * tasks queued, its own quota's or an ancestor's (tg_throttle_down() starts
 * throttled_clock_self, tg_unthrottle_up() adds it to
 * throttled_clock_self_time; an enqueue into a throttled, empty cfs_rq
 * starts it too), on the run queue's clock. It is cpu.stat.local's
 * throttled_usec. Before 6.6 there is no such count, and no time is charged
 * to "throttled". */
struct cfs_rq___rqs_thr {
	__u64 throttled_clock_self;
	__u64 throttled_clock_self_time;
	struct rq *rq;
} __attribute__((preserve_access_index));

struct task_group___rqs_thr {
	struct cfs_rq___rqs_thr **cfs_rq;
} __attribute__((preserve_access_index));

struct task_struct___rqs_thr {
	struct task_group___rqs_thr *sched_task_group;	/* CONFIG_CGROUP_SCHED */
} __attribute__((preserve_access_index));

/* A cfs_rq's throttled time up to @now: @time, plus the throttle going
 * on since @since (0: none) */
static __always_inline __u64 throttled_sum(__u64 time, __u64 since, __u64 now)
{
	return since && now > since ? time + now - since : time;
}

/* @c's throttled time up to now (run queue clock, ns); @c may be another
 * CPU's, read while it changes: a throttle that ends meanwhile moves its
 * time from the one field to the other, and the sum stays. @c is not a
 * pointer the verifier knows: probe reads. */
static __always_inline __u64 cfs_rq_throttled_ns(struct cfs_rq___rqs_thr *c)
{
	__u64 since;

	if (!bpf_core_field_exists(c->throttled_clock_self_time) || !c)
		return 0;
	since = BPF_CORE_READ(c, throttled_clock_self);
	return throttled_sum(BPF_CORE_READ(c, throttled_clock_self_time), since,
			     since ? BPF_CORE_READ(c, rq, clock) : 0);
}

/* Whether this kernel keeps the count: a CO-RE constant */
static __always_inline bool throttle_counted(void)
{
	struct cfs_rq___rqs_thr *c = NULL;
	struct task_struct *p = NULL;

	return bpf_core_field_exists(p->se.cfs_rq) &&
	       bpf_core_field_exists(c->throttled_clock_self_time);
}

/* @p's group on @p's CPU (se.cfs_rq: CONFIG_FAIR_GROUP_SCHED); @p is a
 * tracepoint's task, so its cfs_rq and rq are loaded directly */
static __always_inline __u64 task_throttled_ns(struct task_struct *p)
{
	struct cfs_rq___rqs_thr *c;
	__u64 since;

	if (!throttle_counted())
		return 0;
	c = (struct cfs_rq___rqs_thr *)p->se.cfs_rq;
	if (!c)
		return 0;
	since = c->throttled_clock_self;
	return throttled_sum(c->throttled_clock_self_time, since, since ? c->rq->clock : 0);
}

/* @p's group on @cpu, where it is moving: sched_migrate_task comes before
 * set_task_rq() points se.cfs_rq there */
static __always_inline __u64 task_throttled_ns_on(struct task_struct *p, __s32 cpu)
{
	struct task_struct___rqs_thr *t = (void *)p;
	struct cfs_rq___rqs_thr *c = NULL, **rqs;
	struct task_group___rqs_thr *tg;

	if (!bpf_core_field_exists(t->sched_task_group) || cpu < 0)
		return 0;
	tg = BPF_CORE_READ(t, sched_task_group);
	if (!tg)
		return 0;
	rqs = BPF_CORE_READ(tg, cfs_rq);
	if (!rqs || bpf_probe_read_kernel(&c, sizeof(c), &rqs[cpu]))
		return 0;
	return cfs_rq_throttled_ns(c);
}

/* The enqueue of @p (-B, --blame-by cgroup): where its group's throttled
 * time stands */
static __always_inline void throttle_at_enqueue(struct rqs_pending *v, struct task_struct *p)
{
	v->thr_ns = task_throttled_ns(p);
	v->moved_ts = 0;
}

/* The switch-in, or a move, of @p: its group's throttled time on its CPU
 * since its enqueue or its last move (@v) */
static __always_inline __u64 throttle_since(struct task_struct *p, const struct rqs_pending *v)
{
	__u64 thr = task_throttled_ns(p);

	return thr > v->thr_ns ? thr - v->thr_ns : 0;
}

#endif
