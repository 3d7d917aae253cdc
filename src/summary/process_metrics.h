/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The exporter's own process_* metrics, as Prometheus client libraries
 * export them, read from procfs and getrlimit(). */
#ifndef RQS_PROCESS_METRICS_H
#define RQS_PROCESS_METRICS_H

#include <stdint.h>

struct process_metrics {
	uint64_t hz;		/* clock ticks a second (sysconf(_SC_CLK_TCK)) */
	uint64_t cpu_ticks;	/* utime + stime */
	uint64_t start_ticks;	/* boot time * hz + the process's starttime */
	uint64_t rss_bytes;
	uint64_t vsize_bytes;
	uint64_t open_fds;
	uint64_t max_fds;	/* the soft RLIMIT_NOFILE; UINT64_MAX: unlimited */
};

/* @proc: a procfs mount; @self: the process's directory in it ("self").
 * Reads @proc/@self/stat, @proc/@self/fd and @proc/stat's btime: 0, or a
 * negative errno (-EINVAL for a file it cannot parse). */
int process_metrics_read(const char *proc, const char *self, struct process_metrics *m);

#endif
