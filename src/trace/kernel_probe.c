// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the running kernel and this process can do, asked before loading. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace/kernel_probe.h"
#include "probe_task_storage.skel.h"
#include "cgroup_level.skel.h"

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
#define PROC_CGROUP_INIT_INO 0xEFFFFFFBU

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

bool in_initial_cgroup_namespace(void)
{
	return in_initial_namespace("/proc/self/ns/cgroup", PROC_CGROUP_INIT_INO);
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
 * with GFP_ATOMIC from the slab, which PREEMPT_RT forbids with preemption
 * disabled, as in every tracepoint (task_newtask included); since then
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

/* Whether the kernel's local storage allocates in any context: from
 * bpf_mem_alloc's per-CPU caches since Linux 6.4 (struct
 * bpf_local_storage_map has selem_ma, see task_storage_unsafe_on_rt()), or
 * later from kmalloc_nolock() (use_kmalloc_nolock). Then the tracing
 * programs may create task storage under the run-queue lock. */
bool task_storage_alloc_any_context(void)
{
	struct utsname u;
	struct btf *btf;
	bool yes;

	/* the BTF (slow to parse) only for a backport to an older kernel */
	if (!uname(&u) && !kernel_before(&u, 6, 4))
		return true;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return false;
	yes = struct_has_member(btf, "bpf_local_storage_map", "selem_ma") ||
	      struct_has_member(btf, "bpf_local_storage_map", "use_kmalloc_nolock");
	btf__free(btf);
	return yes;
}

int probe_cgroup_level(const char *dir, unsigned long long id, int *level)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info linfo = { 0 };
	struct cgroup_level_bpf *skel;
	struct bpf_link *link = NULL;
	int cg_fd, iter_fd = -1, err;
	char buf[64];
	ssize_t n;

	cg_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0)
		return -errno;
	skel = cgroup_level_bpf__open_and_load();
	if (!skel) {
		err = errno ? -errno : -EINVAL;
		goto out;
	}
	linfo.cgroup.cgroup_fd = cg_fd;
	linfo.cgroup.order = BPF_CGROUP_ITER_SELF_ONLY;
	opts.link_info = &linfo;
	opts.link_info_len = sizeof(linfo);
	link = bpf_program__attach_iter(skel->progs.cgroup_level, &opts);
	if (!link) {
		err = errno ? -errno : -EINVAL;
		goto out;
	}
	iter_fd = bpf_iter_create(bpf_link__fd(link));
	if (iter_fd < 0) {
		err = -errno;
		goto out;
	}
	while ((n = read(iter_fd, buf, sizeof(buf))) > 0)
		;
	err = n < 0 ? -errno : 0;
	/* another cgroup than the directory's: never, unless misread */
	if (!err && (skel->data->level < 0 || skel->bss->id != id))
		err = -ESRCH;
	if (!err)
		*level = skel->data->level;
out:
	if (iter_fd >= 0)
		close(iter_fd);
	bpf_link__destroy(link);
	cgroup_level_bpf__destroy(skel);
	close(cg_fd);
	return err;
}
