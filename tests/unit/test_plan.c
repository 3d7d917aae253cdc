// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Every option pinned to what it makes of the plan: the programs' rodata
 * and program set, the event size, map sizes, the outputs. A row lists
 * what its command line changes from the plain plan; every other field
 * must stay as in the plain plan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/parse_args.h"
#include "cli/plan.h"

#define BASE RQS_EVENT_BASE_SIZE
#define DETAILS RQS_EVENT_DETAILS_SIZE
#define BLAME RQS_EVENT_BLAME_SIZE
#define RB RQS_RINGBUF_BYTES

/* The fields a row pins; -1 (or NULL) where the row leaves the plain plan's */
struct expect {
	const char *argv[8];
	int programs;
	int details, blame;	/* cfg.details, cfg.blame */
	long event_size, ringbuf_bytes;
	int waker, cpu, previous;	/* cfg */
	int outliers, json, stats;
	int banner;		/* enum banner_kind */
	int sum_enabled, sum_print, sum_interval, sum_by, metrics;
	long hist_keys, hist_key_size;
	long long min_ns;
	int ntgids, targ_pid, comm_filtered, cgroup;
	int storage;		/* the mode given to the plan; -1: task */
	long hash_entries;
	int loss_every;		/* plan.loss_every_s; -1: 0 */
};

/* a row overrides the defaults that ROW() gives every field */
#pragma GCC diagnostic ignored "-Woverride-init"
#define ROW(...) { .programs = -1, .details = -1, .blame = -1, .event_size = -1, \
	.ringbuf_bytes = -1, .waker = -1, .cpu = -1, .previous = -1, .outliers = -1, \
	.banner = -1, .json = -1, .stats = -1, .sum_enabled = -1, .sum_print = -1, .sum_interval = -1, \
	.sum_by = -1, .metrics = -1, .hist_keys = -1, .hist_key_size = -1, .min_ns = -1, \
	.ntgids = -1, .targ_pid = -1, .comm_filtered = -1, .cgroup = -1, .storage = -1, \
	.hash_entries = -1, .loss_every = -1, __VA_ARGS__ }

static const struct expect rows[] = {
	/* the plain plan: what every row starts from */
	ROW(.argv = { NULL }, .programs = PROGS_PLAIN, .details = 0, .blame = 0,
	    .event_size = BASE, .ringbuf_bytes = RB, .waker = 0, .cpu = 0, .previous = 0,
	    .outliers = 1, .banner = BANNER_COLUMNS, .json = 0, .stats = 0, .sum_enabled = 0, .sum_print = 0,
	    .hist_keys = 1, .hist_key_size = 0, .min_ns = 10001000, .ntgids = 0,
	    .targ_pid = 0, .comm_filtered = 0, .cgroup = 0, .hash_entries = 10240),
	ROW(.argv = { "0" }, .min_ns = 0),
	ROW(.argv = { "1ms" }, .min_ns = 1001000),
	ROW(.argv = { "-P" }, .previous = 1),
	ROW(.argv = { "-T" }),
	ROW(.argv = { "--time=mono" }),
	ROW(.argv = { "--tgid" }),
	ROW(.argv = { "-W" }, .programs = PROGS_EXT | PROGS_WAKER, .details = 1,
	    .event_size = DETAILS, .waker = 1),
	ROW(.argv = { "--cpu" }, .programs = PROGS_EXT, .details = 1, .event_size = DETAILS,
	    .cpu = 1),
	ROW(.argv = { "-B" }, .programs = PROGS_EXT | PROGS_BLAME, .details = 1, .blame = 1,
	    .event_size = BLAME, .ringbuf_bytes = RB * RQS_RINGBUF_BLAME_FACTOR),
	ROW(.argv = { "-B5" }, .programs = PROGS_EXT | PROGS_BLAME, .details = 1, .blame = 1,
	    .event_size = BLAME, .ringbuf_bytes = RB * RQS_RINGBUF_BLAME_FACTOR),
	ROW(.argv = { "-j" }, .programs = PROGS_EXT, .details = 1, .event_size = DETAILS,
	    .json = 1, .banner = BANNER_JSON),
	ROW(.argv = { "-W", "--cpu", "-B", "-j" }, .programs = PROGS_EXT | PROGS_WAKER | PROGS_BLAME,
	    .details = 1, .blame = 1, .event_size = BLAME,
	    .ringbuf_bytes = RB * RQS_RINGBUF_BLAME_FACTOR, .waker = 1, .cpu = 1, .json = 1,
	    .banner = BANNER_JSON),
	/* -j: JSON whatever else is on, the summary's banner included */
	ROW(.argv = { "-j", "--no-outliers" }, .programs = PROGS_EXT, .details = 1,
	    .event_size = DETAILS, .json = 1, .banner = BANNER_JSON, .outliers = 0,
	    .sum_enabled = 1, .sum_print = 1),
	ROW(.argv = { "-j", "-s", "-i", "1", "--by", "cpu", "--stats" }, .programs = PROGS_EXT,
	    .details = 1, .event_size = DETAILS, .json = 1, .banner = BANNER_JSON, .stats = 1,
	    .sum_enabled = 1, .sum_print = 1, .sum_interval = 1, .sum_by = RQS_BY_CPU),
	ROW(.argv = { "-c", "nginx" }, .programs = PROGS_EXT, .comm_filtered = 1),
	ROW(.argv = { "--cgroup", "/x" }, .programs = PROGS_EXT, .cgroup = 1),
	ROW(.argv = { "-p", "1,2" }, .ntgids = 2),
	ROW(.argv = { "-t", "7" }, .targ_pid = 7),
	ROW(.argv = { "--stats" }, .stats = 1),
	ROW(.argv = { "-d", "5" }),
	ROW(.argv = { "-v" }),
	ROW(.argv = { "-m", "hash", "--hash-entries", "99" }, .storage = STORAGE_HASH,
	    .hash_entries = 99),
	ROW(.argv = { "-s" }, .sum_enabled = 1, .sum_print = 1),
	ROW(.argv = { "-i", "5" }, .sum_enabled = 1, .sum_print = 1, .sum_interval = 5),
	ROW(.argv = { "--by", "cpu" }, .sum_enabled = 1, .sum_print = 1, .sum_by = RQS_BY_CPU),
	ROW(.argv = { "--by", "comm" }, .sum_enabled = 1, .sum_print = 1,
	    .sum_by = RQS_BY_COMM, .hist_keys = RQS_DEFAULT_MAX_KEYS),
	ROW(.argv = { "--by", "cgroup", "--max-keys", "64" }, .sum_enabled = 1, .sum_print = 1,
	    .sum_by = RQS_BY_CGROUP, .hist_keys = 64, .hist_key_size = 8),
	ROW(.argv = { "--no-outliers" }, .outliers = 0, .banner = BANNER_SUMMARY,
	    .sum_enabled = 1, .sum_print = 1),
	ROW(.argv = { "--metrics", "9548" }, .sum_enabled = 1, .metrics = 1),
	ROW(.argv = { "--metrics", "9548", "--no-outliers", "--by", "cgroup" }, .outliers = 0,
	    .banner = BANNER_SUMMARY,
	    .sum_enabled = 1, .metrics = 1, .sum_by = RQS_BY_CGROUP,
	    .hist_keys = RQS_DEFAULT_MAX_KEYS, .hist_key_size = 8, .loss_every = RQS_LOSS_EVERY_S),
	ROW(.argv = { "--metrics", "9548", "-s" }, .sum_enabled = 1, .sum_print = 1, .metrics = 1),
	/* the loss lines of an exporter that prints no waits: paced, by -i */
	ROW(.argv = { "--metrics", "9548", "--no-outliers", "-i", "7" }, .outliers = 0,
	    .banner = BANNER_SUMMARY, .sum_enabled = 1, .sum_print = 1, .sum_interval = 7,
	    .metrics = 1, .loss_every = 7),
	ROW(.argv = { "--metrics", "9548", "--no-outliers", "-j" }, .programs = PROGS_EXT,
	    .details = 1, .event_size = DETAILS, .json = 1, .banner = BANNER_JSON, .outliers = 0,
	    .sum_enabled = 1, .metrics = 1, .loss_every = RQS_LOSS_EVERY_S),
};

static void plan_of(const char *const *args, enum storage_mode mode, struct plan *p)
{
	char *argv[10] = { "runqslower-ts" };
	struct options o;
	int argc = 1;
	FILE *null = fopen("/dev/null", "w");

	for (; args[argc - 1]; argc++)
		argv[argc] = (char *)args[argc - 1];
	assert_int_equal(parse_args(argc, argv, &o, null, null), PARSE_RUN);
	fclose(null);
	/* what main() resolves from the system */
	if (o.cgroup) {
		o.cgroup_id = 1234;
		o.cgroup_level = 2;
	}
	plan_from_options(&o, mode, p);
}

#define CHECK(field, value) do {                                               \
		long long want_ = (long long)(value);                          \
		if ((long long)(field) != want_) {                            \
			print_error("%s: %s is %lld, expected %lld\n", cmd,    \
				    #field, (long long)(field), want_);       \
			fail();                                                \
		}                                                              \
	} while (0)
#define PICK(name) (r->name != -1 ? r->name : rows[0].name)

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct expect *r = &rows[i];
		enum storage_mode mode = r->storage != -1 ? r->storage : STORAGE_TASK;
		char cmd[128] = "";
		struct plan p;

		for (int a = 0; r->argv[a]; a++)
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " %s", r->argv[a]);
		plan_of(r->argv, mode, &p);
		CHECK(p.storage, mode);
		CHECK(p.programs, PICK(programs));
		CHECK(p.cfg.details, PICK(details));
		CHECK(p.cfg.blame, PICK(blame));
		CHECK(p.event_size, PICK(event_size));
		CHECK(p.ringbuf_bytes, PICK(ringbuf_bytes));
		CHECK(p.cfg.waker, PICK(waker));
		CHECK(p.cfg.cpu, PICK(cpu));
		CHECK(p.cfg.previous, PICK(previous));
		CHECK(p.format.previous, PICK(previous));
		CHECK(p.outliers, PICK(outliers));
		CHECK(p.format.json, PICK(json));
		/* one form for every output on stdout */
		CHECK(p.summary.form, PICK(json) ? FORM_JSON : FORM_TEXT);
		CHECK(p.stats_form, PICK(json) ? FORM_JSON : FORM_TEXT);
		CHECK(p.loss_form, PICK(json) ? FORM_JSON : FORM_TEXT);
		CHECK(p.banner, PICK(banner));
		CHECK(p.stats, PICK(stats));
		CHECK(p.summary.enabled, PICK(sum_enabled));
		CHECK(p.cfg.summary, PICK(sum_enabled));
		CHECK(p.summary.print, PICK(sum_print));
		CHECK(p.summary.interval, r->sum_interval != -1 ? r->sum_interval : 0);
		CHECK(p.summary.by, r->sum_by != -1 ? r->sum_by : RQS_BY_NONE);
		CHECK(p.cfg.by, r->sum_by != -1 ? r->sum_by : RQS_BY_NONE);
		CHECK(p.summary.metrics, r->metrics != -1 ? r->metrics : 0);
		CHECK(p.summary.keyed, p.summary.by == RQS_BY_COMM || p.summary.by == RQS_BY_CGROUP);
		CHECK(p.hist_keys, PICK(hist_keys));
		CHECK(p.hist_key_size, PICK(hist_key_size));
		CHECK(p.cfg.min_ns, PICK(min_ns));
		CHECK(p.cfg.ntgids, PICK(ntgids));
		CHECK(p.npids, PICK(ntgids));
		CHECK(p.cfg.targ_pid, PICK(targ_pid));
		CHECK(p.tid, PICK(targ_pid));
		CHECK(p.cfg.comm_mask[0] != 0, PICK(comm_filtered));
		CHECK(p.cfg.cgroup_id != 0, PICK(cgroup));
		CHECK(p.hash_entries, PICK(hash_entries));
		CHECK(p.loss_every_s, r->loss_every != -1 ? r->loss_every : 0);
	}
}

/* The details rule from the other side: the programs fill exactly what the
 * printers read, for every combination of the options that print details. */
static void test_event_size_covers_output(void **state)
{
	(void)state;
	for (unsigned int bits = 0; bits < 16; bits++) {
		const char *args[6] = { NULL };
		int n = 0;
		struct plan p;

		if (bits & 1)
			args[n++] = "-W";
		if (bits & 2)
			args[n++] = "--cpu";
		if (bits & 4)
			args[n++] = "-B";
		if (bits & 8)
			args[n++] = "-j";
		plan_of(args, STORAGE_TASK, &p);
		if (p.format.blame)
			assert_int_equal(p.event_size, RQS_EVENT_BLAME_SIZE);
		else if (p.format.waker || p.format.cpu || p.format.json)
			assert_int_equal(p.event_size, RQS_EVENT_DETAILS_SIZE);
		else
			assert_int_equal(p.event_size, RQS_EVENT_BASE_SIZE);
		/* the programs' own rule (bpf/runqslower.bpf.c) gives the same */
		assert_int_equal(RQS_EVENT_SIZE(p.cfg.details, p.cfg.blame), p.event_size);
		/* exactly one build of each tracepoint's program loads */
		assert_int_equal(!!(p.programs & PROGS_PLAIN) + !!(p.programs & PROGS_EXT), 1);
		assert_int_equal(!!(p.programs & PROGS_WAKER), !!p.format.waker);
		assert_int_equal(!!(p.programs & PROGS_BLAME), !!p.format.blame);
	}
}

static void test_comm_filter_bytes(void **state)
{
	const char *args[] = { "-c", "ab", NULL };
	unsigned char want[16], mask[16];
	struct plan p;

	(void)state;
	plan_of(args, STORAGE_TASK, &p);
	memcpy(want, p.cfg.comm_want, sizeof(want));
	memcpy(mask, p.cfg.comm_mask, sizeof(mask));
	assert_memory_equal(want, "ab\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_memory_equal(mask, "\xff\xff\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_string_equal(p.comm, "ab");
}

/* Pure: the same options give the same plan, byte for byte */
static void test_pure(void **state)
{
	const char *args[] = { "-W", "-B", "7", "-p", "3", "--by", "comm", "500", NULL };
	struct plan a, b;

	(void)state;
	memset(&a, 0x55, sizeof(a));
	memset(&b, 0xaa, sizeof(b));
	plan_of(args, STORAGE_HASH, &a);
	plan_of(args, STORAGE_HASH, &b);
	assert_memory_equal(&a.cfg, &b.cfg, sizeof(a.cfg));
	assert_int_equal(a.programs, b.programs);
	assert_int_equal(a.event_size, b.event_size);
	assert_int_equal(a.format.blame, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_event_size_covers_output),
		cmocka_unit_test(test_comm_filter_bytes),
		cmocka_unit_test(test_pure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
