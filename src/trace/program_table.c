// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Every program of bpf/runqslower.bpf.c, the set it belongs to, and its
 * name in --stats (the tracepoint's, for both builds of a program). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/plan.h"
#include "common/version.h"
#include "trace/program_table.h"

static const struct {
	const char *name;
	unsigned int set;
	const char *stats_name;
} program_table[] = {
	{ "handle_sched_switch", PROGS_PLAIN, "sched_switch" },
	{ "ext_sched_switch", PROGS_EXT, "sched_switch" },
	{ "handle_sched_wakeup", PROGS_PLAIN, "sched_wakeup" },
	{ "ext_sched_wakeup", PROGS_EXT, "sched_wakeup" },
	{ "handle_sched_wakeup_new", PROGS_PLAIN, "sched_wakeup_new" },
	{ "ext_sched_wakeup_new", PROGS_EXT, "sched_wakeup_new" },
	{ "storage_task_newtask", PROGS_PLAIN | PROGS_EXT, "task_newtask" },
	{ "irqctx_hardirq_exit", PROGS_WAKER, "irqctx_hardirq_exit" },
	{ "irqctx_hrtimer_exit", PROGS_WAKER, "irqctx_hrtimer_exit" },
	{ "irqctx_hrtimer_exit2", PROGS_WAKER, "irqctx_hrtimer_exit2" },
	{ "irqctx_softirq_exit", PROGS_WAKER, "irqctx_softirq_exit" },
	{ "blame_sched_migrate_task", PROGS_BLAME, "sched_migrate_task" },
	{ "irqctx_hardirq_entry", PROGS_WAKER, "irqctx_hardirq_entry" },
	{ "irqctx_hrtimer_entry", PROGS_WAKER, "irqctx_hrtimer_entry" },
	{ "irqctx_hrtimer_entry2", PROGS_WAKER, "irqctx_hrtimer_entry2" },
	{ "irqctx_softirq_entry", PROGS_WAKER, "irqctx_softirq_entry" },
	{ "handle_sched_waking", PROGS_WAKER, "sched_waking" },
};

static int table_index(const char *name)
{
	for (size_t i = 0; i < sizeof(program_table) / sizeof(program_table[0]); i++)
		if (!strcmp(program_table[i].name, name))
			return (int)i;
	return -1;
}

unsigned int program_set_of(const char *name)
{
	int i = table_index(name);

	return i < 0 ? 0 : program_table[i].set;
}

const char *program_stats_name(const char *name)
{
	int i = table_index(name);

	return i < 0 ? name : program_table[i].stats_name;
}

int programs_select(struct bpf_object *obj, unsigned int sets)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		unsigned int set = program_set_of(bpf_program__name(prog));

		if (!set) {
			fprintf(stderr, RQS_NAME ": cannot load BPF programs: program '%s' is in no set of src/trace/program_table.c\n",
				bpf_program__name(prog));
			return -ENOENT;
		}
		bpf_program__set_autoload(prog, (set & sets) != 0);
	}
	return 0;
}
