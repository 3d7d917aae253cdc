// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/printable_argv.h"

/* A control byte in an argument would split the one-line error that quotes
 * it (found by tests/fuzz/fuzz_args): such an argument is parsed, and
 * quoted, in its printable form, control bytes as \xNN; no valid argument
 * has any. The copies live until the next call. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

char **printable_argv(int argc, char **argv)
{
	/* getopt_long permutes the copy: the quoted strings are kept apart */
	static char **copy, **quoted;
	static int nquoted;
	int i, n;

	for (i = 0; i < nquoted; i++)
		free(quoted[i]);
	free(quoted);
	free(copy);
	copy = quoted = NULL;
	nquoted = 0;
	for (i = 0; i < argc && !has_control(argv[i]); i++)
		;
	if (i == argc)
		return argv;
	copy = calloc(argc + 1, sizeof(*copy));
	quoted = calloc(argc, sizeof(*quoted));
	if (!copy || !quoted)
		return argv;
	for (i = 0; i < argc; i++) {
		const unsigned char *a = (const unsigned char *)argv[i];
		char *q;

		copy[i] = argv[i];
		if (!has_control(argv[i]))
			continue;
		q = malloc(strlen(argv[i]) * 4 + 1);
		if (!q)
			continue;
		copy[i] = quoted[nquoted++] = q;
		for (n = 0; a[n]; n++) {
			if (a[n] < 0x20 || a[n] == 0x7f)
				q += sprintf(q, "\\x%02x", a[n]);
			else
				*q++ = a[n];
		}
		*q = '\0';
	}
	return copy;
}
