/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -s/--summary: every run-queue wait goes into a log2 histogram kept in
 * per-CPU maps; nothing per event reaches userspace. Called from one place in
 * sched_switch, behind cfg.summary: with the summary off the verifier removes
 * the call as dead code and the hot path is what it was. */
#ifndef HISTOGRAM_BPF_H
#define HISTOGRAM_BPF_H

#include "common.bpf.h"
#include "histogram.h"
#include "cgroup_id.bpf.h"

/* RQS_HIST_ALL (one histogram, or one per CPU with --by cpu) and
 * RQS_HIST_OVERFLOW. Both maps' values are sized at load to cfg.hist_halves
 * halves of struct rqs_hist: no BTF value type, which would fix the size. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RQS_NR_HIST);
	__type(key, __u32);
	__uint(value_size, sizeof(struct rqs_hist));
} hist_cpu SEC(".maps");

/* --by comm|cgroup; sized by the frontend (--max-keys, and the key size:
 * 8 bytes for a cgroup id, 16 for a COMM). Preallocated: an insert from the
 * scheduler's tracepoints never allocates. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RQS_DEFAULT_MAX_KEYS);
	__uint(key_size, sizeof(union rqs_hist_key));
	__uint(value_size, sizeof(struct rqs_hist));
} hist_keyed SEC(".maps");

/* What a new key starts from; never written. */
struct rqs_hist hist_zero;
/* Bumped by the frontend at each -i interval: a generation's waits go to
 * the half of its parity, whose maximum restarts at its first wait.
 * Without -i it stays 0 and the values have one half. */
__u32 hist_gen;

/* The generation a wait is counted in: read once a switch, so that its
 * histogram and its culprits (cgroup_blame.bpf.h) land in the same one */
static __always_inline __u32 hist_gen_now(void)
{
	return *(volatile __u32 *)&hist_gen;
}

/* @cg: @p's cgroup v2 id when the caller has read it, else 0 */
static __always_inline struct rqs_hist *hist_of(struct task_struct *p, __u64 cg)
{
	union rqs_hist_key key = {};
	struct rqs_hist *h;
	__u32 idx = RQS_HIST_ALL;

	if (cfg.by != RQS_BY_COMM && cfg.by != RQS_BY_CGROUP)
		return bpf_map_lookup_elem(&hist_cpu, &idx);
	if (cfg.by == RQS_BY_COMM)
		bpf_probe_read_kernel(key.comm, sizeof(key.comm), p->comm);
	else
		key.cgroup_id = cg ? cg : task_cgroup_id(p);
	h = bpf_map_lookup_elem(&hist_keyed, &key);
	if (h)
		return h;
	/* EEXIST (another CPU inserted it meanwhile) is fine: look again */
	bpf_map_update_elem(&hist_keyed, &key, &hist_zero, BPF_NOEXIST);
	h = bpf_map_lookup_elem(&hist_keyed, &key);
	if (h)
		return h;
	idx = RQS_HIST_OVERFLOW;
	return bpf_map_lookup_elem(&hist_cpu, &idx);
}

/* @p ran after waiting @delta_ns, counted in generation @gen
 * (hist_gen_now()); @cg: see hist_of() */
static __always_inline void hist_record(struct task_struct *p, __u64 delta_ns, __u64 cg,
					__u32 gen)
{
	struct rqs_hist *h = hist_of(p, cg);
	struct rqs_hist_gen *g;
	struct rqs_hist_max *m;
	__u64 slot = rqs_hist_slot_of_us(rqs_ns_to_us(delta_ns));

	if (!h)
		return;
	/* without -i, gen & 0: the verifier sees the one half there is */
	g = &h->g[gen & (cfg.hist_halves > 1)];
	g->slots[slot]++;
	g->sum_ns += delta_ns;
	m = &g->max;
	if (delta_ns > m->ns || m->gen != gen) {
		m->ns = delta_ns;
		m->gen = gen;
		m->pid = p->pid;
		bpf_probe_read_kernel(m->comm, sizeof(m->comm), p->comm);
	}
}

#endif
