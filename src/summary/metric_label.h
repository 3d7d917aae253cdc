/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_METRIC_LABEL_H
#define RQS_METRIC_LABEL_H

#include <stddef.h>

/* A COMM or a cgroup path as a printable, valid UTF-8 label: a control
 * byte or one that is not part of valid UTF-8 becomes \xNN and a backslash
 * \\, so two different names never give the same label. Writes at most
 * @cap bytes including the NUL (4 * len + 1 is always enough); returns the
 * length it needed. */
size_t label_encode(char *dst, size_t cap, const char *src, size_t len);

#endif
