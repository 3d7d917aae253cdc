// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The JSON string escaper (src/common/json_writer.c): any bytes in, one valid JSON string
 * out: quoted, valid UTF-8, no raw control byte, only JSON's escapes, and
 * every input byte accounted for (printable ASCII comes out as itself). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_writer.h"
#include "utf8_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL;
	size_t n = 0, i, ascii_in = 0, ascii_out = 0, len;
	FILE *f = open_memstream(&out, &n);

	if (!f)
		return 0;
	json_string(f, (const char *)data, size);
	fclose(f);
	if (n < 2 || out[0] != '"' || out[n - 1] != '"')
		abort();
	if (!utf8_terminal_safe((const unsigned char *)out, n))
		abort();
	for (i = 1; i < n - 1; i++) {
		unsigned char c = out[i];

		if (c < 0x20 || c == 0x7f)
			abort();
		if (c == '"')
			abort();	/* an unescaped quote inside */
		if (c != '\\') {
			if (c >= 0x20 && c < 0x7f)
				ascii_out++;
			continue;
		}
		switch (out[++i]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			break;
		case 'u':
			if (i + 4 >= n - 1)
				abort();
			for (int k = 1; k <= 4; k++)
				if (!strchr("0123456789abcdefABCDEF", out[i + k]) || !out[i + k])
					abort();
			i += 4;
			break;
		default:
			abort();
		}
		if (out[i] == '"' || out[i] == '\\')
			ascii_out++;	/* an escaped quote or backslash is its byte */
	}
	/* the input stops at a NUL; its printable ASCII bytes all come out */
	len = strnlen((const char *)data, size);
	for (i = 0; i < len; i++)
		if (data[i] >= 0x20 && data[i] < 0x7f)
			ascii_in++;
	if (ascii_in != ascii_out)
		abort();
	free(out);
	return 0;
}
