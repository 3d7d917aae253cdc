// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the running kernel and this process can do, asked before loading. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace/kernel_probe.h"
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

static bool struct_has_member(const struct btf *btf, const char *type,
			      const char *member)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id;

	id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	if (id < 0)
		return false;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return true;
	return false;
}

/* Linux before @major.@minor; on RT kernels, "PREEMPT_RT" in uname -v
 * (scripts/mkcompile_h since the RT patches were merged, and in the RT
 * patch sets before). */
static bool kernel_before(const struct utsname *u, int major, int minor)
{
	int ma, mi;

	if (sscanf(u->release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma < major || (ma == major && mi < minor);
}

/* Until Linux 6.4 ("bpf: Use bpf_mem_cache_alloc/free in
 * bpf_local_storage_elem" and its series), creating task storage allocated
 * with GFP_ATOMIC from the slab, which PREEMPT_RT forbids under raw
 * spinlocks such as the run-queue lock held at sched_wakeup_new; since then
 * it comes from bpf_mem_alloc, and struct bpf_local_storage_map has
 * selem_ma. The kernel's BTF says which (a backport counts); PREEMPT_RT turns
 * spinlock_t into an rt_mutex_base named "lock" instead of the raw
 * spinlock "rlock". Only RT kernels pay for loading the BTF. */
bool task_storage_unsafe_on_rt(void)
{
	struct utsname u;
	struct btf *btf;
	bool unsafe;

	if (uname(&u) || !strstr(u.version, "PREEMPT_RT") || !kernel_before(&u, 6, 4))
		return false;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return true;
	unsafe = struct_has_member(btf, "spinlock", "lock") &&
		 !struct_has_member(btf, "bpf_local_storage_map", "selem_ma");
	btf__free(btf);
	return unsafe;
}
