/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* JSON Lines: one object a line. Strings are written as UTF-8: valid UTF-8
 * passes through, '"' and '\' are escaped, control bytes and DEL become
 * \uXXXX (\b \f \n \r \t their short forms), so do C1 controls and
 * bidirectional formatting characters (code_point_unsafe() of
 * common/untrusted_text.h: a JSON parser gives them back, a terminal
 * showing the line never sees them), and every byte that is not part
 * of a valid UTF-8 sequence (a lone continuation byte, an overlong form, a
 * surrogate, a sequence cut short, as the kernel's 15-byte COMM cut can
 * leave) becomes U+FFFD, one for each such byte. The result is always valid
 * JSON; names that are not valid UTF-8 lose those bytes. */
#ifndef RQS_JSON_WRITER_H
#define RQS_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes @s (at most @len bytes, up to a NUL) as a quoted JSON string. */
void json_string(FILE *out, const char *s, size_t len);

struct json_obj {
	FILE *out;
	bool first;
};

/* {"type":"<type>" ... */
void json_begin(struct json_obj *o, FILE *out, const char *type);
void json_key(struct json_obj *o, const char *key);
void json_str(struct json_obj *o, const char *key, const char *s, size_t len);
void json_u64(struct json_obj *o, const char *key, unsigned long long v);
void json_i64(struct json_obj *o, const char *key, long long v);
void json_bool(struct json_obj *o, const char *key, bool v);
void json_null(struct json_obj *o, const char *key);
/* @number: already a valid JSON number, written as is */
void json_number(struct json_obj *o, const char *key, const char *number);
/* }\n; returns the result of the last write: negative on a write error */
int json_end(struct json_obj *o);

/* Whether @s is a JSON number as this writer would print it: an optional
 * minus, digits without a leading zero, an optional fraction. */
bool json_is_number(const char *s);

#endif
