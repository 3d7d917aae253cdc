/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_SUMMARY_H
#define RQS_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "cgroup_names.h"
#include "metrics.h"
#include "tracer.h"

/* -s/--summary: the BPF histograms read, labelled (--by), printed at each
 * -i interval and at exit, and rendered for --metrics. */
struct summary {
	enum rqs_by by;
	unsigned int max_keys;
	int ncpus;
	int cpu_fd, keyed_fd;
	__u32 *gen;		/* bss: the -i generation of maxima */
	__u32 first_gen, last_gen; /* whose maxima a read takes */
	struct rqs_hist *percpu; /* one lookup's values */
	bool have_names;
	struct cgroup_names names;
	/* cumulative at the last interval, with the maximum so far */
	struct series *last;
	size_t nlast;
	struct hist last_overflow;
};

/* 0, or 1 after one line on stderr. */
int summary_init(struct summary *s, const struct tracer *t, enum rqs_by by,
		 unsigned int max_keys);
/* The histograms now, sorted by label, same labels merged (a cgroup path
 * that came back with a new id), with the maxima of generations first_gen
 * to last_gen. */
int summary_read(struct summary *s, struct series **out, size_t *n, struct hist *overflow);
void series_free(struct series *v, size_t n);
/* -i: the waits since the last interval, and a new generation of maxima. */
int summary_print_interval(struct summary *s, FILE *out, unsigned int secs);
/* At exit: every wait since the start. */
int summary_print_total(struct summary *s, FILE *out, double secs);
void summary_free(struct summary *s);

#endif
