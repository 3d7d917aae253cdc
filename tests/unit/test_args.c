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

/* Found by tests/fuzz/fuzz_args: a newline in an argument split the message
 * in two lines. Control bytes are quoted, long arguments cut. */
static void test_quoted_arguments(void **state)
{
	(void)state;
	assert_usage_error("invalid MIN_US '1\\x0a2': not a number", "1\n2");
	assert_usage_error("invalid storage mode 'a\\x09b'", "-m", "a\tb");
	assert_usage_error("unknown option '-\\x01'", "-\x01");
	assert_usage_error("unexpected argument '\\x0a'", "1", "\n");
	assert_usage_error("'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...': not a number",
			   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
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
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_bad_usage),
		cmocka_unit_test(test_quoted_arguments),
		cmocka_unit_test(test_reparse_resets),
		cmocka_unit_test(test_storage_mode_name),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
