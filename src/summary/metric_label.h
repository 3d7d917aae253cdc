/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_METRIC_LABEL_H
#define RQS_METRIC_LABEL_H

#include <stddef.h>

/* A COMM or a cgroup path as a printable, valid UTF-8 label, in the one
 * form of common/untrusted_text.h (the text outputs print the same), so two
 * different names never give the same label. Writes at most @cap bytes
 * including the NUL (4 * len + 1 is always enough); returns the length it
 * needed. */
size_t label_encode(char *dst, size_t cap, const char *src, size_t len);

/* The most bytes a label value takes on the /metrics page, quotes aside
 * (the exposition format writes \ and " with a backslash more). */
#define RQS_LABEL_MAX 256

/* label_encode() of @src, malloc()ed. When the value would take more than
 * @max (>= 64) bytes on the page, it keeps the end of the name, whole
 * characters and escapes only, after "\u2026" (an ellipsis), 16 hex digits
 * of a 64-bit FNV-1a hash of the whole name, and ':': two names cut alike
 * stay apart unless their hashes collide, and then share one series (their
 * waits add up). No uncut value starts with the ellipsis. *@cut says
 * whether it was cut. NULL when out of memory. */
char *label_make(const char *src, size_t len, size_t max, int *cut);

#endif
