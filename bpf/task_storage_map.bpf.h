/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The task storage map, shared by the tracer and the prefill iterator
 * (which reuses the tracer's map fd). */
#ifndef TASK_STORAGE_MAP_BPF_H
#define TASK_STORAGE_MAP_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "runqslower.h"	/* struct rqs_enqueue: the floors allocate the same */

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct rqs_enqueue);
} start SEC(".maps");

#endif
