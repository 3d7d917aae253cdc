/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_ARGS_H
#define RQS_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#define RQS_NAME "runqslower-ts"
#define RQS_DEFAULT_MIN_US 10000ULL
#define RQS_DEFAULT_HASH_ENTRIES 10240U
#define RQS_DEFAULT_BLAME 3U
#define RQS_MAX_BLAME 32U	/* RQS_BLAME_SLOTS */
#define RQS_MAX_COMM 15		/* bytes of a task name, without the NUL */
#define RQS_MAX_DURATION 31536000ULL	/* -d: a year */

enum storage_mode {
	STORAGE_AUTO,
	STORAGE_TASK,
	STORAGE_HASH,
};

struct options {
	unsigned long long min_us;
	int pid;	/* tgid to trace, 0 for all */
	int tid;	/* thread to trace, 0 for all */
	bool previous;
	bool verbose;
	bool stats;
	enum storage_mode storage;
	unsigned int hash_entries;
	bool waker;		/* -W */
	bool cpu;		/* --cpu */
	bool json;		/* -j */
	unsigned int blame;	/* -B: tasks listed, 0 when off */
	char comm[RQS_MAX_COMM + 1];	/* -c: "" when off */
	const char *cgroup;	/* --cgroup: NULL when off */
	unsigned long long cgroup_id;	/* --cgroup, resolved at start: cgroup.c */
	int cgroup_level;
	unsigned long long duration;	/* -d: seconds, 0 until interrupted */
};

enum parse_result {
	PARSE_RUN,	/* options are valid: trace */
	PARSE_EXIT,	/* --help or --version was printed: exit 0 */
	PARSE_USAGE,	/* one line printed on err: exit 2 */
};

enum parse_result parse_args(int argc, char **argv, struct options *opts,
			     FILE *out, FILE *err);
const char *storage_mode_name(enum storage_mode mode);
void print_usage(FILE *out);

#endif
