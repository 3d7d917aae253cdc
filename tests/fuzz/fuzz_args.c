// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The command line: the input is the arguments, separated by NUL bytes.
 * Beyond memory errors (ASan, UBSan), it checks what parse_args promises:
 * a usage error is exactly one "runqslower-ts: ..." line on err and nothing
 * on out; a run has a consistent configuration and says nothing but
 * one-line warnings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse_args.h"

#define MAX_ARGS 64

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *buf, *errtext = NULL, *outtext = NULL;
	size_t errlen = 0, outlen = 0, i;
	struct options opts;
	enum parse_result r;
	FILE *out, *err;
	int argc = 1;

	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "runqslower-ts";
	for (i = 0; i <= size && argc <= MAX_ARGS; ) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;

	out = open_memstream(&outtext, &outlen);
	err = open_memstream(&errtext, &errlen);
	if (!out || !err)
		abort();
	r = parse_args(argc, argv, &opts, out, err);
	fclose(out);
	fclose(err);

	switch (r) {
	case PARSE_USAGE:
		check(outlen == 0);
		check(errlen > 16 && !strncmp(errtext, "runqslower-ts: ", 15));
		check(errtext[errlen - 1] == '\n' && memchr(errtext, '\n', errlen) == errtext + errlen - 1);
		check(errtext[errlen - 2] != '.');
		break;
	case PARSE_RUN:
		/* nothing, or warnings, one line each */
		check(outlen == 0);
		for (i = 0; i < errlen; i = strchr(errtext + i, '\n') - errtext + 1)
			check(!strncmp(errtext + i, "runqslower-ts: warning: ", 24) &&
			      strchr(errtext + i, '\n'));
		check(!(opts.npids && opts.tid));
		check(opts.npids >= 0 && opts.npids <= RQS_MAX_TGIDS && opts.tid >= 0);
		for (i = 0; i < (size_t)opts.npids; i++)
			check(opts.pids[i] > 0);
		check(opts.hash_entries >= 1);
		check(opts.min_us <= UINT64_MAX / 1000 - 1);
		check(opts.storage == STORAGE_AUTO || opts.storage == STORAGE_TASK ||
		      opts.storage == STORAGE_HASH);
		break;
	case PARSE_EXIT:
		check(errlen == 0 && outlen > 0);
		break;
	default:
		abort();
	}
	free(outtext);
	free(errtext);
	free(buf);
	return 0;
}
