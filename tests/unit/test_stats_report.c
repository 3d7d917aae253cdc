// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --stats: one struct, rendered as text and as JSON; the JSON must be the
 * text's data, key for key (the benchmark parses the text). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/stats_report.h"
#include "capture.h"

static char *render(int (*fn)(FILE *, const struct run_stats *), const struct run_stats *s)
{
	struct capture c;

	assert_int_equal(fn(capture_open(&c), s), 0);
	return capture_close(&c);
}

static void fill_common(struct run_stats *s)
{
	s->counters_readable = true;
	s->progs[0] = (struct prog_run_stats){ "sched_switch", 9323, 3157761, 2 };
	s->progs[1] = (struct prog_run_stats){ "sched_wakeup", 6006, 1963195, 0 };
	s->progs[2] = (struct prog_run_stats){ "sched_wakeup_new", 0, 0, 0 };
	s->nprogs = 3;
	s->emitted = 1390;
	s->counters[RQS_LOST_RINGBUF] = 7;
	s->counters[RQS_OVER_THRESHOLD] = 1397;
	s->counters[RQS_LOST_STORAGE] = 2;
	s->counters[RQS_NEGATIVE_WAIT] = 1;
	s->counters[RQS_MISSED_SWITCH_IN] = 4;
	s->counters[RQS_LOST_WAKER] = 6;
}

static void test_task(void **state)
{
	struct run_stats s = { .mode = STORAGE_TASK, .memory_bytes = 189184, .map_bytes = 512,
			       .per_task = 352, .tasks = 536, .prefilled = 524,
			       .hot_create = true };
	char *text, *json;

	(void)state;
	fill_common(&s);
	s.counters[RQS_STORAGE_CREATED] = 10;
	s.counters[RQS_STORAGE_CREATED_HOT] = 2;
	text = render(stats_print_text, &s);
	json = render(stats_print_json, &s);
	assert_string_equal(text,
		"stats: storage: mode=task at_fork=10 at_wakeup=2\n"
		"stats: prog: sched_switch runs=9323 run_ns=3157761 ns_per_run=338.7\n"
		"stats: prog: sched_wakeup runs=6006 run_ns=1963195 ns_per_run=326.9\n"
		"stats: prog: sched_wakeup_new runs=0 run_ns=0 ns_per_run=0.0\n"
		"stats: recursion_misses: sched_switch=2 sched_wakeup=0 sched_wakeup_new=0\n"
		"stats: events: emitted=1390 lost_ringbuf=7\n"
		"stats: waits: over_threshold=1397\n"
		"stats: wakeups: not_recorded=2\n"
		"stats: waits: negative=1\n"
		"stats: waits: missed_switch_in=4\n"
		"stats: wakers: not_recorded=6\n"
		"stats: memory: bytes=189184 map=512 per_task=352 tasks=536 prefilled=524\n");
	assert_string_equal(json,
		"{\"type\":\"stats\",\"what\":\"storage\",\"mode\":\"task\",\"at_fork\":10,\"at_wakeup\":2}\n"
		"{\"type\":\"stats\",\"what\":\"prog\",\"name\":\"sched_switch\",\"runs\":9323,\"run_ns\":3157761,\"ns_per_run\":338.7}\n"
		"{\"type\":\"stats\",\"what\":\"prog\",\"name\":\"sched_wakeup\",\"runs\":6006,\"run_ns\":1963195,\"ns_per_run\":326.9}\n"
		"{\"type\":\"stats\",\"what\":\"prog\",\"name\":\"sched_wakeup_new\",\"runs\":0,\"run_ns\":0,\"ns_per_run\":0.0}\n"
		"{\"type\":\"stats\",\"what\":\"recursion_misses\",\"sched_switch\":2,\"sched_wakeup\":0,\"sched_wakeup_new\":0}\n"
		"{\"type\":\"stats\",\"what\":\"events\",\"emitted\":1390,\"lost_ringbuf\":7}\n"
		"{\"type\":\"stats\",\"what\":\"waits\",\"over_threshold\":1397}\n"
		"{\"type\":\"stats\",\"what\":\"wakeups\",\"not_recorded\":2}\n"
		"{\"type\":\"stats\",\"what\":\"waits\",\"negative\":1}\n"
		"{\"type\":\"stats\",\"what\":\"waits\",\"missed_switch_in\":4}\n"
		"{\"type\":\"stats\",\"what\":\"wakers\",\"not_recorded\":6}\n"
		"{\"type\":\"stats\",\"what\":\"memory\",\"bytes\":189184,\"map\":512,\"per_task\":352,\"tasks\":536,\"prefilled\":524}\n");
	free(text);
	free(json);
}

/* before Linux 6.4 the tracing programs never create storage: said as such */
static void test_task_no_hot_create(void **state)
{
	struct run_stats s = { .mode = STORAGE_TASK, .tasks = 12, .prefilled = 2 };
	char *text, *json;

	(void)state;
	fill_common(&s);
	s.counters[RQS_STORAGE_CREATED] = 10;
	text = render(stats_print_text, &s);
	json = render(stats_print_json, &s);
	assert_non_null(strstr(text, "stats: storage: mode=task at_fork=10 at_wakeup=off\n"));
	assert_non_null(strstr(json, "{\"type\":\"stats\",\"what\":\"storage\",\"mode\":\"task\",\"at_fork\":10,\"at_wakeup\":\"off\"}\n"));
	free(text);
	free(json);
}

static void test_hash_and_unreadable(void **state)
{
	struct run_stats s = { .mode = STORAGE_HASH, .hash_max_entries = 10240,
			       .hash_entries = 12, .memory_bytes = 1328288, .map_bytes = 1328288 };
	char *text, *json;

	(void)state;
	fill_common(&s);
	s.nprogs = 0;
	s.counters_readable = false;
	memset(s.counters, 0, sizeof(s.counters));
	text = render(stats_print_text, &s);
	json = render(stats_print_json, &s);
	assert_string_equal(text,
		"stats: counters: readable=0\n"
		"stats: storage: mode=hash\n"
		"stats: events: emitted=1390 lost_ringbuf=0\n"
		"stats: waits: over_threshold=0\n"
		"stats: wakeups: not_recorded=0\n"
		"stats: waits: negative=0\n"
		"stats: waits: missed_switch_in=0\n"
		"stats: wakers: not_recorded=0\n"
		"stats: hash: max_entries=10240 entries=12 stale=unknown\n"
		"stats: memory: bytes=1328288 map=1328288\n");
	assert_string_equal(json,
		"{\"type\":\"stats\",\"what\":\"counters\",\"readable\":0}\n"
		"{\"type\":\"stats\",\"what\":\"storage\",\"mode\":\"hash\"}\n"
		"{\"type\":\"stats\",\"what\":\"events\",\"emitted\":1390,\"lost_ringbuf\":0}\n"
		"{\"type\":\"stats\",\"what\":\"waits\",\"over_threshold\":0}\n"
		"{\"type\":\"stats\",\"what\":\"wakeups\",\"not_recorded\":0}\n"
		"{\"type\":\"stats\",\"what\":\"waits\",\"negative\":0}\n"
		"{\"type\":\"stats\",\"what\":\"waits\",\"missed_switch_in\":0}\n"
		"{\"type\":\"stats\",\"what\":\"wakers\",\"not_recorded\":0}\n"
		"{\"type\":\"stats\",\"what\":\"hash\",\"max_entries\":10240,\"entries\":12,\"stale\":\"unknown\"}\n"
		"{\"type\":\"stats\",\"what\":\"memory\",\"bytes\":1328288,\"map\":1328288}\n");
	free(text);
	free(json);
	s.hash_stale_known = true;
	s.hash_stale = 3;
	text = render(stats_print_text, &s);
	json = render(stats_print_json, &s);
	assert_non_null(strstr(text, "stats: hash: max_entries=10240 entries=12 stale=3\n"));
	assert_non_null(strstr(json, "{\"type\":\"stats\",\"what\":\"hash\",\"max_entries\":10240,\"entries\":12,\"stale\":3}\n"));
	free(text);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task),
		cmocka_unit_test(test_task_no_hot_create),
		cmocka_unit_test(test_hash_and_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
