// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/untrusted_text.h"
#include "summary/metric_label.h"

size_t label_encode(char *dst, size_t cap, const char *src, size_t len)
{
	return text_escape(dst, cap, src, len);
}

/* The bytes the unit at @s takes on the page once label_encode()d (where
 * the exposition format gives each \ and " one more), and its length in @s */
static size_t page_size(const unsigned char *s, size_t left, size_t *n)
{
	uint32_t cp;

	*n = utf8_decode(s, left, &cp);
	if (*n > 1)
		return code_point_unsafe(cp) ? 7 : *n;	/* \uNNNN written \\uNNNN */
	if (*n == 1 && s[0] == '\\')
		return 4;	/* \\ written \\\\ */
	if (*n == 1 && s[0] == '"')
		return 2;
	if (*n == 1 && !code_point_unsafe(s[0]))
		return 1;
	*n = 1;
	return 5;		/* \xNN written \\xNN */
}

#define CUT_MARK "\xe2\x80\xa6"	/* U+2026 */
#define CUT_PREFIX (sizeof(CUT_MARK) - 1 + 16 + 1)

char *label_make(const char *src, size_t len, size_t max, int *cut)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t total = 0, n, from, need, at;
	uint64_t h = 0xcbf29ce484222325ULL;
	char *out;

	len = strnlen(src, len);
	for (size_t i = 0; i < len; i += n)
		total += page_size(s + i, len - i, &n);
	*cut = total > max;
	if (!*cut) {
		need = label_encode(NULL, 0, src, len) + 1;
		out = malloc(need);
		if (out)
			label_encode(out, need, src, len);
		return out;
	}
	/* the first unit from which the rest fits after the prefix */
	for (from = 0; from < len && total > max - CUT_PREFIX; from += n)
		total -= page_size(s + from, len - from, &n);
	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	need = label_encode(NULL, 0, src + from, len - from) + 1;
	out = malloc(CUT_PREFIX + need);
	if (!out)
		return NULL;
	at = (size_t)snprintf(out, CUT_PREFIX + 1, CUT_MARK "%016llx:", (unsigned long long)h);
	label_encode(out + at, need, src + from, len - from);
	return out;
}
