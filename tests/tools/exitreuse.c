// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * exitreuse: a task runs instead of a waiter, exits, and its task_struct is
 * freed and perhaps given to a new thread, all before the waiter runs.
 *
 *   exitreuse [-c CPU] [-s]
 *
 * Every thread is pinned to CPU (default: the last one). The main thread,
 * SCHED_FIFO 50, makes:
 *   spinner  SCHED_FIFO 10: spins until told to stop, holding the CPU
 *            whenever the main thread sleeps
 *   waiter   SCHED_OTHER: queued from its creation, runs only when no
 *            SCHED_FIFO thread is left to run (last)
 *   culprit  SCHED_FIFO 60, named "culprit": spins 3 ms and exits
 * then waits for an RCU grace period (membarrier MEMBARRIER_CMD_GLOBAL) and
 * 30 ms more, so that the culprit's task_struct is freed (it is freed from
 * an RCU callback, on this CPU), names itself "newborn" and makes two
 * threads that exit at once: the first of them most likely gets the
 * culprit's task_struct (the slab hands out the object freed last on the
 * CPU first). With -s they are processes instead, made by clone3() with
 * the culprit's own TID (set_tid, Linux 5.5, CAP_SYS_ADMIN): the same
 * memory and the same TID, only start_time tells them apart. Then it stops
 * the spinner, and the waiter runs. Prints "waiter_tid=N culprit_tid=N" at
 * the end, with -s "newborn_us=N" between: the most the two processes can
 * have run, in all (rounded up).
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOOL_NAME "exitreuse"
static const char usage_text[] = "usage: exitreuse [-c CPU] [-s]";
#include "cli.h"

static atomic_int stop;
static atomic_int waiter_tid, culprit_tid;

static _Noreturn void die(const char *what, int err)
{
	fprintf(stderr, "exitreuse: %s: %s\n", what, strerror(err));
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *spinner(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		;
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	atomic_store(&waiter_tid, (int)gettid());
	return NULL;
}

static void *culprit(void *arg)
{
	double t0 = now_ms();

	(void)arg;
	prctl(PR_SET_NAME, "culprit");
	atomic_store(&culprit_tid, (int)gettid());
	while (now_ms() - t0 < 3)
		;
	return NULL;
}

static void *newborn(void *arg)
{
	return arg;
}

/* A process of TID @tid that exits at once; the TID may still be on its
 * way to being freed (the culprit's release_task()): tried for 100 ms.
 * Returns how long it took in us, from the clone3() that made it to the
 * waitpid() that reaped it: the most it can have run. */
static double newborn_with_tid(pid_t tid)
{
	struct clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&tid,
		.set_tid_size = 1,
	};
	long pid = -1;
	double t0 = 0;
	int status;

	for (int i = 0; i < 100; i++) {
		t0 = now_ms();
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid == 0)
			_exit(0);
		if (pid > 0 || errno != EEXIST)
			break;
		usleep(1000);
	}
	if (pid < 0)
		die("clone3 with the culprit's TID", errno);
	if (waitpid((pid_t)pid, &status, 0) < 0)
		die("waitpid", errno);
	return (now_ms() - t0) * 1000;
}

static pthread_t spawn(void *(*fn)(void *), int policy, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t a;
	pthread_t t;
	int err;

	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, policy);
	pthread_attr_setschedparam(&a, &sp);
	err = pthread_create(&t, &a, fn, NULL);
	if (err)
		die("pthread_create", err);
	pthread_attr_destroy(&a);
	return t;
}

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 50 };
	int cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1, opt, same_tid = 0;
	double newborn_us = 0;
	pthread_t s, w, c;
	cpu_set_t set;

	while ((opt = getopt(argc, argv, "c:s")) != -1) {
		if (opt == 'c')
			cpu = (int)parse_number(optarg, "CPU", 0, CPU_SETSIZE - 1);
		else if (opt == 's')
			same_tid = 1;
		else
			bad_option("unknown option", optopt);
	}
	if (optind != argc)
		bad_usage("unexpected argument", argv[optind]);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", errno);
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		die("sched_setscheduler", errno);
	prctl(PR_SET_NAME, "exitreuse");
	s = spawn(spinner, SCHED_FIFO, 10);
	w = spawn(waiter, SCHED_OTHER, 0);
	c = spawn(culprit, SCHED_FIFO, 60);
	pthread_join(c, NULL);
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(100000);
	usleep(30000);
	prctl(PR_SET_NAME, "newborn");
	for (int i = 0; i < 2; i++) {
		if (same_tid)
			newborn_us += newborn_with_tid(atomic_load(&culprit_tid));
		else
			pthread_join(spawn(newborn, SCHED_FIFO, 60), NULL);
	}
	atomic_store(&stop, 1);
	pthread_join(s, NULL);
	pthread_join(w, NULL);
	printf("waiter_tid=%d", atomic_load(&waiter_tid));
	if (same_tid)
		printf(" newborn_us=%.0f", newborn_us + 1);
	printf(" culprit_tid=%d\n", atomic_load(&culprit_tid));
	return 0;
}
