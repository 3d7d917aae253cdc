/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names that any user picks (a task's COMM, a cgroup's path) as text that
 * can neither act on a terminal nor forge a line. One form everywhere text
 * is printed (the outlier lines, -W and -B, the summaries, the /metrics
 * labels):
 *   a backslash                         \\
 *   a control byte (0x00-0x1f, 0x7f),
 *   a byte not part of valid UTF-8      \xNN  (the byte, lower-case hex)
 *   a C1 control (U+0080-U+009F) or a
 *   bidirectional formatting character
 *   (Unicode's Bidi_Control: U+061C,
 *   U+200E, U+200F, U+202A-U+202E,
 *   U+2066-U+2069)                      \uNNNN (the code point)
 * Everything else, printable ASCII (the space too) and valid UTF-8, is
 * written as it is: an ordinary name prints unchanged, and two different
 * names never print the same. */
#ifndef RQS_UNTRUSTED_TEXT_H
#define RQS_UNTRUSTED_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What text_escape() may need for @len bytes, with the NUL: \xNN is 4 bytes
 * for 1, \uNNNN 6 for 2 or 3 */
#define TEXT_ESCAPED_SIZE(len) ((len) * 4 + 1)

/* The length of the valid UTF-8 sequence at @s (@n bytes left), its code
 * point in *@cp; 0 if invalid (RFC 3629: no overlong form, no surrogate,
 * nothing above U+10FFFF, no sequence cut short). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* A code point that acts on a terminal or reorders the text around it:
 * C0 controls, DEL, C1 controls, Bidi_Control characters. */
bool code_point_unsafe(uint32_t cp);

/* @src (at most @len bytes, up to a NUL) in the form above into @dst, at
 * most @cap bytes with the NUL (TEXT_ESCAPED_SIZE(len) is always enough);
 * returns the length it needed, without the NUL. */
size_t text_escape(char *dst, size_t cap, const char *src, size_t len);

#endif
