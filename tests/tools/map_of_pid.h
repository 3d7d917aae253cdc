/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Finds a BPF map that another process holds (a running tracer's), by the
 * map ids in /proc/PID/fdinfo. Define TOOL_NAME before including; link
 * with libbpf. */
#ifndef RQS_TOOLS_MAP_OF_PID_H
#define RQS_TOOLS_MAP_OF_PID_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

/* what a map must be to be the one: its name, and its type and value size
 * where these are not 0 */
struct map_want {
	const char *name;
	__u32 type;
	__u32 value_size;
};

/* An fd of ours for the first map PID holds that is as 'want' says, its
 * info in *info; -1 when PID holds none. One line on stderr and exit 1 when
 * PID's fdinfo cannot be read. */
static int map_of_pid(int pid, const struct map_want *want, struct bpf_map_info *info)
{
	char dir[64], path[400], line[128];
	struct dirent *d;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", pid);
	fds = opendir(dir);
	if (!fds) {
		fprintf(stderr, TOOL_NAME ": %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	while ((d = readdir(fds))) {
		unsigned int id;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			__u32 len = sizeof(*info);
			int fd;

			if (sscanf(line, "map_id: %u", &id) != 1)
				continue;
			fd = bpf_map_get_fd_by_id(id);
			if (fd < 0)
				continue;
			memset(info, 0, sizeof(*info));
			if (!bpf_obj_get_info_by_fd(fd, info, &len) && !strcmp(info->name, want->name) &&
			    (!want->type || info->type == want->type) &&
			    (!want->value_size || info->value_size == want->value_size)) {
				fclose(f);
				closedir(fds);
				return fd;
			}
			close(fd);
		}
		fclose(f);
	}
	closedir(fds);
	return -1;
}

#endif
