// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Loaded, never attached: it loads only where tracing programs may use task
 * local storage (Linux 5.13 and later). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} probe_storage SEC(".maps");

SEC("tp_btf/sched_switch")
int BPF_PROG(probe_task_storage, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	bpf_task_storage_get(&probe_storage, next, NULL, 0);
	return 0;
}
