// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* -s and -i: the histograms as text, runqlat's layout, one per --by key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/version.h"
#include "summary/summary_print.h"

static void print_title(FILE *out, const char *fmt, double secs)
{
	char ts[16];
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm) || !strftime(ts, sizeof(ts), "%H:%M:%S", &tm))
		strcpy(ts, "??:??:??");
	fprintf(out, "\n%s ", ts);
	fprintf(out, fmt, secs);
	fputc('\n', out);
}

static void print_all(struct summary *s, FILE *out, const struct series *v, size_t n,
		      const struct hist *overflow)
{
	const char *name = metrics_by_label(s->by);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (!hist_count(&v[i].h))
			continue;
		any = true;
		if (name)
			fprintf(out, "%s = %s\n", name, v[i].label);
		hist_print(out, &v[i].h);
	}
	if (overflow && hist_count(overflow)) {
		any = true;
		fprintf(out, "%s = (not kept: more than --max-keys %u keys)\n", name, s->max_keys);
		hist_print(out, overflow);
	}
	if (!any)
		fprintf(out, "no waits\n");
}

static void keep_max(struct hist *h, const struct hist *from)
{
	if (from->max_ns > h->max_ns) {
		h->max_ns = from->max_ns;
		h->max_pid = from->max_pid;
		memcpy(h->max_comm, from->max_comm, sizeof(h->max_comm));
	}
}

int summary_print_interval(struct summary *s, FILE *out, unsigned int secs)
{
	struct hist overflow, cum;
	struct series *v, *prev, *nl;
	size_t n, nlast = s->nlast;
	int err;

	/* waits from now on belong to the next interval, whose maxima the
	 * programs keep apart: this one's are complete */
	s->first_gen = s->last_gen = (*(volatile __u32 *)s->gen)++;
	err = summary_read(s, &v, &n, &overflow);
	if (err)
		return err;
	/* v[] becomes this interval's waits; s->last the sums so far, with the
	 * longest wait so far */
	for (size_t i = 0; i < n; i++) {
		prev = series_find(s->last, nlast, v[i].label);
		cum = v[i].h;
		if (prev) {
			hist_sub(&v[i].h, &prev->h);
			keep_max(&cum, &prev->h);
			prev->h = cum;
			continue;
		}
		nl = realloc(s->last, (s->nlast + 1) * sizeof(*nl));
		if (!nl) {
			series_free(v, n);
			return -ENOMEM;
		}
		s->last = nl;
		s->last[s->nlast] = (struct series){ .h = cum };
		if (v[i].label && !(s->last[s->nlast].label = strdup(v[i].label))) {
			series_free(v, n);
			return -ENOMEM;
		}
		s->nlast++;
	}
	if (s->nlast != nlast)
		qsort(s->last, s->nlast, sizeof(*s->last), series_compare);
	cum = overflow;
	hist_sub(&overflow, &s->last_overflow);
	keep_max(&cum, &s->last_overflow);
	s->last_overflow = cum;

	print_title(out, "run-queue waits in the last %.0f s:", secs);
	print_all(s, out, v, n, s->keyed ? &overflow : NULL);
	series_free(v, n);
	return fflush(out) ? -errno : 0;
}

int summary_print_total(struct summary *s, FILE *out, double secs)
{
	struct series *v, *prev;
	struct hist overflow;
	size_t n;
	int err;

	/* the current interval's maxima; the earlier ones are in s->last */
	s->first_gen = s->last_gen = *(volatile __u32 *)s->gen;
	err = summary_read(s, &v, &n, &overflow);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		prev = series_find(s->last, s->nlast, v[i].label);
		if (prev)
			keep_max(&v[i].h, &prev->h);
	}
	keep_max(&overflow, &s->last_overflow);
	print_title(out, "run-queue waits, all %.1f s:", secs);
	print_all(s, out, v, n, s->keyed ? &overflow : NULL);
	if (hist_count(&overflow))
		fprintf(stderr, RQS_NAME ": %llu waits not kept per %s: more than --max-keys %u keys\n",
			(unsigned long long)hist_count(&overflow), metrics_by_label(s->by), s->max_keys);
	series_free(v, n);
	return fflush(out) ? -errno : 0;
}
