// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading /proc: "key: value" lines (fuzzed: tests/fuzz), and tasks. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/procfs.h"

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

int proc_tgid(const char *proc, int id)
{
	char path[64], line[128];
	int tgid = -EINVAL;
	FILE *f;

	if (id <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "%s/%d/status", proc, id);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Tgid:", 5)) {
			char *end;
			long v = strtol(line + 5, &end, 10);

			tgid = v > 0 && v <= INT32_MAX && (*end == '\n' || !*end) ? (int)v : -EINVAL;
			break;
		}
	}
	fclose(f);
	return tgid;
}

int proc_task_open(const char *proc, int id, bool thread)
{
	char path[64];
	int fd;

	if (thread) {
		int tgid = proc_tgid(proc, id);

		if (tgid < 0)
			return tgid;
		snprintf(path, sizeof(path), "%s/%d/task/%d", proc, tgid, id);
	} else {
		snprintf(path, sizeof(path), "%s/%d", proc, id);
	}
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return fd;
}

/* procfs: a lookup in the directory of a task that has been released
 * fails with ENOENT (proc_pident_lookup() finds no task) */
bool proc_task_gone(int dirfd)
{
	return faccessat(dirfd, "stat", F_OK, 0) && (errno == ENOENT || errno == ESRCH);
}
