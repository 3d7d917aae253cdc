/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROBE_H
#define RQS_PROBE_H

#include <stdbool.h>

#define RQS_KERNEL_BTF "/sys/kernel/btf/vmlinux"

/* CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON (Linux 5.8+), in the effective set. */
bool have_bpf_privileges(void);
bool have_kernel_btf(void);
/* 0 when tracing programs can use task local storage, else a negative errno. */
int probe_task_storage(void);
/* A PREEMPT_RT kernel whose task storage allocates from the slab under raw
 * spinlocks (before Linux 6.4): the tracer must not create storage there. */
bool task_storage_unsafe_on_rt(void);

#endif
