/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* -p and -t, shared by the tracing programs and the prefill iterator; the
 * including file declares `const volatile struct rqs_config cfg`. The
 * verifier knows cfg's values (read-only, frozen map) and removes the
 * branches they make dead: without -p no compare is left, with one process
 * one. */
#ifndef FILTER_BPF_H
#define FILTER_BPF_H

static __always_inline bool traced(struct task_struct *p)
{
	if (cfg.ntgids) {
		__s32 tgid = p->tgid;
		bool found = false;

#pragma unroll
		for (int i = 0; i < RQS_MAX_TGIDS; i++) {
			if (i >= cfg.ntgids)
				break;
			if (tgid == cfg.targ_tgids[i]) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	if (cfg.targ_pid && p->pid != cfg.targ_pid)
		return false;
	return true;
}

#endif
