// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * storm: scheduler loads for the stress tests.
 *
 *   storm fork -n TASKS [-j PARALLEL]    TASKS short-lived processes, at most
 *                                        PARALLEL (default 64) alive at once;
 *                                        each exits at once
 *   storm spin -n THREADS -t SECONDS     THREADS runnable CPU-bound threads,
 *                                        created first, then all spinning
 *                                        for SECONDS, then all stop
 *
 * stdout, one line at the end:
 *   storm fork tasks=N seconds=S tasks_per_sec=R
 *   storm spin threads=N seconds=S
 * Exit status: 0; 1 on a system error (one "storm: what: strerror" line);
 * 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOOL_NAME "storm"
static const char usage_text[] =
	"usage: storm fork -n TASKS [-j PARALLEL] | storm spin -n THREADS -t SECONDS";
#include "cli.h"

static atomic_bool stop;
static pthread_barrier_t ready;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "storm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fork_storm(long tasks, long parallel)
{
	long started = 0, alive = 0;
	double t0 = now(), secs;
	pid_t pid;

	while (started < tasks || alive > 0) {
		while (started < tasks && alive < parallel) {
			pid = fork();
			if (pid < 0) {
				if (errno == EAGAIN && alive > 0)
					break;
				die("fork");
			}
			if (pid == 0)
				_exit(0);
			started++;
			alive++;
		}
		if (wait(NULL) > 0)
			alive--;
		else if (errno != EINTR)
			die("wait");
	}
	secs = now() - t0;
	printf("storm fork tasks=%ld seconds=%.2f tasks_per_sec=%.0f\n", tasks, secs,
	       tasks / secs);
}

static void *spinner(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	/* all created before any spins: else creating them takes ages */
	pthread_barrier_wait(&ready);
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		n++;
	return NULL;
}

static void spin(long threads, long seconds)
{
	pthread_t *t = calloc(threads, sizeof(*t));
	pthread_attr_t attr;
	long i;

	if (!t)
		die("calloc");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_barrier_init(&ready, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		errno = pthread_create(&t[i], &attr, spinner, NULL);
		if (errno)
			die("pthread_create");
	}
	pthread_barrier_wait(&ready);
	sleep(seconds);
	atomic_store(&stop, true);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("storm spin threads=%ld seconds=%ld\n", threads, seconds);
	free(t);
}

int main(int argc, char **argv)
{
	long n = 0, parallel = 64, seconds = 0;
	const char *mode;
	int c;

	if (argc < 2)
		bad_usage(NULL, NULL);
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "n:j:t:")) != -1) {
		switch (c) {
		case 'n': n = parse_number(optarg, "-n", 1, 10000000); break;
		case 'j': parallel = parse_number(optarg, "-j", 1, 100000); break;
		case 't': seconds = parse_number(optarg, "-t", 1, 3600); break;
		default: bad_option("unknown option", optopt);
		}
	}
	if (!n)
		bad_usage("missing", "-n");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "fork"))
		fork_storm(n, parallel);
	else if (!strcmp(mode, "spin") && seconds)
		spin(n, seconds);
	else
		bad_usage("bad mode or missing -t", mode);
	return 0;
}
