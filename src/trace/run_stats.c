// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What --stats reports, read from the kernel at exit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "common/version.h"
#include "common/procfs.h"
#include "trace/prog_stats.h"
#include "trace/stale_entries.h"
#include "trace/run_stats.h"

int bpf_stats_enable(struct bpf_stats_session *s)
{
	s->fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (s->fd < 0) {
		/* BPF_ENABLE_STATS checks CAP_SYS_ADMIN, not CAP_BPF/CAP_PERFMON */
		if (errno == EPERM)
			fprintf(stderr, RQS_NAME ": cannot enable BPF statistics for --stats: it needs CAP_SYS_ADMIN\n");
		else
			fprintf(stderr, RQS_NAME ": cannot enable BPF statistics for --stats: %s\n",
				strerror(errno));
		return -1;
	}
	return 0;
}

void bpf_stats_disable(struct bpf_stats_session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* The kernel's own figure for a map (fdinfo "memlock"). */
static unsigned long long map_memlock(int map_fd)
{
	unsigned long long bytes = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", map_fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (proc_key_value(f, "memlock", &bytes))
		bytes = 0;
	fclose(f);
	return bytes;
}

static long long btf_struct_size(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	return id < 0 ? -1 : btf__resolve_size(btf, id);
}

/* A task's first storage costs one element (header + value) and, unless
 * another map already gave the task storage, its bpf_local_storage. */
static long long task_storage_bytes_per_task(unsigned int value_size)
{
	struct btf *btf = btf__load_vmlinux_btf();
	long long elem, storage;

	if (!btf)
		return -1;
	elem = btf_struct_size(btf, "bpf_local_storage_elem");
	storage = btf_struct_size(btf, "bpf_local_storage");
	btf__free(btf);
	if (elem < 0 || storage < 0)
		return -1;
	return elem + value_size + storage;
}

unsigned long long storage_bytes(const struct tracer *t)
{
	__u64 c[RQS_NR_COUNTERS] = { 0 };
	unsigned long long bytes = map_memlock(bpf_map__fd(t->start));
	static long long per_task; /* parsing the kernel's BTF takes a while */

	if (t->mode == STORAGE_HASH || tracer_read_counters(t, c))
		return bytes;
	if (!per_task)
		per_task = task_storage_bytes_per_task(bpf_map__value_size(t->start));
	if (per_task > 0)
		bytes += (unsigned long long)per_task * (t->prefilled + c[RQS_STORAGE_CREATED] +
							 c[RQS_STORAGE_CREATED_HOT]);
	return bytes;
}

void run_stats_collect(const struct tracer *t, unsigned long long emitted,
		       struct run_stats *s)
{
	struct stale_count sc;

	*s = (struct run_stats){ .mode = t->mode, .emitted = emitted };
	s->counters_readable = !tracer_read_counters(t, s->counters);
	if (!s->counters_readable)
		memset(s->counters, 0, sizeof(s->counters));
	s->nprogs = prog_stats_read(t->obj, s->progs, RQS_MAX_PROGS);
	s->map_bytes = map_memlock(bpf_map__fd(t->start));
	if (t->mode == STORAGE_HASH) {
		s->hash_max_entries = bpf_map__max_entries(t->start);
		if (count_stale_entries(bpf_map__fd(t->start), s->hash_max_entries,
					bpf_map__value_size(t->start), &sc))
			sc = (struct stale_count){ 0 };
		s->hash_entries = sc.entries;
		s->hash_stale = sc.stale;
		s->hash_stale_known = sc.stale_known;
		s->memory_bytes = s->map_bytes;
		return;
	}
	s->per_task = task_storage_bytes_per_task(bpf_map__value_size(t->start));
	if (s->per_task < 0)
		s->per_task = 0;
	s->prefilled = t->prefilled;
	s->hot_create = t->hot_create;
	s->tasks = t->prefilled + s->counters[RQS_STORAGE_CREATED] +
		   s->counters[RQS_STORAGE_CREATED_HOT];
	s->memory_bytes = s->map_bytes + (unsigned long long)s->per_task * s->tasks;
}
