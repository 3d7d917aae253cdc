// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Accept-Encoding = #( codings [ OWS ";" OWS "q=" qvalue ] )
 * qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 * Codings are case-insensitive; "x-gzip" is gzip (RFC 9110 8.4.1.3). */
#include <string.h>
#include <strings.h>

#include "summary/accept_encoding.h"

#define OWS " \t"

void accept_encoding_init(struct accept_encoding *a)
{
	*a = (struct accept_encoding){ .gzip = -1, .identity = -1, .any = -1 };
}

/* "q=" qvalue in [s, end): thousandths, or -1 when malformed */
static int qvalue(const char *s, const char *end)
{
	int q, digits = 0;

	if (end - s < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
		return -1;
	s += 2;
	if (*s != '0' && *s != '1')
		return -1;
	q = (*s++ - '0') * 1000;
	if (s < end && *s == '.') {
		for (s++; s < end && digits < 3 && *s >= '0' && *s <= '9'; s++, digits++)
			q += (*s - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
	}
	if (s != end || q > 1000)
		return -1;
	return q;
}

static void set_max(int *slot, int q)
{
	if (q > *slot)
		*slot = q;
}

/* one list element in [s, end), without surrounding OWS */
static void element(struct accept_encoding *a, const char *s, const char *end)
{
	const char *semi = memchr(s, ';', (size_t)(end - s));
	const char *name_end = semi ? semi : end;
	size_t n;
	int q = 1000;

	while (name_end > s && strchr(OWS, name_end[-1]))
		name_end--;
	n = (size_t)(name_end - s);
	if (!n)
		return;
	if (semi) {
		const char *p = semi + 1;

		while (p < end && strchr(OWS, *p))
			p++;
		q = qvalue(p, end);
		if (q < 0)
			return;
	}
	if ((n == 4 && !strncasecmp(s, "gzip", 4)) || (n == 6 && !strncasecmp(s, "x-gzip", 6)))
		set_max(&a->gzip, q);
	else if (n == 8 && !strncasecmp(s, "identity", 8))
		set_max(&a->identity, q);
	else if (n == 1 && *s == '*')
		set_max(&a->any, q);
}

void accept_encoding_add(struct accept_encoding *a, const char *value)
{
	const char *s = value, *end;

	a->present = true;
	while (*s) {
		s += strspn(s, OWS ",");
		end = s + strcspn(s, ",");
		while (end > s && strchr(OWS, end[-1]))
			end--;
		if (end > s)
			element(a, s, end);
		s = end;
		s += strcspn(s, ",");
	}
}

bool accept_encoding_gzip(const struct accept_encoding *a)
{
	int gzip = a->gzip >= 0 ? a->gzip : a->any;
	int identity = a->identity >= 0 ? a->identity : a->any;

	return a->present && gzip > 0 && gzip >= identity;
}
