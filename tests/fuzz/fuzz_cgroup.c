// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The cgroup v2 mount found in /proc/self/mountinfo text (src/common/cgroup2_mount.c):
 * any text in; a mount found must be a NUL-terminated absolute path that
 * fits, from a line that names cgroup2. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cgroup2_mount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char mnt[64], root[64], *copy;
	FILE *f;

	if (!size)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	f = fmemopen(copy, size, "r");
	if (!f)
		abort();
	memset(mnt, 'x', sizeof(mnt));
	memset(root, 'x', sizeof(root));
	if (cgroup2_mount_of(f, mnt, sizeof(mnt), root, sizeof(root)) == 0) {
		if (!memchr(mnt, '\0', sizeof(mnt)) || !memchr(root, '\0', sizeof(root)))
			abort();
		if (mnt[0] != '/' || !memmem(data, size, "cgroup2", 7))
			abort();
	}
	fclose(f);
	free(copy);
	return 0;
}
