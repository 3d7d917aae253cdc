// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The program table against the objects the tool loads: every program is
 * in it, and each plan's program set loads exactly one program per
 * tracepoint. Opens the objects, loads nothing: no privileges needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/plan.h"
#include "trace/program_table.h"
#include "runqslower_task.skel.h"
#include "runqslower_hash.skel.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

/* programs that load with @sets, per tracepoint (section name): one, but
 * for -W's hrtimer programs, attached twice on purpose (bpf/waker.bpf.h):
 * NAME and NAME2 */
static void check_sets(struct bpf_object *obj, unsigned int sets, unsigned int own)
{
	const char *seen[32], *names[32];
	unsigned int nseen = 0;
	struct bpf_program *prog;

	assert_int_equal(programs_select(obj, sets), 0);
	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);
		const char *name = bpf_program__name(prog);

		if (!bpf_program__autoload(prog))
			continue;
		for (unsigned int i = 0; i < nseen; i++) {
			size_t len = strlen(names[i]);

			if (strcmp(seen[i], sec))
				continue;
			if (strncmp(names[i], "irqctx_hrtimer_", 15) || strncmp(name, names[i], len) ||
			    strcmp(name + len, "2"))
				fail_msg("sets %#x load two programs on %s", sets, sec);
		}
		assert_true(nseen < 32);
		names[nseen] = name;
		seen[nseen++] = sec;
	}
	/* the waits' own (three, and task storage's task_newtask), -W's nine
	 * programs on seven tracepoints, -B's one */
	assert_int_equal(nseen, own + (sets & PROGS_WAKER ? 9 : 0) + (sets & PROGS_BLAME ? 1 : 0));
}

static void check_object(struct bpf_object *obj, unsigned int own)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);

		if (!program_set_of(name))
			fail_msg("program %s is in no set of the table", name);
		assert_null(strstr(program_stats_name(name), "handle_"));
		assert_null(strstr(program_stats_name(name), "ext_"));
	}
	check_sets(obj, PROGS_PLAIN, own);
	check_sets(obj, PROGS_EXT, own);
	check_sets(obj, PROGS_EXT | PROGS_WAKER, own);
	check_sets(obj, PROGS_EXT | PROGS_BLAME, own);
	check_sets(obj, PROGS_EXT | PROGS_WAKER | PROGS_BLAME, own);
}

static void test_task_object(void **state)
{
	struct runqslower_task_bpf *skel = runqslower_task_bpf__open();

	(void)state;
	assert_non_null(skel);
	check_object(skel->obj, 4);
	runqslower_task_bpf__destroy(skel);
}

static void test_hash_object(void **state)
{
	struct runqslower_hash_bpf *skel = runqslower_hash_bpf__open();

	(void)state;
	assert_non_null(skel);
	check_object(skel->obj, 3);
	runqslower_hash_bpf__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task_object),
		cmocka_unit_test(test_hash_object),
	};

	libbpf_set_print(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
