// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Accept = #( media-range [ weight ] )
 * media-range = ( "* / *" / ( type "/" "*" ) / ( type "/" subtype ) )
 *               *( OWS ";" OWS parameter )
 * weight = OWS ";" OWS "q=" qvalue
 * Types and parameter names are case-insensitive; a parameter value may be
 * a quoted string. Parameters after the weight are extensions, ignored. */
#include <string.h>
#include <strings.h>

#include "summary/accept_format.h"
#include "summary/http_list.h"

#define OPENMETRICS_VERSION "1.0.0"
#define TEXT_VERSION "0.0.4"

void accept_format_init(struct accept_format *a)
{
	*a = (struct accept_format){ -1, -1, -1, -1, -1 };
}

static bool is(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - s) == n && !strncasecmp(s, word, n);
}

/* A parameter's value in [*s, end), its quotes removed */
static void unquote(const char **s, const char **end)
{
	if (*end - *s >= 2 && **s == '"' && (*end)[-1] == '"') {
		(*s)++;
		(*end)--;
	}
}

/* one list element in [s, end), without surrounding OWS */
static void element(void *ctx, const char *s, const char *end)
{
	struct accept_format *a = ctx;
	const char *semi = memchr(s, ';', (size_t)(end - s));
	const char *type_end = http_trim_ows(s, semi ? semi : end);
	const char *p = type_end, *version = NULL, *version_end = NULL;
	bool openmetrics, text;
	int q = 1000;

	if (type_end == s)
		return;
	while ((p = memchr(p, ';', (size_t)(end - p)))) {
		const char *name = http_skip_ows(p + 1, end), *eq, *next;

		next = memchr(name, ';', (size_t)(end - name));
		if (!next)
			next = end;
		eq = memchr(name, '=', (size_t)(next - name));
		/* parameter = token "=" value: no space around the "=" */
		if (!eq || eq == name || http_trim_ows(name, eq) != eq)
			return;
		if (is(name, eq, "q")) {
			q = http_qvalue(eq + 1, http_trim_ows(eq + 1, next));
			if (q < 0)
				return;
			break;
		}
		if (is(name, eq, "version")) {
			version = eq + 1;
			version_end = http_trim_ows(version, next);
			unquote(&version, &version_end);
		}
		p = next;
	}
	openmetrics = is(s, type_end, "application/openmetrics-text");
	text = is(s, type_end, "text/plain");
	if (openmetrics && (!version || is(version, version_end, OPENMETRICS_VERSION)))
		http_weigh(&a->openmetrics, q);
	else if (text && (!version || is(version, version_end, TEXT_VERSION)))
		http_weigh(&a->text, q);
	else if (is(s, type_end, "application/*"))
		http_weigh(&a->openmetrics_any, q);
	else if (is(s, type_end, "text/*"))
		http_weigh(&a->text_any, q);
	else if (is(s, type_end, "*/*"))
		http_weigh(&a->any, q);
}

void accept_format_add(struct accept_format *a, const char *value)
{
	http_list_each(value, element, a);
}

/* the weight of the most specific range that matches */
static int weight(int exact, int type_any, int any)
{
	return exact >= 0 ? exact : type_any >= 0 ? type_any : any;
}

bool accept_format_openmetrics(const struct accept_format *a)
{
	int om = weight(a->openmetrics, a->openmetrics_any, a->any);
	int text = weight(a->text, a->text_any, a->any);

	return om > 0 && om > text;
}
