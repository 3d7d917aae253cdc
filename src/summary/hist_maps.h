/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_HIST_MAPS_H
#define RQS_HIST_MAPS_H

#include <stdbool.h>
#include <stdio.h>

#include "summary/blame_pairs.h"
#include "common/cgroup_names.h"
#include "summary/prometheus.h"
#include "summary/retired_cgroups.h"
#include "cli/plan.h"
#include "trace/tracer.h"

/* -s/--summary: the BPF histograms read, labelled (--by), printed at each
 * -i interval and at exit, and rendered for --metrics. */
struct summary {
	enum output_form form;
	enum rqs_by by;
	bool keyed;		/* --by comm|cgroup */
	unsigned int max_keys;
	struct hist_layout layout;	/* --bucket-range */
	int ncpus;
	int cpu_fd, keyed_fd;
	__u32 *gen;		/* bss: the -i generation of maxima */
	__u32 first_gen, last_gen; /* whose maxima a read takes */
	/* a read at the end of generation last_gen (an interval's end, no
	 * program that read it running any more): its half of each value,
	 * still now, plus the other half as the read at the end of the
	 * generation before left it. Those are each generation's waits up to
	 * last_gen, not one that the next generation added meanwhile. */
	bool closing;
	struct frozen_half *frozen, *frozen_next; /* sorted; being made */
	size_t nfrozen, nfrozen_next, frozen_cap;
	/* one lookup's values: @halves halves a CPU (cfg.hist_halves) */
	struct rqs_hist_gen *percpu;
	unsigned int halves;
	bool have_names;
	struct cgroup_names names;
	/* --by cgroup: removed cgroups, out of the map; --by comm: COMMs idle
	 * while the map is half full */
	struct retired retired;
	struct idle_key *idle;	/* --by comm: each key's count, since when */
	size_t nidle;
	unsigned long long labels_cut; /* label values cut (cgroup ids) */
	unsigned long long retired_scan_ns; /* the last rescan for them */
	unsigned long long retired_check_ns; /* the last look at the map */
	/* cumulative at the last interval, with the maximum so far */
	struct series *last;
	size_t nlast;
	struct hist last_overflow;
	struct hist last_folded;
	unsigned long long last_nfolded;
	/* --blame-by cgroup: the pairs as the last summary_read() read them,
	 * and at the last interval */
	bool blame;
	int blame_fd, blame_overflow_fd;
	__u64 *blame_percpu;	/* one lookup's values: @halves a CPU */
	struct blame_table blame_now, blame_last;
	/* closing reads: each pair's half, as @frozen the histograms' */
	struct frozen_pair *blame_frozen, *blame_frozen_next; /* sorted; being made */
	size_t nblame_frozen, nblame_frozen_next, blame_frozen_cap;
};

/* 0, or 1 after one line on stderr. At most max_keys retired series are
 * kept, and with --metrics each for --retire-after seconds; the rest are
 * folded into retired.folded. */
int summary_init(struct summary *s, const struct tracer *t, const struct summary_plan *o);
/* The histograms now, sorted by label, same labels merged (a cgroup path
 * that came back with a new id), with the maxima of generations first_gen
 * to last_gen; with --blame-by cgroup, s->blame_now too. */
int summary_read(struct summary *s, struct series **out, size_t *n, struct hist *overflow);
void series_free(struct series *v, size_t n);
/* The label of the series that counts the wait of @e (malloc()ed, ""
 * without --by), NULL when out of memory */
char *summary_label_of_event(struct summary *s, const struct rqs_event *e);
/* qsort() and bsearch() order of series: by label, CPUs in numeric order */
int series_compare(const void *x, const void *y);
struct series *series_find(struct series *v, size_t n, const char *label);
/* --by cgroup: takes removed cgroups out of the map when a rescan is due
 * (every 10 s, or every second while the map is half full), so that the
 * map keeps room without a reader; --by comm: while the map is half full,
 * takes out the keys without a wait for 10 s; folds retired series past
 * their time. Anything else: nothing. */
int summary_retire_removed(struct summary *s);
void summary_free(struct summary *s);

#endif
