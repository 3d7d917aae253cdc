// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "common/clock.h"
#include "common/cgroup2_mount.h"
#include "common/version.h"
#include "summary/metric_label.h"
#include "summary/hist_maps.h"

#define UNKNOWN_CGROUP "(unknown)"
/* --by cgroup: how often the cgroup tree is rescanned for removed cgroups,
 * and how often at most when the map is half full */
#define RETIRE_SCAN_NS (10 * 1000000000ULL)
#define RETIRE_SCAN_BUSY_NS 1000000000ULL

int summary_init(struct summary *s, const struct tracer *t, const struct summary_plan *o)
{
	char root[4096];
	FILE *mi;
	int err;

	*s = (struct summary){
		.by = o->by,
		.keyed = o->keyed,
		.max_keys = o->max_keys,
		.ncpus = t->ncpus,
		.cpu_fd = bpf_map__fd(t->hist_cpu),
		.keyed_fd = bpf_map__fd(t->hist_keyed),
		.gen = t->hist_gen,
		.retired = { .limit = o->print ? 0 : o->max_keys },
		.retired_scan_ns = monotonic_ns(),
	};
	s->percpu = calloc(s->ncpus, sizeof(*s->percpu));
	if (!s->percpu) {
		fprintf(stderr, RQS_NAME ": cannot allocate the summary: %s\n", strerror(ENOMEM));
		return 1;
	}
	if (o->by != RQS_BY_CGROUP)
		return 0;
	mi = fopen("/proc/self/mountinfo", "re");
	if (!mi) {
		fprintf(stderr, RQS_NAME ": --by cgroup: cannot read /proc/self/mountinfo: %s\n",
			strerror(errno));
		return 1;
	}
	err = cgroup2_mount_from(mi, root, sizeof(root));
	fclose(mi);
	if (err) {
		fprintf(stderr, RQS_NAME ": --by cgroup: no cgroup v2 hierarchy is mounted\n");
		return 1;
	}
	err = cgroup_names_init(&s->names, root);
	if (err) {
		fprintf(stderr, RQS_NAME ": --by cgroup: cannot read %s: %s\n", root, strerror(-err));
		cgroup_names_free(&s->names);
		return 1;
	}
	s->have_names = true;
	return 0;
}

void series_free(struct series *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].label);
	free(v);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* CPUs in numeric order, other labels in byte order */
static int label_cmp(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	if (all_digits(a) && all_digits(b) && (la = strlen(a)) != (lb = strlen(b)))
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

int series_compare(const void *x, const void *y)
{
	return label_cmp(((const struct series *)x)->label, ((const struct series *)y)->label);
}

struct series *series_find(struct series *v, size_t n, const char *label)
{
	struct series key = { .label = (char *)label };

	return n ? bsearch(&key, v, n, sizeof(*v), series_compare) : NULL;
}

static void sum_percpu(struct summary *s, struct hist *h)
{
	for (int cpu = 0; cpu < s->ncpus; cpu++)
		hist_add_bpf(h, &s->percpu[cpu], s->first_gen, s->last_gen);
}

static int lookup_sum(struct summary *s, int fd, const void *key, struct hist *h)
{
	if (bpf_map_lookup_elem(fd, key, s->percpu))
		return -errno;
	sum_percpu(s, h);
	return 0;
}

static char *label_of(struct summary *s, const union rqs_hist_key *k)
{
	const char *raw = NULL;
	size_t len, need;
	char *out;

	if (s->by == RQS_BY_COMM) {
		raw = k->comm;
		len = strnlen(k->comm, sizeof(k->comm));
	} else {
		raw = cgroup_names_get(&s->names, k->cgroup_id);
		if (!raw)
			return strdup(UNKNOWN_CGROUP);
		len = strlen(raw);
	}
	need = label_encode(NULL, 0, raw, len) + 1;
	out = malloc(need);
	if (out)
		label_encode(out, need, raw, len);
	return out;
}

static int push(struct series **v, size_t *n, size_t *cap, char *label)
{
	if (!label)
		return -ENOMEM;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct series *nv = realloc(*v, c * sizeof(*nv));

		if (!nv) {
			free(label);
			return -ENOMEM;
		}
		*v = nv;
		*cap = c;
	}
	(*v)[*n] = (struct series){ .label = label };
	(*n)++;
	return 0;
}

/* --by cgroup: a rescan of the cgroup tree for removed cgroups when one is
 * due; true when it was made (after the keys were read: a key in no scan
 * then belongs to a cgroup already removed) */
static bool rescan_for_removed(struct summary *s, size_t nkeys)
{
	unsigned long long now = monotonic_ns(), since = now - s->retired_scan_ns;

	if (since < RETIRE_SCAN_NS && (nkeys * 2 < s->max_keys || since < RETIRE_SCAN_BUSY_NS))
		return false;
	s->retired_scan_ns = now;
	return !cgroup_names_refresh(&s->names);
}

/* Moves the series of removed cgroups (v[i] is keys[i]'s) out of the map
 * into s->retired, and out of v. Their values are taken once more with the
 * key, so that a wait added since the first read is not lost (Linux 5.14,
 * commit 3e87f192b405 "bpf: Add lookup_and_delete_elem support to
 * hashtab"; before it, a delete after the first read). */
static int retire_removed(struct summary *s, const union rqs_hist_key *keys,
			  struct series *v, size_t *n, bool fresh)
{
	size_t out = 0;
	int err = 0;

	for (size_t i = 0; i < *n; i++) {
		enum cgroup_state st = cgroup_names_state(&s->names, keys[i].cgroup_id);

		if (err || st == CGROUP_ALIVE || (st == CGROUP_UNSEEN && !fresh)) {
			v[out++] = v[i];
			continue;
		}
		if (!bpf_map_lookup_and_delete_elem(s->keyed_fd, &keys[i], s->percpu)) {
			v[i].h = (struct hist){ 0 };
			sum_percpu(s, &v[i].h);
		} else if (errno != ENOENT) {
			bpf_map_delete_elem(s->keyed_fd, &keys[i]);
		}
		err = retired_add(&s->retired, v[i].label, &v[i].h);
	}
	*n = out;
	/* no key of a removed cgroup is left in the map to need its path */
	if (!err)
		cgroup_names_forget_gone(&s->names);
	return err;
}

static int read_keyed(struct summary *s, struct series **v, size_t *n, size_t *cap)
{
	bool fresh = false;
	union rqs_hist_key key = { 0 }, next = { 0 }, *prev = NULL, *keys = NULL, *nk;
	size_t nkeys = 0, kcap = 0, out = 0;
	int err = 0;

	/* values first, names after (a rescan of the cgroup tree takes a
	 * while): the read is as close to the generation's end as it can be */
	while (!err && bpf_map_get_next_key(s->keyed_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (nkeys == kcap) {
			kcap = kcap ? kcap * 2 : 64;
			nk = realloc(keys, kcap * sizeof(*keys));
			if (!nk) {
				err = -ENOMEM;
				break;
			}
			keys = nk;
		}
		err = push(v, n, cap, strdup(""));
		if (err)
			break;
		if (lookup_sum(s, s->keyed_fd, &key, &(*v)[*n - 1].h)) {
			free((*v)[--*n].label); /* deleted meanwhile: not an error */
			continue;
		}
		keys[nkeys++] = key;
	}
	if (!err && errno != ENOENT && prev)
		err = -errno;
	if (!err && s->by == RQS_BY_CGROUP)
		fresh = rescan_for_removed(s, nkeys);
	for (size_t i = 0; !err && i < *n; i++) {
		free((*v)[i].label);
		(*v)[i].label = label_of(s, &keys[i]);
		if (!(*v)[i].label)
			err = -ENOMEM;
	}
	if (!err && s->by == RQS_BY_CGROUP) {
		err = retire_removed(s, keys, *v, n, fresh);
		if (!err)
			err = retired_append(&s->retired, v, n, cap);
	}
	free(keys);
	if (err)
		return err;
	/* the same label twice: a cgroup path that came back with a new id */
	if (*n > 1) /* with no keys *v is NULL, which qsort() may not take */
		qsort(*v, *n, sizeof(**v), series_compare);
	for (size_t i = 0; i < *n; i++) {
		if (out && !label_cmp((*v)[out - 1].label, (*v)[i].label)) {
			hist_add(&(*v)[out - 1].h, &(*v)[i].h);
			free((*v)[i].label);
		} else {
			(*v)[out++] = (*v)[i];
		}
	}
	*n = out;
	return 0;
}

int summary_read(struct summary *s, struct series **out, size_t *n, struct hist *overflow)
{
	struct series *v = NULL;
	size_t nv = 0, cap = 0;
	__u32 idx = RQS_HIST_ALL;
	char buf[16];
	int err = 0;

	*overflow = (struct hist){ 0 };
	if (s->keyed) {
		err = read_keyed(s, &v, &nv, &cap);
		idx = RQS_HIST_OVERFLOW;
		if (!err)
			err = lookup_sum(s, s->cpu_fd, &idx, overflow);
	} else if (s->by == RQS_BY_CPU) {
		if (bpf_map_lookup_elem(s->cpu_fd, &idx, s->percpu))
			err = -errno;
		for (int cpu = 0; !err && cpu < s->ncpus; cpu++) {
			snprintf(buf, sizeof(buf), "%d", cpu);
			err = push(&v, &nv, &cap, strdup(buf));
			if (!err)
				hist_add_bpf(&v[nv - 1].h, &s->percpu[cpu],
					     s->first_gen, s->last_gen);
		}
	} else {
		v = calloc(1, sizeof(*v));
		nv = v ? 1 : 0;
		err = v ? lookup_sum(s, s->cpu_fd, &idx, &v[0].h) : -ENOMEM;
	}
	if (err) {
		series_free(v, nv);
		return err;
	}
	*out = v;
	*n = nv;
	return 0;
}

/* The keys in the map; and each cgroup new to them named now, while it
 * exists (a rescan at most once a second), not at the next read, which for
 * an exporter comes with the next scrape: a cgroup removed before any scan
 * saw it could only be "(unknown)". */
static size_t name_keys(struct summary *s)
{
	union rqs_hist_key key, next, *prev = NULL;
	size_t n = 0;

	while (bpf_map_get_next_key(s->keyed_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		cgroup_names_get(&s->names, key.cgroup_id);
		n++;
	}
	return n;
}

int summary_retire_removed(struct summary *s)
{
	unsigned long long now = monotonic_ns();
	struct series *v;
	struct hist overflow;
	size_t n;
	int err;

	if (s->by != RQS_BY_CGROUP || now - s->retired_check_ns < RETIRE_SCAN_BUSY_NS)
		return 0;
	s->retired_check_ns = now;
	if (now - s->retired_scan_ns < RETIRE_SCAN_NS && name_keys(s) * 2 < s->max_keys)
		return 0;
	err = summary_read(s, &v, &n, &overflow);
	if (!err)
		series_free(v, n);
	return err;
}

void summary_free(struct summary *s)
{
	series_free(s->last, s->nlast);
	retired_free(&s->retired);
	free(s->percpu);
	if (s->have_names)
		cgroup_names_free(&s->names);
	*s = (struct summary){ 0 };
}
