// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * forkloop: the cost of creating a task, what task_newtask programs add to.
 *
 *   forkloop -n COUNT [-t]
 *
 * Creates COUNT processes one after the other, each with fork(), the
 * child exiting at once and the parent reaping it with waitpid(); with -t,
 * COUNT threads with pthread_create() and pthread_join() instead. Prints
 *
 *   forkloop count=N threads=0|1 ns_per_task=X
 *
 * X: wall-clock ns per create-and-reap, CLOCK_MONOTONIC. Exit 1 when the
 * system refuses a fork or a thread, 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *nothing(void *arg)
{
	return arg;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long count = 0;
	int threads = 0, opt;
	long long t0, t1;

	while ((opt = getopt(argc, argv, "n:t")) != -1) {
		switch (opt) {
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 't': threads = 1; break;
		default: count = 0; optind = argc; break;
		}
	}
	if (count <= 0 || optind != argc) {
		fprintf(stderr, "usage: forkloop -n COUNT [-t]\n");
		return 2;
	}
	t0 = now_ns();
	for (long i = 0; i < count; i++) {
		if (threads) {
			pthread_t t;
			int err = pthread_create(&t, NULL, nothing, NULL);

			if (err) {
				fprintf(stderr, "forkloop: pthread_create: %s\n", strerror(err));
				return 1;
			}
			pthread_join(t, NULL);
		} else {
			pid_t pid = fork();

			if (pid < 0) {
				fprintf(stderr, "forkloop: fork: %s\n", strerror(errno));
				return 1;
			}
			if (pid == 0)
				_exit(0);
			waitpid(pid, NULL, 0);
		}
	}
	t1 = now_ns();
	printf("forkloop count=%ld threads=%d ns_per_task=%.0f\n", count, threads,
	       (double)(t1 - t0) / count);
	return 0;
}
