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
/* Whether this process is in the initial cgroup namespace: cgroup paths
 * (mountinfo, /proc/PID/cgroup) start at the hierarchy's root. */
bool in_initial_cgroup_namespace(void);
bool have_kernel_btf(void);
/* The level (0: the root) of the cgroup v2 directory @dir, whose id is @id,
 * in the whole hierarchy, as the kernel counts it: 0, or a negative errno
 * (a kernel without the BPF cgroup iterator: bpf_feature_missing() or
 * -ENOENT). */
int probe_cgroup_level(const char *dir, unsigned long long id, int *level);
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
/* Local storage allocated in any context (Linux 6.4+): see kernel_probe.c */
bool task_storage_alloc_any_context(void);

#endif
