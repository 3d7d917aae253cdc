// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the running kernel and this process can do, asked before loading. */
#include <errno.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probe.h"
#include "probe_task_storage.skel.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal, but bpf() returns it */
#endif
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* The inode numbers of the initial namespaces are fixed: PROC_USER_INIT_INO
 * and PROC_PID_INIT_INO in include/linux/proc_ns.h (Linux 3.8+). */
#define PROC_USER_INIT_INO 0xEFFFFFFDU
#define PROC_PID_INIT_INO 0xEFFFFFFCU

static bool in_initial_namespace(const char *path, unsigned int ino)
{
	struct stat st;

	/* unknown (no /proc): assume so, and let the kernel decide */
	return stat(path, &st) || st.st_ino == ino;
}

bool in_initial_pid_namespace(void)
{
	return in_initial_namespace("/proc/self/ns/pid", PROC_PID_INIT_INO);
}

static bool cap_effective(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective & (1U << (cap % 32));
}

bool have_bpf_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (!in_initial_namespace("/proc/self/ns/user", PROC_USER_INIT_INO))
		return false;
	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	return cap_effective(data, CAP_SYS_ADMIN) ||
	       (cap_effective(data, CAP_BPF) && cap_effective(data, CAP_PERFMON));
}

bool have_kernel_btf(void)
{
	return access(RQS_KERNEL_BTF, R_OK) == 0;
}

int probe_task_storage(void)
{
	struct probe_task_storage_bpf *skel;
	int err;

	skel = probe_task_storage_bpf__open();
	if (!skel)
		return errno ? -errno : -EINVAL;
	err = probe_task_storage_bpf__load(skel);
	probe_task_storage_bpf__destroy(skel);
	return err;
}

bool bpf_feature_missing(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUPP;
}

bool ringbuf_missing(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0,
				sysconf(_SC_PAGESIZE), NULL);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	return bpf_feature_missing(-errno);
}
