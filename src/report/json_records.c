// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json_writer.h"
#include "report/json_records.h"
#include "common/version.h"
#include "report/why_columns.h"

int json_banner(FILE *out, const struct plan *p)
{
	const char *storage = storage_mode_name(p->storage);
	struct json_obj j;

	json_begin(&j, out, "start");
	json_str(&j, "tool", RQS_NAME, sizeof(RQS_NAME));
	json_str(&j, "version", RQS_VERSION, sizeof(RQS_VERSION));
	json_u64(&j, "min_us", p->min_us);
	json_str(&j, "storage", storage, strlen(storage));
	if (p->npids) {
		json_key(&j, "filter_pids");
		fputc('[', out);
		for (int i = 0; i < p->npids; i++)
			fprintf(out, i ? ",%d" : "%d", p->pids[i]);
		fputc(']', out);
	}
	if (p->tid)
		json_i64(&j, "filter_tid", p->tid);
	if (p->comm[0])
		json_str(&j, "filter_comm", p->comm, sizeof(p->comm));
	if (p->cgroup)
		json_str(&j, "filter_cgroup", p->cgroup, strlen(p->cgroup));
	json_bool(&j, "previous", p->format.previous);
	json_bool(&j, "waker", p->format.waker);
	json_bool(&j, "cpu", p->format.cpu);
	json_u64(&j, "blame", p->format.blame);
	json_u64(&j, "duration_s", p->duration_s);
	return json_end(&j);
}

/* RFC 3339 local time with microseconds: 2026-11-30T17:08:15.123456+01:00 */
static void format_time(char *buf, size_t size, long long wall_ns)
{
	time_t secs = (time_t)(wall_ns / 1000000000LL);
	long us = (long)(wall_ns % 1000000000LL / 1000);
	char date[32], zone[8];
	struct tm tm;

	if (!localtime_r(&secs, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		snprintf(buf, size, "unknown");
		return;
	}
	snprintf(buf, size, "%s.%06ld%.3s:%s", date, us, zone, zone + 3);
}

int json_event(FILE *out, const struct rqs_event *e, long long real_minus_mono_ns,
	       const struct output_format *o)
{
	struct json_obj j;
	char when[48];

	format_time(when, sizeof(when), (long long)e->ts_ns + real_minus_mono_ns);
	json_begin(&j, out, "event");
	json_str(&j, "time", when, sizeof(when));
	json_u64(&j, "mono_ns", e->ts_ns);
	json_i64(&j, "cpu", e->cpu);
	json_str(&j, "comm", e->task, RQS_COMM_LEN);
	json_u64(&j, "pid", e->tgid);
	json_u64(&j, "tid", e->pid);
	json_u64(&j, "lat_us", e->delta_ns / 1000);
	json_u64(&j, "lat_ns", e->delta_ns);
	if (o->previous) {
		json_str(&j, "prev_comm", e->prev_task, RQS_COMM_LEN);
		json_u64(&j, "prev_tid", e->prev_pid);
	}
	why_json(&j, e, o);
	return json_end(&j);
}
