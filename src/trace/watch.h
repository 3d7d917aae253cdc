/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_WATCH_H
#define RQS_WATCH_H

#include <stdbool.h>

#include "cli/plan.h"

/* What the main loop waits on: the ring buffer, the traced processes or
 * thread (their exit ends the run), and standard output (a reader that has
 * gone ends it at once, not at the next line written). */
struct watch_target {
	int fd;		/* pidfd, or an O_PATH fd of the /proc directory */
	int id;
	bool thread;
	bool proc_dir;	/* no pidfd for it: checked at every wait */
};

struct watch {
	int epfd;
	int ntargets;	/* still alive */
	struct watch_target targets[RQS_MAX_TGIDS];
	const char *proc;
};

enum {
	WATCH_READER_GONE = 1,	/* stdout: the pipe's reader closed it, a hangup */
	WATCH_TARGETS_GONE = 2,	/* every traced process or the thread has exited */
};

/* 0, or a negative errno after one line on stderr (a target that has gone
 * is no error: the first watch_wait() says so). */
int watch_init(struct watch *w, const struct plan *plan, int ring_epoll_fd,
	       const char *proc);
/* Waits up to @timeout_ms: WATCH_* flags (0 on a timeout, a ring buffer
 * wakeup or a signal), or a negative errno. A target's exit is one line on
 * stderr. */
int watch_wait(struct watch *w, int timeout_ms);
void watch_fini(struct watch *w);

#endif
