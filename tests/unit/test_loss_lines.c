// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The loss lines against counters and a clock the test gives: each second
 * what is new, or paced (an exporter), at most one line a kind an
 * interval, and the lines before a kind's total add up to it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/loss_lines.h"

#define SEC 1000000000ULL

struct capture {
	char *text, *json;
	size_t text_len, json_len;
};

static void open_capture(struct loss_report *r, struct capture *c, bool json)
{
	memset(c, 0, sizeof(*c));
	r->text = open_memstream(&c->text, &c->text_len);
	assert_non_null(r->text);
	if (json) {
		r->json = open_memstream(&c->json, &c->json_len);
		assert_non_null(r->json);
	}
}

static void close_capture(struct loss_report *r, struct capture *c)
{
	fclose(r->text);
	if (r->json)
		fclose(r->json);
	free(c->text);
	free(c->json);
}

/* The lines of @text that start with @prefix and are (or are not) totals:
 * how many, and their counts' sum */
static void lines_of(const char *text, const char *prefix, bool total,
		     unsigned *lines, unsigned long long *sum)
{
	const char *p = text;

	*lines = 0;
	*sum = 0;
	while (p && *p) {
		const char *end = strchr(p, '\n');
		unsigned long long n;
		char rest[256];

		assert_non_null(end);
		if (sscanf(p, "runqslower-ts: %llu %255[^\n]", &n, rest) == 2 &&
		    !strncmp(rest, prefix, strlen(prefix)) &&
		    (strstr(rest, " in all:") != NULL) == total) {
			(*lines)++;
			*sum += n;
		}
		p = end + 1;
	}
}

/* Each second, what is new: a line per second with losses, the totals
 * alone at exit (the lines that print waits keep this) */
static void test_every_second(void **state)
{
	__u64 c[RQS_NR_COUNTERS] = { 0 };
	struct loss_report r;
	struct capture cap;

	(void)state;
	loss_report_init(&r, STORAGE_TASK, 0, true, 0);
	open_capture(&r, &cap, false);
	c[RQS_MISSED_SWITCH_IN] = 2;
	loss_report_counts(&r, c, 1 * SEC, false);
	loss_report_counts(&r, c, 2 * SEC, false);
	c[RQS_MISSED_SWITCH_IN] = 5;
	c[RQS_LOST_RINGBUF] = 7;
	loss_report_counts(&r, c, 3 * SEC, false);
	c[RQS_MISSED_SWITCH_IN] = 6;
	loss_report_counts(&r, c, 4 * SEC, true);
	fflush(r.text);
	assert_string_equal(cap.text,
		"runqslower-ts: 2 waits lost: their switch-in was not seen (the task's next enqueue found the time still pending)\n"
		"runqslower-ts: 7 events lost: ring buffer full\n"
		"runqslower-ts: 3 waits lost: their switch-in was not seen (the task's next enqueue found the time still pending)\n"
		"runqslower-ts: 7 events lost in all: ring buffer full\n"
		"runqslower-ts: 6 waits lost in all: their switch-in was not seen (the task's next enqueue found the time still pending)\n");
	close_capture(&r, &cap);
}

/* Paced: the first line at once, then one an interval with all since the
 * last, and at exit what is left, then the total */
static void test_paced_lines(void **state)
{
	__u64 c[RQS_NR_COUNTERS] = { 0 };
	struct loss_report r;
	struct capture cap;

	(void)state;
	loss_report_init(&r, STORAGE_HASH, 64, false, 60 * SEC);
	open_capture(&r, &cap, true);
	c[RQS_LOST_STORAGE] = 3;
	loss_report_counts(&r, c, 100 * SEC, false);	/* at once */
	c[RQS_LOST_STORAGE] = 10;
	loss_report_counts(&r, c, 101 * SEC, false);	/* held */
	c[RQS_LOST_STORAGE] = 12;
	loss_report_counts(&r, c, 159 * SEC, false);	/* held: 59 s */
	loss_report_counts(&r, c, 160 * SEC, false);	/* 9 since the last */
	c[RQS_LOST_STORAGE] = 20;
	loss_report_counts(&r, c, 161 * SEC, false);	/* held */
	loss_report_counts(&r, c, 162 * SEC, true);	/* the 8 left, the total */
	fflush(r.text);
	fflush(r.json);
	assert_string_equal(cap.text,
		"runqslower-ts: 3 wakeups not recorded: hash map full (64 entries); raise --hash-entries or use --storage=task\n"
		"runqslower-ts: 9 wakeups not recorded: hash map full (64 entries); raise --hash-entries or use --storage=task\n"
		"runqslower-ts: 8 wakeups not recorded: hash map full (64 entries); raise --hash-entries or use --storage=task\n"
		"runqslower-ts: 20 wakeups not recorded in all: hash map full (64 entries); raise --hash-entries or use --storage=task\n");
	assert_string_equal(cap.json,
		"{\"type\":\"lost\",\"what\":\"wakeups\",\"count\":3,\"final\":false,\"hash_entries\":64}\n"
		"{\"type\":\"lost\",\"what\":\"wakeups\",\"count\":9,\"final\":false,\"hash_entries\":64}\n"
		"{\"type\":\"lost\",\"what\":\"wakeups\",\"count\":8,\"final\":false,\"hash_entries\":64}\n"
		"{\"type\":\"lost\",\"what\":\"wakeups\",\"count\":20,\"final\":true,\"hash_entries\":64}\n");
	close_capture(&r, &cap);
}

/* An exporter losing waits of every kind for an hour, a report a second:
 * each kind's lines are bounded by the interval and add up to its total,
 * whatever came since the last of them */
static void test_paced_hour(void **state)
{
	static const char *const prefix[] = {
		[RQS_LOST_RINGBUF] = "events lost",
		[RQS_LOST_STORAGE] = "wakeups not recorded",
		[RQS_NEGATIVE_WAIT] = "waits dropped",
		[RQS_MISSED_SWITCH_IN] = "waits lost",
		[RQS_LOST_WAKER] = "wakers not recorded",
	};
	static const int kinds[] = { RQS_LOST_RINGBUF, RQS_LOST_STORAGE, RQS_NEGATIVE_WAIT,
				     RQS_MISSED_SWITCH_IN, RQS_LOST_WAKER };
	__u64 c[RQS_NR_COUNTERS] = { 0 };
	struct loss_report r;
	struct capture cap;
	unsigned long long t = 5 * SEC + 12345;

	(void)state;
	loss_report_init(&r, STORAGE_TASK, 0, true, 60 * SEC);
	open_capture(&r, &cap, false);
	for (int s = 0; s < 3600; s++, t += SEC) {
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if ((s + (int)k * 13) % (3 + (int)k) == 0)
				c[kinds[k]] += 1 + (s + k) % 5;
		loss_report_counts(&r, c, t, s == 3599);
	}
	fflush(r.text);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		unsigned lines, totals;
		unsigned long long sum, total;

		lines_of(cap.text, prefix[kinds[k]], false, &lines, &sum);
		lines_of(cap.text, prefix[kinds[k]], true, &totals, &total);
		assert_true(c[kinds[k]] > 0);
		assert_int_equal(totals, 1);
		assert_int_equal(total, c[kinds[k]]);
		assert_int_equal(sum, c[kinds[k]]);
		/* one an interval at most, and the rest at exit */
		assert_in_range(lines, 2, 3600 / 60 + 1);
	}
	close_capture(&r, &cap);
}

/* Paced stale entries: at most one line an interval, when grown since the
 * last line; at exit the count */
static void test_paced_stale(void **state)
{
	struct loss_report r;
	struct capture cap;

	(void)state;
	loss_report_init(&r, STORAGE_HASH, 64, false, 60 * SEC);
	open_capture(&r, &cap, false);
	loss_report_stale(&r, &(struct stale_count){ 10, 4, true }, 10 * SEC, false);
	loss_report_stale(&r, &(struct stale_count){ 12, 6, true }, 20 * SEC, false);
	fflush(r.text);
	/* grown, but within the interval of the first line: none yet */
	assert_string_equal(cap.text,
		"runqslower-ts: 4 hash map entries left by exited threads (10 entries in use)\n");
	loss_report_stale(&r, &(struct stale_count){ 10, 4, true }, 70 * SEC, false);
	loss_report_stale(&r, &(struct stale_count){ 12, 6, true }, 80 * SEC, false);
	loss_report_stale(&r, &(struct stale_count){ 12, 6, true }, 90 * SEC, false);
	loss_report_stale(&r, &(struct stale_count){ 12, 5, true }, 95 * SEC, true);
	fflush(r.text);
	assert_string_equal(cap.text,
		"runqslower-ts: 4 hash map entries left by exited threads (10 entries in use)\n"
		"runqslower-ts: 6 hash map entries left by exited threads (12 entries in use)\n"
		"runqslower-ts: 5 hash map entries left by exited threads (12 entries in use)\n");
	close_capture(&r, &cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_second),
		cmocka_unit_test(test_paced_lines),
		cmocka_unit_test(test_paced_hour),
		cmocka_unit_test(test_paced_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
