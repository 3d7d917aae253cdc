/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The tracer's event and loss counters (enum rqs_counter), per CPU: the
 * frontend sums them. Not in common.bpf.h: the prefill iterator shares cfg
 * and the filters but counts nothing. */
#ifndef COUNTERS_BPF_H
#define COUNTERS_BPF_H

#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RQS_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 counter)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &counter);

	if (n)
		*n += 1;
}

#endif
