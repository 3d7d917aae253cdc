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
	/* valid UTF-8 that acts on a terminal: C1 controls (U+009B is CSI on
	 * the Linux console) and bidi overrides, as code points */
	assert_string_equal(enc("\xc2\x9b" "2J", 4), "\\u009b2J");
	assert_string_equal(enc("/a\xe2\x80\xae" "b", 6), "/a\\u202eb");
	assert_string_equal(enc("\xe2\x81\xa6\xd8\x9c", 5), "\\u2066\\u061c");
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

/* the bytes of @l on the page: the exposition format escapes \\ and " */
static size_t page_len(const char *l)
{
	size_t n = 0;

	for (; *l; l++)
		n += 1 + (*l == '\\' || *l == '"');
	return n;
}

static const char ellipsis[] = "\xe2\x80\xa6";

static void test_make_short_is_encode(void **state)
{
	char path[300];
	int cut = -1;
	char *l;

	(void)state;
	l = label_make("/a\nb", 4, RQS_LABEL_MAX, &cut);
	assert_string_equal(l, "/a\\x0ab");
	assert_int_equal(cut, 0);
	free(l);
	/* exactly the cap on the page: not cut */
	memset(path, 'x', 256);
	path[0] = '/';
	l = label_make(path, 256, RQS_LABEL_MAX, &cut);
	assert_int_equal(cut, 0);
	assert_int_equal(strlen(l), 256);
	free(l);
	path[255] = '"';	/* 257 on the page */
	l = label_make(path, 256, RQS_LABEL_MAX, &cut);
	assert_int_equal(cut, 1);
	assert_true(page_len(l) <= RQS_LABEL_MAX);
	free(l);
}

static void test_make_cut_keeps_end_and_apart(void **state)
{
	static char a[4096], b[4096];
	int cut;
	char *la, *lb;
	size_t n;

	(void)state;
	/* PATH_MAX-long paths that differ only in their first component */
	memset(a, 'd', sizeof(a) - 1);
	for (size_t i = 0; i < sizeof(a) - 1; i += 64)
		a[i] = '/';
	memcpy(a + sizeof(a) - 14, "/leaf.service", 13);
	memcpy(b, a, sizeof(b));
	b[1] = 'e';
	la = label_make(a, strlen(a), RQS_LABEL_MAX, &cut);
	assert_int_equal(cut, 1);
	lb = label_make(b, strlen(b), RQS_LABEL_MAX, &cut);
	assert_int_equal(cut, 1);
	assert_true(page_len(la) <= RQS_LABEL_MAX);
	/* as much of the end as fits: every byte but the prefix's */
	assert_int_equal(page_len(la), RQS_LABEL_MAX);
	assert_memory_equal(la, ellipsis, 3);
	assert_int_equal(la[19], ':');
	n = strlen(la);
	assert_memory_equal(la + 20, a + strlen(a) - (n - 20), n - 20);
	/* the same end, two series */
	assert_string_not_equal(la, lb);
	assert_string_equal(la + 19, lb + 19);
	free(la);
	free(lb);
}

static void test_make_cut_whole_units(void **state)
{
	static char p[1024];
	size_t n = 0;
	int cut;
	char *l;

	(void)state;
	/* U+20AC (3 bytes) and invalid bytes (5 bytes on the page each) */
	for (int i = 0; i < 100; i++) {
		memcpy(p + n, "\xe2\x82\xac\xff", 4);
		n += 4;
	}
	l = label_make(p, n, RQS_LABEL_MAX, &cut);
	assert_int_equal(cut, 1);
	assert_true(page_len(l) <= RQS_LABEL_MAX);
	/* the kept end, as label_encode() would give it: never a piece of a
	 * character or of an escape */
	assert_true(page_len(l) > RQS_LABEL_MAX - 5);
	for (size_t off = 0; off < n; off++) {
		char tail[1024];

		label_encode(tail, sizeof(tail), p + off, n - off);
		if (!strcmp(tail, l + 20))
			goto found;
	}
	fail_msg("'%s' is no encoded end of the name", l + 20);
found:
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_utf8),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_injective),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_make_short_is_encode),
		cmocka_unit_test(test_make_cut_keeps_end_and_apart),
		cmocka_unit_test(test_make_cut_whole_units),
	};

	return cmocka_run_group_tests_name("label", tests, NULL, NULL);
}
