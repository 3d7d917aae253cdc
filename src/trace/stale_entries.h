/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_STALE_ENTRIES_H
#define RQS_STALE_ENTRIES_H

#include <stdbool.h>

/* Hash mode: the entries of the TID-keyed map, and those of them whose
 * thread no longer exists. */
struct stale_count {
	unsigned long long entries;
	unsigned long long stale;
	bool stale_known; /* false outside the initial pid namespace */
};

/* Walks the map (keys __u32, values @value_size bytes) once: a batch
 * lookup where the kernel has one, Linux 5.6+, else a deduplicated key
 * walk; each key at most once, however the programs change the map
 * meanwhile. 0, or a negative errno. */
int count_stale_entries(int map_fd, unsigned int max_entries, unsigned int value_size,
			struct stale_count *out);

#endif
