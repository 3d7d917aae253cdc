// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "summary/http_list.h"

#define OWS " \t"

const char *http_skip_ows(const char *s, const char *end)
{
	while (s < end && strchr(OWS, *s))
		s++;
	return s;
}

const char *http_trim_ows(const char *s, const char *end)
{
	while (end > s && strchr(OWS, end[-1]))
		end--;
	return end;
}

int http_qvalue(const char *s, const char *end)
{
	int q, digits = 0;

	if (s == end || (*s != '0' && *s != '1'))
		return -1;
	q = (*s++ - '0') * 1000;
	if (s < end && *s == '.')
		for (s++; s < end && digits < 3 && *s >= '0' && *s <= '9'; s++, digits++)
			q += (*s - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
	if (s != end || q > 1000)
		return -1;
	return q;
}

void http_list_each(const char *value, void (*element)(void *ctx, const char *s, const char *end),
		    void *ctx)
{
	const char *s = value, *end;

	while (*s) {
		s += strspn(s, OWS ",");
		end = http_trim_ows(s, s + strcspn(s, ","));
		if (end > s)
			element(ctx, s, end);
		s = end + strcspn(end, ",");
	}
}

void http_weigh(int *weight, int q)
{
	if (q > *weight)
		*weight = q;
}
