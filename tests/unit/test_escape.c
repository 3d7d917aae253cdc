// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one form of untrusted names in text output (common/untrusted_text.h),
 * case by case: each class of byte or character, the edges of each class,
 * valid UTF-8 that must stay, and each kind of invalid UTF-8. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/untrusted_text.h"

struct esc_case {
	const char *what;
	const char *in;
	size_t len;
	const char *out;
};

#define C(what, in, out) { what, in, sizeof(in) - 1, out }

static const struct esc_case cases[] = {
	/* ordinary names print as they are */
	C("plain", "kworker/0:1", "kworker/0:1"),
	C("space stays", "Web Content", "Web Content"),
	C("printable ASCII edges", " ~", " ~"),
	C("punctuation", "a\"b'c$(d)`e", "a\"b'c$(d)`e"),
	C("cgroup path", "/system.slice/cron.service", "/system.slice/cron.service"),
	C("empty", "", ""),
	/* the backslash, so that the form reads back one way */
	C("backslash", "a\\b", "a\\\\b"),
	C("backslash spelling an escape", "\\x0a", "\\\\x0a"),
	/* C0 controls and DEL */
	C("NUL ends the name", "ab\0cd", "ab"),
	C("0x01", "\x01", "\\x01"),
	C("tab", "a\tb", "a\\x09b"),
	C("newline forging a line", "x\n00:00:00 sshd", "x\\x0a00:00:00 sshd"),
	C("carriage return", "a\rb", "a\\x0db"),
	C("ESC clear screen", "\x1b[2J", "\\x1b[2J"),
	C("0x1f", "\x1f", "\\x1f"),
	C("DEL", "\x7f", "\\x7f"),
	/* C1 controls, U+0080..U+009F, as code points */
	C("U+0080 first C1", "\xc2\x80", "\\u0080"),
	C("U+009B CSI", "\xc2\x9b" "2J", "\\u009b2J"),
	C("U+009F last C1", "\xc2\x9f", "\\u009f"),
	C("U+00A0 after C1 stays", "\xc2\xa0", "\xc2\xa0"),
	C("U+007E stays", "~", "~"),
	/* Bidi_Control */
	C("U+061C ALM", "\xd8\x9c", "\\u061c"),
	C("U+061B stays", "\xd8\x9b", "\xd8\x9b"),
	C("U+061D stays", "\xd8\x9d", "\xd8\x9d"),
	C("U+200D stays", "\xe2\x80\x8d", "\xe2\x80\x8d"),
	C("U+200E LRM", "\xe2\x80\x8e", "\\u200e"),
	C("U+200F RLM", "\xe2\x80\x8f", "\\u200f"),
	C("U+2010 stays", "\xe2\x80\x90", "\xe2\x80\x90"),
	C("U+2029 stays", "\xe2\x80\xa9", "\xe2\x80\xa9"),
	C("U+202A LRE", "\xe2\x80\xaa", "\\u202a"),
	C("U+202E RLO", "\xe2\x80\xae" "cod.exe", "\\u202ecod.exe"),
	C("U+202F stays", "\xe2\x80\xaf", "\xe2\x80\xaf"),
	C("U+2065 stays", "\xe2\x81\xa5", "\xe2\x81\xa5"),
	C("U+2066 LRI", "\xe2\x81\xa6", "\\u2066"),
	C("U+2069 PDI", "\xe2\x81\xa9", "\\u2069"),
	C("U+206A stays", "\xe2\x81\xaa", "\xe2\x81\xaa"),
	/* valid multi-byte UTF-8 stays, to the edges of each length */
	C("2 bytes", "caf\xc3\xa9", "caf\xc3\xa9"),
	C("3 bytes", "\xe2\x82\xac", "\xe2\x82\xac"),
	C("4 bytes", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"),
	C("U+0800 first 3-byte", "\xe0\xa0\x80", "\xe0\xa0\x80"),
	C("U+D7FF before surrogates", "\xed\x9f\xbf", "\xed\x9f\xbf"),
	C("U+E000 after surrogates", "\xee\x80\x80", "\xee\x80\x80"),
	C("U+FFFF", "\xef\xbf\xbf", "\xef\xbf\xbf"),
	C("U+10000 first 4-byte", "\xf0\x90\x80\x80", "\xf0\x90\x80\x80"),
	C("U+10FFFF last", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"),
	/* invalid UTF-8: each byte as \xNN */
	C("lone continuation", "a\x80z", "a\\x80z"),
	C("0xbf continuation", "\xbf", "\\xbf"),
	C("0xff", "\xff", "\\xff"),
	C("0xf5 lead", "\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80"),
	C("overlong '/' 2 bytes", "\xc0\xaf", "\\xc0\\xaf"),
	C("overlong 0xc1", "\xc1\xbf", "\\xc1\\xbf"),
	C("overlong NL 2 bytes", "\xc0\x8a", "\\xc0\\x8a"),
	C("overlong 3 bytes", "\xe0\x80\xaf", "\\xe0\\x80\\xaf"),
	C("overlong 3 bytes U+07FF", "\xe0\x9f\xbf", "\\xe0\\x9f\\xbf"),
	C("overlong 4 bytes", "\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf"),
	C("overlong C1 U+009B", "\xe0\x82\x9b", "\\xe0\\x82\\x9b"),
	C("surrogate U+D800", "\xed\xa0\x80", "\\xed\\xa0\\x80"),
	C("surrogate U+DFFF", "\xed\xbf\xbf", "\\xed\\xbf\\xbf"),
	C("above U+10FFFF", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"),
	C("truncated 2 of 3", "ab\xe2\x82", "ab\\xe2\\x82"),
	C("truncated then ASCII", "\xe2\x82" "A", "\\xe2\\x82A"),
	C("truncated 3 of 4", "\xf0\x9f\x98", "\\xf0\\x9f\\x98"),
	C("truncated C1 lead", "\xc2", "\\xc2"),
	C("truncated after valid", "\xc3\xa9\xc3", "\xc3\xa9\\xc3"),
	C("lead then lead", "\xc3\xc3\xa9", "\\xc3\xc3\xa9"),
	C("NUL inside a sequence", "\xe2\x80\0\xae", "\\xe2\\x80"),
	/* a bit of everything: the forged names of the live test */
	C("mixed", "\x1b[2J\xc2\x9b\xe2\x80\xae\xe2\x81\xa6\xff\xc0",
	  "\\x1b[2J\\u009b\\u202e\\u2066\\xff\\xc0"),
};

static void test_table(void **state)
{
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct esc_case *c = &cases[i];
		size_t need = text_escape(out, sizeof(out), c->in, c->len);

		if (strcmp(out, c->out) || need != strlen(c->out))
			fail_msg("%s: got \"%s\" (%zu), want \"%s\"", c->what, out, need, c->out);
	}
}

/* a COMM of 16 bytes without a NUL: never read past the length */
static void test_length_bound(void **state)
{
	char comm[16], out[TEXT_ESCAPED_SIZE(16)];

	(void)state;
	memcpy(comm, "0123456789abcdef", 16);
	text_escape(out, sizeof(out), comm, sizeof(comm));
	assert_string_equal(out, "0123456789abcdef");
	/* a character cut by the length: its bytes */
	text_escape(out, sizeof(out), "x\xc3\xa9", 2);
	assert_string_equal(out, "x\\xc3");
}

/* TEXT_ESCAPED_SIZE is enough for any input: every byte value, and the
 * widest sequences, fill it at most */
static void test_size_bound(void **state)
{
	unsigned char in[15];
	char out[TEXT_ESCAPED_SIZE(15)];

	(void)state;
	for (int c = 1; c < 256; c++) {
		memset(in, c, sizeof(in));
		assert_true(text_escape(out, sizeof(out), (char *)in, sizeof(in)) <
			    sizeof(out));
		for (unsigned char *p = (unsigned char *)out; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
	}
	/* 7 x U+009B (2 bytes, 6 out) and a stray byte */
	assert_int_equal(text_escape(out, sizeof(out),
				     "\xc2\x9b\xc2\x9b\xc2\x9b\xc2\x9b\xc2\x9b\xc2\x9b\xc2\x9b\xff",
				     15), 46);
	assert_true(TEXT_ESCAPED_SIZE(15) > 46);
}

static void test_truncation(void **state)
{
	char small[5];

	(void)state;
	assert_int_equal(text_escape(small, sizeof(small), "\n\n", 2), 8);
	assert_string_equal(small, "\\x0a");
	assert_int_equal(text_escape(NULL, 0, "abc", 3), 3);
}

/* no two names print the same: all two-byte names (and the one-byte ones),
 * sorted, hold no equal neighbours */
static char seen[256 * 256][12];

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_injective(void **state)
{
	size_t n = 0;
	char a[3] = { 0 };

	(void)state;
	for (int i = 1; i < 256; i++)
		for (int j = 0; j < 256; j++) {
			a[0] = (char)i;
			a[1] = (char)j;
			text_escape(seen[n++], sizeof(seen[0]), a, 2);
		}
	qsort(seen, n, sizeof(seen[0]), by_text);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(seen[i - 1], seen[i]))
			fail_msg("two names print as \"%s\"", seen[i]);
}

static void test_classes(void **state)
{
	(void)state;
	for (uint32_t cp = 0; cp < 0x20; cp++)
		assert_true(code_point_unsafe(cp));
	for (uint32_t cp = 0x20; cp < 0x7f; cp++)
		assert_false(code_point_unsafe(cp));
	for (uint32_t cp = 0x7f; cp <= 0x9f; cp++)
		assert_true(code_point_unsafe(cp));
	assert_false(code_point_unsafe(0xa0));
	assert_false(code_point_unsafe(0xfffd));
	assert_false(code_point_unsafe(0x10ffff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_size_bound),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_injective),
		cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
