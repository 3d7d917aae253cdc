// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "args.h"

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
	assert_int_equal(o.pid, 0);
	assert_int_equal(o.tid, 0);
	assert_false(o.previous);
	assert_false(o.verbose);
	assert_false(o.stats);
	assert_int_equal(o.storage, STORAGE_AUTO);
	assert_int_equal(o.hash_entries, 10240);
	assert_false(o.waker);
	assert_false(o.cpu);
	assert_false(o.json);
	assert_int_equal(o.blame, 0);
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
	assert_int_equal(parse(&c, &o, "18446744073709550", NULL), PARSE_RUN);
	assert_int_equal(o.min_us, 18446744073709550ULL);
	capture_free(&c);
}

static void test_short_options(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "-p", "185", "-P", "-v", "-m", "hash", "5000", NULL),
			 PARSE_RUN);
	assert_int_equal(o.pid, 185);
	assert_int_equal(o.tid, 0);
	assert_true(o.previous);
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
	assert_true(o.previous);
	assert_int_equal(o.storage, STORAGE_AUTO);
	assert_int_equal(o.hash_entries, 64);
	assert_true(o.stats);
	assert_true(o.verbose);
	assert_int_equal(o.min_us, 7);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--pid", "2147483647", NULL), PARSE_RUN);
	assert_int_equal(o.pid, 2147483647);
	capture_free(&c);
}

static void test_why_options(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "-W", "--cpu", "-j", "-c", "nginx", "--cgroup",
			       "/system.slice", "-d", "3", "500", NULL), PARSE_RUN);
	assert_true(o.waker);
	assert_true(o.cpu);
	assert_true(o.json);
	assert_string_equal(o.comm, "nginx");
	assert_string_equal(o.cgroup, "/system.slice");
	assert_int_equal(o.duration, 3);
	assert_int_equal(o.min_us, 500);
	assert_int_equal(o.blame, 0);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--waker", "--json", "--comm=123456789012345",
			       "--cgroup=x", "--duration=31536000", NULL), PARSE_RUN);
	assert_true(o.waker);
	assert_true(o.json);
	assert_string_equal(o.comm, "123456789012345");
	assert_int_equal(o.duration, 31536000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-WjcX", NULL), PARSE_RUN);
	assert_true(o.waker);
	assert_true(o.json);
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
	assert_int_equal(o.blame, 3);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B", "-W", "700", NULL), PARSE_RUN);
	assert_int_equal(o.blame, 3);
	assert_int_equal(o.min_us, 700);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "700", "--blame", NULL), PARSE_RUN);
	assert_int_equal(o.blame, 3);
	assert_int_equal(o.min_us, 700);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B", "5", "1000", NULL), PARSE_RUN);
	assert_int_equal(o.blame, 5);
	assert_int_equal(o.min_us, 1000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-B7", NULL), PARSE_RUN);
	assert_int_equal(o.blame, 7);
	assert_int_equal(o.min_us, 10000);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--blame=32", "0", NULL), PARSE_RUN);
	assert_int_equal(o.blame, 32);
	assert_int_equal(o.min_us, 0);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "--blame", "1", NULL), PARSE_RUN);
	assert_int_equal(o.blame, 1);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-WB", "2", NULL), PARSE_RUN);
	assert_true(o.waker);
	assert_int_equal(o.blame, 2);
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
	assert_usage_error("not a number", "abc");
	assert_usage_error("not a number", "10x");
	assert_usage_error("not a number", "");
	assert_usage_error("not a number", " 10");
	assert_usage_error("not a number", "+10");
	assert_usage_error("not a number", "1e3");
	assert_usage_error("too large", "99999999999999999999");
	assert_usage_error("too large", "18446744073709551");
	assert_usage_error("negative", "--", "-5");
	assert_usage_error("invalid PID 'x'", "-p", "x");
	assert_usage_error("negative", "-p", "-1");
	assert_usage_error("too small", "-p", "0");
	assert_usage_error("too large", "-p", "2147483648");
	assert_usage_error("invalid TID", "-t", "1.5");
	assert_usage_error("negative", "--tid=-3");
	assert_usage_error("too large", "--hash-entries", "4294967296");
	assert_usage_error("too small", "--hash-entries", "0");
	assert_usage_error("invalid blame count '0': too small", "-B", "0");
	assert_usage_error("invalid blame count '1000': too large (at most 32; for a threshold after -B, write -B N MIN_US)",
			   "-B", "1000");
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
	assert_usage_error("option '--json' takes no value", "--json=1");
	assert_usage_error("option '--stats' takes no value", "--stats=1");
	assert_usage_error("unknown option '--bogus=1'", "--bogus=1");
}

static void test_bad_usage(void **state)
{
	(void)state;
	assert_usage_error("unknown option '-x'", "-x");
	assert_usage_error("unknown option '--bogus'", "--bogus");
	assert_usage_error("unknown option '-5'", "-5");
	assert_usage_error("needs an argument", "-p");
	assert_usage_error("needs an argument", "--storage");
	assert_usage_error("unexpected argument '2'", "1", "2");
	assert_usage_error("cannot be used together", "-p", "1", "-t", "2");
	assert_usage_error("invalid storage mode 'tasks'", "-m", "tasks");
	assert_usage_error("invalid storage mode ''", "--storage=");
}

static void test_reparse_resets(void **state)
{
	struct capture c = { 0 };
	struct options o;

	(void)state;
	assert_int_equal(parse(&c, &o, "-p", "9", "-P", NULL), PARSE_RUN);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, NULL), PARSE_RUN);
	assert_int_equal(o.pid, 0);
	assert_false(o.previous);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, "-W", "-B", "-c", "a", "--cgroup", "/x", "-d", "2", NULL),
			 PARSE_RUN);
	capture_free(&c);
	assert_int_equal(parse(&c, &o, NULL), PARSE_RUN);
	assert_false(o.waker);
	assert_int_equal(o.blame, 0);
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
		cmocka_unit_test(test_short_options),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_why_options),
		cmocka_unit_test(test_blame),
		cmocka_unit_test(test_bad_filters),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_bad_usage),
		cmocka_unit_test(test_reparse_resets),
		cmocka_unit_test(test_storage_mode_name),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
