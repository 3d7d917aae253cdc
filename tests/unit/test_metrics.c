// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Prometheus text exposition format of /metrics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "summary/prometheus.h"

static char *render(const struct metrics_input *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_true(metrics_render(f, in) > 0);
	fclose(f);
	return buf;
}

static int count_lines_with(const char *page, const char *needle)
{
	int n = 0;

	for (const char *p = page; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

#define assert_line(page, line)                                                 \
	do {                                                                    \
		const char *l_ = (line);                                        \
		const char *p_ = strstr(page, l_);                              \
		if (!p_ || (p_ != page && p_[-1] != '\n') || p_[strlen(l_)] != '\n') \
			fail_msg("no line '%s' in:\n%s", l_, page);             \
	} while (0)

static const struct metrics_input base = {
	.outliers = 7,
	.lost_ringbuf = 2,
	.not_recorded = 3,
	.missed_switch_ins = 5,
	.storage_bytes = 4096,
	.version = "0.1.0",
	.storage = "task",
};

static void test_plain_histogram(void **state)
{
	struct series s = { 0 };
	struct metrics_input in = base;
	char *page;

	(void)state;
	s.h.slots[0] = 4;	/* 0-1 us */
	s.h.slots[1] = 1;	/* 2-3 us */
	s.h.slots[10] = 2;	/* 1024-2047 us */
	s.h.slots[RQS_HIST_SLOTS - 1] = 1;
	s.h.sum_ns = 3001002003ULL;
	in.series = &s;
	in.nseries = 1;
	page = render(&in);
	assert_line(page, "# TYPE runqslower_ts_wait_seconds histogram");
	/* cumulative, on the slots' upper bounds, in seconds */
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.000002\"} 4");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.000004\"} 5");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.001024\"} 5");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.002048\"} 7");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"1.048576\"} 7");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"2147.483648\"} 7");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"+Inf\"} 8");
	assert_line(page, "runqslower_ts_wait_seconds_sum 3.001002003");
	assert_line(page, "runqslower_ts_wait_seconds_count 8");
	/* one bucket per finite slot bound, and +Inf */
	assert_int_equal(count_lines_with(page, "runqslower_ts_wait_seconds_bucket{"),
			 RQS_HIST_SLOTS);
	assert_null(strstr(page, "wait_overflow"));
	assert_line(page, "runqslower_ts_outliers_total 7");
	assert_line(page, "runqslower_ts_lost_events_total{reason=\"ringbuf_full\"} 2");
	assert_line(page, "runqslower_ts_wakeups_not_recorded_total 3");
	assert_line(page, "runqslower_ts_waits_missed_total 5");
	assert_line(page, "runqslower_ts_storage_bytes 4096");
	assert_line(page, "runqslower_ts_build_info{version=\"0.1.0\",storage=\"task\"} 1");
	assert_line(page, "# TYPE runqslower_ts_outliers_total counter");
	assert_line(page, "# TYPE runqslower_ts_storage_bytes gauge");
	/* every family has HELP and TYPE, and the page ends with a newline */
	assert_int_equal(count_lines_with(page, "# HELP "), 7);
	assert_int_equal(count_lines_with(page, "# TYPE "), 7);
	assert_int_equal(page[strlen(page) - 1], '\n');
	free(page);
}

static void test_by_cgroup_with_overflow(void **state)
{
	struct series s[2] = { { .label = "/" }, { .label = "/a \"b\" \\\\x01" } };
	struct metrics_input in = base;
	struct hist over = { 0 };
	char *page;

	(void)state;
	s[0].h.slots[2] = 3;
	s[0].h.sum_ns = 15000;
	s[1].h.slots[0] = 1;
	over.slots[5] = 9;
	over.sum_ns = 9 * 40000;
	in.by = RQS_BY_CGROUP;
	in.series = s;
	in.nseries = 2;
	in.overflow = &over;
	in.overflow_keys = 1024;
	page = render(&in);
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/\",le=\"0.000004\"} 0");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/\",le=\"0.000008\"} 3");
	assert_line(page, "runqslower_ts_wait_seconds_sum{cgroup=\"/\"} 0.000015000");
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/\"} 3");
	/* the exposition format escapes " and \ */
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/a \\\"b\\\" \\\\\\\\x01\"} 1");
	assert_line(page, "# TYPE runqslower_ts_wait_overflow_seconds histogram");
	assert_line(page, "runqslower_ts_wait_overflow_seconds_bucket{le=\"0.000064\"} 9");
	assert_line(page, "runqslower_ts_wait_overflow_seconds_count 9");
	assert_line(page, "runqslower_ts_wait_overflow_seconds_sum 0.000360000");
	free(page);
}

static void test_by_label_names(void **state)
{
	struct series s = { .label = "1" };
	struct metrics_input in = base;
	char *page;

	(void)state;
	assert_null(metrics_by_label(RQS_BY_NONE));
	assert_string_equal(metrics_by_label(RQS_BY_CPU), "cpu");
	assert_string_equal(metrics_by_label(RQS_BY_COMM), "comm");
	assert_string_equal(metrics_by_label(RQS_BY_CGROUP), "cgroup");
	in.by = RQS_BY_CPU;
	in.series = &s;
	in.nseries = 1;
	page = render(&in);
	assert_line(page, "runqslower_ts_wait_seconds_count{cpu=\"1\"} 0");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cpu=\"1\",le=\"+Inf\"} 0");
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_histogram),
		cmocka_unit_test(test_by_cgroup_with_overflow),
		cmocka_unit_test(test_by_label_names),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
