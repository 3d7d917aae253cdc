// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpffault: run a command and make its bpf() calls fail, or stall, from
 * outside, to simulate what an older or a short-of-memory kernel answers.
 * A seccomp user-notification supervisor: works for static binaries too.
 *
 *   bpffault [-c CMD] [-m MAP_TYPE] [-t PROG_TYPE] [-N NAME] [-a ATTACH_TYPE]
 *            [-e ERRNO | -d HOLD_MS] [-n NTH] [-l LOG] -- COMMAND [ARGS...]
 *
 * A bpf() call matches when it has every property given:
 *   -c CMD          the command: map_create, prog_load, link_create,
 *                   raw_tracepoint_open, iter_create, obj_get_info_by_fd,
 *                   enable_stats, btf_load, map_lookup_elem, or a number
 *   -m MAP_TYPE     (map_create) task_storage, ringbuf, hash, array,
 *                   percpu_array, or a number; several, comma-separated,
 *                   match any of them (an old kernel lacks several)
 *   -t PROG_TYPE    (prog_load) tracing, socket_filter, or a number; or
 *                   several, as for -m
 *   -N NAME         (map_create, prog_load) the object's name starts with NAME
 *                   (the kernel keeps 15 characters)
 *   -a ATTACH_TYPE  (link_create) trace_iter, trace_raw_tp, or a number
 *   -n NTH          only the NTH matching call (from 1); default every one
 * What a matching call gets:
 *   -e ERRNO        fails with this errno: EINVAL, ENOMEM, EPERM, EACCES,
 *                   E2BIG, EOPNOTSUPP, ENOSPC, EFAULT, or a number
 *   -d HOLD_MS      waits HOLD_MS, then runs (to kill the command meanwhile)
 * Every other bpf() call runs unchanged. Each decision on a matching call is
 * one line in LOG (default stderr):
 *   bpffault: <cmd> <what> #<n>: <ERRNO>|held <ms> ms|passed
 * SIGINT and SIGTERM are passed on to the command.
 *
 * Exit status: the command's, or 128 + the signal that ended it; 125 when
 * bpffault itself fails (one "bpffault: what: reason" line), 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ANY (-1L)

struct name_num {
	const char *name;
	long num;
};

static const struct name_num cmds[] = {
	{ "map_create", BPF_MAP_CREATE },
	{ "map_lookup_elem", BPF_MAP_LOOKUP_ELEM },
	{ "prog_load", BPF_PROG_LOAD },
	{ "obj_get_info_by_fd", BPF_OBJ_GET_INFO_BY_FD },
	{ "raw_tracepoint_open", BPF_RAW_TRACEPOINT_OPEN },
	{ "btf_load", BPF_BTF_LOAD },
	{ "link_create", BPF_LINK_CREATE },
	{ "enable_stats", BPF_ENABLE_STATS },
	{ "iter_create", BPF_ITER_CREATE },
	{ NULL, 0 },
};

static const struct name_num map_types[] = {
	{ "hash", BPF_MAP_TYPE_HASH },
	{ "array", BPF_MAP_TYPE_ARRAY },
	{ "percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY },
	{ "ringbuf", BPF_MAP_TYPE_RINGBUF },
	{ "task_storage", BPF_MAP_TYPE_TASK_STORAGE },
	{ NULL, 0 },
};

static const struct name_num prog_types[] = {
	{ "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER },
	{ "tracing", BPF_PROG_TYPE_TRACING },
	{ NULL, 0 },
};

static const struct name_num attach_types[] = {
	{ "trace_raw_tp", BPF_TRACE_RAW_TP },
	{ "trace_iter", BPF_TRACE_ITER },
	{ NULL, 0 },
};

static const struct name_num errnos[] = {
	{ "EINVAL", EINVAL }, { "ENOMEM", ENOMEM }, { "EPERM", EPERM },
	{ "EACCES", EACCES }, { "E2BIG", E2BIG }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOSPC", ENOSPC }, { "EFAULT", EFAULT }, { NULL, 0 },
};

static const struct name_num none[] = { { NULL, 0 } };

#define MAX_TYPES 8

static struct {
	long cmd, attach_type, nth, err, hold_ms;
	long map_type[MAX_TYPES], prog_type[MAX_TYPES]; /* ANY-terminated */
	const char *name;
} rule = { ANY, ANY, ANY, 0, -1, { ANY }, { ANY }, NULL };

static FILE *logf;
static volatile pid_t child;

static void die(const char *what)
{
	fprintf(stderr, "bpffault: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void usage(const char *why)
{
	fprintf(stderr, "bpffault: %s\n"
		"usage: bpffault [-c CMD] [-m MAP_TYPE] [-t PROG_TYPE] [-N NAME] [-a ATTACH_TYPE]\n"
		"                [-e ERRNO | -d HOLD_MS] [-n NTH] [-l LOG] -- COMMAND [ARGS...]\n", why);
	exit(2);
}

static long lookup(const struct name_num *t, const char *what, const char *s)
{
	char *end;
	long v;

	for (; t->name; t++)
		if (!strcmp(t->name, s))
			return t->num;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 0) {
		fprintf(stderr, "bpffault: unknown %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* A comma-separated list into an ANY-terminated array. */
static void lookup_list(const struct name_num *t, const char *what, char *s, long *out)
{
	char *tok, *save;
	int n = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_TYPES - 1)
			usage("too many types");
		out[n++] = lookup(t, what, tok);
	}
	out[n] = ANY;
}

static bool in_list(const long *list, long v)
{
	if (list[0] == ANY)
		return true;
	for (; *list != ANY; list++)
		if (*list == v)
			return true;
	return false;
}

static const char *name_of(const struct name_num *t, long num)
{
	for (; t->name; t++)
		if (t->num == num)
			return t->name;
	return "?";
}

/* The filter: bpf() (with the chosen command) goes to the supervisor. */
static int install_filter(void)
{
	struct sock_filter all[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* args[0], low half on little-endian x86_64 */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)rule.cmd, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, rule.cmd == ANY ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { .len = sizeof(all) / sizeof(all[0]), .filter = all };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		       SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static void send_fd(int sock, int fd)
{
	char data = 0, ctrl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("cannot pass the seccomp listener");
}

static int recv_fd(int sock)
{
	char data, ctrl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* Does this call match? Fills @what with a description for the log. */
static bool matches(const struct seccomp_notif *n, int memfd, char *what, size_t len)
{
	union bpf_attr attr;
	long cmd = (long)(__u32)n->data.args[0];
	size_t size = n->data.args[2] < sizeof(attr) ? n->data.args[2] : sizeof(attr);
	char name[BPF_OBJ_NAME_LEN + 1] = "";

	memset(&attr, 0, sizeof(attr));
	if (rule.cmd != ANY && cmd != rule.cmd)
		return false;
	if (pread(memfd, &attr, size, (off_t)n->data.args[1]) != (ssize_t)size)
		return false;
	switch (cmd) {
	case BPF_MAP_CREATE:
		memcpy(name, attr.map_name, BPF_OBJ_NAME_LEN);
		snprintf(what, len, "map_type=%s(%u) name=%s",
			 name_of(map_types, attr.map_type), attr.map_type, name);
		if (!in_list(rule.map_type, attr.map_type))
			return false;
		break;
	case BPF_PROG_LOAD:
		memcpy(name, attr.prog_name, BPF_OBJ_NAME_LEN);
		snprintf(what, len, "prog_type=%s(%u) name=%s",
			 name_of(prog_types, attr.prog_type), attr.prog_type, name);
		if (!in_list(rule.prog_type, attr.prog_type))
			return false;
		break;
	case BPF_LINK_CREATE:
		snprintf(what, len, "attach_type=%s(%u)",
			 name_of(attach_types, attr.link_create.attach_type),
			 attr.link_create.attach_type);
		if (rule.attach_type != ANY && attr.link_create.attach_type != rule.attach_type)
			return false;
		break;
	default:
		snprintf(what, len, "cmd=%ld", cmd);
		break;
	}
	if (rule.map_type[0] != ANY && cmd != BPF_MAP_CREATE)
		return false;
	if (rule.prog_type[0] != ANY && cmd != BPF_PROG_LOAD)
		return false;
	if (rule.attach_type != ANY && cmd != BPF_LINK_CREATE)
		return false;
	if (rule.name && strncmp(name, rule.name, strlen(rule.name)))
		return false;
	return true;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void supervise(int listener, pid_t pid)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	char path[64], what[128];
	long matched = 0;
	int memfd, status;

	if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes))
		die("SECCOMP_GET_NOTIF_SIZES");
	req = calloc(1, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
	resp = calloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp : sizeof(*resp));
	if (!req || !resp)
		die("calloc");
	for (;;) {
		struct pollfd pfd = { .fd = listener, .events = POLLIN };
		int r = poll(&pfd, 1, 100);

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (r <= 0 || !(pfd.revents & POLLIN))
			continue;
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req))
			continue; /* the caller was killed meanwhile */
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		snprintf(path, sizeof(path), "/proc/%u/mem", req->pid);
		memfd = open(path, O_RDONLY | O_CLOEXEC);
		what[0] = '\0';
		if (memfd >= 0 && matches(req, memfd, what, sizeof(what)) &&
		    ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0) {
			matched++;
			const char *cmd = name_of(cmds, (long)(__u32)req->data.args[0]);

			if (rule.nth != ANY && matched != rule.nth) {
				fprintf(logf, "bpffault: %s %s #%ld: passed\n", cmd, what, matched);
			} else if (rule.hold_ms >= 0) {
				fprintf(logf, "bpffault: %s %s #%ld: held %ld ms\n", cmd, what,
					matched, rule.hold_ms);
				fflush(logf);
				sleep_ms(rule.hold_ms);
			} else {
				fprintf(logf, "bpffault: %s %s #%ld: %s\n", cmd, what, matched,
					name_of(errnos, rule.err));
				resp->flags = 0;
				resp->error = -rule.err;
			}
			fflush(logf);
		}
		if (memfd >= 0)
			close(memfd);
		/* ENOENT: the caller is gone (killed while held) */
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
	if (WIFSIGNALED(status))
		exit(128 + WTERMSIG(status));
	exit(WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = forward };
	int c, sv[2], listener;

	logf = stderr;
	while ((c = getopt(argc, argv, "+c:m:t:N:a:e:d:n:l:")) != -1) {
		switch (c) {
		case 'c': rule.cmd = lookup(cmds, "command", optarg); break;
		case 'm': lookup_list(map_types, "map type", optarg, rule.map_type); break;
		case 't': lookup_list(prog_types, "program type", optarg, rule.prog_type); break;
		case 'N': rule.name = optarg; break;
		case 'a': rule.attach_type = lookup(attach_types, "attach type", optarg); break;
		case 'e': rule.err = lookup(errnos, "errno", optarg); break;
		case 'd': rule.hold_ms = lookup(none, "hold time", optarg); break;
		case 'n': rule.nth = lookup(none, "count", optarg); break;
		case 'l':
			logf = fopen(optarg, "a");
			if (!logf)
				die(optarg);
			break;
		default: usage("unknown option");
		}
	}
	if (optind >= argc)
		usage("no command");
	if ((rule.err > 0) == (rule.hold_ms >= 0))
		usage("give one of -e ERRNO and -d HOLD_MS");
	if (rule.map_type[0] != ANY && rule.cmd == ANY)
		rule.cmd = BPF_MAP_CREATE;
	if (rule.prog_type[0] != ANY && rule.cmd == ANY)
		rule.cmd = BPF_PROG_LOAD;
	if (rule.attach_type != ANY && rule.cmd == ANY)
		rule.cmd = BPF_LINK_CREATE;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(sv[0]);
		listener = install_filter();
		if (listener < 0)
			die("cannot install the seccomp filter");
		send_fd(sv[1], listener);
		close(listener);
		close(sv[1]);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bpffault: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	listener = recv_fd(sv[0]);
	if (listener < 0) {
		int status;

		waitpid(child, &status, 0);
		exit(125);
	}
	close(sv[0]);
	supervise(listener, child);
	return 0;
}
