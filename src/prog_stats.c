// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <string.h>

#include <bpf/bpf.h>

#include "prog_stats.h"

/* @prog's info and its name without the variant's prefix; false if it is
 * not loaded */
static bool prog_info(struct bpf_program *prog, struct bpf_prog_info *info,
		      const char **name)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), info, &len))
		return false;
	*name = bpf_program__name(prog);
	if (!strncmp(*name, "handle_", 7))
		*name += 7;
	else if (!strncmp(*name, "ext_", 4))	/* the variant with options */
		*name += 4;
	return true;
}

void print_prog_stats(FILE *out, struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		const char *name;

		if (!prog_info(prog, &info, &name))
			continue;
		fprintf(out, "stats: prog: %s runs=%llu run_ns=%llu ns_per_run=%.1f\n",
			name, (unsigned long long)info.run_cnt,
			(unsigned long long)info.run_time_ns,
			info.run_cnt ? (double)info.run_time_ns / info.run_cnt : 0.0);
	}
}

void print_prog_misses(FILE *out, struct bpf_object *obj)
{
	struct bpf_program *prog;

	fprintf(out, "stats: recursion_misses:");
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		const char *name;

		if (prog_info(prog, &info, &name))
			fprintf(out, " %s=%llu", name, (unsigned long long)info.recursion_misses);
	}
	fputc('\n', out);
}
