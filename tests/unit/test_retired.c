// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Retired histograms: merged by label, appended to a read, and over a limit
 * or past an age the oldest folded into one, their waits kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "summary/retired_cgroups.h"

static struct hist waits(uint64_t slot, uint64_t count, uint64_t max_ns)
{
	struct hist h = { 0 };

	h.slots[slot] = count;
	h.sum_ns = count * max_ns;
	h.max_ns = max_ns;
	return h;
}

static void test_merge_same_path(void **state)
{
	struct retired r = { 0 };
	struct hist a = waits(3, 5, 9000), b = waits(3, 2, 12000), c = waits(10, 1, 1500000);

	(void)state;
	assert_int_equal(retired_add(&r, strdup("/a"), &a, 1), 0);
	assert_int_equal(retired_add(&r, strdup("/b"), &c, 2), 0);
	/* "/a" recreated and removed again: one series, now the newest */
	assert_int_equal(retired_add(&r, strdup("/a"), &b, 3), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].label, "/b");
	assert_string_equal(r.v[1].label, "/a");
	assert_int_equal(r.v[1].h.slots[3], 7);
	assert_int_equal(r.v[1].h.sum_ns, 5 * 9000 + 2 * 12000);
	assert_int_equal(r.v[1].h.max_ns, 12000);
	assert_int_equal(r.nfolded, 0);
	assert_int_equal(hist_count(&r.folded), 0);
	retired_free(&r);
	assert_int_equal(r.n, 0);
}

static void test_limit_folds_oldest(void **state)
{
	struct retired r = { .limit = 3 };
	struct hist h = waits(1, 1, 2000);
	char name[16];

	(void)state;
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "/c%d", i);
		assert_int_equal(retired_add(&r, strdup(name), &h, (unsigned long long)i), 0);
		assert_true(r.n <= 3);
	}
	assert_int_equal(r.n, 3);
	/* the 7 oldest in one histogram: none of their waits lost */
	assert_int_equal(r.nfolded, 7);
	assert_int_equal(r.folded.slots[1], 7);
	assert_int_equal(r.folded.sum_ns, 7 * 2000);
	assert_string_equal(r.v[0].label, "/c7");
	assert_string_equal(r.v[2].label, "/c9");
	retired_free(&r);
}

static void test_append_copies(void **state)
{
	struct retired r = { 0 };
	struct hist h = waits(4, 3, 20000);
	struct series *v = calloc(1, sizeof(*v));
	size_t n = 1, cap = 1;

	(void)state;
	assert_non_null(v);
	v[0].label = strdup("/live");
	assert_int_equal(retired_add(&r, strdup("/gone"), &h, 5), 0);
	assert_int_equal(retired_append(&r, &v, &n, &cap), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].label, "/gone");
	assert_ptr_not_equal(v[1].label, r.v[0].label);
	assert_int_equal(v[1].h.slots[4], 3);
	for (size_t i = 0; i < n; i++)
		free(v[i].label);
	free(v);
	retired_free(&r);
}

static void test_age_folds_expired(void **state)
{
	struct retired r = { .limit = 100, .max_age_ns = 300 };
	struct hist h = waits(2, 2, 5000);

	(void)state;
	assert_int_equal(retired_add(&r, strdup("/old"), &h, 1000), 0);
	assert_int_equal(retired_add(&r, strdup("/mid"), &h, 1100), 0);
	assert_int_equal(retired_add(&r, strdup("/new"), &h, 1250), 0);
	retired_expire(&r, 1299);
	assert_int_equal(r.n, 3);
	/* exactly max_age_ns after its retirement a series folds */
	retired_expire(&r, 1300);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].label, "/mid");
	assert_int_equal(r.nfolded, 1);
	assert_int_equal(r.folded.slots[2], 2);
	/* retired again: the series is the newest, its age starts over */
	assert_int_equal(retired_add(&r, strdup("/mid"), &h, 1350), 0);
	retired_expire(&r, 1560);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].label, "/mid");
	assert_int_equal(r.v[0].h.slots[2], 4);
	assert_int_equal(r.nfolded, 2);
	assert_int_equal(r.folded.slots[2], 4);
	retired_expire(&r, 1650);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.folded.slots[2], 8);
	assert_int_equal(r.nfolded, 3);
	retired_free(&r);
}

static void test_no_age_bound(void **state)
{
	struct retired r = { .limit = 0 };
	struct hist h = waits(2, 1, 5000);

	(void)state;
	assert_int_equal(retired_add(&r, strdup("/x"), &h, 1), 0);
	retired_expire(&r, ~0ULL);
	assert_int_equal(r.n, 1);
	retired_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_same_path),
		cmocka_unit_test(test_limit_folds_oldest),
		cmocka_unit_test(test_age_folds_expired),
		cmocka_unit_test(test_no_age_bound),
		cmocka_unit_test(test_append_copies),
	};

	return cmocka_run_group_tests_name("retired", tests, NULL, NULL);
}
