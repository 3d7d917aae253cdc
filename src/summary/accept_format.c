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

#define OWS " \t"
#define OPENMETRICS_VERSION "1.0.0"
#define TEXT_VERSION "0.0.4"

void accept_format_init(struct accept_format *a)
{
	*a = (struct accept_format){ -1, -1, -1, -1, -1 };
}

static const char *skip_ows(const char *s, const char *end)
{
	while (s < end && strchr(OWS, *s))
		s++;
	return s;
}

static const char *trim_ows(const char *s, const char *end)
{
	while (end > s && strchr(OWS, end[-1]))
		end--;
	return end;
}

static bool is(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - s) == n && !strncasecmp(s, word, n);
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
 * thousandths; -1 when malformed */
static int qvalue(const char *s, const char *end)
{
	int q, digits = 0;

	if (s == end || (*s != '0' && *s != '1'))
		return -1;
	q = (*s++ - '0') * 1000;
	if (s < end && *s == '.')
		for (s++; s < end && digits < 3 && *s >= '0' && *s <= '9'; s++, digits++)
			q += (*s - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
	if (s != end || q > 1000)
		return -1;
	return q;
}

/* A parameter's value in [*s, end), its quotes removed */
static void unquote(const char **s, const char **end)
{
	if (*end - *s >= 2 && **s == '"' && (*end)[-1] == '"') {
		(*s)++;
		(*end)--;
	}
}

static void set_max(int *slot, int q)
{
	if (q > *slot)
		*slot = q;
}

/* one list element in [s, end), without surrounding OWS */
static void element(struct accept_format *a, const char *s, const char *end)
{
	const char *semi = memchr(s, ';', (size_t)(end - s));
	const char *type_end = trim_ows(s, semi ? semi : end);
	const char *p = type_end, *version = NULL, *version_end = NULL;
	bool openmetrics, text;
	int q = 1000;

	if (type_end == s)
		return;
	while ((p = memchr(p, ';', (size_t)(end - p)))) {
		const char *name = skip_ows(p + 1, end), *eq, *next;

		next = memchr(name, ';', (size_t)(end - name));
		if (!next)
			next = end;
		eq = memchr(name, '=', (size_t)(next - name));
		/* parameter = token "=" value: no space around the "=" */
		if (!eq || eq == name || trim_ows(name, eq) != eq)
			return;
		if (is(name, eq, "q")) {
			q = qvalue(eq + 1, trim_ows(eq + 1, next));
			if (q < 0)
				return;
			break;
		}
		if (is(name, eq, "version")) {
			version = eq + 1;
			version_end = trim_ows(version, next);
			unquote(&version, &version_end);
		}
		p = next;
	}
	openmetrics = is(s, type_end, "application/openmetrics-text");
	text = is(s, type_end, "text/plain");
	if (openmetrics && (!version || is(version, version_end, OPENMETRICS_VERSION)))
		set_max(&a->openmetrics, q);
	else if (text && (!version || is(version, version_end, TEXT_VERSION)))
		set_max(&a->text, q);
	else if (is(s, type_end, "application/*"))
		set_max(&a->openmetrics_any, q);
	else if (is(s, type_end, "text/*"))
		set_max(&a->text_any, q);
	else if (is(s, type_end, "*/*"))
		set_max(&a->any, q);
}

void accept_format_add(struct accept_format *a, const char *value)
{
	const char *s = value, *end;

	while (*s) {
		s += strspn(s, OWS ",");
		end = s + strcspn(s, ",");
		end = trim_ows(s, end);
		if (end > s)
			element(a, s, end);
		s = end;
		s += strcspn(s, ",");
	}
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
