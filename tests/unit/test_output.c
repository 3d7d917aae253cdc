// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "report/text_lines.h"
#include "report/wake_source.h"
#include "capture.h"

/* 2021-03-04 13:04:55.250001 UTC, as the events' CLOCK_MONOTONIC time
 * TS_NS plus REAL_MINUS_MONO */
#define WHEN ((time_t)1614863095)
#define TS_NS 12345678901234ULL
#define REAL_MINUS_MONO ((long long)WHEN * 1000000000LL + 250001999LL - (long long)TS_NS)

static char *render(int (*fn)(FILE *, void *), void *arg)
{
	struct capture c;

	assert_true(fn(capture_open(&c), arg) > 0);
	return capture_close(&c);
}

/* what @fn writes for @arg is @want, or holds @part */
#define assert_renders(fn, arg, want)             \
	do {                                      \
		char *text_ = render(fn, arg);    \
		assert_string_equal(text_, want); \
		free(text_);                      \
	} while (0)
#define assert_renders_part(fn, arg, part)            \
	do {                                          \
		char *text_ = render(fn, arg);        \
		assert_non_null(strstr(text_, part)); \
		free(text_);                          \
	} while (0)

struct banner_args {
	unsigned long long min_us;
	struct output_format f;
};

static int banner(FILE *f, void *arg)
{
	struct banner_args *a = arg;

	return print_banner(f, a->min_us, &a->f);
}

struct event_args {
	struct rqs_event e;
	struct output_format f;
};

static int event(FILE *f, void *arg)
{
	struct event_args *a = arg;

	if (!a->e.ts_ns)
		a->e.ts_ns = TS_NS;
	return print_event(f, &a->e, &a->f, REAL_MINUS_MONO, NULL);
}

static void test_banner(void **state)
{
	struct banner_args a = { .min_us = 10000 };

	(void)state;
	assert_renders(banner, &a,
		"Tracing run queue latency higher than 10000 us\n"
		"TIME     COMM             TID           LAT(us)\n");
	a = (struct banner_args){ .min_us = 0, .f.previous = true };
	assert_renders(banner, &a,
		"Tracing run queue latency higher than 0 us\n"
		"TIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n");
	a = (struct banner_args){ .min_us = 5, .f = { .time = TIME_US, .tgid = true } };
	assert_renders(banner, &a,
		"Tracing run queue latency higher than 5 us\n"
		"TIME            COMM             TID    TGID          LAT(us)\n");
	a = (struct banner_args){ .min_us = 5, .f = { .time = TIME_MONO, .previous = true } };
	assert_renders(banner, &a,
		"Tracing run queue latency higher than 5 us\n"
		"TIME(s)         COMM             TID           LAT(us) PREV COMM        PREV TID\n");
}

static void test_event(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 25013999, .pid = 597, .task = "kworker/1:2" },
	};

	(void)state;
	assert_renders(event, &a, "13:04:55 kworker/1:2      597             25013\n");
}

static void test_event_previous(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 1000, .pid = 4194304, .task = "a",
		       .prev_pid = 12, .prev_task = "hog" },
		.f.previous = true,
	};

	(void)state;
	/* the last column is not padded (upstream pads it to 6) */
	assert_renders(event, &a, "13:04:55 a                4194304              1 hog              12\n");
}

static void test_comm_without_nul(void **state)
{
	struct event_args a = { .e = { .delta_ns = 0, .pid = 1 } };

	(void)state;
	memcpy(a.e.task, "0123456789abcdef", RQS_COMM_LEN);
	memcpy(a.e.prev_task, "ABCDEFGHIJKLMNOP", RQS_COMM_LEN);
	a.f.previous = true;
	assert_renders(event, &a, "13:04:55 0123456789abcdef 1                   0 ABCDEFGHIJKLMNOP 0\n");
}

/* TIME is the switch-in's time, converted from CLOCK_MONOTONIC */
static void test_event_times(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 25013999, .pid = 597, .tgid = 590, .task = "kworker/1:2" },
	};

	(void)state;
	a.f = (struct output_format){ .time = TIME_US };
	assert_renders(event, &a, "13:04:55.250001 kworker/1:2      597             25013\n");
	a.f = (struct output_format){ .time = TIME_MONO, .tgid = true };
	assert_renders(event, &a, "12345.678901    kworker/1:2      597    590             25013\n");
	a.f = (struct output_format){ .time = TIME_US, .tgid = true, .previous = true };
	a.e.prev_pid = 3;
	memcpy(a.e.prev_task, "hog", 4);
	assert_renders(event, &a, "13:04:55.250001 kworker/1:2      597    590             25013 hog              3\n");
	/* a second boundary: 13:04:55.999999 and 13:04:56.000000 */
	a.f = (struct output_format){ .time = TIME_US };
	a.e.prev_pid = 0;
	a.e.ts_ns = TS_NS + 749998001ULL - 1000;
	assert_renders(event, &a, "13:04:55.999999 kworker/1:2      597             25013\n");
	a.e.ts_ns = TS_NS + 749998001ULL;
	assert_renders(event, &a, "13:04:56.000000 kworker/1:2      597             25013\n");
	a.f = (struct output_format){ .time = TIME_HMS };
	assert_renders(event, &a, "13:04:56 kworker/1:2      597             25013\n");
}

static void test_banner_why(void **state)
{
	struct banner_args a = { .min_us = 1, .f = { .waker = true, .cpu = true, .blame = 3 } };

	(void)state;
	assert_renders(banner, &a,
		"Tracing run queue latency higher than 1 us\n"
		"TIME     COMM             TID           LAT(us) WAKER COMM       WAKER TID WAKE      "
		"CPU  FROM RQ   COVER RAN INSTEAD\n");
	/* the last column is not padded; PREV TID is when columns follow */
	a = (struct banner_args){ .min_us = 1, .f = { .waker = true, .previous = true } };
	assert_renders(banner, &a,
		"Tracing run queue latency higher than 1 us\n"
		"TIME     COMM             TID           LAT(us) PREV COMM        PREV TID "
		"WAKER COMM       WAKER TID WAKE\n");
}

static void test_event_waker(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 20013000, .pid = 1235, .task = "waiter", .prev_pid = 12,
		       .prev_task = "hog",
		       .enq = { .waker = { .tid = 1233, .how = RQS_WAKE_WAKEUP, .comm = "latgen" } } },
		.f.waker = true,
	};

	(void)state;
	assert_renders(event, &a, "13:04:55 waiter           1235            20013 latgen           1233      wakeup\n");
	a.f.previous = true;
	assert_renders(event, &a, "13:04:55 waiter           1235            20013 hog              12       latgen           1233      wakeup\n");
	a.f.previous = false;
	a.e.enq.waker.how = RQS_WAKE_PREEMPTED;
	assert_renders_part(event, &a, " 1233      preempted\n");
	/* nothing noted of the interrupt: its kind, not the task */
	a.e.enq.waker.how = RQS_WAKE_SOFTIRQ;
	assert_renders(event, &a, "13:04:55 waiter           1235            20013 [softirq]        -         softirq\n");
	a.e.enq.waker.how = RQS_WAKE_IRQ;
	assert_renders(event, &a, "13:04:55 waiter           1235            20013 [irq]            -         irq\n");
	a.e.enq.waker.how = RQS_WAKE_NEW;
	assert_renders_part(event, &a, " 1233      new\n");
	a.e.enq.waker.how = 0;
	assert_renders_part(event, &a, " 1233      -\n");
}

/* a fake /sys/kernel/irq, /proc/interrupts and /proc/softirqs */
static char fake_dir[64], fake_interrupts[128], fake_softirqs[128];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int fake_setup(void **state)
{
	char path[256];

	(void)state;
	strcpy(fake_dir, "/tmp/rqs-unit-irq.XXXXXX");
	assert_non_null(mkdtemp(fake_dir));
	snprintf(path, sizeof(path), "%s/24", fake_dir);
	assert_int_equal(mkdir(path, 0755), 0);
	put("24/actions", "eth0,PCIe PME\n");
	/* kernel/irq/proc.c show_interrupts(), 2 CPUs */
	put("interrupts",
	    "           CPU0       CPU1       \n"
	    "  9:          0          0   IO-APIC   9-fasteoi   acpi\n"
	    " 41:      13947          0 PCI-MSIX-0000:00:04.0   1-edge      virtio3-rx, other\n"
	    "NMI:          0          0   Non-maskable interrupts\n");
	put("softirqs",
	    "                    CPU0       CPU1       \n"
	    "          HI:          1          0\n"
	    "       TIMER:     163530     175519\n"
	    "      NET_TX:          3          5\n"
	    "      NET_RX:      34102      17390\n");
	snprintf(fake_interrupts, sizeof(fake_interrupts), "%s/interrupts", fake_dir);
	snprintf(fake_softirqs, sizeof(fake_softirqs), "%s/softirqs", fake_dir);
	wake_source_paths(fake_dir, fake_interrupts, fake_softirqs);
	return 0;
}

static int fake_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_dir);
	assert_int_equal(system(cmd), 0);
	wake_source_paths("/sys/kernel/irq", "/proc/interrupts", "/proc/softirqs");
	return 0;
}

/* -W from interrupt work: the work named, TID "-", the columns kept */
static void test_event_waker_interrupt(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 20013000, .pid = 1235, .task = "waiter",
		       .enq = { .waker = { .tid = 1233, .how = RQS_WAKE_IRQ, .comm = "hog",
					   .irq = 24 + 1 } } },
		.f.waker = true,
	};

	(void)state;
	/* /sys/kernel/irq/24/actions: its blank becomes '_' */
	assert_renders(event, &a, "13:04:55 waiter           1235            20013 [irq/24-eth0,PCIe_PME] -         irq\n");
	/* no such directory: the /proc/interrupts line's last field */
	a.e.enq.waker.irq = 41 + 1;
	assert_renders(event, &a, "13:04:55 waiter           1235            20013 [irq/41-virtio3-rx,_other] -         irq\n");
	a.e.enq.waker.irq = 9 + 1;
	assert_renders_part(event, &a, " [irq/9-acpi]     -         irq\n");
	/* gone by now: the number alone */
	a.e.enq.waker.irq = 77 + 1;
	assert_renders_part(event, &a, " [irq/77]         -         irq\n");
	/* irq 0 is an irq (the timer on x86 before the local APIC) */
	a.e.enq.waker.irq = 0 + 1;
	assert_renders_part(event, &a, " [irq/0]          -         irq\n");
	/* a hard hrtimer, inside a device interrupt or not */
	a.e.enq.waker.hrtimer = 1;
	assert_renders_part(event, &a, " [hrtimer]        -         irq\n");
	a.e.enq.waker.irq = 0;
	assert_renders_part(event, &a, " [hrtimer]        -         irq\n");
	/* a softirq: /proc/softirqs' row of its vector, lower case */
	a.e.enq.waker = (struct rqs_waker){ .tid = 1233, .how = RQS_WAKE_SOFTIRQ, .comm = "hog",
					    .softirq = 3 + 1 };
	assert_renders(event, &a, "13:04:55 waiter           1235            20013 [softirq/net_rx] -         softirq\n");
	a.e.enq.waker.softirq = 1 + 1;
	assert_renders_part(event, &a, " [softirq/timer]  -         softirq\n");
	/* a vector past the rows listed: its number */
	a.e.enq.waker.softirq = 9 + 1;
	assert_renders_part(event, &a, " [softirq/9]      -         softirq\n");
	/* fields of another kind are not read */
	a.e.enq.waker = (struct rqs_waker){ .tid = 1233, .how = RQS_WAKE_WAKEUP, .comm = "latgen",
					    .softirq = 4, .hrtimer = 1, .irq = 25 };
	assert_renders_part(event, &a, " latgen           1233      wakeup\n");
	a.e.enq.waker.how = RQS_WAKE_PREEMPTED;
	assert_renders_part(event, &a, " latgen           1233      preempted\n");
	/* with --cpu after it: padded as before */
	a.e.enq.waker = (struct rqs_waker){ .how = RQS_WAKE_SOFTIRQ, .softirq = 1 };
	a.f.cpu = true;
	a.e.enq.rq_len = 2;
	assert_renders_part(event, &a, " [softirq/hi]     -         softirq   0    -    2\n");
}

/* without /proc/softirqs: the kernel's table */
static void test_softirq_builtin_names(void **state)
{
	(void)state;
	wake_source_paths(NULL, NULL, "/nonexistent/softirqs");
	assert_string_equal(softirq_name(0), "hi");
	assert_string_equal(softirq_name(3), "net_rx");
	assert_string_equal(softirq_name(5), "irq_poll");
	assert_string_equal(softirq_name(9), "rcu");
	assert_null(softirq_name(10));
	wake_source_paths(NULL, NULL, "/proc/softirqs");
}

static void test_event_cpu(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 5000000, .pid = 7, .task = "t", .cpu = 1,
		       .enq = { .cpu = 1, .rq_len = 2 } },
		.f.cpu = true,
	};

	(void)state;
	assert_renders(event, &a, "13:04:55 t                7                5000 1    -    2\n");
	a.e.enq.cpu = 0;
	a.e.enq.rq_len = RQS_RQ_UNKNOWN;
	assert_renders(event, &a, "13:04:55 t                7                5000 1    0    -\n");
}

static void test_event_blame(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 20000000, .pid = 9, .task = "waiter", .nr_blame = 6,
		       .blame = {
			       { .ns = 1500, .tid = 55, .comm = "kworker/1:0" },
			       { .ns = 18000000, .tid = 8, .comm = "hog" },
			       { .ns = 0, .tid = 77, .comm = "outside" },
			       { .ns = 400000, .tid = 55, .comm = "kworker/1:0" },
			       { .ns = 20000, .tid = 3, .comm = "ksoftirqd/1" },
			       { .ns = 900, .tid = 9, .comm = "waiter" },
		       } },
		.f.blame = 2,
	};

	(void)state;
	/* summed by TID, largest first, 2 of 3 shown, all counted in COVER;
	 * empty slots and the waiter itself never */
	assert_renders(event, &a, "13:04:55 waiter           9               20000   92% hog[8]=18000us kworker/1:0[55]=401us\n");
	a.e.nr_blame = 0;
	assert_renders(event, &a, "13:04:55 waiter           9               20000    0% -\n");
	a.e.nr_blame = 1;
	a.e.blame[0] = (struct rqs_blame){ .ns = 30000000, .tid = 8, .comm = "hog" };
	assert_renders_part(event, &a, "  100% hog[8]=30000us\n");
}

/* A wait that migrated from CPU 1 to CPU 0, where it ran: each share
 * summed per TID and CPU, one from CPU 1 marked @1; an idle task is no
 * share and no covered time, on either CPU */
static void test_event_blame_cpus(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 45000000, .pid = 9, .task = "waiter", .cpu = 0, .nr_blame = 5,
		       .blame = {
			       { .ns = 5000000, .tid = 8, .comm = "hog", .cpu = 1 },
			       { .ns = 9000000, .tid = 0, .comm = "swapper/1", .cpu = 1 },
			       { .ns = 10000000, .tid = 8, .comm = "hog", .cpu = 1 },
			       { .ns = 20000000, .tid = 0, .comm = "swapper/0", .cpu = 0 },
			       { .ns = 600000, .tid = 8, .comm = "hog", .cpu = 0 },
		       } },
		.f.blame = 3,
	};

	(void)state;
	assert_renders(event, &a, "13:04:55 waiter           9               45000   35% hog[8]@1=15000us hog[8]=600us\n");
}

/* Its group's throttled time first, then each task with its cgroup (by id
 * without names); none when the kernel keeps no count, or it was 0 */
static void test_event_blame_throttled_cgroup(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 40000000, .pid = 9, .task = "waiter", .cpu = 0, .nr_blame = 2,
		       .throttled_ns = 30000000,
		       .blame = {
			       { .ns = 8000000, .tid = 8, .comm = "hog", .cgroup = 4242 },
			       { .ns = 2000000, .tid = 0, .comm = "swapper/0" },
		       } },
		.f.blame = 3,
	};

	(void)state;
	assert_renders(event, &a, "13:04:55 waiter           9               40000   20% throttled=30000us hog[8]=8000us(cgroup 4242)\n");
	a.e.throttled_ns = RQS_THROTTLED_UNKNOWN;
	assert_renders_part(event, &a, "   20% hog[8]=8000us(cgroup 4242)\n");
	a.e.throttled_ns = 0;
	a.e.nr_blame = 0;
	assert_renders_part(event, &a, "    0% -\n");
	a.e.throttled_ns = 1000000;
	assert_renders_part(event, &a, "    0% throttled=1000us\n");
}

/* A run a switch not seen cut short (the idle task's included): its time
 * is unseen, neither an entry nor covered, after the throttled time */
static void test_event_blame_unseen(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 40000000, .pid = 9, .task = "waiter", .cpu = 0, .nr_blame = 4,
		       .throttled_ns = RQS_THROTTLED_UNKNOWN,
		       .blame = {
			       { .ns = 8000000, .tid = 8, .comm = "hog" },
			       { .ns = 20000000, .tid = 76, .comm = "agent",
				 .flags = RQS_BLAME_UNSEEN },
			       { .ns = 2000000, .tid = 0, .comm = "swapper/0",
				 .flags = RQS_BLAME_UNSEEN },
			       { .ns = 4000000, .tid = 8, .comm = "hog" },
		       } },
		.f.blame = 3,
	};

	(void)state;
	assert_renders_part(event, &a, "   30% unseen=22000us hog[8]=12000us\n");
	a.e.throttled_ns = 5000000;
	assert_renders_part(event, &a, "   30% throttled=5000us unseen=22000us hog[8]=12000us\n");
	a.e.blame[0].flags = RQS_BLAME_UNSEEN;
	a.e.blame[3].flags = RQS_BLAME_UNSEEN;
	assert_renders_part(event, &a, "    0% throttled=5000us unseen=34000us\n");
	a.e.throttled_ns = 0;
	assert_renders_part(event, &a, "    0% unseen=34000us\n");
	/* the waiter's own run, its switch-out hidden (a host agent's
	 * thread): who held the CPU is not known, not no one */
	a.e.nr_blame = 1;
	a.e.delta_ns = 521;
	a.e.blame[0] = (struct rqs_blame){ .ns = 521, .tid = 9, .comm = "waiter",
					   .flags = RQS_BLAME_UNSEEN };
	assert_renders_part(event, &a, "    0% unseen=0us\n");
	a.e.blame[0].flags = 0;
	assert_renders_part(event, &a, "    0% -\n");
}

/* A task that exited before the report, its COMM no longer readable: one
 * share per TID, "(exited)", counted in COVER. A slot of the same TID with
 * a name read is another task's (the TID was had again), its own entry;
 * so is one of the same TID and another COMM. */
static void test_event_blame_exited(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 20000000, .pid = 9, .task = "waiter", .cpu = 0, .nr_blame = 3,
		       .blame = {
			       { .ns = 12000000, .tid = 8, .flags = RQS_BLAME_EXITED },
			       { .ns = 3000000, .tid = 7, .comm = "worker" },
			       { .ns = 5000000, .tid = 8, .flags = RQS_BLAME_EXITED },
		       } },
		.f.blame = 3,
	};
	char *s;

	(void)state;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 waiter           9               20000  100% (exited)[8]=17000us worker[7]=3000us\n");
	free(s);
	a.e.blame[0] = (struct rqs_blame){ .ns = 12000000, .tid = 8, .comm = "spinner" };
	s = render(event, &a);
	assert_non_null(strstr(s, "  100% spinner[8]=12000us (exited)[8]=5000us worker[7]=3000us\n"));
	free(s);
	a.e.blame[2] = (struct rqs_blame){ .ns = 5000000, .tid = 8, .comm = "newborn" };
	s = render(event, &a);
	assert_non_null(strstr(s, "  100% spinner[8]=12000us newborn[8]=5000us worker[7]=3000us\n"));
	free(s);
	a.e.blame[2] = (struct rqs_blame){ .ns = 5000000, .tid = 8, .comm = "spinner" };
	s = render(event, &a);
	assert_non_null(strstr(s, "  100% spinner[8]=17000us worker[7]=3000us\n"));
	free(s);
}

/* Names any user picks, in every column that prints one: COMM, PREV COMM,
 * WAKER COMM, RAN INSTEAD. The forged line, the clear screen, CSI (U+009B),
 * RLO (U+202E) and a byte that is no UTF-8 reach no terminal raw; ordinary
 * names keep their columns. */
static void test_event_untrusted_names(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 20000000, .pid = 9, .task = "x\n00:00:00 sshd",
		       .prev_pid = 8, .prev_task = "\x1b[2J\xc2\x9b",
		       .enq = { .waker = { .tid = 7, .how = RQS_WAKE_WAKEUP,
					   .comm = "\xe2\x80\xae" "abc\\" } },
		       .nr_blame = 1,
		       .blame = { { .ns = 20000000, .tid = 8, .comm = "h\xffg\x7f" } } },
		.f = { .previous = true, .waker = true, .blame = 1 },
	};

	(void)state;
	assert_renders(event, &a, "13:04:55 x\\x0a00:00:00 sshd 9               20000 "
			       "\\x1b[2J\\u009b    8        \\u202eabc\\\\      7         wakeup "
			       "    100% h\\xffg\\x7f[8]=20000us\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_untrusted_names),
		cmocka_unit_test(test_banner_why),
		cmocka_unit_test(test_event_waker),
		cmocka_unit_test_setup_teardown(test_event_waker_interrupt, fake_setup, fake_teardown),
		cmocka_unit_test(test_softirq_builtin_names),
		cmocka_unit_test(test_event_cpu),
		cmocka_unit_test(test_event_blame),
		cmocka_unit_test(test_event_blame_cpus),
		cmocka_unit_test(test_event_blame_exited),
		cmocka_unit_test(test_event_blame_throttled_cgroup),
		cmocka_unit_test(test_event_blame_unseen),
		cmocka_unit_test(test_banner),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_event_previous),
		cmocka_unit_test(test_comm_without_nul),
		cmocka_unit_test(test_event_times),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
