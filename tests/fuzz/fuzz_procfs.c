// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* /proc "key: value" files (fdinfo, status): the input is the file. A value
 * found must be what the text says. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long v = 0;
	FILE *f;
	char *copy;

	if (!size)
		return 0;
	/* fmemopen reads from the buffer: keep the fuzzer's own read-only */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	f = fmemopen(copy, size, "r");
	if (!f)
		abort();
	if (proc_key_value(f, "memlock", &v) == 0) {
		/* "memlock:" is in the input, followed by blanks and digits */
		const char *k = memmem(data, size, "memlock:", 8);

		if (!k)
			abort();
	}
	fclose(f);
	free(copy);
	return 0;
}
