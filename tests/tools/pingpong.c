// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pingpong: two threads on two CPUs hand a futex word back and forth. The
 * sleeper (thread 0) waits for it in FUTEX_WAIT; the spinner (thread 1)
 * watches for it, holds it a random 0..3 us, then hands it back with
 * FUTEX_WAKE, so that its wakeup lands at every point of the sleeper's way
 * into schedule(). Now and then it finds the sleeper still on its CPU,
 * queued on the futex but not yet switched out, and wakes it in place
 * (ttwu_runnable()): its FUTEX_WAIT returns 0 with no voluntary switch.
 * The sleeper's wait has a timeout because futex_wait_queue() arms its
 * hrtimer after queuing the task and before schedule(): arming it, which
 * can reprogram the timer hardware, widens that window from a few
 * instructions to most of a microsecond, or more under a hypervisor.
 * After such a "hit" the sleeper sleeps SLEEP_MS, and its next wakeup is an
 * ordinary one. No run-queue wait of theirs is longer than a few hundred
 * us on an idle machine: a tracer that started a wait at the in-place
 * wakeup reports one of SLEEP_MS.
 *
 *   pingpong [-n MAX_EXCHANGES] [-H HITS] [-z SLEEP_MS]
 *
 * Stops after HITS hits (default 3) or MAX_EXCHANGES exchanges.
 * stdout: "pingpong pid=P tids=A,B" first, "done exchanges=N hits=H" last,
 * then " run_delay_us=D,E" where the kernel keeps it: each thread's whole
 * run-queue wait (run_delay, /proc/thread-self/schedstat), read as it ends.
 * Then, for each hit, "hit tid=T from_mono_us=A to_mono_us=B run_delay_us=D":
 * the thread's sleep after it, from before (A, CLOCK_MONOTONIC) to after
 * (B) it, and D, the growth of its run_delay over it: the wait of the
 * wakeup that ended the sleep, by the kernel.
 * Exit status: 0; 1 on a system error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] = "usage: pingpong [-n MAX_EXCHANGES] [-H HITS] [-z SLEEP_MS]";

#define TOOL_NAME "pingpong"
#include "cli.h"

static _Atomic uint32_t ball;	/* even: thread 0 to play, odd: thread 1 */
static _Atomic uint32_t ready;
static _Atomic int tids[2];
static _Atomic long hits, done_exchanges;
static _Atomic int finished;
static long max_exchanges = 5000000, want_hits = 3, sleep_ms = 300;
static long long run_delay[2] = { -1, -1 };
#define MAX_HITS 1000
static struct hit { int tid; long long from_ns, to_ns, delay_ns; } hit_log[MAX_HITS];

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* this thread's run_delay (ns), the second field of schedstat; -1 unknown */
static long long run_delay_ns(void)
{
	long long run_ns, delay_ns;
	FILE *f = fopen("/proc/thread-self/schedstat", "re");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%lld %lld", &run_ns, &delay_ns);
	fclose(f);
	return n == 2 ? delay_ns : -1;
}

#define SPINNER 1
#define HOLD_MAX_NS 3000
#define SPIN_MAX_NS 1000000
#define WAIT_TIMEOUT_NS 200000

static uint32_t next_random(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void hold_ns(long long ns)
{
	long long until = mono_ns() + ns;

	while (mono_ns() < until)
		;
}

/*
 * Watch for the turn for up to SPIN_MAX_NS: true once it came, false to
 * sleep for it instead (the sleeper sleeps SLEEP_MS after each hit).
 */
static int spin_for_turn(long me)
{
	long long until = mono_ns() + SPIN_MAX_NS;

	do {
		for (int i = 0; i < 64; i++)
			if ((atomic_load(&ball) & 1) == (uint32_t)me || atomic_load(&finished))
				return 1;
	} while (mono_ns() < until);
	return 0;
}

static long voluntary_switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw;
}

static long futex_op(_Atomic uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)w, op, val, NULL, NULL, 0);
}

/* FUTEX_WAIT, with a relative timeout unless timeout_ns is 0 */
static long futex_wait_timed(_Atomic uint32_t *w, uint32_t val, long timeout_ns)
{
	struct timespec to = { 0, timeout_ns };

	return syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT_PRIVATE, val,
		       timeout_ns ? &to : NULL, NULL, 0);
}

static void *player(void *arg)
{
	long me = (long)arg;
	cpu_set_t set;
	uint32_t v;
	uint32_t seed = 2463534242u;

	CPU_ZERO(&set);
	CPU_SET((int)me, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "pingpong: sched_setaffinity: %s\n", strerror(errno));
		exit(1);
	}
	atomic_store(&tids[me], gettid());
	atomic_fetch_add(&ready, 1);
	for (;;) {
		int hit = 0;
		long before;

		while (((v = atomic_load(&ball)) & 1) != (uint32_t)me) {
			if (atomic_load(&finished))
				goto out;
			if (me == SPINNER && spin_for_turn(me))
				continue;
			before = voluntary_switches();
			if (futex_wait_timed(&ball, v, me == SPINNER ? 0 : WAIT_TIMEOUT_NS) == 0 &&
			    voluntary_switches() == before)
				hit = 1;
		}
		long slot = hit ? atomic_fetch_add(&hits, 1) : -1;

		if (hit && slot + 1 >= want_hits)
			atomic_store(&finished, 1);
		if (atomic_fetch_add(&done_exchanges, 1) + 1 >= max_exchanges)
			atomic_store(&finished, 1);
		if (me == SPINNER)
			hold_ns(next_random(&seed) % HOLD_MAX_NS);
		atomic_store(&ball, v + 1);
		futex_op(&ball, FUTEX_WAKE_PRIVATE, INT_MAX);
		if (hit) {
			struct hit *h = &hit_log[slot < MAX_HITS ? slot : MAX_HITS - 1];
			long long d0 = run_delay_ns();

			h->tid = gettid();
			h->from_ns = mono_ns();
			usleep(sleep_ms * 1000);
			h->to_ns = mono_ns();
			h->delay_ns = d0 < 0 ? -1 : run_delay_ns() - d0;
		}
		if (atomic_load(&finished)) {
			atomic_fetch_add(&ball, 2); /* both see a change */
			futex_op(&ball, FUTEX_WAKE_PRIVATE, INT_MAX);
			goto out;
		}
	}
out:
	run_delay[me] = run_delay_ns();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	int opt, err;

	while ((opt = getopt(argc, argv, ":n:H:z:h")) != -1) {
		switch (opt) {
		case 'n': max_exchanges = parse_number(optarg, "MAX_EXCHANGES", 1, 1000000000); break;
		case 'H': want_hits = parse_number(optarg, "HITS", 1, MAX_HITS); break;
		case 'z': sleep_ms = parse_number(optarg, "SLEEP_MS", 0, 60000); break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	for (long i = 0; i < 2; i++)
		if ((err = pthread_create(&t[i], NULL, player, (void *)i))) {
			fprintf(stderr, "pingpong: pthread_create: %s\n", strerror(err));
			return 1;
		}
	while (atomic_load(&ready) < 2)
		usleep(1000);
	printf("pingpong pid=%d tids=%d,%d\n", (int)getpid(), atomic_load(&tids[0]),
	       atomic_load(&tids[1]));
	fflush(stdout);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	printf("done exchanges=%ld hits=%ld", atomic_load(&done_exchanges), atomic_load(&hits));
	if (run_delay[0] >= 0 && run_delay[1] >= 0)
		printf(" run_delay_us=%lld,%lld", (run_delay[0] + 500) / 1000,
		       (run_delay[1] + 500) / 1000);
	printf("\n");
	for (long i = 0; i < atomic_load(&hits) && i < MAX_HITS; i++)
		if (hit_log[i].delay_ns >= 0)
			printf("hit tid=%d from_mono_us=%lld to_mono_us=%lld run_delay_us=%lld\n",
			       hit_log[i].tid, hit_log[i].from_ns / 1000, (hit_log[i].to_ns + 999) / 1000,
			       (hit_log[i].delay_ns + 500) / 1000);
	return 0;
}
