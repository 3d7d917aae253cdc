// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The main loop's epoll set. A pidfd (Linux 5.3) is readable once its
 * process has exited, a PIDFD_THREAD one (Linux 6.9) once its thread has;
 * without one, proc_task_open()'s directory is checked at every wait. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/procfs.h"
#include "common/version.h"
#include "trace/watch.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

enum { TAG_RING, TAG_STDOUT, TAG_TARGET };

static int open_target(struct watch_target *t, const char *proc)
{
	int fd;

	fd = syscall(SYS_pidfd_open, t->id, t->thread ? PIDFD_THREAD : 0);
	if (fd >= 0) {
		t->fd = fd;
		return 0;
	}
	if (errno == ESRCH)
		return -ESRCH;
	/* ENOSYS, a seccomp EPERM, or EINVAL: a thread before Linux 6.9 */
	fd = proc_task_open(proc, t->id, t->thread);
	if (fd < 0)
		return fd;
	t->fd = fd;
	t->proc_dir = true;
	return 0;
}

static int add(struct watch *w, int fd, __u32 events, __u32 tag)
{
	struct epoll_event ev = { .events = events, .data.u32 = tag };

	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int watch_init(struct watch *w, const struct plan *plan, int ring_epoll_fd,
	       const char *proc)
{
	int err;

	*w = (struct watch){ .proc = proc, .epfd = -1 };
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0) {
		err = -errno;
		goto fail;
	}
	err = add(w, ring_epoll_fd, EPOLLIN, TAG_RING);
	if (err)
		goto fail;
	/* EPOLLERR (no reader) and EPOLLHUP come whatever is asked for; a
	 * regular file or /dev/null cannot be watched (EPERM) and need not */
	add(w, STDOUT_FILENO, 0, TAG_STDOUT);

	for (int i = 0; i < plan->npids + !!plan->tid; i++) {
		struct watch_target *t = &w->targets[w->ntargets];

		*t = (struct watch_target){ .fd = -1 };
		t->thread = plan->tid != 0;
		t->id = t->thread ? plan->tid : plan->pids[i];
		err = open_target(t, proc);
		if (err == -ESRCH) {
			/* gone since targets_resolve(): no fd to watch */
			fprintf(stderr, RQS_NAME ": %s %d has exited\n",
				t->thread ? "thread" : "process", t->id);
			continue;
		}
		if (err)
			goto fail;
		w->ntargets++;
		if (!t->proc_dir) {
			err = add(w, t->fd, EPOLLIN, TAG_TARGET + w->ntargets - 1);
			if (err)
				goto fail;
		}
	}
	if (plan->npids + !!plan->tid && !w->ntargets)
		w->ntargets = -1; /* all gone already */
	return 0;
fail:
	fprintf(stderr, RQS_NAME ": cannot watch the output and the traced tasks: %s\n",
		strerror(-err));
	watch_fini(w);
	return err;
}

/* Target @i has exited: say so, stop watching it. */
static void target_gone(struct watch *w, int i)
{
	struct watch_target *t = &w->targets[i];

	fprintf(stderr, RQS_NAME ": %s %d has exited\n",
		t->thread ? "thread" : "process", t->id);
	if (!t->proc_dir)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, t->fd, NULL);
	close(t->fd);
	t->fd = -1;
}

static int live_targets(const struct watch *w)
{
	int n = 0;

	for (int i = 0; i < w->ntargets; i++)
		n += w->targets[i].fd >= 0;
	return n;
}

int watch_wait(struct watch *w, int timeout_ms)
{
	struct epoll_event ev[4 + RQS_MAX_TGIDS];
	int n, ready = 0, before = live_targets(w);

	if (w->ntargets < 0)
		return WATCH_TARGETS_GONE;
	n = epoll_wait(w->epfd, ev, sizeof(ev) / sizeof(ev[0]), timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		__u32 tag = ev[i].data.u32;

		if (tag == TAG_STDOUT && ev[i].events & (EPOLLERR | EPOLLHUP))
			ready |= WATCH_READER_GONE;
		else if (tag >= TAG_TARGET && w->targets[tag - TAG_TARGET].fd >= 0)
			target_gone(w, tag - TAG_TARGET);
	}
	for (int i = 0; i < w->ntargets; i++)
		if (w->targets[i].proc_dir && w->targets[i].fd >= 0 &&
		    proc_task_gone(w->targets[i].fd))
			target_gone(w, i);
	if (before && !live_targets(w))
		ready |= WATCH_TARGETS_GONE;
	return ready;
}

void watch_fini(struct watch *w)
{
	for (int i = 0; i < w->ntargets; i++)
		if (w->targets[i].fd >= 0)
			close(w->targets[i].fd);
	if (w->epfd >= 0)
		close(w->epfd);
	*w = (struct watch){ .epfd = -1 };
}
