/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Command-line helpers shared by the test tools. Define TOOL_NAME and
 * `static const char usage_text[]` before including. Bad usage is one line
 * on stderr and exit status 2. */
#ifndef RQS_TOOLS_CLI_H
#define RQS_TOOLS_CLI_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static _Noreturn void bad_usage(const char *why, const char *arg)
{
	if (why)
		fprintf(stderr, TOOL_NAME ": %s '%s'; %s\n", why, arg, usage_text);
	else
		fprintf(stderr, "%s\n", usage_text);
	exit(2);
}

static _Noreturn void bad_option(const char *why, int opt)
{
	char name[3] = { '-', (char)opt, '\0' };

	bad_usage(why, name);
}

static long long parse_number(const char *arg, const char *name, long long lo, long long hi)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi) {
		char why[96];

		snprintf(why, sizeof(why), "%s must be an integer in %lld..%lld, got", name, lo, hi);
		bad_usage(why, arg);
	}
	return v;
}

#endif
