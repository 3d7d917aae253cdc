// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --cgroup: the id and level of the cgroup v2 directory given. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cli/options.h"
#include "cli/resolve_cgroup.h"
#include "common/cgroup2_mount.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

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

int cgroup_root_resolve(const char *dir, char *real, size_t size)
{
	char buf[PATH_MAX];
	struct statfs sfs;
	struct stat st;

	if (!realpath(dir, buf)) {
		fprintf(stderr, RQS_NAME ": invalid --cgroup-root '%s': %s\n", dir, strerror(errno));
		return 2;
	}
	if (!is_dir(buf, &st)) {
		fprintf(stderr, RQS_NAME ": invalid --cgroup-root '%s': not a directory\n", dir);
		return 2;
	}
	if (statfs(buf, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		fprintf(stderr, RQS_NAME ": invalid --cgroup-root '%s': not a cgroup v2 mount\n", dir);
		return 2;
	}
	if (st.st_ino != CGROUP_ROOT_ID) {
		fprintf(stderr, RQS_NAME ": invalid --cgroup-root '%s': cgroup %llu, not the hierarchy's root (a cgroup namespace's root or a subtree is mounted there)\n",
			dir, (unsigned long long)st.st_ino);
		return 2;
	}
	if (strlen(buf) >= size) {
		fprintf(stderr, RQS_NAME ": invalid --cgroup-root '%s': %s\n", dir, strerror(ENAMETOOLONG));
		return 2;
	}
	strcpy(real, buf);
	return 0;
}

bool cgroup_view_partial(char *mnt, size_t size)
{
	struct stat st;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int err;

	if (!f)
		return false;
	err = cgroup2_mount_from(f, mnt, size);
	fclose(f);
	return !err && !stat(mnt, &st) && st.st_ino != CGROUP_ROOT_ID;
}

/* --cgroup PATH under --cgroup-root @root: the hierarchy's root, level 0 */
static int cgroup_resolve_under(const char *path, const char *root, struct cgroup_target *t)
{
	char joined[2 * PATH_MAX + 2];
	const char *dir = path;
	struct statfs sfs;
	struct stat st;
	size_t len = strlen(root);

	if (!is_dir(dir, &st)) {
		snprintf(joined, sizeof(joined), "%s/%s", root, path);
		dir = joined;
	}
	if (!is_dir(dir, &st)) {
		fprintf(stderr, RQS_NAME ": invalid cgroup '%s': no such directory here or under --cgroup-root %s\n",
			path, root);
		return 2;
	}
	if (statfs(dir, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC || !realpath(dir, t->dir) ||
	    strncmp(t->dir, root, len) || (t->dir[len] && t->dir[len] != '/' && len > 1)) {
		fprintf(stderr, RQS_NAME ": invalid cgroup '%s': not a cgroup v2 directory under --cgroup-root %s\n",
			path, root);
		return 2;
	}
	t->id = st.st_ino;
	t->level = depth_of(t->dir + len);
	return 0;
}

int cgroup_resolve(const char *path, const char *cgroup_root, struct cgroup_target *t)
{
	char mnt[PATH_MAX], root[PATH_MAX], real_mnt[PATH_MAX], joined[2 * PATH_MAX + 2];
	const char *dir = path;
	struct statfs sfs;
	struct stat st;
	size_t len;
	FILE *f;
	int err;

	if (cgroup_root)
		return cgroup_resolve_under(path, cgroup_root, t);
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
	/* not a directory here: a cgroup path as /proc/PID/cgroup shows it,
	 * from the root of the hierarchy or of this cgroup namespace: under a
	 * mount of that root where there is one */
	if (!is_dir(dir, &st)) {
		f = fopen("/proc/self/mountinfo", "re");
		if (f) {
			if (!cgroup2_mount_rooted(f, mnt, sizeof(mnt)) && realpath(mnt, joined))
				strcpy(real_mnt, joined);
			fclose(f);
		}
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
	/* the mount the directory is on: inside a cgroup namespace, one
	 * mounted there, not the first (inherited) one */
	f = fopen("/proc/self/mountinfo", "re");
	if (f) {
		if (!cgroup2_mount_holding(f, t->dir, mnt, sizeof(mnt), root, sizeof(root)) &&
		    !realpath(mnt, real_mnt))
			strcpy(real_mnt, mnt);
		fclose(f);
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
