// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output.h"

/* 2021-03-04 13:04:55 UTC */
#define WHEN ((time_t)1614863095)

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
	bool previous;
};

static int banner(FILE *f, void *arg)
{
	struct banner_args *a = arg;

	return print_banner(f, a->min_us, a->previous);
}

struct event_args {
	struct rqs_event e;
	bool previous;
};

static int event(FILE *f, void *arg)
{
	struct event_args *a = arg;

	return print_event(f, &a->e, WHEN, a->previous);
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
	a = (struct banner_args){ .min_us = 0, .previous = true };
	s = render(banner, &a);
	assert_string_equal(s,
		"Tracing run queue latency higher than 0 us\n"
		"TIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n");
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
		.previous = true,
	};
	char *s;

	(void)state;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 a                4194304              1 hog              12    \n");
	free(s);
}

static void test_comm_without_nul(void **state)
{
	struct event_args a = { .e = { .delta_ns = 0, .pid = 1 } };
	char *s;

	(void)state;
	memcpy(a.e.task, "0123456789abcdef", RQS_COMM_LEN);
	memcpy(a.e.prev_task, "ABCDEFGHIJKLMNOP", RQS_COMM_LEN);
	a.previous = true;
	s = render(event, &a);
	assert_string_equal(s, "13:04:55 0123456789abcdef 1                   0 ABCDEFGHIJKLMNOP 0     \n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_event_previous),
		cmocka_unit_test(test_comm_without_nul),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
