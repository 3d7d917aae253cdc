// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * plant_pending: leave in a running tracer's storage what a missed switch-in
 * leaves there: an enqueue time still pending for a thread that has run since.
 *
 *   plant_pending -p TRACER_PID -t TID [-a AGE_MS]
 *
 * Finds the tracer's "start" map among the maps it holds (task storage or
 * hash) and writes for TID an enqueue time AGE_MS (default 5000) ago whose
 * run count (struct rqs_pending.enq.runs) is one below TID's current one
 * (/proc/TID/schedstat), as if the programs had recorded a wakeup and then
 * missed the switch-in that ended it. TID should be asleep: its next wakeup
 * must find the time stale, count it, and start a new wait, not stretch the
 * old one. Prints "planted tid=T map=task|hash age_ms=A runs=R"; one
 * "plant_pending: ..." line and exit 1 on failure, 2 on bad usage. Needs
 * CAP_BPF and, for task storage, pidfd_open(PIDFD_THREAD) (Linux 6.9).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "../../bpf/runqslower.h"

static const char usage_text[] = "usage: plant_pending -p TRACER_PID -t TID [-a AGE_MS]";

#define TOOL_NAME "plant_pending"
#include "cli.h"
#include "map_of_pid.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* include/uapi/linux/pidfd.h, Linux 6.9 */
#endif

static _Noreturn void die(const char *what, int err)
{
	fprintf(stderr, TOOL_NAME ": %s: %s\n", what, strerror(err));
	exit(1);
}

/* the "start" map among those PID holds, as an fd of ours */
static int find_start_map(int pid, struct bpf_map_info *info)
{
	static const struct map_want start = {
		.name = "start", .value_size = sizeof(struct rqs_pending),
	};
	int fd = map_of_pid(pid, &start, info);

	if (fd < 0) {
		fprintf(stderr, TOOL_NAME ": process %d holds no \"start\" map of the tracer's\n", pid);
		exit(1);
	}
	return fd;
}

/* the third field of /proc/TID/schedstat: sched_info.pcount */
static unsigned long long run_count(int tid)
{
	unsigned long long on_cpu, waited, runs;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", tid);
	f = fopen(path, "r");
	if (!f)
		die(path, errno);
	if (fscanf(f, "%llu %llu %llu", &on_cpu, &waited, &runs) != 3) {
		fprintf(stderr, TOOL_NAME ": %s: not three numbers\n", path);
		exit(1);
	}
	fclose(f);
	return runs;
}

int main(int argc, char **argv)
{
	struct rqs_pending v = { 0 };
	struct bpf_map_info info;
	long long pid = 0, tid = 0, age_ms = 5000;
	struct timespec now;
	int opt, map_fd, key_fd = -1;
	__u32 tid_key;
	void *key;

	while ((opt = getopt(argc, argv, ":p:t:a:")) != -1) {
		switch (opt) {
		case 'p': pid = parse_number(optarg, "TRACER_PID", 1, 1 << 22); break;
		case 't': tid = parse_number(optarg, "TID", 1, 1 << 22); break;
		case 'a': age_ms = parse_number(optarg, "AGE_MS", 1, 3600000); break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	if (optind != argc || !pid || !tid)
		bad_usage(NULL, NULL);

	map_fd = find_start_map((int)pid, &info);
	clock_gettime(CLOCK_MONOTONIC, &now);
	v.enq.ts = (__u64)now.tv_sec * 1000000000ULL + (__u64)now.tv_nsec - (__u64)age_ms * 1000000ULL;
	v.enq.runs = (__u32)(run_count((int)tid) - 1);
	if (info.type == BPF_MAP_TYPE_TASK_STORAGE) {
		key_fd = (int)syscall(SYS_pidfd_open, (pid_t)tid, PIDFD_THREAD);
		if (key_fd < 0)
			die("pidfd_open", errno);
		key = &key_fd;
	} else {
		tid_key = (__u32)tid;
		key = &tid_key;
	}
	if (bpf_map_update_elem(map_fd, key, &v, BPF_ANY))
		die("updating the start map", errno);
	printf("planted tid=%lld map=%s age_ms=%lld runs=%u\n", tid,
	       info.type == BPF_MAP_TYPE_TASK_STORAGE ? "task" : "hash", age_ms, v.enq.runs);
	return 0;
}
