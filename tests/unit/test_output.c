// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "report/text_lines.h"

/* 2021-03-04 13:04:55.250001 UTC, as the events' CLOCK_MONOTONIC time
 * TS_NS plus REAL_MINUS_MONO */
#define WHEN ((time_t)1614863095)
#define TS_NS 12345678901234ULL
#define REAL_MINUS_MONO ((long long)WHEN * 1000000000LL + 250001999LL - (long long)TS_NS)

static char *render(int (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_true(fn(f, arg) > 0);
	fclose(f);
	return buf;
}

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
	return print_event(f, &a->e, &a->f, REAL_MINUS_MONO);
}

static void test_banner(void **state)
{
	struct banner_args a = { .min_us = 10000 };
	char *s;

	(void)state;
	s = render(banner, &a);
	assert_string_equal(s,
		"Tracing run queue latency higher than 10000 us\n"
		"TIME     COMM             TID           LAT(us)\n");
	free(s);
	a = (struct banner_args){ .min_us = 0, .f.previous = true };
	s = render(banner, &a);
	assert_string_equal(s,
		"Tracing run queue latency higher than 0 us\n"
		"TIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n");
	free(s);
	a = (struct banner_args){ .min_us = 5, .f = { .time = TIME_US, .tgid = true } };
	s = render(banner, &a);
	assert_string_equal(s,
		"Tracing run queue latency higher than 5 us\n"
		"TIME            COMM             TID    TGID          LAT(us)\n");
	free(s);
	a = (struct banner_args){ .min_us = 5, .f = { .time = TIME_MONO, .previous = true } };
	s = render(banner, &a);
	assert_string_equal(s,
		"Tracing run queue latency higher than 5 us\n"
		"TIME(s)         COMM             TID           LAT(us) PREV COMM        PREV TID\n");
	free(s);
}

static void test_event(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 25013999, .pid = 597, .task = "kworker/1:2" },
	};
	char *s;

	(void)state;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 kworker/1:2      597             25013\n");
	free(s);
}

static void test_event_previous(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 1000, .pid = 4194304, .task = "a",
		       .prev_pid = 12, .prev_task = "hog" },
		.f.previous = true,
	};
	char *s;

	(void)state;
	s = render(event, &a);
	/* the last column is not padded (upstream pads it to 6) */
	assert_string_equal(s, "13:04:55 a                4194304              1 hog              12\n");
	free(s);
}

static void test_comm_without_nul(void **state)
{
	struct event_args a = { .e = { .delta_ns = 0, .pid = 1 } };
	char *s;

	(void)state;
	memcpy(a.e.task, "0123456789abcdef", RQS_COMM_LEN);
	memcpy(a.e.prev_task, "ABCDEFGHIJKLMNOP", RQS_COMM_LEN);
	a.f.previous = true;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 0123456789abcdef 1                   0 ABCDEFGHIJKLMNOP 0\n");
	free(s);
}

/* TIME is the switch-in's time, converted from CLOCK_MONOTONIC */
static void test_event_times(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 25013999, .pid = 597, .tgid = 590, .task = "kworker/1:2" },
	};
	char *s;

	(void)state;
	a.f = (struct output_format){ .time = TIME_US };
	s = render(event, &a);
	assert_string_equal(s, "13:04:55.250001 kworker/1:2      597             25013\n");
	free(s);
	a.f = (struct output_format){ .time = TIME_MONO, .tgid = true };
	s = render(event, &a);
	assert_string_equal(s, "12345.678901    kworker/1:2      597    590             25013\n");
	free(s);
	a.f = (struct output_format){ .time = TIME_US, .tgid = true, .previous = true };
	a.e.prev_pid = 3;
	memcpy(a.e.prev_task, "hog", 4);
	s = render(event, &a);
	assert_string_equal(s, "13:04:55.250001 kworker/1:2      597    590             25013 hog              3\n");
	free(s);
	/* a second boundary: 13:04:55.999999 and 13:04:56.000000 */
	a.f = (struct output_format){ .time = TIME_US };
	a.e.prev_pid = 0;
	a.e.ts_ns = TS_NS + 749998001ULL - 1000;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55.999999 kworker/1:2      597             25013\n");
	free(s);
	a.e.ts_ns = TS_NS + 749998001ULL;
	s = render(event, &a);
	assert_string_equal(s, "13:04:56.000000 kworker/1:2      597             25013\n");
	free(s);
	a.f = (struct output_format){ .time = TIME_HMS };
	s = render(event, &a);
	assert_string_equal(s, "13:04:56 kworker/1:2      597             25013\n");
	free(s);
}

static void test_banner_why(void **state)
{
	struct banner_args a = { .min_us = 1, .f = { .waker = true, .cpu = true, .blame = 3 } };
	char *s;

	(void)state;
	s = render(banner, &a);
	assert_string_equal(s,
		"Tracing run queue latency higher than 1 us\n"
		"TIME     COMM             TID           LAT(us) WAKER COMM       WAKER TID WAKE      "
		"CPU  FROM RQ   COVER RAN INSTEAD\n");
	free(s);
	/* the last column is not padded; PREV TID is when columns follow */
	a = (struct banner_args){ .min_us = 1, .f = { .waker = true, .previous = true } };
	s = render(banner, &a);
	assert_string_equal(s,
		"Tracing run queue latency higher than 1 us\n"
		"TIME     COMM             TID           LAT(us) PREV COMM        PREV TID "
		"WAKER COMM       WAKER TID WAKE\n");
	free(s);
}

static void test_event_waker(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 20013000, .pid = 1235, .task = "waiter", .prev_pid = 12,
		       .prev_task = "hog",
		       .enq = { .waker = { .tid = 1233, .how = RQS_WAKE_WAKEUP, .comm = "latgen" } } },
		.f.waker = true,
	};
	char *s;

	(void)state;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 waiter           1235            20013 latgen           1233      wakeup\n");
	free(s);
	a.f.previous = true;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 waiter           1235            20013 hog              12       latgen           1233      wakeup\n");
	free(s);
	a.f.previous = false;
	a.e.enq.waker.how = RQS_WAKE_PREEMPTED;
	s = render(event, &a);
	assert_non_null(strstr(s, " 1233      preempted\n"));
	free(s);
	a.e.enq.waker.how = RQS_WAKE_SOFTIRQ;
	s = render(event, &a);
	assert_non_null(strstr(s, " 1233      softirq\n"));
	free(s);
	a.e.enq.waker.how = RQS_WAKE_IRQ;
	s = render(event, &a);
	assert_non_null(strstr(s, " 1233      irq\n"));
	free(s);
	a.e.enq.waker.how = RQS_WAKE_NEW;
	s = render(event, &a);
	assert_non_null(strstr(s, " 1233      new\n"));
	free(s);
	a.e.enq.waker.how = 0;
	s = render(event, &a);
	assert_non_null(strstr(s, " 1233      -\n"));
	free(s);
}

static void test_event_cpu(void **state)
{
	struct event_args a = {
		.e = { .delta_ns = 5000000, .pid = 7, .task = "t", .cpu = 1,
		       .enq = { .cpu = 1, .rq_len = 2 } },
		.f.cpu = true,
	};
	char *s;

	(void)state;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 t                7                5000 1    -    2\n");
	free(s);
	a.e.enq.cpu = 0;
	a.e.enq.rq_len = RQS_RQ_UNKNOWN;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 t                7                5000 1    0    -\n");
	free(s);
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
	char *s;

	(void)state;
	/* summed by TID, largest first, 2 of 3 shown, all counted in COVER;
	 * empty slots and the waiter itself never */
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 waiter           9               20000   92% hog[8]=18000us kworker/1:0[55]=401us\n");
	free(s);
	a.e.nr_blame = 0;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 waiter           9               20000    0% -\n");
	free(s);
	a.e.nr_blame = 1;
	a.e.blame[0] = (struct rqs_blame){ .ns = 30000000, .tid = 8, .comm = "hog" };
	s = render(event, &a);
	assert_non_null(strstr(s, "  100% hog[8]=30000us\n"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner_why),
		cmocka_unit_test(test_event_waker),
		cmocka_unit_test(test_event_cpu),
		cmocka_unit_test(test_event_blame),
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
