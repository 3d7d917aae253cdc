// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <bpf/bpf.h>

#include "trace/prog_stats.h"
#include "trace/program_table.h"

unsigned int prog_stats_read(struct bpf_object *obj, struct prog_run_stats *out,
			     unsigned int max)
{
	struct bpf_program *prog;
	unsigned int n = 0;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		/* a program not loaded has no fd */
		if (n == max || bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		out[n++] = (struct prog_run_stats){
			.name = program_stats_name(bpf_program__name(prog)),
			.runs = info.run_cnt,
			.run_ns = info.run_time_ns,
			.recursion_misses = info.recursion_misses,
		};
	}
	return n;
}
