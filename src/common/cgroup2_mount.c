// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo (never
 * assumed at /sys/fs/cgroup: the hybrid layout mounts it at
 * /sys/fs/cgroup/unified). Fuzzed: tests/fuzz/fuzz_cgroup.c. */
#include <errno.h>
#include <stdbool.h>
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

/* @dir under @mnt (or @mnt itself): the number of bytes of @mnt matched,
 * else 0 */
static size_t path_prefix(const char *mnt, const char *dir)
{
	size_t len = strlen(mnt);

	while (len > 1 && mnt[len - 1] == '/')
		len--;
	if (len == 1)
		return dir[0] == '/' ? 1 : 0;
	if (strncmp(mnt, dir, len) || (dir[len] && dir[len] != '/'))
		return 0;
	return len;
}

/* the first cgroup2 line (with @rooted, the first whose root is "/"), or
 * with @dir the one whose mount point is the longest prefix of it */
static int scan(FILE *mountinfo, const char *dir, bool rooted, char *mnt, size_t mnt_size,
		char *root, size_t root_size)
{
	char *line = NULL, *field[5], *save, *dash, *fstype;
	size_t cap = 0, best = 0, len = 0;
	int found = -1, i;

	while ((dir || found) && getline(&line, &cap, mountinfo) > 0) {
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
		unescape(field[4]);
		if (rooted && strcmp(field[3], "/"))
			continue;
		if (dir) {
			/* a later mount over the same point hides an earlier one */
			len = path_prefix(field[4], dir);
			if (!len || len < best)
				continue;
		}
		if (strlen(field[4]) >= mnt_size || copy_field(root, root_size, field[3]))
			continue;
		strcpy(mnt, field[4]);
		best = dir ? len : 0;
		found = 0;
	}
	free(line);
	return found;
}

int cgroup2_mount_of(FILE *mountinfo, char *mnt, size_t mnt_size,
		     char *root, size_t root_size)
{
	return scan(mountinfo, NULL, false, mnt, mnt_size, root, root_size);
}

int cgroup2_mount_rooted(FILE *mountinfo, char *mnt, size_t mnt_size)
{
	char root[PATH_MAX];

	return scan(mountinfo, NULL, true, mnt, mnt_size, root, sizeof(root));
}

int cgroup2_mount_holding(FILE *mountinfo, const char *dir, char *mnt, size_t mnt_size,
			  char *root, size_t root_size)
{
	return scan(mountinfo, dir, false, mnt, mnt_size, root, root_size);
}

int cgroup2_mount_from(FILE *mountinfo, char *path, size_t len)
{
	char root[4096];

	return cgroup2_mount_of(mountinfo, path, len, root, sizeof(root)) ? -ENOENT : 0;
}
