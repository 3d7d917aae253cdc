// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include <bpf/bpf.h>

#include "prog_stats.h"

void print_prog_stats(FILE *out, struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		const char *name = bpf_program__name(prog);

		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		if (!strncmp(name, "handle_", 7))
			name += 7;
		else if (!strncmp(name, "ext_", 4))	/* the variant with options */
			name += 4;
		fprintf(out, "stats: prog: %s runs=%llu run_ns=%llu ns_per_run=%.1f\n",
			name, (unsigned long long)info.run_cnt,
			(unsigned long long)info.run_time_ns,
			info.run_cnt ? (double)info.run_time_ns / info.run_cnt : 0.0);
	}
}
