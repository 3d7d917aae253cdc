/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -p and -t (traced()), shared by the tracing programs and the prefill
 * iterator, and -c and --cgroup (wanted()): filters on the task that is made
 * runnable (never on `current`, which at a wakeup is the waker), the latter
 * checked only where it is queued, so that a task never queued is never
 * reported. The verifier knows cfg's values (read-only, frozen map) and
 * removes the branches they make dead: without -p no compare is left, with
 * one process one. */
#ifndef FILTER_BPF_H
#define FILTER_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_core_read.h>

static __always_inline bool traced(struct task_struct *p)
{
	if (cfg.ntgids) {
		__s32 tgid = p->tgid;
		bool found = false;

#pragma unroll
		for (int i = 0; i < RQS_MAX_TGIDS; i++) {
			if (i >= cfg.ntgids)
				break;
			if (tgid == cfg.targ_tgids[i]) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	if (cfg.targ_pid && p->pid != cfg.targ_pid)
		return false;
	return true;
}

/* -c: COMM starts with the prefix; two masked 8-byte compares */
static __always_inline bool comm_wanted(struct task_struct *p)
{
	const __u64 *c;

	if (!cfg.comm_mask[0])
		return true;
	c = (const __u64 *)p->comm;
	return !(((c[0] ^ cfg.comm_want[0]) & cfg.comm_mask[0]) |
		 ((c[1] ^ cfg.comm_want[1]) & cfg.comm_mask[1]));
}

struct kernfs_node___rqs {
	__u64 id;	/* u64 since Linux 5.5, commit 67c0496e87d1 */
} __attribute__((preserve_access_index));

/* Linux 6.1, commit 7f203bc89eb6 ("cgroup: Replace cgroup->ancestor_ids[]
 * with ->ancestors[]"): before it, the ancestors' ids themselves */
struct cgroup___rqs {
	int level;
	struct kernfs_node___rqs *kn;
	struct cgroup___rqs *ancestors[];
} __attribute__((preserve_access_index));

struct cgroup___rqs_old {
	int level;
	__u64 ancestor_ids[];
} __attribute__((preserve_access_index));

struct css_set___rqs {
	struct cgroup___rqs *dfl_cgrp;
} __attribute__((preserve_access_index));

struct task_struct___rqs_cg {
	struct css_set___rqs *cgroups;
} __attribute__((preserve_access_index));

/* --cgroup: the task's cgroup in the v2 hierarchy is the directory or below
 * it: its ancestor at the directory's level is the directory (what
 * bpf_skb_ancestor_cgroup_id() does for sockets). */
static __always_inline bool cgroup_wanted(struct task_struct *p)
{
	struct task_struct___rqs_cg *t = (void *)p;
	struct cgroup___rqs *cg, *anc = NULL;
	/* a plain local: inside bpf_core_read()'s access-index builtin,
	 * cfg.cgroup_level would become a CO-RE relocation of rqs_config */
	int level = cfg.cgroup_level;
	__u64 id = 0;

	if (!cfg.cgroup_id)
		return true;
	cg = t->cgroups->dfl_cgrp;
	if (!cg || cg->level < level)
		return false;
	/* a flexible array: the verifier allows no direct load from it */
	if (bpf_core_field_exists(cg->ancestors)) {
		bpf_core_read(&anc, sizeof(anc), &cg->ancestors[level]);
		if (anc)
			id = BPF_CORE_READ(anc, kn, id);
	} else {
		bpf_core_read(&id, sizeof(id),
			      &((struct cgroup___rqs_old *)cg)->ancestor_ids[level]);
	}
	return id == cfg.cgroup_id;
}

static __always_inline bool wanted(struct task_struct *p)
{
	return comm_wanted(p) && cgroup_wanted(p);
}

/* traced(), and the filters only the queueing side applies */
static __always_inline bool traced_enqueue(struct task_struct *p, const bool ext)
{
	return traced(p) && (!ext || wanted(p));
}

#endif
