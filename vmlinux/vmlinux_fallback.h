/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Fallback for builders without kernel BTF: only the types runqslower-ts's
 * BPF programs use. Kernel structs carry preserve_access_index, so libbpf
 * relocates every field access against the running kernel's BTF at load
 * time: member order, offsets and struct sizes here do not matter, only the
 * names and types of the fields used. UAPI constants are the same on every
 * architecture. Regenerate nothing: edit by hand, keep it small. */
#ifndef __VMLINUX_H__
#define __VMLINUX_H__

typedef signed char __s8;
typedef unsigned char __u8;
typedef short int __s16;
typedef short unsigned int __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long int __s64;
typedef long long unsigned int __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };
typedef int pid_t;

/* include/uapi/linux/bpf.h */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

/* only probed, by bpf_core_enum_value_exists(), never called by number */
enum bpf_func_id {
	BPF_FUNC_map_lookup_percpu_elem = 195,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
};

enum {
	BPF_F_NO_PREALLOC = 1,
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};

enum {
	BPF_RB_AVAIL_DATA = 0,
};

/* kernel/sched/sched.h; read only by the benchmark's bench/rq_clock.bpf.h */
struct rq {
	__u64 clock;
} __attribute__((preserve_access_index));

struct cfs_rq {
	struct rq *rq;
} __attribute__((preserve_access_index));

/* include/linux/bpf_local_storage.h: read directly only by the benchmark's
 * bench/lookup_steps.bpf.c */
struct bpf_local_storage_map {
	__u16 cache_idx;
} __attribute__((preserve_access_index));

struct bpf_local_storage_data {
	struct bpf_local_storage_map *smap;
} __attribute__((preserve_access_index));

struct bpf_local_storage {
	struct bpf_local_storage_data *cache[16];
} __attribute__((preserve_access_index));

/* include/linux/kernfs.h, cgroup-defs.h: a task's cgroup v2 id
 * (bpf/histogram.bpf.h) */
struct kernfs_node {
	__u64 id;
} __attribute__((preserve_access_index));

struct cgroup {
	struct kernfs_node *kn;
} __attribute__((preserve_access_index));

struct css_set {
	struct cgroup *dfl_cgrp;
} __attribute__((preserve_access_index));

/* include/linux/sched.h; __state vs state: see bpf/task_state.bpf.h */
struct sched_entity {
	struct cfs_rq *cfs_rq;
} __attribute__((preserve_access_index));

struct task_struct {
	unsigned int __state;
	int on_cpu;
	int on_rq;
	pid_t pid;
	pid_t tgid;
	char comm[16];
	__u64 start_time;
	struct sched_entity se;
	struct bpf_local_storage *bpf_storage;
	struct css_set *cgroups;
} __attribute__((preserve_access_index));

/* include/linux/bpf.h: the task iterator's context (bpf/prefill.bpf.c) */
struct bpf_iter_meta;

struct bpf_iter__task {
	union {
		struct bpf_iter_meta *meta;
	};
	union {
		struct task_struct *task;
	};
} __attribute__((preserve_access_index));

#endif /* __VMLINUX_H__ */
