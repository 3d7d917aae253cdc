// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json_writer.h"
#include "report/json_records.h"
#include "common/version.h"
#include "report/why_columns.h"
#include "summary/prometheus.h"

int json_banner(FILE *out, const struct plan *p, const struct listen_set *metrics)
{
	const char *storage = storage_mode_name(p->storage);
	const char *by = metrics_by_label(p->summary.by);
	struct json_obj j;
	char url[128];

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
	json_bool(&j, "outliers", p->outliers);
	json_bool(&j, "summary", p->summary.print);
	if (p->summary.print)
		json_u64(&j, "interval_s", p->summary.interval);
	if (by)
		json_str(&j, "by", by, strlen(by));
	if (p->summary.metrics && metrics && metrics->n) {
		/* as bound: every address a host name resolved to */
		json_str(&j, "metrics_url", metrics->urls[0], sizeof(metrics->urls[0]));
		json_key(&j, "metrics_urls");
		for (int i = 0; i < metrics->n; i++) {
			fputc(i ? ',' : '[', out);
			json_string(out, metrics->urls[i], sizeof(metrics->urls[i]));
		}
		fputc(']', out);
	} else if (p->summary.metrics) {
		plan_metrics_url(&p->summary, url, sizeof(url));
		json_str(&j, "metrics_url", url, sizeof(url));
	}
	return json_end(&j);
}

void json_time(char *buf, size_t size, long long wall_ns)
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
	       const struct output_format *o, struct cgroup_names *cgroups)
{
	struct json_obj j;
	char when[48];

	json_time(when, sizeof(when), (long long)e->ts_ns + real_minus_mono_ns);
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
	why_json(&j, e, o, cgroups);
	return json_end(&j);
}
