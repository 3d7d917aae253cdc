// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "output.h"

int print_banner(FILE *out, unsigned long long min_us, bool previous)
{
	fprintf(out, "Tracing run queue latency higher than %llu us\n", min_us);
	if (previous)
		return fprintf(out, "%-8s %-16s %-6s %14s %-16s %-6s\n", "TIME", "COMM",
			       "TID", "LAT(us)", "PREV COMM", "PREV TID");
	return fprintf(out, "%-8s %-16s %-6s %14s\n", "TIME", "COMM", "TID", "LAT(us)");
}

/* The kernel does not promise a NUL in comm copies; never read past it. */
static void copy_comm(char dst[RQS_COMM_LEN + 1], const char src[RQS_COMM_LEN])
{
	memcpy(dst, src, RQS_COMM_LEN);
	dst[RQS_COMM_LEN] = '\0';
}

int print_event(FILE *out, const struct rqs_event *e, time_t when, bool previous)
{
	char ts[32], task[RQS_COMM_LEN + 1], prev_task[RQS_COMM_LEN + 1];
	struct tm tm;

	if (!localtime_r(&when, &tm) || !strftime(ts, sizeof(ts), "%H:%M:%S", &tm))
		strcpy(ts, "??:??:??");
	copy_comm(task, e->task);
	if (previous) {
		copy_comm(prev_task, e->prev_task);
		return fprintf(out, "%-8s %-16s %-6u %14llu %-16s %-6u\n", ts, task,
			       e->pid, (unsigned long long)(e->delta_ns / 1000),
			       prev_task, e->prev_pid);
	}
	return fprintf(out, "%-8s %-16s %-6u %14llu\n", ts, task, e->pid,
		       (unsigned long long)(e->delta_ns / 1000));
}
