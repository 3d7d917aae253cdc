/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The frontend's clock for intervals and deadlines: CLOCK_MONOTONIC, the
 * clock the programs stamp events with. */
#ifndef RQS_CLOCK_H
#define RQS_CLOCK_H

#include <time.h>

static inline unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#endif
