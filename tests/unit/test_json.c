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
#include "capture.h"

/* 2021-03-04 13:04:55.250001 UTC, as TS_NS (CLOCK_MONOTONIC) plus
 * REAL_MINUS_MONO */
#define TS_NS 12345678901234ULL
#define REAL_MINUS_MONO (1614863095250001999LL - (long long)TS_NS)

static char *escaped(const char *s, size_t len)
{
	struct capture c;

	json_string(capture_open(&c), s, len);
	return capture_close(&c);
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

/* valid UTF-8, but a C1 control (U+009B is CSI on the Linux console) or a
 * bidi override would act on the terminal showing the line */
static void test_c1_and_bidi_escaped(void **state)
{
	(void)state;
	assert_escapes("\xc2\x80\xc2\x9b\xc2\x9f", "\"\\u0080\\u009b\\u009f\"");
	assert_escapes("\xe2\x80\xae" "abc", "\"\\u202eabc\"");
	assert_escapes("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", "\"\\u061c\\u200e\\u200f\"");
	assert_escapes("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9", "\"\\u202a\\u2066\\u2069\"");
	/* their neighbours stay */
	assert_escapes("\xc2\xa0\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xaa",
		       "\"\xc2\xa0\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xaa\"");
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
	struct capture c;

	assert_int_equal(json_event(capture_open(&c), e, REAL_MINUS_MONO, o, NULL), 0);
	return capture_close(&c);
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
		.nr_blame = 2, .throttled_ns = 2500000,
		.blame = { { .ns = 19999999, .tid = 8, .comm = "hog", .cgroup = 4242 },
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
		"\"waker_irq\":null,\"waker_irq_name\":null,\"waker_softirq\":null,\"waker_hrtimer\":false,"
		"\"from_cpu\":0,\"rq\":1,"
		"\"cover_pct\":100,\"throttled_us\":2500,\"unseen_us\":0,\"unseen_ns\":0,\"blame\":[{\"comm\":\"hog\",\"tid\":8,\"cpu\":0,"
		"\"us\":19999,\"cgroup\":null,\"cgroup_id\":4242}]}\n");
	free(s);
	/* a kernel without the count: null, not 0 */
	e.throttled_ns = RQS_THROTTLED_UNKNOWN;
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"cover_pct\":100,\"throttled_us\":null,\"unseen_us\":0,\"unseen_ns\":0,\"blame\""));
	free(s);
	/* exited before the report: no COMM */
	e.blame[0].flags = RQS_BLAME_EXITED;
	memset(e.blame[0].comm, 0, sizeof(e.blame[0].comm));
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"blame\":[{\"comm\":null,\"tid\":8,\"cpu\":0,\"us\":19999,"
				   "\"cgroup\":null,\"cgroup_id\":null}]}\n"));
	free(s);
	e.enq.cpu = 1;
	e.nr_blame = 0;
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"from_cpu\":null,\"rq\":1,\"cover_pct\":0,\"throttled_us\":null,\"unseen_us\":0,\"unseen_ns\":0,\"blame\":[]}\n"));
	free(s);
	/* a run a switch not seen cut short: unseen, not an entry */
	e.nr_blame = 2;
	e.blame[1].flags = RQS_BLAME_UNSEEN;
	e.blame[1].ns = 7000000;
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"cover_pct\":100,\"throttled_us\":null,\"unseen_us\":7000,\"unseen_ns\":7000000,"
				   "\"blame\":[{\"comm\":null,\"tid\":8,\"cpu\":0,\"us\":19999,"));
	free(s);
	e.nr_blame = 0;
	/* from interrupt work: the task it came in on stays in waker_comm and
	 * waker_tid; the work is named beside them (the live /sys/kernel/irq
	 * has no irq 1000000) */
	e.enq.waker = (struct rqs_waker){ .tid = 8, .how = RQS_WAKE_IRQ, .comm = "hog",
					  .irq = 1000000 + 1 };
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"waker_comm\":\"hog\",\"waker_tid\":8,\"wake\":\"irq\","
				  "\"waker_irq\":1000000,\"waker_irq_name\":null,\"waker_softirq\":null,"
				  "\"waker_hrtimer\":false,\"from_cpu\""));
	free(s);
	e.enq.waker.hrtimer = 1;
	e.enq.waker.irq = 0;
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"wake\":\"irq\",\"waker_irq\":null,\"waker_irq_name\":null,"
				  "\"waker_softirq\":null,\"waker_hrtimer\":true,"));
	free(s);
	/* NET_RX is vector 3 on every kernel (enum in include/linux/interrupt.h) */
	e.enq.waker = (struct rqs_waker){ .tid = 8, .how = RQS_WAKE_SOFTIRQ, .comm = "hog",
					  .softirq = 3 + 1, .irq = 5, .hrtimer = 1 };
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"wake\":\"softirq\",\"waker_irq\":null,\"waker_irq_name\":null,"
				  "\"waker_softirq\":\"net_rx\",\"waker_hrtimer\":false,"));
	free(s);
	e.enq.waker.softirq = 200 + 1;
	s = render_event(&e, &o);
	assert_non_null(strstr(s, "\"waker_softirq\":\"200\","));
	free(s);
}

static void test_banner(void **state)
{
	struct plan p = { .storage = STORAGE_TASK, .min_us = 500, .tid = 4, .comm = "x\"y",
			  .format.blame = 3, .duration_s = 3 };
	struct capture c;
	char *buf;

	(void)state;
	assert_int_equal(json_banner(capture_open(&c), &p, NULL), 0);
	buf = capture_close(&c);
	assert_true(!strncmp(buf, "{\"type\":\"start\",\"tool\":\"runqslower-ts\",\"version\":\"", 49));
	assert_non_null(strstr(buf, "\"min_us\":500,\"storage\":\"task\",\"filter_tid\":4,"
				    "\"filter_comm\":\"x\\\"y\",\"previous\":false,\"waker\":false,"
				    "\"cpu\":false,\"blame\":3,\"duration_s\":3,\"outliers\":false,"
				    "\"summary\":false}\n"));
	free(buf);
}

/* --no-outliers, -i, --by and --metrics: the start record says so (with -j
 * the summary's text banner and the "Serving metrics" line are not printed) */
static void test_banner_summary(void **state)
{
	struct plan p = { .storage = STORAGE_HASH, .min_us = 1, .summary = {
		.enabled = true, .print = true, .interval = 5, .by = RQS_BY_CGROUP,
		.metrics = true, .metrics_addr = "::1", .metrics_port = 9548 } };
	struct capture c;
	char *buf;

	(void)state;
	assert_int_equal(json_banner(capture_open(&c), &p, NULL), 0);
	buf = capture_close(&c);
	assert_non_null(strstr(buf, "\"duration_s\":0,\"outliers\":false,\"summary\":true,"
				    "\"interval_s\":5,\"by\":\"cgroup\","
				    "\"metrics_url\":\"http://[::1]:9548/metrics\"}\n"));
	free(buf);
}

/* --metrics as bound: the first URL, and every one a host name gave */
static void test_banner_bound_urls(void **state)
{
	struct plan p = { .storage = STORAGE_HASH, .min_us = 1, .summary = {
		.enabled = true, .metrics = true, .metrics_addr = "localhost", .metrics_port = 9548 } };
	struct listen_set l = { .n = 2, .fds = { -1, -1 }, .urls = { "http://[::1]:9548/metrics",
								     "http://127.0.0.1:9548/metrics" } };
	struct capture c;
	char *buf;

	(void)state;
	assert_int_equal(json_banner(capture_open(&c), &p, &l), 0);
	buf = capture_close(&c);
	assert_non_null(strstr(buf, ",\"metrics_url\":\"http://[::1]:9548/metrics\","
				    "\"metrics_urls\":[\"http://[::1]:9548/metrics\","
				    "\"http://127.0.0.1:9548/metrics\"]}\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_banner_summary),
		cmocka_unit_test(test_banner_bound_urls),
		cmocka_unit_test(test_quotes_and_backslashes),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_valid_utf8_passes),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_c1_and_bidi_escaped),
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
