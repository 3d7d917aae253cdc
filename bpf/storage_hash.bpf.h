/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enqueue timestamps in a hash map keyed by TID, as the classic runqslower
 * does: its size is fixed before load (--hash-entries), and a full map drops
 * wakeups. */
#ifndef STORAGE_HASH_BPF_H
#define STORAGE_HASH_BPF_H

#ifndef EEXIST
#define EEXIST 17 /* include/uapi/asm-generic/errno-base.h */
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* See storage_task.bpf.h. An entry is consumed (deleted) at every switch-in,
 * so an existing one is a pending enqueue time: BPF_NOEXIST keeps it, and
 * its -EEXIST is not a loss. */
static __always_inline bool storage_put(struct task_struct *p, __u64 ts,
					bool keep_pending)
{
	__u32 tid = p->pid;
	long err;

	err = bpf_map_update_elem(&start, &tid, &ts,
				  keep_pending ? BPF_NOEXIST : BPF_ANY);
	return err == 0 || (keep_pending && err == -EEXIST);
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
