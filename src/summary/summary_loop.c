// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/procfs.h"
#include "cli/plan.h"
#include "common/version.h"
#include "trace/run_stats.h"
#include "summary/summary_loop.h"
#include "summary/summary_print.h"

int summary_run_listen(struct summary_run *r, const struct summary_plan *o)
{
	char why[512];
	int err;

	*r = (struct summary_run){ .o = o };
	if (!o->metrics)
		return 0;
	if (!http_server_available()) {
		fprintf(stderr, RQS_NAME ": --metrics: not in this build: it was built with METRICS=0 (STATIC=1 implies it where libmicrohttpd needs GnuTLS)\n");
		return 1;
	}
	err = listen_all(o->metrics_addr, o->metrics_port, &r->listen, why, sizeof(why));
	if (err)
		fprintf(stderr, RQS_NAME ": %s\n", why);
	else if (o->https)
		listen_https(&r->listen);
	return err;
}

/* The series' labels, for exemplars_keep() */
static void keep_exemplars(struct summary_run *r, const struct series *v, size_t n)
{
	const char **labels = malloc((n ? n : 1) * sizeof(*labels));

	/* without memory the sets stay: bounded all the same */
	if (!labels)
		return;
	for (size_t i = 0; i < n; i++)
		labels[i] = v[i].label ? v[i].label : "";
	exemplars_keep(&r->exemplars, labels, n);
	free(labels);
}

/* @in rendered, malloc()ed in *@text, *@len bytes: 0 or -errno */
static int render(const struct metrics_input *in, char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);
	int err;

	if (!f)
		return -errno;
	metrics_render(f, in);
	err = fclose(f) ? -errno : 0;
	if (err) {
		free(*text);
		*text = NULL;
	}
	return err;
}

static int build_page(struct summary_run *r, unsigned long long outliers)
{
	__u64 c[RQS_NR_COUNTERS] = { 0 };
	unsigned long long t0 = monotonic_ns();
	struct metrics_input in = {
		.by = r->o->by,
		.overflow_keys = r->o->max_keys,
		.outliers = outliers,
		.version = RQS_VERSION,
		.storage = storage_mode_name(r->t->mode),
		.layout = &r->sum.layout,
	};
	struct process_metrics pm;
	struct series *v;
	struct hist overflow;
	char *text = NULL, *om = NULL;
	size_t len = 0, om_len = 0, n;
	int err;

	err = summary_read(&r->sum, &v, &n, &overflow);
	if (err)
		return err;
	tracer_read_counters(r->t, c);
	in.series = v;
	in.nseries = n;
	if (r->o->keyed) {
		in.overflow = &overflow;
		in.retired_folded = &r->sum.retired.folded;
		in.retired_series_folded = r->sum.retired.nfolded;
		in.labels_truncated = r->sum.labels_cut;
		in.max_series_bytes = r->o->metrics_max_bytes;
		in.container_runtime = r->o->container_runtime;
	}
	if (r->sum.blame) {
		in.blame = &r->sum.blame_now;
		in.blame_pairs = r->o->max_keys;
	}
	in.lost_ringbuf = c[RQS_LOST_RINGBUF];
	in.outliers += c[RQS_LOST_RINGBUF];
	in.not_recorded = c[RQS_LOST_STORAGE];
	in.missed_switch_ins = c[RQS_MISSED_SWITCH_IN];
	in.wakers_not_recorded = c[RQS_LOST_WAKER];
	in.storage_bytes = storage_bytes(r->t);
	/* the page goes without them rather than not at all */
	if (!process_metrics_read(RQS_PROC, "self", &pm))
		in.process = &pm;
	keep_exemplars(r, v, n);
	err = render(&in, &text, &len);
	if (!err && http_server_wants_openmetrics(r->http)) {
		in.openmetrics = true;
		in.exemplars = &r->exemplars;
		err = render(&in, &om, &om_len);
	}
	series_free(v, n);
	if (err) {
		free(text);
		return err;
	}
	http_server_publish(r->http, text, len, om, om_len);
	r->pages++;
	r->page_ns += monotonic_ns() - t0;
	return 0;
}

int summary_run_start(struct summary_run *r, const struct tracer *t, FILE *out)
{
	const struct summary_plan *o = r->o;

	r->t = t;
	r->start_ns = monotonic_ns();
	r->next_interval_ns = r->start_ns + o->interval * 1000000000ULL;
	if (summary_init(&r->sum, t, o))
		return 1;
	if (!o->metrics)
		return 0;
	/* a set for each series the page can show: the map's keys, as many
	 * retired ones, and the CPUs */
	exemplars_init(&r->exemplars, 2 * (size_t)o->max_keys + t->ncpus + 1);
	r->http = http_server_start(r->listen.fds, r->listen.n, o->web);
	/* taken over, closed or not; the URLs stay for the banner */
	for (int i = 0; i < r->listen.n; i++)
		r->listen.fds[i] = -1;
	if (!r->http) {
		if (errno == ENOTSUP)
			fprintf(stderr, RQS_NAME ": cannot start the HTTPS server: libmicrohttpd was built without TLS\n");
		else
			fprintf(stderr, RQS_NAME ": cannot start the HTTP%s server: %s\n",
				o->https ? "S" : "", strerror(errno));
		summary_free(&r->sum);
		return 1;
	}
	if (build_page(r, 0)) {
		fprintf(stderr, RQS_NAME ": cannot read the histograms: %s\n", strerror(errno));
		summary_run_finish(r, NULL);
		return 1;
	}
	/* with -j the start record, printed next, carries the URL */
	if (o->form == FORM_TEXT) {
		fputs("Serving metrics on ", out);
		for (int i = 0; i < r->listen.n; i++)
			fprintf(out, "%s%s", i ? ", " : "", r->listen.urls[i]);
		fputc('\n', out);
	}
	return 0;
}

int summary_run_tick(struct summary_run *r, FILE *out, unsigned long long outliers)
{
	unsigned long long now = monotonic_ns();
	int err = 0;

	if (r->o->interval && now >= r->next_interval_ns) {
		err = summary_print_interval(&r->sum, out, r->o->interval);
		while (r->next_interval_ns <= now)
			r->next_interval_ns += r->o->interval * 1000000000ULL;
	}
	if (r->http && http_server_wants_page(r->http) && build_page(r, outliers) && !err)
		err = -errno;
	if (!err)
		err = summary_retire_removed(&r->sum);
	return err;
}

void summary_run_note_outlier(void *ctx, const struct rqs_event *e, long long real_minus_mono)
{
	struct summary_run *r = ctx;
	struct exemplar x = {
		.wait_ns = e->delta_ns,
		.end_mono_ns = e->ts_ns,
		.end_real_ns = (long long)e->ts_ns + real_minus_mono,
		.tid = e->pid,
	};
	char *label;

	if (!r->http)
		return;
	memcpy(x.comm, e->task, sizeof(x.comm));
	label = summary_label_of_event(&r->sum, e);
	/* out of memory, or more series than the page shows: no exemplar,
	 * the wait is counted all the same */
	if (label)
		exemplars_note(&r->exemplars, label, &x);
	free(label);
}

int summary_run_finish(struct summary_run *r, FILE *out)
{
	int err = 0;

	http_server_stop(r->http);
	r->http = NULL;
	exemplars_free(&r->exemplars);
	listen_close(&r->listen);
	if (out && r->t) {
		/* the total counts cgroups removed since the last pass as such */
		r->sum.retired_check_ns = r->sum.retired_scan_ns = 0;
		err = summary_retire_removed(&r->sum);
		if (!err)
			err = summary_print_total(&r->sum, out, (monotonic_ns() - r->start_ns) / 1e9);
	}
	summary_free(&r->sum);
	return err;
}
