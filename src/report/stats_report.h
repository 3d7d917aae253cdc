/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* --stats at exit: the same data as text lines "stats: WHAT: [NAME ]key=value
 * ..." (on stderr; parsed by the benchmark) or, with -j, as JSON records
 * {"type":"stats","what":WHAT[,"name":NAME],key:value,...} on stdout.
 * Both are documented in runqslower-ts(8). */
#ifndef RQS_STATS_REPORT_H
#define RQS_STATS_REPORT_H

#include <stdio.h>

#include "trace/run_stats.h"

int stats_print_text(FILE *out, const struct run_stats *s);
int stats_print_json(FILE *out, const struct run_stats *s);
/* "stats: prog: NAME runs=N run_ns=N ns_per_run=F" */
int stats_print_prog(FILE *out, const struct prog_run_stats *p);

#endif
