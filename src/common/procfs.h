/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROCFS_H
#define RQS_PROCFS_H

#include <stdbool.h>
#include <stdio.h>

#define RQS_PROC "/proc"

/* The value of "KEY:<blanks>NUMBER" in a /proc file of such lines (fdinfo,
 * status): 0 when found, -1 when absent or not a decimal number. */
int proc_key_value(FILE *f, const char *key, unsigned long long *value);

/* The thread group (process) of thread @id, read from @proc (a procfs
 * mount): its tgid, or a negative errno (-ESRCH: no such thread). IDs are
 * those of the pid namespace @proc was mounted for. */
int proc_tgid(const char *proc, int id);

/* An O_PATH fd of the /proc directory of process (or thread) @id, or a
 * negative errno (-ESRCH: gone): it answers for the task it was opened for
 * and no other, even after the ID is reused. */
int proc_task_open(const char *proc, int id, bool thread);
/* The task of proc_task_open()'s @dirfd has exited (and, for a process,
 * been reaped). */
bool proc_task_gone(int dirfd);

#endif
