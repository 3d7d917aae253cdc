/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_HTTP_LIST_H
#define RQS_HTTP_LIST_H

/* What the Accept and Accept-Encoding parsers share: RFC 9110's lists
 * (5.6.1, #element), optional whitespace (5.6.3) and qvalues (12.4.2). */

/* [s, end) without its leading, or trailing, spaces and tabs */
const char *http_skip_ows(const char *s, const char *end);
const char *http_trim_ows(const char *s, const char *end);

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), the whole
 * of [s, end), in thousandths; -1 when malformed */
int http_qvalue(const char *s, const char *end);

/* Calls @element for each non-empty element of the list @value, without
 * its surrounding whitespace. */
void http_list_each(const char *value, void (*element)(void *ctx, const char *s, const char *end),
		    void *ctx);

/* Keeps in *@weight the highest of the qvalues it is given */
void http_weigh(int *weight, int q);

#endif
