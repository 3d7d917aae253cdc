/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -B: the type of a task's record of its moves (blame.bpf.h), kept in task
 * storage or a TID-keyed map (storage_task.bpf.h, storage_hash.bpf.h). */
#ifndef BLAME_MOVED_BPF_H
#define BLAME_MOVED_BPF_H

#include "vmlinux.h"
#include "runqslower.h"

#define RQS_BLAME_MOVED_SLOTS 8

/* What a task's moves while it waits left behind, in its own storage
 * (storage_task.bpf.h, storage_hash.bpf.h); it belongs to the wait that
 * ends at the switch-in only when @migrate_ts is later than the wait's
 * start (an older one is from an earlier wait). */
struct blame_moved {
	__u64 migrate_ts;	/* the last move */
	__u32 n;		/* runs used */
	__u32 pad;
	__u64 thr_ns;		/* its group's throttled time on the CPUs it
				 * left */
	struct rqs_blame run[RQS_BLAME_MOVED_SLOTS];
};

#endif
