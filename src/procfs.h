/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROCFS_H
#define RQS_PROCFS_H

#include <stdio.h>

/* The value of "KEY:<blanks>NUMBER" in a /proc file of such lines (fdinfo,
 * status): 0 when found, -1 when absent or not a decimal number. */
int proc_key_value(FILE *f, const char *key, unsigned long long *value);

#endif
