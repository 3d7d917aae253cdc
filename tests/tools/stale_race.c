// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * stale_race: src/trace/stale_entries.c's count against a real BPF hash map that another
 * thread changes all the time, as the tracer's programs do.
 *
 *   stale_race [-s STALE] [-l LIVE] [-n COUNTS]
 *
 * The map holds STALE keys no thread can have (above PID_MAX_LIMIT) and
 * LIVE keys of this process's own sleeping threads, which a churn thread
 * deletes and inserts again without pause. Each of COUNTS counts must find
 * exactly STALE stale entries and at most STALE + LIVE entries. Prints
 * "ok counts=N min_entries=A max_entries=B" or one "stale_race: ..." line
 * on a wrong count (exit 1); exit 2 on bad usage. Needs CAP_BPF.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "../../src/trace/stale_entries.h"

static const char usage_text[] = "usage: stale_race [-s STALE] [-l LIVE] [-n COUNTS]";

#define TOOL_NAME "stale_race"
#include "cli.h"

#define PID_MAX_LIMIT (4 * 1024 * 1024)
#define MAX_LIVE 1000

static int map_fd;
static long n_live;
static __u32 live_tids[MAX_LIVE];
static _Atomic int stop, live_started;

static void *sleeper(void *arg)
{
	live_tids[(long)arg] = (__u32)gettid();
	atomic_fetch_add(&live_started, 1);
	while (!atomic_load(&stop))
		pause();
	return NULL;
}

static void *churn(void *unused)
{
	__u64 value = 1;

	(void)unused;
	while (!atomic_load(&stop))
		for (long i = 0; i < n_live; i++) {
			bpf_map_delete_elem(map_fd, &live_tids[i]);
			bpf_map_update_elem(map_fd, &live_tids[i], &value, BPF_ANY);
		}
	return NULL;
}

int main(int argc, char **argv)
{
	long n_stale = 40, counts = 200;
	unsigned long long min_entries = ~0ULL, max_entries = 0;
	pthread_t churner, sleepers[MAX_LIVE];
	struct stale_count sc;
	__u64 value = 1;
	int opt, err;

	n_live = 500;
	while ((opt = getopt(argc, argv, ":s:l:n:h")) != -1) {
		switch (opt) {
		case 's': n_stale = parse_number(optarg, "STALE", 0, 100000); break;
		case 'l': n_live = parse_number(optarg, "LIVE", 1, MAX_LIVE); break;
		case 'n': counts = parse_number(optarg, "COUNTS", 1, 100000); break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	map_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "stale_race", sizeof(__u32),
				sizeof(__u64), (__u32)(n_stale + n_live), NULL);
	if (map_fd < 0) {
		fprintf(stderr, "stale_race: cannot create a hash map: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < n_stale; i++) {
		__u32 key = PID_MAX_LIMIT + 1 + (__u32)i;

		if (bpf_map_update_elem(map_fd, &key, &value, BPF_NOEXIST)) {
			fprintf(stderr, "stale_race: cannot fill the map: %s\n", strerror(errno));
			return 1;
		}
	}
	for (long i = 0; i < n_live; i++)
		if ((err = pthread_create(&sleepers[i], NULL, sleeper, (void *)i))) {
			fprintf(stderr, "stale_race: pthread_create: %s\n", strerror(err));
			return 1;
		}
	while (atomic_load(&live_started) < n_live)
		usleep(1000);
	if ((err = pthread_create(&churner, NULL, churn, NULL))) {
		fprintf(stderr, "stale_race: pthread_create: %s\n", strerror(err));
		return 1;
	}
	for (long c = 0; c < counts; c++) {
		if ((err = count_stale_entries(map_fd, (unsigned int)(n_stale + n_live), sizeof(__u64), &sc))) {
			fprintf(stderr, "stale_race: count %ld failed: %s\n", c + 1, strerror(-err));
			return 1;
		}
		if (sc.stale != (unsigned long long)n_stale || !sc.stale_known ||
		    sc.entries > (unsigned long long)(n_stale + n_live)) {
			fprintf(stderr, "stale_race: count %ld of %ld: %llu stale in %llu entries, want %ld stale in at most %ld\n",
				c + 1, counts, sc.stale, sc.entries, n_stale, n_stale + n_live);
			return 1;
		}
		if (sc.entries < min_entries)
			min_entries = sc.entries;
		if (sc.entries > max_entries)
			max_entries = sc.entries;
	}
	atomic_store(&stop, 1);
	pthread_join(churner, NULL);
	printf("ok counts=%ld min_entries=%llu max_entries=%llu\n", counts, min_entries, max_entries);
	/* the sleepers sit in pause(): exit ends them */
	return 0;
}
