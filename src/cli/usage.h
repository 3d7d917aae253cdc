/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_USAGE_H
#define RQS_USAGE_H

#include <stdio.h>

void print_usage(FILE *out);

#endif
