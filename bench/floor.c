// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's floors, reporting the same "stats: prog:" lines as
 * runqslower-ts --stats, until SIGINT or SIGTERM:
 *   rqs-floor            empty programs on runqslower-ts's tracepoints
 *   rqs-floor --clock    the same, each reading CLOCK_MONOTONIC once
 *                        (floor_clock.bpf.c)
 *   rqs-floor --lookup   the task storage lookups the tracing rules require,
 *                        and nothing else (lookup_floor.bpf.c)
 *   rqs-floor --lookup-clock
 *                        the same, storing a clock read at each enqueue: the
 *                        kernel's own runqslower's work
 *   rqs-floor --lookup-steps N
 *                        the first N (1-3) of the dependent loads such a
 *                        lookup makes, without the helper (lookup_steps.bpf.c) */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"
#include "floor_clock.skel.h"
#include "lookup_floor.skel.h"
#include "lookup_steps.skel.h"
#include "report/stats_report.h"
#include "trace/prog_stats.h"

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

struct floors {
	struct floor_bpf *empty;
	struct floor_clock_bpf *clock;
	struct lookup_floor_bpf *lookup;
	struct lookup_steps_bpf *steps;
};

/* Loads and attaches the floor asked for (@steps > 0: lookup_steps.bpf.c);
 * returns its object, NULL with errno set on failure. */
static struct bpf_object *attach_floor(bool clock, bool lookup, bool lookup_clock, int steps,
				       struct floors *f)
{
	int err;

	if (clock) {
		f->clock = floor_clock_bpf__open_and_load();
		if (!f->clock)
			return NULL;
		err = floor_clock_bpf__attach(f->clock);
		if (err) {
			errno = -err;
			return NULL;
		}
		return f->clock->obj;
	}

	if (steps) {
		f->steps = lookup_steps_bpf__open();
		if (!f->steps)
			return NULL;
		f->steps->rodata->steps = steps;
		err = lookup_steps_bpf__load(f->steps);
		if (!err)
			err = lookup_steps_bpf__attach(f->steps);
		if (err) {
			errno = -err;
			return NULL;
		}
		return f->steps->obj;
	}
	if (lookup || lookup_clock) {
		f->lookup = lookup_floor_bpf__open();
		if (!f->lookup)
			return NULL;
		f->lookup->rodata->with_clock = lookup_clock;
		err = lookup_floor_bpf__load(f->lookup);
		if (!err)
			err = lookup_floor_bpf__attach(f->lookup);
		if (err) {
			errno = -err;
			return NULL;
		}
		return f->lookup->obj;
	}
	f->empty = floor_bpf__open_and_load();
	if (!f->empty)
		return NULL;
	err = floor_bpf__attach(f->empty);
	if (err) {
		errno = -err;
		return NULL;
	}
	return f->empty->obj;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct floors f = { 0 };
	struct bpf_object *obj;
	struct {
		struct prog_run_stats v[8];
		unsigned int n;
	} progs;
	bool clock = false, lookup = false, lookup_clock = false;
	int stats_fd, steps = 0, ret = 1;

	if (argc == 2 && !strcmp(argv[1], "--clock")) {
		clock = true;
	} else if (argc == 2 && !strcmp(argv[1], "--lookup")) {
		lookup = true;
	} else if (argc == 2 && !strcmp(argv[1], "--lookup-clock")) {
		lookup_clock = true;
	} else if (argc == 3 && !strcmp(argv[1], "--lookup-steps") &&
		   strlen(argv[2]) == 1 && argv[2][0] >= '1' && argv[2][0] <= '3') {
		steps = argv[2][0] - '0';
	} else if (argc != 1) {
		fprintf(stderr, "usage: rqs-floor [--clock | --lookup | --lookup-clock | --lookup-steps 1|2|3]\n");
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
	obj = attach_floor(clock, lookup, lookup_clock, steps, &f);
	if (!obj) {
		fprintf(stderr, "rqs-floor: cannot load or attach BPF programs: %s\n", strerror(errno));
		goto out;
	}
	printf("attached\n");
	fflush(stdout);
	while (!exiting)
		pause();
	progs.n = prog_stats_read(obj, progs.v, sizeof(progs.v) / sizeof(progs.v[0]));
	for (unsigned int i = 0; i < progs.n; i++)
		stats_print_prog(stderr, &progs.v[i]);
	if (f.steps)
		fprintf(stderr, "stats: lookup-steps: slow=%llu\n",
			(unsigned long long)f.steps->bss->slow_lookups);
	ret = 0;
out:
	lookup_steps_bpf__destroy(f.steps);
	lookup_floor_bpf__destroy(f.lookup);
	floor_clock_bpf__destroy(f.clock);
	floor_bpf__destroy(f.empty);
	close(stats_fd);
	return ret;
}
