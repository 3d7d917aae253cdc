// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "common/version.h"
#include "trace/kernel_probe.h"
#include "trace/storage_choice.h"

int choose_storage(enum storage_mode requested, enum storage_mode *mode)
{
	int err;

	if (requested == STORAGE_HASH) {
		*mode = STORAGE_HASH;
		return 0;
	}
	err = probe_task_storage();
	if (!err && task_storage_unsafe_on_rt()) {
		if (requested == STORAGE_TASK) {
			fprintf(stderr, RQS_NAME ": warning: --storage=task on a PREEMPT_RT kernel before Linux 6.4: task storage is allocated with preemption disabled, where PREEMPT_RT forbids it\n");
			*mode = STORAGE_TASK;
			return 0;
		}
		fprintf(stderr, RQS_NAME ": notice: using --storage=hash: task storage on a PREEMPT_RT kernel before Linux 6.4 is allocated with preemption disabled, where PREEMPT_RT forbids it\n");
		*mode = STORAGE_HASH;
		return 0;
	}
	if (!err) {
		*mode = STORAGE_TASK;
		return 0;
	}
	if (!bpf_feature_missing(err)) {
		fprintf(stderr, RQS_NAME ": cannot load BPF programs: %s\n", strerror(-err));
		return 1;
	}
	if (requested == STORAGE_TASK) {
		fprintf(stderr, RQS_NAME ": cannot use --storage=task: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)\n");
		return 1;
	}
	fprintf(stderr, RQS_NAME ": notice: using --storage=hash: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)\n");
	*mode = STORAGE_HASH;
	return 0;
}
