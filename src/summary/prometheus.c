// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The /metrics page: Prometheus text exposition format 0.0.4, or
 * OpenMetrics 1.0.0 with exemplars. Histogram buckets are the log2 slots'
 * upper bounds; counts are cumulative. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "summary/metric_label.h"
#include "summary/pod_labels.h"
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

/* {name="value"[extra][,le=...] or {le=...}; nothing when there is no
 * label. @extra: more labels, each after a comma, "" for none. */
static void put_labels(FILE *out, const char *name, const char *value, const char *extra,
		       const char *le)
{
	if (!name && !le)
		return;
	fputc('{', out);
	if (name) {
		fprintf(out, "%s=", name);
		put_value(out, value);
		fputs(extra, out);
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

/* OpenMetrics: " # {tid="T",comm="C"} WAIT TIME", the wait in seconds and
 * when it ended, Unix time to the millisecond. The COMM is label_encode()d:
 * valid UTF-8, at most 4 characters for each of the kernel's 15 bytes, so
 * the labels stay within the format's 128 characters. At most
 * RQS_EXEMPLAR_MAX_BYTES: 9 + 10 (tid) + 7 + 2 + 75 (comm, 5 bytes of page
 * a byte) + 2 + 30 (wait) + 1 + 23 (time). */
static void put_exemplar(FILE *out, const struct exemplar *e)
{
	char comm[4 * sizeof(e->comm) + 1];
	int64_t ms = e->end_real_ns / 1000000;

	label_encode(comm, sizeof(comm), e->comm, strnlen(e->comm, sizeof(e->comm)));
	fprintf(out, " # {tid=\"%" PRIu32 "\",comm=", e->tid);
	put_value(out, comm);
	fprintf(out, "} %" PRIu64 ".%09" PRIu64 " %" PRId64 ".%03" PRId64, e->wait_ns / 1000000000,
		e->wait_ns % 1000000000, ms / 1000, ms % 1000);
}

/* @ex: the series' exemplars (OpenMetrics), NULL for none */
static void put_histogram(FILE *out, const char *metric, const char *name,
			  const char *value, const char *extra, const struct hist *h,
			  const struct hist_layout *l, const struct exemplar_set *ex)
{
	const struct exemplar *e;

	struct hist_layout all = { 0, RQS_HIST_SLOTS - 1 };
	uint64_t cum = 0, slots[RQS_HIST_SLOTS];
	char le[32];

	if (!l)
		l = &all;
	hist_fold(h, l, slots);
	for (unsigned int i = l->first; i < l->last; i++) {
		cum += slots[i];
		/* slot i holds waits under 2^(i+1) us */
		us_to_seconds(le, sizeof(le), 1ULL << (i + 1));
		fprintf(out, "%s_bucket", metric);
		put_labels(out, name, value, extra, le);
		fprintf(out, " %" PRIu64, cum);
		if ((e = exemplar_of_bucket(ex, l, i)))
			put_exemplar(out, e);
		fputc('\n', out);
	}
	cum += slots[l->last];
	fprintf(out, "%s_bucket", metric);
	put_labels(out, name, value, extra, "+Inf");
	fprintf(out, " %" PRIu64, cum);
	if ((e = exemplar_of_bucket(ex, l, l->last)))
		put_exemplar(out, e);
	fprintf(out, "\n%s_sum", metric);
	put_labels(out, name, value, extra, NULL);
	fprintf(out, " %" PRIu64 ".%09" PRIu64 "\n%s_count", h->sum_ns / 1000000000,
		h->sum_ns % 1000000000, metric);
	put_labels(out, name, value, extra, NULL);
	fprintf(out, " %" PRIu64 "\n", cum);
}

/* HELP's text: the text format escapes \\ and newlines, OpenMetrics " too */
static void put_help(FILE *out, bool om, const char *help)
{
	for (; *help; help++) {
		if (*help == '\n')
			fputs("\\n", out);
		else if (*help == '\\' || (om && *help == '"'))
			fprintf(out, "\\%c", *help);
		else
			fputc(*help, out);
	}
}

/* HELP and TYPE of @metric; OpenMetrics names a counter's family without
 * the _total its sample has */
static void put_family(FILE *out, bool om, const char *metric, const char *type,
		       const char *help)
{
	int len = (int)strlen(metric);

	if (om && !strcmp(type, "counter") && len > 6 && !strcmp(metric + len - 6, "_total"))
		len -= 6;
	fprintf(out, "# HELP %.*s ", len, metric);
	put_help(out, om, help);
	fprintf(out, "\n# TYPE %.*s %s\n", len, metric, type);
}

/* clock ticks as decimal seconds, to the microsecond */
static void put_ticks(FILE *out, const char *metric, uint64_t ticks, uint64_t hz)
{
	char buf[32];

	us_to_seconds(buf, sizeof(buf), ticks / hz * 1000000 + ticks % hz * 1000000 / hz);
	fprintf(out, "%s %s\n", metric, buf);
}

/* The names, types and help texts of the Go client's process collector */
static void put_process(FILE *out, bool om, const struct process_metrics *m)
{
	put_family(out, om, "process_cpu_seconds_total", "counter",
		   "Total user and system CPU time spent in seconds.");
	put_ticks(out, "process_cpu_seconds_total", m->cpu_ticks, m->hz);
	put_family(out, om, "process_open_fds", "gauge", "Number of open file descriptors.");
	fprintf(out, "process_open_fds %" PRIu64 "\n", m->open_fds);
	put_family(out, om, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
	if (m->max_fds == UINT64_MAX)
		fputs("process_max_fds +Inf\n", out);
	else
		fprintf(out, "process_max_fds %" PRIu64 "\n", m->max_fds);
	put_family(out, om, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
	fprintf(out, "process_virtual_memory_bytes %" PRIu64 "\n", m->vsize_bytes);
	put_family(out, om, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
	fprintf(out, "process_resident_memory_bytes %" PRIu64 "\n", m->rss_bytes);
	put_family(out, om, "process_start_time_seconds", "gauge",
		   "Start time of the process since unix epoch in seconds.");
	put_ticks(out, "process_start_time_seconds", m->start_ticks, m->hz);
}

size_t metrics_series_bound(const char *metric, const char *name, const char *value,
			    const char *extra)
{
	/* _bucket{NAME="VALUE",le="LE"} N, LE at most 12 bytes ("2147.483648"),
	 * N at most 20 digits; _sum with 30 (20, '.', 9); _count */
	size_t line = strlen(metric) + sizeof("_bucket{=\"\",le=\"\"} \n") + 12 + 30;

	if (name) {
		line += strlen(name) + strlen(extra);
		for (; value && *value; value++)
			line += 1 + (*value == '\\' || *value == '"');
	}
	return (RQS_HIST_SLOTS + 2) * line;
}

/* --by cgroup: the pod labels of @s, "" when it is no pod's cgroup */
static const char *series_extra(const struct metrics_input *in, const struct series *s,
				char buf[POD_LABELS_MAX])
{
	buf[0] = '\0';
	if (in->by == RQS_BY_CGROUP)
		pod_labels(s->label, (enum k8s_runtime)in->container_runtime, buf);
	return buf;
}

/* OpenMetrics: the exemplars of @s, NULL for none */
static const struct exemplar_set *series_exemplars(const struct metrics_input *in,
						   const struct series *s)
{
	if (!in->openmetrics || !in->exemplars)
		return NULL;
	return exemplars_find(in->exemplars, s->label ? s->label : "");
}

/* What the page writes of one series of wait_seconds, worked out once */
struct page_series {
	char extra[POD_LABELS_MAX];	/* series_extra() */
	const struct exemplar_set *ex;	/* series_exemplars() */
	size_t bound;			/* its bytes at most, exemplars included */
	uint64_t count;
	bool keep;			/* on the page, else folded (page_full) */
};

static size_t series_bound(const struct metrics_input *in, const char *name,
			   const struct series *s, const struct page_series *p)
{
	struct hist_layout all = { 0, RQS_HIST_SLOTS - 1 };
	const struct hist_layout *l = in->layout ? in->layout : &all;
	size_t b = metrics_series_bound(NS "wait_seconds", name, s->label, p->extra);

	for (unsigned int i = l->first; p->ex && i <= l->last; i++)
		if (exemplar_of_bucket(p->ex, l, i))
			b += RQS_EXEMPLAR_MAX_BYTES;
	return b;
}

static int by_count_desc(const void *x, const void *y)
{
	const struct page_series *a = *(const struct page_series *const *)x;
	const struct page_series *b = *(const struct page_series *const *)y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Which series fit max_series_bytes: the busiest (ties: first in order),
 * until the next does not fit; all when there is no bound, or on -ENOMEM
 * (the bound is lost, not the waits). */
static void series_kept(const struct metrics_input *in, struct page_series *p)
{
	size_t total = 0, used = 0;
	struct page_series **by;

	for (size_t i = 0; i < in->nseries; i++) {
		p[i].keep = true;
		total += p[i].bound;
	}
	if (!in->max_series_bytes || total <= in->max_series_bytes)
		return;
	by = malloc(in->nseries * sizeof(*by));
	if (!by)
		return;
	for (size_t i = 0; i < in->nseries; i++) {
		by[i] = &p[i];
		p[i].keep = false;
	}
	qsort(by, in->nseries, sizeof(*by), by_count_desc);
	for (size_t i = 0; i < in->nseries && used + by[i]->bound <= in->max_series_bytes; i++) {
		used += by[i]->bound;
		by[i]->keep = true;
	}
	free(by);
}

/* The series' labels, exemplars, bounds and places on the page; NULL on
 * -ENOMEM */
static struct page_series *page_series_make(const struct metrics_input *in, const char *name)
{
	struct page_series *p = calloc(in->nseries ? in->nseries : 1, sizeof(*p));

	if (!p)
		return NULL;
	for (size_t i = 0; i < in->nseries; i++) {
		series_extra(in, &in->series[i], p[i].extra);
		p[i].ex = series_exemplars(in, &in->series[i]);
		p[i].bound = series_bound(in, name, &in->series[i], &p[i]);
		p[i].count = hist_count(&in->series[i].h);
	}
	series_kept(in, p);
	return p;
}

/* nanoseconds as decimal seconds */
static void put_ns_seconds(FILE *out, uint64_t ns)
{
	fprintf(out, "%" PRIu64 ".%09" PRIu64 "\n", ns / 1000000000, ns % 1000000000);
}

static void put_blame(FILE *out, const struct metrics_input *in)
{
	const struct blame_table *t = in->blame;
	char extra[POD_LABELS_MAX], help[160];

	put_family(out, in->openmetrics, NS "wait_blame_seconds_total", "counter",
		   "Run-queue wait time of a cgroup's tasks by what held their CPU meanwhile: culprit another cgroup, self (the same cgroup), throttled (its own CPU quota) or uncovered (older than the record, or after a switch not seen); idle time is charged to none.");
	for (size_t i = 0; i < t->n; i++) {
		fputs(NS "wait_blame_seconds_total{cgroup=", out);
		put_value(out, t->v[i].cgroup);
		pod_labels(t->v[i].cgroup, (enum k8s_runtime)in->container_runtime, extra);
		fputs(extra, out);
		fputs(",culprit=", out);
		put_value(out, t->v[i].culprit);
		fputs("} ", out);
		put_ns_seconds(out, t->v[i].ns);
	}
	snprintf(help, sizeof(help), "Run-queue wait time whose (cgroup, culprit) pair found the map of --max-keys %" PRIu64 " pairs full.",
		 in->blame_pairs);
	put_family(out, in->openmetrics, NS "wait_blame_overflow_seconds_total", "counter", help);
	fputs(NS "wait_blame_overflow_seconds_total ", out);
	put_ns_seconds(out, t->overflow_ns);
}

static void put_folded(FILE *out, const struct metrics_input *in, const struct hist *page_full)
{
	static const struct hist none;

	put_family(out, in->openmetrics, NS "wait_folded_seconds", "histogram",
		   "Run-queue waits of series not on the page: retired ones past the bounds on removed cgroups and idle keys, and those over the page's size bound, by reason.");
	put_histogram(out, NS "wait_folded_seconds", "reason", "retired", "",
		      in->retired_folded ? in->retired_folded : &none, in->layout, NULL);
	put_histogram(out, NS "wait_folded_seconds", "reason", "page_full", "", page_full,
		      in->layout, NULL);
	put_family(out, in->openmetrics, NS "retired_series_folded_total", "counter",
		   "Series of removed cgroups or idle keys folded into wait_folded_seconds{reason=\"retired\"}.");
	fprintf(out, NS "retired_series_folded_total %" PRIu64 "\n", in->retired_series_folded);
}

int metrics_render(FILE *out, const struct metrics_input *in)
{
	const char *name = metrics_by_label(in->by);
	struct hist page_full = { 0 };
	uint64_t nfolded = 0;
	char extra[POD_LABELS_MAX], help[160];
	struct page_series *p = page_series_make(in, name);

	put_family(out, in->openmetrics, NS "wait_seconds", "histogram",
		   "Run-queue waits: from a task becoming runnable until it runs.");
	for (size_t i = 0; i < in->nseries; i++) {
		const struct series *s = &in->series[i];

		if (p && !p[i].keep) {
			hist_add(&page_full, &s->h);
			nfolded++;
			continue;
		}
		/* out of memory: every series, each worked out here */
		put_histogram(out, NS "wait_seconds", name, s->label,
			      p ? p[i].extra : series_extra(in, s, extra), &s->h, in->layout,
			      p ? p[i].ex : series_exemplars(in, s));
	}
	free(p);
	if (in->retired_folded || nfolded)
		put_folded(out, in, &page_full);
	if (in->max_series_bytes) {
		put_family(out, in->openmetrics, NS "page_series_folded", "gauge",
			   "Series of wait_seconds left off this page, over its size bound (--metrics-max-bytes), and folded into wait_folded_seconds{reason=\"page_full\"}.");
		fprintf(out, NS "page_series_folded %" PRIu64 "\n", nfolded);
	}
	if (in->by == RQS_BY_CGROUP) {
		put_family(out, in->openmetrics, NS "labels_truncated_total", "counter",
			   "Cgroup paths cut to a label value of at most 256 bytes: the end kept, after a hash of the whole path.");
		fprintf(out, NS "labels_truncated_total %" PRIu64 "\n", in->labels_truncated);
	}
	if (in->overflow) {
		snprintf(help, sizeof(help), "Run-queue waits whose %s found the map of --max-keys %" PRIu64 " keys full.",
			 name, in->overflow_keys);
		put_family(out, in->openmetrics, NS "wait_overflow_seconds", "histogram", help);
		put_histogram(out, NS "wait_overflow_seconds", NULL, NULL, "", in->overflow,
			      in->layout, NULL);
	}
	if (in->blame)
		put_blame(out, in);
	put_family(out, in->openmetrics, NS "outliers_total", "counter",
		   "Run-queue waits over the threshold (MIN_US).");
	fprintf(out, NS "outliers_total %" PRIu64 "\n", in->outliers);
	put_family(out, in->openmetrics, NS "lost_events_total", "counter",
		   "Waits over the threshold not reported, by reason.");
	fprintf(out, NS "lost_events_total{reason=\"ringbuf_full\"} %" PRIu64 "\n",
		in->lost_ringbuf);
	put_family(out, in->openmetrics, NS "wakeups_not_recorded_total", "counter",
		   "Wakeups whose time could not be stored (hash map full, no task storage).");
	fprintf(out, NS "wakeups_not_recorded_total %" PRIu64 "\n", in->not_recorded);
	put_family(out, in->openmetrics, NS "waits_missed_total", "counter",
		   "Waits whose switch-in was not seen: the task's next enqueue found the time still pending.");
	fprintf(out, NS "waits_missed_total %" PRIu64 "\n", in->missed_switch_ins);
	put_family(out, in->openmetrics, NS "wakers_not_recorded_total", "counter",
		   "Wakers (-W) that could not be noted (hash map full, no task storage).");
	fprintf(out, NS "wakers_not_recorded_total %" PRIu64 "\n", in->wakers_not_recorded);
	put_family(out, in->openmetrics, NS "storage_bytes", "gauge",
		   "Memory holding wakeup timestamps (map and per-task storage).");
	fprintf(out, NS "storage_bytes %" PRIu64 "\n", in->storage_bytes);
	put_family(out, in->openmetrics, NS "build_info", "gauge", "Version and storage mode; always 1.");
	fprintf(out, NS "build_info{version=");
	put_value(out, in->version);
	fprintf(out, ",storage=");
	put_value(out, in->storage);
	fprintf(out, "} 1\n");
	if (in->process)
		put_process(out, in->openmetrics, in->process);
	if (in->openmetrics)
		fputs("# EOF\n", out);
	return ferror(out) ? -1 : 1;
}
