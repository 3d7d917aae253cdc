// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* latgen: make a known run-queue wait and measure it.
 *
 * A "waiter" thread (SCHED_OTHER) and a "hog" thread (SCHED_FIFO) share one
 * CPU; the controller (main thread) runs on another. Each round the
 * controller starts the hog spinning for DELAY_MS, then, once the hog is on
 * the CPU and the waiter is asleep, reads the clock and wakes the waiter.
 * The waiter cannot run until the hog stops; when it runs it reads the clock
 * again: that difference is the wait it reports, an upper bound of the
 * tracer's (which starts at sched_wakeup, just after the first read).
 *
 * Output: "latgen pid=.. waiter_tid=.. hog_tid=.. controller_tid=.. cpu=..
 * delay_ms=..", then "wait_us=N" a round, then "done". A round in which
 * the waiter was preempted (an involuntary context switch) between sleeping
 * and reading the clock ends " preempted=1": its wait_us also holds that
 * second wait and the time it ran before it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct shared {
	atomic_int hog_go, hog_running, waiter_go, waiter_done;
	atomic_int waiter_tid, hog_tid;
	struct timespec t_wake;
	long long wait_ns;
	int preempted;	/* the waiter was preempted again before it read the clock */
	int cpu;
	long delay_ms;
	atomic_int stop;
};

static long long ns_of(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ns_of(&t);
}

static void futex_wait(atomic_int *addr, int val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_int *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "latgen: %s: %s\n", what, strerror(err));
	exit(1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", errno);
}

static void *hog(void *arg)
{
	struct shared *s = arg;
	struct sched_param sp = { .sched_priority = 10 };
	long long end;

	prctl(PR_SET_NAME, "hog");
	pin(s->cpu);
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		die("sched_setscheduler(SCHED_FIFO)", errno);
	atomic_store(&s->hog_tid, (int)gettid());
	futex_wake(&s->hog_tid);
	for (;;) {
		while (!atomic_load(&s->hog_go))
			futex_wait(&s->hog_go, 0);
		if (atomic_load(&s->stop))
			return NULL;
		end = now_ns() + s->delay_ms * 1000000LL;
		atomic_store(&s->hog_running, 1);
		while (now_ns() < end)
			;
		atomic_store(&s->hog_go, 0);
		atomic_store(&s->hog_running, 0);
	}
}

static long involuntary_switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nivcsw;
}

static void *waiter(void *arg)
{
	struct shared *s = arg;
	struct timespec t_run;
	long nivcsw;

	prctl(PR_SET_NAME, "waiter");
	pin(s->cpu);
	/* ahead of other SCHED_OTHER tasks woken during the spin (kworkers),
	 * so that the hog is usually the task that ran before the waiter */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), -10))
		die("setpriority", errno);
	atomic_store(&s->waiter_tid, (int)gettid());
	futex_wake(&s->waiter_tid);
	for (;;) {
		nivcsw = involuntary_switches();
		while (!atomic_load(&s->waiter_go))
			futex_wait(&s->waiter_go, 0);
		clock_gettime(CLOCK_MONOTONIC, &t_run);
		if (atomic_load(&s->stop))
			return NULL;
		s->preempted = involuntary_switches() != nivcsw;
		s->wait_ns = ns_of(&t_run) - ns_of(&s->t_wake);
		atomic_store(&s->waiter_go, 0);
		atomic_store(&s->waiter_done, 1);
		futex_wake(&s->waiter_done);
	}
}

/* 'S' in /proc/self/task/TID/stat: asleep in the kernel, not runnable. */
static int thread_state(int tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

static void wait_for_tid(atomic_int *tid)
{
	while (!atomic_load(tid))
		futex_wait(tid, 0);
}

static long parse_long(const char *s, const char *what, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min) {
		fprintf(stderr, "latgen: invalid %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static struct shared s;
	long count = 5, interval_ms = 100, start_ms = 0;
	int ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN), c, err;
	pthread_t th, tw;

	s.cpu = ncpus - 1;
	s.delay_ms = 20;
	while ((c = getopt(argc, argv, "c:d:n:i:s:")) != -1) {
		switch (c) {
		case 'c': s.cpu = (int)parse_long(optarg, "CPU", 0); break;
		case 'd': s.delay_ms = parse_long(optarg, "DELAY_MS", 1); break;
		case 'n': count = parse_long(optarg, "COUNT", 1); break;
		case 'i': interval_ms = parse_long(optarg, "INTERVAL_MS", 0); break;
		case 's': start_ms = parse_long(optarg, "START_DELAY_MS", 0); break;
		default:
			fprintf(stderr, "usage: latgen [-c CPU] [-d DELAY_MS] [-n COUNT] [-i INTERVAL_MS] [-s START_DELAY_MS]\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "latgen: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (ncpus < 2) {
		fprintf(stderr, "latgen: needs 2 online CPUs, has %d\n", ncpus);
		return 1;
	}
	if (s.cpu >= ncpus) {
		fprintf(stderr, "latgen: CPU %d is not online\n", s.cpu);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pin(s.cpu == 0 ? 1 : 0);
	if ((err = pthread_create(&th, NULL, hog, &s)) || (err = pthread_create(&tw, NULL, waiter, &s)))
		die("pthread_create", err);
	wait_for_tid(&s.hog_tid);
	wait_for_tid(&s.waiter_tid);
	printf("latgen pid=%d waiter_tid=%d hog_tid=%d controller_tid=%d cpu=%d delay_ms=%ld\n",
	       (int)getpid(), atomic_load(&s.waiter_tid), atomic_load(&s.hog_tid),
	       (int)gettid(), s.cpu, s.delay_ms);
	if (start_ms)
		usleep(start_ms * 1000);

	for (long i = 0; i < count; i++) {
		while (thread_state(atomic_load(&s.waiter_tid)) != 'S' ||
		       thread_state(atomic_load(&s.hog_tid)) != 'S')
			usleep(1000);
		atomic_store(&s.waiter_done, 0);
		atomic_store(&s.hog_go, 1);
		futex_wake(&s.hog_go);
		while (!atomic_load(&s.hog_running))
			;
		clock_gettime(CLOCK_MONOTONIC, &s.t_wake);
		atomic_store(&s.waiter_go, 1);
		futex_wake(&s.waiter_go);
		while (!atomic_load(&s.waiter_done))
			futex_wait(&s.waiter_done, 0);
		printf("wait_us=%lld%s\n", s.wait_ns / 1000, s.preempted ? " preempted=1" : "");
		usleep(interval_ms * 1000);
	}
	atomic_store(&s.stop, 1);
	atomic_store(&s.hog_go, 1);
	futex_wake(&s.hog_go);
	atomic_store(&s.waiter_go, 1);
	futex_wake(&s.waiter_go);
	pthread_join(th, NULL);
	pthread_join(tw, NULL);
	printf("done\n");
	return 0;
}
