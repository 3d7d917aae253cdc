/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The command line as parsed, and resolved against the system (-p, -t and
 * --cgroup, by cli/resolve_*.c). Only the plan (cli/plan.c) reads it. */
#ifndef RQS_OPTIONS_H
#define RQS_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"
#include "cli/parse_summary.h"
#include "common/storage_mode.h"
#include "common/version.h"
#include "cli/output_format.h"

#define RQS_DEFAULT_MIN_US 10000ULL
#define RQS_DEFAULT_HASH_ENTRIES 10240U
#define RQS_DEFAULT_BLAME 3U
#define RQS_MAX_BLAME 32U	/* RQS_BLAME_SLOTS */
#define RQS_MAX_COMM 15		/* bytes of a task name, without the NUL */
#define RQS_MAX_DURATION 31536000ULL	/* -d: a year */
/* One hour: waits longer than that are not scheduling latency; the limit
 * also keeps (MIN_US + 1) * 1000 far from the BPF side's signed compare. */
#define RQS_MAX_MIN_US 3600000000ULL

struct options {
	unsigned long long min_us;
	int pids[RQS_MAX_TGIDS]; /* processes (tgids) to trace */
	int npids;		 /* 0: every process */
	int tid;		 /* thread to trace, 0 for all */
	bool verbose;
	bool stats;
	bool keep_capabilities;
	enum storage_mode storage;
	unsigned int hash_entries;
	bool hash_entries_set;
	char comm[RQS_MAX_COMM + 1];	/* -c: "" when off */
	const char *cgroup;	/* --cgroup: NULL when off */
	unsigned long long cgroup_id;	/* --cgroup, resolved at start */
	int cgroup_level;
	/* --cgroup-root: where the hierarchy's root is mounted; NULL: the
	 * first cgroup2 mount */
	const char *cgroup_root;
	unsigned long long duration;	/* -d: seconds, 0 until interrupted */
	struct output_format format;	/* -P, -T, --time, --tgid, -W, --cpu, -B, -j */
	/* MIN_US came right after a -p PID on the command line: "-p 1 2"
	 * (an unquoted $(pidof x)) means threshold 2, which is said at start */
	bool min_us_after_pid;
	struct summary_args sum;
};

#endif
