/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PROGRAM_TABLE_H
#define RQS_PROGRAM_TABLE_H

#include <bpf/libbpf.h>

/* The program set (enum program_set, cli/plan.h) of the tool's program
 * @name, and the name --stats gives it; 0 for a program not in the table. */
unsigned int program_set_of(const char *name);
const char *program_stats_name(const char *name);
/* Loads the programs of @obj in @sets, and no other: 0, or -ENOENT after
 * one line on stderr when @obj has a program the table does not know. */
int programs_select(struct bpf_object *obj, unsigned int sets);

#endif
