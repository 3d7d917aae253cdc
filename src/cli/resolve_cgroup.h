/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_RESOLVE_CGROUP_H
#define RQS_RESOLVE_CGROUP_H

#include <limits.h>
#include <stdio.h>

/* A cgroup v2 directory as the BPF filter sees it: the kernfs id of the
 * directory (its inode number) and its depth in the hierarchy (0: root) as
 * its path gives it: inside a cgroup namespace, from the namespace's root,
 * which the kernel's level is not (see probe_cgroup_level()). */
struct cgroup_target {
	unsigned long long id;
	int level;
	char dir[PATH_MAX];
};

/* Resolves --cgroup PATH: a directory on the cgroup2 file system, or a
 * cgroup path as /proc/PID/cgroup shows it (relative to a v2 mount of the
 * hierarchy's or the cgroup namespace's root, else to the first). On
 * failure prints one line on stderr and returns the exit status: 1 for the
 * system (no cgroup v2 mounted), 2 for the argument. */
int cgroup_resolve(const char *path, struct cgroup_target *t);

#endif
