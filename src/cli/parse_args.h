/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PARSE_ARGS_H
#define RQS_PARSE_ARGS_H

#include <stdio.h>

#include "cli/options.h"

enum parse_result {
	PARSE_RUN,	/* options are valid: trace */
	PARSE_EXIT,	/* --help or --version was printed: exit 0 */
	PARSE_USAGE,	/* one line printed on err: exit 2 */
};

/* Every bad input is one line on @err and PARSE_USAGE. */
enum parse_result parse_args(int argc, char **argv, struct options *opts,
			     FILE *out, FILE *err);
/* Options that have no effect with the storage mode chosen: one warning
 * line each on err. */
void warn_unused_options(const struct options *opts, enum storage_mode mode,
			 FILE *err);

#endif
