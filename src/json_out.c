// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "json_out.h"
#include "version.h"
#include "why.h"

int json_banner(FILE *out, const struct options *o, const char *storage)
{
	struct json_obj j;

	json_begin(&j, out, "start");
	json_str(&j, "tool", RQS_NAME, sizeof(RQS_NAME));
	json_str(&j, "version", RQS_VERSION, sizeof(RQS_VERSION));
	json_u64(&j, "min_us", o->min_us);
	json_str(&j, "storage", storage, strlen(storage));
	if (o->npids) {
		json_key(&j, "filter_pids");
		fputc('[', out);
		for (int i = 0; i < o->npids; i++)
			fprintf(out, i ? ",%d" : "%d", o->pids[i]);
		fputc(']', out);
	}
	if (o->tid)
		json_i64(&j, "filter_tid", o->tid);
	if (o->comm[0])
		json_str(&j, "filter_comm", o->comm, sizeof(o->comm));
	if (o->cgroup)
		json_str(&j, "filter_cgroup", o->cgroup, strlen(o->cgroup));
	json_bool(&j, "previous", o->previous);
	json_bool(&j, "waker", o->format.waker);
	json_bool(&j, "cpu", o->format.cpu);
	json_u64(&j, "blame", o->format.blame);
	json_u64(&j, "duration_s", o->duration);
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

static void json_value(struct json_obj *j, const char *key, const char *v)
{
	if (json_is_number(v))
		json_number(j, key, v);
	else
		json_str(j, key, v, strlen(v));
}

int json_stats(FILE *out, const char *text)
{
	char *copy = strdup(text), *line, *save_line, *tok, *save, *eq, *what;
	struct json_obj j;
	int ret = 0;

	if (!copy)
		return -1;
	for (line = strtok_r(copy, "\n", &save_line); line;
	     line = strtok_r(NULL, "\n", &save_line)) {
		if (strncmp(line, "stats: ", 7))
			continue;
		what = strtok_r(line + 7, " ", &save);
		if (!what || what[strlen(what) - 1] != ':')
			continue;
		what[strlen(what) - 1] = '\0';
		json_begin(&j, out, "stats");
		json_str(&j, "what", what, strlen(what));
		while ((tok = strtok_r(NULL, " ", &save))) {
			eq = strchr(tok, '=');
			if (!eq) {
				json_str(&j, "name", tok, strlen(tok));
				continue;
			}
			*eq = '\0';
			json_value(&j, tok, eq + 1);
		}
		if (json_end(&j))
			ret = -1;
	}
	free(copy);
	return ret;
}
