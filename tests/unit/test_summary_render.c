// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* -s and -i with -j: the summary records carry the text summary's figures,
 * bucket for bucket, and each record is one line of valid JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "summary/summary_render.h"
#include "capture.h"

/* 2026-11-30 17:08:15.123456 UTC */
#define WALL_NS 1796058495123456000LL

static char *render(int (*fn)(FILE *, const struct summary_view *), const struct summary_view *s)
{
	struct capture c;

	assert_int_equal(fn(capture_open(&c), s), 0);
	return capture_close(&c);
}

/* waits of 10, 12 and 40.5 us, the longest the waiter's */
static struct hist three_waits(void)
{
	struct hist h = { 0 };

	h.slots[3] = 2;
	h.slots[5] = 1;
	h.sum_ns = 10000 + 12000 + 40500;
	h.max_ns = 40500;
	h.max_pid = 42;
	strcpy(h.max_comm, "waiter");
	return h;
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void test_keyed_interval(void **state)
{
	struct series v[2] = { { .label = "a\\\\b", .h = three_waits() }, { .label = "idle" } };
	struct hist overflow = { 0 };
	struct summary_view s = {
		.secs = 1, .wall_ns = WALL_NS, .mono_ns = 77, .by = RQS_BY_COMM,
		.max_keys = 2, .v = v, .n = 2, .overflow = &overflow,
	};
	char *json, *text;

	(void)state;
	overflow.slots[31] = 1;
	overflow.sum_ns = 1ULL << 40;
	json = render(summary_render_json, &s);
	/* the series with no waits has no record, as it has no text */
	assert_string_equal(json,
		"{\"type\":\"summary\",\"final\":false,\"time\":\"2026-11-30T17:08:15.123456+00:00\","
		"\"mono_ns\":77,\"seconds\":1,\"by\":\"comm\",\"key\":\"a\\\\\\\\b\",\"count\":3,"
		"\"sum_ns\":62500,\"mean_us\":20,\"buckets\":["
		"{\"low_us\":0,\"high_us\":1,\"count\":0},{\"low_us\":2,\"high_us\":3,\"count\":0},"
		"{\"low_us\":4,\"high_us\":7,\"count\":0},{\"low_us\":8,\"high_us\":15,\"count\":2},"
		"{\"low_us\":16,\"high_us\":31,\"count\":0},{\"low_us\":32,\"high_us\":63,\"count\":1}],"
		"\"percentiles\":{\"p50\":{\"low_us\":8,\"high_us\":15},\"p90\":{\"low_us\":32,\"high_us\":40},"
		"\"p99\":{\"low_us\":32,\"high_us\":40},\"p99.9\":{\"low_us\":32,\"high_us\":40}},"
		"\"max\":{\"us\":40,\"ns\":40500,\"tid\":42,\"comm\":\"waiter\"}}\n"
		/* the overflow: its last slot open above, no maximum known */
		"{\"type\":\"summary\",\"final\":false,\"time\":\"2026-11-30T17:08:15.123456+00:00\","
		"\"mono_ns\":77,\"seconds\":1,\"by\":\"comm\",\"overflow\":true,\"max_keys\":2,"
		"\"count\":1,\"sum_ns\":1099511627776,\"mean_us\":1099511627,\"buckets\":["
		"{\"low_us\":0,\"high_us\":1,\"count\":0},{\"low_us\":2,\"high_us\":3,\"count\":0},"
		"{\"low_us\":4,\"high_us\":7,\"count\":0},{\"low_us\":8,\"high_us\":15,\"count\":0},"
		"{\"low_us\":16,\"high_us\":31,\"count\":0},{\"low_us\":32,\"high_us\":63,\"count\":0},"
		"{\"low_us\":64,\"high_us\":127,\"count\":0},{\"low_us\":128,\"high_us\":255,\"count\":0},"
		"{\"low_us\":256,\"high_us\":511,\"count\":0},{\"low_us\":512,\"high_us\":1023,\"count\":0},"
		"{\"low_us\":1024,\"high_us\":2047,\"count\":0},{\"low_us\":2048,\"high_us\":4095,\"count\":0},"
		"{\"low_us\":4096,\"high_us\":8191,\"count\":0},{\"low_us\":8192,\"high_us\":16383,\"count\":0},"
		"{\"low_us\":16384,\"high_us\":32767,\"count\":0},{\"low_us\":32768,\"high_us\":65535,\"count\":0},"
		"{\"low_us\":65536,\"high_us\":131071,\"count\":0},{\"low_us\":131072,\"high_us\":262143,\"count\":0},"
		"{\"low_us\":262144,\"high_us\":524287,\"count\":0},{\"low_us\":524288,\"high_us\":1048575,\"count\":0},"
		"{\"low_us\":1048576,\"high_us\":2097151,\"count\":0},{\"low_us\":2097152,\"high_us\":4194303,\"count\":0},"
		"{\"low_us\":4194304,\"high_us\":8388607,\"count\":0},{\"low_us\":8388608,\"high_us\":16777215,\"count\":0},"
		"{\"low_us\":16777216,\"high_us\":33554431,\"count\":0},{\"low_us\":33554432,\"high_us\":67108863,\"count\":0},"
		"{\"low_us\":67108864,\"high_us\":134217727,\"count\":0},{\"low_us\":134217728,\"high_us\":268435455,\"count\":0},"
		"{\"low_us\":268435456,\"high_us\":536870911,\"count\":0},{\"low_us\":536870912,\"high_us\":1073741823,\"count\":0},"
		"{\"low_us\":1073741824,\"high_us\":2147483647,\"count\":0},{\"low_us\":2147483648,\"high_us\":null,\"count\":1}],"
		"\"percentiles\":{\"p50\":{\"low_us\":2147483648,\"high_us\":null},"
		"\"p90\":{\"low_us\":2147483648,\"high_us\":null},\"p99\":{\"low_us\":2147483648,\"high_us\":null},"
		"\"p99.9\":{\"low_us\":2147483648,\"high_us\":null}}}\n");
	/* the same figures in the text */
	text = render(summary_render_text, &s);
	assert_non_null(strstr(text, "\n17:08:15 run-queue waits in the last 1 s:\ncomm = a\\\\b\n"));
	assert_non_null(strstr(text, "         8 -> 15         : 2        |****************************************|\n"));
	assert_non_null(strstr(text, "waits 3, mean 20 us, p50 8-15 us, p90 32-40 us, p99 32-40 us, p99.9 32-40 us, max 40 us (waiter 42)\n"));
	assert_non_null(strstr(text, "comm = (not kept: more than --max-keys 2 keys)\n"));
	assert_non_null(strstr(text, "waits 1, mean 1099511627 us, p50 >= 2147483648 us, p90 >= 2147483648 us, p99 >= 2147483648 us, p99.9 >= 2147483648 us\n"));
	assert_null(strstr(text, "idle"));
	free(json);
	free(text);
}

/* Retired series folded: one more histogram, after the overflow */
static void test_folded(void **state)
{
	struct series v[1] = { { .label = "/live", .h = three_waits() } };
	struct hist none = { 0 }, folded = three_waits();
	struct summary_view s = {
		.final = true, .secs = 3, .wall_ns = WALL_NS, .mono_ns = 9, .by = RQS_BY_CGROUP,
		.max_keys = 4, .v = v, .n = 1, .overflow = &none, .folded = &folded, .nfolded = 7,
	};
	char *json, *text;

	(void)state;
	text = render(summary_render_text, &s);
	assert_non_null(strstr(text, "\ncgroup = /live\n"));
	assert_non_null(strstr(text, "\ncgroup = (folded: 7 series of removed or idle keys, more than --max-keys 4)\n"));
	assert_null(strstr(text, "not kept"));
	json = render(summary_render_json, &s);
	assert_non_null(strstr(json, "\"by\":\"cgroup\",\"folded\":7,\"max_keys\":4,\"count\":3,"));
	free(json);
	free(text);
	/* nothing folded: no line, no record */
	folded = none;
	text = render(summary_render_text, &s);
	assert_null(strstr(text, "folded"));
	free(text);
}

/* At exit, no --by: the one histogram, no "by" nor "key" */
static void test_total(void **state)
{
	struct series v[1] = { { .h = three_waits() } };
	struct summary_view s = {
		.final = true, .secs = 12.34, .wall_ns = WALL_NS, .mono_ns = 5, .v = v, .n = 1,
	};
	char *json, *text;

	(void)state;
	json = render(summary_render_json, &s);
	assert_non_null(strstr(json, "{\"type\":\"summary\",\"final\":true,\"time\":\"2026-11-30T17:08:15.123456+00:00\",\"mono_ns\":5,\"seconds\":12.3,\"count\":3,\"sum_ns\":62500,\"mean_us\":20,"));
	assert_null(strstr(json, "\"key\""));
	assert_null(strstr(json, "\"by\""));
	/* one line */
	assert_int_equal(strcspn(json, "\n"), strlen(json) - 1);
	text = render(summary_render_text, &s);
	assert_non_null(strstr(text, "\n17:08:15 run-queue waits, all 12.3 s:\n     usecs"));
	free(json);
	free(text);
}

/* Nothing counted: the text says "no waits", the JSON one record of count 0
 * (each interval leaves a record) */
static void test_no_waits(void **state)
{
	struct series v[1] = { { .label = "3" } };
	struct hist overflow = { 0 };
	struct summary_view s = {
		.secs = 5, .wall_ns = WALL_NS, .by = RQS_BY_CPU, .v = v, .n = 1,
	};
	char *json, *text;

	(void)state;
	json = render(summary_render_json, &s);
	assert_string_equal(json,
		"{\"type\":\"summary\",\"final\":false,\"time\":\"2026-11-30T17:08:15.123456+00:00\","
		"\"mono_ns\":0,\"seconds\":5,\"by\":\"cpu\",\"count\":0,\"sum_ns\":0,\"buckets\":[],"
		"\"percentiles\":{}}\n");
	text = render(summary_render_text, &s);
	assert_string_equal(text, "\n17:08:15 run-queue waits in the last 5 s:\nno waits\n");
	free(json);
	free(text);
	s.by = RQS_BY_CGROUP;
	s.overflow = &overflow;
	s.n = 0;
	json = render(summary_render_json, &s);
	assert_non_null(strstr(json, "\"by\":\"cgroup\",\"count\":0,"));
	free(json);
}

/* --bucket-range: the text's bars and the JSON's buckets are the same
 * folded buckets; count, sum, percentiles and maximum those of every slot */
static void test_bucket_range(void **state)
{
	struct series v[1] = { { .label = "w", .h = three_waits() } };
	struct hist_layout l = hist_layout_of(16, 64);
	struct summary_view s = {
		.final = true, .secs = 2, .wall_ns = WALL_NS, .mono_ns = 77,
		.by = RQS_BY_COMM, .max_keys = 2, .v = v, .n = 1, .layout = &l,
	};
	char *json, *text;

	(void)state;
	v[0].h.slots[0] = 1;
	v[0].h.slots[20] = 4;
	v[0].h.sum_ns += 4ULL << 30;
	v[0].h.max_ns = 1ULL << 30;
	text = render(summary_render_text, &s);
	json = render(summary_render_json, &s);
	assert_non_null(strstr(text,
		"comm = w\n"
		"     usecs               : count    distribution\n"
		"         0 -> 15         : 3        |******************************          |\n"
		"        16 -> 31         : 0        |                                        |\n"
		"        32 -> 63         : 1        |**********                              |\n"
		"        64 -> ...        : 4        |****************************************|\n"
		"waits 8, mean 536878 us, p50 32-63 us, p90 1048576-1073741 us,"));
	assert_non_null(strstr(json,
		"\"count\":8,\"sum_ns\":4295029796,\"mean_us\":536878,\"buckets\":["
		"{\"low_us\":0,\"high_us\":15,\"count\":3},"
		"{\"low_us\":16,\"high_us\":31,\"count\":0},"
		"{\"low_us\":32,\"high_us\":63,\"count\":1},"
		"{\"low_us\":64,\"high_us\":null,\"count\":4}],"
		"\"percentiles\":{\"p50\":{\"low_us\":32,\"high_us\":63},"
		"\"p90\":{\"low_us\":1048576,\"high_us\":1073741}"));
	free(text);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bucket_range, setup),
		cmocka_unit_test(test_keyed_interval),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_no_waits),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
