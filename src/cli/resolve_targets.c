// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Which tasks -p and -t name: checked in procfs before loading anything. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/resolve_targets.h"
#include "common/procfs.h"

static void print_pids(FILE *err, const struct options *opts)
{
	for (int i = 0; i < opts->npids; i++)
		fprintf(err, "%s%d", i ? "," : "", opts->pids[i]);
}

int targets_resolve(struct options *opts, const char *proc, FILE *err)
{
	int tgid, n = 0;

	for (int i = 0; i < opts->npids; i++) {
		int pid = opts->pids[i];
		bool dup = false;

		tgid = proc_tgid(proc, pid);
		if (tgid < 0) {
			fprintf(err, RQS_NAME ": process %d: %s\n", pid,
				tgid == -ESRCH ? "no such process" : strerror(-tgid));
			return 1;
		}
		if (tgid != pid)
			fprintf(err, RQS_NAME ": notice: %d is a thread of process %d: tracing process %d (-t %d traces the thread alone)\n",
				pid, tgid, tgid, pid);
		/* two threads of one process, or a thread and its process */
		for (int j = 0; j < n; j++)
			dup |= opts->pids[j] == tgid;
		if (!dup)
			opts->pids[n++] = tgid;
	}
	opts->npids = n;

	if (opts->tid) {
		tgid = proc_tgid(proc, opts->tid);
		if (tgid < 0) {
			fprintf(err, RQS_NAME ": thread %d: %s\n", opts->tid,
				tgid == -ESRCH ? "no such thread" : strerror(-tgid));
			return 1;
		}
	}

	for (int i = 0; i < opts->npids; i++)
		if ((unsigned long long)opts->pids[i] == opts->min_us)
			return 0; /* "-p 5 5": traced anyway */
	if (opts->min_us_after_pid && opts->min_us <= INT32_MAX &&
	    proc_tgid(proc, (int)opts->min_us) == (int)opts->min_us) {
		fprintf(err, RQS_NAME ": notice: tracing process ");
		print_pids(err, opts);
		fprintf(err, " with MIN_US %llu us; to trace process %llu as well, give -p ",
			opts->min_us, opts->min_us);
		print_pids(err, opts);
		fprintf(err, ",%llu\n", opts->min_us);
	}
	return 0;
}
