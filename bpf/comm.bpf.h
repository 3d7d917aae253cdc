/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef COMM_BPF_H
#define COMM_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* A task's 16-byte comm as two 8-byte loads and stores, no helper: the
 * verifier allows loads of any size inside a char array of a trusted BTF
 * pointer (btf_struct_walk()), and @dst is 8-byte aligned in every struct of
 * runqslower.h. */
static __always_inline void comm_copy(char *dst, const char *src)
{
	const __u64 *s = (const __u64 *)src;
	__u64 *d = (__u64 *)dst;

	d[0] = s[0];
	d[1] = s[1];
}

#endif
