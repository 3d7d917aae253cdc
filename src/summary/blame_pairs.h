/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* --blame-by cgroup: the BPF map of (waiting cgroup, culprit) times
 * (bpf/cgroup_blame.bpf.h), read and labelled as --by cgroup labels. */
#ifndef RQS_BLAME_PAIRS_H
#define RQS_BLAME_PAIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLAME_SELF "self"
#define BLAME_THROTTLED "throttled"
#define BLAME_UNCOVERED "uncovered"
#define BLAME_IDLE "(idle)"	/* never charged: see read_blame() */

struct blame_pair {
	char *cgroup;	/* the waiting tasks' cgroup, as --by cgroup labels it */
	char *culprit;	/* another cgroup's label, or BLAME_SELF, BLAME_THROTTLED,
			 * BLAME_UNCOVERED (a cgroup's label starts with '/') */
	uint64_t ns;
};

struct blame_table {
	struct blame_pair *v;	/* sorted by cgroup, then culprit; one of each */
	size_t n;
	uint64_t overflow_ns;	/* pairs that found the map of --max-keys full */
};

/* Sorts @t and merges its pairs of the same labels (a cgroup path that
 * came back with a new id). 0 or -ENOMEM. */
int blame_table_merge(struct blame_table *t);
/* @t minus @before, pair by pair (the waits of an interval); a pair only
 * in @before is gone from the map: not in @t. */
void blame_table_sub(struct blame_table *t, const struct blame_table *before);
/* A copy of @t, for blame_table_sub() later. 0 or -ENOMEM. */
int blame_table_copy(struct blame_table *to, const struct blame_table *t);
/* @cgroup's pairs in @t: the index of the first, and how many */
size_t blame_table_find(const struct blame_table *t, const char *cgroup, size_t *first);
/* The time of all of @cgroup's pairs */
uint64_t blame_table_total(const struct blame_table *t, const char *cgroup);
void blame_table_free(struct blame_table *t);

#endif
