// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/parse_args.h"

struct capture {
	char *out, *err;
	size_t out_len, err_len;
};

static enum parse_result parse(struct capture *c, struct options *o, ...)
{
	char *argv[16] = { "runqslower-ts" };
	int argc = 1;
	enum parse_result r;
	FILE *out, *err;
	va_list ap;

	va_start(ap, o);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	out = open_memstream(&c->out, &c->out_len);
	err = open_memstream(&c->err, &c->err_len);
	r = parse_args(argc, argv, o, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static void capture_free(struct capture *c)
{
	free(c->out);
	free(c->err);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A usage error: PARSE_USAGE, exactly one line on stderr, naming the tool
 * and containing @needle, and nothing on stdout. */
#define assert_usage_error(needle, ...)                                      \
	do {                                                                 \
		struct capture c = { 0 };                                    \
		struct options o;                                            \
		assert_int_equal(parse(&c, &o, __VA_ARGS__, NULL), PARSE_USAGE); \
		assert_int_equal(count_lines(c.err), 1);                     \
		assert_true(!strncmp(c.err, "runqslower-ts: ", 15));         \
		assert_non_null(strstr(c.err, needle));                      \
		assert_int_equal(c.out_len, 0);                              \
		capture_free(&c);                                            \
	} while (0)

static void test_defaults(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, NULL), PARSE_RUN);
	assert_int_equal(o.min_us, 10000);
	assert_int_equal(o.npids, 0);
	assert_int_equal(o.tid, 0);
	assert_false(o.format.previous);
	assert_false(o.verbose);
	assert_false(o.stats);
	assert_int_equal(o.storage, STORAGE_AUTO);
	assert_int_equal(o.hash_entries, 10240);
	assert_false(o.format.waker);
	assert_false(o.format.cpu);
	assert_false(o.format.json);
	assert_int_equal(o.format.blame, 0);
	assert_string_equal(o.comm, "");
	assert_null(o.cgroup);
	assert_int_equal(o.duration, 0);
	assert_int_equal(c.err_len, 0);
	capture_free(&c);
}

static void test_min_us(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "250", NULL), PARSE_RUN);
	assert_int_equal(o.min_us, 250);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "0", NULL), PARSE_RUN);
	assert_int_equal(o.min_us, 0);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "3600000000", NULL), PARSE_RUN);
	assert_int_equal(o.min_us, RQS_MAX_MIN_US);
	capture_free(&c);
}

static void test_min_us_units(void **state)
{
	static const struct {
		const char *arg;
		unsigned long long us;
	} cases[] = {
		{ "250us", 250 },	{ "10ms", 10000 },     { "1s", 1000000 },
		{ "0ms", 0 },		{ "0s", 0 },	       { "3600s", 3600000000ULL },
		{ "3600000ms", 3600000000ULL }, { "007ms", 7000 },
	};
	struct capture c = { 0 };
	struct options o;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&c, &o, cases[i].arg, NULL), PARSE_RUN);
		assert_int_equal(o.min_us, cases[i].us);
		assert_int_equal(c.err_len, 0);
		capture_free(&c);
	}
}

/* the limit, checked before any multiplication: nothing wraps */
static void test_min_us_limit(void **state)
{
	(void)state;
	assert_usage_error("invalid MIN_US '3600000001': more than 3600000000 us (1 hour)",
			   "3600000001");
	assert_usage_error("more than 3600000000 us (1 hour)", "9223372036854775");
	assert_usage_error("more than 3600000000 us (1 hour)", "18446744073709551");
	assert_usage_error("more than 3600000000 us (1 hour)", "99999999999999999999");
	assert_usage_error("more than 3600000000 us (1 hour)", "3601s");
	assert_usage_error("more than 3600000000 us (1 hour)", "3600001ms");
	/* v * 1000000 would wrap to a small number in 64 bits */
	assert_usage_error("more than 3600000000 us (1 hour)", "18446744073710s");
	assert_usage_error("more than 3600000000 us (1 hour)", "18446744073709552ms");
	assert_usage_error("more than 3600000000 us (1 hour)", "99999999999999999999999s");
}

static void test_short_options(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "-p", "185", "-P", "-v", "-m", "hash", "5000", NULL),
			 PARSE_RUN);
	assert_int_equal(o.npids, 1);
	assert_int_equal(o.pids[0], 185);
	assert_int_equal(o.tid, 0);
	assert_true(o.format.previous);
	assert_true(o.verbose);
	assert_int_equal(o.storage, STORAGE_HASH);
	assert_int_equal(o.min_us, 5000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-t188", "-mtask", NULL), PARSE_RUN);
	assert_int_equal(o.tid, 188);
	assert_int_equal(o.storage, STORAGE_TASK);
	capture_free(&c);
}

static void test_long_options(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "--tid=42", "--previous", "--storage", "auto",
			       "--hash-entries", "64", "--stats", "--verbose", "7", NULL),
			 PARSE_RUN);
	assert_int_equal(o.tid, 42);
	assert_true(o.format.previous);
	assert_int_equal(o.storage, STORAGE_AUTO);
	assert_int_equal(o.hash_entries, 64);
	assert_true(o.stats);
	assert_true(o.verbose);
	assert_int_equal(o.min_us, 7);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--pid", "2147483647", NULL), PARSE_RUN);
	assert_int_equal(o.pids[0], 2147483647);
	capture_free(&c);
}

static void test_why_options(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "-W", "--cpu", "-j", "-c", "nginx", "--cgroup",
			       "/system.slice", "-d", "3", "500", NULL), PARSE_RUN);
	assert_true(o.format.waker);
	assert_true(o.format.cpu);
	assert_true(o.format.json);
	assert_string_equal(o.comm, "nginx");
	assert_string_equal(o.cgroup, "/system.slice");
	assert_int_equal(o.duration, 3);
	assert_int_equal(o.min_us, 500);
	assert_int_equal(o.format.blame, 0);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--waker", "--json", "--comm=123456789012345",
			       "--cgroup=x", "--duration=31536000", NULL), PARSE_RUN);
	assert_true(o.format.waker);
	assert_true(o.format.json);
	assert_string_equal(o.comm, "123456789012345");
	assert_int_equal(o.duration, 31536000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-WjcX", NULL), PARSE_RUN);
	assert_true(o.format.waker);
	assert_true(o.format.json);
	assert_string_equal(o.comm, "X");
	capture_free(&c);
}

static void test_blame(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	/* no N: the default, and a following MIN_US-looking word is N only
	 * when it is a number right after -B */
	assert_int_equal(parse(&c, &o, "-B", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 3);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B", "-W", "700", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 3);
	assert_int_equal(o.min_us, 700);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "700", "--blame", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 3);
	assert_int_equal(o.min_us, 700);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B", "5", "1000", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 5);
	assert_int_equal(o.min_us, 1000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B7", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 7);
	assert_int_equal(o.min_us, 10000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--blame=32", "0", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 32);
	assert_int_equal(o.min_us, 0);
	capture_free(&c);
	/* a number is N only when a MIN_US follows it, anywhere later */
	assert_int_equal(parse(&c, &o, "--blame", "1", "-W", "2ms", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 1);
	assert_int_equal(o.min_us, 2000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-WB", "2", "-p", "185", "-d", "5", "300", NULL), PARSE_RUN);
	assert_true(o.format.waker);
	assert_int_equal(o.format.blame, 2);
	assert_int_equal(o.min_us, 300);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B", "4", "--time", "us", "--", "50", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 4);
	assert_int_equal(o.min_us, 50);
	capture_free(&c);
	/* otherwise the word after -B is the MIN_US, as after -W */
	assert_int_equal(parse(&c, &o, "-W", "--cpu", "-B", "5ms", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 3);
	assert_int_equal(o.min_us, 5000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B", "1000", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 3);
	assert_int_equal(o.min_us, 1000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B", "5", "-p185", "--time=us", NULL), PARSE_RUN);
	assert_int_equal(o.format.blame, 3);
	assert_int_equal(o.min_us, 5);
	capture_free(&c);
}

static void test_help_and_version(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "--help", NULL), PARSE_EXIT);
	assert_non_null(strstr(c.out, "Usage: runqslower-ts [OPTIONS] [MIN_US]"));
	assert_non_null(strstr(c.out, "Examples:"));
	assert_int_equal(c.err_len, 0);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-h", NULL), PARSE_EXIT);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-V", NULL), PARSE_EXIT);
	assert_true(!strncmp(c.out, "runqslower-ts ", 14));
	assert_int_equal(count_lines(c.out), 1);
	capture_free(&c);
}

static void test_bad_numbers(void **state)
{
	(void)state;
	/* MIN_US: the error names the unit */
	assert_usage_error("invalid MIN_US 'abc': not a whole number of microseconds, or of us, ms or s (as in 10ms)", "abc");
	assert_usage_error("not a whole number of microseconds", "10x");
	assert_usage_error("not a whole number of microseconds", "10 ms");
	assert_usage_error("not a whole number of microseconds", "10MS");
	assert_usage_error("not a whole number of microseconds", "1.5ms");
	assert_usage_error("not a whole number of microseconds", "10m");
	assert_usage_error("not a whole number of microseconds", "ms");
	assert_usage_error("not a whole number of microseconds", "");
	assert_usage_error("not a whole number of microseconds", " 10");
	assert_usage_error("not a whole number of microseconds", "+10");
	assert_usage_error("not a whole number of microseconds", "1e3");
	assert_usage_error("invalid MIN_US '-5': negative", "--", "-5");
	assert_usage_error("invalid MIN_US '-5ms': negative", "--", "-5ms");
	assert_usage_error("not a whole number of microseconds", "-");
	/* what "-- -p 3" says is true: '-p' is no option there, and no number */
	assert_usage_error("invalid MIN_US '-p': not a number (after '--', arguments are not options)",
			   "--", "-p", "3");
	assert_usage_error("invalid PID 'x'", "-p", "x");
	assert_usage_error("negative", "-p", "-1");
	assert_usage_error("too small", "-p", "0");
	assert_usage_error("too large", "-p", "2147483648");
	assert_usage_error("invalid TID", "-t", "1.5");
	assert_usage_error("negative", "--tid=-3");
	assert_usage_error("too large", "--hash-entries", "4294967296");
	assert_usage_error("too small", "--hash-entries", "0");
	assert_usage_error("invalid blame count '0': too small", "-B", "0", "100");
	assert_usage_error("invalid blame count '1000': too large (at most 32)", "-B", "1000", "2000");
	assert_usage_error("invalid blame count '33': too large", "--blame=33");
	assert_usage_error("invalid blame count 'x': not a number", "-Bx");
	assert_usage_error("invalid blame count '': not a number", "--blame=");
	assert_usage_error("invalid duration '0': too small", "-d", "0");
	assert_usage_error("invalid duration '1.5': not a number", "-d", "1.5");
	assert_usage_error("invalid duration '31536001': too large", "--duration", "31536001");
	assert_usage_error("invalid duration '-1': negative", "-d", "-1");
}

static void test_bad_filters(void **state)
{
	(void)state;
	assert_usage_error("invalid COMM '1234567890123456': longer than 15 bytes, the kernel's limit",
			   "-c", "1234567890123456");
	assert_usage_error("invalid COMM '': empty", "--comm=");
	assert_usage_error("needs an argument", "-c");
	assert_usage_error("needs an argument", "--cgroup");
	assert_usage_error("invalid cgroup path '': empty", "--cgroup=");
	assert_usage_error("invalid --cgroup-root '': empty", "--cgroup-root=");
	assert_usage_error("option '--json' takes no argument", "--json=1");
	assert_usage_error("option '--waker' takes no argument", "--waker=1");
	assert_usage_error("unknown option '--bogus'", "--bogus=1");
}

static void test_bad_usage(void **state)
{
	(void)state;
	assert_usage_error("unknown option '-x'", "-x");
	assert_usage_error("unknown option '--bogus'", "--bogus");
	assert_usage_error("unknown option '--bogus'", "--bogus=1");
	assert_usage_error("unknown option '-5'", "-5");
	/* inside a cluster, after a long option: still the short one */
	assert_usage_error("unknown option '-x'", "-xP");
	assert_usage_error("unknown option '-x'", "--stats", "-xP");
	assert_usage_error("unknown option '-x'", "5", "-Px");
	assert_usage_error("option '-p' needs an argument", "-p");
	assert_usage_error("option '-p' needs an argument", "-Pp");
	assert_usage_error("option '--storage' needs an argument", "--storage");
	assert_usage_error("option '--pid' needs an argument", "--pi");
	/* --help=x used to say "unknown option '-h'" */
	assert_usage_error("option '--help' takes no argument", "--help=x");
	assert_usage_error("option '--help' takes no argument", "--hel=x");
	assert_usage_error("option '--stats' takes no argument", "--stats=1");
	assert_usage_error("option '--h' is ambiguous", "--h");
	assert_usage_error("option '--t' is ambiguous", "--t=1");
	assert_usage_error("unexpected argument '2'", "1", "2");
	assert_usage_error("cannot be used together", "-p", "1", "-t", "2");
	assert_usage_error("invalid storage mode 'tasks': expected task, hash or auto\n", "-m", "tasks");
	assert_usage_error("invalid storage mode ''", "--storage=");
	assert_usage_error("invalid time format 'ns': expected hms, us or mono", "--time", "ns");
}

/* runqlat's -m means milliseconds: say what -m is here */
static void test_storage_mode_number(void **state)
{
	(void)state;
	assert_usage_error("invalid storage mode '10': expected task, hash or auto (-m is the storage mode here; for a threshold in milliseconds, give MIN_US as 10ms)",
			   "-m", "10");
}

static void test_pid_lists(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "-p", "10,20", "-p", "30", "--pid=10", "-p40", NULL),
			 PARSE_RUN);
	assert_int_equal(o.npids, 4);
	assert_int_equal(o.pids[0], 10);
	assert_int_equal(o.pids[1], 20);
	assert_int_equal(o.pids[2], 30);
	assert_int_equal(o.pids[3], 40);
	assert_int_equal(c.err_len, 0);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-p", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", NULL),
			 PARSE_RUN);
	assert_int_equal(o.npids, RQS_MAX_TGIDS);
	capture_free(&c);
	assert_usage_error("too many processes for -p: at most 16",
			   "-p", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "-p", "17");
	assert_usage_error("invalid PID '': not a number", "-p", "1,,2");
	assert_usage_error("invalid PID '': not a number", "-p", "1,");
	assert_usage_error("invalid PID 'x': not a number", "-p", "1,x");
	assert_usage_error("invalid PID '2 3': not a number", "-p", "1,2 3");
	assert_usage_error("invalid PID '0': too small", "-p", "5,0");
	assert_usage_error("invalid PID '99999999999999999999999999': too large",
			   "-p", "99999999999999999999999999");
	assert_usage_error("cannot be used together", "-p", "1,2", "-t", "2");
}

/* "-p 1 2 3", an unquoted $(pidof x): the third is an error that says why */
static void test_pid_then_numbers(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_usage_error("unexpected argument '3': MIN_US is '2' (give several processes as -p PID,PID)",
			   "-p", "1", "2", "3");
	assert_int_equal(parse(&c, &o, "-p", "1", "2", NULL), PARSE_RUN);
	assert_int_equal(o.min_us, 2);
	assert_true(o.min_us_after_pid);
	capture_free(&c);
	/* with options in between, or a unit, it is meant as a threshold */
	assert_int_equal(parse(&c, &o, "-p", "1", "-P", "2", NULL), PARSE_RUN);
	assert_false(o.min_us_after_pid);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-p", "1", "2ms", NULL), PARSE_RUN);
	assert_false(o.min_us_after_pid);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-p1", "2", NULL), PARSE_RUN);
	assert_false(o.min_us_after_pid);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "2", "-p", "1", NULL), PARSE_RUN);
	assert_false(o.min_us_after_pid);
	capture_free(&c);
	/* GNU getopt moves "2" after the options: still seen as after -p 1 */
	assert_int_equal(parse(&c, &o, "-p", "1", "2", "-P", NULL), PARSE_RUN);
	assert_true(o.min_us_after_pid);
	assert_int_equal(o.min_us, 2);
	capture_free(&c);
}

static void test_tid_twice(void **state)
{
	(void)state;
	assert_usage_error("-t/--tid given twice: it traces one thread (-p traces processes)",
			   "-t", "1", "-t", "2");
}

static void test_time_and_tgid(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, NULL), PARSE_RUN);
	assert_int_equal(o.format.time, TIME_HMS);
	assert_false(o.format.tgid);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-T", "--tgid", "-P", NULL), PARSE_RUN);
	assert_int_equal(o.format.time, TIME_US);
	assert_true(o.format.tgid);
	assert_true(o.format.previous);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--timestamp", NULL), PARSE_RUN);
	assert_int_equal(o.format.time, TIME_US);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--time=mono", NULL), PARSE_RUN);
	assert_int_equal(o.format.time, TIME_MONO);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-T", "--time", "hms", NULL), PARSE_RUN);
	assert_int_equal(o.format.time, TIME_HMS);
	capture_free(&c);
}

/* --hash-entries without hash mode: a warning, not an error */
static void test_hash_entries_unused(void **state)
{
	struct capture c = { 0 };
	struct options o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(parse(&c, &o, "-m", "task", "--hash-entries", "64", NULL), PARSE_RUN);
	assert_string_equal(c.err, "runqslower-ts: warning: --hash-entries 64 has no effect: it sizes the hash map of --storage=hash, and task storage is in use\n");
	capture_free(&c);
	/* hash and auto: nothing at parse time */
	assert_int_equal(parse(&c, &o, "-m", "hash", "--hash-entries", "64", NULL), PARSE_RUN);
	assert_int_equal(c.err_len, 0);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--hash-entries", "64", NULL), PARSE_RUN);
	assert_int_equal(c.err_len, 0);
	/* auto: once the mode is chosen */
	f = open_memstream(&buf, &len);
	warn_unused_options(&o, STORAGE_HASH, f);
	fflush(f);
	assert_int_equal(len, 0);
	warn_unused_options(&o, STORAGE_TASK, f);
	fclose(f);
	assert_non_null(strstr(buf, "warning: --hash-entries 64 has no effect"));
	assert_int_equal(count_lines(buf), 1);
	free(buf);
	capture_free(&c);
	/* the default size, not given: no warning */
	assert_int_equal(parse(&c, &o, NULL), PARSE_RUN);
	buf = NULL;
	f = open_memstream(&buf, &len);
	warn_unused_options(&o, STORAGE_TASK, f);
	fclose(f);
	assert_int_equal(len, 0);
	free(buf);
	capture_free(&c);
}

/* Found by tests/fuzz/fuzz_args: a newline in an argument split the message
 * in two lines. Control bytes are quoted as \\xNN. */
static void test_quoted_arguments(void **state)
{
	(void)state;
	assert_usage_error("invalid MIN_US '1\\x0a2'", "1\n2");
	assert_usage_error("invalid storage mode 'a\\x09b'", "-m", "a\tb");
	assert_usage_error("unknown option '-\\'", "-\x01");
	assert_usage_error("unexpected argument '\\x0a'", "1", "\n");
	assert_usage_error("invalid PID '\\x7f'", "-p", "1,\x7f");
}

static void test_reparse_resets(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "-p", "9", "-P", NULL), PARSE_RUN);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, NULL), PARSE_RUN);
	assert_int_equal(o.npids, 0);
	assert_false(o.format.previous);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-W", "-B", "-c", "a", "--cgroup", "/x", "-d", "2", NULL),
			 PARSE_RUN);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, NULL), PARSE_RUN);
	assert_false(o.format.waker);
	assert_int_equal(o.format.blame, 0);
	assert_string_equal(o.comm, "");
	assert_null(o.cgroup);
	assert_int_equal(o.duration, 0);
	capture_free(&c);
}

static void test_storage_mode_name(void **state)
{
	(void)state;
	assert_string_equal(storage_mode_name(STORAGE_TASK), "task");
	assert_string_equal(storage_mode_name(STORAGE_HASH), "hash");
	assert_string_equal(storage_mode_name(STORAGE_AUTO), "auto");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_min_us),
		cmocka_unit_test(test_min_us_units),
		cmocka_unit_test(test_min_us_limit),
		cmocka_unit_test(test_short_options),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_why_options),
		cmocka_unit_test(test_blame),
		cmocka_unit_test(test_bad_filters),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_bad_usage),
		cmocka_unit_test(test_storage_mode_number),
		cmocka_unit_test(test_pid_lists),
		cmocka_unit_test(test_pid_then_numbers),
		cmocka_unit_test(test_tid_twice),
		cmocka_unit_test(test_time_and_tgid),
		cmocka_unit_test(test_hash_entries_unused),
		cmocka_unit_test(test_quoted_arguments),
		cmocka_unit_test(test_reparse_resets),
		cmocka_unit_test(test_storage_mode_name),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
