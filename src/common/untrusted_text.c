// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "common/untrusted_text.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	uint32_t c;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates U+D800..U+DFFF */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;	/* continuation byte, 0xc0, 0xc1, 0xf5..0xff */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

bool code_point_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t text_escape(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0, end = strnlen(src, len), n;
	uint32_t cp;
	char tmp[6];

	for (size_t i = 0; i < end; i += n) {
		size_t k = 0;

		n = utf8_decode(s + i, end - i, &cp);
		if (n == 1 && cp == '\\') {
			tmp[k++] = '\\';
			tmp[k++] = '\\';
		} else if (n && !code_point_unsafe(cp)) {
			for (size_t j = 0; j < n; j++)
				tmp[k++] = (char)s[i + j];
		} else if (n > 1) {
			tmp[k++] = '\\';
			tmp[k++] = 'u';
			for (int sh = 12; sh >= 0; sh -= 4)
				tmp[k++] = hex[cp >> sh & 15];
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
