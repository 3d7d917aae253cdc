// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --by cgroup: the path of a cgroup v2 id. A walk of the hierarchy asks each
 * directory for its file handle: on cgroupfs (kernfs) that is the 64-bit
 * node id, the id the BPF programs read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cgroup2_mount.h"
#include "common/clock.h"
#include "cli/resolve_cgroup.h"
#include "common/cgroup_names.h"
#include "summary/metric_label.h"

#define RESCAN_NS 1000000000ULL
#define MAX_DEPTH 64

struct cgroup_name {
	uint64_t id;
	char *path;
	char *label;	/* label_make() of path, once asked for */
	bool alive;	/* in the last scan; else kept until forgotten */
};

static int by_id(const void *a, const void *b)
{
	const struct cgroup_name *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static struct cgroup_name *find(struct cgroup_names *c, uint64_t id)
{
	struct cgroup_name key = { .id = id };

	return c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), by_id) : NULL;
}

struct scan {
	struct cgroup_name *v;
	size_t n, cap;
};

static int scan_add(struct scan *s, uint64_t id, const char *path)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct cgroup_name *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].path = strdup(path);
	if (!s->v[s->n].path)
		return -ENOMEM;
	s->v[s->n].label = NULL;
	s->v[s->n].alive = true;
	s->v[s->n++].id = id;
	return 0;
}

static int handle_id(int dirfd, const char *name, uint64_t *id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	struct stat st;
	int mnt;

	if (name_to_handle_at(dirfd, name, &h.fh, &mnt, 0) == 0 &&
	    h.fh.handle_bytes == sizeof(uint64_t)) {
		memcpy(id, h.fh.f_handle, sizeof(*id));
		return 0;
	}
	/* without handles (EOPNOTSUPP): on 64-bit kernels the inode is the id */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	*id = st.st_ino;
	return 0;
}

/* @path is the cgroup of directory @fd (relative to the mount) */
static int walk(struct scan *s, int fd, char *path, size_t plen, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	uint64_t id;
	int err = 0;

	if (!d) {
		close(fd);
		return 0;
	}
	while (!err && (e = readdir(d))) {
		size_t nlen = strlen(e->d_name);
		int sub;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (plen + 1 + nlen >= PATH_MAX || depth >= MAX_DEPTH)
			continue;
		if (handle_id(dirfd(d), e->d_name, &id))
			continue; /* removed meanwhile */
		snprintf(path + plen, PATH_MAX - plen, "%s%s", plen > 1 ? "/" : "", e->d_name);
		err = scan_add(s, id, path);
		sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (!err && sub >= 0)
			err = walk(s, sub, path, strlen(path), depth + 1);
		path[plen] = '\0';
	}
	closedir(d);
	return err;
}

static int rescan(struct cgroup_names *c)
{
	struct scan s = { 0 };
	char path[PATH_MAX] = "/";
	uint64_t id;
	int fd, err;

	c->scanned_ns = monotonic_ns();
	fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = handle_id(AT_FDCWD, c->root, &id);
	if (!err)
		err = scan_add(&s, id, "/");
	if (!err)
		err = walk(&s, fd, path, 1, 0);
	else
		close(fd);
	if (err) {
		for (size_t i = 0; i < s.n; i++)
			free(s.v[i].path);
		free(s.v);
		return err;
	}
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), by_id);
	/* a cgroup gone since the last scan keeps its path until the caller
	 * forgets it (cgroup_names_forget_gone()) */
	for (size_t i = 0, n = s.n; i < c->n; i++) {
		struct cgroup_name key = { .id = c->v[i].id }, *e;

		e = n ? bsearch(&key, s.v, n, sizeof(*s.v), by_id) : NULL;
		if (e) {
			/* the label made of the same path still holds */
			if (!strcmp(e->path, c->v[i].path)) {
				e->label = c->v[i].label;
				c->v[i].label = NULL;
			}
			free(c->v[i].label);
			free(c->v[i].path);
			continue;
		}
		c->v[i].alive = false;
		if (s.n == s.cap) {
			struct cgroup_name *v = realloc(s.v, (s.cap + 64) * sizeof(*v));

			if (!v) {
				free(c->v[i].label);
				free(c->v[i].path);
				continue;
			}
			s.v = v;
			s.cap += 64;
		}
		s.v[s.n++] = c->v[i];
	}
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), by_id);
	free(c->v);
	c->v = s.v;
	c->n = s.n;
	return 0;
}

int cgroup_names_init(struct cgroup_names *c, const char *root)
{
	*c = (struct cgroup_names){ 0 };
	if (strlen(root) >= sizeof(c->root))
		return -ENAMETOOLONG;
	strcpy(c->root, root);
	return rescan(c);
}

int cgroup_names_open(struct cgroup_names *c, const char *root,
		      enum cgroup_names_failure *failed)
{
	char mnt[PATH_MAX];
	FILE *mi;
	int err;

	*c = (struct cgroup_names){ 0 };
	if (!root) {
		mi = fopen("/proc/self/mountinfo", "re");
		if (!mi) {
			*failed = CGROUP_NAMES_NO_MOUNTINFO;
			return -errno;
		}
		err = cgroup2_mount_from(mi, mnt, sizeof(mnt));
		fclose(mi);
		if (err) {
			*failed = CGROUP_NAMES_NO_MOUNT;
			return err;
		}
		root = mnt;
	}
	err = cgroup_names_init(c, root);
	if (err) {
		*failed = CGROUP_NAMES_NO_SCAN;
		cgroup_names_free(c);
	}
	return err;
}

const char *cgroup_names_get(struct cgroup_names *c, uint64_t id)
{
	struct cgroup_name *e = find(c, id);

	if (!e && monotonic_ns() - c->scanned_ns >= RESCAN_NS && !rescan(c))
		e = find(c, id);
	return e ? e->path : NULL;
}

const char *cgroup_names_label(struct cgroup_names *c, uint64_t id, size_t max, bool *cut)
{
	struct cgroup_name *e;
	int was_cut;

	*cut = false;
	if (!cgroup_names_get(c, id))
		return NULL;
	e = find(c, id);
	if (!e->label) {
		e->label = label_make(e->path, strlen(e->path), max, &was_cut);
		*cut = e->label && was_cut;
	}
	return e->label;
}

int cgroup_names_refresh(struct cgroup_names *c)
{
	return rescan(c);
}

enum cgroup_state cgroup_names_state(struct cgroup_names *c, uint64_t id)
{
	struct cgroup_name *e = find(c, id);

	return !e ? CGROUP_UNSEEN : e->alive ? CGROUP_ALIVE : CGROUP_GONE;
}

void cgroup_names_forget_gone(struct cgroup_names *c)
{
	size_t out = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].alive) {
			c->v[out++] = c->v[i];
			continue;
		}
		free(c->v[i].path);
		free(c->v[i].label);
	}
	c->n = out;
}

void cgroup_names_free(struct cgroup_names *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].label);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}
