/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A task's cgroup v2 id, as --by cgroup and --blame-by cgroup key it. */
#ifndef CGROUP_ID_BPF_H
#define CGROUP_ID_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* The kernfs node id of @p's default-hierarchy cgroup. kernfs_node::id is
 * a u64 since Linux 5.5, commit 67c0496e87d1 ("kernfs: convert
 * kernfs_node->id from union kernfs_node_id to u64"), the release that
 * brought tp_btf programs: every kernel that loads these. */
static __always_inline __u64 task_cgroup_id(struct task_struct *p)
{
	return p->cgroups->dfl_cgrp->kn->id;
}

#endif
