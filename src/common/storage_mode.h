/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_STORAGE_MODE_H
#define RQS_STORAGE_MODE_H

/* Where the programs keep each task's enqueue time: -m/--storage */
enum storage_mode {
	STORAGE_AUTO,	/* asked for only: task where the kernel allows it */
	STORAGE_TASK,	/* BPF_MAP_TYPE_TASK_STORAGE */
	STORAGE_HASH,	/* a TID-keyed hash map */
};

static inline const char *storage_mode_name(enum storage_mode mode)
{
	return mode == STORAGE_TASK ? "task" : mode == STORAGE_HASH ? "hash" : "auto";
}

#endif
