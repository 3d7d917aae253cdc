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

unsigned int hist_slot_of_us(uint64_t us);
/* Slot @slot holds waits of [low, high] us (slot 0: [0, 1]). */
struct us_range hist_slot_range(unsigned int slot);
uint64_t hist_count(const struct hist *h);
/* Adds one CPU's value of a BPF histogram, and its maxima of generations
 * (-i intervals) first_gen to last_gen. */
void hist_add_bpf(struct hist *h, const struct rqs_hist *v, __u32 first_gen,
		  __u32 last_gen);
void hist_add(struct hist *h, const struct hist *v);
/* @h - @base, slots and sum only (a maximum does not subtract). */
void hist_sub(struct hist *h, const struct hist *base);
/* Where the @q quantile (0 < q <= 1) lies: the slot holding the wait of rank
 * ceil(q * count), capped by the exact maximum when it is in that slot.
 * Returns false for an empty histogram. */
bool hist_quantile(const struct hist *h, double q, struct us_range *r);
/* runqlat's bars, then one line: count, mean, p50, p90, p99, p99.9, max. */
int hist_print(FILE *out, const struct hist *h);

#endif
