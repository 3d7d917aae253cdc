/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_OUTPUT_H
#define RQS_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "../bpf/runqslower.h"

enum time_format {
	TIME_HMS,	/* HH:MM:SS, local time: the classic tools' column */
	TIME_US,	/* HH:MM:SS.uuuuuu, local time */
	TIME_MONO,	/* seconds.uuuuuu of CLOCK_MONOTONIC (perf -k CLOCK_MONOTONIC) */
};

struct output_format {
	enum time_format time;
	bool previous;	/* PREV COMM, PREV TID */
	bool tgid;	/* TGID after TID */
	bool waker;	/* -W: WAKER COMM, WAKER TID, WAKE */
	bool cpu;	/* --cpu: CPU, FROM, RQ */
	unsigned int blame;	/* -B: COVER, RAN INSTEAD of so many tasks; 0: off */
	bool json;	/* -j: JSON Lines instead of these columns */
};

/* The columns of the kernel's and bcc's runqslower, so scripts keep working;
 * the optional ones come after the column they belong to. */
int print_banner(FILE *out, unsigned long long min_us, const struct output_format *f);
/* @real_minus_mono_ns converts the event's CLOCK_MONOTONIC switch-in time
 * to CLOCK_REALTIME. */
int print_event(FILE *out, const struct rqs_event *e, const struct output_format *f,
		long long real_minus_mono_ns);
/* CLOCK_REALTIME - CLOCK_MONOTONIC now, in ns. */
long long real_minus_mono_ns(void);

#endif
