// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Run-queue latency: the time from a task becoming runnable (woken, newly
 * created, or switched out while still runnable) until it runs. The tracing
 * logic is written once; where the enqueue timestamp lives is chosen at build
 * time by RQS_STORAGE_HEADER (storage_task.bpf.h or storage_hash.bpf.h), each
 * providing storage_put() and storage_take(). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "runqslower.h"
#include "rq_clock.bpf.h"
#include "task_state.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile struct rqs_config cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RQS_RINGBUF_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RQS_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 counter)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &counter);

	if (n)
		*n += 1;
}

#include RQS_STORAGE_HEADER

static __always_inline bool traced(struct task_struct *p)
{
	if (cfg.targ_tgid && p->tgid != cfg.targ_tgid)
		return false;
	if (cfg.targ_pid && p->pid != cfg.targ_pid)
		return false;
	return true;
}

static __always_inline void enqueue(struct task_struct *p, __u64 now)
{
	if (!storage_put(p, now))
		count(RQS_LOST_STORAGE);
}

/* Waking the reader costs an irq_work, a self-IPI: under virtualisation a VM
 * exit, several microseconds here: more than all the rest of a report.
 * Reports do not wake it; the frontend collects them every RQS_POLL_MS. Only
 * a ring buffer filling up faster than that forces a wakeup. */
static __noinline void report(struct task_struct *prev, struct task_struct *next,
			      __u64 delta_ns)
{
	__u64 flags = BPF_RB_NO_WAKEUP;
	struct rqs_event *e;

	count(RQS_OVER_THRESHOLD);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(RQS_LOST_RINGBUF);
		return;
	}
	e->delta_ns = delta_ns;
	e->pid = next->pid;
	bpf_probe_read_kernel(e->task, sizeof(e->task), next->comm);
	if (cfg.previous) {
		e->prev_pid = prev->pid;
		bpf_probe_read_kernel(e->prev_task, sizeof(e->prev_task), prev->comm);
	} else {
		e->prev_pid = 0;
		e->prev_task[0] = '\0';
	}
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= RQS_RINGBUF_WAKEUP_BYTES)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	if (traced(p))
		enqueue(p, rq_clock_of(p));
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	if (traced(p))
		enqueue(p, rq_clock_of(p));
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u64 now = 0, ts;
	__s64 delta;

	/* Switched out but still runnable: it waits on the run queue again. */
	if ((preempt || task_is_running(prev)) && prev->pid && traced(prev)) {
		now = rq_clock_of(prev);
		enqueue(prev, now);
	}

	if (!next->pid || !traced(next))
		return 0;
	/* Read before the lookup, not after: these loads hit cache lines the
	 * scheduler has just written and overlap with the helper call, where
	 * after it they would add to it. */
	if (!now)
		now = rq_clock_of(next);
	ts = storage_take(next);
	if (!ts)
		return 0;
	/* signed: per-CPU clocks may differ slightly after a migration */
	delta = now - ts;
	if (delta < 0 || delta < (__s64)cfg.min_ns)
		return 0;
	report(prev, next, delta);
	return 0;
}
