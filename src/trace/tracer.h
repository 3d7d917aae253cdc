/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_TRACER_H
#define RQS_TRACER_H

#include <signal.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "../../bpf/runqslower.h"
#include "../../bpf/histogram.h"
#include "cli/plan.h"
#include "common/storage_mode.h"

struct runqslower_task_bpf;
struct runqslower_hash_bpf;

/* The BPF side of one run: open, configure, load, attach, poll, destroy. */
struct tracer {
	enum storage_mode mode; /* task or hash, never auto */
	struct runqslower_task_bpf *task_skel;
	struct runqslower_hash_bpf *hash_skel;
	struct bpf_object *obj;
	struct bpf_map *start;	  /* where enqueue timestamps live */
	struct bpf_map *counters; /* enum rqs_counter, per CPU */
	struct bpf_map *hist_cpu, *hist_keyed; /* -s: bpf/histogram.bpf.h */
	__u32 *hist_gen;
	struct ring_buffer *rb;
	ring_buffer_sample_fn on_event;
	void *on_event_ctx;
	unsigned int batch;	 /* the most events one tracer_poll() takes */
	unsigned int batch_left;
	bool cut;		 /* that poll ended early: the bound, or @stop */
	const volatile sig_atomic_t *stop;
	int ncpus;
	unsigned long long prefilled; /* task mode: tasks given storage at start */
	bool hot_create;	/* task mode: cfg.hot_create */
};

/* Prints one line on stderr and returns a negative errno on failure, with
 * nothing left loaded or attached. */
int tracer_start(struct tracer *t, const struct plan *plan,
		 ring_buffer_sample_fn on_event, void *ctx);
/* Takes at most one ring buffer's worth of events, and none after the
 * one during which *@stop became set (NULL: no such check), so that a
 * reader slower than the programs still returns to its loop and sees a
 * signal. Returns the number of events taken, or a negative errno. */
int tracer_poll(struct tracer *t, int timeout_ms, const volatile sig_atomic_t *stop);
/* An epoll fd that is readable when the ring buffer wakes its reader. */
int tracer_epoll_fd(const struct tracer *t);
int tracer_read_counters(const struct tracer *t, __u64 totals[RQS_NR_COUNTERS]);
/* Detaches the programs and waits until none runs any more: the counters
 * and the ring buffer then hold their final values. */
void tracer_detach(struct tracer *t);
/* Returns once every run of the sched_switch program begun before the call
 * has ended, with its stores seen by the caller. */
void tracer_wait_switch_runs(void);
void tracer_stop(struct tracer *t);

#endif
