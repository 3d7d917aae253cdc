/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the generators (latgen, qwake) share: the clock they measure waits
 * on, and the futex handshakes between their threads. Define TOOL_NAME
 * before including. */
#ifndef RQS_TOOLS_SYNC_H
#define RQS_TOOLS_SYNC_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static _Noreturn void fail(const char *what, int err)
{
	fprintf(stderr, TOOL_NAME ": %s: %s\n", what, strerror(err));
	exit(1);
}

/* CLOCK_MONOTONIC, the clock the tool reports with --time=mono */
static long long clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* returns on a wake, on EAGAIN (word changed) or EINTR: callers re-check;
 * 0 only after a wake */
static long futex_sleep(_Atomic uint32_t *word, uint32_t expected)
{
	return syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *word)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* Blocks until *word differs from 'old'; returns the new value. */
static uint32_t await_change(_Atomic uint32_t *word, uint32_t old)
{
	uint32_t now;

	while ((now = atomic_load_explicit(word, memory_order_acquire)) == old)
		futex_sleep(word, old);
	return now;
}

static void publish(_Atomic uint32_t *word, uint32_t value)
{
	atomic_store_explicit(word, value, memory_order_release);
	futex_wake_all(word);
}

/* this thread's involuntary context switches so far; -1 if unknown */
static long involuntary_switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -1;
	return ru.ru_nivcsw;
}

#endif
