// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * qwake: a waiter preempted inside its wait, then woken while still queued,
 * and the wait that follows measured by the generator itself.
 *
 *   qwake [-n ROUNDS] [-q QUEUED] [-s START_DELAY_MS] [-t SECONDS] [-x SCALE]
 *
 * Three threads: a SCHED_OTHER waiter and a SCHED_FIFO hog pinned to the
 * last usable CPU, and the main thread (the waker) on another. A round:
 *   T        the hog's absolute timer fires on the waiter's CPU; the hog
 *            reads the clock (t_hog) and spins HOG_SPIN_US, to t_hog_end
 *            (its last clock read);
 *   T - d    the waiter has just entered its futex wait (d sweeps 0..50 us
 *            over the rounds, so that some rounds' timer lands between the
 *            kernel's set_current_state() and schedule());
 *   T + WAKE_AFTER_US   the waker reads the clock (t_wake), wakes it, and
 *            reads the clock again once the wake call returned (t_woke).
 * The wait is futex_waitv() on the round's word and WAITV_PAD words that
 * never change: the kernel sets the task's state before it queues the
 * first word and queues the other words after it
 * (futex_wait_multiple_setup()), each under its own hash-bucket lock, so
 * a preemption at any of those unlocks is one "while queued"; with a
 * single FUTEX_WAIT that window is one lock hold, which a timer under
 * emulation hit in about one round in 400 (FUTEX_WAIT where futex_waitv
 * is missing, before Linux 5.16).
 * The waiter reads the clock when it runs (t_run). Which path the round took
 * follows from the waiter's involuntary switches (getrusage) across the
 * futex call and the call's result:
 *   woken    not preempted: it slept, the wake made it runnable:
 *            wait = t_run - t_wake
 *   running  preempted before it queued itself on the futex (still
 *            TASK_RUNNING: spinning, or on its way into the kernel); the word
 *            changed meanwhile, FUTEX_WAIT says EAGAIN: wait = t_run - t_hog
 *            (its wait began when the hog took the CPU)
 *   queued   preempted after set_current_state() (switched out with
 *            preempt=true, still on the run queue) and then woken while
 *            queued, through ttwu_runnable(): FUTEX_WAIT returned 0, and
 *            wait = t_run - t_hog, not t_run - t_wake
 * Only kernels that preempt in kernel mode (preempt=full, PREEMPT_RT) give
 * queued rounds. With -q, rounds go on after ROUNDS until QUEUED clean
 * (not noisy) queued rounds were seen, for at most -t SECONDS from the
 * first round (default 60; ROUNDS are made whatever it says). -x
 * multiplies every duration (for emulators, whose timers are coarse):
 * woken rounds wait about 2 ms x SCALE, the others about 3 ms x SCALE.
 *
 * stdout (line-buffered):
 *   qwake pid=P waiter_tid=W hog_tid=H cpu=N
 *   round=R path=woken|running|queued wait_us=U noisy=0|1 arrivals=A t=.. hog=.. hog_end=.. wake=.. woke=.. run=..
 *   done rounds=R queued=Q running=N woken=M noisy=K clean_queued=C
 * (one round line per round; t, hog, hog_end, wake, woke and run are
 * CLOCK_MONOTONIC ns: T, t_hog, t_hog_end, t_wake, t_woke, t_run). What
 * each bounds: a running or queued round's wait began at or after T (the
 * hog's timer) and at or before t_hog; a woken round's at or after t_wake
 * and at or before t_woke; every round's ended at or after t_hog_end and at
 * or before t_run. A noisy round is one in which the waiter or the hog was
 * switched out more often than the round itself explains, or another task
 * ran on their CPU (A, the tasks that began to run there during the round,
 * from /proc/schedstat; -1 where it cannot be read): waits may have been
 * split or added. A woken round is noisy too unless the hog held the CPU
 * across the whole wake call (t_hog <= t_wake, t_woke <= t_hog_end): the
 * waker enqueues the waiter itself, inside its call, only on a busy CPU
 * that shares its cache; on an idle one ttwu_queue_cond() hands the
 * enqueue to that CPU (its wake list, run from an IPI), and a CPU too
 * stalled to have run the hog's timer (a vCPU the host did not run) does
 * it as late, after t_woke. A running or queued round is noisy unless the
 * hog took the CPU before the wake (t_hog <= t_wake): a waiter that a
 * stalled vCPU kept from its futex call until after the wake also gets
 * EAGAIN, without having waited behind the hog at all.
 * Exit status: 0; 1 on a system error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HOG_PRIO 10
#define WAITER_NICE (-10)	/* ahead of other fair tasks woken on its CPU */
#define HOG_SPIN_US 3000
#define WAKE_AFTER_US 1000
#define LEAD_US 2000		/* T is this far after the round starts */
#define SWEEP_STEPS 100
#define SWEEP_STEP_NS 500	/* d = 0 .. 50 us */
#define WAITV_PAD 127		/* with the round's word: FUTEX_WAITV_MAX */

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() do { } while (0)
#endif

static const char usage_text[] =
	"usage: qwake [-n ROUNDS] [-q QUEUED] [-s START_DELAY_MS] [-t SECONDS] [-x SCALE]";

#define TOOL_NAME "qwake"
#include "cli.h"
#include "sync.h"

static _Atomic uint32_t round_no;	/* main -> both: the round to serve */
static _Atomic long long round_t;	/* main -> both: that round's T */
static _Atomic long long round_d;	/* main -> waiter: that round's d */
static _Atomic uint32_t word;		/* the waiter's futex: the last round woken */
static _Atomic uint32_t hog_done;	/* hog -> main: round it spun for */
static _Atomic uint32_t waiter_done;	/* waiter -> main: round it measured */
static _Atomic uint32_t ready;		/* threads up */
static _Atomic long long t_hog, t_hog_end, t_wake;
static long long t_run;			/* published by waiter_done */
static int waiter_path;			/* 0 woken, 1 running, 2 queued */
static int target_cpu, waker_cpu;
static long scale = 1;
static _Atomic int waiter_tid, hog_tid;

/* words that never change: see the header */
static _Atomic uint32_t pad_words[WAITV_PAD];
static bool have_waitv = true;

/* The waiter's wait for @word to leave @expected: futex_waitv() on it and
 * the pad words, or FUTEX_WAIT without futex_waitv(). 0 after a wake, else
 * -1 with errno (EAGAIN: the word had changed). */
static long wait_word(_Atomic uint32_t *word, uint32_t expected)
{
#ifdef SYS_futex_waitv
	static struct futex_waitv vs[1 + WAITV_PAD];
	long ret;

	if (have_waitv) {
		vs[0] = (struct futex_waitv){ .val = expected, .uaddr = (uintptr_t)word,
					      .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG };
		for (int i = 0; i < WAITV_PAD; i++)
			vs[1 + i] = (struct futex_waitv){ .val = 0, .uaddr = (uintptr_t)&pad_words[i],
							  .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG };
		ret = syscall(SYS_futex_waitv, vs, 1 + WAITV_PAD, 0, NULL, 0);
		if (ret >= 0)
			return 0;
		if (errno != ENOSYS)
			return -1;
		have_waitv = false;
	}
#endif
	return futex_sleep(word, expected);
}

/* Tasks that began to run on @cpu so far: its run queue's pcount, the last
 * field of its line in /proc/schedstat (CONFIG_SCHEDSTATS); -1 if unknown. */
static long long cpu_arrivals(int cpu)
{
	static char buf[16384];
	char want[16], *line;
	ssize_t n;
	int fd = open("/proc/schedstat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	snprintf(want, sizeof(want), "\ncpu%d ", cpu);
	line = strstr(buf, want);
	if (!line)
		return -1;
	line += strlen(want);
	/* yld_count 0 sched_count sched_goidle ttwu_count ttwu_local
	 * rq_cpu_time run_delay pcount */
	for (int field = 0; field < 8; field++) {
		line = strchr(line, ' ');
		if (!line)
			return -1;
		line++;
	}
	return strtoll(line, NULL, 10);
}

static void sleep_until(long long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void pin_self(int cpu, const char *who)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail(who, errno);
}

static long all_switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* Each thread switches out exactly twice a round (its sleep between rounds,
 * and its wait in the round); more means something else took its CPU, and
 * the round's waits are not the ones the generator knows of. */
#define SWITCHES_PER_ROUND 2
/* Likewise their CPU sees four tasks begin to run a round: both threads
 * woken for the round, the hog at T, the waiter after the hog. */
#define ARRIVALS_PER_ROUND 4
static _Atomic long hog_switches, waiter_switches;

static void *hog_main(void *unused)
{
	struct sched_param sp = { .sched_priority = HOG_PRIO };
	uint32_t r = 0;
	long long t;
	long sw, last_sw = 0;

	(void)unused;
	pthread_setname_np(pthread_self(), "hog");
	pin_self(target_cpu, "sched_setaffinity (hog)");
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fail("sched_setscheduler (SCHED_FIFO hog)", errno);
	atomic_store(&hog_tid, gettid());
	atomic_fetch_add(&ready, 1);
	futex_wake_all(&ready);
	for (;;) {
		r = await_change(&round_no, r);
		if (r == UINT32_MAX)
			return NULL;
		sleep_until(atomic_load(&round_t));
		t = clock_ns();
		atomic_store(&t_hog, t);
		long long now;

		while ((now = clock_ns()) < t + HOG_SPIN_US * 1000LL * scale)
			cpu_relax();
		atomic_store(&t_hog_end, now);
		sw = all_switches();
		atomic_store(&hog_switches, sw - last_sw);
		last_sw = sw;
		publish(&hog_done, r);
	}
}

static void *waiter_main(void *unused)
{
	uint32_t r = 0;
	long before, sw, last_sw = 0;
	long ret;
	int err;

	(void)unused;
	pthread_setname_np(pthread_self(), "waiter");
	pin_self(target_cpu, "sched_setaffinity (waiter)");
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), WAITER_NICE))
		fail("setpriority (waiter)", errno);
	atomic_store(&waiter_tid, gettid());
	atomic_fetch_add(&ready, 1);
	futex_wake_all(&ready);
	for (;;) {
		r = await_change(&round_no, r);
		if (r == UINT32_MAX)
			return NULL;
		/* spin to T - d, then wait for the word to leave r - 1 */
		while (clock_ns() < atomic_load(&round_t) - atomic_load(&round_d))
			cpu_relax();
		before = involuntary_switches();
		ret = wait_word(&word, r - 1);
		err = ret ? errno : 0;
		t_run = clock_ns();
		if (err == EAGAIN)
			waiter_path = 1; /* never slept: runnable since the hog took the CPU */
		else if (involuntary_switches() != before)
			waiter_path = 2;
		else
			waiter_path = 0;
		/* a spurious return (EINTR) still measures from the last event */
		if (err && err != EAGAIN && err != EINTR)
			fail("futex wait (waiter)", err);
		await_change(&word, r - 1);
		sw = all_switches();
		atomic_store(&waiter_switches, sw - last_sw);
		last_sw = sw;
		publish(&waiter_done, r);
	}
}

int main(int argc, char **argv)
{
	long rounds = 100, want_queued = 0, start_delay_ms = 0, limit_s = 60;
	long counts[3] = { 0 }, noisy_rounds = 0, clean_queued = 0;
	long long arrivals, first_round_ns = 0;
	int noisy;
	static const char *const path_name[] = { "woken", "running", "queued" };
	pthread_t hog, waiter;
	cpu_set_t allowed;
	uint32_t r;
	int opt, err;

	while ((opt = getopt(argc, argv, ":n:q:s:t:x:h")) != -1) {
		switch (opt) {
		case 'n': rounds = parse_number(optarg, "ROUNDS", 1, 100000); break;
		case 'q': want_queued = parse_number(optarg, "QUEUED", 0, 100000); break;
		case 's': start_delay_ms = parse_number(optarg, "START_DELAY_MS", 0, 3600000); break;
		case 't': limit_s = parse_number(optarg, "SECONDS", 1, 86400); break;
		case 'x': scale = parse_number(optarg, "SCALE", 1, 100); break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument", argv[optind]);

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		fail("sched_getaffinity", errno);
	if (CPU_COUNT(&allowed) < 2) {
		fprintf(stderr, "qwake: need 2 usable CPUs: %s\n", strerror(ENODEV));
		return 1;
	}
	waker_cpu = -1;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &allowed))
			continue;
		if (waker_cpu < 0)
			waker_cpu = c;
		target_cpu = c;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pin_self(waker_cpu, "sched_setaffinity (waker)");
	if ((err = pthread_create(&hog, NULL, hog_main, NULL)) ||
	    (err = pthread_create(&waiter, NULL, waiter_main, NULL)))
		fail("pthread_create", err);
	for (uint32_t n; (n = atomic_load(&ready)) < 2;)
		await_change(&ready, n);
	printf("qwake pid=%d waiter_tid=%d hog_tid=%d cpu=%d\n", (int)getpid(),
	       atomic_load(&waiter_tid), atomic_load(&hog_tid), target_cpu);
	if (start_delay_ms)
		sleep_until(clock_ns() + start_delay_ms * 1000000LL);

	for (r = 1;; r++) {
		long long T, wait_ns, t_woke, before;

		if (r > (uint32_t)rounds &&
		    (clean_queued >= want_queued || clock_ns() - first_round_ns >= limit_s * 1000000000LL))
			break;
		before = cpu_arrivals(target_cpu);
		T = clock_ns() + LEAD_US * 1000LL * scale;
		if (r == 1)
			first_round_ns = T;
		atomic_store(&round_t, T);
		atomic_store(&round_d, (long long)((r - 1) % SWEEP_STEPS) * SWEEP_STEP_NS * scale);
		publish(&round_no, r);
		sleep_until(T + WAKE_AFTER_US * 1000LL * scale);
		atomic_store(&t_wake, clock_ns());
		publish(&word, r);
		t_woke = clock_ns();
		await_change(&waiter_done, r - 1);
		await_change(&hog_done, r - 1);
		arrivals = cpu_arrivals(target_cpu);
		arrivals = arrivals < 0 || before < 0 ? -1 : arrivals - before;
		wait_ns = t_run - (waiter_path ? atomic_load(&t_hog) : atomic_load(&t_wake));
		counts[waiter_path]++;
		/* round 1's counts include the threads' start-up */
		noisy = (r > 1 && (atomic_load(&hog_switches) != SWITCHES_PER_ROUND ||
				   atomic_load(&waiter_switches) != SWITCHES_PER_ROUND)) ||
			arrivals > ARRIVALS_PER_ROUND ||
			(waiter_path == 0 && (atomic_load(&t_hog) > atomic_load(&t_wake) ||
					      t_woke > atomic_load(&t_hog_end))) ||
			(waiter_path != 0 && atomic_load(&t_hog) > atomic_load(&t_wake));
		noisy_rounds += noisy;
		clean_queued += !noisy && waiter_path == 2;
		printf("round=%u path=%s wait_us=%lld noisy=%d arrivals=%lld t=%lld hog=%lld hog_end=%lld wake=%lld woke=%lld run=%lld\n",
		       r, path_name[waiter_path], (wait_ns + 500) / 1000, noisy, arrivals, T,
		       atomic_load(&t_hog), atomic_load(&t_hog_end), atomic_load(&t_wake), t_woke,
		       t_run);
	}
	publish(&round_no, UINT32_MAX);
	pthread_join(hog, NULL);
	pthread_join(waiter, NULL);
	printf("done rounds=%u queued=%ld running=%ld woken=%ld noisy=%ld clean_queued=%ld\n", r - 1,
	       counts[2], counts[1], counts[0], noisy_rounds, clean_queued);
	return 0;
}
