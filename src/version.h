/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_VERSION
#define RQS_VERSION "0.1.0"
#endif
