// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hot_create: whether the tracing programs create task storage, with
 * cfg.hot_create as the frontend sets it before (0) or since (1) Linux 6.4.
 *
 *   hot_create 0|1
 *
 * Forks a child, then loads the task-storage tracer filtered on it (-p)
 * with its sched_switch, sched_wakeup and sched_wakeup_new programs only:
 * no task_newtask program and no prefill, so the child has no storage.
 * The child then sleeps and wakes 50 times. Prints
 *
 *   storage=yes|no not_recorded=N created_hot=N switch_ins=S seen=V
 *
 * whether the child has storage now (looked up by pidfd), the wakeups the
 * programs could not record, the storage they created, how often the child
 * was switched in meanwhile (its schedstat's run count), and how many of
 * those switch-ins followed an enqueue that tracing programs could see, a
 * wakeup or a switch-out while runnable (enqueue_oracle.bpf.c, attached
 * after the tracer): S less the ones a kernel hid from tracers. One
 * "hot_create: ..." line and exit 1 on failure, 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../bpf/runqslower.h"
#include "../../bpf/histogram.h"
#include "runqslower_task.skel.h"
#include "enqueue_oracle.skel.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

/* the third field of /proc/PID/schedstat: times switched in; ~0 unknown */
static unsigned long long switch_ins(pid_t pid)
{
	unsigned long long on_cpu, waited, runs;
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return ~0ULL;
	n = fscanf(f, "%llu %llu %llu", &on_cpu, &waited, &runs);
	fclose(f);
	return n == 3 ? runs : ~0ULL;
}

/* Waits until @pid sleeps (state S in /proc/PID/stat): blocked on its
 * pipe, not still queued from before the programs were attached. */
static int wait_sleeping(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 10000; i++) {
		f = fopen(path, "r");
		if (!f)
			return -1;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		p = p ? strrchr(buf, ')') : NULL;
		if (p && p[1] == ' ' && p[2] == 'S')
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

static unsigned long long counter(int fd, __u32 i, int ncpus)
{
	unsigned long long total = 0;
	__u64 v[ncpus];

	if (bpf_map_lookup_elem(fd, &i, v))
		return ~0ULL;
	for (int c = 0; c < ncpus; c++)
		total += v[c];
	return total;
}

int main(int argc, char **argv)
{
	struct runqslower_task_bpf *skel = NULL;
	struct enqueue_oracle_bpf *oracle = NULL;
	int go[2], done[2], pidfd = -1, ncpus, rc = 1, found;
	struct rqs_pending value;
	struct bpf_program *prog;
	const char *what = "";
	unsigned long long runs, seen;
	pid_t child;
	char c = 0;

	if (argc != 2 || (strcmp(argv[1], "0") && strcmp(argv[1], "1"))) {
		fprintf(stderr, "usage: hot_create 0|1\n");
		return 2;
	}
	libbpf_set_print(quiet);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0 || pipe(go) || pipe(done)) {
		fprintf(stderr, "hot_create: setup: %s\n", strerror(errno));
		return 1;
	}
	child = fork();
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		for (int i = 0; i < 50; i++)
			nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
		if (write(done[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (child < 0) {
		fprintf(stderr, "hot_create: fork: %s\n", strerror(errno));
		return 1;
	}
	what = "open";
	skel = runqslower_task_bpf__open();
	if (!skel)
		goto fail;
	skel->rodata->cfg.min_ns = 3600ULL * 1000000000ULL;
	skel->rodata->cfg.ntgids = 1;
	skel->rodata->cfg.targ_tgids[0] = child;
	skel->rodata->cfg.hot_create = argv[1][0] == '1';
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);

		bpf_program__set_autoload(prog, !strcmp(name, "handle_sched_switch") ||
					  !strcmp(name, "handle_sched_wakeup") ||
					  !strcmp(name, "handle_sched_wakeup_new"));
	}
	what = "load";
	if (runqslower_task_bpf__load(skel))
		goto fail;
	what = "attach";
	if (runqslower_task_bpf__attach(skel))
		goto fail;
	/* after the tracer: it sees every enqueue this reference sees */
	what = "load the reference programs";
	oracle = enqueue_oracle_bpf__open();
	if (!oracle)
		goto fail;
	oracle->rodata->target_tid = child;
	if (enqueue_oracle_bpf__load(oracle) || enqueue_oracle_bpf__attach(oracle))
		goto fail;
	what = "wait for the child to block";
	if (wait_sleeping(child))
		goto fail;
	what = "read the child's schedstat";
	runs = switch_ins(child);
	if (runs == ~0ULL)
		goto fail;
	/* the reference's count inside the run count's span */
	seen = oracle->bss->seen_switch_ins;
	what = "run the child";
	if (write(go[1], &c, 1) != 1 || read(done[0], &c, 1) != 1)
		goto fail;
	what = "read the child's schedstat";
	seen = oracle->bss->seen_switch_ins - seen;
	runs = switch_ins(child) - runs;
	if (runs > (1ULL << 32))
		goto fail;
	what = "pidfd_open";
	pidfd = syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0)
		goto fail;
	what = "look up the child's storage";
	found = !bpf_map_lookup_elem(bpf_map__fd(skel->maps.start), &pidfd, &value);
	if (!found && errno != ENOENT)
		goto fail;
	printf("storage=%s not_recorded=%llu created_hot=%llu switch_ins=%llu seen=%llu\n",
	       found ? "yes" : "no",
	       counter(bpf_map__fd(skel->maps.counters), RQS_LOST_STORAGE, ncpus),
	       counter(bpf_map__fd(skel->maps.counters), RQS_STORAGE_CREATED_HOT, ncpus), runs, seen);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "hot_create: cannot %s: %s\n", what, strerror(errno));
out:
	if (pidfd >= 0)
		close(pidfd);
	runqslower_task_bpf__destroy(skel);
	enqueue_oracle_bpf__destroy(oracle);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return rc;
}
