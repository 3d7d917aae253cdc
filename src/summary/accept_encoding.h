/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_ACCEPT_ENCODING_H
#define RQS_ACCEPT_ENCODING_H

#include <stdbool.h>

/* What a request's Accept-Encoding field lines (RFC 9110 12.5.3) say of
 * gzip and identity: qvalues in thousandths, -1 where not listed. */
struct accept_encoding {
	bool present;		/* an Accept-Encoding line was seen */
	int gzip;		/* "gzip" or "x-gzip" */
	int identity;
	int any;		/* "*" */
};

void accept_encoding_init(struct accept_encoding *a);
/* Adds one field line's value; several lines combine as one list. An
 * element with a malformed weight is ignored. */
void accept_encoding_add(struct accept_encoding *a, const char *value);
/* Whether to send gzip: the client accepts it (listed with q > 0, or not
 * listed and "*" with q > 0) and does not weigh identity (listed itself,
 * else by "*") higher. Without the field, never. */
bool accept_encoding_gzip(const struct accept_encoding *a);

#endif
