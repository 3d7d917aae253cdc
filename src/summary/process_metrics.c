// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* process_* metrics the way the Go and Python clients compute them: CPU
 * time and start time in clock ticks, RSS as pages of /proc/PID/stat, open
 * fds as entries of /proc/PID/fd. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "summary/process_metrics.h"

/* Entries of @dir but . and .. and the fd reading it */
static int count_fds(const char *dir, uint64_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int self;

	if (!d)
		return -errno;
	self = dirfd(d);
	*n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (atoi(e->d_name) == self)
			continue;
		(*n)++;
	}
	closedir(d);
	return 0;
}

/* The "btime SECONDS" line of /proc/stat: the boot time, in seconds since
 * the epoch */
static int read_btime(FILE *f, unsigned long long *btime)
{
	char line[256];

	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", btime) == 1)
			return 0;
	return -EINVAL;
}

/* Fields 14 (utime), 15 (stime), 22 (starttime), 23 (vsize), 24 (rss) of
 * proc_pid_stat(5). The name (field 2) may hold spaces and parentheses:
 * the fields after it start after its last ')'. */
static int parse_stat(const char *text, uint64_t *cpu, uint64_t *start,
		      uint64_t *vsize, uint64_t *rss_pages)
{
	const char *p = strrchr(text, ')');
	unsigned long long v[25];
	char *end;

	if (!p)
		return -EINVAL;
	p++;
	/* p is at field 3, the state: one character */
	p += strspn(p, " ");
	if (!*p)
		return -EINVAL;
	p++;
	for (int i = 4; i <= 24; i++) {
		if (*p != ' ')
			return -EINVAL;
		p++;
		/* a few fields (tpgid, priority, nice) may be negative:
		 * strtoull() takes them, and none of them is kept */
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (end == p || errno)
			return -EINVAL;
		p = end;
	}
	*cpu = v[14] + v[15];
	*start = v[22];
	*vsize = v[23];
	*rss_pages = v[24];
	return 0;
}

int process_metrics_read(const char *proc, const char *self, struct process_metrics *m)
{
	char path[PATH_MAX], text[1024];
	unsigned long long btime;
	uint64_t rss_pages;
	struct rlimit rl;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	size_t len;
	FILE *f;
	int err;

	if (hz <= 0 || page <= 0)
		return -EINVAL;
	m->hz = (uint64_t)hz;
	/* first, before this function's own files are open */
	snprintf(path, sizeof(path), "%s/%s/fd", proc, self);
	err = count_fds(path, &m->open_fds);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s/stat", proc, self);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	if (parse_stat(text, &m->cpu_ticks, &m->start_ticks, &m->vsize_bytes, &rss_pages))
		return -EINVAL;
	m->rss_bytes = rss_pages * (uint64_t)page;
	snprintf(path, sizeof(path), "%s/stat", proc);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	err = read_btime(f, &btime);
	fclose(f);
	if (err)
		return err;
	m->start_ticks += btime * m->hz;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	m->max_fds = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
	return 0;
}
