/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_RETIRED_CGROUPS_H
#define RQS_RETIRED_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "summary/prometheus.h"

/* --by cgroup|comm: the histograms of removed cgroups (and of COMMs idle
 * while the map filled), moved out of the BPF map so that their keys do not
 * fill it (a host creates and removes cgroups all day: services, sessions,
 * containers). Oldest first. What is over the bounds is folded into one
 * histogram, so no wait is lost and the memory stays bounded. */
struct retired {
	struct series *v;
	unsigned long long *at_ns;	/* when each was retired */
	size_t n, cap;
	size_t limit;		/* 0: keep all; else the oldest beyond it fold */
	unsigned long long max_age_ns; /* 0: none; else older ones fold */
	struct hist folded;	/* the waits of the series folded */
	unsigned long long nfolded; /* series folded */
};

/* Adds @h under @label (taken over; merged into a series of the same label,
 * which then counts as the newest), retired at @now_ns. -ENOMEM frees
 * @label. */
int retired_add(struct retired *r, char *label, const struct hist *h, unsigned long long now_ns);
/* Folds the series retired max_age_ns or more before @now_ns. */
void retired_expire(struct retired *r, unsigned long long now_ns);
/* Appends a copy of each series to *@v (of *@n series, room for *@cap). */
int retired_append(const struct retired *r, struct series **v, size_t *n, size_t *cap);
void retired_free(struct retired *r);

#endif
