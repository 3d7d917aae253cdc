// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Hash mode's entries left by exited threads. The programs delete keys at
 * every switch-in while this walks the map: bpf_map_get_next_key() restarts
 * from the first bucket when its current key was deleted, counting entries
 * again, so the map is read bucket by bucket with BPF_MAP_LOOKUP_BATCH,
 * whose position is a bucket index that deletions do not move. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "trace/stale_entries.h"

/* include/linux/proc_ns.h: PROC_PID_INIT_INO */
#define INIT_PID_NS_INO 0xEFFFFFFCUL

/* Keys are TIDs in the initial pid namespace: kill() answers for them only
 * when this process is in that namespace. */
static bool in_initial_pid_ns(void)
{
	char self[32], want[32];
	struct stat st;
	ssize_t n;

	if (stat("/proc/self/ns/pid", &st) || st.st_ino != INIT_PID_NS_INO)
		return false;
	n = readlink("/proc/self", self, sizeof(self) - 1);
	if (n < 0)
		return false;
	self[n] = '\0';
	snprintf(want, sizeof(want), "%d", (int)getpid());
	return !strcmp(self, want);
}

/* kill(tid, 0) finds a thread by its TID like /proc does, but answers
 * without capabilities and where /proc hides other users' tasks
 * (hidepid=invisible, systemd's ProtectProc=invisible): EPERM is a task
 * that exists. */
static bool thread_exists(__u32 tid)
{
	return kill((pid_t)tid, 0) == 0 || errno == EPERM;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* Up to @cap keys into @keys, each once; their values, @value_size bytes
 * each, into @values (the batch call writes them: room for @cap). */
static int read_keys_batch(int fd, __u32 *keys, unsigned char *values, size_t value_size,
			   size_t cap, size_t *n)
{
	__u32 in_batch, out_batch, chunk;
	bool first = true;
	int err;

	*n = 0;
	for (;;) {
		chunk = cap - *n > 256 ? 256 : (__u32)(cap - *n);
		if (!chunk)
			return 0;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch,
					   keys + *n, values + *n * value_size, &chunk, NULL);
		if (err && errno == ENOSPC && chunk == 0) {
			/* one bucket holds more than fits: room for it */
			if (cap - *n <= 256)
				return 0;
			chunk = cap - *n;
			err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch,
						   &out_batch, keys + *n,
						   values + *n * value_size, &chunk, NULL);
		}
		if (err && errno != ENOENT)
			return -errno;
		*n += chunk;
		if (err)
			return 0; /* ENOENT: the last bucket was read */
		in_batch = out_batch;
		first = false;
	}
}

/* Kernels without batch lookups: a key walk, restarted walks deduplicated
 * afterwards, bounded at @cap steps. */
static int read_keys_walk(int fd, __u32 *keys, size_t cap, size_t *n)
{
	__u32 key, next, *prev = NULL;
	size_t i, out;

	*n = 0;
	while (*n < cap && bpf_map_get_next_key(fd, prev, &next) == 0) {
		keys[(*n)++] = next;
		key = next;
		prev = &key;
	}
	if (*n < cap && errno != ENOENT)
		return -errno;
	qsort(keys, *n, sizeof(*keys), cmp_u32);
	for (i = 0, out = 0; i < *n; i++)
		if (!out || keys[out - 1] != keys[i])
			keys[out++] = keys[i];
	*n = out;
	return 0;
}

int count_stale_entries(int map_fd, unsigned int max_entries, unsigned int value_size,
			struct stale_count *out)
{
	/* a walk may meet keys twice, and a batch needs room for a bucket */
	size_t cap = (size_t)max_entries * 2 + 256, n = 0;
	__u32 *keys = calloc(cap, sizeof(*keys));
	unsigned char *values = calloc(cap, value_size);
	int err;

	*out = (struct stale_count){ 0 };
	if (!keys || !values) {
		err = -ENOMEM;
		goto out;
	}
	err = read_keys_batch(map_fd, keys, values, value_size, cap, &n);
	if (err == -EINVAL || err == -ENOTSUP || err == -524 /* ENOTSUPP */)
		err = read_keys_walk(map_fd, keys, cap, &n);
	if (err)
		goto out;
	out->entries = n;
	out->stale_known = in_initial_pid_ns();
	if (!out->stale_known)
		goto out;
	/* A key read above may belong to a task that has run (deleting it),
	 * exited and been reaped since: stale only if still there once there
	 * is no such thread; a thread that is gone never runs again. */
	for (size_t i = 0; i < n; i++)
		if (!thread_exists(keys[i]) &&
		    bpf_map_lookup_elem(map_fd, &keys[i], values) == 0)
			out->stale++;
out:
	free(keys);
	free(values);
	return err;
}
