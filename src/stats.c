// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The --stats report. Its lines are parsed by the benchmark and documented
 * in runqslower-ts(8): "stats: <what>: key=value ...". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "losses.h"
#include "procfs.h"
#include "prog_stats.h"
#include "stale.h"
#include "stats.h"

int stats_enable(struct stats_session *s)
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

void stats_disable(struct stats_session *s)
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

unsigned long long stats_storage_bytes(const struct tracer *t)
{
	__u64 c[RQS_NR_COUNTERS] = { 0 };
	unsigned long long bytes = map_memlock(bpf_map__fd(t->start));
	static long long per_task; /* parsing the kernel's BTF takes a while */

	if (t->mode == STORAGE_HASH || tracer_read_counters(t, c))
		return bytes;
	if (!per_task)
		per_task = task_storage_bytes_per_task(bpf_map__value_size(t->start));
	if (per_task > 0)
		bytes += (unsigned long long)per_task * (t->prefilled + c[RQS_STORAGE_CREATED]);
	return bytes;
}

void stats_print(FILE *out, const struct tracer *t,
		 unsigned long long events)
{
	unsigned long long map_bytes;
	struct stale_count sc;
	__u64 c[RQS_NR_COUNTERS] = { 0 };
	unsigned long long tasks;
	long long per_task;

	if (tracer_read_counters(t, c))
		fprintf(out, "stats: counters: readable=%d\n", 0);
	map_bytes = map_memlock(bpf_map__fd(t->start));
	fprintf(out, "stats: storage: mode=%s\n", storage_mode_name(t->mode));
	print_prog_stats(out, t->obj);
	print_prog_misses(out, t->obj);
	fprintf(out, "stats: events: emitted=%llu lost_ringbuf=%llu\n", events,
		(unsigned long long)c[RQS_LOST_RINGBUF]);
	fprintf(out, "stats: waits: over_threshold=%llu\n",
		(unsigned long long)c[RQS_OVER_THRESHOLD]);
	fprintf(out, "stats: wakeups: not_recorded=%llu\n",
		(unsigned long long)c[RQS_LOST_STORAGE]);
	fprintf(out, "stats: waits: negative=%llu\n",
		(unsigned long long)c[RQS_NEGATIVE_WAIT]);
	fprintf(out, "stats: waits: missed_switch_in=%llu\n",
		(unsigned long long)c[RQS_MISSED_SWITCH_IN]);
	if (t->mode == STORAGE_HASH) {
		if (count_stale_entries(bpf_map__fd(t->start),
					bpf_map__max_entries(t->start), &sc))
			sc = (struct stale_count){ 0 };
		if (sc.stale_known)
			fprintf(out, "stats: hash: max_entries=%u entries=%llu stale=%llu\n",
				bpf_map__max_entries(t->start), sc.entries, sc.stale);
		else
			fprintf(out, "stats: hash: max_entries=%u entries=%llu stale=unknown\n",
				bpf_map__max_entries(t->start), sc.entries);
		fprintf(out, "stats: memory: bytes=%llu map=%llu\n", map_bytes, map_bytes);
		return;
	}
	per_task = task_storage_bytes_per_task(bpf_map__value_size(t->start));
	if (per_task < 0)
		per_task = 0;
	tasks = t->prefilled + c[RQS_STORAGE_CREATED];
	fprintf(out, "stats: memory: bytes=%llu map=%llu per_task=%lld tasks=%llu prefilled=%llu\n",
		map_bytes + (unsigned long long)per_task * tasks, map_bytes, per_task,
		tasks, t->prefilled);
}
