// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* -s and -i: the histograms read, each interval's the difference of two
 * reads, rendered by summary_render.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/version.h"
#include "report/text_lines.h"
#include "summary/summary_print.h"
#include "summary/summary_render.h"

/* The text or the JSON records, as the plan says */
static int render(struct summary *s, FILE *out, bool final, double secs,
		  const struct series *v, size_t n, const struct hist *overflow,
		  const struct hist *folded, const struct blame_table *blame)
{
	unsigned long long now = monotonic_ns();
	struct summary_view view = {
		.final = final,
		.secs = secs,
		.wall_ns = (long long)now + real_minus_mono_ns(),
		.mono_ns = now,
		.by = s->by,
		.max_keys = s->max_keys,
		.v = v,
		.n = n,
		.overflow = s->keyed ? overflow : NULL,
		.layout = &s->layout,
		.folded = s->keyed ? folded : NULL,
		.nfolded = s->retired.nfolded,
		.blame = s->blame ? blame : NULL,
	};

	if (s->form == FORM_JSON)
		return summary_render_json(out, &view);
	return summary_render_text(out, &view);
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
	struct hist overflow, cum, folded;
	struct blame_table now = { 0 };
	struct series *v, *prev, *nl;
	size_t n, nlast = s->nlast, kept = 0;
	int err;

	/* waits from now on belong to the next interval, which the programs
	 * keep in the other half; this one's half is complete once no program
	 * that read the old generation runs */
	s->first_gen = s->last_gen = (*(volatile __u32 *)s->gen)++;
	tracer_wait_switch_runs();
	s->closing = true;
	err = summary_read(s, &v, &n, &overflow);
	s->closing = false;
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
	/* a series gone from the read was folded (or renamed: a cgroup first
	 * read as "(unknown)"): the folded waits now hold its sums at the last
	 * interval, which are not this interval's */
	folded = cum = s->retired.folded;
	hist_sub(&folded, &s->last_folded);
	for (size_t i = 0; i < nlast; i++) {
		if (series_find(v, n, s->last[i].label)) {
			s->last[kept++] = s->last[i];
			continue;
		}
		if (s->retired.nfolded != s->last_nfolded)
			hist_sub(&folded, &s->last[i].h);
		free(s->last[i].label);
	}
	s->last_nfolded = s->retired.nfolded;
	memmove(s->last + kept, s->last + nlast, (s->nlast - nlast) * sizeof(*s->last));
	s->nlast -= nlast - kept;
	keep_max(&cum, &s->last_folded);
	s->last_folded = cum;
	if (s->nlast != kept)
		qsort(s->last, s->nlast, sizeof(*s->last), series_compare);
	cum = overflow;
	hist_sub(&overflow, &s->last_overflow);
	keep_max(&cum, &s->last_overflow);
	s->last_overflow = cum;

	/* the culprits of this interval's waits: the sums now less those at
	 * the last interval */
	err = s->blame ? blame_table_copy(&now, &s->blame_now) : 0;
	if (err) {
		series_free(v, n);
		return err;
	}
	if (s->blame) {
		blame_table_sub(&now, &s->blame_last);
		blame_table_free(&s->blame_last);
		err = blame_table_copy(&s->blame_last, &s->blame_now);
	}
	if (!err)
		render(s, out, false, secs, v, n, &overflow, &folded, &now);
	blame_table_free(&now);
	series_free(v, n);
	if (err)
		return err;
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
	render(s, out, true, secs, v, n, &overflow, &s->retired.folded, &s->blame_now);
	if (hist_count(&overflow))
		fprintf(stderr, RQS_NAME ": %llu waits not kept per %s: more than --max-keys %u keys\n",
			(unsigned long long)hist_count(&overflow), metrics_by_label(s->by), s->max_keys);
	series_free(v, n);
	return fflush(out) ? -errno : 0;
}
