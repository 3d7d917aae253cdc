/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_OUTPUT_FORMAT_H
#define RQS_OUTPUT_FORMAT_H

#include <stdbool.h>

enum time_format {
	TIME_HMS,	/* HH:MM:SS, local time: the classic tools' column */
	TIME_US,	/* HH:MM:SS.uuuuuu, local time */
	TIME_MONO,	/* seconds.uuuuuu of CLOCK_MONOTONIC (perf -k CLOCK_MONOTONIC) */
};

/* What each wait over the threshold is printed with */
struct output_format {
	enum time_format time;
	bool previous;	/* -P: PREV COMM, PREV TID */
	bool tgid;	/* --tgid: TGID after TID */
	bool waker;	/* -W: WAKER COMM, WAKER TID, WAKE */
	bool cpu;	/* --cpu: CPU, FROM, RQ */
	unsigned int blame;	/* -B: COVER, RAN INSTEAD of so many tasks; 0: off */
	bool json;	/* -j: JSON Lines instead of these columns */
};

#endif
