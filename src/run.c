// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/procfs.h"
#include "common/version.h"
#include "report/event_printer.h"
#include "report/loss_lines.h"
#include "report/stats_report.h"
#include "report/text_lines.h"
#include "summary/summary_loop.h"
#include "run.h"
#include "trace/privileges.h"
#include "trace/run_stats.h"
#include "trace/tracer.h"
#include "trace/watch.h"

#define LOSS_REPORT_NS 1000000000ULL

/* Everything a run holds; each part can be released whether it was set up
 * or not, so that every way out goes through one cleanup. */
struct run {
	const struct plan *plan;
	struct event_printer printer;
	struct summary_run sum;
	struct bpf_stats_session stats;
	struct loss_report losses;
	struct watch watch;
	struct tracer t;
};

/* -d: ms to wait in the next poll (at most RQS_POLL_MS), 0 once it is over */
static int poll_ms_before(unsigned long long deadline)
{
	unsigned long long now = monotonic_ns();

	if (!deadline)
		return RQS_POLL_MS;
	if (now >= deadline)
		return 0;
	if (deadline - now < RQS_POLL_MS * 1000000ULL)
		return (int)((deadline - now + 999999) / 1000000);
	return RQS_POLL_MS;
}

/* --stats: as text on stderr, or with -j as JSON records on stdout */
static void print_stats(struct run *r)
{
	struct run_stats s;

	run_stats_collect(&r->t, r->printer.events, &s);
	if (r->plan->stats_form == FORM_TEXT) {
		stats_print_text(stderr, &s);
		return;
	}
	stats_print_json(stdout, &s);
	fflush(stdout);
}

/* Until -d is over, a signal, the targets have gone or stdout cannot be
 * written: 0, or 1 after one line on stderr. */
static int poll_until_done(struct run *r, volatile sig_atomic_t *exiting)
{
	struct event_printer *p = &r->printer;
	unsigned long long next_loss_report, deadline = 0;
	int err, ready;

	next_loss_report = monotonic_ns() + LOSS_REPORT_NS;
	if (r->plan->duration_s)
		deadline = monotonic_ns() + r->plan->duration_s * 1000000000ULL;
	while (!*exiting && !p->write_failed) {
		int timeout = poll_ms_before(deadline);

		if (deadline && !timeout)
			break;
		ready = watch_wait(&r->watch, timeout);
		if (ready < 0) {
			fprintf(stderr, RQS_NAME ": cannot poll the ring buffer: %s\n",
				strerror(-ready));
			return 1;
		}
		/* the reader has gone: nothing more can be written */
		if (ready & WATCH_READER_GONE) {
			p->write_failed = true;
			break;
		}
		p->real_minus_mono = real_minus_mono_ns();
		err = tracer_poll(&r->t, 0, exiting);
		if (err < 0 && err != -EINTR && !p->write_failed) {
			fprintf(stderr, RQS_NAME ": cannot poll the ring buffer: %s\n",
				strerror(-err));
			return 1;
		}
		/* a batch of lines, one write, out before the next poll */
		if (fflush(stdout))
			p->write_failed = true;
		if (r->plan->summary.enabled && summary_run_tick(&r->sum, stdout, p->events) &&
		    ferror(stdout))
			p->write_failed = true;
		if (monotonic_ns() >= next_loss_report) {
			loss_report_update(&r->losses, &r->t, false);
			next_loss_report = monotonic_ns() + LOSS_REPORT_NS;
		}
		/* the final drain prints their last waits */
		if (ready & WATCH_TARGETS_GONE)
			break;
	}
	return 0;
}

/* Events already in the buffer still count and still print; none comes
 * after them, so the totals add up. */
static void finish(struct run *r)
{
	struct event_printer *p = &r->printer;
	const struct plan *plan = r->plan;

	tracer_detach(&r->t);
	if (!p->write_failed) {
		p->real_minus_mono = real_minus_mono_ns();
		/* detached: what is left is finite */
		while (tracer_poll(&r->t, 0, NULL) > 0)
			;
		fflush(stdout);
	}
	if (plan->summary.enabled)
		summary_run_finish(&r->sum, plan->summary.print && !p->write_failed ? stdout : NULL);
	loss_report_update(&r->losses, &r->t, true);
	if (plan->stats)
		print_stats(r);
}

/* What the run does from here on, it does through the file descriptors it
 * holds: maps, ring buffer, links, the statistics session, the listening
 * socket. */
static int drop_privileges(struct run *r)
{
	char why[160];
	const char *kept;

	if (drop_capabilities(bpf_map__fd(r->t.counters), &kept, why, sizeof(why))) {
		fprintf(stderr, RQS_NAME ": cannot drop capabilities: %s\n", why);
		return 1;
	}
	if (r->plan->verbose)
		fprintf(stderr, RQS_NAME ": capabilities dropped, %s kept for bpf() on the maps\n",
			kept ? kept : "none");
	return 0;
}

static int start(struct run *r)
{
	const struct plan *plan = r->plan;
	int err;

	if (plan->summary.enabled && (err = summary_run_listen(&r->sum, &plan->summary)))
		return err;
	if (plan->stats && bpf_stats_enable(&r->stats))
		return 1;
	if (tracer_start(&r->t, plan, event_printer_on_event, &r->printer))
		return 1;
	/* before the exporter's thread starts: capset() sets the calling
	 * thread's capabilities only */
	if (!plan->keep_capabilities && drop_privileges(r))
		return 1;
	if (plan->summary.enabled && summary_run_start(&r->sum, &r->t, stdout))
		return 1;
	if (watch_init(&r->watch, plan, tracer_epoll_fd(&r->t), RQS_PROC))
		return 1;
	loss_report_init(&r->losses, plan->storage, plan->hash_entries, r->t.hot_create,
			 plan->loss_every_s * 1000000000ULL);
	if (plan->loss_form == FORM_JSON)
		r->losses.json = stdout;
	return 0;
}

int run_plan(const struct plan *plan, volatile sig_atomic_t *exiting)
{
	struct run r = {
		.plan = plan,
		.stats = { .fd = -1 },
		.watch = { .epfd = -1 },
	};
	int ret;

	event_printer_init(&r.printer, plan);
	ret = start(&r);
	if (ret)
		goto out;
	r.printer.metrics = &r.sum.listen;
	if (plan->summary.metrics) {
		r.printer.on_outlier = summary_run_note_outlier;
		r.printer.outlier_ctx = &r.sum;
	}
	if (event_printer_banner(&r.printer, plan) < 0 || fflush(stdout))
		r.printer.write_failed = true;
	ret = poll_until_done(&r, exiting);
	finish(&r);
out:
	summary_run_finish(&r.sum, NULL);
	watch_fini(&r.watch);
	bpf_stats_disable(&r.stats);
	tracer_stop(&r.t);
	event_printer_free(&r.printer);
	return ret;
}
