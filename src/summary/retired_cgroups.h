/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_RETIRED_CGROUPS_H
#define RQS_RETIRED_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "summary/prometheus.h"

/* --by cgroup: the histograms of removed cgroups, moved out of the BPF map
 * so that their keys do not fill it (a host creates and removes cgroups all
 * day: services, sessions, containers). Oldest first. */
struct retired {
	struct series *v;
	size_t n, cap;
	size_t limit;		/* 0: keep all; else the oldest beyond it go */
	unsigned long long dropped; /* series dropped over the limit */
};

/* Adds @h under @label (taken over; merged into a series of the same label,
 * which then counts as the newest). -ENOMEM frees @label. */
int retired_add(struct retired *r, char *label, const struct hist *h);
/* Appends a copy of each series to *@v (of *@n series, room for *@cap). */
int retired_append(const struct retired *r, struct series **v, size_t *n, size_t *cap);
void retired_free(struct retired *r);

#endif
