// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * selfwake: short-lived threads whose last wakeup finds them still on their
 * CPU. Each thread sleeps 1 ns again and again (timer slack 1 ns): the
 * timer interrupt often comes before the thread has left its CPU, and wakes
 * it where it is (try_to_wake_up() of current: sched_waking and
 * sched_wakeup, but no wait). A sleep that returns with neither a voluntary
 * nor an involuntary switch was such a "hit"; the thread then exits at once.
 *
 *   selfwake -n THREADS [-j PARALLEL] [-a ATTEMPTS]
 *
 * THREADS threads in all, PARALLEL (default 4) at a time; a thread gives up
 * after ATTEMPTS sleeps (default 100000) without a hit.
 * stdout, one line at the end: "selfwake threads=N hits=H tids=T1,T2,..."
 * (the TIDs of the threads that exited right after a hit).
 * Exit status: 0; 1 on a system error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] = "usage: selfwake -n THREADS [-j PARALLEL] [-a ATTEMPTS]";

#define TOOL_NAME "selfwake"
#include "cli.h"

#define MAX_PARALLEL 64

static long attempts = 100000;

static void *sleeper(void *arg)
{
	const struct timespec ns = { 0, 1 };
	struct rusage a, b;

	(void)arg;
	if (prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0)) {
		fprintf(stderr, TOOL_NAME ": prctl: %s\n", strerror(errno));
		exit(1);
	}
	for (long i = 0; i < attempts; i++) {
		getrusage(RUSAGE_THREAD, &a);
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ns, NULL);
		getrusage(RUSAGE_THREAD, &b);
		if (a.ru_nvcsw == b.ru_nvcsw && a.ru_nivcsw == b.ru_nivcsw)
			return (void *)(long)gettid();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long threads = -1, parallel = 4, hits = 0;
	pthread_t t[MAX_PARALLEL];
	int opt, err;
	char *tids;
	size_t len = 0;
	FILE *out;

	while ((opt = getopt(argc, argv, ":n:j:a:")) != -1) {
		switch (opt) {
		case 'n': threads = parse_number(optarg, "THREADS", 1, 1000000); break;
		case 'j': parallel = parse_number(optarg, "PARALLEL", 1, MAX_PARALLEL); break;
		case 'a': attempts = parse_number(optarg, "ATTEMPTS", 1, 100000000); break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	if (threads < 0 || optind != argc)
		bad_usage(NULL, NULL);
	out = open_memstream(&tids, &len);
	if (!out) {
		fprintf(stderr, TOOL_NAME ": open_memstream: %s\n", strerror(errno));
		return 1;
	}
	for (long done = 0; done < threads;) {
		long n = threads - done < parallel ? threads - done : parallel;

		for (long i = 0; i < n; i++)
			if ((err = pthread_create(&t[i], NULL, sleeper, NULL))) {
				fprintf(stderr, TOOL_NAME ": pthread_create: %s\n", strerror(err));
				return 1;
			}
		for (long i = 0; i < n; i++) {
			void *tid;

			pthread_join(t[i], &tid);
			if (tid)
				fprintf(out, "%s%ld", hits++ ? "," : "", (long)tid);
		}
		done += n;
	}
	fclose(out);
	printf("selfwake threads=%ld hits=%ld tids=%s\n", threads, hits, tids);
	free(tids);
	return 0;
}
