// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "summary/blame_pairs.h"

static int pair_cmp(const void *x, const void *y)
{
	const struct blame_pair *a = x, *b = y;
	int c = strcmp(a->cgroup, b->cgroup);

	return c ? c : strcmp(a->culprit, b->culprit);
}

int blame_table_merge(struct blame_table *t)
{
	size_t out = 0;

	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), pair_cmp);
	for (size_t i = 0; i < t->n; i++) {
		if (out && !pair_cmp(&t->v[out - 1], &t->v[i])) {
			t->v[out - 1].ns += t->v[i].ns;
			free(t->v[i].cgroup);
			free(t->v[i].culprit);
		} else {
			t->v[out++] = t->v[i];
		}
	}
	t->n = out;
	return 0;
}

void blame_table_sub(struct blame_table *t, const struct blame_table *before)
{
	const struct blame_pair *b;

	for (size_t i = 0; i < t->n; i++) {
		b = before->n ? bsearch(&t->v[i], before->v, before->n, sizeof(*before->v), pair_cmp)
			      : NULL;
		if (b)
			t->v[i].ns = t->v[i].ns > b->ns ? t->v[i].ns - b->ns : 0;
	}
	t->overflow_ns = t->overflow_ns > before->overflow_ns ?
			 t->overflow_ns - before->overflow_ns : 0;
}

int blame_table_copy(struct blame_table *to, const struct blame_table *t)
{
	*to = (struct blame_table){ .overflow_ns = t->overflow_ns };
	if (!t->n)
		return 0;
	to->v = calloc(t->n, sizeof(*to->v));
	if (!to->v)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++, to->n++) {
		to->v[i] = (struct blame_pair){
			.cgroup = strdup(t->v[i].cgroup),
			.culprit = strdup(t->v[i].culprit),
			.ns = t->v[i].ns,
		};
		if (!to->v[i].cgroup || !to->v[i].culprit) {
			to->n++;
			blame_table_free(to);
			return -ENOMEM;
		}
	}
	return 0;
}

size_t blame_table_find(const struct blame_table *t, const char *cgroup, size_t *first)
{
	size_t lo = 0, hi = t->n, n = 0;

	/* the first pair of @cgroup, or where it would be */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->v[mid].cgroup, cgroup) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < t->n && !strcmp(t->v[lo + n].cgroup, cgroup))
		n++;
	return n;
}

uint64_t blame_table_total(const struct blame_table *t, const char *cgroup)
{
	size_t first, n = blame_table_find(t, cgroup, &first);
	uint64_t sum = 0;

	for (size_t i = first; i < first + n; i++)
		sum += t->v[i].ns;
	return sum;
}

void blame_table_free(struct blame_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].cgroup);
		free(t->v[i].culprit);
	}
	free(t->v);
	*t = (struct blame_table){ 0 };
}
