/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_OUTPUT_H
#define RQS_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <linux/types.h>

#include "../bpf/runqslower.h"
#include "args.h"

/* The columns of the kernel's and bcc's runqslower, so scripts keep working;
 * the options' columns after them. */
int print_banner(FILE *out, const struct options *o);
int print_event(FILE *out, const struct rqs_event *e, time_t when, const struct options *o);

#endif
