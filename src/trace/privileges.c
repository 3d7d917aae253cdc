// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Least privilege once attached: the file descriptors of the maps, the
 * ring buffer and the links are all the run needs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/bpf.h>

#include "trace/privileges.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool started_secure(void)
{
	return getauxval(AT_SECURE) != 0;
}

struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->hdr, c->data);
}

static bool has(const __u32 set[2], int cap)
{
	return set[cap / 32] & (1U << (cap % 32));
}

/* effective and permitted to @keep (a capability, or -1), inheritable empty */
static int caps_set(int keep, bool keep_permitted)
{
	struct caps c;

	if (caps_get(&c))
		return -1;
	for (int i = 0; i < 2; i++) {
		__u32 bit = keep >= 0 && keep / 32 == i ? 1U << (keep % 32) : 0;

		c.data[i].effective = bit;
		if (!keep_permitted)
			c.data[i].permitted &= bit;
		c.data[i].inheritable = 0;
	}
	return syscall(SYS_capset, &c.hdr, c.data);
}

int drop_capabilities(int map_fd, const char **kept, char *why, size_t size)
{
	struct bpf_map_info info;
	__u32 permitted[2];
	__u32 len = sizeof(info);
	struct caps c;
	int keep = -1;

	*kept = NULL;
	if (caps_get(&c)) {
		snprintf(why, size, "capget: %s", strerror(errno));
		return -1;
	}
	permitted[0] = c.data[0].permitted;
	permitted[1] = c.data[1].permitted;
	/* the bounding set limits what an execve() can grant; up to the first
	 * capability this kernel does not know (EINVAL) */
	if (has((const __u32[2]){ c.data[0].effective, c.data[1].effective }, CAP_SETPCAP)) {
		for (int cap = 0; cap < 64; cap++)
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
				break;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL) {
		snprintf(why, size, "cannot clear the ambient capabilities: %s", strerror(errno));
		return -1;
	}
	/* what bpf() on a map asks of a process holding its fd, with no
	 * effective capability, but still able to take one back */
	if (caps_set(-1, true)) {
		snprintf(why, size, "capset: %s", strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len)) {
		if (errno != EPERM) {
			snprintf(why, size, "cannot read a map's information: %s", strerror(errno));
			return -1;
		}
		keep = has(permitted, CAP_BPF) ? CAP_BPF : CAP_SYS_ADMIN;
	}
	if (caps_set(keep, false)) {
		snprintf(why, size, "capset: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(why, size, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (keep >= 0) {
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(map_fd, &info, &len)) {
			snprintf(why, size, "bpf() on a map with %s only: %s",
				 keep == CAP_BPF ? "CAP_BPF" : "CAP_SYS_ADMIN", strerror(errno));
			return -1;
		}
	}
	if (keep >= 0)
		*kept = keep == CAP_BPF ? "CAP_BPF" : "CAP_SYS_ADMIN";
	return 0;
}
