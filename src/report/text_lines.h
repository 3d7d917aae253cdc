/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_TEXT_LINES_H
#define RQS_TEXT_LINES_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"
#include "cli/plan.h"
#include "cli/output_format.h"
#include "common/cgroup_names.h"

/* The columns of the kernel's and bcc's runqslower, so scripts keep working;
 * the optional ones come after the column they belong to. */
int print_banner(FILE *out, unsigned long long min_us, const struct output_format *f);
/* @real_minus_mono_ns converts the event's CLOCK_MONOTONIC switch-in time
 * to CLOCK_REALTIME. */
int print_event(FILE *out, const struct rqs_event *e, const struct output_format *f,
		long long real_minus_mono_ns, struct cgroup_names *cgroups);
/* --no-outliers: the first line, instead of the outliers' header. */
int print_summary_banner(FILE *out, const struct summary_plan *o);
/* CLOCK_REALTIME - CLOCK_MONOTONIC now, in ns. */
long long real_minus_mono_ns(void);

#endif
