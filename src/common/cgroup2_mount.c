// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo (never
 * assumed at /sys/fs/cgroup: the hybrid layout mounts it at
 * /sys/fs/cgroup/unified). Fuzzed: tests/fuzz/fuzz_cgroup.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cgroup2_mount.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

static int copy_field(char *dst, size_t size, char *src)
{
	unescape(src);
	if (strlen(src) >= size)
		return -1;
	strcpy(dst, src);
	return 0;
}

int cgroup2_mount_of(FILE *mountinfo, char *mnt, size_t mnt_size,
		     char *root, size_t root_size)
{
	char *line = NULL, *field[5], *save, *dash, *fstype;
	size_t cap = 0;
	int found = -1, i;

	while (found && getline(&line, &cap, mountinfo) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE ... */
		dash = strstr(line, " - ");
		if (!dash)
			continue;
		fstype = strtok_r(dash + 3, " \n", &save);
		if (!fstype || strcmp(fstype, "cgroup2"))
			continue;
		*dash = '\0';
		field[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && field[i - 1]; i++)
			field[i] = strtok_r(NULL, " ", &save);
		/* mount point and root are absolute paths: not this line else */
		if (i < 5 || !field[4] || field[3][0] != '/' || field[4][0] != '/')
			continue;
		if (copy_field(mnt, mnt_size, field[4]) || copy_field(root, root_size, field[3]))
			continue;
		found = 0;
	}
	free(line);
	return found;
}

int cgroup2_mount_from(FILE *mountinfo, char *path, size_t len)
{
	char root[4096];

	return cgroup2_mount_of(mountinfo, path, len, root, sizeof(root)) ? -ENOENT : 0;
}
