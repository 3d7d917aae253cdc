// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>

#include "common/version.h"

#include "report/event_printer.h"
#include "report/json_records.h"
#include "report/text_lines.h"

void event_printer_init(struct event_printer *p, const struct plan *plan)
{
	enum cgroup_names_failure failed;

	*p = (struct event_printer){
		.format = &plan->format,
		.event_size = plan->event_size,
		.quiet = !plan->outliers,
	};
	if (!plan->format.blame || p->quiet)
		return;
	if (cgroup_names_open(&p->cgroups, plan->cgroup_root, &failed)) {
		fprintf(stderr, RQS_NAME ": notice: -B: no cgroup v2 hierarchy to read, "
			"cgroups named by id\n");
		return;
	}
	p->have_cgroups = true;
}

void event_printer_free(struct event_printer *p)
{
	if (p->have_cgroups)
		cgroup_names_free(&p->cgroups);
	p->have_cgroups = false;
}

int event_printer_banner(const struct event_printer *p, const struct plan *plan)
{
	switch (plan->banner) {
	case BANNER_SUMMARY:
		return print_summary_banner(stdout, &plan->summary);
	case BANNER_JSON:
		return json_banner(stdout, plan, p->metrics);
	case BANNER_COLUMNS:
		break;
	}
	return print_banner(stdout, plan->min_us, p->format);
}

int event_printer_on_event(void *ctx, void *data, size_t size)
{
	struct event_printer *p = ctx;
	const struct rqs_event *e = data;
	struct cgroup_names *names;
	int ret;

	/* never shorter than the plan's size: the plan sets what the
	 * programs fill */
	if (size < p->event_size)
		return 0;
	p->events++;
	if (p->on_outlier)
		p->on_outlier(p->outlier_ctx, e, p->real_minus_mono);
	if (p->quiet)
		return 0;
	names = p->have_cgroups ? &p->cgroups : NULL;
	ret = p->format->json ? json_event(stdout, e, p->real_minus_mono, p->format, names) :
				print_event(stdout, e, p->format, p->real_minus_mono, names);
	if (ret < 0) {
		p->write_failed = true;
		return -EPIPE;
	}
	return 0;
}
