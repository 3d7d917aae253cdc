// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The /metrics page: Prometheus text exposition format 0.0.4. Histogram
 * buckets are the log2 slots' upper bounds; counts are cumulative. */
#include <inttypes.h>

#include "summary/prometheus.h"

#define NS "runqslower_ts_"

const char *metrics_by_label(enum rqs_by by)
{
	switch (by) {
	case RQS_BY_CPU:
		return "cpu";
	case RQS_BY_COMM:
		return "comm";
	case RQS_BY_CGROUP:
		return "cgroup";
	case RQS_BY_NONE:
		break;
	}
	return NULL;
}

/* A label value in quotes: the exposition format escapes \ and "; a
 * label_encode()d value holds no newline. */
static void put_value(FILE *out, const char *v)
{
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
	fputc('"', out);
}

/* {name="value"[,le=...] or {le=...}; nothing when there is no label */
static void put_labels(FILE *out, const char *name, const char *value, const char *le)
{
	if (!name && !le)
		return;
	fputc('{', out);
	if (name) {
		fprintf(out, "%s=", name);
		put_value(out, value);
	}
	if (le)
		fprintf(out, "%sle=\"%s\"", name ? "," : "", le);
	fputc('}', out);
}

/* microseconds as decimal seconds, without trailing zeros: 1024 -> 0.001024 */
static void us_to_seconds(char *buf, size_t len, uint64_t us)
{
	int n = snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static void put_histogram(FILE *out, const char *metric, const char *name,
			  const char *value, const struct hist *h)
{
	uint64_t cum = 0;
	char le[32];

	for (unsigned int i = 0; i < RQS_HIST_SLOTS - 1; i++) {
		cum += h->slots[i];
		/* slot i holds waits under 2^(i+1) us */
		us_to_seconds(le, sizeof(le), 1ULL << (i + 1));
		fprintf(out, "%s_bucket", metric);
		put_labels(out, name, value, le);
		fprintf(out, " %" PRIu64 "\n", cum);
	}
	cum += h->slots[RQS_HIST_SLOTS - 1];
	fprintf(out, "%s_bucket", metric);
	put_labels(out, name, value, "+Inf");
	fprintf(out, " %" PRIu64 "\n%s_sum", cum, metric);
	put_labels(out, name, value, NULL);
	fprintf(out, " %" PRIu64 ".%09" PRIu64 "\n%s_count", h->sum_ns / 1000000000,
		h->sum_ns % 1000000000, metric);
	put_labels(out, name, value, NULL);
	fprintf(out, " %" PRIu64 "\n", cum);
}

static void put_family(FILE *out, const char *metric, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

int metrics_render(FILE *out, const struct metrics_input *in)
{
	const char *name = metrics_by_label(in->by);

	put_family(out, NS "wait_seconds", "histogram",
		   "Run-queue waits: from a task becoming runnable until it runs.");
	for (size_t i = 0; i < in->nseries; i++)
		put_histogram(out, NS "wait_seconds", name, in->series[i].label,
			      &in->series[i].h);
	if (in->overflow) {
		fprintf(out, "# HELP " NS "wait_overflow_seconds Run-queue waits whose %s found the map of --max-keys %" PRIu64 " keys full.\n",
			name, in->overflow_keys);
		fputs("# TYPE " NS "wait_overflow_seconds histogram\n", out);
		put_histogram(out, NS "wait_overflow_seconds", NULL, NULL, in->overflow);
	}
	put_family(out, NS "outliers_total", "counter",
		   "Run-queue waits over the threshold (MIN_US).");
	fprintf(out, NS "outliers_total %" PRIu64 "\n", in->outliers);
	put_family(out, NS "lost_events_total", "counter",
		   "Waits over the threshold not reported, by reason.");
	fprintf(out, NS "lost_events_total{reason=\"ringbuf_full\"} %" PRIu64 "\n",
		in->lost_ringbuf);
	put_family(out, NS "wakeups_not_recorded_total", "counter",
		   "Wakeups whose time could not be stored (hash map full, no task storage).");
	fprintf(out, NS "wakeups_not_recorded_total %" PRIu64 "\n", in->not_recorded);
	put_family(out, NS "waits_missed_total", "counter",
		   "Waits whose switch-in was not seen: the task's next enqueue found the time still pending.");
	fprintf(out, NS "waits_missed_total %" PRIu64 "\n", in->missed_switch_ins);
	put_family(out, NS "storage_bytes", "gauge",
		   "Memory holding wakeup timestamps (map and per-task storage).");
	fprintf(out, NS "storage_bytes %" PRIu64 "\n", in->storage_bytes);
	put_family(out, NS "build_info", "gauge", "Version and storage mode; always 1.");
	fprintf(out, NS "build_info{version=");
	put_value(out, in->version);
	fprintf(out, ",storage=");
	put_value(out, in->storage);
	return fprintf(out, "} 1\n");
}
