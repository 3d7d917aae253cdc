// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Run-queue latency: the time from a task becoming runnable (woken, newly
 * created, or switched out while still runnable) until it runs. The tracing
 * logic is written once; where the enqueue timestamp lives is chosen at build
 * time (storage.bpf.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "runqslower.h"
#include "common.bpf.h"
#include "clock.bpf.h"
#include "counters.bpf.h"
#include "task_state.bpf.h"
#include "why.bpf.h"
#include "blame.bpf.h"
#include "storage.bpf.h"
#include "histogram.bpf.h"
#include "cgroup_blame.bpf.h"
#include "irq_context.bpf.h"
#include "filter.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RQS_RINGBUF_BYTES);
} events SEC(".maps");

/* Each program comes twice: handle_* with @ext false, where the code of
 * -W, --cpu, -B, -j, -c and --cgroup is compiled out, and ext_* with it;
 * the frontend loads one or the other (src/trace/program_table.c), so
 * that without these options not even their rodata loads are left. */

/* @waker: see why_at_enqueue(); *@now: see storage_put() */
static __always_inline void enqueue(struct task_struct *p, __u64 *now,
				    bool keep_pending, struct task_struct *waker,
				    __u8 how, const bool ext)
{
	if (!storage_put(p, now, RQS_OMIT(RUNS) ? 0 : task_runs(p), keep_pending,
			 waker, how, ext))
		count(RQS_LOST_STORAGE);
}

/* What a report needs beyond the tasks: five arguments at most */
struct wait {
	__u64 delta_ns;
	__u64 now;		/* switch-in: CLOCK_MONOTONIC */
	struct rqs_pending why;	/* -W, --cpu, --blame-by cgroup */
};

/* Waking the reader costs an irq_work, a self-IPI: under virtualisation a VM
 * exit, several microseconds: more than all the rest of a report. Reports do
 * not wake it; the frontend collects them every RQS_POLL_MS. Only the report
 * that takes the ring buffer past RQS_RINGBUF_WAKEUP_BYTES forces a wakeup,
 * once, not every report above it. */
static __noinline void report(struct task_struct *prev, struct task_struct *next,
			      const struct wait *w)
{
	__u64 flags = BPF_RB_NO_WAKEUP, avail, size;
	struct rqs_event *e;

	count(RQS_OVER_THRESHOLD);
	/* the details only with the options that print them */
	size = RQS_EVENT_SIZE(cfg.details, cfg.blame);
	e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e) {
		count(RQS_LOST_RINGBUF);
		return;
	}
	e->delta_ns = w->delta_ns;
	/* CLOCK_MONOTONIC: the frontend converts it to wall-clock time */
	e->ts_ns = w->now;
	e->pid = next->pid;
	e->tgid = next->tgid;
	bpf_probe_read_kernel(e->task, sizeof(e->task), next->comm);
	if (cfg.previous) {
		e->prev_pid = prev->pid;
		bpf_probe_read_kernel(e->prev_task, sizeof(e->prev_task), prev->comm);
	} else {
		e->prev_pid = 0;
		e->prev_task[0] = '\0';
	}
	e->cpu = bpf_get_smp_processor_id();
	/* the series an exemplar of this wait belongs to */
	e->cgroup = cfg.by == RQS_BY_CGROUP ? task_cgroup_id(next) : 0;
	if (cfg.details) {
		/* what -W and --cpu recorded; zeros (not stack) without them */
		if (cfg.waker || cfg.cpu)
			e->enq = w->why.enq;
		else
			__builtin_memset(&e->enq, 0, sizeof(e->enq));
	}
	if (cfg.blame)
		blame_fill(e, next, &w->why, w->delta_ns, w->now, storage_moves(next, false));
	/* unread bytes, this record included (reserved above) */
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	if (avail >= RQS_RINGBUF_WAKEUP_BYTES &&
	    avail - RQS_RINGBUF_RECORD_BYTES(size) < RQS_RINGBUF_WAKEUP_BYTES)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

/* First in the object, so the skeleton attaches it first: a wakeup recorded
 * before sched_switch is attached would never be consumed, and would then
 * be kept as pending by the task's next wakeup. */
static __always_inline int on_switch(bool preempt, struct task_struct *prev,
				     struct task_struct *next, const bool ext)
{
	struct wait w;
	__u64 now = 0, ts, cg = 0;
	__s64 delta;
	__u32 gen;

	if (ext && cfg.waker)
		irq_context_reset();

	/* -B: every switch, whatever is traced: who holds this CPU from now.
	 * The clock read is this switch's one: the enqueue and the switch-in
	 * below take it too, and its window is measured on the wait's own
	 * clock. -B adds a read only where the switch had none: a switch
	 * that ends no wait and queues nothing (to or from idle, mostly). */
	if (ext && cfg.blame)
		blame_record(prev, next, rqs_clock_once(prev, &now));
	/* --blame-by cgroup: likewise, the cgroup that holds this CPU from
	 * now; read once, for the histogram's key too */
	if (cfg.blame_cgroup) {
		cg = next->pid ? task_cgroup_id(next) : 0;
		cgblame_record(prev, next, cg, rqs_clock_once(prev, &now));
	}
	/* Switched out but still runnable: it waits on the run queue again,
	 * from now (it has just run, so nothing is pending); next is what
	 * took the CPU from it. */
	if ((preempt || task_is_running(prev)) && prev->pid && traced_enqueue(prev, ext))
		enqueue(prev, &now, false, next, RQS_WAKE_PREEMPTED, ext);

	if (!next->pid || !traced(next))
		return 0;
	ts = storage_take(next, &w.why, ext);
	if (!ts)
		return 0;
	delta = rqs_clock_once(next, &now) - ts;
	if (delta < 0) {
		count(RQS_NEGATIVE_WAIT);
		return 0;
	}
	if (cfg.summary) {
		gen = hist_gen_now();
		hist_record(next, delta, cg, gen);
		if (cfg.blame_cgroup)
			cgblame_at_switch_in(next, cg, ts, now, &w.why, gen);
	}
	if (delta < (__s64)cfg.min_ns)
		return 0;
	w.delta_ns = delta;
	w.now = now;
	report(prev, next, &w);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(preempt, prev, next, false);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(ext_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(preempt, prev, next, true);
}

/* A wakeup starts a wait only for a task that is neither on a CPU nor
 * queued already:
 * - on a CPU (p->on_cpu: running, or switching out), it has not left the
 *   CPU, and before Linux 6.12 ttwu_runnable() did not even update the run
 *   queue's clock for it;
 * - still queued (switched out runnable, e.g. preempted between
 *   set_current_state() and schedule(), then woken by ttwu_runnable()), its
 *   wait began at that switch-out: the pending time is kept, as
 *   sched_info_enqueue() keeps last_queued.
 * -W: the waker noted at sched_waking for a wakeup that starts no wait is
 * dropped (storage_drop_waker()). */
static __always_inline int on_wakeup(struct task_struct *p, const bool ext)
{
	__u64 now = 0;

	if (!RQS_OMIT(FILTERS) && !traced_enqueue(p, ext))
		return 0;
	if (RQS_OMIT(ONCPU) || !task_is_on_cpu(p))
		enqueue(p, &now, true, NULL, RQS_WAKE_WAKEUP, ext);
	else if (ext && cfg.waker)
		storage_drop_waker(p);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p, false);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(ext_sched_wakeup, struct task_struct *p)
{
	return on_wakeup(p, true);
}

static __always_inline int on_wakeup_new(struct task_struct *p, const bool ext)
{
	__u64 now = 0;

	if (traced_enqueue(p, ext))
		enqueue(p, &now, false, NULL, RQS_WAKE_NEW, ext);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup_new(p, false);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(ext_sched_wakeup_new, struct task_struct *p)
{
	return on_wakeup_new(p, true);
}

#ifdef RQS_STORAGE_AT_FORK
/* Task mode: storage for new tasks (storage_task.bpf.h). The frontend
 * attaches it before the prefill iterator runs, so that no task born
 * meanwhile is missed by both. */
SEC("tp_btf/task_newtask")
int BPF_PROG(storage_task_newtask, struct task_struct *p, __u64 clone_flags)
{
	if (p->pid && traced(p) && storage_at_fork(p))
		count(RQS_STORAGE_CREATED);
	return 0;
}
#endif

/* -W: sched_waking and the interrupt-context tracepoints, after the
 * sched_switch programs (see on_switch()) */
#include "waker.bpf.h"

/* -B and --blame-by cgroup only (the frontend loads it with them alone): a
 * queued task moves to another CPU's run queue; what held it on the CPU it
 * leaves is taken now (blame_note_move(), cgblame_at_move()), and its
 * group's throttled time there. @p is still on that CPU, and in its
 * cfs_rq: set_task_cpu() fires the tracepoint before __set_task_cpu() and
 * set_task_rq(). A queued task's move
 * (move_queued_task(), detach_task()) sets p->on_rq to
 * TASK_ON_RQ_MIGRATING before it; a wakeup's (try_to_wake_up()) comes with
 * p->on_rq 0, before the wait begins: nothing to record. */
SEC("tp_btf/sched_migrate_task")
int BPF_PROG(blame_sched_migrate_task, struct task_struct *p, int dest_cpu)
{
	struct rqs_pending *v;
	struct blame_moved *m;
	__u64 now, thr;

	if (!(cfg.blame || cfg.blame_cgroup) || !task_on_rq(p))
		return 0;
	v = storage_peek(p);
	if (!v || !v->enq.ts)
		return 0;
	now = rqs_clock(p);
	thr = throttle_since(p, v);
	if (cfg.blame) {
		m = storage_moves(p, true);
		if (m)
			blame_note_move(m, v->enq.ts, now, task_cpu_of(p), thr);
	}
	if (cfg.blame_cgroup)
		cgblame_at_move(p, v, task_cpu_of(p), now, thr);
	v->moved_ts = now;
	v->thr_ns = task_throttled_ns_on(p, dest_cpu);
	return 0;
}
