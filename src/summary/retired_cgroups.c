// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "summary/retired_cgroups.h"

static void drop_oldest(struct retired *r)
{
	free(r->v[0].label);
	memmove(r->v, r->v + 1, (r->n - 1) * sizeof(*r->v));
	r->n--;
	r->dropped++;
}

int retired_add(struct retired *r, char *label, const struct hist *h)
{
	struct series s = { .label = label, .h = *h };

	if (!label)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].label, label))
			continue;
		/* the same path again (a cgroup recreated): one series */
		hist_add(&s.h, &r->v[i].h);
		free(r->v[i].label);
		memmove(r->v + i, r->v + i + 1, (r->n - i - 1) * sizeof(*r->v));
		r->n--;
		break;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct series *v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			free(label);
			return -ENOMEM;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = s;
	while (r->limit && r->n > r->limit)
		drop_oldest(r);
	return 0;
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
	*r = (struct retired){ 0 };
}
