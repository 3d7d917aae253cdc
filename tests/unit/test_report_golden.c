// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The outputs of a recorded run (tests/unit/golden/README): each event,
 * rendered as text and JSON with each set of columns, must be byte for byte
 * what the tool printed for it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "report/json_records.h"
#include "report/text_lines.h"

#define GOLDEN "tests/unit/golden/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s (run from the top directory)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct output_format format_of(const char *letters)
{
	struct output_format f = { 0 };

	f.previous = strchr(letters, 'P');
	f.tgid = strchr(letters, 'G');
	f.waker = strchr(letters, 'W');
	f.cpu = strchr(letters, 'C');
	f.blame = strchr(letters, '5') ? 5 : strchr(letters, 'B') ? 3 : 0;
	f.json = strchr(letters, 'j');
	f.time = strchr(letters, 'u') ? TIME_US : strchr(letters, 'm') ? TIME_MONO : TIME_HMS;
	return f;
}

static char *render(const char *events, size_t len, const struct output_format *f)
{
	struct rqs_event e;
	char *out = NULL;
	size_t out_len = 0, off = 0;
	FILE *o = open_memstream(&out, &out_len);
	long long rmm;
	uint32_t size;

	if (!f->json)
		assert_true(print_banner(o, 1000, f) > 0);
	while (off + sizeof(rmm) + sizeof(size) <= len) {
		memcpy(&rmm, events + off, sizeof(rmm));
		memcpy(&size, events + off + sizeof(rmm), sizeof(size));
		off += sizeof(rmm) + sizeof(size);
		assert_true(size <= sizeof(e) && off + size <= len);
		memset(&e, 0, sizeof(e));
		memcpy(&e, events + off, size);
		off += size;
		if (f->json)
			assert_int_equal(json_event(o, &e, rmm, f, NULL), 0);
		else
			assert_true(print_event(o, &e, f, rmm, NULL) > 0);
	}
	fclose(o);
	return out;
}

static void test_golden(void **state)
{
	static const char *const names[] = {
		"plain", "P", "G", "u", "m", "W", "C", "B", "WCB", "PGWC5u", "PGWCBm",
		"j", "Pj", "WCBj", "PWC5j",
	};
	size_t len, want_len;
	char *events, path[128];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	events = slurp(GOLDEN "events.bin", &len);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct output_format f = format_of(names[i]);
		char *want, *got;

		snprintf(path, sizeof(path), GOLDEN "%s.out", names[i]);
		want = slurp(path, &want_len);
		got = render(events, len, &f);
		/* GOLDEN_UPDATE=1 (by hand, README): record what the
		 * printers print now, for a change of output made on purpose */
		if (getenv("GOLDEN_UPDATE")) {
			FILE *o = fopen(path, "w");

			assert_non_null(o);
			assert_int_equal(fputs(got, o) >= 0 && fclose(o) == 0, 1);
		} else if (strcmp(got, want)) {
			size_t at = 0;

			while (got[at] == want[at])
				at++;
			fail_msg("%s differs at byte %zu: got '%.60s', recorded '%.60s'",
				 names[i], at, got + at, want + at);
		}
		free(want);
		free(got);
	}
	free(events);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
