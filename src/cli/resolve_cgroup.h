/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_RESOLVE_CGROUP_H
#define RQS_RESOLVE_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
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
 * hierarchy's or the cgroup namespace's root, else to the first), or with
 * a --cgroup-root @root (cgroup_root_resolve()d), relative to @root. On
 * failure prints one line on stderr and returns the exit status: 1 for the
 * system (no cgroup v2 mounted), 2 for the argument. */
int cgroup_resolve(const char *path, const char *root, struct cgroup_target *t);

/* The cgroup v2 root cgroup's id (kernfs gives the root directory id 1) */
#define CGROUP_ROOT_ID 1

/* --cgroup-root DIR: a mount of the cgroup v2 hierarchy's root, its real
 * path into @real. 0, or one line on stderr and exit status 2. */
int cgroup_root_resolve(const char *dir, char *real, size_t size);

/* What the cgroup names read without --cgroup-root miss: with @mnt set to
 * the cgroup2 mount they are read from, true when it is not the
 * hierarchy's root (a cgroup namespace's, or a subtree's), whose cgroups
 * outside it have no name here. */
bool cgroup_view_partial(char *mnt, size_t size);

#endif
