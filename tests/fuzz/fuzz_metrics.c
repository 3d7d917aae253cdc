// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The /metrics renderer (src/summary/prometheus.c, src/summary/metric_label.c): label values from any
 * bytes (COMM, cgroup paths) and any counts must give a page in the text
 * exposition format: valid UTF-8; each line a comment, or a metric name,
 * optional labels with quoted, escaped values, a space and a number. In
 * OpenMetrics a bucket may add " # ", an exemplar's labels (any COMM), its
 * value and time, and the page ends with "# EOF". */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include "summary/metric_label.h"
#include "summary/prometheus.h"
#include "utf8_check.h"

#define MAX_SERIES 4

/* {name="value",...} at l[i]: the index after it */
static size_t check_labels(const char *l, size_t n, size_t i)
{
	size_t runes = 0;

	if (i >= n || l[i] != '{')
		abort();
	i++;
	while (i < n && l[i] != '}') {
		while (i < n && l[i] != '=')	/* label name */
			i++, runes++;
		if (i + 1 >= n || l[i + 1] != '"')
			abort();
		for (i += 2; i < n && l[i] != '"'; i++) {
			if (l[i] == '\\' && (++i >= n || !strchr("\\\"n", l[i])))
				abort();
			runes += (l[i] & 0xc0) != 0x80;
		}
		if (i >= n)
			abort();
		i++;	/* closing quote */
		if (i < n && l[i] == ',')
			i++;
	}
	if (i >= n)
		abort();
	/* OpenMetrics: an exemplar's labels, at most 128 characters */
	if (runes > 128)
		abort();
	return i + 1;
}

/* a space and a number at l[i]: the index after it */
static size_t check_number(const char *l, size_t n, size_t i)
{
	if (i >= n || l[i] != ' ' || i + 1 >= n || l[i + 1] == ' ')
		abort();
	for (i++; i < n && l[i] != ' '; i++)
		if (!strchr("0123456789.eE+-Inf", l[i]))
			abort();
	return i;
}

static void check_line(const char *l, size_t n, bool om)
{
	size_t i = 0;

	if (!n)
		abort();
	if (l[0] == '#')
		return;
	if (!(l[0] == '_' || l[0] == ':' || ((l[0] | 0x20) >= 'a' && (l[0] | 0x20) <= 'z')))
		abort();
	while (i < n && l[i] != '{' && l[i] != ' ')
		i++;
	if (i < n && l[i] == '{')
		i = check_labels(l, n, i);
	i = check_number(l, n, i);
	if (i == n)
		return;
	if (!om || n - i < 4 || memcmp(l + i, " # ", 3))
		abort();
	i = check_labels(l, n, i + 3);
	i = check_number(l, n, i);	/* the wait */
	if (check_number(l, n, i) != n)	/* its time */
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct series series[MAX_SERIES] = { 0 };
	struct metrics_input in = { .version = "0.1.0", .storage = "task" };
	struct hist overflow = { 0 };
	struct hist_layout layout;
	struct exemplars ex;
	char *page = NULL, *line, *end;
	size_t len = 0, pos = 1, ns;
	FILE *f;

	if (size < 2)
		return 0;
	in.by = data[0] % 4;
	/* --bucket-range: a layout from the same byte's other bits */
	if (data[0] & 4) {
		layout = hist_layout_of(1ULL << (data[0] >> 3), (uint64_t)data[1] << (data[0] >> 3));
		in.layout = &layout;
	}
	ns = in.by == RQS_BY_NONE ? 1 : data[1] % (MAX_SERIES + 1);
	for (size_t s = 0; s < ns; s++) {
		size_t take = pos < size ? data[pos] % 24 : 0, cap;

		pos++;
		if (pos + take > size)
			take = size > pos ? size - pos : 0;
		if (in.by != RQS_BY_NONE) {
			cap = 4 * take + 1;
			series[s].label = malloc(cap);
			if (!series[s].label)
				abort();
			label_encode(series[s].label, cap, (const char *)data + pos, take);
		}
		pos += take;
		for (int k = 0; k < RQS_HIST_SLOTS && pos < size; k++, pos++)
			series[s].h.slots[k] = data[pos] * 1000003ULL;
		series[s].h.sum_ns = pos < size ? data[pos] * 12345678ULL : 0;
	}
	in.series = series;
	in.nseries = ns;
	if (in.by == RQS_BY_COMM || in.by == RQS_BY_CGROUP) {
		overflow.slots[3] = size;
		in.overflow = &overflow;
		in.overflow_keys = size % 7;
	}
	in.outliers = size;
	/* OpenMetrics: each series an exemplar in one slot, any COMM */
	in.openmetrics = data[1] & 0x80;
	exemplars_init(&ex, MAX_SERIES);
	for (size_t s = 0; in.openmetrics && s < ns; s++) {
		struct exemplar e = { .tid = UINT32_MAX, .end_real_ns = INT64_MAX };

		e.wait_ns = pos < size ? 1ULL << (data[pos] % 64) : 1;
		e.wait_ns += pos < size ? data[pos] : 0;
		pos++;
		for (size_t k = 0; k < sizeof(e.comm) && pos < size; k++, pos++)
			e.comm[k] = (char)data[pos];
		if (exemplars_note(&ex, series[s].label ? series[s].label : "", &e) == -ENOMEM)
			abort();
	}
	in.exemplars = &ex;
	f = open_memstream(&page, &len);
	if (!f)
		abort();
	if (metrics_render(f, &in) < 0)
		abort();
	fclose(f);
	if (!utf8_terminal_safe((const unsigned char *)page, len) || (len && page[len - 1] != '\n'))
		abort();
	for (line = page; line < page + len; line = end + 1) {
		end = memchr(line, '\n', page + len - line);
		check_line(line, end - line, in.openmetrics);
	}
	if (in.openmetrics != (len >= 6 && !memcmp(page + len - 6, "# EOF\n", 6)))
		abort();
	free(page);
	exemplars_free(&ex);
	for (size_t s = 0; s < ns; s++)
		free(series[s].label);
	return 0;
}
