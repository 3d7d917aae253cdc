/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_TARGET_H
#define RQS_TARGET_H

#include <stdio.h>

#include "args.h"

#define RQS_PROC "/proc"

/* The thread group (process) of thread @id, read from @proc (a procfs
 * mount): its tgid, or a negative errno (-ESRCH: no such thread). IDs are
 * those of the pid namespace @proc was mounted for. */
int proc_tgid(const char *proc, int id);

/* Checks -p and -t against @proc before anything is loaded: a process or
 * thread that does not exist is one line on err and 1; a thread's TID given
 * to -p is replaced by its process, with a notice (a TID copied from
 * top -H or ps -L is meant as "its process"). Also says, with a notice,
 * when MIN_US came right after a -p PID and is itself a process ID ("-p 1 2":
 * the second number is the threshold). 0 when tracing can go on. */
int targets_resolve(struct options *opts, const char *proc, FILE *err);

/* An O_PATH fd of the /proc directory of process (or thread) @id, or a
 * negative errno (-ESRCH: gone): it answers for the task it was opened for
 * and no other, even after the ID is reused. */
int proc_task_open(const char *proc, int id, bool thread);
/* The task of proc_task_open()'s @dirfd has exited (and, for a process,
 * been reaped). */
bool proc_task_gone(int dirfd);

#endif
