// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's floors, reporting the same "stats: prog:" lines as
 * runqslower-ts --stats, until SIGINT or SIGTERM:
 *   rqs-floor            empty programs on runqslower-ts's tracepoints
 *   rqs-floor --lookup   the task storage lookups the tracing rules require,
 *                        and nothing else (lookup_floor.bpf.c) */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"
#include "lookup_floor.skel.h"
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

/* Loads and attaches one of the two skeletons; returns its object. */
static struct bpf_object *attach_floor(bool lookup, struct floor_bpf **empty,
				       struct lookup_floor_bpf **one_lookup)
{
	int err;

	if (lookup) {
		*one_lookup = lookup_floor_bpf__open_and_load();
		if (!*one_lookup)
			return NULL;
		err = lookup_floor_bpf__attach(*one_lookup);
		if (err) {
			errno = -err;
			return NULL;
		}
		return (*one_lookup)->obj;
	}
	*empty = floor_bpf__open_and_load();
	if (!*empty)
		return NULL;
	err = floor_bpf__attach(*empty);
	if (err) {
		errno = -err;
		return NULL;
	}
	return (*empty)->obj;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct lookup_floor_bpf *one_lookup = NULL;
	struct floor_bpf *empty = NULL;
	struct bpf_object *obj;
	bool lookup = false;
	int stats_fd, ret = 1;

	if (argc == 2 && !strcmp(argv[1], "--lookup")) {
		lookup = true;
	} else if (argc != 1) {
		fprintf(stderr, "usage: rqs-floor [--lookup]\n");
		return 2;
	}
	libbpf_set_print(quiet);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "rqs-floor: cannot enable BPF statistics: %s\n", strerror(errno));
		return 1;
	}
	obj = attach_floor(lookup, &empty, &one_lookup);
	if (!obj) {
		fprintf(stderr, "rqs-floor: cannot load or attach BPF programs: %s\n", strerror(errno));
		goto out;
	}
	printf("attached\n");
	fflush(stdout);
	while (!exiting)
		pause();
	print_prog_stats(stderr, obj);
	ret = 0;
out:
	lookup_floor_bpf__destroy(one_lookup);
	floor_bpf__destroy(empty);
	close(stats_fd);
	return ret;
}
