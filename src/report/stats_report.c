// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <string.h>

#include "common/json_writer.h"
#include "report/stats_report.h"

/* One record or line: a sink for both forms, so that each figure is named
 * once. */
struct stats_out {
	FILE *out;
	bool json;
	struct json_obj j;
	int err;
};

static void begin(struct stats_out *o, const char *what, const char *name)
{
	if (o->json) {
		json_begin(&o->j, o->out, "stats");
		json_str(&o->j, "what", what, strlen(what));
		if (name)
			json_str(&o->j, "name", name, strlen(name));
		return;
	}
	fprintf(o->out, "stats: %s:", what);
	if (name)
		fprintf(o->out, " %s", name);
}

static void u64(struct stats_out *o, const char *key, unsigned long long v)
{
	if (o->json)
		json_u64(&o->j, key, v);
	else
		fprintf(o->out, " %s=%llu", key, v);
}

static void i64(struct stats_out *o, const char *key, long long v)
{
	if (o->json)
		json_i64(&o->j, key, v);
	else
		fprintf(o->out, " %s=%lld", key, v);
}

/* a number written as it is, or a word (json: a string) */
static void text(struct stats_out *o, const char *key, const char *v)
{
	if (o->json && json_is_number(v))
		json_number(&o->j, key, v);
	else if (o->json)
		json_str(&o->j, key, v, strlen(v));
	else
		fprintf(o->out, " %s=%s", key, v);
}

static void end(struct stats_out *o)
{
	int ret = o->json ? json_end(&o->j) : fprintf(o->out, "\n");

	if (ret < 0)
		o->err = -1;
}

static void prog(struct stats_out *o, const struct prog_run_stats *p)
{
	char per_run[32];

	snprintf(per_run, sizeof(per_run), "%.1f",
		 p->runs ? (double)p->run_ns / p->runs : 0.0);
	begin(o, "prog", p->name);
	u64(o, "runs", p->runs);
	u64(o, "run_ns", p->run_ns);
	text(o, "ns_per_run", per_run);
	end(o);
}

static int render(struct stats_out *o, const struct run_stats *s)
{
	const __u64 *c = s->counters;

	if (!s->counters_readable) {
		begin(o, "counters", NULL);
		u64(o, "readable", 0);
		end(o);
	}
	begin(o, "storage", NULL);
	text(o, "mode", storage_mode_name(s->mode));
	if (s->mode == STORAGE_TASK) {
		/* tasks given storage at creation, and by the tracing programs */
		u64(o, "at_fork", c[RQS_STORAGE_CREATED]);
		if (s->hot_create)
			u64(o, "at_wakeup", c[RQS_STORAGE_CREATED_HOT]);
		else
			text(o, "at_wakeup", "off");
	}
	end(o);
	for (unsigned int i = 0; i < s->nprogs; i++)
		prog(o, &s->progs[i]);
	if (s->nprogs) {
		begin(o, "recursion_misses", NULL);
		for (unsigned int i = 0; i < s->nprogs; i++)
			u64(o, s->progs[i].name, s->progs[i].recursion_misses);
		end(o);
	}
	begin(o, "events", NULL);
	u64(o, "emitted", s->emitted);
	u64(o, "lost_ringbuf", c[RQS_LOST_RINGBUF]);
	end(o);
	begin(o, "waits", NULL);
	u64(o, "over_threshold", c[RQS_OVER_THRESHOLD]);
	end(o);
	begin(o, "wakeups", NULL);
	u64(o, "not_recorded", c[RQS_LOST_STORAGE]);
	end(o);
	begin(o, "waits", NULL);
	u64(o, "negative", c[RQS_NEGATIVE_WAIT]);
	end(o);
	begin(o, "waits", NULL);
	u64(o, "missed_switch_in", c[RQS_MISSED_SWITCH_IN]);
	end(o);
	begin(o, "wakers", NULL);
	u64(o, "not_recorded", c[RQS_LOST_WAKER]);
	end(o);
	if (s->mode == STORAGE_HASH) {
		begin(o, "hash", NULL);
		u64(o, "max_entries", s->hash_max_entries);
		u64(o, "entries", s->hash_entries);
		if (s->hash_stale_known)
			u64(o, "stale", s->hash_stale);
		else
			text(o, "stale", "unknown");
		end(o);
		begin(o, "memory", NULL);
		u64(o, "bytes", s->memory_bytes);
		u64(o, "map", s->map_bytes);
		end(o);
		return o->err;
	}
	begin(o, "memory", NULL);
	u64(o, "bytes", s->memory_bytes);
	u64(o, "map", s->map_bytes);
	i64(o, "per_task", s->per_task);
	u64(o, "tasks", s->tasks);
	u64(o, "prefilled", s->prefilled);
	end(o);
	return o->err;
}

int stats_print_text(FILE *out, const struct run_stats *s)
{
	return render(&(struct stats_out){ .out = out }, s);
}

int stats_print_json(FILE *out, const struct run_stats *s)
{
	return render(&(struct stats_out){ .out = out, .json = true }, s);
}

int stats_print_prog(FILE *out, const struct prog_run_stats *p)
{
	struct stats_out o = { .out = out };

	prog(&o, p);
	return o.err;
}
