// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/wake_source.h"

static const char *sys_irq_dir = "/sys/kernel/irq";
static const char *interrupts_path = "/proc/interrupts";
static const char *softirqs_path = "/proc/softirqs";

/* kernel/softirq.c, softirq_to_name[], the same since Linux 4.5 (IRQ_POLL
 * was BLOCK_IOPOLL before) */
static const char *const softirq_builtin[] = {
	"hi", "timer", "net_tx", "net_rx", "block", "irq_poll", "tasklet", "sched",
	"hrtimer", "rcu",
};

#define SOFTIRQ_MAX 32
static char softirq_names[SOFTIRQ_MAX][16];
static int nr_softirq_names = -1;	/* -1: not read yet; 0: unreadable */

void wake_source_paths(const char *sys_irq, const char *proc_interrupts,
		       const char *proc_softirqs)
{
	if (sys_irq)
		sys_irq_dir = sys_irq;
	if (proc_interrupts)
		interrupts_path = proc_interrupts;
	if (proc_softirqs)
		softirqs_path = proc_softirqs;
	nr_softirq_names = -1;
}

/* show_softirqs(): a line of CPU names, then "%12s:" softirq_to_name[i] and
 * the counts, for each vector in order */
static void read_softirq_names(void)
{
	char line[4096];
	FILE *f = fopen(softirqs_path, "re");
	int n = 0;

	nr_softirq_names = 0;
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	while (n < SOFTIRQ_MAX && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " "), *colon = strchr(p, ':');
		size_t len, i;

		if (!colon || colon == p || (len = (size_t)(colon - p)) >= sizeof(softirq_names[0]))
			break;
		for (i = 0; i < len; i++)
			softirq_names[n][i] = (char)tolower((unsigned char)p[i]);
		softirq_names[n][len] = '\0';
		n++;
	}
	fclose(f);
	nr_softirq_names = n;
}

const char *softirq_name(unsigned int vec)
{
	if (nr_softirq_names < 0)
		read_softirq_names();
	if (nr_softirq_names > 0)
		return vec < (unsigned int)nr_softirq_names ? softirq_names[vec] : NULL;
	return vec < sizeof(softirq_builtin) / sizeof(softirq_builtin[0]) ? softirq_builtin[vec] : NULL;
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* kernel/irq/irqdesc.c, actions_show(): the names joined by "," (with
 * CONFIG_SPARSE_IRQ, since Linux 4.11) */
static bool sys_actions(unsigned int irq, char *buf, size_t len)
{
	char path[256];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%u/actions", sys_irq_dir, irq);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	trim(buf);
	return buf[0] != '\0';
}

/* kernel/irq/proc.c, show_interrupts(): "%*d: ", the counts, the chip's
 * and the trigger's columns, then "  %s" the first handler's name and
 * ", %s" each other's: the names are what follows the last double blank */
static bool proc_actions(unsigned int irq, char *buf, size_t len)
{
	char line[8192], *p, *end, *last;
	FILE *f = fopen(interrupts_path, "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (!isdigit((unsigned char)*p) || strtoul(p, &end, 10) != irq || *end != ':')
			continue;
		trim(end);
		last = NULL;
		for (p = end + 1; (p = strstr(p, "  ")); p++)
			last = p;
		if (!last)
			break;
		last += strspn(last, " ");
		if (*last) {
			snprintf(buf, len, "%s", last);
			found = true;
		}
	}
	fclose(f);
	return found;
}

bool irq_actions(unsigned int irq, char *buf, size_t len)
{
	if (!len)
		return false;
	buf[0] = '\0';
	if (sys_actions(irq, buf, len) || proc_actions(irq, buf, len))
		return true;
	buf[0] = '\0';
	return false;
}

void wake_source_of(const struct rqs_waker *w, struct wake_source *s)
{
	*s = (struct wake_source){ .softirq_vec = -1 };
	if (w->how == RQS_WAKE_IRQ) {
		s->interrupt = true;
		s->hrtimer = w->hrtimer != 0;
		if (w->irq) {
			s->has_irq = true;
			s->irq = w->irq - 1;
			irq_actions(s->irq, s->irq_name, sizeof(s->irq_name));
		}
	} else if (w->how == RQS_WAKE_SOFTIRQ) {
		s->interrupt = true;
		s->soft = true;
		if (w->softirq) {
			s->softirq_vec = w->softirq - 1;
			s->softirq = softirq_name((unsigned int)s->softirq_vec);
		}
	}
}

/* a blank or a control byte in a name would split the text column */
static void no_blanks(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			*s = '_';
}

void wake_source_text(const struct wake_source *s, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	if (!s->interrupt)
		return;
	if (s->hrtimer)
		snprintf(buf, len, "[hrtimer]");
	else if (s->has_irq && s->irq_name[0])
		snprintf(buf, len, "[irq/%u-%s]", s->irq, s->irq_name);
	else if (s->has_irq)
		snprintf(buf, len, "[irq/%u]", s->irq);
	else if (s->softirq)
		snprintf(buf, len, "[softirq/%s]", s->softirq);
	else if (s->softirq_vec >= 0)
		snprintf(buf, len, "[softirq/%d]", s->softirq_vec);
	else
		snprintf(buf, len, s->soft ? "[softirq]" : "[irq]");
	no_blanks(buf);
}
