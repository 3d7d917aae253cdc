// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "common/clock.h"
#include "common/version.h"
#include "summary/metric_label.h"
#include "summary/hist_maps.h"

#define UNKNOWN_CGROUP "(unknown)"
/* --by cgroup: how often the cgroup tree is rescanned for removed cgroups,
 * and how often at most when the map is half full */
#define RETIRE_SCAN_NS (10 * 1000000000ULL)
#define RETIRE_SCAN_BUSY_NS 1000000000ULL
/* --by comm, the map half full: a key without a wait for so long leaves it */
#define IDLE_KEY_NS (10 * 1000000000ULL)

/* The half of a value that the last closing read took: which value */
struct frozen_id {
	__u32 keyed;		/* hist_keyed, else hist_cpu */
	__s32 cpu;		/* --by cpu: the CPU's own; else -1, all summed */
	union rqs_hist_key key;	/* hist_cpu: .cgroup_id is the index */
};

struct frozen_half {
	struct frozen_id id;
	struct hist h;		/* slots and sum; no maximum */
};

/* The half of a blame pair's value that the last closing read took; the
 * overflow's has the key { 0, 0 }, which no pair has (a waiting cgroup's id
 * is never 0) */
struct frozen_pair {
	struct rqs_blame_key key;
	uint64_t ns;
};

struct idle_key {
	union rqs_hist_key key;
	uint64_t count;
	unsigned long long since_ns;	/* the count has not changed since */
};

int summary_init(struct summary *s, const struct tracer *t, const struct summary_plan *o)
{
	enum cgroup_names_failure failed;
	int err;

	*s = (struct summary){
		.form = o->form,
		.by = o->by,
		.keyed = o->keyed,
		.max_keys = o->max_keys,
		.layout = hist_layout_of(o->bucket_low_us, o->bucket_high_us),
		.ncpus = t->ncpus,
		.cpu_fd = bpf_map__fd(t->hist_cpu),
		.keyed_fd = bpf_map__fd(t->hist_keyed),
		.gen = t->hist_gen,
		.retired = {
			.limit = o->max_keys,
			.max_age_ns = o->metrics ? o->retire_after * 1000000000ULL : 0,
		},
		.retired_scan_ns = monotonic_ns(),
	};
	s->blame = o->blame_cgroup;
	s->blame_fd = bpf_map__fd(bpf_object__find_map_by_name(t->obj, "blame_pairs"));
	s->blame_overflow_fd = bpf_map__fd(bpf_object__find_map_by_name(t->obj, "blame_overflow"));
	s->halves = bpf_map__value_size(t->hist_cpu) / sizeof(*s->percpu);
	s->percpu = calloc((size_t)s->ncpus * s->halves, sizeof(*s->percpu));
	s->blame_percpu = calloc((size_t)s->ncpus * s->halves, sizeof(*s->blame_percpu));
	if (!s->percpu || !s->blame_percpu) {
		fprintf(stderr, RQS_NAME ": cannot allocate the summary: %s\n", strerror(ENOMEM));
		return 1;
	}
	if (o->by != RQS_BY_CGROUP)
		return 0;
	err = cgroup_names_open(&s->names, o->cgroup_root, &failed);
	if (err) {
		switch (failed) {
		case CGROUP_NAMES_NO_MOUNTINFO:
			fprintf(stderr, RQS_NAME ": --by cgroup: cannot read /proc/self/mountinfo: "
				"%s\n", strerror(-err));
			break;
		case CGROUP_NAMES_NO_MOUNT:
			fprintf(stderr, RQS_NAME ": --by cgroup: no cgroup v2 hierarchy is mounted\n");
			break;
		case CGROUP_NAMES_NO_SCAN:
			fprintf(stderr, RQS_NAME ": --by cgroup: cannot read %s: %s\n",
				s->names.root, strerror(-err));
			break;
		}
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

static struct rqs_hist_gen *percpu_of(struct summary *s, int cpu)
{
	return s->percpu + (size_t)cpu * s->halves;
}

static void sum_percpu(struct summary *s, struct hist *h)
{
	for (int cpu = 0; cpu < s->ncpus; cpu++)
		hist_add_bpf(h, percpu_of(s, cpu), s->halves, s->first_gen, s->last_gen);
}

static int frozen_cmp(const void *x, const void *y)
{
	return memcmp(x, y, sizeof(struct frozen_id));
}

static struct frozen_id keyed_id(const union rqs_hist_key *key)
{
	struct frozen_id id;

	memset(&id, 0, sizeof(id));
	id.keyed = 1;
	id.cpu = -1;
	id.key = *key;
	return id;
}

static struct frozen_id cpu_id(__u32 idx, int cpu)
{
	struct frozen_id id;

	memset(&id, 0, sizeof(id));
	id.cpu = cpu;
	id.key.cgroup_id = idx;
	return id;
}

/* A closing read: @h gets @half, generation last_gen's half of a value,
 * and the other half as the last closing read took it; @half is kept for
 * the next. */
static int close_half(struct summary *s, const struct frozen_id *id,
		      const struct hist *half, struct hist *h)
{
	struct frozen_half f = { .id = *id, .h = *half }, *other, *nf;

	hist_add(h, half);
	other = s->nfrozen ? bsearch(&f, s->frozen, s->nfrozen, sizeof(f), frozen_cmp) : NULL;
	if (other)
		hist_add(h, &other->h);
	if (s->nfrozen_next == s->frozen_cap) {
		size_t c = s->frozen_cap ? s->frozen_cap * 2 : 64;

		nf = realloc(s->frozen_next, c * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		s->frozen_next = nf;
		s->frozen_cap = c;
	}
	f.h.max_ns = 0;
	s->frozen_next[s->nfrozen_next++] = f;
	return 0;
}

/* A closing read is over: its halves are the ones the next one adds */
static void frozen_turn(struct summary *s, int err)
{
	if (!err) {
		if (s->nfrozen_next > 1)
			qsort(s->frozen_next, s->nfrozen_next, sizeof(*s->frozen_next), frozen_cmp);
		free(s->frozen);
		s->frozen = s->frozen_next;
		s->nfrozen = s->nfrozen_next;
	} else {
		free(s->frozen_next);
	}
	s->frozen_next = NULL;
	s->nfrozen_next = s->frozen_cap = 0;
}

/* @key left hist_keyed: a key made again later starts from nothing */
static void frozen_forget(struct summary *s, const union rqs_hist_key *key)
{
	struct frozen_id id = keyed_id(key);
	struct frozen_half *f;

	f = s->nfrozen ? bsearch(&id, s->frozen, s->nfrozen, sizeof(*f), frozen_cmp) : NULL;
	if (f) {
		memmove(f, f + 1, (size_t)(s->frozen + s->nfrozen - (f + 1)) * sizeof(*f));
		s->nfrozen--;
	}
	for (size_t i = 0; i < s->nfrozen_next; i++) {
		if (!frozen_cmp(&s->frozen_next[i].id, &id)) {
			s->frozen_next[i] = s->frozen_next[--s->nfrozen_next];
			break;
		}
	}
}

/* The value of hist_keyed's key @id->key, or of hist_cpu's index
 * @id->key.cgroup_id, summed over CPUs */
static int lookup_sum(struct summary *s, const struct frozen_id *id, struct hist *h)
{
	struct hist half = { 0 };
	__u32 idx = (__u32)id->key.cgroup_id;

	if (bpf_map_lookup_elem(id->keyed ? s->keyed_fd : s->cpu_fd,
				id->keyed ? (const void *)&id->key : &idx, s->percpu))
		return -errno;
	if (!s->closing) {
		sum_percpu(s, h);
		return 0;
	}
	for (int cpu = 0; cpu < s->ncpus; cpu++)
		hist_add_bpf_gen(&half, percpu_of(s, cpu), s->last_gen);
	return close_half(s, id, &half, h);
}

static char *label_of(struct summary *s, const union rqs_hist_key *k)
{
	const char *label;
	bool cut;
	int ccut;

	if (s->by == RQS_BY_COMM)
		return label_make(k->comm, sizeof(k->comm), RQS_LABEL_MAX, &ccut);
	label = cgroup_names_label(&s->names, k->cgroup_id, RQS_LABEL_MAX, &cut);
	s->labels_cut += cut;
	return strdup(label ? label : UNKNOWN_CGROUP);
}

char *summary_label_of_event(struct summary *s, const struct rqs_event *e)
{
	union rqs_hist_key key = { 0 };
	char buf[16];

	switch (s->by) {
	case RQS_BY_NONE:
		return strdup("");
	case RQS_BY_CPU:
		snprintf(buf, sizeof(buf), "%d", e->cpu);
		return strdup(buf);
	case RQS_BY_COMM:
		memcpy(key.comm, e->task, sizeof(key.comm));
		break;
	case RQS_BY_CGROUP:
		key.cgroup_id = e->cgroup;
		break;
	}
	return label_of(s, &key);
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

/* Moves @key's series @v out of the map into s->retired. Its values are
 * taken once more with the key, so that a wait added since the first read
 * is not lost (Linux 5.14, commit 3e87f192b405 "bpf: Add
 * lookup_and_delete_elem support to hashtab"; before it, a delete after
 * the first read). */
static int retire_key(struct summary *s, const union rqs_hist_key *key, struct series *v,
		      unsigned long long now)
{
	if (!bpf_map_lookup_and_delete_elem(s->keyed_fd, key, s->percpu)) {
		v->h = (struct hist){ 0 };
		sum_percpu(s, &v->h);
	} else if (errno != ENOENT) {
		bpf_map_delete_elem(s->keyed_fd, key);
	}
	frozen_forget(s, key);
	return retired_add(&s->retired, v->label, &v->h, now);
}

struct removed_key {
	unsigned long long cgroup_id;
	size_t i;
};

static int removed_key_cmp(const void *x, const void *y)
{
	const struct removed_key *a = x, *b = y;

	return a->cgroup_id < b->cgroup_id ? -1 : a->cgroup_id > b->cgroup_id;
}

/* Moves the series of removed cgroups (v[i] is keys[i]'s) out of the map
 * into s->retired, and out of v. Of those one scan finds removed, the one
 * made first retires first, so that it is the first folded: kernfs gives
 * each new cgroup a higher id (kernfs_new_node(), a cyclic idr, with a
 * generation above it on 64-bit). */
static int retire_removed(struct summary *s, const union rqs_hist_key *keys,
			  struct series *v, size_t *n, bool fresh)
{
	struct removed_key *gone;
	size_t out = 0, ngone = 0;
	int err = 0;

	if (!*n)
		return 0;
	gone = malloc(*n * sizeof(*gone));
	if (!gone)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		enum cgroup_state st = cgroup_names_state(&s->names, keys[i].cgroup_id);

		if (st == CGROUP_GONE || (st == CGROUP_UNSEEN && fresh))
			gone[ngone++] = (struct removed_key){ keys[i].cgroup_id, i };
	}
	qsort(gone, ngone, sizeof(*gone), removed_key_cmp);
	for (size_t k = 0; k < ngone && !err; k++) {
		size_t i = gone[k].i;

		err = retire_key(s, &keys[i], &v[i], monotonic_ns());
		v[i].label = NULL;	/* taken, or freed on failure */
	}
	free(gone);
	for (size_t i = 0; i < *n; i++)
		if (v[i].label)
			v[out++] = v[i];
	*n = out;
	/* no key of a removed cgroup is left in the map to need its path */
	if (!err)
		cgroup_names_forget_gone(&s->names);
	return err;
}

static int pair_cmp(const void *x, const void *y)
{
	const struct rqs_blame_key *a = x, *b = y;

	if (a->cgroup != b->cgroup)
		return a->cgroup < b->cgroup ? -1 : 1;
	return a->culprit < b->culprit ? -1 : a->culprit > b->culprit;
}

/* A pair's time (@id; the overflow's: @id { 0, 0 }), the value of @key in
 * @fd summed over CPUs: both halves; or, in a closing read, generation
 * last_gen's half, kept for the next, and the other half as the last
 * closing read took it, as close_half() does for the histograms. A pair
 * gone from the map meanwhile has none. */
static int blame_sum(struct summary *s, int fd, const void *key, const struct rqs_blame_key *id,
		     uint64_t *ns)
{
	struct frozen_pair f = { .key = *id }, *other, *nf;
	uint64_t all = 0, mine = 0;
	unsigned int h = s->halves;

	*ns = 0;
	if (bpf_map_lookup_elem(fd, key, s->blame_percpu))
		return 0;
	for (int cpu = 0; cpu < s->ncpus; cpu++) {
		for (unsigned int i = 0; i < h; i++)
			all += s->blame_percpu[(size_t)cpu * h + i];
		mine += s->blame_percpu[(size_t)cpu * h + (s->last_gen & (h - 1))];
	}
	if (!s->closing) {
		*ns = all;
		return 0;
	}
	other = s->nblame_frozen ? bsearch(&f, s->blame_frozen, s->nblame_frozen, sizeof(f),
					   pair_cmp) : NULL;
	*ns = mine + (other ? other->ns : 0);
	if (s->nblame_frozen_next == s->blame_frozen_cap) {
		size_t c = s->blame_frozen_cap ? s->blame_frozen_cap * 2 : 64;

		nf = realloc(s->blame_frozen_next, c * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		s->blame_frozen_next = nf;
		s->blame_frozen_cap = c;
	}
	f.ns = mine;
	s->blame_frozen_next[s->nblame_frozen_next++] = f;
	return 0;
}

/* A closing read of the pairs is over: its halves are the next one's */
static void blame_frozen_turn(struct summary *s, int err)
{
	if (!err) {
		if (s->nblame_frozen_next > 1)
			qsort(s->blame_frozen_next, s->nblame_frozen_next,
			      sizeof(*s->blame_frozen_next), pair_cmp);
		free(s->blame_frozen);
		s->blame_frozen = s->blame_frozen_next;
		s->nblame_frozen = s->nblame_frozen_next;
	} else {
		free(s->blame_frozen_next);
	}
	s->blame_frozen_next = NULL;
	s->nblame_frozen_next = s->blame_frozen_cap = 0;
}

static char *culprit_label(struct summary *s, const struct rqs_blame_key *k)
{
	union rqs_hist_key id = { .cgroup_id = k->culprit };

	if (k->culprit == RQS_CULPRIT_THROTTLED)
		return strdup(BLAME_THROTTLED);
	if (k->culprit == RQS_CULPRIT_UNCOVERED)
		return strdup(BLAME_UNCOVERED);
	if (k->culprit == k->cgroup)
		return strdup(BLAME_SELF);
	/* no cgroup has id 0: the programs never charge the idle task, and
	 * if they did it shows */
	if (!k->culprit)
		return strdup(BLAME_IDLE);
	return label_of(s, &id);
}

/* --blame-by cgroup: s->blame_now from the map. The pairs of a removed
 * cgroup (waiting or culprit) leave the map with its histogram
 * (retire_removed()), so that the map keeps room. */
static int read_blame(struct summary *s, bool fresh)
{
	struct rqs_blame_key key, next, *prev = NULL, none = { 0 };
	struct blame_table t = { 0 };
	union rqs_hist_key id = { 0 };
	enum cgroup_state st[2];
	size_t cap = 0;
	__u32 zero = 0;
	int err = 0;

	while (!err && bpf_map_get_next_key(s->blame_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		st[0] = cgroup_names_state(&s->names, key.cgroup);
		st[1] = key.culprit >= RQS_CULPRIT_UNCOVERED || !key.culprit ? CGROUP_ALIVE :
			cgroup_names_state(&s->names, key.culprit);
		if (st[0] == CGROUP_GONE || st[1] == CGROUP_GONE ||
		    (fresh && (st[0] == CGROUP_UNSEEN || st[1] == CGROUP_UNSEEN))) {
			bpf_map_delete_elem(s->blame_fd, &key);
			continue;
		}
		if (t.n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct blame_pair *nv = realloc(t.v, c * sizeof(*nv));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			t.v = nv;
			cap = c;
		}
		id.cgroup_id = key.cgroup;
		t.v[t.n] = (struct blame_pair){
			.cgroup = label_of(s, &id),
			.culprit = culprit_label(s, &key),
		};
		t.n++;
		if (!t.v[t.n - 1].cgroup || !t.v[t.n - 1].culprit)
			err = -ENOMEM;
		if (!err)
			err = blame_sum(s, s->blame_fd, &key, &key, &t.v[t.n - 1].ns);
	}
	if (!err)
		err = blame_sum(s, s->blame_overflow_fd, &zero, &none, &t.overflow_ns);
	if (s->closing)
		blame_frozen_turn(s, err);
	if (!err)
		err = blame_table_merge(&t);
	if (err) {
		blame_table_free(&t);
		return err;
	}
	blame_table_free(&s->blame_now);
	s->blame_now = t;
	return 0;
}

static int by_key(const void *x, const void *y)
{
	return memcmp(x, y, sizeof(union rqs_hist_key));
}

/* --by comm: keys whose count has not changed for IDLE_KEY_NS while the map
 * is at least half full go into s->retired, as removed cgroups do (a COMM
 * is any string a task sets: names that come once, by the thousand, would
 * hold the map for the rest of the run, and every later COMM would be
 * overflow); a COMM that comes back gets a new key, and its series reads
 * as one with the retired one's by label. */
static int retire_idle(struct summary *s, const union rqs_hist_key *keys,
		       struct series *v, size_t *n)
{
	unsigned long long now = monotonic_ns();
	struct idle_key *seen = NULL, *old;
	size_t out = 0, nseen = 0;
	int err = 0;

	if (*n * 2 < s->max_keys) {
		free(s->idle);
		s->idle = NULL;
		s->nidle = 0;
		return 0;
	}
	seen = malloc(*n * sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		struct idle_key k = { .key = keys[i], .count = hist_count(&v[i].h), .since_ns = now };

		old = s->nidle ? bsearch(&k, s->idle, s->nidle, sizeof(*s->idle), by_key) : NULL;
		if (old && old->count == k.count)
			k.since_ns = old->since_ns;
		if (err || now - k.since_ns < IDLE_KEY_NS) {
			seen[nseen++] = k;
			v[out++] = v[i];
			continue;
		}
		err = retire_key(s, &keys[i], &v[i], now);
	}
	*n = out;
	if (nseen > 1)
		qsort(seen, nseen, sizeof(*seen), by_key);
	free(s->idle);
	s->idle = seen;
	s->nidle = nseen;
	return err;
}

static int read_keyed(struct summary *s, struct series **v, size_t *n, size_t *cap)
{
	bool fresh = false;
	union rqs_hist_key key = { 0 }, next = { 0 }, *prev = NULL, *keys = NULL, *nk;
	struct frozen_id id;
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
		id = keyed_id(&key);
		if (lookup_sum(s, &id, &(*v)[*n - 1].h)) {
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
	if (!err && s->blame)
		err = read_blame(s, fresh);
	if (!err && s->by == RQS_BY_CGROUP)
		err = retire_removed(s, keys, *v, n, fresh);
	if (!err && s->by == RQS_BY_COMM)
		err = retire_idle(s, keys, *v, n);
	if (!err) {
		retired_expire(&s->retired, monotonic_ns());
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
	struct frozen_id id;
	char buf[16];
	int err = 0;

	*overflow = (struct hist){ 0 };
	if (s->keyed) {
		err = read_keyed(s, &v, &nv, &cap);
		id = cpu_id(RQS_HIST_OVERFLOW, -1);
		if (!err)
			err = lookup_sum(s, &id, overflow);
	} else if (s->by == RQS_BY_CPU) {
		if (bpf_map_lookup_elem(s->cpu_fd, &idx, s->percpu))
			err = -errno;
		for (int cpu = 0; !err && cpu < s->ncpus; cpu++) {
			struct hist half = { 0 };

			snprintf(buf, sizeof(buf), "%d", cpu);
			err = push(&v, &nv, &cap, strdup(buf));
			if (err)
				break;
			if (!s->closing) {
				hist_add_bpf(&v[nv - 1].h, percpu_of(s, cpu), s->halves,
					     s->first_gen, s->last_gen);
				continue;
			}
			hist_add_bpf_gen(&half, percpu_of(s, cpu), s->last_gen);
			id = cpu_id(idx, cpu);
			err = close_half(s, &id, &half, &v[nv - 1].h);
		}
	} else {
		v = calloc(1, sizeof(*v));
		nv = v ? 1 : 0;
		id = cpu_id(idx, -1);
		err = v ? lookup_sum(s, &id, &v[0].h) : -ENOMEM;
	}
	if (s->closing)
		frozen_turn(s, err);
	if (err) {
		series_free(v, nv);
		return err;
	}
	*out = v;
	*n = nv;
	return 0;
}

/* The keys in the map; and with --by cgroup each cgroup new to them named
 * now, while it exists (a rescan at most once a second), not at the next
 * read, which for an exporter comes with the next scrape: a cgroup removed
 * before any scan saw it could only be "(unknown)". */
static size_t name_keys(struct summary *s)
{
	union rqs_hist_key key, next, *prev = NULL;
	size_t n = 0;

	while (bpf_map_get_next_key(s->keyed_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (s->by == RQS_BY_CGROUP)
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

	if (!s->keyed || now - s->retired_check_ns < RETIRE_SCAN_BUSY_NS)
		return 0;
	s->retired_check_ns = now;
	retired_expire(&s->retired, now);
	if (s->by == RQS_BY_COMM) {
		if (name_keys(s) * 2 < s->max_keys) {
			free(s->idle);
			s->idle = NULL;
			s->nidle = 0;
			return 0;
		}
	} else if (now - s->retired_scan_ns < RETIRE_SCAN_NS && name_keys(s) * 2 < s->max_keys) {
		return 0;
	}
	err = summary_read(s, &v, &n, &overflow);
	if (!err)
		series_free(v, n);
	return err;
}

void summary_free(struct summary *s)
{
	series_free(s->last, s->nlast);
	retired_free(&s->retired);
	free(s->idle);
	free(s->frozen);
	free(s->frozen_next);
	free(s->percpu);
	free(s->blame_percpu);
	free(s->blame_frozen);
	free(s->blame_frozen_next);
	blame_table_free(&s->blame_now);
	blame_table_free(&s->blame_last);
	if (s->have_names)
		cgroup_names_free(&s->names);
	*s = (struct summary){ 0 };
}
