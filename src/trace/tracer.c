// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The libbpf skeleton lifecycle for either storage mode. The two skeletons
 * are built from one BPF source and differ only in the "start" map. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/version.h"
#include "trace/kernel_probe.h"
#include "trace/program_table.h"
#include "trace/tracer.h"
#include "runqslower_task.skel.h"
#include "runqslower_hash.skel.h"
#include "prefill.skel.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, RQS_NAME ": %s: %s\n", what, strerror(-err));
	return err;
}

static int open_skeleton(struct tracer *t, struct rqs_config **cfg)
{
	if (t->mode == STORAGE_TASK) {
		t->task_skel = runqslower_task_bpf__open();
		if (!t->task_skel)
			return -errno;
		t->obj = t->task_skel->obj;
		*cfg = &t->task_skel->rodata->cfg;
		t->start = t->task_skel->maps.start;
		t->counters = t->task_skel->maps.counters;
		t->hist_cpu = t->task_skel->maps.hist_cpu;
		t->hist_keyed = t->task_skel->maps.hist_keyed;
	} else {
		t->hash_skel = runqslower_hash_bpf__open();
		if (!t->hash_skel)
			return -errno;
		t->obj = t->hash_skel->obj;
		*cfg = &t->hash_skel->rodata->cfg;
		t->start = t->hash_skel->maps.start;
		t->counters = t->hash_skel->maps.counters;
		t->hist_cpu = t->hash_skel->maps.hist_cpu;
		t->hist_keyed = t->hash_skel->maps.hist_keyed;
	}
	return 0;
}

static int load_skeleton(struct tracer *t)
{
	if (t->task_skel)
		return runqslower_task_bpf__load(t->task_skel);
	return runqslower_hash_bpf__load(t->hash_skel);
}

static int attach_skeleton(struct tracer *t)
{
	if (t->task_skel)
		return runqslower_task_bpf__attach(t->task_skel);
	return runqslower_hash_bpf__attach(t->hash_skel);
}

static int events_fd(const struct tracer *t)
{
	if (t->task_skel)
		return bpf_map__fd(t->task_skel->maps.events);
	return bpf_map__fd(t->hash_skel->maps.events);
}

/* Task mode: give existing tasks their storage now, from a task iterator
 * (see bpf/prefill.bpf.c): the sleepable one, or where the kernel refuses
 * it, the atomic one. Without cfg.hot_create (before Linux 6.4) the tracing
 * programs never create storage: what this cannot do is said, those tasks
 * are not traced. With it, their first wakeup creates it (a failure is
 * counted there). */
static int prefill_load(struct tracer *t, const struct rqs_config *cfg, bool sleepable,
			struct prefill_bpf **skelp)
{
	struct prefill_bpf *skel = prefill_bpf__open();
	int err;

	*skelp = skel;
	if (!skel)
		return errno ? -errno : -ENOMEM;
	/* the same filter as the tracing programs' */
	skel->rodata->cfg = *cfg;
	bpf_program__set_autoload(skel->progs.prefill, sleepable);
	bpf_program__set_autoload(skel->progs.prefill_atomic, !sleepable);
	err = bpf_map__reuse_fd(skel->maps.start, bpf_map__fd(t->start));
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.noted_wakers,
					bpf_map__fd(t->task_skel->maps.noted_wakers));
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.blame_moves,
					bpf_map__fd(t->task_skel->maps.blame_moves));
	if (!err)
		err = prefill_bpf__load(skel);
	return err;
}

static void prefill_task_storage(struct tracer *t, const struct rqs_config *cfg)
{
	struct bpf_link *link = NULL;
	struct prefill_bpf *skel;
	bool sleepable = true;
	const char *what;
	char buf[64];
	int fd = -1, err;

	what = "cannot load the prefill iterator";
	err = prefill_load(t, cfg, sleepable, &skel);
	if (err && skel) {
		prefill_bpf__destroy(skel);
		sleepable = false;
		err = prefill_load(t, cfg, sleepable, &skel);
	}
	if (err)
		goto out;
	what = "cannot attach the prefill iterator";
	link = bpf_program__attach_iter(sleepable ? skel->progs.prefill :
					skel->progs.prefill_atomic, NULL);
	if (!link) {
		err = -errno;
		goto out;
	}
	what = "cannot run the prefill iterator";
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while ((err = read(fd, buf, sizeof(buf))) > 0)
		;
	if (err < 0) {
		err = -errno;
		goto out;
	}
	t->prefilled = skel->bss->created;
	if (skel->bss->failed && !t->hot_create)
		fprintf(stderr, RQS_NAME ": notice: %llu threads that existed at start are not traced: their task storage could not be allocated\n",
			(unsigned long long)skel->bss->failed);
out:
	if (err && !t->hot_create)
		fprintf(stderr, RQS_NAME ": notice: threads that existed at start are not traced: %s: %s\n",
			what, strerror(-err));
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	prefill_bpf__destroy(skel);
}

/* Task mode: storage for the tasks born from now on, before the prefill
 * iterator runs (see bpf/runqslower.bpf.c). The skeleton's attach keeps
 * this link. */
static int attach_storage_at_fork(struct tracer *t)
{
	struct bpf_link *link;

	link = bpf_program__attach(t->task_skel->progs.storage_task_newtask);
	if (!link)
		return -errno;
	t->task_skel->links.storage_task_newtask = link;
	return 0;
}

static int batch_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	int err = t->on_event(t->on_event_ctx, data, size);

	if (err < 0)
		return err;
	if (!--t->batch_left || (t->stop && *t->stop)) {
		t->cut = true;
		return -ECANCELED;
	}
	return 0;
}

int tracer_start(struct tracer *t, const struct plan *plan,
		 ring_buffer_sample_fn on_event, void *ctx)
{
	struct rqs_config *cfg;
	char what[160];
	int err;

	*t = (struct tracer){ .mode = plan->storage };
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus < 0)
		return fail("cannot count possible CPUs", t->ncpus);

	err = open_skeleton(t, &cfg);
	if (err) {
		fail("cannot open BPF object", err);
		goto out;
	}
	*cfg = plan->cfg;
	if (t->mode == STORAGE_TASK)
		cfg->hot_create = t->hot_create = task_storage_alloc_any_context();
	err = programs_select(t->obj, plan->programs);
	if (err)
		goto out;
	err = bpf_map__set_max_entries(bpf_object__find_map_by_name(t->obj, "events"),
				       plan->ringbuf_bytes);
	if (err) {
		fail("cannot size the ring buffer", err);
		goto out;
	}
	err = bpf_map__set_max_entries(t->hist_keyed, plan->hist_keys);
	if (!err && plan->hist_key_size)
		err = bpf_map__set_key_size(t->hist_keyed, plan->hist_key_size);
	if (!err)
		err = bpf_map__set_value_size(t->hist_keyed, plan->cfg.hist_halves *
					      sizeof(struct rqs_hist_gen));
	if (!err)
		err = bpf_map__set_value_size(t->hist_cpu, plan->cfg.hist_halves *
					      sizeof(struct rqs_hist_gen));
	if (err) {
		fail("cannot size the histogram map", err);
		goto out;
	}
	err = bpf_map__set_max_entries(bpf_object__find_map_by_name(t->obj, "blame_pairs"),
				       plan->summary.blame_cgroup ? plan->summary.max_keys : 1);
	if (!err)
		err = bpf_map__set_value_size(bpf_object__find_map_by_name(t->obj, "blame_pairs"),
					      plan->cfg.hist_halves * sizeof(__u64));
	if (!err)
		err = bpf_map__set_value_size(bpf_object__find_map_by_name(t->obj,
									   "blame_overflow"),
					      plan->cfg.hist_halves * sizeof(__u64));
	if (err) {
		fail("cannot size the blame map", err);
		goto out;
	}
	if (t->mode == STORAGE_HASH) {
		err = bpf_map__set_max_entries(bpf_object__find_map_by_name(t->obj, "wakers"),
					       plan->hash_entries);
		if (!err)
			err = bpf_map__set_max_entries(t->start, plan->hash_entries);
		if (!err)
			err = bpf_map__set_max_entries(bpf_object__find_map_by_name(t->obj, "blame_moves"),
						       plan->hash_entries);
		if (err) {
			fail("cannot size the hash map", err);
			goto out;
		}
	}

	err = load_skeleton(t);
	if (err) {
		if (t->mode == STORAGE_HASH && (err == -E2BIG || err == -ENOMEM)) {
			snprintf(what, sizeof(what),
				 "cannot create a hash map of %u entries: %s",
				 plan->hash_entries, err == -E2BIG ?
				 "more than the kernel allows" : strerror(-err));
			fprintf(stderr, RQS_NAME ": %s\n", what);
		} else if (bpf_feature_missing(err) && ringbuf_missing()) {
			fprintf(stderr, RQS_NAME ": cannot create the event ring buffer: this kernel has no BPF ring buffer (needs Linux 5.8)\n");
		} else {
			fail("cannot load BPF programs (-v shows libbpf's log)", err);
		}
		goto out;
	}
	/* the skeleton maps .bss at load */
	t->hist_gen = t->task_skel ? &t->task_skel->bss->hist_gen : &t->hash_skel->bss->hist_gen;
	/* before the tracing programs, so that a burst right after their
	 * attach finds storage */
	if (t->mode == STORAGE_TASK) {
		err = attach_storage_at_fork(t);
		if (err) {
			fail("cannot attach BPF programs", err);
			goto out;
		}
		prefill_task_storage(t, &plan->cfg);
	}
	err = attach_skeleton(t);
	if (err) {
		fail("cannot attach BPF programs", err);
		goto out;
	}
	t->on_event = on_event;
	t->on_event_ctx = ctx;
	t->batch = plan->ringbuf_bytes / ((plan->event_size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL);
	if (!t->batch)
		t->batch = 1;
	t->rb = ring_buffer__new(events_fd(t), batch_event, t, NULL);
	if (!t->rb) {
		err = fail("cannot create ring buffer", -errno);
		goto out;
	}
	return 0;
out:
	tracer_stop(t);
	return err;
}

/* The programs wake the reader only when the ring buffer is half full (see
 * bpf/runqslower.bpf.c): after a timeout, take what is there anyway.
 * libbpf (1.1 at least; ring_buffer__consume_n() came in 1.4) goes on
 * reading for as long as the programs keep writing, so a reader slower
 * than they (a slow terminal, valgrind) would never return: each poll ends
 * after one buffer's worth, or at a signal. The sample that ends it has
 * been handled, and libbpf has moved past it, before the error stops the
 * read. */
int tracer_poll(struct tracer *t, int timeout_ms, const volatile sig_atomic_t *stop)
{
	int err;

	t->batch_left = t->batch;
	t->cut = false;
	t->stop = stop;
	err = ring_buffer__poll(t->rb, timeout_ms);
	if (err >= 0 && !t->cut)
		err = ring_buffer__consume(t->rb);
	if (err < 0 && !(err == -ECANCELED && t->cut))
		return err;
	return (int)(t->batch - t->batch_left);
}

int tracer_epoll_fd(const struct tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int tracer_read_counters(const struct tracer *t, __u64 totals[RQS_NR_COUNTERS])
{
	__u64 *percpu = calloc(t->ncpus, sizeof(*percpu));
	int err = 0;

	if (!percpu)
		return -ENOMEM;
	for (__u32 i = 0; i < RQS_NR_COUNTERS; i++) {
		totals[i] = 0;
		if (bpf_map_lookup_elem(bpf_map__fd(t->counters), &i, percpu)) {
			err = -errno;
			break;
		}
		for (int cpu = 0; cpu < t->ncpus; cpu++)
			totals[i] += percpu[cpu];
	}
	free(percpu);
	return err;
}

/* The reverse of attach, which takes the object's order (sched_switch
 * first, see bpf/runqslower.bpf.c): every program but sched_switch's, then
 * sched_switch's. In the skeleton's own order (libbpf's detach) the wakeup
 * programs outlive sched_switch's for as long as detaching takes, and a
 * task woken twice meanwhile had its first wakeup recorded and its
 * switch-in unseen: counted as a missed switch-in, a loss that never was
 * (11 to 20 a run in an emulated 6.12 guest). */
static void detach_programs(struct bpf_object_skeleton *s)
{
	for (int sched_switch = 0; sched_switch <= 1; sched_switch++) {
		for (int i = 0; i < s->prog_cnt; i++) {
			struct bpf_prog_skeleton *p =
				(void *)((char *)s->progs + (size_t)i * s->prog_skel_sz);
			const char *sec = bpf_program__section_name(*p->prog);

			if ((strcmp(sec, "tp_btf/sched_switch") == 0) != sched_switch)
				continue;
			bpf_link__destroy(*p->link);
			*p->link = NULL;
		}
	}
}

void tracer_detach(struct tracer *t)
{
	if (t->task_skel)
		detach_programs(t->task_skel->skeleton);
	if (t->hash_skel)
		detach_programs(t->hash_skel->skeleton);
	/* A detached program may still be running on another CPU: the
	 * tracepoint drops it only after an RCU grace period, which this
	 * membarrier command waits for (synchronize_rcu()). It refuses on
	 * nohz_full kernels: wait 10 ms, far longer than a program runs. */
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
}

/* A tracing program runs inside rcu_read_lock() (__bpf_trace_run(),
 * kernel/trace/bpf_trace.c), preemptible or not, and
 * membarrier(MEMBARRIER_CMD_GLOBAL) is one RCU grace period
 * (synchronize_rcu(), kernel/sched/membarrier.c). It refuses on nohz_full
 * kernels: then this thread runs on each CPU in turn. sched_switch is traced
 * in __schedule() with the run-queue lock held, a raw spinlock taken with
 * interrupts off even on PREEMPT_RT: once this thread has been switched in
 * on a CPU, every run begun there before has ended. A CPU this thread may
 * not use (its cpuset) leaves only a wait of 10 ms, far longer than a run. */
void tracer_wait_switch_runs(void)
{
	cpu_set_t old, one;
	int reached = 0;

	if (!syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		return;
	if (sched_getaffinity(0, sizeof(old), &old)) {
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
		return;
	}
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		/* returns on that CPU, or fails where it is offline */
		reached += !sched_setaffinity(0, sizeof(one), &one);
	}
	sched_setaffinity(0, sizeof(old), &old);
	if (reached < get_nprocs())
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
}

void tracer_stop(struct tracer *t)
{
	ring_buffer__free(t->rb);
	runqslower_task_bpf__destroy(t->task_skel);
	runqslower_hash_bpf__destroy(t->hash_skel);
	*t = (struct tracer){ .mode = t->mode };
}
