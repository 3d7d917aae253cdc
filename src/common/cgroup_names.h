/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_CGROUP_NAMES_H
#define RQS_CGROUP_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* cgroup v2 ids (the kernfs node id the BPF programs read, which is also
 * the cgroup directory's file handle) to paths under the mount. */
struct cgroup_names {
	char root[4096];
	struct cgroup_name *v;	/* sorted by id */
	size_t n;
	unsigned long long scanned_ns; /* CLOCK_MONOTONIC of the last scan */
};

int cgroup_names_init(struct cgroup_names *c, const char *root);

/* What cgroup_names_open() could not do */
enum cgroup_names_failure {
	CGROUP_NAMES_NO_MOUNTINFO,	/* read /proc/self/mountinfo */
	CGROUP_NAMES_NO_MOUNT,		/* find a cgroup2 mount in it */
	CGROUP_NAMES_NO_SCAN,		/* read the hierarchy at c->root */
};
/* cgroup_names_init() at @root, or when NULL at the cgroup2 mount of
 * /proc/self/mountinfo: 0, or a negative errno, *@failed saying which step
 * failed (@c left empty, its root set when the scan failed). */
int cgroup_names_open(struct cgroup_names *c, const char *root,
		      enum cgroup_names_failure *failed);
/* The path of @id ("/" for the root cgroup), rescanning the hierarchy when
 * @id is unknown and the last scan is older than a second; NULL if still
 * unknown (a cgroup removed before any scan saw it). A removed cgroup keeps
 * the path it had. */
const char *cgroup_names_get(struct cgroup_names *c, uint64_t id);
/* cgroup_names_get(), as a label_make() value of at most @max bytes on the
 * page, made once per id and path: *@cut is true the first time that label
 * was cut. NULL if unknown, or out of memory. */
const char *cgroup_names_label(struct cgroup_names *c, uint64_t id, size_t max, bool *cut);
/* A rescan now, whatever the age of the last one. */
int cgroup_names_refresh(struct cgroup_names *c);

enum cgroup_state {
	CGROUP_UNSEEN,	/* in no scan: newer than the last, or created and
			 * removed between two */
	CGROUP_ALIVE,	/* in the last scan */
	CGROUP_GONE,	/* in an earlier scan, not in the last */
};
/* What the scans so far say of @id; never rescans. */
enum cgroup_state cgroup_names_state(struct cgroup_names *c, uint64_t id);
/* Drops the paths of every gone cgroup: once nothing needs them, or the
 * paths of all the cgroups a host ever removed would pile up. */
void cgroup_names_forget_gone(struct cgroup_names *c);
void cgroup_names_free(struct cgroup_names *c);

#endif
