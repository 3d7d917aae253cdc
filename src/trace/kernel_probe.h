/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_KERNEL_PROBE_H
#define RQS_KERNEL_PROBE_H

#include <stdbool.h>

#define RQS_KERNEL_BTF "/sys/kernel/btf/vmlinux"

/* CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON (Linux 5.8+), in the effective
 * set, in the initial user namespace (the kernel checks BPF capabilities
 * there: those of a user namespace's root do not count). */
bool have_bpf_privileges(void);
/* Whether this process is in the initial PID namespace: the programs see
 * the host's TIDs (task->pid), not those of a namespace. */
bool in_initial_pid_namespace(void);
bool have_kernel_btf(void);
/* 0 when tracing programs can use task local storage, else a negative errno. */
int probe_task_storage(void);
/* Whether a load's -errno says the kernel lacks a feature (an unknown map
 * type, helper or program type), rather than refusing for another reason
 * (memory, permission) that a message must name as it is. */
bool bpf_feature_missing(int err);
/* Whether this kernel lacks BPF ring buffers (Linux 5.8). */
bool ringbuf_missing(void);
/* A PREEMPT_RT kernel whose task storage allocates from the slab under raw
 * spinlocks (before Linux 6.4): the tracer must not create storage there. */
bool task_storage_unsafe_on_rt(void);

#endif
