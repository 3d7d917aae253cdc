// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Log2 histogram arithmetic and its runqlat-style rendering. */
#include <math.h>
#include <string.h>

#include "common/untrusted_text.h"
#include "summary/log2_hist.h"

#define BAR_WIDTH 40

unsigned int hist_slot_of_us(uint64_t us)
{
	return rqs_hist_slot_of_us(us);
}

struct us_range hist_slot_range(unsigned int slot)
{
	struct us_range r = { 0, 1, false };

	if (slot == 0)
		return r;
	r.low = 1ULL << slot;
	r.high = (1ULL << (slot + 1)) - 1;
	r.open = slot == RQS_HIST_SLOTS - 1;
	return r;
}

uint64_t hist_count(const struct hist *h)
{
	uint64_t n = 0;

	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		n += h->slots[i];
	return n;
}

struct hist_layout hist_layout_of(uint64_t low_us, uint64_t high_us)
{
	/* bound 2^e is slot e - 1's upper end; the last slot has none */
	unsigned int lo = low_us ? (unsigned int)rqs_log2(low_us) : 0;
	unsigned int hi = (unsigned int)rqs_log2(high_us);

	if (high_us > (1ULL << hi))
		hi++;
	if (lo < 1)
		lo = 1;
	if (lo > RQS_HIST_SLOTS - 1)
		lo = RQS_HIST_SLOTS - 1;
	if (hi > RQS_HIST_SLOTS - 1)
		hi = RQS_HIST_SLOTS - 1;
	if (hi < lo)
		hi = lo;
	return (struct hist_layout){ lo - 1, hi };
}

void hist_fold(const struct hist *h, const struct hist_layout *l,
	       uint64_t slots[RQS_HIST_SLOTS])
{
	memcpy(slots, h->slots, sizeof(h->slots));
	if (!l)
		return;
	for (unsigned int i = 0; i < l->first; i++) {
		slots[l->first] += slots[i];
		slots[i] = 0;
	}
	for (unsigned int i = l->last + 1; i < RQS_HIST_SLOTS; i++) {
		slots[l->last] += slots[i];
		slots[i] = 0;
	}
}

struct us_range hist_layout_range(const struct hist_layout *l, unsigned int slot)
{
	struct us_range r = hist_slot_range(slot);

	if (!l)
		return r;
	if (slot == l->first)
		r.low = 0;
	if (slot == l->last)
		r.open = true;
	return r;
}

static void copy_comm(char dst[17], const char *src)
{
	memcpy(dst, src, 16);
	dst[16] = '\0';
}

static void add_half(struct hist *h, const struct rqs_hist_gen *g)
{
	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		h->slots[i] += g->slots[i];
	h->sum_ns += g->sum_ns;
}

static void add_max(struct hist *h, const struct rqs_hist_max *m, __u32 first_gen,
		    __u32 last_gen)
{
	/* wraps like the generation itself */
	if (m->gen - first_gen > last_gen - first_gen || m->ns <= h->max_ns)
		return;
	h->max_ns = m->ns;
	h->max_pid = m->pid;
	copy_comm(h->max_comm, m->comm);
}

void hist_add_bpf(struct hist *h, const struct rqs_hist_gen *v, unsigned int halves,
		  __u32 first_gen, __u32 last_gen)
{
	for (unsigned int i = 0; i < halves; i++) {
		add_half(h, &v[i]);
		add_max(h, &v[i].max, first_gen, last_gen);
	}
}

void hist_add_bpf_gen(struct hist *h, const struct rqs_hist_gen *v, __u32 gen)
{
	add_half(h, &v[gen & 1]);
	add_max(h, &v[gen & 1].max, gen, gen);
}

void hist_add(struct hist *h, const struct hist *v)
{
	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		h->slots[i] += v->slots[i];
	h->sum_ns += v->sum_ns;
	if (v->max_ns > h->max_ns) {
		h->max_ns = v->max_ns;
		h->max_pid = v->max_pid;
		memcpy(h->max_comm, v->max_comm, sizeof(h->max_comm));
	}
}

/* Counters only grow; a base larger than the value means the key was
 * reused, and the value is then new in full. */
void hist_sub(struct hist *h, const struct hist *base)
{
	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		h->slots[i] -= base->slots[i] <= h->slots[i] ? base->slots[i] : 0;
	h->sum_ns -= base->sum_ns <= h->sum_ns ? base->sum_ns : 0;
}

bool hist_quantile(const struct hist *h, double q, struct us_range *r)
{
	uint64_t n = hist_count(h), rank, seen = 0, max_us;
	unsigned int slot;

	if (!n)
		return false;
	/* 0.99 * 100 must be rank 99 even when the product is 99.00000000000001 */
	rank = (uint64_t)ceil(q * (double)n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	for (slot = 0; slot < RQS_HIST_SLOTS - 1; slot++) {
		seen += h->slots[slot];
		if (seen >= rank)
			break;
	}
	*r = hist_slot_range(slot);
	if (h->max_ns) {
		max_us = h->max_ns / 1000;
		if (hist_slot_of_us(max_us) == slot) {
			r->high = max_us;
			r->open = false;
		}
	}
	return true;
}

static void print_range(FILE *out, const char *name, const struct us_range *r)
{
	if (r->open)
		fprintf(out, ", %s >= %llu us", name, (unsigned long long)r->low);
	else if (r->low == r->high)
		fprintf(out, ", %s %llu us", name, (unsigned long long)r->low);
	else
		fprintf(out, ", %s %llu-%llu us", name, (unsigned long long)r->low,
			(unsigned long long)r->high);
}

static void print_bar(FILE *out, uint64_t n, uint64_t top)
{
	int stars = top ? (int)((n * BAR_WIDTH + top - 1) / top) : 0;

	fputc('|', out);
	for (int i = 0; i < BAR_WIDTH; i++)
		fputc(i < stars ? '*' : ' ', out);
	fputs("|\n", out);
}

const struct hist_quantile_name hist_quantiles[HIST_NQUANTILES] = {
	{ 0.5, "p50" }, { 0.9, "p90" }, { 0.99, "p99" }, { 0.999, "p99.9" },
};

int hist_print(FILE *out, const struct hist *h, const struct hist_layout *l)
{
	uint64_t n = hist_count(h), top = 0, slots[RQS_HIST_SLOTS];
	int first = l ? (int)l->first : 0, last = -1;
	char comm[TEXT_ESCAPED_SIZE(sizeof(h->max_comm))];
	struct us_range r;

	hist_fold(h, l, slots);
	for (int i = 0; i < RQS_HIST_SLOTS; i++) {
		if (slots[i])
			last = i;
		if (slots[i] > top)
			top = slots[i];
	}
	if (last < 0)
		return fprintf(out, "no waits\n");
	fprintf(out, "%*s%-*s : count    distribution\n", 5, "", 19, "usecs");
	for (int i = first; i <= last; i++) {
		r = hist_layout_range(l, (unsigned int)i);
		if (r.open)
			fprintf(out, "%10llu -> %-10s : %-8llu ", (unsigned long long)r.low,
				"...", (unsigned long long)slots[i]);
		else
			fprintf(out, "%10llu -> %-10llu : %-8llu ", (unsigned long long)r.low,
				(unsigned long long)r.high, (unsigned long long)slots[i]);
		print_bar(out, slots[i], top);
	}
	fprintf(out, "waits %llu, mean %llu us", (unsigned long long)n,
		(unsigned long long)(h->sum_ns / n / 1000));
	for (size_t i = 0; i < HIST_NQUANTILES; i++)
		if (hist_quantile(h, hist_quantiles[i].q, &r))
			print_range(out, hist_quantiles[i].name, &r);
	if (h->max_ns) {
		text_escape(comm, sizeof(comm), h->max_comm, sizeof(h->max_comm));
		fprintf(out, ", max %llu us (%s %u)", (unsigned long long)(h->max_ns / 1000),
			comm, h->max_pid);
	}
	return fprintf(out, "\n");
}
