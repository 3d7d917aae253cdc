/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_ARGS_H
#define RQS_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "output.h"
#include "summary_opts.h"

#define RQS_NAME "runqslower-ts"
#define RQS_DEFAULT_MIN_US 10000ULL
#define RQS_DEFAULT_HASH_ENTRIES 10240U
#define RQS_DEFAULT_BLAME 3U
#define RQS_MAX_BLAME 32U	/* RQS_BLAME_SLOTS */
/* -W, --cpu, -B and -j are in struct output_format (output.h) */
#define RQS_MAX_COMM 15		/* bytes of a task name, without the NUL */
#define RQS_MAX_DURATION 31536000ULL	/* -d: a year */
/* One hour: waits longer than that are not scheduling latency; the limit
 * also keeps (MIN_US + 1) * 1000 far from the BPF side's signed compare. */
#define RQS_MAX_MIN_US 3600000000ULL

enum storage_mode {
	STORAGE_AUTO,
	STORAGE_TASK,
	STORAGE_HASH,
};

struct options {
	unsigned long long min_us;
	int pids[RQS_MAX_TGIDS]; /* processes (tgids) to trace */
	int npids;		 /* 0: every process */
	int tid;		 /* thread to trace, 0 for all */
	bool previous;
	bool verbose;
	bool stats;
	enum storage_mode storage;
	unsigned int hash_entries;
	char comm[RQS_MAX_COMM + 1];	/* -c: "" when off */
	const char *cgroup;	/* --cgroup: NULL when off */
	unsigned long long cgroup_id;	/* --cgroup, resolved at start: cgroup.c */
	int cgroup_level;
	unsigned long long duration;	/* -d: seconds, 0 until interrupted */
	bool hash_entries_set;
	struct output_format format;
	/* MIN_US came right after a -p PID on the command line: "-p 1 2"
	 * (an unquoted $(pidof x)) means threshold 2, which is said at start */
	bool min_us_after_pid;
	struct summary_options sum;
};

enum parse_result {
	PARSE_RUN,	/* options are valid: trace */
	PARSE_EXIT,	/* --help or --version was printed: exit 0 */
	PARSE_USAGE,	/* one line printed on err: exit 2 */
};

enum parse_result parse_args(int argc, char **argv, struct options *opts,
			     FILE *out, FILE *err);
/* Options that have no effect with the storage mode chosen: one warning
 * line each on err. */
void warn_unused_options(const struct options *opts, enum storage_mode mode,
			 FILE *err);
const char *storage_mode_name(enum storage_mode mode);
void print_usage(FILE *out);
/* A decimal number in [min, max]: 0, or -1 with the reason in *why. */
int parse_number(const char *s, unsigned long long min, unsigned long long max,
		 unsigned long long *out, const char **why);
/* The same, with one line "invalid WHAT 'S': why" on err when it is not. */
bool parse_value(FILE *err, const char *what, const char *s, unsigned long long min,
		 unsigned long long max, unsigned long long *out);

#endif
