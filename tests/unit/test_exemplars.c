// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* OpenMetrics pages of /metrics and the exemplars their buckets carry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "summary/exemplars.h"
#include "summary/prometheus.h"
#include "capture.h"

#define S 1000000000ULL
#define MS 1000000ULL

static char *render(const struct metrics_input *in)
{
	struct capture c;

	assert_true(metrics_render(capture_open(&c), in) > 0);
	return capture_close(&c);
}

static int count_of(const char *page, const char *needle)
{
	int n = 0;

	for (const char *p = page; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static struct exemplar ex(uint64_t wait_ns, uint64_t end_s, uint32_t tid, const char *comm)
{
	struct exemplar e = {
		.wait_ns = wait_ns,
		.end_mono_ns = end_s * S,
		.end_real_ns = (int64_t)(1764000000 + end_s) * (int64_t)S + 123 * (int64_t)MS,
		.tid = tid,
	};

	strncpy(e.comm, comm, sizeof(e.comm));
	return e;
}

static const struct exemplar *slot_of(const struct exemplars *x, const char *label,
				      unsigned int slot)
{
	const struct exemplar_set *s = exemplars_find(x, label);

	assert_non_null(s);
	return &s->slot[slot];
}

/* 20 ms: slot 14, [16384, 32768) us */
#define SLOT_20MS 14

static void test_longest_recent_wins(void **state)
{
	struct exemplars x;
	struct exemplar e;

	(void)state;
	exemplars_init(&x, 8);
	e = ex(20 * MS, 100, 1, "a");
	assert_int_equal(exemplars_note(&x, "/a", &e), 0);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS)->tid, 1);
	/* a longer one in the same slot takes its place, a shorter one not */
	e = ex(25 * MS, 101, 2, "b");
	exemplars_note(&x, "/a", &e);
	e = ex(17 * MS, 102, 3, "c");
	exemplars_note(&x, "/a", &e);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS)->tid, 2);
	/* nor one in another series, or another slot */
	e = ex(30 * MS, 103, 4, "d");
	exemplars_note(&x, "/b", &e);
	e = ex(40 * MS, 103, 5, "e");
	exemplars_note(&x, "/a", &e);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS)->tid, 2);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS + 1)->tid, 5);
	assert_int_equal(slot_of(&x, "/b", SLOT_20MS)->tid, 4);
	/* a minute after the one there, any wait of the slot replaces it */
	e = ex(17 * MS, 101 + 59, 6, "f");
	exemplars_note(&x, "/a", &e);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS)->tid, 2);
	e = ex(17 * MS, 101 + 60, 7, "g");
	exemplars_note(&x, "/a", &e);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS)->tid, 7);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS)->wait_ns, 17 * MS);
	/* an event of another CPU that ended earlier is no newer */
	e = ex(16500 * 1000ULL, 50, 8, "h");
	exemplars_note(&x, "/a", &e);
	assert_int_equal(slot_of(&x, "/a", SLOT_20MS)->tid, 7);
	exemplars_free(&x);
}

static void test_bounded_and_pruned(void **state)
{
	struct exemplars x;
	struct exemplar e = ex(20 * MS, 1, 1, "a");
	const char *keep[] = { "/c", "/x", "/a" };

	(void)state;
	exemplars_init(&x, 3);
	assert_int_equal(exemplars_note(&x, "/c", &e), 0);
	assert_int_equal(exemplars_note(&x, "/a", &e), 0);
	assert_int_equal(exemplars_note(&x, "/b", &e), 0);
	/* a fourth series: no room; the three known still take waits */
	assert_int_equal(exemplars_note(&x, "/d", &e), -ENOSPC);
	assert_null(exemplars_find(&x, "/d"));
	assert_int_equal(exemplars_note(&x, "/b", &e), 0);
	/* the series that left the page go, and make room */
	exemplars_keep(&x, keep, 3);
	assert_int_equal(x.n, 2);
	assert_non_null(exemplars_find(&x, "/a"));
	assert_null(exemplars_find(&x, "/b"));
	assert_non_null(exemplars_find(&x, "/c"));
	assert_int_equal(exemplars_note(&x, "/d", &e), 0);
	assert_non_null(exemplars_find(&x, "/d"));
	exemplars_keep(&x, NULL, 0);
	assert_int_equal(x.n, 0);
	exemplars_free(&x);
}

static const struct metrics_input base = {
	.outliers = 7,
	.version = "0.1.0",
	.storage = "task",
	.openmetrics = true,
};

static void test_openmetrics_page(void **state)
{
	struct series s[2] = { { .label = "/a" }, { .label = "/b" } };
	struct process_metrics m = { .hz = 100, .cpu_ticks = 1234, .max_fds = 1024 };
	struct blame_pair be = { .cgroup = "/a", .culprit = "/b", .ns = S };
	struct blame_table bt = { .v = &be, .n = 1 };
	struct metrics_input in = base;
	struct hist over = { 0 }, folded = { 0 };
	struct exemplars x;
	struct exemplar e;
	char *page, *text;

	(void)state;
	exemplars_init(&x, 8);
	s[0].h.slots[SLOT_20MS] = 2;
	s[0].h.slots[RQS_HIST_SLOTS - 1] = 1;
	s[0].h.sum_ns = 4000 * S;
	s[1].h.slots[0] = 5;
	e = ex(25 * MS + 7, 10, 4242, "worker");
	exemplars_note(&x, "/a", &e);
	e = ex(3000 * S, 11, 17, "big");
	exemplars_note(&x, "/a", &e);
	in.by = RQS_BY_CGROUP;
	in.series = s;
	in.nseries = 2;
	in.overflow = &over;
	in.overflow_keys = 1024;
	in.retired_folded = &folded;
	in.blame = &bt;
	in.blame_pairs = 1024;
	in.process = &m;
	in.exemplars = &x;
	page = render(&in);
	/* the bucket of the wait: value in seconds, its end in Unix seconds */
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"0.032768\"} 2 "
			  "# {tid=\"4242\",comm=\"worker\"} 0.025000007 1764000010.123");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"+Inf\"} 3 "
			  "# {tid=\"17\",comm=\"big\"} 3000.000000000 1764000011.123");
	/* no other bucket has one, nor does another series */
	assert_int_equal(count_of(page, " # {"), 2);
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/b\",le=\"0.000002\"} 5");
	/* a counter's family is named without _total, its sample with it */
	assert_line(page, "# TYPE runqslower_ts_outliers counter");
	assert_line(page, "runqslower_ts_outliers_total 7");
	assert_line(page, "# TYPE runqslower_ts_wait_blame_seconds counter");
	assert_line(page, "# TYPE runqslower_ts_wait_blame_overflow_seconds counter");
	assert_line(page, "# TYPE runqslower_ts_retired_series_folded counter");
	assert_line(page, "# TYPE runqslower_ts_labels_truncated counter");
	assert_line(page, "# TYPE process_cpu_seconds counter");
	assert_line(page, "process_cpu_seconds_total 12.34");
	assert_null(strstr(page, "# TYPE runqslower_ts_outliers_total"));
	assert_line(page, "# TYPE runqslower_ts_wait_seconds histogram");
	assert_line(page, "# TYPE runqslower_ts_wait_overflow_seconds histogram");
	assert_line(page, "# TYPE runqslower_ts_storage_bytes gauge");
	/* OpenMetrics escapes " in HELP */
	assert_line(page, "# HELP runqslower_ts_retired_series_folded Series of removed cgroups "
			  "or idle keys folded into wait_folded_seconds{reason=\\\"retired\\\"}.");
	/* and ends there */
	assert_non_null(strstr(page, "\n# EOF\n"));
	assert_string_equal(strstr(page, "\n# EOF\n"), "\n# EOF\n");
	/* the text format: the same samples, no exemplar, _total families */
	in.openmetrics = false;
	text = render(&in);
	assert_null(strstr(text, " # {"));
	assert_null(strstr(text, "# EOF"));
	assert_line(text, "# TYPE runqslower_ts_outliers_total counter");
	assert_line(text, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"0.032768\"} 2");
	assert_line(text, "# HELP runqslower_ts_retired_series_folded_total Series of removed "
			  "cgroups or idle keys folded into wait_folded_seconds{reason=\"retired\"}.");
	free(text);
	free(page);
	exemplars_free(&x);
}

/* A COMM is any 15 bytes: the exemplar's label is valid UTF-8, escaped */
static void test_exemplar_comm_escaped(void **state)
{
	struct series s = { .label = "" };
	struct metrics_input in = base;
	struct exemplars x;
	struct exemplar e;
	char *page;

	(void)state;
	exemplars_init(&x, 1);
	s.h.slots[SLOT_20MS] = 1;
	e = ex(20 * MS, 1, 9, "a\"b\\c\x01\xff");
	exemplars_note(&x, "", &e);
	in.series = &s;
	in.nseries = 1;
	in.exemplars = &x;
	page = render(&in);
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.032768\"} 1 "
			  "# {tid=\"9\",comm=\"a\\\"b\\\\\\\\c\\\\x01\\\\xff\"} 0.020000000 1764000001.123");
	free(page);
	exemplars_free(&x);
}

/* --bucket-range: a bucket that merges slots shows the longest of theirs */
static void test_exemplar_bucket_range(void **state)
{
	struct series s = { .label = "" };
	struct hist_layout l = hist_layout_of(1000, 100000);
	struct metrics_input in = base;
	struct exemplars x;
	struct exemplar e;
	char *page;

	(void)state;
	exemplars_init(&x, 1);
	s.h.slots[3] = 1;
	s.h.slots[5] = 1;
	s.h.slots[20] = 1;
	e = ex(12 * 1000ULL, 1, 3, "three");	/* slot 3: 8-15 us */
	exemplars_note(&x, "", &e);
	e = ex(40 * 1000ULL, 2, 5, "five");	/* slot 5: 32-63 us */
	exemplars_note(&x, "", &e);
	e = ex(1500 * MS, 3, 20, "twenty");	/* slot 20: over the range */
	exemplars_note(&x, "", &e);
	in.series = &s;
	in.nseries = 1;
	in.layout = &l;
	in.exemplars = &x;
	page = render(&in);
	/* the first bucket (the bound at or below 1000 us) holds every wait
	 * below it: slot 5's is longer */
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.000512\"} 2 "
			  "# {tid=\"5\",comm=\"five\"} 0.000040000 1764000002.123");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"+Inf\"} 3 "
			  "# {tid=\"20\",comm=\"twenty\"} 1.500000000 1764000003.123");
	assert_int_equal(count_of(page, " # {"), 2);
	free(page);
	exemplars_free(&x);
}

/* --metrics-max-bytes holds for the OpenMetrics page, exemplars and all */
static void test_bound_counts_exemplars(void **state)
{
	struct series s[2] = { { .label = "/a" }, { .label = "/b" } };
	struct metrics_input in = base;
	struct exemplars x;
	struct exemplar e;
	char *page;

	(void)state;
	exemplars_init(&x, 2);
	for (unsigned int i = 0; i < RQS_HIST_SLOTS; i++) {
		s[0].h.slots[i] = 1;
		s[1].h.slots[i] = 2;
		e = ex((2ULL << i) * 1000 - 1, i, 4194304, "\x01\x02\x03\x04\x05\x06\x07\x08"
							  "\x09\x0a\x0b\x0c\x0d\x0e\x0f");
		exemplars_note(&x, "/a", &e);
	}
	in.by = RQS_BY_CGROUP;
	in.series = s;
	in.nseries = 2;
	in.exemplars = &x;
	/* room for both without exemplars: /b, the busier, stays, and /a
	 * with its 32 does not fit */
	in.max_series_bytes = 2 * metrics_series_bound("runqslower_ts_wait_seconds", "cgroup", "/a", "");
	page = render(&in);
	assert_int_equal(count_of(page, " # {"), 0);
	assert_line(page, "runqslower_ts_page_series_folded 1");
	free(page);
	in.max_series_bytes += RQS_HIST_SLOTS * RQS_EXEMPLAR_MAX_BYTES;
	page = render(&in);
	assert_int_equal(count_of(page, " # {"), RQS_HIST_SLOTS);
	assert_line(page, "runqslower_ts_page_series_folded 0");
	/* each line within the bound's share of it */
	for (char *p = page, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		char *hash = strstr(p, " # {");

		if (hash && hash < nl)
			assert_true((size_t)(nl - hash) <= RQS_EXEMPLAR_MAX_BYTES);
	}
	free(page);
	exemplars_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_recent_wins),
		cmocka_unit_test(test_bounded_and_pruned),
		cmocka_unit_test(test_openmetrics_page),
		cmocka_unit_test(test_exemplar_comm_escaped),
		cmocka_unit_test(test_exemplar_bucket_range),
		cmocka_unit_test(test_bound_counts_exemplars),
	};

	return cmocka_run_group_tests_name("exemplars", tests, NULL, NULL);
}
