/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* For the fuzz targets: is a buffer valid UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF)? */
#ifndef RQS_UTF8_CHECK_H
#define RQS_UTF8_CHECK_H

#include <stdbool.h>
#include <stddef.h>

static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		unsigned int cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* Valid UTF-8 (utf8_valid) that holds no C1 control (U+0080..U+009F) and
 * no bidirectional formatting character (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069): by their UTF-8 bytes */
static bool utf8_terminal_safe(const unsigned char *s, size_t n)
{
	if (!utf8_valid(s, n))
		return false;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			return false;
		if (s[i] == 0xd8 && s[i + 1] == 0x9c)
			return false;
		if (i + 2 < n && s[i] == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0x8e || s[i + 2] == 0x8f || (s[i + 2] >= 0xaa && s[i + 2] <= 0xae)))
			return false;
		if (i + 2 < n && s[i] == 0xe2 && s[i + 1] == 0x81 && s[i + 2] >= 0xa6 &&
		    s[i + 2] <= 0xa9)
			return false;
	}
	return true;
}

#endif
