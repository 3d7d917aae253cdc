// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* JSON Lines writer; the escaping rules are in json.h. */
#include <string.h>

#include "common/json_writer.h"
#include "common/untrusted_text.h"

void json_string(FILE *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strnlen(str, len), i = 0, l;
	uint32_t cp;

	fputc('"', out);
	while (i < n) {
		unsigned char c = s[i];

		switch (c) {
		case '"': fputs("\\\"", out); i++; continue;
		case '\\': fputs("\\\\", out); i++; continue;
		case '\b': fputs("\\b", out); i++; continue;
		case '\f': fputs("\\f", out); i++; continue;
		case '\n': fputs("\\n", out); i++; continue;
		case '\r': fputs("\\r", out); i++; continue;
		case '\t': fputs("\\t", out); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
			continue;
		}
		l = utf8_decode(s + i, n - i, &cp);
		if (!l) {
			fputs("\\ufffd", out);
			i++;
			continue;
		}
		/* valid JSON raw, but a C1 control or a bidi override acts on
		 * the terminal that shows the line */
		if (code_point_unsafe(cp)) {
			fprintf(out, "\\u%04x", (unsigned int)cp);
			i += l;
			continue;
		}
		fwrite(s + i, 1, l, out);
		i += l;
	}
	fputc('"', out);
}

void json_begin(struct json_obj *o, FILE *out, const char *type)
{
	o->out = out;
	o->first = true;
	fputc('{', out);
	json_str(o, "type", type, strlen(type));
}

void json_key(struct json_obj *o, const char *key)
{
	if (!o->first)
		fputc(',', o->out);
	o->first = false;
	json_string(o->out, key, strlen(key));
	fputc(':', o->out);
}

void json_str(struct json_obj *o, const char *key, const char *s, size_t len)
{
	json_key(o, key);
	json_string(o->out, s, len);
}

void json_u64(struct json_obj *o, const char *key, unsigned long long v)
{
	json_key(o, key);
	fprintf(o->out, "%llu", v);
}

void json_i64(struct json_obj *o, const char *key, long long v)
{
	json_key(o, key);
	fprintf(o->out, "%lld", v);
}

void json_bool(struct json_obj *o, const char *key, bool v)
{
	json_key(o, key);
	fputs(v ? "true" : "false", o->out);
}

void json_null(struct json_obj *o, const char *key)
{
	json_key(o, key);
	fputs("null", o->out);
}

void json_number(struct json_obj *o, const char *key, const char *number)
{
	json_key(o, key);
	fputs(number, o->out);
}

int json_end(struct json_obj *o)
{
	return fputs("}\n", o->out) < 0 ? -1 : 0;
}

bool json_is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0' && s[1] >= '0' && s[1] <= '9')
		return false;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}
