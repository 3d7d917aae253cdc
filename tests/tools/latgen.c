// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * latgen: produce a run-queue wait of known length, and measure it.
 *
 *   latgen [-c CPU] [-d DELAY_MS] [-n COUNT] [-i INTERVAL_MS] [-s START_DELAY_MS] [-S] [-f]
 *          [-w | -P | -M | -H | -T] [-N NAME] [-A NAME] [-U]
 *
 * Three threads:
 *   waiter      SCHED_OTHER (nice -10), pinned to CPU, sleeps on a futex;
 *               with -f SCHED_FIFO 5 instead, so that when the hog blocks it
 *               runs before any fair task woken meanwhile (the hog is then
 *               always the task that ran before it)
 *   hog         SCHED_FIFO 10, pinned to CPU, sleeps on a futex between rounds
 *   controller  the main thread, pinned to another CPU
 *
 * A round: with both the waiter and the hog asleep, the controller wakes the
 * hog, which takes CPU at once and busy-spins for DELAY_MS. As soon as the hog
 * says it is spinning, the controller reads CLOCK_MONOTONIC (t_wake) and
 * wakes the waiter. The waiter is now runnable but cannot run until the hog
 * blocks again; when it does run it reads the clock (t_run) and reports
 * t_run - t_wake. The controller reads the clock just before its futex wake,
 * so the figure is a hair (a few us) above the scheduler's own wakeup-to-run
 * delay for that wakeup.
 *
 * Modes (one at most), each a different way into the run queue:
 *   -w  the waiter sleeps in read() on a pipe; a fourth thread, "waker",
 *       pinned to the controller's CPU, reads the clock and writes the byte
 *       that wakes it (the waker is that thread, not the controller)
 *   -P  preemption: the waiter does not sleep; it spins on its CPU reading
 *       the clock, the controller wakes the hog, which preempts it at once
 *       (the waiter waits still runnable), and the waiter reports the
 *       largest gap between two of its clock reads in the round: its wait
 *       (with -f, SCHED_FIFO 5 below the hog's 10, only the hog, or a
 *       stop-class task such as migration/N, can preempt it)
 *   -M  migration while queued: as the default, but half way through the
 *       wait the controller moves the waiter's affinity to its own CPU, so
 *       it leaves the hog's run queue for the controller's and runs there
 *   -H  two hogs: the waiter queues behind the hog, then half way through
 *       DELAY_MS the controller (SCHED_FIFO 20 in this mode, so that it
 *       keeps its CPU) wakes a second hog, "hog2" (SCHED_FIFO 10, pinned
 *       to the controller's CPU), moves the waiter's affinity to its own
 *       CPU, where it queues behind hog2, releases the first hog and
 *       sleeps: the waiter waits about DELAY_MS / 2 on the hog's CPU, then
 *       DELAY_MS (hog2's spin) on the controller's, and runs there
 *   -T  timer: the waiter sleeps in clock_nanosleep() until an absolute
 *       time the controller picked inside the hog's spin, so the wakeup comes
 *       from the timer interrupt while the hog runs (t_wake is that time;
 *       a round whose hog started after it, on a loaded machine, is made
 *       again and not printed)
 * -S stops the process (SIGSTOP) once its first line is out: its rounds
 * begin (after -s) only when it is continued, so that tracers filtering on
 * its pid or TIDs can attach first however long they take.
 * -N NAME names the waiter thread NAME (any bytes, at most 15) instead of
 * "waiter"; -A NAME names all the other threads NAME (the controller, so
 * the process too, the hogs and the waker) instead of "latgen", "hog",
 * "hog2" and "waker". -U: once its threads have their scheduling policies
 * (which take root here), the process becomes nobody (UID and GID 65534,
 * no supplementary groups, no capabilities), and only then, as nobody,
 * gives its threads the names of -N and -A: names an unprivileged user
 * set, on threads that wait as long as the hog makes them.
 *
 * stdout (line-buffered):
 *   latgen pid=P waiter_tid=W hog_tid=H controller_tid=C cpu=N delay_ms=D
 *          [waker_tid=K] [hog2_tid=H2] controller_cpu=C
 *   wait_us=U[ preempted=1][ run_delay_us=K] ran_mono_us=M ran_real_us=R[ cpu=N]
 *          [ wake_call_us=C][ moved_us=V]
 *                                   one per round; K: the same round by the
 *                                   kernel's run_delay; M and R: when the
 *                                   waiter ran, CLOCK_MONOTONIC and
 *                                   CLOCK_REALTIME; cpu= (the CPU it ran on)
 *                                   with -M and -H; V (-H): when the
 *                                   controller's sched_setaffinity() that
 *                                   moved the waiter returned, from the
 *                                   controller's clock read before the
 *                                   wake call; C (default mode, -M, -H): how
 *                                   long the controller's wake call took,
 *                                   clock read to clock read. A wakeup of a
 *                                   task on a busy CPU sharing the cache is
 *                                   done inside that call, so the kernel's
 *                                   enqueue time and sched_wakeup both fall
 *                                   in it: normally a few microseconds, more
 *                                   when the controller's (v)CPU stalled.
 *   done[ waiter_run_delay_us=T]
 *                                   T: the waiter's whole run_delay, from its
 *                                   creation to its end (read after the
 *                                   wakeup that ends it, at SCHED_FIFO 99):
 *                                   every run-queue wait of the waiter, the
 *                                   rounds' and any other, is inside it
 * A round in which the waiter was involuntarily switched out after it woke
 * and before it read the clock gets " preempted=1" after wait_us=U: U then
 * also covers that second wait (rare; tests treat such rounds as bounds).
 * R is the kernel's own measure of the round's wait: the growth of the
 * waiter's run_delay (/proc/thread-self/schedstat, CONFIG_SCHED_INFO) over
 * the round, from its enqueue to its switch-in on the run queue's clock;
 * unlike U it holds no delay in delivering the wake-up (an IPI to the CPU
 * of a task woken remotely) or in reading the clocks (a stalled vCPU under
 * emulation).
 *
 * Exit status: 0; 1 on a system error (one "latgen: what: strerror" line on
 * stderr); 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HOG_PRIO 10
#define WAITER_NICE (-10)
#define WAITER_FIFO_PRIO 5
#define CONTROLLER_FIFO_PRIO 20	/* -H: above hog2 */

static bool waiter_fifo;
static enum { MODE_FUTEX, MODE_PIPE, MODE_PREEMPT, MODE_MIGRATE, MODE_HOP, MODE_TIMER } mode;
static const char *waiter_name;	/* -N */
static const char *other_name;	/* -A */
static bool drop_to_nobody;	/* -U */
static int wake_pipe[2];
#define MAX_DELAY_MS 500	/* well below RT throttling / the fair server's 950 ms */
#define SETTLE_TIMEOUT_NS (10LL * 1000000000LL)
#define TIMER_LEAD_NS 10000000LL	/* -T: the timer fires this long after the round starts */

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() do { } while (0)
#endif

static const char usage_text[] =
	"usage: latgen [-c CPU] [-d DELAY_MS] [-n COUNT] [-i INTERVAL_MS] [-s START_DELAY_MS] [-S] [-f] "
	"[-w | -P | -M | -H | -T] [-N NAME] [-A NAME] [-U]";

#define TOOL_NAME "latgen"
#include "cli.h"
#include "sync.h"

/* A thread's name when it starts: -U gives the names of -N and -A later */
static const char *start_name(const char *name, const char *dflt)
{
	return name && !drop_to_nobody ? name : dflt;
}

/* Futex words are 32-bit; _Atomic uint32_t is a plain 32-bit word on Linux. */
static _Atomic uint32_t hog_round;	/* controller -> hog: serve this round */
static _Atomic uint32_t hog_spinning;	/* hog -> controller: round it spins in */
static _Atomic uint32_t waiter_round;	/* controller -> waiter: wake for this round */
static _Atomic uint32_t waiter_armed;	/* waiter -> controller: round it sleeps for */
static _Atomic uint32_t reported;	/* waiter -> controller: round it measured */
static _Atomic uint32_t waker_round;	/* controller -> waker (-w): write for this round */
static _Atomic uint32_t waiter_busy;	/* waiter -> controller: round it spins in (-P) or
					 * that its nanosleep is for (-T) */
static _Atomic uint32_t hog_done;	/* hog -> waiter (-P): round it spun in, over */
static _Atomic uint32_t hog_release;	/* controller -> hog (-H): stop spinning in this round */
static _Atomic uint32_t hog2_round;	/* controller -> hog2 (-H): serve this round */
static _Atomic int quit;

static _Atomic long long t_wake_ns;	/* controller's clock just before waking */
static long long measured_ns;		/* published by the release store of 'reported' */
static long long ran_mono_ns, ran_real_ns; /* when the waiter ran, likewise */
static long long kernel_ns;		/* the same round by run_delay, -1 unknown; likewise */
static long long wake_call_ns = -1;	/* the controller's wake call, -1 not timed */
static long long moved_ns = -1;		/* -H: the move, from t_wake */
static int was_preempted;
static int ran_on_cpu;
static long long waiter_total_ns = -1;	/* the waiter's run_delay at its end */

static int target_cpu;
static long long spin_ns;

/* Start-up handshake: 0 while starting, the TID once ready, -errno on failure. */
struct startup {
	_Atomic uint32_t word;
	const char *failed_call;
};
static struct startup waiter_up, hog_up, waker_up, hog2_up;

static long long real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ns(long long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static int pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}

static void startup_done(struct startup *s, const char *failed_call, int err)
{
	s->failed_call = failed_call;
	publish(&s->word, err ? (uint32_t)-err : (uint32_t)gettid());
}

/* The kernel's own account of this thread's run-queue waits: run_delay, the
 * second field of /proc/thread-self/schedstat (CONFIG_SCHED_INFO), in ns;
 * -1 without it. */
static long long run_delay_ns(void)
{
	char buf[128];
	long long run_ns, delay_ns;
	ssize_t len;
	int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	if (sscanf(buf, "%lld %lld", &run_ns, &delay_ns) != 2)
		return -1;
	return delay_ns;
}

static void *hog_main(void *unused)
{
	struct sched_param param = { .sched_priority = HOG_PRIO };
	uint32_t round = 0;
	long long stop_at;
	int err;

	(void)unused;
	pthread_setname_np(pthread_self(), start_name(other_name, "hog"));
	if ((err = pin_self(target_cpu))) {
		startup_done(&hog_up, "sched_setaffinity (hog)", err);
		return NULL;
	}
	if (sched_setscheduler(0, SCHED_FIFO, &param)) {
		startup_done(&hog_up, "sched_setscheduler (SCHED_FIFO hog)", errno);
		return NULL;
	}
	startup_done(&hog_up, NULL, 0);

	for (;;) {
		round = await_change(&hog_round, round);
		if (atomic_load(&quit))
			return NULL;
		stop_at = clock_ns() + (mode == MODE_HOP ? SETTLE_TIMEOUT_NS : spin_ns);
		atomic_store_explicit(&hog_spinning, round, memory_order_release);
		/* -H: until the controller has moved the waiter away */
		while (clock_ns() < stop_at &&
		       !(mode == MODE_HOP &&
			 atomic_load_explicit(&hog_release, memory_order_acquire) == round))
			cpu_relax();
		if (mode == MODE_HOP && clock_ns() >= stop_at)
			fail("the controller did not release the hog within 10 s", ETIMEDOUT);
		atomic_store_explicit(&hog_done, round, memory_order_release);
	}
}

static int controller_cpu = -1;

/* -H: the second hog, on the controller's CPU */
static void *hog2_main(void *unused)
{
	struct sched_param param = { .sched_priority = HOG_PRIO };
	uint32_t round = 0;
	long long stop_at;
	int err;

	(void)unused;
	pthread_setname_np(pthread_self(), start_name(other_name, "hog2"));
	if ((err = pin_self(controller_cpu))) {
		startup_done(&hog2_up, "sched_setaffinity (hog2)", err);
		return NULL;
	}
	if (sched_setscheduler(0, SCHED_FIFO, &param)) {
		startup_done(&hog2_up, "sched_setscheduler (SCHED_FIFO hog2)", errno);
		return NULL;
	}
	startup_done(&hog2_up, NULL, 0);
	for (;;) {
		round = await_change(&hog2_round, round);
		if (atomic_load(&quit))
			return NULL;
		stop_at = clock_ns() + spin_ns;
		while (clock_ns() < stop_at)
			cpu_relax();
	}
}

/* -w: the thread that wakes the waiter, from the controller's CPU */
static void *waker_main(void *unused)
{
	uint32_t round = 0;
	int err;

	(void)unused;
	pthread_setname_np(pthread_self(), start_name(other_name, "waker"));
	if ((err = pin_self(controller_cpu))) {
		startup_done(&waker_up, "sched_setaffinity (waker)", err);
		return NULL;
	}
	startup_done(&waker_up, NULL, 0);
	for (;;) {
		round = await_change(&waker_round, round);
		if (atomic_load(&quit))
			return NULL;
		atomic_store_explicit(&t_wake_ns, clock_ns(), memory_order_release);
		if (write(wake_pipe[1], "x", 1) != 1)
			fail("write (waker)", errno);
	}
}

/* -P: spin until the hog has preempted us and finished; the largest gap
 * between two clock reads is the wait */
static long long spin_through_preemption(uint32_t round)
{
	long long start = clock_ns(), prev = start, now, gap = 0;

	publish(&waiter_busy, round);
	do {
		now = clock_ns();
		if (now - prev > gap)
			gap = now - prev;
		prev = now;
		if (now - start > SETTLE_TIMEOUT_NS)
			fail("the hog did not preempt the spinning waiter within 10 s", ETIMEDOUT);
	} while (atomic_load_explicit(&hog_done, memory_order_acquire) != round);
	/* preempted between the last read and the test: that gap too */
	now = clock_ns();
	return now - prev > gap ? now - prev : gap;
}

static void *waiter_main(void *unused)
{
	uint32_t round = 0;
	long ivcsw_before;
	long long delay_before, delay_after;
	long long t_run;
	int err;

	(void)unused;
	if ((err = pthread_setname_np(pthread_self(), start_name(waiter_name, "waiter")))) {
		startup_done(&waiter_up, "pthread_setname_np (waiter)", err);
		return NULL;
	}
	if ((err = pin_self(target_cpu))) {
		startup_done(&waiter_up, "sched_setaffinity (waiter)", err);
		return NULL;
	}
	if (waiter_fifo) {
		struct sched_param sp = { .sched_priority = WAITER_FIFO_PRIO };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			startup_done(&waiter_up, "sched_setscheduler (SCHED_FIFO waiter)", errno);
			return NULL;
		}
	/* ahead of other fair tasks woken on this CPU while the hog spins */
	} else if (setpriority(PRIO_PROCESS, (id_t)gettid(), WAITER_NICE)) {
		startup_done(&waiter_up, "setpriority (waiter)", errno);
		return NULL;
	}
	startup_done(&waiter_up, NULL, 0);

	for (;;) {
		char byte;

		/* -M: back to the hog's CPU, from wherever the last round moved
		 * it, once the hog is done (else it would queue behind it again) */
		if ((mode == MODE_MIGRATE || mode == MODE_HOP) && round) {
			while (atomic_load_explicit(&hog_done, memory_order_acquire) != round)
				sleep_ns(100000);
			if ((err = pin_self(target_cpu)))
				fail("sched_setaffinity (waiter)", err);
		}
		ivcsw_before = involuntary_switches();
		delay_before = run_delay_ns();
		/* the wait below is the only place this thread sleeps after this */
		atomic_store_explicit(&waiter_armed, round + 1, memory_order_release);
		if (mode == MODE_PIPE) {
			while (read(wake_pipe[0], &byte, 1) != 1)
				if (errno != EINTR)
					fail("read (waiter)", errno);
			round = atomic_load_explicit(&waiter_round, memory_order_acquire);
		} else {
			round = await_change(&waiter_round, round);
		}
		if (atomic_load(&quit)) {
			struct sched_param top = { .sched_priority = sched_get_priority_max(SCHED_FIFO) };

			/* no fair or lower RT task can queue it after the read
			 * below, on its way out (where permitted) */
			sched_setscheduler(0, SCHED_FIFO, &top);
			waiter_total_ns = run_delay_ns();
			return NULL;
		}
		if (mode == MODE_PREEMPT) {
			measured_ns = spin_through_preemption(round);
			ran_mono_ns = clock_ns();
			ran_real_ns = real_ns();
			delay_after = run_delay_ns();
			kernel_ns = delay_before < 0 || delay_after < 0 ? -1 : delay_after - delay_before;
			/* the hog's preemption is expected: more is a second wait */
			was_preempted = involuntary_switches() - ivcsw_before > 1;
			publish(&reported, round);
			continue;
		}
		if (mode == MODE_TIMER) {
			struct timespec until;
			long long t = atomic_load_explicit(&t_wake_ns, memory_order_acquire);

			until.tv_sec = t / 1000000000LL;
			until.tv_nsec = t % 1000000000LL;
			ivcsw_before = involuntary_switches();
			publish(&waiter_busy, round);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
				;
		}
		t_run = clock_ns();
		ran_real_ns = real_ns();
		ran_mono_ns = t_run;
		ran_on_cpu = sched_getcpu();
		measured_ns = t_run - atomic_load_explicit(&t_wake_ns, memory_order_acquire);
		delay_after = run_delay_ns();
		kernel_ns = delay_before < 0 || delay_after < 0 ? -1 : delay_after - delay_before;
		was_preempted = involuntary_switches() != ivcsw_before;
		publish(&reported, round);
	}
}

/* Wait for a thread's start-up handshake; exits on its failure. */
static int await_startup(struct startup *s)
{
	int32_t v = (int32_t)await_change(&s->word, 0);

	if (v < 0)
		fail(s->failed_call, -v);
	return v;
}

/* The state letter from /proc/self/task/TID/stat ('S' = interruptible sleep). */
static char task_state(int tid)
{
	char path[64], buf[512], *close_paren;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("open /proc/self/task/TID/stat", errno);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		fail("read /proc/self/task/TID/stat", len < 0 ? errno : EIO);
	buf[len] = '\0';
	/* "tid (comm) S ...": comm may itself hold ')' */
	close_paren = strrchr(buf, ')');
	if (!close_paren || close_paren[1] != ' ' || !close_paren[2])
		fail("parse /proc/self/task/TID/stat", EPROTO);
	return close_paren[2];
}

/* The waiter has published @round in @word and the kernel shows it in
 * @state ('R' spinning, 'S' asleep); 10 s at most. */
static void await_running(_Atomic uint32_t *word, uint32_t round, int tid, char state)
{
	long long deadline = clock_ns() + SETTLE_TIMEOUT_NS;

	while (atomic_load_explicit(word, memory_order_acquire) != round ||
	       task_state(tid) != state) {
		if (clock_ns() > deadline)
			fail("the waiter did not reach its state within 10 s", ETIMEDOUT);
		sleep_ns(100000);
	}
}

int main(int argc, char **argv)
{
	long delay_ms = 20, count = 5, interval_ms = 100, start_delay_ms = 0, late_rounds = 0;
	long cpu_arg = -1;
	int waiter_tid, hog_tid, waker_tid = 0, hog2_tid = 0, opt, err, usable = 0, modes = 0;
	bool stop_first = false;
	cpu_set_t allowed;
	pthread_t hog, waiter, waker, hog2;

	while ((opt = getopt(argc, argv, ":c:d:n:i:s:SfwPMHTN:A:Uh")) != -1) {
		switch (opt) {
		case 'f': waiter_fifo = true; break;
		case 'S': stop_first = true; break;
		case 'w': mode = MODE_PIPE; modes++; break;
		case 'P': mode = MODE_PREEMPT; modes++; break;
		case 'M': mode = MODE_MIGRATE; modes++; break;
		case 'H': mode = MODE_HOP; modes++; break;
		case 'T': mode = MODE_TIMER; modes++; break;
		case 'N':
			if (!*optarg || strlen(optarg) > 15)
				bad_usage("NAME must be 1 to 15 bytes, got", optarg);
			waiter_name = optarg;
			break;
		case 'U': drop_to_nobody = true; break;
		case 'A':
			if (!*optarg || strlen(optarg) > 15)
				bad_usage("NAME must be 1 to 15 bytes, got", optarg);
			other_name = optarg;
			break;
		case 'c': cpu_arg = parse_number(optarg, "CPU", 0, CPU_SETSIZE - 1); break;
		case 'd': delay_ms = parse_number(optarg, "DELAY_MS", 1, MAX_DELAY_MS); break;
		case 'n': count = parse_number(optarg, "COUNT", 0, 1000000); break;
		case 'i': interval_ms = parse_number(optarg, "INTERVAL_MS", 0, 3600000); break;
		case 's': start_delay_ms = parse_number(optarg, "START_DELAY_MS", 0, 3600000); break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument", argv[optind]);
	if (modes > 1)
		bad_usage("at most one of -w -P -M -H -T, got", "several");
	if (mode == MODE_TIMER && delay_ms <= TIMER_LEAD_NS / 1000000 * 2)
		bad_usage("-T needs DELAY_MS over 20, got", "a smaller -d");

	/* CPUs this process may use (online and allowed by its cpuset) */
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		fail("sched_getaffinity", errno);
	usable = CPU_COUNT(&allowed);
	if (usable < 2) {
		fprintf(stderr, "latgen: need 2 online CPUs, only %d usable: %s\n", usable,
			strerror(ENODEV));
		return 1;
	}
	if (cpu_arg >= 0) {
		if (!CPU_ISSET((int)cpu_arg, &allowed)) {
			fprintf(stderr, "latgen: CPU %ld is not online or not allowed: %s\n", cpu_arg,
				strerror(EINVAL));
			return 1;
		}
		target_cpu = (int)cpu_arg;
	} else {
		/* default: the last usable CPU (CPU 1 on a 2-CPU machine) */
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &allowed))
				target_cpu = c;
	}
	for (int c = 0; c < CPU_SETSIZE && controller_cpu < 0; c++)
		if (c != target_cpu && CPU_ISSET(c, &allowed))
			controller_cpu = c;
	spin_ns = delay_ms * 1000000LL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (other_name && !drop_to_nobody &&
	    (err = pthread_setname_np(pthread_self(), other_name)))
		fail("pthread_setname_np (controller)", err);
	if ((err = pin_self(controller_cpu)))
		fail("sched_setaffinity (controller)", err);
	if ((err = pthread_create(&hog, NULL, hog_main, NULL)))
		fail("pthread_create (hog)", err);
	hog_tid = await_startup(&hog_up);
	if (mode == MODE_PIPE && pipe(wake_pipe))
		fail("pipe", errno);
	if ((err = pthread_create(&waiter, NULL, waiter_main, NULL)))
		fail("pthread_create (waiter)", err);
	waiter_tid = await_startup(&waiter_up);
	if (mode == MODE_PIPE) {
		if ((err = pthread_create(&waker, NULL, waker_main, NULL)))
			fail("pthread_create (waker)", err);
		waker_tid = await_startup(&waker_up);
	}
	if (mode == MODE_HOP) {
		struct sched_param param = { .sched_priority = CONTROLLER_FIFO_PRIO };

		if ((err = pthread_create(&hog2, NULL, hog2_main, NULL)))
			fail("pthread_create (hog2)", err);
		hog2_tid = await_startup(&hog2_up);
		if (sched_setscheduler(0, SCHED_FIFO, &param))
			fail("sched_setscheduler (SCHED_FIFO controller)", errno);
	}

	if (drop_to_nobody) {
		/* glibc changes the IDs of every thread; leaving UID 0 drops
		 * every capability */
		if (setgroups(0, NULL))
			fail("setgroups", errno);
		if (setresgid(65534, 65534, 65534))
			fail("setresgid", errno);
		if (setresuid(65534, 65534, 65534))
			fail("setresuid", errno);
		/* the ID change made the process non-dumpable, its /proc files
		 * root's: nobody could not write its threads' comm */
		if (prctl(PR_SET_DUMPABLE, 1))
			fail("prctl (PR_SET_DUMPABLE)", errno);
		if (waiter_name && (err = pthread_setname_np(waiter, waiter_name)))
			fail("pthread_setname_np (waiter, as nobody)", err);
		if (other_name) {
			if ((err = pthread_setname_np(hog, other_name)) ||
			    (err = pthread_setname_np(pthread_self(), other_name)) ||
			    (mode == MODE_PIPE && (err = pthread_setname_np(waker, other_name))) ||
			    (mode == MODE_HOP && (err = pthread_setname_np(hog2, other_name))))
				fail("pthread_setname_np (as nobody)", err);
		}
	}
	printf("latgen pid=%d waiter_tid=%d hog_tid=%d controller_tid=%d cpu=%d delay_ms=%ld",
	       (int)getpid(), waiter_tid, hog_tid, (int)gettid(), target_cpu, delay_ms);
	if (waker_tid)
		printf(" waker_tid=%d", waker_tid);
	if (hog2_tid)
		printf(" hog2_tid=%d", hog2_tid);
	printf(" controller_cpu=%d\n", controller_cpu);
	if (stop_first && raise(SIGSTOP))
		fail("raise (SIGSTOP)", errno);
	if (start_delay_ms)
		sleep_ns(start_delay_ms * 1000000LL);

	for (uint32_t round = 1; round <= (uint32_t)count; round++) {
		long long settle_deadline = clock_ns() + SETTLE_TIMEOUT_NS, t = 0;
		bool late = false;

		if (round > 1 && interval_ms)
			sleep_ns(interval_ms * 1000000LL);
		/*
		 * Both threads must be asleep in their futex waits: the waiter has
		 * armed this round (nothing after that can block but the futex)
		 * and the kernel shows it sleeping; then the hog's wakeup finds an
		 * idle or fair-class CPU and the waiter's is a real wakeup.
		 */
		while (atomic_load_explicit(&waiter_armed, memory_order_acquire) != round ||
		       task_state(waiter_tid) != 'S' || task_state(hog_tid) != 'S' ||
		       (hog2_tid && task_state(hog2_tid) != 'S')) {
			if (clock_ns() > settle_deadline)
				fail("waiter and hog did not go to sleep within 10 s", ETIMEDOUT);
			sleep_ns(100000);
		}

		if (mode == MODE_PREEMPT) {
			/* the waiter spins first; the hog's wakeup preempts it */
			publish(&waiter_round, round);
			await_running(&waiter_busy, round, waiter_tid, 'R');
			publish(&hog_round, round);
		} else {
			if (mode == MODE_TIMER) {
				/* the waiter must sleep before the hog spins */
				atomic_store_explicit(&t_wake_ns, clock_ns() + TIMER_LEAD_NS,
						      memory_order_release);
				publish(&waiter_round, round);
				await_running(&waiter_busy, round, waiter_tid, 'S');
			}
			publish(&hog_round, round);
			/* the hog runs on the other CPU; 1 s is far beyond any wake-up */
			settle_deadline = clock_ns() + 1000000000LL;
			while (atomic_load_explicit(&hog_spinning, memory_order_acquire) != round) {
				if (clock_ns() > settle_deadline)
					fail("SCHED_FIFO hog did not start running within 1 s", ETIMEDOUT);
				cpu_relax();
			}
			/* a loaded machine started the hog after the timer: that
			 * round does not count, and is made again */
			if (mode == MODE_TIMER && clock_ns() >= atomic_load(&t_wake_ns))
				late = true;
			if (mode == MODE_PIPE) {
				atomic_store_explicit(&waiter_round, round, memory_order_release);
				publish(&waker_round, round);
			} else if (mode != MODE_TIMER) {
				t = clock_ns();
				atomic_store_explicit(&t_wake_ns, t, memory_order_release);
				publish(&waiter_round, round);
				wake_call_ns = clock_ns() - t;
			}
			if (mode == MODE_MIGRATE) {
				cpu_set_t to;

				sleep_ns(spin_ns / 2);
				CPU_ZERO(&to);
				CPU_SET(controller_cpu, &to);
				if (sched_setaffinity(waiter_tid, sizeof(to), &to))
					fail("sched_setaffinity (moving the waiter)", errno);
			}
			if (mode == MODE_HOP) {
				cpu_set_t to;

				sleep_ns(spin_ns / 2);
				/* hog2 queues behind this FIFO 20 thread, the
				 * waiter then behind hog2 */
				publish(&hog2_round, round);
				CPU_ZERO(&to);
				CPU_SET(controller_cpu, &to);
				if (sched_setaffinity(waiter_tid, sizeof(to), &to))
					fail("sched_setaffinity (moving the waiter)", errno);
				moved_ns = clock_ns() - t;
				publish(&hog_release, round);
			}
		}

		await_change(&reported, round - 1);
		if (late) {
			if (++late_rounds > count + 10)
				fail("the hog started after the waiter's timer, round after round", ETIMEDOUT);
			count++;
			continue;
		}
		printf("wait_us=%lld%s", (measured_ns + 500) / 1000,
		       was_preempted ? " preempted=1" : "");
		if (kernel_ns >= 0)
			printf(" run_delay_us=%lld", (kernel_ns + 500) / 1000);
		printf(" ran_mono_us=%lld ran_real_us=%lld", ran_mono_ns / 1000,
		       ran_real_ns / 1000);
		if (mode == MODE_MIGRATE || mode == MODE_HOP)
			printf(" cpu=%d", ran_on_cpu);
		if (wake_call_ns >= 0)
			printf(" wake_call_us=%lld", (wake_call_ns + 999) / 1000);
		if (moved_ns >= 0)
			printf(" moved_us=%lld", (moved_ns + 500) / 1000);
		printf("\n");
	}

	atomic_store(&quit, 1);
	publish(&hog_round, (uint32_t)count + 1);
	publish(&waiter_round, (uint32_t)count + 1);
	if (mode == MODE_PIPE) {
		publish(&waker_round, (uint32_t)count + 1);
		pthread_join(waker, NULL);
		if (write(wake_pipe[1], "q", 1) != 1)
			fail("write (quit)", errno);
	}
	if (mode == MODE_HOP) {
		publish(&hog2_round, (uint32_t)count + 1);
		pthread_join(hog2, NULL);
	}
	pthread_join(hog, NULL);
	pthread_join(waiter, NULL);
	printf("done");
	if (waiter_total_ns >= 0)
		printf(" waiter_run_delay_us=%lld", (waiter_total_ns + 500) / 1000);
	printf("\n");
	return 0;
}
