/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_RESOLVE_TARGETS_H
#define RQS_RESOLVE_TARGETS_H

#include <stdio.h>

#include "cli/options.h"

/* Checks -p and -t against @proc before anything is loaded: a process or
 * thread that does not exist is one line on err and 1; a thread's TID given
 * to -p is replaced by its process, with a notice (a TID copied from
 * top -H or ps -L is meant as "its process"). Also says, with a notice,
 * when MIN_US came right after a -p PID and is itself a process ID ("-p 1 2":
 * the second number is the threshold). 0 when tracing can go on. */
int targets_resolve(struct options *opts, const char *proc, FILE *err);

#endif
