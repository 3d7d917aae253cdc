/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The task storage maps, shared by the tracer and the prefill iterator
 * (which reuses the tracer's map fds), so that both, and the tracer's
 * task_newtask program, can create every one where no scheduler lock is
 * held (storage_task.bpf.h). The tracer only reads noted_wakers (-W) and
 * blame_moves (-B) with those options. */
#ifndef TASK_STORAGE_MAP_BPF_H
#define TASK_STORAGE_MAP_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "runqslower.h"	/* struct rqs_pending: the floors allocate the same */
#include "blame_moved.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct rqs_pending);
} start SEC(".maps");

/* -W: the waker noted at sched_waking (storage_task.bpf.h) */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct rqs_waker);
} noted_wakers SEC(".maps");

/* -B: what a task's moves left behind while it waits (blame.bpf.h) */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct blame_moved);
} blame_moves SEC(".maps");

#endif
