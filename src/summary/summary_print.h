/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_SUMMARY_PRINT_H
#define RQS_SUMMARY_PRINT_H

#include <stdio.h>

#include "summary/hist_maps.h"

/* -i: the waits since the last interval, and a new generation of maxima. */
int summary_print_interval(struct summary *s, FILE *out, unsigned int secs);
/* At exit: every wait since the start. */
int summary_print_total(struct summary *s, FILE *out, double secs);
#endif
