// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's floor: empty programs on runqslower-ts's tracepoints,
 * reporting the same "stats: prog:" lines as runqslower-ts --stats. Runs
 * until SIGINT or SIGTERM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"
#include "prog_stats.h"

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct floor_bpf *skel;
	int stats_fd, err;

	libbpf_set_print(quiet);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "rqs-floor: cannot enable BPF statistics: %s\n", strerror(errno));
		return 1;
	}
	skel = floor_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "rqs-floor: cannot load BPF programs: %s\n", strerror(errno));
		return 1;
	}
	err = floor_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "rqs-floor: cannot attach BPF programs: %s\n", strerror(-err));
		floor_bpf__destroy(skel);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	while (!exiting)
		pause();
	print_prog_stats(stderr, skel->obj);
	floor_bpf__destroy(skel);
	close(stats_fd);
	return 0;
}
