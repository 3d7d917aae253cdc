// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* -p and -t against a made-up procfs, and the /proc fallback of the exit
 * watch against real tasks. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/resolve_targets.h"
#include "common/procfs.h"
#include "capture.h"

static char proc[] = "/tmp/rqs-fake-proc.XXXXXX";

static void add_task(int id, const char *status)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", proc, id);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/status", proc, id);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(status, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(proc))
		return -1;
	/* process 100 with thread 101; process 200; a status without Tgid */
	add_task(100, "Name:\tserver\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t100\nNgid:\t0\nPid:\t100\n");
	add_task(101, "Name:\tworker\nTgid:\t100\nPid:\t101\n");
	add_task(200, "Name:\tother\nTgid:\t200\nPid:\t200\n");
	add_task(300, "Name:\tbroken\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc);
	return system(cmd);
}

struct run {
	char *err;
	size_t len;
	int ret;
};

static struct run resolve(struct options *o)
{
	struct run r = { 0 };
	struct capture c;

	r.ret = targets_resolve(o, proc, capture_open(&c));
	r.err = capture_close(&c);
	r.len = c.len;
	return r;
}

static void test_proc_tgid(void **state)
{
	(void)state;
	assert_int_equal(proc_tgid(proc, 100), 100);
	assert_int_equal(proc_tgid(proc, 101), 100);
	assert_int_equal(proc_tgid(proc, 200), 200);
	assert_int_equal(proc_tgid(proc, 999), -ESRCH);
	assert_int_equal(proc_tgid(proc, 0), -ESRCH);
	assert_int_equal(proc_tgid(proc, 300), -EINVAL);
	/* the real one: this process */
	assert_int_equal(proc_tgid("/proc", getpid()), getpid());
}

static void test_missing_pid(void **state)
{
	struct options o = { .npids = 2, .pids = { 100, 999 } };
	struct run r;

	(void)state;
	r = resolve(&o);
	assert_int_equal(r.ret, 1);
	assert_string_equal(r.err, "runqslower-ts: process 999: no such process\n");
	free(r.err);
}

static void test_missing_tid(void **state)
{
	struct options o = { .tid = 999 };
	struct run r;

	(void)state;
	r = resolve(&o);
	assert_int_equal(r.ret, 1);
	assert_string_equal(r.err, "runqslower-ts: thread 999: no such thread\n");
	free(r.err);
	/* a thread that is not a process's leader is fine for -t */
	o = (struct options){ .tid = 101 };
	r = resolve(&o);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.len, 0);
	assert_int_equal(o.tid, 101);
	free(r.err);
}

/* a TID given to -p traces its process, and says so */
static void test_thread_given_to_p(void **state)
{
	struct options o = { .npids = 1, .pids = { 101 } };
	struct run r;

	(void)state;
	r = resolve(&o);
	assert_int_equal(r.ret, 0);
	assert_string_equal(r.err, "runqslower-ts: notice: 101 is a thread of process 100: tracing process 100 (-t 101 traces the thread alone)\n");
	assert_int_equal(o.npids, 1);
	assert_int_equal(o.pids[0], 100);
	free(r.err);
	/* with its process too: listed once */
	o = (struct options){ .npids = 3, .pids = { 200, 101, 100 } };
	r = resolve(&o);
	assert_int_equal(r.ret, 0);
	assert_int_equal(o.npids, 2);
	assert_int_equal(o.pids[0], 200);
	assert_int_equal(o.pids[1], 100);
	free(r.err);
}

/* "-p 100 200": 200 is the threshold, and a process: say what happened */
static void test_min_us_looks_like_pid(void **state)
{
	struct options o = { .npids = 1, .pids = { 100 }, .min_us = 200, .min_us_after_pid = true };
	struct run r;

	(void)state;
	r = resolve(&o);
	assert_int_equal(r.ret, 0);
	assert_string_equal(r.err, "runqslower-ts: notice: tracing process 100 with MIN_US 200 us; to trace process 200 as well, give -p 100,200\n");
	free(r.err);
	/* not a process, or only a thread, or already traced: nothing */
	o = (struct options){ .npids = 1, .pids = { 100 }, .min_us = 999, .min_us_after_pid = true };
	r = resolve(&o);
	assert_int_equal(r.len, 0);
	free(r.err);
	o = (struct options){ .npids = 1, .pids = { 200 }, .min_us = 101, .min_us_after_pid = true };
	r = resolve(&o);
	assert_int_equal(r.len, 0);
	free(r.err);
	o = (struct options){ .npids = 1, .pids = { 100 }, .min_us = 100, .min_us_after_pid = true };
	r = resolve(&o);
	assert_int_equal(r.len, 0);
	free(r.err);
	/* not right after -p on the command line */
	o = (struct options){ .npids = 1, .pids = { 100 }, .min_us = 200 };
	r = resolve(&o);
	assert_int_equal(r.len, 0);
	free(r.err);
}

struct thread_arg {
	_Atomic pid_t tid;
	int fd;		/* it exits once this reads */
};

static void *thread_main(void *arg)
{
	struct thread_arg *a = arg;
	char c;

	a->tid = (pid_t)syscall(SYS_gettid);
	return (void *)(intptr_t)read(a->fd, &c, 1);
}

/* The fallback without pidfds, on real tasks: a thread that has exited... */
static void test_proc_task_gone_thread(void **state)
{
	struct thread_arg a = { 0 };
	int fd, pipefd[2];
	pthread_t th;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	a.fd = pipefd[0];
	assert_int_equal(pthread_create(&th, NULL, thread_main, &a), 0);
	while (!a.tid)
		usleep(1000);
	fd = proc_task_open("/proc", a.tid, true);
	assert_true(fd >= 0);
	assert_false(proc_task_gone(fd));
	assert_int_equal(write(pipefd[1], "x", 1), 1);
	pthread_join(th, NULL);
	/* released at exit, joined or not; allow the kernel a moment */
	for (int i = 0; i < 1000 && !proc_task_gone(fd); i++)
		usleep(1000);
	assert_true(proc_task_gone(fd));
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
	assert_int_equal(proc_task_open("/proc", 999999999, true), -ESRCH);
}

/* ... and a process once it has been reaped, even if its ID comes back */
static void test_proc_task_gone_process(void **state)
{
	int fd, status, pipefd[2];
	pid_t child;
	char c;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(pipefd[1]);
		_exit(read(pipefd[0], &c, 1) == 0 ? 0 : 1);
	}
	close(pipefd[0]);
	fd = proc_task_open("/proc", child, false);
	assert_true(fd >= 0);
	assert_false(proc_task_gone(fd));
	close(pipefd[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(proc_task_gone(fd));
	close(fd);
	assert_int_equal(proc_task_open("/proc", 999999999, false), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_tgid),
		cmocka_unit_test(test_missing_pid),
		cmocka_unit_test(test_missing_tid),
		cmocka_unit_test(test_thread_given_to_p),
		cmocka_unit_test(test_min_us_looks_like_pid),
		cmocka_unit_test(test_proc_task_gone_thread),
		cmocka_unit_test(test_proc_task_gone_process),
	};

	return cmocka_run_group_tests_name("target", tests, setup, teardown);
}
