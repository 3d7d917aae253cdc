// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "cli/options.h"
#include "cli/plan.h"

/* What -c NAME compares: NAME's bytes, and a mask over them (in memory
 * order, so that the words compare the same whatever the byte order) */
static void plan_comm_filter(struct rqs_config *cfg, const char *comm)
{
	unsigned char want[RQS_COMM_LEN] = { 0 }, mask[RQS_COMM_LEN] = { 0 };
	size_t len = strlen(comm);

	memcpy(want, comm, len);
	memset(mask, 0xff, len);
	memcpy(cfg->comm_want, want, sizeof(want));
	memcpy(cfg->comm_mask, mask, sizeof(mask));
}

/* The one rule for what the programs put in an event: the details for the
 * options that print them, and the event's size follows from it. */
static void plan_event(struct plan *p)
{
	const struct output_format *f = &p->format;

	p->cfg.details = f->waker || f->cpu || f->blame || f->json;
	p->cfg.blame = f->blame > 0;
	p->event_size = RQS_EVENT_SIZE(p->cfg.details, p->cfg.blame);
	/* -B's events carry RQS_BLAME_SLOTS slots, 1.1 KB: room for as many */
	p->ringbuf_bytes = RQS_RINGBUF_BYTES * (p->cfg.blame ? RQS_RINGBUF_BLAME_FACTOR : 1);
}

/* Without the options whose code only the ext_* programs have, the plain
 * programs load: not even their rodata loads are left. */
static void plan_programs(struct plan *p, const struct options *o)
{
	const struct output_format *f = &o->format;
	bool ext = f->waker || f->cpu || f->blame || f->json || o->comm[0] || o->cgroup;

	p->programs = ext ? PROGS_EXT : PROGS_PLAIN;
	if (f->waker)
		p->programs |= PROGS_WAKER;
	if (f->blame || o->sum.blame_cgroup)
		p->programs |= PROGS_BLAME;
}

/* -i, --by, --bucket-range and --no-outliers print the summary unless it is only served
 * (--metrics); any of them keeps it */
static void plan_summary(struct plan *p, const struct summary_args *a)
{
	struct summary_plan *s = &p->summary;

	s->print = a->summary || a->interval ||
		   ((a->by || a->no_outliers || a->bucket_range) && !a->metrics);
	s->enabled = s->print || a->metrics;
	s->interval = a->interval;
	s->by = a->by;
	s->keyed = s->by == RQS_BY_COMM || s->by == RQS_BY_CGROUP;
	s->max_keys = a->max_keys;
	s->bucket_low_us = a->bucket_low_us;
	s->bucket_high_us = a->bucket_high_us;
	s->metrics = a->metrics;
	memcpy(s->metrics_addr, a->metrics_addr, sizeof(s->metrics_addr));
	s->metrics_port = a->metrics_port;
	s->retire_after = a->retire_after;
	s->metrics_max_bytes = a->metrics_max_bytes;
	s->web_config = a->web_config;
	s->container_runtime = a->container_runtime;
	p->cfg.summary = s->enabled;
	p->cfg.by = (__u8)s->by;
	s->blame_cgroup = a->blame_cgroup;
	p->cfg.blame_cgroup = a->blame_cgroup;
	/* only -i reads a generation's waits apart from the next one's */
	p->cfg.hist_halves = s->interval ? 2 : 1;
	p->hist_keys = s->keyed ? s->max_keys : 1;
	p->hist_key_size = s->by == RQS_BY_CGROUP ? sizeof(__u64) : 0;
	p->outliers = !a->no_outliers;
	/* An exporter's stderr goes to a journal, where a line a second of
	 * what the metrics count anyway only adds noise; printed waits keep
	 * theirs, each second, next to the output it has gaps in. */
	if (s->metrics && !p->outliers)
		p->loss_every_s = s->interval ? s->interval : RQS_LOSS_EVERY_S;
}

/* Every output's form in one place: with -j nothing but JSON records
 * reaches stdout, whichever outputs are on */
static void plan_outputs(struct plan *p)
{
	enum output_form form = p->format.json ? FORM_JSON : FORM_TEXT;

	p->summary.form = form;
	p->stats_form = form;
	p->loss_form = form;
	if (form == FORM_JSON)
		p->banner = BANNER_JSON;
	else
		p->banner = p->outliers ? BANNER_COLUMNS : BANNER_SUMMARY;
}

void plan_from_options(const struct options *o, enum storage_mode storage,
		       struct plan *p)
{
	/* every byte set, padding included: the rodata is the same for the
	 * same options */
	memset(p, 0, sizeof(*p));
	p->storage = storage;
	p->hash_entries = o->hash_entries;
	p->format = o->format;
	p->stats = o->stats;
	p->min_us = o->min_us;
	p->duration_s = o->duration;
	p->npids = o->npids;
	p->tid = o->tid;
	p->cgroup = o->cgroup;
	p->cgroup_root = o->cgroup_root;
	p->verbose = o->verbose;
	p->keep_capabilities = o->keep_capabilities;
	memcpy(p->pids, o->pids, sizeof(p->pids));
	memcpy(p->comm, o->comm, sizeof(p->comm));

	/* the programs report waits of min_ns and more: MIN_US itself is not
	 * "higher than" MIN_US */
	p->cfg.min_ns = o->min_us ? (o->min_us + 1) * 1000 : 0;
	for (int i = 0; i < o->npids; i++)
		p->cfg.targ_tgids[i] = o->pids[i];
	p->cfg.ntgids = o->npids;
	p->cfg.targ_pid = o->tid;
	p->cfg.previous = o->format.previous;
	p->cfg.waker = o->format.waker;
	p->cfg.cpu = o->format.cpu;
	plan_comm_filter(&p->cfg, o->comm);
	p->cfg.cgroup_id = o->cgroup_id;
	p->cfg.cgroup_level = o->cgroup_level;
	plan_event(p);
	plan_programs(p, o);
	plan_summary(p, &o->sum);
	p->summary.cgroup_root = o->cgroup_root;
	plan_outputs(p);
}

void plan_metrics_url(const struct summary_plan *s, char *buf, size_t size)
{
	bool v6 = strchr(s->metrics_addr, ':');

	snprintf(buf, size, "http%s://%s%s%s:%u/metrics", s->https ? "s" : "", v6 ? "[" : "",
		 s->metrics_addr,
		 v6 ? "]" : "", s->metrics_port);
}
