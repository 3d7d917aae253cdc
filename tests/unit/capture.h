/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a function writes to a FILE, captured in memory: capture_open()
 * gives the FILE to pass, capture_close() the text (the caller's to
 * free). Include after cmocka.h. */
#ifndef RQS_UNIT_CAPTURE_H
#define RQS_UNIT_CAPTURE_H

#include <stdio.h>

struct capture {
	FILE *f;
	char *text;
	size_t len;
};

static inline FILE *capture_open(struct capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static inline char *capture_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->text;
}

/* @page has @line as a whole line (needs string.h) */
#define assert_line(page, line)                                                 \
	do {                                                                    \
		const char *l_ = (line);                                        \
		const char *p_ = strstr(page, l_);                              \
		if (!p_ || (p_ != page && p_[-1] != '\n') || p_[strlen(l_)] != '\n') \
			fail_msg("no line '%s' in:\n%s", l_, page);             \
	} while (0)

#endif
