/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enqueue timestamps in a hash map keyed by TID, as the classic runqslower
 * does: its size is fixed before load (--hash-entries), a full map drops
 * wakeups, and entries of tasks that never run again stay behind. */
#ifndef STORAGE_HASH_BPF_H
#define STORAGE_HASH_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

static __always_inline bool storage_put(struct task_struct *p, __u64 ts)
{
	__u32 tid = p->pid;

	return bpf_map_update_elem(&start, &tid, &ts, BPF_ANY) == 0;
}

static __always_inline __u64 storage_take(struct task_struct *p)
{
	__u32 tid = p->pid;
	__u64 *tsp = bpf_map_lookup_elem(&start, &tid);
	__u64 ts;

	if (!tsp)
		return 0;
	ts = *tsp;
	bpf_map_delete_elem(&start, &tid);
	return ts;
}

#endif
