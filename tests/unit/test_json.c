// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "common/json_writer.h"
#include "report/json_records.h"
#include "report/why_columns.h"

/* 2021-03-04 13:04:55.250001 UTC, as TS_NS (CLOCK_MONOTONIC) plus
 * REAL_MINUS_MONO */
#define TS_NS 12345678901234ULL
#define REAL_MINUS_MONO (1614863095250001999LL - (long long)TS_NS)

static char *escaped(const char *s, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	json_string(f, s, len);
	fclose(f);
	return buf;
}

#define assert_escapes(in, out)                                   \
	do {                                                      \
		char *got = escaped(in, sizeof(in) - 1);          \
		assert_string_equal(got, out);                    \
		free(got);                                        \
	} while (0)

static void test_plain(void **state)
{
	(void)state;
	assert_escapes("waiter", "\"waiter\"");
	assert_escapes("", "\"\"");
	assert_escapes("kworker/1:2 x", "\"kworker/1:2 x\"");
}

static void test_quotes_and_backslashes(void **state)
{
	(void)state;
	assert_escapes("a\"b", "\"a\\\"b\"");
	assert_escapes("\\", "\"\\\\\"");
	assert_escapes("\"\\\"", "\"\\\"\\\\\\\"\"");
	/* '/' needs no escape */
	assert_escapes("a/b", "\"a/b\"");
}

static void test_control_bytes(void **state)
{
	(void)state;
	assert_escapes("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	assert_escapes("\x01\x1f", "\"\\u0001\\u001f\"");
	assert_escapes("\x1b[31m", "\"\\u001b[31m\"");
	assert_escapes("del\x7f", "\"del\\u007f\"");
}

static void test_valid_utf8_passes(void **state)
{
	(void)state;
	assert_escapes("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	assert_escapes("\xe2\x82\xac", "\"\xe2\x82\xac\"");		/* U+20AC */
	assert_escapes("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	assert_escapes("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	assert_escapes("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");		/* U+D7FF */
}

static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	assert_escapes("\xff", "\"\\ufffd\"");
	assert_escapes("a\x80z", "\"a\\ufffdz\"");			/* lone continuation */
	assert_escapes("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	assert_escapes("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	assert_escapes("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	assert_escapes("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	assert_escapes("\xf5\x80", "\"\\ufffd\\ufffd\"");
	/* a 15-byte COMM cut inside a character: the rest stays */
	assert_escapes("ab\xe2\x82", "\"ab\\ufffd\\ufffd\"");
	assert_escapes("\xe2\x82" "A", "\"\\ufffd\\ufffdA\"");
	assert_escapes("\xc3\xa9\xc3", "\"\xc3\xa9\\ufffd\"");
}

static void test_stops_at_len_or_nul(void **state)
{
	char comm[16];
	char *got;

	(void)state;
	memcpy(comm, "0123456789abcdef", 16);	/* no NUL */
	got = escaped(comm, sizeof(comm));
	assert_string_equal(got, "\"0123456789abcdef\"");
	free(got);
	got = escaped("ab\0cd", 5);
	assert_string_equal(got, "\"ab\"");
	free(got);
	/* a multi-byte character at the very end of the bytes allowed */
	got = escaped("x\xc3\xa9", 2);
	assert_string_equal(got, "\"x\\ufffd\"");
	free(got);
}

/* every byte value, alone: the output holds no raw control byte or byte
 * above 0x7f that is not part of a valid sequence */
static void test_every_byte(void **state)
{
	(void)state;
	for (int c = 1; c < 256; c++) {
		char in[2] = { (char)c, 0 };
		char *got = escaped(in, 1);

		for (unsigned char *p = (unsigned char *)got; *p; p++) {
			assert_true(*p >= 0x20 && *p < 0x7f);
		}
		free(got);
	}
}

static void test_is_number(void **state)
{
	(void)state;
	assert_true(json_is_number("0"));
	assert_true(json_is_number("128"));
	assert_true(json_is_number("12.5"));
	assert_true(json_is_number("0.0"));
	assert_true(json_is_number("-3"));
	assert_false(json_is_number(""));
	assert_false(json_is_number("012"));
	assert_false(json_is_number("1."));
	assert_false(json_is_number(".5"));
	assert_false(json_is_number("task"));
	assert_false(json_is_number("1e3"));
	assert_false(json_is_number("12a"));
}

static char *render_event(const struct rqs_event *e, const struct output_format *o)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_int_equal(json_event(f, e, REAL_MINUS_MONO, o), 0);
	fclose(f);
	return buf;
}

static void test_event(void **state)
{
	struct rqs_event e = {
		.delta_ns = 20013999, .pid = 1235, .task = "wa\"it\\er",
		.prev_pid = 1234, .prev_task = "hog",
		.ts_ns = TS_NS, .tgid = 1233, .cpu = 1,
	};
	struct output_format o = { 0 };
	char *s;

	(void)state;
	s = render_event(&e, &o);
	assert_string_equal(s,
		"{\"type\":\"event\",\"time\":\"2021-03-04T13:04:55.250001+00:00\",\"mono_ns\":12345678901234,"
		"\"cpu\":1,\"comm\":\"wa\\\"it\\\\er\",\"pid\":1233,\"tid\":1235,\"lat_us\":20013,"
		"\"lat_ns\":20013999}\n");
	free(s);
}

static void test_event_all_fields(void **state)
{
	struct rqs_event e = {
		.delta_ns = 20000000, .pid = 9, .task = "waiter", .prev_pid = 8, .prev_task = "hog",
		.ts_ns = TS_NS, .tgid = 7, .cpu = 1,
		.enq = { .waker = { .tid = 8, .how = RQS_WAKE_PREEMPTED, .comm = "hog" },
			 .cpu = 0, .rq_len = 1 },
		.nr_blame = 2,
		.blame = { { .ns = 19999999, .tid = 8, .comm = "hog" },
			   { .ns = 1, .tid = 0, .comm = "swapper/1" } },
	};
	struct output_format o = { .previous = true, .waker = true, .cpu = true, .blame = 3 };
	char *s;

	(void)state;
	s = render_event(&e, &o);
	assert_string_equal(s,
		"{\"type\":\"event\",\"time\":\"2021-03-04T13:04:55.250001+00:00\",\"mono_ns\":12345678901234,"
		"\"cpu\":1,\"comm\":\"waiter\",\"pid\":7,\"tid\":9,\"lat_us\":20000,\"lat_ns\":20000000,"
		"\"prev_comm\":\"hog\",\"prev_tid\":8,"
		"\"waker_comm\":\"hog\",\"waker_tid\":8,\"wake\":\"preempted\","
		"\"from_cpu\":0,\"rq\":1,"
		"\"cover_pct\":100,\"blame\":[{\"comm\":\"hog\",\"tid\":8,\"us\":19999},"
		"{\"comm\":\"swapper/1\",\"tid\":0,\"us\":0}]}\n");
	free(s);
	e.enq.cpu = 1;
	e.nr_blame = 0;
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"from_cpu\":null,\"rq\":1,\"cover_pct\":0,\"blame\":[]}\n"));
	free(s);
}

static void test_banner(void **state)
{
	struct plan p = { .storage = STORAGE_TASK, .min_us = 500, .tid = 4, .comm = "x\"y",
			  .format.blame = 3, .duration_s = 3 };
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	(void)state;
	assert_int_equal(json_banner(f, &p), 0);
	fclose(f);
	assert_true(!strncmp(buf, "{\"type\":\"start\",\"tool\":\"runqslower-ts\",\"version\":\"", 49));
	assert_non_null(strstr(buf, "\"min_us\":500,\"storage\":\"task\",\"filter_tid\":4,"
				    "\"filter_comm\":\"x\\\"y\",\"previous\":false,\"waker\":false,"
				    "\"cpu\":false,\"blame\":3,\"duration_s\":3}\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes_and_backslashes),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_valid_utf8_passes),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_stops_at_len_or_nul),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_is_number),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_event_all_fields),
		cmocka_unit_test(test_banner),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
