// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --cgroup inside a cgroup namespace: the directory's level as the kernel
 * counts it (struct cgroup::level, from the hierarchy's root), which the
 * path, relative to the namespace's root, does not give. Run once at start
 * as a cgroup iterator over that one cgroup (Linux 6.1, commit d4ccaf58a847
 * "bpf: Introduce cgroup iter"). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct kernfs_node___rqs_lvl {
	__u64 id;
} __attribute__((preserve_access_index));

struct cgroup___rqs_lvl {
	int level;
	struct kernfs_node___rqs_lvl *kn;
} __attribute__((preserve_access_index));

/* the iterator's context, as bpf_iter__cgroup lays it out (named apart:
 * an older kernel's vmlinux.h has no such type) */
struct rqs_iter_cgroup {
	void *meta;
	struct cgroup___rqs_lvl *cgroup;
};

int level = -1;
__u64 id;

SEC("iter/cgroup")
int cgroup_level(struct rqs_iter_cgroup *ctx)
{
	struct cgroup___rqs_lvl *cg = ctx->cgroup;

	if (!cg)
		return 0;
	level = cg->level;
	id = BPF_CORE_READ(cg, kn, id);
	return 0;
}
