// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "common/untrusted_text.h"
#include "report/why_columns.h"
#include "report/wake_source.h"

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
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

unsigned int blame_summary(const struct rqs_event *e, struct blame_entry *out,
			   unsigned int max, struct blame_cover *cover)
{
	struct blame_entry all[RQS_BLAME_SLOTS];
	unsigned int n = 0, slots = e->nr_blame, i, j;
	unsigned long long total = 0, unseen = 0;
	char comm[RQS_COMM_LEN + 1];
	bool exited;

	if (slots > RQS_BLAME_SLOTS)
		slots = RQS_BLAME_SLOTS;
	for (i = 0; i < slots; i++) {
		const struct rqs_blame *b = &e->blame[i];

		if (!b->ns)
			continue;
		/* a run a switch not seen cut short, the waiter's own too: a
		 * waiter's run inside its own wait is one whose switch-out was
		 * hidden (a kernel may keep some tasks' switches from tracers),
		 * and someone not known held the CPU there */
		if (b->flags & RQS_BLAME_UNSEEN) {
			unseen += b->ns;
			continue;
		}
		/* the waiter's own run, seen to its end, which can only touch
		 * the window's edge; or a CPU's idle task, which held nothing
		 * (the waiter was queued elsewhere, or its wakeup had not
		 * reached the CPU yet): none of them ran instead */
		if (b->tid == e->pid || !b->tid)
			continue;
		total += b->ns;
		/* one entry per task: its TID, CPU and COMM. A TID can be a
		 * later task's within one wait (pid_max wraps, clone3()'s
		 * set_tid), so a run read as another task's ("exited") or
		 * of another COMM is kept apart, never given this name */
		exited = b->flags & RQS_BLAME_EXITED;
		comm_of(comm, b->comm);
		for (j = 0; j < n && !(all[j].tid == b->tid && all[j].cpu == b->cpu &&
				       all[j].exited == exited &&
				       (exited || !strcmp(all[j].comm, comm))); j++)
			;
		if (j == n) {
			all[n].tid = b->tid;
			all[n].cpu = b->cpu;
			all[n].ns = 0;
			all[n].exited = exited;
			strcpy(all[n].comm, exited ? "" : comm);
			all[n].cgroup = 0;
			n++;
		}
		/* the slots run oldest first: keep the latest cgroup read */
		if (!exited)
			all[j].cgroup = b->cgroup;
		all[j].ns += b->ns;
	}
	qsort(all, n, sizeof(all[0]), by_ns_desc);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(all[0]));
	if (!e->delta_ns || total >= e->delta_ns)
		cover->pct = 100;
	else
		cover->pct = (unsigned int)((total * 100 + e->delta_ns / 2) / e->delta_ns);
	cover->unseen_ns = unseen;
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

/* An entry's cgroup path; NULL when unknown (no id read, no names, or a
 * cgroup removed before any scan saw it) */
static const char *entry_cgroup(const struct blame_entry *b, struct cgroup_names *cgroups)
{
	if (!b->cgroup || !cgroups)
		return NULL;
	return cgroup_names_get(cgroups, b->cgroup);
}

static bool throttled_known(const struct rqs_event *e)
{
	return e->throttled_ns != RQS_THROTTLED_UNKNOWN;
}

void why_columns(FILE *out, const struct rqs_event *e, const struct output_format *f,
		 struct cgroup_names *cgroups)
{
	struct blame_entry b[RQS_BLAME_SLOTS];
	char comm[TEXT_ESCAPED_SIZE(RQS_COMM_LEN)], from[16], rq[16];
	struct blame_cover cover;
	unsigned int n;
	const char *path;

	if (f->waker) {
		struct wake_source src;
		char name[TEXT_ESCAPED_SIZE(RQS_COMM_LEN) + sizeof(src.irq_name) + 32], tid[16];

		/* from interrupt work: that work, not the task it came in on */
		wake_source_of(&e->enq.waker, &src);
		if (src.interrupt) {
			wake_source_text(&src, name, sizeof(name));
			strcpy(tid, "-");
		} else {
			text_escape(name, sizeof(name), e->enq.waker.comm, RQS_COMM_LEN);
			snprintf(tid, sizeof(tid), "%u", e->enq.waker.tid);
		}
		fprintf(out, f->cpu || f->blame ? " %-16s %-9s %-9s" : " %-16s %-9s %s",
			name, tid, wake_how_name(e->enq.waker.how));
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
		fprintf(out, " %4u%%", cover.pct);
		/* its own group's quota first: the wait's cause, not a task;
		 * then the time no task can be named for */
		if (throttled_known(e) && e->throttled_ns)
			fprintf(out, " throttled=%lluus", (unsigned long long)e->throttled_ns / 1000);
		if (cover.unseen_ns)
			fprintf(out, " unseen=%lluus", cover.unseen_ns / 1000);
		if (!n && !cover.unseen_ns && !(throttled_known(e) && e->throttled_ns))
			fputs(" -", out);
		/* a share from a CPU it left before it ran: @CPU; the task's
		 * cgroup after it, in parentheses */
		for (unsigned int i = 0; i < n; i++) {
			if (b[i].exited)
				strcpy(comm, RQS_BLAME_EXITED_NAME);
			else
				text_escape(comm, sizeof(comm), b[i].comm, RQS_COMM_LEN);
			if (b[i].cpu == e->cpu)
				fprintf(out, " %s[%u]=%lluus", comm, b[i].tid, b[i].ns / 1000);
			else
				fprintf(out, " %s[%u]@%d=%lluus", comm, b[i].tid, b[i].cpu,
					b[i].ns / 1000);
			path = entry_cgroup(&b[i], cgroups);
			if (path) {
				char *esc = malloc(TEXT_ESCAPED_SIZE(strlen(path)));

				if (esc) {
					text_escape(esc, TEXT_ESCAPED_SIZE(strlen(path)), path,
						    strlen(path));
					fprintf(out, "(%s)", esc);
					free(esc);
				}
			} else if (b[i].cgroup) {
				fprintf(out, "(cgroup %llu)", b[i].cgroup);
			}
		}
	}
}

/* -W from interrupt work: which (waker_comm and waker_tid stay the task it
 * came in on) */
static void why_json_source(struct json_obj *j, const struct rqs_waker *w)
{
	struct wake_source src;
	char vec[16];

	wake_source_of(w, &src);
	if (src.has_irq)
		json_u64(j, "waker_irq", src.irq);
	else
		json_null(j, "waker_irq");
	if (src.irq_name[0])
		json_str(j, "waker_irq_name", src.irq_name, sizeof(src.irq_name));
	else
		json_null(j, "waker_irq_name");
	if (src.softirq) {
		json_str(j, "waker_softirq", src.softirq, strlen(src.softirq));
	} else if (src.softirq_vec >= 0) {
		snprintf(vec, sizeof(vec), "%d", src.softirq_vec);
		json_str(j, "waker_softirq", vec, sizeof(vec));
	} else {
		json_null(j, "waker_softirq");
	}
	json_bool(j, "waker_hrtimer", src.hrtimer);
}

void why_json(struct json_obj *j, const struct rqs_event *e, const struct output_format *o,
	      struct cgroup_names *cgroups)
{
	struct blame_entry b[RQS_BLAME_SLOTS];
	struct blame_cover cover;
	struct json_obj item;
	unsigned int n;
	const char *path;

	if (o->waker) {
		json_str(j, "waker_comm", e->enq.waker.comm, RQS_COMM_LEN);
		json_u64(j, "waker_tid", e->enq.waker.tid);
		json_str(j, "wake", wake_how_name(e->enq.waker.how), RQS_COMM_LEN);
		why_json_source(j, &e->enq.waker);
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
		json_u64(j, "cover_pct", cover.pct);
		if (throttled_known(e))
			json_u64(j, "throttled_us", e->throttled_ns / 1000);
		else
			json_null(j, "throttled_us");
		json_u64(j, "unseen_us", cover.unseen_ns / 1000);
		/* as lat_ns beside lat_us: a part under a microsecond is not 0 */
		json_u64(j, "unseen_ns", cover.unseen_ns);
		json_key(j, "blame");
		fputc('[', j->out);
		for (unsigned int i = 0; i < n; i++) {
			if (i)
				fputc(',', j->out);
			/* an object without a "type": written by hand */
			item = (struct json_obj){ .out = j->out, .first = true };
			fputc('{', j->out);
			if (b[i].exited)
				json_null(&item, "comm");
			else
				json_str(&item, "comm", b[i].comm, RQS_COMM_LEN);
			json_u64(&item, "tid", b[i].tid);
			json_i64(&item, "cpu", b[i].cpu);
			json_u64(&item, "us", b[i].ns / 1000);
			path = entry_cgroup(&b[i], cgroups);
			if (path)
				json_str(&item, "cgroup", path, strlen(path));
			else
				json_null(&item, "cgroup");
			if (b[i].cgroup)
				json_u64(&item, "cgroup_id", b[i].cgroup);
			else
				json_null(&item, "cgroup_id");
			fputc('}', j->out);
		}
		fputc(']', j->out);
	}
}
