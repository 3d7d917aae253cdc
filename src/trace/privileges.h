/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PRIVILEGES_H
#define RQS_PRIVILEGES_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the kernel started this program for secure execution (AT_SECURE):
 * set-user-ID, set-group-ID, file capabilities beyond the ambient set, or
 * an LSM transition. */
bool started_secure(void);

/* Once the programs are attached: clears the bounding set (with
 * CAP_SETPCAP), the ambient and inheritable sets, and the effective and
 * permitted sets down to what bpf() on @map_fd still needs (none since Linux
 * 5.19; before it, with kernel.unprivileged_bpf_disabled set, every bpf()
 * command checks CAP_BPF or CAP_SYS_ADMIN), then sets no_new_privs. Only
 * the calling thread: call it before any other thread starts. 0, or -1
 * after filling @why. *@kept: the name of the capability kept, or NULL. */
int drop_capabilities(int map_fd, const char **kept, char *why, size_t size);

#endif
