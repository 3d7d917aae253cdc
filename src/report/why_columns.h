/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Why a task waited: the columns and JSON fields of -W (who made it
 * runnable), --cpu (where it waited) and -B (what ran instead). */
#ifndef RQS_WHY_COLUMNS_H
#define RQS_WHY_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"
#include "common/cgroup_names.h"
#include "common/json_writer.h"
#include "cli/output_format.h"

struct blame_entry {
	unsigned int tid;
	int cpu;		/* the CPU it held the waiter on */
	char comm[RQS_COMM_LEN + 1];
	bool exited;		/* no COMM: it exited before the report */
	unsigned long long cgroup;	/* its cgroup v2 id; 0: unknown */
	unsigned long long ns;
};

/* -B, in text: the COMM of a task that exited before its name was read */
#define RQS_BLAME_EXITED_NAME "(exited)"

/* Whether -W, --cpu or -B columns follow the classic ones. */
bool why_columns_follow(const struct output_format *f);
const char *wake_how_name(unsigned int how);
/* How much of a wait the -B entries account for */
struct blame_cover {
	unsigned int pct;	/* the entries' total over the wait (0-100), all
				 * of them counted, not only the first @max */
	unsigned long long unseen_ns;	/* runs a switch not seen cut short:
					 * who held the CPU then is not known */
};

/* -B: the event's slots summed by TID and CPU, largest first, at most @max
 * of them, and what they cover. Neither the waiter's own run nor an idle
 * task's (TID 0: no task held the waiter there) is an entry or covered
 * time; a run marked RQS_BLAME_UNSEEN is neither, but unseen time. */
unsigned int blame_summary(const struct rqs_event *e, struct blame_entry *out,
			   unsigned int max, struct blame_cover *cover);
/* Each column after a space; the last one not padded. -B names each
 * entry's cgroup by @cgroups (NULL: by its id). */
void why_header(FILE *out, const struct output_format *f);
void why_columns(FILE *out, const struct rqs_event *e, const struct output_format *f,
		 struct cgroup_names *cgroups);
void why_json(struct json_obj *j, const struct rqs_event *e, const struct output_format *f,
	      struct cgroup_names *cgroups);

#endif
