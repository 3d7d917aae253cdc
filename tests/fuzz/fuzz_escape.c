// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The escaping of untrusted names (src/common/untrusted_text.c): any bytes
 * in; out, within TEXT_ESCAPED_SIZE, valid UTF-8 with no control byte, no
 * C1 control and no bidi character, which reads back (\\, \xNN, \uNNNN) to
 * exactly the bytes in, up to the first NUL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/untrusted_text.h"
#include "utf8_check.h"

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	abort();	/* upper case or no digit */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = TEXT_ESCAPED_SIZE(size), n, in = strnlen((const char *)data, size), back = 0;
	char *out = malloc(cap);
	unsigned char *dec = malloc(size + 1);

	if (!out || !dec)
		abort();
	n = text_escape(out, cap, (const char *)data, size);
	if (n >= cap || strlen(out) != n)
		abort();
	if (!utf8_terminal_safe((const unsigned char *)out, n))
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = out[i];
		uint32_t cp = 0;

		if (c < 0x20 || c == 0x7f)
			abort();
		if (c != '\\') {
			dec[back++] = c;
			continue;
		}
		switch (out[++i]) {
		case '\\':
			dec[back++] = '\\';
			break;
		case 'x':
			if (i + 2 >= n)
				abort();
			dec[back++] = (unsigned char)(hex(out[i + 1]) << 4 | hex(out[i + 2]));
			i += 2;
			break;
		case 'u':
			if (i + 4 >= n)
				abort();
			for (int k = 1; k <= 4; k++)
				cp = cp << 4 | (uint32_t)hex(out[i + k]);
			i += 4;
			if (!code_point_unsafe(cp) || cp < 0x80)
				abort();	/* \u only for what needs it */
			if (cp < 0x800) {
				dec[back++] = (unsigned char)(0xc0 | cp >> 6);
			} else {
				dec[back++] = (unsigned char)(0xe0 | cp >> 12);
				dec[back++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			}
			dec[back++] = (unsigned char)(0x80 | (cp & 0x3f));
			break;
		default:
			abort();
		}
		if (back > size)
			abort();
	}
	if (back != in || memcmp(dec, data, in))
		abort();
	free(out);
	free(dec);
	return 0;
}
