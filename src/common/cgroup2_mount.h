/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_CGROUP2_MOUNT_H
#define RQS_CGROUP2_MOUNT_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

/* From /proc/self/mountinfo text: the mount point of the first cgroup2 mount
 * and the directory of the hierarchy mounted there ("/" unless a subtree is
 * mounted or a cgroup namespace shows it so). 0, or -1 when none. */
int cgroup2_mount_of(FILE *mountinfo, char *mnt, size_t mnt_size,
		     char *root, size_t root_size);

/* The same for the cgroup2 mount that holds the absolute, canonical path
 * @dir: of those whose mount point is a prefix of it, the longest, the last
 * of equals (mounted over the others). Inside a cgroup namespace the mount
 * inherited from outside comes first, its root shown as "/.." or below. */
int cgroup2_mount_holding(FILE *mountinfo, const char *dir, char *mnt, size_t mnt_size,
			  char *root, size_t root_size);

/* The first cgroup2 mount whose root is "/": the hierarchy's root, or
 * inside a cgroup namespace the namespace's, from which /proc/PID/cgroup
 * counts there. 0, or -1 when none. */
int cgroup2_mount_rooted(FILE *mountinfo, char *mnt, size_t mnt_size);

/* Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo (on
 * a hybrid layout /sys/fs/cgroup/unified, on a unified one /sys/fs/cgroup):
 * 0, or -ENOENT when no cgroup2 file system is mounted. */
int cgroup2_mount_from(FILE *mountinfo, char *path, size_t len);

#endif
