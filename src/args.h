/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_ARGS_H
#define RQS_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "summary_opts.h"

#define RQS_NAME "runqslower-ts"
#define RQS_DEFAULT_MIN_US 10000ULL
#define RQS_DEFAULT_HASH_ENTRIES 10240U

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
	struct summary_options sum;
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
/* A decimal number in [min, max]: 0, or -1 with the reason in *why. */
int parse_number(const char *s, unsigned long long min, unsigned long long max,
		 unsigned long long *out, const char **why);
/* The same, with one line "invalid WHAT 'S': why" on err when it is not. */
bool parse_value(FILE *err, const char *what, const char *s, unsigned long long min,
		 unsigned long long max, unsigned long long *out);

#endif
