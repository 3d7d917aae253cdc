// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Label values: printable, valid UTF-8, and never the same for two names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "summary/metric_label.h"

static char out[256];

static const char *enc(const char *s, size_t len)
{
	size_t need = label_encode(out, sizeof(out), s, len);

	assert_int_equal(need, strlen(out));
	return out;
}

static void test_plain_and_utf8(void **state)
{
	(void)state;
	assert_string_equal(enc("kworker/0:1", 11), "kworker/0:1");
	assert_string_equal(enc("/system.slice/cron.service", 26), "/system.slice/cron.service");
	/* the name ends at its NUL or its length, whichever comes first */
	assert_string_equal(enc("abc\0def", 7), "abc");
	assert_string_equal(enc("sixteen-chars-xxTAIL", 16), "sixteen-chars-xx");
	/* valid UTF-8 stays: é, €, 😀 */
	assert_string_equal(enc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
			    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* quotes stay: the exposition format escapes them */
	assert_string_equal(enc("a\"b", 3), "a\"b");
}

static void test_escapes(void **state)
{
	(void)state;
	assert_string_equal(enc("a\nb\tc\x7f", 6), "a\\x0ab\\x09c\\x7f");
	assert_string_equal(enc("back\\slash", 10), "back\\\\slash");
	/* invalid UTF-8: lone continuation, overlong, surrogate, truncated,
	 * beyond U+10FFFF */
	assert_string_equal(enc("\x80", 1), "\\x80");
	assert_string_equal(enc("\xc0\xaf", 2), "\\xc0\\xaf");
	assert_string_equal(enc("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");
	assert_string_equal(enc("\xe2\x82", 2), "\\xe2\\x82");
	assert_string_equal(enc("\xf4\x90\x80\x80", 4), "\\xf4\\x90\\x80\\x80");
}

static void test_injective(void **state)
{
	char a[64];

	(void)state;
	/* a control byte and the four characters that spell its escape */
	strcpy(a, enc("\x01", 1));
	assert_string_not_equal(a, enc("\\x01", 4));
	strcpy(a, enc("\\", 1));
	assert_string_not_equal(a, enc("\\\\", 2));
}

static void test_truncation(void **state)
{
	char small[5];

	(void)state;
	assert_int_equal(label_encode(small, sizeof(small), "\n\n", 2), 8);
	assert_string_equal(small, "\\x0a");
	assert_int_equal(label_encode(NULL, 0, "abc", 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_utf8),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_injective),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests_name("label", tests, NULL, NULL);
}
