/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PARSE_NUMBER_H
#define RQS_PARSE_NUMBER_H

#include <stdbool.h>
#include <stdio.h>

/* Leading decimal digits: 0 with *rest past them (*v is ULLONG_MAX when
 * they overflow), or -1 with *why. */
int parse_digits(const char *s, unsigned long long *v, const char **rest,
		 const char **why);
/* A decimal number in [min, max]: 0, or -1 with the reason in *why. */
int parse_number(const char *s, unsigned long long min, unsigned long long max,
		 unsigned long long *out, const char **why);
/* A time: a whole number of microseconds, or of us, ms or s (as in 10ms),
 * at most @max_us, checked before multiplying, so nothing wraps: 0, or -1
 * with *why "negative", "not a number" or "too large". */
int parse_us(const char *s, unsigned long long max_us, unsigned long long *out,
	     const char **why);
/* parse_number, with one line "invalid WHAT 'S': why" on err when it fails. */
bool parse_value(FILE *err, const char *what, const char *s, unsigned long long min,
		 unsigned long long max, unsigned long long *out);

#endif
