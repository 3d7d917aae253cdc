/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_RUN_H
#define RQS_RUN_H

#include <signal.h>

#include "cli/plan.h"

/* The whole run of @plan: load and attach, print each wait over the
 * threshold as it comes, the summary and metrics as they are due, losses
 * every second; at the end (-d, *@exiting, the targets or the reader gone)
 * drain the ring buffer and print the totals. The exit status: 0, 1 for a
 * runtime error, 2 for a --metrics address that cannot be bound. */
int run_plan(const struct plan *plan, volatile sig_atomic_t *exiting);

#endif
