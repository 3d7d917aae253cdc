/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PRINTABLE_ARGV_H
#define RQS_PRINTABLE_ARGV_H

/* @argv itself, or a copy in which each argument with a control byte is
 * written with \xNN instead: see printable_argv.c. */
char **printable_argv(int argc, char **argv);

#endif
