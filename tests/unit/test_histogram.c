// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Log2 bucket math, percentile bounds and the runqlat-style rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "summary/log2_hist.h"

/* every wait in us, as the BPF side files it (us = ns / 1000) */
static void add_us(struct hist *h, uint64_t us, uint64_t times)
{
	h->slots[hist_slot_of_us(us)] += times;
	h->sum_ns += us * 1000 * times;
	if (us * 1000 > h->max_ns) {
		h->max_ns = us * 1000;
		h->max_pid = 42;
		strcpy(h->max_comm, "waiter");
	}
}

static void test_slots(void **state)
{
	(void)state;
	/* runqlat: 0 and 1 in slot 0, then [2^k, 2^(k+1)) */
	assert_int_equal(hist_slot_of_us(0), 0);
	assert_int_equal(hist_slot_of_us(1), 0);
	assert_int_equal(hist_slot_of_us(2), 1);
	assert_int_equal(hist_slot_of_us(3), 1);
	assert_int_equal(hist_slot_of_us(4), 2);
	assert_int_equal(hist_slot_of_us(1023), 9);
	assert_int_equal(hist_slot_of_us(1024), 10);
	assert_int_equal(hist_slot_of_us(1ULL << 30), 30);
	assert_int_equal(hist_slot_of_us((1ULL << 31) - 1), 30);
	/* the last slot takes everything longer */
	assert_int_equal(hist_slot_of_us(1ULL << 31), RQS_HIST_SLOTS - 1);
	assert_int_equal(hist_slot_of_us(UINT64_MAX), RQS_HIST_SLOTS - 1);
	for (unsigned int s = 0; s < RQS_HIST_SLOTS; s++) {
		struct us_range r = hist_slot_range(s);

		assert_int_equal(hist_slot_of_us(r.low), s);
		if (!r.open) {
			assert_int_equal(hist_slot_of_us(r.high), s);
			assert_int_equal(hist_slot_of_us(r.high + 1), s + 1);
		}
		assert_true(r.open == (s == RQS_HIST_SLOTS - 1));
	}
	assert_int_equal(hist_slot_range(0).low, 0);
	assert_int_equal(hist_slot_range(0).high, 1);
	assert_int_equal(hist_slot_range(3).low, 8);
	assert_int_equal(hist_slot_range(3).high, 15);
}

/* the BPF side's ns -> us: a multiply and shift below 2^32 ns, a division
 * above; exact around every multiple of 1000 it meets in a slot bound, at
 * the switch-over, and on a sweep (the whole range was checked once) */
static void test_ns_to_us(void **state)
{
	uint64_t edges[] = { 0, 1, 999, 1000, 1001, 1999, 2000, 4294966999ULL, 4294967000ULL,
			     (1ULL << 32) - 1, 1ULL << 32, (1ULL << 32) + 1, UINT64_MAX };

	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		assert_int_equal(rqs_ns_to_us(edges[i]), edges[i] / 1000);
	for (unsigned int k = 0; k < 40; k++) {
		uint64_t ns = (1ULL << k) * 1000;

		assert_int_equal(rqs_ns_to_us(ns - 1), (ns - 1) / 1000);
		assert_int_equal(rqs_ns_to_us(ns), ns / 1000);
		/* a wait one nanosecond short of 2^k us is in the slot below */
		if (k > 1 && k < RQS_HIST_SLOTS)
			assert_int_equal(rqs_hist_slot_of_us(rqs_ns_to_us(ns - 1)), k - 1);
	}
	for (uint64_t ns = 0; ns < (1ULL << 32); ns += 65521)
		assert_int_equal(rqs_ns_to_us(ns), ns / 1000);
}

static void test_quantiles_are_bucket_bounds(void **state)
{
	struct hist h = { 0 };
	struct us_range r;

	(void)state;
	assert_false(hist_quantile(&h, 0.5, &r));
	/* 90 waits of 10 us, 9 of 300 us, 1 of 5000 us */
	add_us(&h, 10, 90);
	add_us(&h, 300, 9);
	add_us(&h, 5000, 1);
	assert_int_equal(hist_count(&h), 100);
	/* rank 50 and 90 are 10 us: slot [8, 15] */
	assert_true(hist_quantile(&h, 0.5, &r));
	assert_int_equal(r.low, 8);
	assert_int_equal(r.high, 15);
	assert_true(hist_quantile(&h, 0.9, &r));
	assert_int_equal(r.low, 8);
	/* rank 91 is the first 300 us wait */
	assert_true(hist_quantile(&h, 0.91, &r));
	assert_int_equal(r.low, 256);
	assert_int_equal(r.high, 511);
	/* rank 99: 300 us */
	assert_true(hist_quantile(&h, 0.99, &r));
	assert_int_equal(r.low, 256);
	/* rank 100 (p99.9 of 100 waits) is the maximum's slot, capped by it */
	assert_true(hist_quantile(&h, 0.999, &r));
	assert_int_equal(r.low, 4096);
	assert_int_equal(r.high, 5000);
	assert_false(r.open);
}

static void test_quantile_open_last_slot(void **state)
{
	struct hist h = { 0 };
	struct us_range r;

	(void)state;
	h.slots[RQS_HIST_SLOTS - 1] = 1;
	assert_true(hist_quantile(&h, 1.0, &r));
	assert_true(r.open);
	assert_int_equal(r.low, 1ULL << 31);
	/* with the maximum known, it closes */
	h.max_ns = 3000000000000ULL;
	assert_true(hist_quantile(&h, 1.0, &r));
	assert_false(r.open);
	assert_int_equal(r.high, 3000000000ULL);
}

static void test_add_and_sub(void **state)
{
	struct rqs_hist cpu0 = { 0 }, cpu1 = { 0 };
	struct hist h = { 0 }, base;

	(void)state;
	cpu0.slots[3] = 5;
	cpu0.sum_ns = 50000;
	/* generation 3 in the odd slot, 2 in the even one */
	cpu0.max[1] = (struct rqs_hist_max){ .ns = 14000, .gen = 3, .pid = 7 };
	memcpy(cpu0.max[1].comm, "sixteen-chars-xx", 16); /* no NUL in the kernel's copy */
	cpu0.max[0] = (struct rqs_hist_max){ .ns = 90000, .gen = 2, .pid = 9 };
	cpu1.slots[3] = 1;
	cpu1.slots[10] = 2;
	cpu1.sum_ns = 3000000;
	cpu1.max[0] = (struct rqs_hist_max){ .ns = 1500000, .gen = 0, .pid = 8, .comm = "old" };
	/* generation 3 only: other generations' maxima are left out */
	hist_add_bpf(&h, &cpu0, 3, 3);
	hist_add_bpf(&h, &cpu1, 3, 3);
	assert_int_equal(hist_count(&h), 8);
	assert_int_equal(h.sum_ns, 3050000);
	assert_int_equal(h.max_ns, 14000);
	assert_int_equal(h.max_pid, 7);
	assert_string_equal(h.max_comm, "sixteen-chars-xx");
	/* generations 2 to 3 */
	base = (struct hist){ 0 };
	hist_add_bpf(&base, &cpu0, 2, 3);
	assert_int_equal(base.max_ns, 90000);
	assert_int_equal(base.max_pid, 9);
	/* across the 32-bit wrap: 0xffffffff to 0 takes generation 0 */
	base = (struct hist){ 0 };
	hist_add_bpf(&base, &cpu1, 0xffffffffU, 0);
	assert_int_equal(base.max_ns, 1500000);
	base = h;
	h.slots[3] += 4;
	h.sum_ns += 40000;
	hist_sub(&h, &base);
	assert_int_equal(hist_count(&h), 4);
	assert_int_equal(h.slots[3], 4);
	assert_int_equal(h.sum_ns, 40000);
	/* a base larger than the value (a reused key): the value is all new */
	base.slots[3] = 100;
	h.slots[3] = 4;
	hist_sub(&h, &base);
	assert_int_equal(h.slots[3], 4);
}

static void test_print(void **state)
{
	struct hist h = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	add_us(&h, 0, 3);
	add_us(&h, 5, 40);
	add_us(&h, 20, 1);
	f = open_memstream(&buf, &len);
	assert_true(hist_print(f, &h) > 0);
	fclose(f);
	assert_string_equal(buf,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 3        |***                                     |\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 40       |****************************************|\n"
		"         8 -> 15         : 0        |                                        |\n"
		"        16 -> 31         : 1        |*                                       |\n"
		"waits 44, mean 5 us, p50 4-7 us, p90 4-7 us, p99 16-20 us, p99.9 16-20 us, max 20 us (waiter 42)\n");
	free(buf);
	memset(&h, 0, sizeof(h));
	f = open_memstream(&buf, &len);
	hist_print(f, &h);
	fclose(f);
	assert_string_equal(buf, "no waits\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_ns_to_us),
		cmocka_unit_test(test_quantiles_are_bucket_bounds),
		cmocka_unit_test(test_quantile_open_last_slot),
		cmocka_unit_test(test_add_and_sub),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests_name("histogram", tests, NULL, NULL);
}
