// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --cgroup: find the cgroup v2 hierarchy (never assumed at /sys/fs/cgroup:
 * the hybrid layout mounts it at /sys/fs/cgroup/unified) and the id and
 * level of the directory given. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "args.h"
#include "cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

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

/* Path components in @p ("/" and "" have none). */
static int depth_of(const char *p)
{
	int n = 0;

	for (; *p; p++)
		if (*p != '/' && (p[1] == '/' || p[1] == '\0'))
			n++;
	return n;
}

static bool is_dir(const char *p, struct stat *st)
{
	return stat(p, st) == 0 && S_ISDIR(st->st_mode);
}

int cgroup_resolve(const char *path, struct cgroup_target *t)
{
	char mnt[PATH_MAX], root[PATH_MAX], real_mnt[PATH_MAX], joined[2 * PATH_MAX + 2];
	const char *dir = path;
	struct statfs sfs;
	struct stat st;
	size_t len;
	FILE *f;
	int err;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		fprintf(stderr, RQS_NAME ": cannot read /proc/self/mountinfo: %s\n", strerror(errno));
		return 1;
	}
	err = cgroup2_mount_of(f, mnt, sizeof(mnt), root, sizeof(root));
	fclose(f);
	if (err) {
		fprintf(stderr, RQS_NAME ": cannot use --cgroup: no cgroup v2 hierarchy is mounted (cgroup v1 only)\n");
		return 1;
	}
	if (!realpath(mnt, real_mnt)) {
		fprintf(stderr, RQS_NAME ": cannot use --cgroup: cgroup v2 mount '%s': %s\n", mnt,
			strerror(errno));
		return 1;
	}
	/* not a directory here: a cgroup path relative to the v2 mount */
	if (!is_dir(dir, &st)) {
		snprintf(joined, sizeof(joined), "%s/%s", real_mnt, path);
		dir = joined;
		if (!is_dir(dir, &st)) {
			fprintf(stderr, RQS_NAME ": invalid cgroup '%s': no such directory here or under the cgroup v2 mount %s\n",
				path, real_mnt);
			return 2;
		}
	}
	if (statfs(dir, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC || !realpath(dir, t->dir)) {
		fprintf(stderr, RQS_NAME ": invalid cgroup '%s': not a cgroup v2 directory (cgroup2 is mounted at %s)\n",
			path, real_mnt);
		return 2;
	}
	len = strlen(real_mnt);
	if (strncmp(t->dir, real_mnt, len) || (t->dir[len] && t->dir[len] != '/')) {
		fprintf(stderr, RQS_NAME ": invalid cgroup '%s': not under the cgroup v2 mount %s\n",
			path, real_mnt);
		return 2;
	}
	t->id = st.st_ino;
	t->level = depth_of(root) + depth_of(t->dir + len);
	return 0;
}
