/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_STORAGE_CHOICE_H
#define RQS_STORAGE_CHOICE_H

#include "common/storage_mode.h"

/* The storage this kernel gets for -m @requested: task storage where
 * tracing programs can use it safely, else the hash map, with a notice
 * when auto falls back. 0, or 1 after one line on stderr. */
int choose_storage(enum storage_mode requested, enum storage_mode *mode);

#endif
