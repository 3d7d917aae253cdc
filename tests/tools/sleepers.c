// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sleepers: N live threads that sleep and wake at a steady total rate.
 *
 *   sleepers -n THREADS -r WAKEUPS_PER_SEC -t SECONDS [-b] [-w WORK_US] [-s DELAY_MS]
 *
 * -s waits DELAY_MS before creating the threads (a tracer started with -p
 * meanwhile sees them born).
 * Each thread sleeps to an absolute deadline (its period is THREADS/RATE s;
 * threads are staggered evenly over the period, or with -b all wake at the
 * same deadline: a thundering herd that queues every thread at once), then
 * spins WORK_US (default 0) and counts a wakeup. Prints at the end:
 * "sleepers threads=N seconds=S wakeups=W wakeups_per_sec=R late_us_p50=A
 * late_us_p99=B" where lateness is the time from deadline to running. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define HIST_BUCKETS 64 /* log2 buckets of lateness in ns */

static long long period_ns, start_ns, end_ns, work_ns;
static int nthreads, burst;
static pthread_barrier_t barrier;
static atomic_ullong wakeups;
static atomic_ullong hist[HIST_BUCKETS];

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *sleeper(void *arg)
{
	long idx = (long)arg;
	long long next, late, t;
	unsigned long long n = 0;
	struct timespec ts;

	pthread_barrier_wait(&barrier);
	next = start_ns + (burst ? 0 : period_ns * idx / nthreads);
	while (next < end_ns) {
		ts.tv_sec = next / 1000000000LL;
		ts.tv_nsec = next % 1000000000LL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		t = now_ns();
		late = t - next;
		atomic_fetch_add_explicit(&hist[late > 0 ? 63 - __builtin_clzll((unsigned long long)late) : 0],
					  1, memory_order_relaxed);
		while (work_ns && now_ns() - t < work_ns)
			;
		n++;
		next += period_ns;
	}
	atomic_fetch_add(&wakeups, n);
	return NULL;
}

/* upper bound of the bucket holding the q-th quantile, in us */
static double quantile_us(double q)
{
	unsigned long long total = 0, seen = 0;

	for (int i = 0; i < HIST_BUCKETS; i++)
		total += hist[i];
	for (int i = 0; i < HIST_BUCKETS; i++) {
		seen += hist[i];
		if (total && seen >= q * total)
			return (double)(2ULL << i) / 1000.0;
	}
	return 0;
}

static long parse(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0) {
		fprintf(stderr, "sleepers: invalid %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long rate = 0, seconds = 0, delay_ms = 0;
	pthread_attr_t attr;
	pthread_t *threads;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	long long t0;
	int c, err, made;

	while ((c = getopt(argc, argv, "n:r:t:bw:s:")) != -1) {
		switch (c) {
		case 'n': nthreads = (int)parse(optarg, "THREADS"); break;
		case 'r': rate = parse(optarg, "WAKEUPS_PER_SEC"); break;
		case 't': seconds = parse(optarg, "SECONDS"); break;
		case 'b': burst = 1; break;
		case 'w': work_ns = parse(optarg, "WORK_US") * 1000LL; break;
		case 's': delay_ms = parse(optarg, "DELAY_MS"); break;
		default:
			fprintf(stderr, "usage: sleepers -n THREADS -r WAKEUPS_PER_SEC -t SECONDS [-b] [-w WORK_US] [-s DELAY_MS]\n");
			return 2;
		}
	}
	if (nthreads < 1 || rate < 1 || seconds < 1) {
		fprintf(stderr, "usage: sleepers -n THREADS -r WAKEUPS_PER_SEC -t SECONDS [-b] [-w WORK_US] [-s DELAY_MS]\n");
		return 2;
	}
	setrlimit(RLIMIT_NPROC, &rl);
	if (delay_ms)
		usleep(delay_ms * 1000);
	period_ns = 1000000000LL * nthreads / rate;
	threads = calloc(nthreads, sizeof(*threads));
	if (!threads) {
		fprintf(stderr, "sleepers: out of memory\n");
		return 1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 32768 < PTHREAD_STACK_MIN ? PTHREAD_STACK_MIN : 32768);
	pthread_barrier_init(&barrier, NULL, nthreads + 1);
	for (made = 0; made < nthreads; made++) {
		err = pthread_create(&threads[made], &attr, sleeper, (void *)(long)made);
		if (err) {
			fprintf(stderr, "sleepers: cannot create thread %d of %d: %s (raise kernel.pid_max / kernel.threads-max)\n",
				made + 1, nthreads, strerror(err));
			_exit(1);
		}
	}
	/* start a little after everyone is through the barrier */
	start_ns = now_ns() + 100000000LL;
	end_ns = start_ns + seconds * 1000000000LL;
	pthread_barrier_wait(&barrier);
	t0 = start_ns;
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	printf("sleepers threads=%d seconds=%.3f wakeups=%llu wakeups_per_sec=%.1f late_us_p50=%.1f late_us_p99=%.1f\n",
	       nthreads, (now_ns() - t0) / 1e9, (unsigned long long)wakeups,
	       wakeups / ((end_ns - start_ns) / 1e9), quantile_us(0.5), quantile_us(0.99));
	free(threads);
	return 0;
}
