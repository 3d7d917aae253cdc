// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>
#include <time.h>

#include "common/untrusted_text.h"
#include "report/text_lines.h"
#include "report/why_columns.h"

#define NSEC_PER_SEC 1000000000LL

/* HH:MM:SS, HH:MM:SS.uuuuuu, and seconds.uuuuuu padded to the second */
static int time_width(enum time_format time)
{
	return time == TIME_HMS ? 8 : 15;
}

int print_banner(FILE *out, unsigned long long min_us, const struct output_format *f)
{
	fprintf(out, "Tracing run queue latency higher than %llu us\n", min_us);
	fprintf(out, "%-*s %-16s %-6s", time_width(f->time),
		f->time == TIME_MONO ? "TIME(s)" : "TIME", "COMM", "TID");
	if (f->tgid)
		fprintf(out, " %-6s", "TGID");
	fprintf(out, " %14s", "LAT(us)");
	if (f->previous)
		fprintf(out, " %-16s %s", "PREV COMM", "PREV TID");
	why_header(out, f);
	return fprintf(out, "\n");
}

/* The kernel does not promise a NUL in comm copies: at most RQS_COMM_LEN */
static const char *comm_text(char dst[TEXT_ESCAPED_SIZE(RQS_COMM_LEN)], const char *src)
{
	text_escape(dst, TEXT_ESCAPED_SIZE(RQS_COMM_LEN), src, RQS_COMM_LEN);
	return dst;
}

long long real_minus_mono_ns(void)
{
	struct timespec real, mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return (real.tv_sec - mono.tv_sec) * NSEC_PER_SEC + (real.tv_nsec - mono.tv_nsec);
}

static void format_time(char *buf, size_t size, enum time_format time,
			unsigned long long mono_ns, long long real_minus_mono)
{
	long long real_ns = (long long)mono_ns + real_minus_mono;
	time_t sec = (time_t)(real_ns / NSEC_PER_SEC);
	long usec = (long)(real_ns % NSEC_PER_SEC / 1000);
	struct tm tm;

	if (time == TIME_MONO) {
		snprintf(buf, size, "%llu.%06llu", mono_ns / NSEC_PER_SEC,
			 mono_ns % NSEC_PER_SEC / 1000);
		return;
	}
	if (real_ns < 0 || !localtime_r(&sec, &tm) || !strftime(buf, size, "%H:%M:%S", &tm)) {
		snprintf(buf, size, "%s", time == TIME_US ? "??:??:??.??????" : "??:??:??");
		return;
	}
	if (time == TIME_US)
		snprintf(buf + 8, size - 8, ".%06ld", usec);
}

int print_event(FILE *out, const struct rqs_event *e, const struct output_format *f,
		long long real_minus_mono, struct cgroup_names *cgroups)
{
	char ts[48], comm[TEXT_ESCAPED_SIZE(RQS_COMM_LEN)];

	format_time(ts, sizeof(ts), f->time, e->ts_ns, real_minus_mono);
	fprintf(out, "%-*s %-16s %-6u", time_width(f->time), ts, comm_text(comm, e->task),
		e->pid);
	if (f->tgid)
		fprintf(out, " %-6u", e->tgid);
	fprintf(out, " %14llu", (unsigned long long)(e->delta_ns / 1000));
	/* the last column is not padded */
	if (f->previous)
		fprintf(out, why_columns_follow(f) ? " %-16s %-8u" : " %-16s %u",
			comm_text(comm, e->prev_task), e->prev_pid);
	why_columns(out, e, f, cgroups);
	return fprintf(out, "\n");
}

int print_summary_banner(FILE *out, const struct summary_plan *o)
{
	fprintf(out, "Tracing run queue latency: a histogram of every wait");
	if (o->print && o->interval)
		fprintf(out, ", printed every %u s and at exit", o->interval);
	else if (o->print)
		fprintf(out, ", printed at exit");
	return fprintf(out, "; no outliers printed\n");
}
