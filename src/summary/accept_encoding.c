// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Accept-Encoding = #( codings [ OWS ";" OWS "q=" qvalue ] )
 * qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 * Codings are case-insensitive; "x-gzip" is gzip (RFC 9110 8.4.1.3). */
#include <string.h>
#include <strings.h>

#include "summary/accept_encoding.h"
#include "summary/http_list.h"

void accept_encoding_init(struct accept_encoding *a)
{
	*a = (struct accept_encoding){ .gzip = -1, .identity = -1, .any = -1 };
}

/* one list element in [s, end), without surrounding OWS */
static void element(void *ctx, const char *s, const char *end)
{
	struct accept_encoding *a = ctx;
	const char *semi = memchr(s, ';', (size_t)(end - s));
	const char *name_end = http_trim_ows(s, semi ? semi : end);
	size_t n = (size_t)(name_end - s);
	int q = 1000;

	if (!n)
		return;
	if (semi) {
		const char *p = http_skip_ows(semi + 1, end);

		/* "q=" qvalue */
		if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
			return;
		q = http_qvalue(p + 2, end);
		if (q < 0)
			return;
	}
	if ((n == 4 && !strncasecmp(s, "gzip", 4)) || (n == 6 && !strncasecmp(s, "x-gzip", 6)))
		http_weigh(&a->gzip, q);
	else if (n == 8 && !strncasecmp(s, "identity", 8))
		http_weigh(&a->identity, q);
	else if (n == 1 && *s == '*')
		http_weigh(&a->any, q);
}

void accept_encoding_add(struct accept_encoding *a, const char *value)
{
	a->present = true;
	http_list_each(value, element, a);
}

bool accept_encoding_gzip(const struct accept_encoding *a)
{
	int gzip = a->gzip >= 0 ? a->gzip : a->any;
	int identity = a->identity >= 0 ? a->identity : a->any;

	return a->present && gzip > 0 && gzip >= identity;
}
