// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --blame-by cgroup in user space: the pair table (merged labels, an
 * interval's difference) and its series on the Prometheus page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "summary/blame_pairs.h"
#include "summary/prometheus.h"
#include "capture.h"

static void add(struct blame_table *t, const char *cg, const char *culprit, uint64_t ns)
{
	t->v = realloc(t->v, (t->n + 1) * sizeof(*t->v));
	assert_non_null(t->v);
	t->v[t->n++] = (struct blame_pair){ .cgroup = strdup(cg), .culprit = strdup(culprit), .ns = ns };
}

/* a cgroup path that came back with a new id reads as one series */
static void test_merge_same_labels(void **state)
{
	struct blame_table t = { 0 };
	size_t first, n;

	(void)state;
	add(&t, "/b", "self", 5);
	add(&t, "/a", "/b", 10);
	add(&t, "/a", "throttled", 7);
	add(&t, "/a", "/b", 32);
	assert_int_equal(blame_table_merge(&t), 0);
	assert_int_equal(t.n, 3);
	n = blame_table_find(&t, "/a", &first);
	assert_int_equal(n, 2);
	assert_int_equal(first, 0);
	assert_string_equal(t.v[0].culprit, "/b");
	assert_int_equal(t.v[0].ns, 42);
	assert_int_equal(blame_table_total(&t, "/a"), 49);
	assert_int_equal(blame_table_total(&t, "/b"), 5);
	assert_int_equal(blame_table_find(&t, "/c", &first), 0);
	blame_table_free(&t);
}

/* an interval's charges: now less then, pair by pair */
static void test_interval_difference(void **state)
{
	struct blame_table then = { 0 }, now = { 0 };

	(void)state;
	add(&then, "/a", "/b", 100);
	add(&then, "/a", "uncovered", 3);
	then.overflow_ns = 4;
	blame_table_merge(&then);
	add(&now, "/a", "/b", 250);
	add(&now, "/a", "self", 9);
	now.overflow_ns = 10;
	blame_table_merge(&now);
	blame_table_sub(&now, &then);
	assert_int_equal(now.n, 2);
	assert_string_equal(now.v[0].culprit, "/b");
	assert_int_equal(now.v[0].ns, 150);
	assert_string_equal(now.v[1].culprit, "self");
	assert_int_equal(now.v[1].ns, 9);
	assert_int_equal(now.overflow_ns, 6);
	blame_table_free(&then);
	blame_table_free(&now);
}

static void test_copy(void **state)
{
	struct blame_table t = { 0 }, c;

	(void)state;
	add(&t, "/a", "/b", 1);
	t.overflow_ns = 2;
	assert_int_equal(blame_table_copy(&c, &t), 0);
	blame_table_free(&t);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].cgroup, "/a");
	assert_int_equal(c.overflow_ns, 2);
	blame_table_free(&c);
}

#define CID "3c2a9f0d8e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c"

/* a counter of seconds per (cgroup, culprit), label values escaped, and
 * the overflow beside it */
static void test_metrics_series(void **state)
{
	struct metrics_input in = { .version = "0.1.0", .storage = "task", .blame_pairs = 64 };
	struct blame_table t = { 0 };
	struct capture cap;
	char *page;

	(void)state;
	add(&t, "/a\"q", "/b", 1500000000ULL);
	add(&t, "/a\"q", "throttled", 7);
	add(&t, "/kubepods/burstable/pod0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0/crio-" CID, "/b", 3);
	t.overflow_ns = 2000000001ULL;
	blame_table_merge(&t);
	in.blame = &t;
	assert_true(metrics_render(capture_open(&cap), &in) > 0);
	page = capture_close(&cap);
	assert_non_null(strstr(page, "# TYPE runqslower_ts_wait_blame_seconds_total counter\n"));
	assert_non_null(strstr(page, "\nrunqslower_ts_wait_blame_seconds_total{cgroup=\"/a\\\"q\",culprit=\"/b\"} 1.500000000\n"));
	assert_non_null(strstr(page, "\nrunqslower_ts_wait_blame_seconds_total{cgroup=\"/a\\\"q\",culprit=\"throttled\"} 0.000000007\n"));
	/* a pod's: its labels, of the waiting cgroup */
	assert_non_null(strstr(page, "\nrunqslower_ts_wait_blame_seconds_total{cgroup=\"/kubepods/burstable/pod0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0/crio-" CID
				     "\",uid=\"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\",container_id=\"cri-o://" CID
				     "\",qos=\"burstable\",culprit=\"/b\"} 0.000000003\n"));
	assert_non_null(strstr(page, "\nrunqslower_ts_wait_blame_overflow_seconds_total 2.000000001\n"));
	free(page);
	/* off: no such family */
	in.blame = NULL;
	assert_true(metrics_render(capture_open(&cap), &in) > 0);
	page = capture_close(&cap);
	assert_null(strstr(page, "wait_blame"));
	free(page);
	blame_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_same_labels),
		cmocka_unit_test(test_interval_difference),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_metrics_series),
	};

	return cmocka_run_group_tests_name("blame", tests, NULL, NULL);
}
