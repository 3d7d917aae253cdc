// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's look inside bpf_task_storage_get(): the loads of a lookup
 * (bpf_local_storage_lookup() in kernel/bpf/bpf_local_storage.c), each one
 * dependent on the one before and into a different allocation, made directly
 * and one by one, at the events where lookup_floor.bpf.c calls the helper:
 *   steps = 1  task->bpf_storage, a field of task_struct
 *   steps = 2  + this map's slot in that bpf_local_storage's cache[]
 *   steps = 3  + the element's smap, on the cache line of the value
 * A task whose storage is not there yet, or not in this map's cache slot,
 * goes through the helper, which creates it and, on a second call, caches it;
 * counted in slow_lookups. Reads kernel-internal structs: for the benchmark only. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "task_state.bpf.h"
#include "task_storage_map.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile int steps = 3;
__u64 slow_lookups;

#define RQS_STORAGE_CACHE_SIZE 16 /* BPF_LOCAL_STORAGE_CACHE_SIZE */

static __always_inline void lookup_steps(struct task_struct *p)
{
	__u16 idx = ((struct bpf_local_storage_map *)&start)->cache_idx;
	struct bpf_local_storage_data *sdata = NULL;
	struct bpf_local_storage *storage;

	storage = p->bpf_storage;
	barrier_var(storage);
	if (steps == 1)
		return;
	if (!storage)
		goto slow;
	/* constant offsets: the verifier takes no variable ones into BTF structs */
#pragma unroll
	for (int i = 0; i < RQS_STORAGE_CACHE_SIZE; i++)
		if (i == idx)
			sdata = storage->cache[i];
	barrier_var(sdata);
	if (!sdata)
		goto slow;
	if (steps == 2 || sdata->smap == (void *)&start)
		return;
slow:
	__sync_fetch_and_add(&slow_lookups, 1);
	bpf_task_storage_get(&start, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	bpf_task_storage_get(&start, p, NULL, 0);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	lookup_steps(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	lookup_steps(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	if ((preempt || task_is_running(prev)) && prev->pid)
		lookup_steps(prev);
	if (next->pid)
		lookup_steps(next);
	return 0;
}
