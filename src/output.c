// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "output.h"
#include "why.h"

int print_banner(FILE *out, const struct options *o)
{
	fprintf(out, "Tracing run queue latency higher than %llu us\n", o->min_us);
	fprintf(out, "%-8s %-16s %-6s %14s", "TIME", "COMM", "TID", "LAT(us)");
	if (o->previous)
		fprintf(out, " %-16s %-6s", "PREV COMM", "PREV TID");
	why_header(out, o);
	return fprintf(out, "\n");
}

/* The kernel does not promise a NUL in comm copies; never read past it. */
static void copy_comm(char dst[RQS_COMM_LEN + 1], const char src[RQS_COMM_LEN])
{
	memcpy(dst, src, RQS_COMM_LEN);
	dst[RQS_COMM_LEN] = '\0';
}

int print_event(FILE *out, const struct rqs_event *e, time_t when, const struct options *o)
{
	char ts[32], task[RQS_COMM_LEN + 1], prev_task[RQS_COMM_LEN + 1];
	struct tm tm;

	if (!localtime_r(&when, &tm) || !strftime(ts, sizeof(ts), "%H:%M:%S", &tm))
		strcpy(ts, "??:??:??");
	copy_comm(task, e->task);
	fprintf(out, "%-8s %-16s %-6u %14llu", ts, task, e->pid,
		(unsigned long long)(e->delta_ns / 1000));
	if (o->previous) {
		copy_comm(prev_task, e->prev_task);
		fprintf(out, " %-16s %-6u", prev_task, e->prev_pid);
	}
	why_columns(out, e, o);
	return fprintf(out, "\n");
}
