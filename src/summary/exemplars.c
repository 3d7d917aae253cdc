// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "summary/exemplars.h"

void exemplars_init(struct exemplars *x, size_t max)
{
	*x = (struct exemplars){ .max = max };
}

/* The index of @label, or where it goes (*@found false) */
static size_t find(const struct exemplars *x, const char *label, bool *found)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(x->v[mid].label, label);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static bool takes_place(const struct exemplar *old, const struct exemplar *e)
{
	return !old->wait_ns || e->wait_ns >= old->wait_ns ||
	       (int64_t)(e->end_mono_ns - old->end_mono_ns) >= (int64_t)RQS_EXEMPLAR_WINDOW_NS;
}

int exemplars_note(struct exemplars *x, const char *label, const struct exemplar *e)
{
	struct exemplar_set *s;
	unsigned int slot = hist_slot_of_us(e->wait_ns / 1000);
	bool found;
	size_t i = find(x, label, &found);

	if (!found) {
		if (x->n >= x->max)
			return -ENOSPC;
		if (x->n == x->cap) {
			size_t cap = x->cap ? x->cap * 2 : 16;
			struct exemplar_set *v = realloc(x->v, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			x->v = v;
			x->cap = cap;
		}
		s = &x->v[i];
		memmove(s + 1, s, (x->n - i) * sizeof(*s));
		*s = (struct exemplar_set){ .label = strdup(label) };
		if (!s->label) {
			memmove(s, s + 1, (x->n - i) * sizeof(*s));
			return -ENOMEM;
		}
		x->n++;
	}
	s = &x->v[i];
	if (takes_place(&s->slot[slot], e))
		s->slot[slot] = *e;
	return 0;
}

const struct exemplar_set *exemplars_find(const struct exemplars *x, const char *label)
{
	bool found;
	size_t i = find(x, label, &found);

	return found ? &x->v[i] : NULL;
}

void exemplars_keep(struct exemplars *x, const char *const *labels, size_t n)
{
	size_t out = 0, i;
	bool found;

	for (i = 0; i < x->n; i++)
		x->v[i].kept = false;
	for (size_t j = 0; j < n; j++) {
		i = find(x, labels[j], &found);
		if (found)
			x->v[i].kept = true;
	}
	for (i = 0; i < x->n; i++) {
		if (x->v[i].kept)
			x->v[out++] = x->v[i];
		else
			free(x->v[i].label);
	}
	x->n = out;
}

const struct exemplar *exemplar_of_bucket(const struct exemplar_set *s,
					  const struct hist_layout *l, unsigned int slot)
{
	unsigned int from = slot, to = slot;
	const struct exemplar *best = NULL;

	if (!s)
		return NULL;
	if (l && slot == l->first)
		from = 0;
	if (l && slot == l->last)
		to = RQS_HIST_SLOTS - 1;
	for (unsigned int i = from; i <= to; i++)
		if (s->slot[i].wait_ns && (!best || s->slot[i].wait_ns > best->wait_ns))
			best = &s->slot[i];
	return best;
}

void exemplars_free(struct exemplars *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i].label);
	free(x->v);
	*x = (struct exemplars){ 0 };
}
