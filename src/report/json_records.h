/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -j: the records of the JSON Lines output (documented in runqslower-ts(8)). */
#ifndef RQS_JSON_RECORDS_H
#define RQS_JSON_RECORDS_H

#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"
#include "cli/plan.h"

/* {"type":"start",...}: what the run traces */
int json_banner(FILE *out, const struct plan *p);
/* {"type":"event",...}: @real_minus_mono_ns converts its CLOCK_MONOTONIC
 * time to wall-clock time (see output.h) */
int json_event(FILE *out, const struct rqs_event *e, long long real_minus_mono_ns,
	       const struct output_format *f);
#endif
