// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json_writer.h"
#include "report/json_records.h"
#include "summary/summary_render.h"

static void print_title(FILE *out, const struct summary_view *s)
{
	time_t now = (time_t)(s->wall_ns / 1000000000LL);
	char ts[16];
	struct tm tm;

	if (!localtime_r(&now, &tm) || !strftime(ts, sizeof(ts), "%H:%M:%S", &tm))
		strcpy(ts, "??:??:??");
	if (s->final)
		fprintf(out, "\n%s run-queue waits, all %.1f s:\n", ts, s->secs);
	else
		fprintf(out, "\n%s run-queue waits in the last %.0f s:\n", ts, s->secs);
}

/* --blame-by cgroup, under a cgroup's histogram: at most BLAME_TOP
 * culprits, the largest first, then the rest as one line; each with its
 * share of the cgroup's wait time (the histogram's sum) */
#define BLAME_TOP 5

static int by_ns_desc(const void *x, const void *y)
{
	const struct blame_pair *a = *(const struct blame_pair *const *)x;
	const struct blame_pair *b = *(const struct blame_pair *const *)y;

	if (a->ns != b->ns)
		return a->ns > b->ns ? -1 : 1;
	return strcmp(a->culprit, b->culprit);
}

/* @cgroup's culprits in @t, the largest first; NULL when none (or no
 * memory: the histogram still prints) */
static const struct blame_pair **culprits_of(const struct blame_table *t, const char *cgroup,
					     size_t *n)
{
	const struct blame_pair **v;
	size_t first;

	*n = t ? blame_table_find(t, cgroup, &first) : 0;
	if (!*n)
		return NULL;
	v = malloc(*n * sizeof(*v));
	if (!v) {
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++)
		v[i] = &t->v[first + i];
	qsort(v, *n, sizeof(*v), by_ns_desc);
	return v;
}

static void print_culprit(FILE *out, const char *name, uint64_t ns, uint64_t waited)
{
	fprintf(out, "        %-32s %12.6f s %6.1f%%\n", name, ns / 1e9,
		waited ? 100.0 * (double)ns / (double)waited : 0.0);
}

static void print_blame(FILE *out, const struct blame_table *t, const char *cgroup,
			const struct hist *h)
{
	const struct blame_pair **v;
	uint64_t rest = 0;
	char others[48];
	size_t n;

	v = culprits_of(t, cgroup, &n);
	if (!v)
		return;
	fprintf(out, "     ran instead (of %.6f s waited):\n", h->sum_ns / 1e9);
	for (size_t i = 0; i < n; i++) {
		if (i < BLAME_TOP)
			print_culprit(out, v[i]->culprit, v[i]->ns, h->sum_ns);
		else
			rest += v[i]->ns;
	}
	if (n > BLAME_TOP) {
		snprintf(others, sizeof(others), "(%zu others)", n - BLAME_TOP);
		print_culprit(out, others, rest, h->sum_ns);
	}
	free(v);
}

int summary_render_text(FILE *out, const struct summary_view *s)
{
	const char *name = metrics_by_label(s->by);
	bool any = false;

	print_title(out, s);
	for (size_t i = 0; i < s->n; i++) {
		if (!hist_count(&s->v[i].h))
			continue;
		any = true;
		if (name)
			fprintf(out, "%s = %s\n", name, s->v[i].label);
		hist_print(out, &s->v[i].h, s->layout);
		if (s->blame)
			print_blame(out, s->blame, s->v[i].label, &s->v[i].h);
	}
	if (s->overflow && hist_count(s->overflow)) {
		any = true;
		fprintf(out, "%s = (not kept: more than --max-keys %u keys)\n", name, s->max_keys);
		hist_print(out, s->overflow, s->layout);
	}
	if (s->blame && s->blame->overflow_ns)
		fprintf(out, "culprits not kept (more than --max-keys %u pairs): %.6f s\n",
			s->max_keys, s->blame->overflow_ns / 1e9);
	if (s->folded && hist_count(s->folded)) {
		any = true;
		fprintf(out, "%s = (folded: %llu series of removed or idle keys, more than --max-keys %u)\n",
			name, s->nfolded, s->max_keys);
		hist_print(out, s->folded, s->layout);
	}
	if (!any)
		return fprintf(out, "no waits\n") < 0 ? -1 : 0;
	return ferror(out) ? -1 : 0;
}

/* {"low_us":L,"high_us":H}: H null for the last slot, open above */
static void json_range(FILE *out, const struct us_range *r)
{
	if (r->open)
		fprintf(out, "{\"low_us\":%llu,\"high_us\":null", (unsigned long long)r->low);
	else
		fprintf(out, "{\"low_us\":%llu,\"high_us\":%llu", (unsigned long long)r->low,
			(unsigned long long)r->high);
}

/* The figures of hist_print(), as members of @j */
static void json_hist(struct json_obj *j, const struct hist *h,
		      const struct hist_layout *l)
{
	uint64_t n = hist_count(h), slots[RQS_HIST_SLOTS];
	int first = l ? (int)l->first : 0, last = -1;
	struct us_range r;
	struct json_obj m;

	json_u64(j, "count", n);
	json_u64(j, "sum_ns", h->sum_ns);
	if (n)
		json_u64(j, "mean_us", h->sum_ns / n / 1000);
	hist_fold(h, l, slots);
	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		if (slots[i])
			last = i;
	json_key(j, "buckets");
	fputc('[', j->out);
	for (int i = first; i <= last; i++) {
		r = hist_layout_range(l, (unsigned int)i);
		if (i > first)
			fputc(',', j->out);
		json_range(j->out, &r);
		fprintf(j->out, ",\"count\":%llu}", (unsigned long long)slots[i]);
	}
	fputc(']', j->out);
	json_key(j, "percentiles");
	fputc('{', j->out);
	m = (struct json_obj){ .out = j->out, .first = true };
	for (size_t i = 0; i < HIST_NQUANTILES; i++) {
		if (!hist_quantile(h, hist_quantiles[i].q, &r))
			continue;
		json_key(&m, hist_quantiles[i].name);
		json_range(j->out, &r);
		fputc('}', j->out);
	}
	fputc('}', j->out);
	if (h->max_ns) {
		json_key(j, "max");
		m = (struct json_obj){ .out = j->out, .first = true };
		fputc('{', j->out);
		json_u64(&m, "us", h->max_ns / 1000);
		json_u64(&m, "ns", h->max_ns);
		json_u64(&m, "tid", h->max_pid);
		json_str(&m, "comm", h->max_comm, sizeof(h->max_comm));
		fputc('}', j->out);
	}
}

/* "blame": [{culprit, ns, seconds, share}...], the largest first */
static void json_blame(struct json_obj *j, const struct blame_table *t, const char *cgroup,
		       const struct hist *h)
{
	const struct blame_pair **v;
	struct json_obj m;
	char num[48];
	size_t n;

	v = culprits_of(t, cgroup, &n);
	json_key(j, "blame");
	fputc('[', j->out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', j->out);
		m = (struct json_obj){ .out = j->out, .first = true };
		fputc('{', j->out);
		json_str(&m, "culprit", v[i]->culprit, strlen(v[i]->culprit));
		json_u64(&m, "ns", v[i]->ns);
		snprintf(num, sizeof(num), "%.4f",
			 h->sum_ns ? (double)v[i]->ns / (double)h->sum_ns : 0.0);
		json_number(&m, "share", num);
		fputc('}', j->out);
	}
	fputc(']', j->out);
	free(v);
}

/* One record: @label NULL for the overflow, or for none at all */
static int json_record(FILE *out, const struct summary_view *s, const char *label,
		       bool overflow, bool folded, const struct hist *h)
{
	const char *by = metrics_by_label(s->by);
	struct json_obj j;
	char when[48], secs[32];

	json_time(when, sizeof(when), s->wall_ns);
	snprintf(secs, sizeof(secs), s->final ? "%.1f" : "%.0f", s->secs);
	json_begin(&j, out, "summary");
	json_bool(&j, "final", s->final);
	json_str(&j, "time", when, sizeof(when));
	json_u64(&j, "mono_ns", s->mono_ns);
	if (json_is_number(secs))
		json_number(&j, "seconds", secs);
	if (by)
		json_str(&j, "by", by, strlen(by));
	if (label)
		json_str(&j, "key", label, strlen(label));
	if (overflow) {
		json_bool(&j, "overflow", true);
		json_u64(&j, "max_keys", s->max_keys);
	}
	if (folded) {
		json_u64(&j, "folded", s->nfolded);
		json_u64(&j, "max_keys", s->max_keys);
	}
	json_hist(&j, h, s->layout);
	if (s->blame && label)
		json_blame(&j, s->blame, label, h);
	if (s->blame && overflow)
		json_u64(&j, "blame_overflow_ns", s->blame->overflow_ns);
	return json_end(&j);
}

int summary_render_json(FILE *out, const struct summary_view *s)
{
	static const struct hist none;
	bool any = false;
	int err = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (!hist_count(&s->v[i].h))
			continue;
		any = true;
		err |= json_record(out, s, s->v[i].label, false, false, &s->v[i].h);
	}
	if ((s->overflow && hist_count(s->overflow)) || (s->blame && s->blame->overflow_ns)) {
		any = true;
		err |= json_record(out, s, NULL, true, false, s->overflow);
	}
	if (s->folded && hist_count(s->folded)) {
		any = true;
		err |= json_record(out, s, NULL, false, true, s->folded);
	}
	if (!any)
		err |= json_record(out, s, NULL, false, false, &none);
	return err ? -1 : 0;
}
