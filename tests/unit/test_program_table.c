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

/* programs that load with @sets, per tracepoint (section name) */
static void check_sets(struct bpf_object *obj, unsigned int sets)
{
	const char *seen[32];
	unsigned int nseen = 0;
	struct bpf_program *prog;

	assert_int_equal(programs_select(obj, sets), 0);
	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);

		if (!bpf_program__autoload(prog))
			continue;
		for (unsigned int i = 0; i < nseen; i++)
			if (!strcmp(seen[i], sec))
				fail_msg("sets %#x load two programs on %s", sets, sec);
		assert_true(nseen < 32);
		seen[nseen++] = sec;
	}
	/* the waits' own three, and -W's seven */
	assert_int_equal(nseen, sets & PROGS_WAKER ? 10 : 3);
}

static void check_object(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);

		if (!program_set_of(name))
			fail_msg("program %s is in no set of the table", name);
		assert_null(strstr(program_stats_name(name), "handle_"));
		assert_null(strstr(program_stats_name(name), "ext_"));
	}
	check_sets(obj, PROGS_PLAIN);
	check_sets(obj, PROGS_EXT);
	check_sets(obj, PROGS_EXT | PROGS_WAKER);
}

static void test_task_object(void **state)
{
	struct runqslower_task_bpf *skel = runqslower_task_bpf__open();

	(void)state;
	assert_non_null(skel);
	check_object(skel->obj);
	runqslower_task_bpf__destroy(skel);
}

static void test_hash_object(void **state)
{
	struct runqslower_hash_bpf *skel = runqslower_hash_bpf__open();

	(void)state;
	assert_non_null(skel);
	check_object(skel->obj);
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
