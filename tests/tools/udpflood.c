// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpflood: softirqs on every CPU, for as long as asked. One thread per CPU,
 * pinned to it, sends UDP datagrams to its own socket on 127.0.0.1 and
 * reads them back. A loopback send queues the packet to the CPU's backlog
 * and raises NET_RX (netif_rx()); the softirq runs when the sender leaves
 * its bottom-half-disabled section, on that CPU. The sender does nothing
 * else, so the softirqs come back to back. Only the CPUs it may run on.
 *
 *   udpflood -t SECONDS
 *
 * stdout, one line at the end: "udpflood threads=N packets=P".
 * Exit status: 0; 1 on a system error (one "udpflood: what: strerror"
 * line); 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] = "usage: udpflood -t SECONDS";

#define TOOL_NAME "udpflood"
#include "cli.h"

#define MAX_THREADS 256

static atomic_bool stop;
static atomic_ullong packets;

static _Noreturn void die(const char *what, int err)
{
	fprintf(stderr, TOOL_NAME ": %s: %s\n", what, strerror(err));
	exit(1);
}

static void *flood(void *arg)
{
	long cpu = (long)arg;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	unsigned long long n = 0;
	char buf[64] = { 0 };
	cpu_set_t set;
	int fd;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", errno);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die("socket", errno);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || getsockname(fd, (struct sockaddr *)&a, &len))
		die("bind", errno);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a)) == sizeof(buf))
			n++;
		else if (errno != EAGAIN && errno != ENOBUFS)
			die("sendto", errno);
		while (recv(fd, buf, sizeof(buf), 0) > 0)
			;
	}
	close(fd);
	atomic_fetch_add(&packets, n);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tids[MAX_THREADS];
	long seconds = -1, ncpu = 0, i, cpu;
	cpu_set_t allowed;
	struct timespec t;
	int opt, err;

	while ((opt = getopt(argc, argv, ":t:")) != -1) {
		switch (opt) {
		case 't': seconds = parse_number(optarg, "SECONDS", 1, 3600); break;
		case ':': bad_option("missing the value of option", optopt);
		case '?': bad_option("unknown option", optopt);
		default: bad_usage(NULL, NULL);
		}
	}
	if (seconds < 0 || optind != argc)
		bad_usage(NULL, NULL);
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		die("sched_getaffinity", errno);
	for (cpu = 0; cpu < CPU_SETSIZE && ncpu < MAX_THREADS; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		err = pthread_create(&tids[ncpu], NULL, flood, (void *)cpu);
		if (err)
			die("pthread_create", err);
		ncpu++;
	}
	t.tv_sec = seconds;
	t.tv_nsec = 0;
	while (nanosleep(&t, &t) && errno == EINTR)
		;
	atomic_store(&stop, true);
	for (i = 0; i < ncpu; i++)
		pthread_join(tids[i], NULL);
	printf("udpflood threads=%ld packets=%llu\n", ncpu, (unsigned long long)packets);
	return 0;
}
