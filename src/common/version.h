/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_VERSION_H
#define RQS_VERSION_H

/* The first word of every message on stderr */
#define RQS_NAME "runqslower-ts"
/* The Makefile reads the version from this line */
#define RQS_VERSION "0.1.0"

#endif
