// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sleepers: a scheduler load of many live threads that sleep and wake at a
 * steady total rate.
 *
 *   sleepers -n THREADS -r WAKEUPS_PER_SEC -t SECONDS [-b] [-w WORK_US] [-s DELAY_MS]
 *            [-c COMMS] [-S | -P]
 *
 * Each thread sleeps with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) to
 * its next deadline; its period is THREADS / WAKEUPS_PER_SEC seconds and the
 * threads' first deadlines are spread evenly over one period, so the process
 * as a whole wakes WAKEUPS_PER_SEC times a second. On each wakeup a thread
 * does a little arithmetic (plus WORK_US of spinning with -w), records how
 * late it woke against its deadline and counts the wakeup. A deadline already
 * past when the thread is done (an overloaded machine) is skipped, not caught
 * up, so every counted wakeup is a real one.
 *
 *   -b           herd: every thread uses the same deadlines (all wake together)
 *   -w WORK_US   busy work per wakeup, default 0
 *   -c COMMS     thread i names itself "sleeper<i % COMMS>": COMMS distinct COMMs
 *   -s DELAY_MS  wait this long before creating the threads
 *   -S           stop the process (SIGSTOP) before creating the threads,
 *                after -s: it goes on when continued (SIGCONT)
 *   -P           the same, once the threads are created, before the run:
 *                tracers can attach first however long they take
 *
 * All threads are created first (32 KiB stacks) and wait on a barrier; they
 * then run from a common start time for SECONDS. A thread past its last
 * deadline stays alive, blocked, until the run ends; then all stop, are
 * joined, and one line goes to stdout:
 *
 *   sleepers threads=N seconds=S wakeups=W wakeups_per_sec=R late_us_p50=A late_us_p99=B
 *
 * S is the measured length of the run, R = W / S; A and B are percentiles of
 * lateness (wakeup time minus deadline, including the default 50 us timer
 * slack), from a log-linear histogram with 16 buckets per power of two,
 * interpolated within the bucket. Each thread keeps its histogram (2 KiB) on
 * its own stack and adds it to the total when it stops.
 * A note goes to stderr when deadlines were skipped, or when the threads
 * were not all ready by the start time (the first wakeups were then late).
 *
 * Exit status: 0; 1 when the system refuses (e.g. too many threads for
 * kernel.pid_max / kernel.threads-max); 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_SEC 1000000000LL
#define STACK_BYTES (32 * 1024)

/* log-linear histogram of nanoseconds: 2^SUB_BITS buckets per power of two */
#define SUB_BITS 4
#define SUBS (1u << SUB_BITS)
#define NBUCKETS 512	/* covers 0 .. 2^35 ns (34 s); the last bucket takes the rest */

/* deadlines are computed in 128 bits: k * THREADS * 1e9 overflows 64 */
__extension__ typedef __int128 wide;

static const char usage_text[] =
	"usage: sleepers -n THREADS -r WAKEUPS_PER_SEC -t SECONDS [-b] [-w WORK_US] [-s DELAY_MS] [-c COMMS] [-S | -P]";

#define TOOL_NAME "sleepers"
#include "cli.h"

static int nthreads;
static long long rate, start_ns, end_ns, work_ns;
static int herd;
static long long ncomms;
static pthread_barrier_t start_line;
static _Atomic uint32_t stop_now;	/* futex word: threads past their last deadline wait on it */
static _Atomic int started;		/* threads through the barrier and about to sleep */
static _Atomic long long all_started_ns;	/* when the last of them got there */

static pthread_mutex_t totals_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t total_hist[NBUCKETS];
static uint64_t total_wakeups, total_skipped;
static unsigned long work_digest;	/* keeps the per-wakeup arithmetic alive */

static long long clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static void sleep_until(long long when_ns)
{
	struct timespec ts = { .tv_sec = when_ns / NS_PER_SEC, .tv_nsec = when_ns % NS_PER_SEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static unsigned bucket_of(unsigned long long ns)
{
	unsigned top, idx;

	if (ns < SUBS)
		return (unsigned)ns;
	top = 63u - (unsigned)__builtin_clzll(ns);	/* >= SUB_BITS */
	idx = (top - SUB_BITS + 1) * SUBS + (unsigned)((ns >> (top - SUB_BITS)) & (SUBS - 1));
	return idx < NBUCKETS ? idx : NBUCKETS - 1;
}

/* the bucket's range: [*low, *low + *width) nanoseconds */
static void bucket_range(unsigned idx, double *low, double *width)
{
	unsigned group = idx / SUBS, sub = idx % SUBS;

	if (group == 0) {
		*low = idx;
		*width = 1;
		return;
	}
	*width = (double)(1ULL << (group - 1));
	*low = (double)(SUBS + sub) * *width;
}

/* q-quantile in microseconds, linearly interpolated inside its bucket */
static double quantile_us(const uint64_t *hist, uint64_t count, double q)
{
	double rank = q * (double)count, low, width;
	uint64_t below = 0;

	if (!count)
		return 0;
	for (unsigned i = 0; i < NBUCKETS; i++) {
		if (!hist[i])
			continue;
		if ((double)(below + hist[i]) >= rank) {
			bucket_range(i, &low, &width);
			return (low + width * (rank - (double)below) / (double)hist[i]) / 1000.0;
		}
		below += hist[i];
	}
	bucket_range(NBUCKETS - 1, &low, &width);
	return (low + width) / 1000.0;
}

/*
 * Deadline k of thread idx. The process's wakeup slots are 1/rate s apart;
 * thread idx owns slots idx, idx + N, idx + 2N, ... (herd: all threads use
 * slots 0, N, 2N, ...). Computed from the start each time, so the rate does
 * not drift with rounding.
 */
static long long deadline_of(long idx, long long k)
{
	wide slot = (wide)k * nthreads + (herd ? 0 : idx);

	return start_ns + (long long)(slot * NS_PER_SEC / rate);
}

static void *sleeper(void *arg)
{
	long idx = (long)(intptr_t)arg;
	uint32_t hist[NBUCKETS] = { 0 };
	uint64_t wakeups = 0, skipped = 0;
	unsigned long mix = (unsigned long)idx * 2654435761u + 1;
	long long k = 0, next, now, late;
	char comm[32];

	if (ncomms) {
		snprintf(comm, sizeof(comm), "sleeper%lld", idx % ncomms);
		comm[15] = '\0';
		pthread_setname_np(pthread_self(), comm);
	}
	pthread_barrier_wait(&start_line);
	next = deadline_of(idx, k);
	if (atomic_fetch_add(&started, 1) == nthreads - 1)
		atomic_store(&all_started_ns, clock_ns());
	while (next < end_ns && !atomic_load_explicit(&stop_now, memory_order_relaxed)) {
		sleep_until(next);
		now = clock_ns();
		late = now - next;
		hist[bucket_of(late > 0 ? (unsigned long long)late : 0)]++;
		wakeups++;

		/* the tiny bit of work: a few rounds of xorshift */
		for (int i = 0; i < 32; i++) {
			mix ^= mix << 13;
			mix ^= mix >> 7;
			mix ^= mix << 17;
		}
		if (work_ns) {
			while (clock_ns() - now < work_ns)
				;
			now = clock_ns();
		}

		next = deadline_of(idx, ++k);
		if (next <= now) {
			/* fell behind: jump to the first deadline still ahead */
			wide slot_now = (wide)(now - start_ns) * rate / NS_PER_SEC;
			long long k_now = (long long)((slot_now - (herd ? 0 : idx)) / nthreads);

			if (k_now > k) {
				skipped += (uint64_t)(k_now - k);
				k = k_now;
			}
			while ((next = deadline_of(idx, k)) <= now) {
				skipped++;
				k++;
			}
		}
	}

	/*
	 * Stay alive until the run is over: threads exiting one by one during
	 * the last period would disturb the others' wakeups (and what a tracer
	 * sees). A futex, not a timer, so that they do not all wake at the end.
	 */
	while (!atomic_load(&stop_now))
		syscall(SYS_futex, (uint32_t *)&stop_now, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);

	pthread_mutex_lock(&totals_lock);
	for (unsigned i = 0; i < NBUCKETS; i++)
		total_hist[i] += hist[i];
	total_wakeups += wakeups;
	total_skipped += skipped;
	work_digest ^= mix;
	pthread_mutex_unlock(&totals_lock);
	return NULL;
}

static long long read_number_file(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* threads in the whole system now: the 4th field of /proc/loadavg, "running/total" */
static long long system_tasks(void)
{
	long long running, total;
	FILE *f = fopen("/proc/loadavg", "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%*s %*s %*s %lld/%lld", &running, &total) == 2;
	fclose(f);
	return ok ? total : -1;
}

static long long own_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long long lines = 0;
	int c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	return lines;
}

/* Which limit most likely stopped pthread_create, as advice for the user. */
static const char *creation_hint(int err)
{
	long long tasks = system_tasks();
	long long pid_max = read_number_file("/proc/sys/kernel/pid_max");
	long long threads_max = read_number_file("/proc/sys/kernel/threads-max");
	long long map_max = read_number_file("/proc/sys/vm/max_map_count");
	long long maps = own_mappings();

	/* PIDs below 300 are not reused after the first wrap */
	if (tasks >= 0 && ((pid_max > 0 && tasks + 300 + 64 >= pid_max) ||
			   (threads_max > 0 && tasks + 64 >= threads_max)))
		return "raise kernel.pid_max / kernel.threads-max";
	if (maps >= 0 && map_max > 0 && maps + 64 >= map_max)
		return "raise vm.max_map_count: each thread stack takes 2 mappings";
	if (err == ENOMEM)
		return "out of memory";
	return "raise kernel.pid_max / kernel.threads-max; or check RLIMIT_NPROC and the pids cgroup";
}

/* Lift a resource limit to 'want', or as far as we are allowed to. */
static void raise_limit(int resource, rlim_t want)
{
	struct rlimit cur, raised;

	if (getrlimit(resource, &cur))
		return;
	if (cur.rlim_cur == RLIM_INFINITY || (want != RLIM_INFINITY && cur.rlim_cur >= want))
		return;
	/* root (CAP_SYS_RESOURCE) may raise the hard limit too */
	raised.rlim_cur = want;
	raised.rlim_max = (cur.rlim_max == RLIM_INFINITY || (want != RLIM_INFINITY && cur.rlim_max >= want))
			  ? cur.rlim_max : want;
	if (!setrlimit(resource, &raised))
		return;
	cur.rlim_cur = cur.rlim_max;
	setrlimit(resource, &cur);
}

int main(int argc, char **argv)
{
	long long seconds = 0, delay_ms = 0, margin_ns, t_end, nr_open;
	size_t stack_bytes = STACK_BYTES;
	long stack_min = (long)PTHREAD_STACK_MIN, page = sysconf(_SC_PAGESIZE);
	pthread_attr_t attr;
	pthread_t *threads;
	int opt, err, stop_at = 0;

	while ((opt = getopt(argc, argv, ":n:r:t:bw:s:c:SPh")) != -1) {
		switch (opt) {
		case 'n': nthreads = (int)parse_number(optarg, "THREADS", 1, 4000000); break;
		case 'r': rate = parse_number(optarg, "WAKEUPS_PER_SEC", 1, 100000000); break;
		case 't': seconds = parse_number(optarg, "SECONDS", 1, 86400); break;
		case 'b': herd = 1; break;
		case 'c': ncomms = parse_number(optarg, "COMMS", 1, 4000000); break;
		case 'w': work_ns = parse_number(optarg, "WORK_US", 0, 10000000) * 1000; break;
		case 's': delay_ms = parse_number(optarg, "DELAY_MS", 0, 3600000); break;
		case 'S': case 'P':
			if (stop_at && stop_at != opt)
				bad_usage("at most one of -S -P, got", "both");
			stop_at = opt;
			break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument", argv[optind]);
	if (!nthreads || !rate || !seconds)
		bad_usage(NULL, NULL);

	/* one thread per process slot, and a spare handful of files */
	raise_limit(RLIMIT_NPROC, RLIM_INFINITY);
	nr_open = read_number_file("/proc/sys/fs/nr_open");
	raise_limit(RLIMIT_NOFILE, nr_open > 0 ? (rlim_t)nr_open : 65536);

	if (delay_ms)
		sleep_until(clock_ns() + delay_ms * 1000000LL);
	if (stop_at == 'S')
		raise(SIGSTOP);

	threads = calloc((size_t)nthreads, sizeof(*threads));
	if (!threads) {
		fprintf(stderr, "sleepers: calloc: %s\n", strerror(errno));
		return 1;
	}
	if (stack_min > 0 && (size_t)stack_min > stack_bytes)
		stack_bytes = (size_t)stack_min;
	if (page > 0)
		stack_bytes = (stack_bytes + (size_t)page - 1) / (size_t)page * (size_t)page;
	if ((err = pthread_attr_init(&attr)) || (err = pthread_attr_setstacksize(&attr, stack_bytes))) {
		fprintf(stderr, "sleepers: pthread_attr_setstacksize: %s\n", strerror(err));
		return 1;
	}
	if ((err = pthread_barrier_init(&start_line, NULL, (unsigned)nthreads + 1))) {
		fprintf(stderr, "sleepers: pthread_barrier_init: %s\n", strerror(err));
		return 1;
	}

	for (int i = 0; i < nthreads; i++) {
		err = pthread_create(&threads[i], &attr, sleeper, (void *)(intptr_t)i);
		if (err) {
			/* the threads made so far wait on the barrier: leave without them */
			fprintf(stderr, "sleepers: cannot create thread %d of %d: %s (%s)\n",
				i + 1, nthreads, strerror(err), creation_hint(err));
			fflush(stderr);
			_exit(1);
		}
	}
	pthread_attr_destroy(&attr);
	if (stop_at == 'P')
		raise(SIGSTOP);

	/* time for the barrier to release every thread before the first deadline */
	margin_ns = 100000000LL + 20000LL * nthreads;
	start_ns = clock_ns() + margin_ns;
	end_ns = start_ns + seconds * NS_PER_SEC;
	pthread_barrier_wait(&start_line);

	sleep_until(end_ns);
	t_end = clock_ns();
	atomic_store(&stop_now, 1);
	syscall(SYS_futex, (uint32_t *)&stop_now, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_barrier_destroy(&start_line);

	double secs = (double)(t_end - start_ns) / 1e9;
	printf("sleepers threads=%d seconds=%.3f wakeups=%llu wakeups_per_sec=%.1f late_us_p50=%.1f late_us_p99=%.1f\n",
	       nthreads, secs, (unsigned long long)total_wakeups, (double)total_wakeups / secs,
	       quantile_us(total_hist, total_wakeups, 0.50), quantile_us(total_hist, total_wakeups, 0.99));
	if (atomic_load(&all_started_ns) > start_ns)
		fprintf(stderr, "sleepers: the last thread was ready %.1f ms after the start: early wakeups were late\n",
			(double)(atomic_load(&all_started_ns) - start_ns) / 1e6);
	if (total_skipped)
		fprintf(stderr, "sleepers: %llu deadlines skipped: the machine could not keep up\n",
			(unsigned long long)total_skipped);
	return 0;
}
