/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -s/--summary: the log2 histogram of every run-queue wait, shared by
 * bpf/histogram.bpf.h and the frontend (src/summary/log2_hist.c). */
#ifndef RQS_HISTOGRAM_H
#define RQS_HISTOGRAM_H

/* Slot 0 counts waits of 0 and 1 us, slot k >= 1 those of [2^k, 2^(k+1)) us,
 * as runqlat does; the last slot also holds everything longer. */
#define RQS_HIST_SLOTS 32
#define RQS_DEFAULT_MAX_KEYS 1024

/* The slot math, shared by the BPF side and the frontend so that both file
 * a wait alike; branch-free and loop-free for the BPF hot path. */

/* floor(log2(v)), 0 for v <= 1, in five halving steps */
static inline __attribute__((always_inline)) __u64 rqs_log2(__u64 v)
{
	__u64 r, s;

	r = (__u64)(v >= (1ULL << 32)) << 5;
	v >>= r;
	s = (__u64)(v >= (1ULL << 16)) << 4;
	v >>= s;
	r |= s;
	s = (__u64)(v >= (1ULL << 8)) << 3;
	v >>= s;
	r |= s;
	s = (__u64)(v >= (1ULL << 4)) << 2;
	v >>= s;
	r |= s;
	s = (__u64)(v >= (1ULL << 2)) << 1;
	v >>= s;
	r |= s;
	return r | (v >> 1);
}

/* @ns / 1000. Below 2^32 ns (4.29 s) a multiply and a shift give the exact
 * quotient where a 64-bit division costs tens of cycles on every switch:
 * 274877907 = ceil(2^38 / 1000), whose excess over 2^38 / 1000 (0.056)
 * times 2^32 / 2^38 stays under 1/1000. */
static inline __attribute__((always_inline)) __u64 rqs_ns_to_us(__u64 ns)
{
	if (ns < (1ULL << 32))
		return (ns * 274877907ULL) >> 38;
	return ns / 1000;
}

/* The slot of a wait of @us microseconds. 64-bit: in BPF a 32-bit slot's
 * bounds check may be made on a zero-extended copy the verifier does not
 * tie to the index. */
static inline __attribute__((always_inline)) __u64 rqs_hist_slot_of_us(__u64 us)
{
	__u64 slot = rqs_log2(us);

	return slot < RQS_HIST_SLOTS ? slot : RQS_HIST_SLOTS - 1;
}

/* --by: what one histogram is kept per. */
enum rqs_by {
	RQS_BY_NONE,
	RQS_BY_CPU,	/* the per-CPU values of hist_cpu, not summed */
	RQS_BY_COMM,	/* the COMM of the task that waited */
	RQS_BY_CGROUP,	/* its cgroup v2 id */
};

/* Entries of the per-CPU array hist_cpu. */
enum rqs_hist_index {
	RQS_HIST_ALL,	   /* every wait, without --by or with --by cpu */
	RQS_HIST_OVERFLOW, /* --by comm|cgroup: waits whose key found the map full */
	RQS_NR_HIST,
};

/* The longest wait of one -i interval (generation). */
struct rqs_hist_max {
	__u64 ns;
	__u32 gen;
	__u32 pid;
	char comm[16];
};

/* The waits of the generations of one parity. */
struct rqs_hist_gen {
	__u64 slots[RQS_HIST_SLOTS];
	__u64 sum_ns;
	struct rqs_hist_max max;
};

/* By the parity of the generation: while the frontend reads the interval
 * that has just ended, the next one writes the other half, and the counts
 * read hold the same waits as the maximum. */
struct rqs_hist {
	struct rqs_hist_gen g[2];
};

/* The map's key size is set at load to the member in use: a cgroup id
 * hashes 8 bytes, not 16. */
union rqs_hist_key {
	__u64 cgroup_id;	/* --by cgroup */
	char comm[16];		/* --by comm */
};

#endif
