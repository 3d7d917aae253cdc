// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "report/why_columns.h"

bool why_columns_follow(const struct output_format *f)
{
	return f->waker || f->cpu || f->blame;
}

const char *wake_how_name(unsigned int how)
{
	switch (how) {
	case RQS_WAKE_WAKEUP: return "wakeup";
	case RQS_WAKE_IRQ: return "irq";
	case RQS_WAKE_SOFTIRQ: return "softirq";
	case RQS_WAKE_NEW: return "new";
	case RQS_WAKE_PREEMPTED: return "preempted";
	}
	return "-";
}

static void comm_of(char dst[RQS_COMM_LEN + 1], const char src[RQS_COMM_LEN])
{
	memcpy(dst, src, RQS_COMM_LEN);
	dst[RQS_COMM_LEN] = '\0';
}

static int by_ns_desc(const void *a, const void *b)
{
	const struct blame_entry *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? 1 : -1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

unsigned int blame_summary(const struct rqs_event *e, struct blame_entry *out,
			   unsigned int max, unsigned int *cover_pct)
{
	struct blame_entry all[RQS_BLAME_SLOTS];
	unsigned int n = 0, slots = e->nr_blame, i, j;
	unsigned long long total = 0;

	if (slots > RQS_BLAME_SLOTS)
		slots = RQS_BLAME_SLOTS;
	for (i = 0; i < slots; i++) {
		const struct rqs_blame *b = &e->blame[i];

		/* a slot outside the wait; or the waiter's own run, which can
		 * only touch the window's edge (the ring's clock is not the
		 * wait's): neither ran instead */
		if (!b->ns || b->tid == e->pid)
			continue;
		total += b->ns;
		for (j = 0; j < n && all[j].tid != b->tid; j++)
			;
		if (j == n) {
			all[n].tid = b->tid;
			all[n].ns = 0;
			n++;
		}
		/* the slots run oldest first: keep the latest name */
		comm_of(all[j].comm, b->comm);
		all[j].ns += b->ns;
	}
	qsort(all, n, sizeof(all[0]), by_ns_desc);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(all[0]));
	if (!e->delta_ns)
		*cover_pct = 100;
	else if (total >= e->delta_ns)
		*cover_pct = 100;
	else
		*cover_pct = (unsigned int)((total * 100 + e->delta_ns / 2) / e->delta_ns);
	return n;
}

void why_header(FILE *out, const struct output_format *f)
{
	if (f->waker)
		fprintf(out, f->cpu || f->blame ? " %-16s %-9s %-9s" : " %-16s %-9s %s",
			"WAKER COMM", "WAKER TID", "WAKE");
	if (f->cpu)
		fprintf(out, f->blame ? " %-4s %-4s %-4s" : " %-4s %-4s %s", "CPU", "FROM", "RQ");
	if (f->blame)
		fprintf(out, " %5s %s", "COVER", "RAN INSTEAD");
}

void why_columns(FILE *out, const struct rqs_event *e, const struct output_format *f)
{
	struct blame_entry b[RQS_BLAME_SLOTS];
	char comm[RQS_COMM_LEN + 1], from[16], rq[16];
	unsigned int n, cover;

	if (f->waker) {
		comm_of(comm, e->enq.waker.comm);
		fprintf(out, f->cpu || f->blame ? " %-16s %-9u %-9s" : " %-16s %-9u %s",
			comm, e->enq.waker.tid, wake_how_name(e->enq.waker.how));
	}
	if (f->cpu) {
		if (e->enq.cpu >= 0 && e->enq.cpu != e->cpu)
			snprintf(from, sizeof(from), "%d", e->enq.cpu);
		else
			strcpy(from, "-");
		if (e->enq.rq_len == RQS_RQ_UNKNOWN)
			strcpy(rq, "-");
		else
			snprintf(rq, sizeof(rq), "%u", e->enq.rq_len);
		fprintf(out, f->blame ? " %-4d %-4s %-4s" : " %-4d %-4s %s", e->cpu, from, rq);
	}
	if (f->blame) {
		n = blame_summary(e, b, f->blame, &cover);
		fprintf(out, " %4u%%", cover);
		if (!n)
			fputs(" -", out);
		for (unsigned int i = 0; i < n; i++)
			fprintf(out, " %s[%u]=%lluus", b[i].comm, b[i].tid, b[i].ns / 1000);
	}
}

void why_json(struct json_obj *j, const struct rqs_event *e, const struct output_format *o)
{
	struct blame_entry b[RQS_BLAME_SLOTS];
	struct json_obj item;
	unsigned int n, cover;

	if (o->waker) {
		json_str(j, "waker_comm", e->enq.waker.comm, RQS_COMM_LEN);
		json_u64(j, "waker_tid", e->enq.waker.tid);
		json_str(j, "wake", wake_how_name(e->enq.waker.how), RQS_COMM_LEN);
	}
	if (o->cpu) {
		if (e->enq.cpu >= 0 && e->enq.cpu != e->cpu)
			json_i64(j, "from_cpu", e->enq.cpu);
		else
			json_null(j, "from_cpu");
		if (e->enq.rq_len == RQS_RQ_UNKNOWN)
			json_null(j, "rq");
		else
			json_u64(j, "rq", e->enq.rq_len);
	}
	if (o->blame) {
		n = blame_summary(e, b, o->blame, &cover);
		json_u64(j, "cover_pct", cover);
		json_key(j, "blame");
		fputc('[', j->out);
		for (unsigned int i = 0; i < n; i++) {
			if (i)
				fputc(',', j->out);
			/* an object without a "type": written by hand */
			item = (struct json_obj){ .out = j->out, .first = true };
			fputc('{', j->out);
			json_str(&item, "comm", b[i].comm, RQS_COMM_LEN);
			json_u64(&item, "tid", b[i].tid);
			json_u64(&item, "us", b[i].ns / 1000);
			fputc('}', j->out);
		}
		fputc(']', j->out);
	}
}
