// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading "key: value" lines of /proc files. Fuzzed: tests/fuzz. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

int proc_key_value(FILE *f, const char *key, unsigned long long *value)
{
	size_t klen = strlen(key);
	char line[256], *p, *end;

	while (fgets(line, sizeof(line), f)) {
		/* a longer line's tail is read as a line of its own: skip it */
		bool whole = strchr(line, '\n') || feof(f);

		if (strncmp(line, key, klen) || line[klen] != ':') {
			while (!whole && fgets(line, sizeof(line), f))
				whole = strchr(line, '\n') || feof(f);
			continue;
		}
		p = line + klen + 1;
		p += strspn(p, " \t");
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		*value = strtoull(p, &end, 10);
		if (errno || (*end && *end != '\n'))
			return -1;
		return 0;
	}
	return -1;
}
