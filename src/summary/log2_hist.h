/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_LOG2_HIST_H
#define RQS_LOG2_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/histogram.h"

/* A log2 histogram of waits as the frontend holds it: summed over CPUs,
 * or one interval's difference of two such sums. */
struct hist {
	uint64_t slots[RQS_HIST_SLOTS];
	uint64_t sum_ns;
	uint64_t max_ns;	/* 0: no maximum known */
	uint32_t max_pid;
	char max_comm[17];
};

/* A percentile or range in whole microseconds, both ends included:
 * a log2 bucket cannot say more than where the value lies. */
struct us_range {
	uint64_t low, high;
	bool open;		/* the last slot: no upper bound but the maximum */
};

/* --bucket-range: the slots shown, first to last. Waits of lower slots
 * count in the first, which then starts at 0 us; waits of higher slots
 * count in the last, which has no upper bound. The sum, the maximum and the
 * percentiles stay those of every slot. */
struct hist_layout {
	unsigned int first, last;
};

unsigned int hist_slot_of_us(uint64_t us);
/* Slot @slot holds waits of [low, high] us (slot 0: [0, 1]). */
struct us_range hist_slot_range(unsigned int slot);
uint64_t hist_count(const struct hist *h);
/* The layout whose bucket bounds (the shown slots' upper ends, as
 * Prometheus' le) are the powers of two us from the one at or below @low_us
 * to the one at or above @high_us, within 2 us and 2^31 us (2147 s).
 * hist_layout_of(0, UINT64_MAX) is every slot. */
struct hist_layout hist_layout_of(uint64_t low_us, uint64_t high_us);
/* @h's slots as @l shows them: slots[first..last], the rest 0. @l NULL:
 * every slot as it is. */
void hist_fold(const struct hist *h, const struct hist_layout *l,
	       uint64_t slots[RQS_HIST_SLOTS]);
/* The waits slot @slot holds when @l shows it (NULL: hist_slot_range()) */
struct us_range hist_layout_range(const struct hist_layout *l, unsigned int slot);
/* Adds one CPU's value of a BPF histogram, its @halves halves (2 with -i,
 * else 1), and its maxima of generations (-i intervals) first_gen to
 * last_gen. */
void hist_add_bpf(struct hist *h, const struct rqs_hist_gen *v, unsigned int halves,
		  __u32 first_gen, __u32 last_gen);
/* Adds the half of one CPU's value (of two halves: -i) that generation
 * @gen wrote (with the earlier generations of its parity), and @gen's
 * maximum. Once no program that read @gen runs any more, that half is
 * still. */
void hist_add_bpf_gen(struct hist *h, const struct rqs_hist_gen *v, __u32 gen);
void hist_add(struct hist *h, const struct hist *v);
/* @h - @base, slots and sum only (a maximum does not subtract). */
void hist_sub(struct hist *h, const struct hist *base);
/* Where the @q quantile (0 < q <= 1) lies: the slot holding the wait of rank
 * ceil(q * count), capped by the exact maximum when it is in that slot.
 * Returns false for an empty histogram. */
bool hist_quantile(const struct hist *h, double q, struct us_range *r);
/* The percentiles the summaries print, in order */
#define HIST_NQUANTILES 4
extern const struct hist_quantile_name {
	double q;
	const char *name;
} hist_quantiles[HIST_NQUANTILES];
/* runqlat's bars (in layout @l; NULL: every slot), then one line: count, mean, p50, p90, p99, p99.9, max. */
int hist_print(FILE *out, const struct hist *h, const struct hist_layout *l);

#endif
