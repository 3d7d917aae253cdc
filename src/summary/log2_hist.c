// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Log2 histogram arithmetic and its runqlat-style rendering. */
#include <math.h>
#include <string.h>

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

static void copy_comm(char dst[17], const char *src)
{
	memcpy(dst, src, 16);
	dst[16] = '\0';
}

void hist_add_bpf(struct hist *h, const struct rqs_hist *v, __u32 first_gen,
		  __u32 last_gen)
{
	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		h->slots[i] += v->slots[i];
	h->sum_ns += v->sum_ns;
	for (int i = 0; i < 2; i++) {
		const struct rqs_hist_max *m = &v->max[i];

		/* wraps like the generation itself */
		if (m->gen - first_gen > last_gen - first_gen || m->ns <= h->max_ns)
			continue;
		h->max_ns = m->ns;
		h->max_pid = m->pid;
		copy_comm(h->max_comm, m->comm);
	}
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

int hist_print(FILE *out, const struct hist *h)
{
	static const struct { double q; const char *name; } qs[] = {
		{ 0.5, "p50" }, { 0.9, "p90" }, { 0.99, "p99" }, { 0.999, "p99.9" },
	};
	uint64_t n = hist_count(h), top = 0;
	int last = -1;
	struct us_range r;

	for (int i = 0; i < RQS_HIST_SLOTS; i++) {
		if (h->slots[i])
			last = i;
		if (h->slots[i] > top)
			top = h->slots[i];
	}
	if (last < 0)
		return fprintf(out, "no waits\n");
	fprintf(out, "%*s%-*s : count    distribution\n", 5, "", 19, "usecs");
	for (int i = 0; i <= last; i++) {
		r = hist_slot_range(i);
		if (r.open)
			fprintf(out, "%10llu -> %-10s : %-8llu ", (unsigned long long)r.low,
				"...", (unsigned long long)h->slots[i]);
		else
			fprintf(out, "%10llu -> %-10llu : %-8llu ", (unsigned long long)r.low,
				(unsigned long long)r.high, (unsigned long long)h->slots[i]);
		print_bar(out, h->slots[i], top);
	}
	fprintf(out, "waits %llu, mean %llu us", (unsigned long long)n,
		(unsigned long long)(h->sum_ns / n / 1000));
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		if (hist_quantile(h, qs[i].q, &r))
			print_range(out, qs[i].name, &r);
	if (h->max_ns)
		fprintf(out, ", max %llu us (%s %u)", (unsigned long long)(h->max_ns / 1000),
			h->max_comm, h->max_pid);
	return fprintf(out, "\n");
}
