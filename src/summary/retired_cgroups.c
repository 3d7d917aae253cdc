// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "summary/retired_cgroups.h"

static void remove_at(struct retired *r, size_t i)
{
	free(r->v[i].label);
	memmove(r->v + i, r->v + i + 1, (r->n - i - 1) * sizeof(*r->v));
	memmove(r->at_ns + i, r->at_ns + i + 1, (r->n - i - 1) * sizeof(*r->at_ns));
	r->n--;
}

/* the oldest @k series into r->folded */
static void fold_oldest(struct retired *r, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		hist_add(&r->folded, &r->v[i].h);
		free(r->v[i].label);
	}
	memmove(r->v, r->v + k, (r->n - k) * sizeof(*r->v));
	memmove(r->at_ns, r->at_ns + k, (r->n - k) * sizeof(*r->at_ns));
	r->n -= k;
	r->nfolded += k;
}

int retired_add(struct retired *r, char *label, const struct hist *h, unsigned long long now_ns)
{
	struct series s = { .label = label, .h = *h };

	if (!label)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].label, label))
			continue;
		/* the same label again (a cgroup recreated): one series */
		hist_add(&s.h, &r->v[i].h);
		remove_at(r, i);
		break;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct series *v = realloc(r->v, cap * sizeof(*v));
		unsigned long long *at;

		if (v)
			r->v = v;
		at = v ? realloc(r->at_ns, cap * sizeof(*at)) : NULL;
		if (!at) {
			free(label);
			return -ENOMEM;
		}
		r->at_ns = at;
		r->cap = cap;
	}
	r->v[r->n] = s;
	r->at_ns[r->n++] = now_ns;
	if (r->limit && r->n > r->limit)
		fold_oldest(r, r->n - r->limit);
	return 0;
}

void retired_expire(struct retired *r, unsigned long long now_ns)
{
	size_t k = 0;

	if (!r->max_age_ns)
		return;
	while (k < r->n && now_ns - r->at_ns[k] >= r->max_age_ns)
		k++;
	if (k)
		fold_oldest(r, k);
}

int retired_append(const struct retired *r, struct series **v, size_t *n, size_t *cap)
{
	if (*n + r->n > *cap) {
		size_t c = *n + r->n;
		struct series *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	for (size_t i = 0; i < r->n; i++) {
		char *label = strdup(r->v[i].label);

		if (!label)
			return -ENOMEM;
		(*v)[(*n)++] = (struct series){ .label = label, .h = r->v[i].h };
	}
	return 0;
}

void retired_free(struct retired *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].label);
	free(r->v);
	free(r->at_ns);
	*r = (struct retired){ 0 };
}
