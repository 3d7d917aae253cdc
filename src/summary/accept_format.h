/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_ACCEPT_FORMAT_H
#define RQS_ACCEPT_FORMAT_H

#include <stdbool.h>

/* What a request's Accept field lines (RFC 9110 12.5.1) weigh the two
 * formats of /metrics at: qvalues in thousandths, -1 where nothing in
 * the list matches. A media range matches by its most specific form only
 * (application/openmetrics-text, then the application type's wildcard,
 * then the full wildcard), and a version parameter must be the one served
 * (1.0.0; text/plain's 0.0.4). */
struct accept_format {
	int openmetrics, openmetrics_any, text, text_any, any;
};

void accept_format_init(struct accept_format *a);
/* Adds one field line's value; several lines combine as one list. An
 * element with a malformed weight is ignored. */
void accept_format_add(struct accept_format *a, const char *value);
/* Whether to serve OpenMetrics: weighed above 0 and above the text
 * format. A tie, no Accept line, or one naming neither: the text format. */
bool accept_format_openmetrics(const struct accept_format *a);

#endif
