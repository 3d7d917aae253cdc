/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enqueue timestamps in task local storage: one struct rqs_pending hanging
 * off each task_struct (the time, and what -W and --cpu record with it), kept
 * (set to 0 when consumed) while the task lives and freed with it. Needs
 * Linux 5.13, commit a10787e6d58c ("bpf: Enable task local storage for
 * tracing programs").
 *
 * The storage is created where no scheduler lock is held: by the prefill
 * iterator for the tasks alive at start (prefill.bpf.c), and at
 * task_newtask (storage_at_fork()) for those born later. The programs that
 * run under the run-queue lock or p->pi_lock create it only with
 * cfg.hot_create, for a task those missed (one the iterator cannot see, in
 * another pid namespace): the frontend sets it where local storage comes
 * from bpf_mem_alloc, Linux 6.4, commit 08a7ce384e33 ("bpf: Use
 * bpf_mem_cache_alloc/free in bpf_local_storage_elem"), whose per-CPU
 * caches are refilled from irq_work. Before, creating it from a tracing
 * program allocates from the slab with GFP_ATOMIC (the verifier passes it
 * to bpf_task_storage_get(), 6.1 do_misc_fixups(); 5.15 bpf_selem_alloc()
 * hard-codes it), which may wake kswapd: try_to_wake_up() takes its
 * pi_lock and the run-queue lock of its CPU, perhaps the one held. */
#ifndef STORAGE_TASK_BPF_H
#define STORAGE_TASK_BPF_H

#include "clock.bpf.h"
#include "counters.bpf.h"
#include "task_storage_map.bpf.h"
#include "why.bpf.h"
#include "throttle.bpf.h"

/* @p's storage; created here only with cfg.hot_create (see above) */
static __always_inline struct rqs_pending *storage_find(struct task_struct *p)
{
#if RQS_OMIT(LOOKUP)
	return omit_lookup();
#endif
	struct rqs_pending *v = bpf_task_storage_get(&start, p, NULL, 0);

	if (v || !cfg.hot_create)
		return v;
	v = bpf_task_storage_get(&start, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v)
		count(RQS_STORAGE_CREATED_HOT);
	return v;
}

/* -W, at sched_waking: the waker of the wakeup to come, in a slot of its
 * own. try_to_wake_up() runs sched_waking under p->pi_lock but not under
 * the run queue lock, so it can run on one CPU while @p's own CPU switches
 * @p in or out (a task preempted between set_current_state() and
 * schedule() can be woken then), and writes to start's element would mix
 * with those. Only sched_waking writes the slot; the enqueue of the same
 * wakeup reads it, at sched_wakeup, and no next sched_waking of @p can come
 * before that (@p must run and sleep first). Two sched_wakings of @p can
 * race only when one is @p waking itself (no pi_lock there): both find it
 * on its CPU, and neither enqueue reads the slot. */
static __always_inline void storage_note_waker(struct task_struct *p,
					       const struct rqs_waker *w)
{
	struct rqs_waker *n = bpf_task_storage_get(&noted_wakers, p, NULL,
						   cfg.hot_create ?
						   BPF_LOCAL_STORAGE_GET_F_CREATE : 0);

	if (n)
		*n = *w;
	else
		count(RQS_LOST_WAKER);
}

/* Records *@ts (0: now, see storage.bpf.h) as @p's enqueue time, with
 * what -W and --cpu want to know (why.bpf.h). With @keep_pending, an enqueue time already recorded and not
 * yet consumed stays, with its details: the task is still queued and its
 * wait started then. A pending time from before the task last ran (@runs
 * has moved) is not a wait but a switch-in this program missed: it is
 * counted and replaced. False when it could not be recorded: @p has no
 * storage. */
static __always_inline bool storage_put(struct task_struct *p, __u64 *ts, __u32 runs,
					bool keep_pending,
					struct task_struct *waker, __u8 how, const bool ext)
{
	struct rqs_pending *v = storage_find(p);

	if (!v)
		return false;
	if (!RQS_OMIT(PENDING) && v->enq.ts) {
		if (v->enq.runs != runs)
			count(RQS_MISSED_SWITCH_IN);
		else if (keep_pending)
			return true;
	}
	v->enq.ts = rqs_clock_once(p, ts);
	v->enq.runs = runs;
	if (ext && cfg.waker && how == RQS_WAKE_WAKEUP) {
		struct rqs_waker *n = bpf_task_storage_get(&noted_wakers, p, NULL, 0);

		v->enq.waker = n ? *n : (struct rqs_waker){};
	}
	if (ext)
		why_at_enqueue(&v->enq, p, waker, how);
	if (cfg.blame_cgroup || (ext && cfg.blame))
		throttle_at_enqueue(v, p);
	return true;
}

/* -W, a wakeup that starts no wait: nothing to drop, the waker noted stays
 * in its slot until the next sched_waking replaces it */
static __always_inline void storage_drop_waker(struct task_struct *p)
{
	(void)p;
}

/* @p's enqueue time, 0 if none, and clears it: every switch-in ends a wait.
 * The details go to @why when the options want them (@ext: see
 * runqslower.bpf.c). */
static __always_inline __u64 storage_take(struct task_struct *p, struct rqs_pending *why,
					  const bool ext)
{
	struct rqs_pending *v = bpf_task_storage_get(&start, p, NULL, 0);
	__u64 ts;

	if (!v)
		return 0;
	ts = v->enq.ts;
	if (ts) {
		v->enq.ts = 0;
		if (ext || cfg.blame_cgroup)
			why_take(why, v);
	}
	return ts;
}

/* -B (blame.bpf.h): the runs a task's moves left behind while it waits.
 * Created with the task (storage_at_fork()), or at its first move while
 * queued (under both run queues' locks) only with cfg.hot_create: see
 * the top of this file. Before Linux 6.4 a task alive at start then has
 * none, and COVER says what its moves left uncovered. */
#include "blame.bpf.h"

static __always_inline struct blame_moved *storage_moves(struct task_struct *p, bool create)
{
	return bpf_task_storage_get(&blame_moves, p, NULL,
				    create && cfg.hot_create ?
				    BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* @p's record, NULL if it has none; left as it is */
static __always_inline struct rqs_pending *storage_peek(struct task_struct *p)
{
	return bpf_task_storage_get(&start, p, NULL, 0);
}

/* task_newtask: storage for a task just created, before anything can wake
 * it. The tracepoint fires at the end of copy_process(), after tasklist_lock
 * and siglock are released, with no scheduler lock held, for every new task:
 * fork, clone, kernel threads, and the io_uring and vhost workers that
 * create_io_thread() and vhost_task_create() make without
 * sched_process_fork. Only tasks the filters could trace (traced(): -p, -t;
 * -c and --cgroup can change later, with exec or migration). False when it
 * could not be created. */
static __always_inline bool storage_at_fork(struct task_struct *p)
{
	if (cfg.waker)
		bpf_task_storage_get(&noted_wakers, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (cfg.blame)
		bpf_task_storage_get(&blame_moves, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (bpf_task_storage_get(&start, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return true;
	/* the prefill iterator may have created it meanwhile (-EEXIST) */
	return bpf_task_storage_get(&start, p, NULL, 0) != NULL;
}

#define RQS_STORAGE_AT_FORK

#endif
