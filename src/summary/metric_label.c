// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdint.h>

#include "summary/metric_label.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t label_encode(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0, n;
	char tmp[4];

	for (size_t i = 0; i < len && s[i]; i += n) {
		size_t k = 0;

		n = utf8_len(s + i, len - i);
		if (n > 1) {
			for (size_t j = 0; j < n && s[i + j]; j++)
				tmp[k++] = (char)s[i + j];
		} else if (n == 1 && s[i] == '\\') {
			tmp[k++] = '\\';
			tmp[k++] = '\\';
		} else if (n == 1 && s[i] >= 0x20 && s[i] != 0x7f) {
			tmp[k++] = (char)s[i];
		} else {
			n = 1;
			tmp[k++] = '\\';
			tmp[k++] = 'x';
			tmp[k++] = hex[s[i] >> 4];
			tmp[k++] = hex[s[i] & 15];
		}
		for (size_t j = 0; j < k; j++, out++)
			if (out + 1 < cap)
				dst[out] = tmp[j];
	}
	if (cap)
		dst[out < cap ? out : cap - 1] = '\0';
	return out;
}
