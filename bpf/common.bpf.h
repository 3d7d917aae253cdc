/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the tracer's fragments share: the options, as read-only data that the
 * frontend sets before load. The verifier knows their values (a frozen map)
 * and removes the branches they make dead. */
#ifndef COMMON_BPF_H
#define COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "runqslower.h"

const volatile struct rqs_config cfg = {};

/* make bench's omit-PIECE builds (bench/omit.bpf.h) take one piece of the
 * wakeup out; in the tool nothing is omitted */
#ifndef RQS_OMIT
#define RQS_OMIT(piece) 0
#endif

#endif
