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
#include "capture.h"

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
	cpu0.g[1].slots[3] = 4;
	cpu0.g[1].sum_ns = 40000;
	cpu0.g[0].slots[3] = 1;
	cpu0.g[0].sum_ns = 10000;
	/* generation 3 in the odd half, 2 in the even one */
	cpu0.g[1].max = (struct rqs_hist_max){ .ns = 14000, .gen = 3, .pid = 7 };
	memcpy(cpu0.g[1].max.comm, "sixteen-chars-xx", 16); /* no NUL in the kernel's copy */
	cpu0.g[0].max = (struct rqs_hist_max){ .ns = 90000, .gen = 2, .pid = 9 };
	cpu1.g[0].slots[3] = 1;
	cpu1.g[1].slots[10] = 2;
	cpu1.g[0].sum_ns = 1000;
	cpu1.g[1].sum_ns = 2999000;
	cpu1.g[0].max = (struct rqs_hist_max){ .ns = 1500000, .gen = 0, .pid = 8, .comm = "old" };
	/* both halves; generation 3's maximum only: other generations' maxima
	 * are left out */
	hist_add_bpf(&h, cpu0.g, 2, 3, 3);
	hist_add_bpf(&h, cpu1.g, 2, 3, 3);
	assert_int_equal(hist_count(&h), 8);
	assert_int_equal(h.sum_ns, 3050000);
	assert_int_equal(h.max_ns, 14000);
	assert_int_equal(h.max_pid, 7);
	assert_string_equal(h.max_comm, "sixteen-chars-xx");
	/* generations 2 to 3 */
	base = (struct hist){ 0 };
	hist_add_bpf(&base, cpu0.g, 2, 2, 3);
	assert_int_equal(base.max_ns, 90000);
	assert_int_equal(base.max_pid, 9);
	/* across the 32-bit wrap: 0xffffffff to 0 takes generation 0 */
	base = (struct hist){ 0 };
	hist_add_bpf(&base, cpu1.g, 2, 0xffffffffU, 0);
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

/* A wait as the program records it: in the half of the generation it read */
static void record(struct rqs_hist *v, __u32 gen, uint64_t us, __u32 pid)
{
	struct rqs_hist_gen *g = &v->g[gen & 1];

	g->slots[hist_slot_of_us(us)]++;
	g->sum_ns += us * 1000;
	if (us * 1000 > g->max.ns || g->max.gen != gen)
		g->max = (struct rqs_hist_max){ .ns = us * 1000, .gen = gen, .pid = pid };
}

/* An interval's read at the end of generation G takes G's half, still, and
 * the other half as the read at the end of G - 1 left it: waits of G + 1
 * recorded before the read are in neither, and the maximum is G's. */
static void test_closing_halves(void **state)
{
	struct rqs_hist v = { 0 };
	struct hist closed, frozen = { 0 }, last = { 0 }, delta;

	(void)state;
	record(&v, 0, 5, 1);
	record(&v, 0, 300, 2);
	/* the end of generation 0: nothing of the odd half yet */
	closed = (struct hist){ 0 };
	hist_add_bpf_gen(&closed, v.g, 0);
	frozen = closed;
	frozen.max_ns = 0; /* kept for its counts: the maximum is the next's */
	assert_int_equal(hist_count(&closed), 2);
	assert_int_equal(closed.max_ns, 300000);
	last = closed;
	record(&v, 1, 40, 3);
	record(&v, 1, 9, 4);
	/* generation 1 ended; a wait of 2 generation 2 already recorded */
	record(&v, 2, 5000, 5);
	closed = (struct hist){ 0 };
	hist_add_bpf_gen(&closed, v.g, 1);
	assert_int_equal(closed.max_ns, 40000);
	assert_int_equal(closed.max_pid, 3);
	hist_add(&closed, &frozen);
	delta = closed;
	hist_sub(&delta, &last);
	/* the interval holds generation 1's two waits, its maximum among them */
	assert_int_equal(hist_count(&delta), 2);
	assert_int_equal(delta.slots[hist_slot_of_us(40)], 1);
	assert_int_equal(delta.slots[hist_slot_of_us(9)], 1);
	assert_int_equal(delta.slots[hist_slot_of_us(5000)], 0);
	assert_int_equal(delta.sum_ns, 49000);
	assert_int_equal(hist_slot_of_us(delta.max_ns / 1000), hist_slot_of_us(40));
	/* every half, as a total: the wait of 2 too, and its maximum */
	closed = (struct hist){ 0 };
	hist_add_bpf(&closed, v.g, 2, 0, 2);
	assert_int_equal(hist_count(&closed), 5);
	assert_int_equal(closed.max_ns, 5000000);
}

/* Without -i a value is one half (what the map holds per CPU): the next
 * CPU's value follows it, and nothing past it is read. */
static void test_one_half(void **state)
{
	struct rqs_hist_gen cpus[2] = { 0 };
	struct hist h = { 0 };

	(void)state;
	cpus[0].slots[3] = 2;
	cpus[0].sum_ns = 20000;
	cpus[0].max = (struct rqs_hist_max){ .ns = 12000, .pid = 4 };
	cpus[1].slots[5] = 1;
	cpus[1].sum_ns = 40000;
	cpus[1].max = (struct rqs_hist_max){ .ns = 40000, .pid = 5 };
	hist_add_bpf(&h, &cpus[0], 1, 0, 0);
	assert_int_equal(hist_count(&h), 2);
	assert_int_equal(h.max_pid, 4);
	hist_add_bpf(&h, &cpus[1], 1, 0, 0);
	assert_int_equal(hist_count(&h), 3);
	assert_int_equal(h.sum_ns, 60000);
	assert_int_equal(h.max_ns, 40000);
	assert_int_equal(h.max_pid, 5);
}

static void test_print(void **state)
{
	struct hist h = { 0 };
	struct capture c;
	char *buf;

	(void)state;
	add_us(&h, 0, 3);
	add_us(&h, 5, 40);
	add_us(&h, 20, 1);
	assert_true(hist_print(capture_open(&c), &h, NULL) > 0);
	buf = capture_close(&c);
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
	hist_print(capture_open(&c), &h, NULL);
	buf = capture_close(&c);
	assert_string_equal(buf, "no waits\n");
	free(buf);
	/* the longest wait's COMM, which any user picks */
	add_us(&h, 9, 1);
	strcpy(h.max_comm, "x\n00:00:00 ssh\xc2");
	hist_print(capture_open(&c), &h, NULL);
	buf = capture_close(&c);
	assert_non_null(strstr(buf, ", max 9 us (x\\x0a00:00:00 ssh\\xc2 42)\n"));
	free(buf);
}

/* --bucket-range: bounds rounded outwards to powers of two us, within the
 * kernel's 2 us to 2^31 us */
static void test_layout_of(void **state)
{
	struct hist_layout l;

	(void)state;
	l = hist_layout_of(0, UINT64_MAX);
	assert_int_equal(l.first, 0);
	assert_int_equal(l.last, RQS_HIST_SLOTS - 1);
	/* 1 us to 10 s: bounds 2 us (slot 0's end) to 2^24 us (16.8 s) */
	l = hist_layout_of(1, 10000000);
	assert_int_equal(l.first, 0);
	assert_int_equal(l.last, 24);
	/* exact powers of two stay; others go outwards */
	l = hist_layout_of(1024, 1048576);
	assert_int_equal(l.first, 9);
	assert_int_equal(l.last, 20);
	l = hist_layout_of(1000, 1000000);
	assert_int_equal(l.first, 8);
	assert_int_equal(l.last, 20);
	l = hist_layout_of(1025, 1048577);
	assert_int_equal(l.first, 9);
	assert_int_equal(l.last, 21);
	/* beyond the kernel's slots: the outermost bounds */
	l = hist_layout_of(5000ULL * 1000000, UINT64_MAX);
	assert_int_equal(l.first, RQS_HIST_SLOTS - 2);
	assert_int_equal(l.last, RQS_HIST_SLOTS - 1);
	l = hist_layout_of(1, 2);
	assert_int_equal(l.first, 0);
	assert_int_equal(l.last, 1);
	/* the ranges: the first from 0, the last open, the rest the slots' */
	l = hist_layout_of(64, 1000);
	assert_int_equal(hist_layout_range(&l, l.first).low, 0);
	assert_int_equal(hist_layout_range(&l, l.first).high, 63);
	assert_false(hist_layout_range(&l, l.first).open);
	assert_int_equal(hist_layout_range(&l, 7).low, 128);
	assert_int_equal(hist_layout_range(&l, 7).high, 255);
	assert_int_equal(hist_layout_range(&l, l.last).low, 1024);
	assert_true(hist_layout_range(&l, l.last).open);
}

/* folding keeps every wait, in the edge slot on its side */
static void test_fold(void **state)
{
	struct hist h = { 0 };
	uint64_t slots[RQS_HIST_SLOTS], n;
	struct hist_layout l;

	(void)state;
	srand(7);
	for (int round = 0; round < 200; round++) {
		memset(&h, 0, sizeof(h));
		for (unsigned int i = 0; i < RQS_HIST_SLOTS; i++)
			h.slots[i] = (uint64_t)(rand() % 5) * (uint64_t)(rand() % 1000);
		/* the top slot with a count the sum of the others cannot hide */
		h.slots[RQS_HIST_SLOTS - 1] = 1ULL << 40;
		l.first = (unsigned int)rand() % (RQS_HIST_SLOTS - 1);
		l.last = l.first + 1 + (unsigned int)rand() % (RQS_HIST_SLOTS - 1 - l.first);
		hist_fold(&h, &l, slots);
		n = 0;
		for (unsigned int i = 0; i < RQS_HIST_SLOTS; i++) {
			n += slots[i];
			if (i < l.first || i > l.last)
				assert_int_equal(slots[i], 0);
			else if (i > l.first && i < l.last)
				assert_int_equal(slots[i], h.slots[i]);
		}
		assert_int_equal(n, hist_count(&h));
		n = 0;
		for (unsigned int i = 0; i <= l.first; i++)
			n += h.slots[i];
		assert_int_equal(slots[l.first], n);
		n = 0;
		for (unsigned int i = l.last; i < RQS_HIST_SLOTS; i++)
			n += h.slots[i];
		assert_int_equal(slots[l.last], n);
	}
	hist_fold(&h, NULL, slots);
	assert_memory_equal(slots, h.slots, sizeof(slots));
}

/* the bars in a layout: the folded counts, the first from 0, the last
 * open; the percentiles and the maximum those of every slot */
static void test_print_layout(void **state)
{
	struct hist_layout l = hist_layout_of(8, 16);
	struct hist h = { 0 };
	struct capture c;
	char *buf;

	(void)state;
	add_us(&h, 0, 3);
	add_us(&h, 5, 40);
	add_us(&h, 9, 2);
	add_us(&h, 20, 1);
	add_us(&h, 100, 1);
	assert_true(hist_print(capture_open(&c), &h, &l) > 0);
	buf = capture_close(&c);
	assert_string_equal(buf,
		"     usecs               : count    distribution\n"
		"         0 -> 7          : 43       |****************************************|\n"
		"         8 -> 15         : 2        |**                                      |\n"
		"        16 -> ...        : 2        |**                                      |\n"
		"waits 47, mean 7 us, p50 4-7 us, p90 4-7 us, p99 64-100 us, p99.9 64-100 us, max 100 us (waiter 42)\n");
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
		cmocka_unit_test(test_closing_halves),
		cmocka_unit_test(test_one_half),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_layout_of),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_print_layout),
	};

	return cmocka_run_group_tests_name("histogram", tests, NULL, NULL);
}
