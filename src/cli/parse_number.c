// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Decimal numbers on the command line: no sign, no trailing junk, a range. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse_number.h"
#include "common/version.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int parse_digits(const char *s, unsigned long long *v, const char **rest,
			const char **why)
{
	char *end;

	if (!is_digit(*s)) {
		*why = s[0] == '-' && is_digit(s[1]) ? "negative" : "not a number";
		return -1;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		*v = ULLONG_MAX;
	*rest = end;
	return 0;
}

/* A decimal number in [min, max]; no sign, no trailing junk. */
int parse_number(const char *s, unsigned long long min,
			unsigned long long max, unsigned long long *out,
			const char **why)
{
	unsigned long long v;
	const char *rest;

	if (parse_digits(s, &v, &rest, why))
		return -1;
	if (*rest) {
		*why = "not a number";
		return -1;
	}
	if (v > max) {
		*why = "too large";
		return -1;
	}
	if (v < min) {
		*why = "too small";
		return -1;
	}
	*out = v;
	return 0;
}

bool parse_value(FILE *err, const char *what, const char *s,
			unsigned long long min, unsigned long long max,
			unsigned long long *out)
{
	const char *why = NULL;

	if (parse_number(s, min, max, out, &why) == 0)
		return true;
	fprintf(err, RQS_NAME ": invalid %s '%s': %s\n", what, s, why);
	return false;
}

int parse_us(const char *s, unsigned long long max_us, unsigned long long *out,
	     const char **why)
{
	static const struct {
		const char *suffix;
		unsigned long long us;
	} units[] = { { "", 1 }, { "us", 1 }, { "ms", 1000 }, { "s", 1000000 } };
	unsigned long long v;
	const char *rest;

	if (parse_digits(s, &v, &rest, why))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(rest, units[i].suffix))
			continue;
		if (v > max_us / units[i].us) {
			*why = "too large";
			return -1;
		}
		*out = v * units[i].us;
		return 0;
	}
	*why = "not a number";
	return -1;
}
