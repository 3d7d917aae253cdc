/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -j: the records of the JSON Lines output (documented in runqslower-ts(8)). */
#ifndef RQS_JSON_RECORDS_H
#define RQS_JSON_RECORDS_H

#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"
#include "cli/plan.h"
#include "common/cgroup_names.h"
#include "summary/listen_address.h"

/* {"type":"start",...}: what the run traces */
int json_banner(FILE *out, const struct plan *p, const struct listen_set *metrics);
/* {"type":"event",...}: @real_minus_mono_ns converts its CLOCK_MONOTONIC
 * time to wall-clock time (see output.h) */
int json_event(FILE *out, const struct rqs_event *e, long long real_minus_mono_ns,
	       const struct output_format *f, struct cgroup_names *cgroups);
/* RFC 3339 local time with microseconds: 2026-11-30T17:08:15.123456+01:00
 * ("unknown" if it cannot be formatted) */
void json_time(char *buf, size_t size, long long wall_ns);
#endif
