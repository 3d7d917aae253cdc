// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rbwakes: count the wakeups of a tracer's ring buffer, that one alone.
 *
 *   rbwakes -p TRACER_PID -d MILLISECONDS
 *
 * Finds the BPF ring buffer named "events" among the maps TRACER_PID holds
 * and waits on it with epoll, edge-triggered, for MILLISECONDS. Each wakeup
 * the kernel sends to the ring buffer's readers (bpf_ringbuf_notify(), the
 * irq_work queued by a report submitted with BPF_RB_FORCE_WAKEUP, or by one
 * that found the reader caught up) wakes this waiter too, beside the
 * tracer's own reader, and is counted. It never consumes, so the tracer's
 * own position decides the kernel's adaptive wakeups as without it.
 * Wakeups that come faster than it loops are counted as one: the count is
 * at most the real one. Prints "wakeups=N" (the first, when the buffer
 * already holds data as it starts, included); one "rbwakes: ..." line and
 * exit 1 on failure, 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

static const char usage_text[] = "usage: rbwakes -p TRACER_PID -d MILLISECONDS";

#define TOOL_NAME "rbwakes"
#include "cli.h"
#include "map_of_pid.h"

static _Noreturn void die(const char *what, int err)
{
	fprintf(stderr, TOOL_NAME ": %s: %s\n", what, strerror(err));
	exit(1);
}

/* the "events" ring buffer among the maps PID holds, as an fd of ours */
static int find_events_map(int pid)
{
	static const struct map_want events = { .name = "events", .type = BPF_MAP_TYPE_RINGBUF };
	struct bpf_map_info info;
	int fd = map_of_pid(pid, &events, &info);

	if (fd < 0) {
		fprintf(stderr, TOOL_NAME ": process %d holds no \"events\" ring buffer\n", pid);
		exit(1);
	}
	return fd;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	long long pid = 0, ms = 0, end, left;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	unsigned long long wakeups = 0;
	int opt, map_fd, ep;

	while ((opt = getopt(argc, argv, ":p:d:")) != -1) {
		switch (opt) {
		case 'p':
			pid = parse_number(optarg, "-p", 1, 1LL << 30);
			break;
		case 'd':
			ms = parse_number(optarg, "-d", 1, 3600 * 1000);
			break;
		case ':':
			bad_option("missing the value of option", optopt);
		default:
			bad_option("unknown option", optopt);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument", argv[optind]);
	if (!pid || !ms)
		bad_usage(NULL, NULL);

	map_fd = find_events_map((int)pid);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1", errno);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, map_fd, &ev))
		die("epoll_ctl", errno);
	end = now_ms() + ms;
	while ((left = end - now_ms()) > 0) {
		int n = epoll_wait(ep, &ev, 1, (int)left);

		if (n < 0 && errno != EINTR)
			die("epoll_wait", errno);
		if (n > 0)
			wakeups++;
	}
	printf("wakeups=%llu\n", wakeups);
	return 0;
}
