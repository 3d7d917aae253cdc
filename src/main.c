// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* runqslower-ts: print run-queue waits longer than a threshold.
 * The stages: the arguments (cli/), the plan they make (cli/plan.c), the BPF
 * side and its event loop (trace/), the outputs (report/, summary/). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cli/parse_args.h"
#include "cli/plan.h"
#include "cli/resolve_cgroup.h"
#include "cli/resolve_targets.h"
#include "common/procfs.h"
#include "run.h"
#include "summary/http_server.h"
#include "summary/web_config.h"
#include "trace/kernel_probe.h"
#include "trace/privileges.h"
#include "trace/storage_choice.h"

static volatile sig_atomic_t exiting;

/* A second signal: the user will not wait for a reader that does not read.
 * Say so if stderr can take the line without blocking, then die of the
 * signal (its default action), as the shell expects of an interrupt. */
static void force_exit(int sig)
{
	static const char msg[] = RQS_NAME ": second signal: exiting at once, waits not yet written are lost\n";
	struct pollfd pfd = { .fd = STDERR_FILENO, .events = POLLOUT };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;

	if (poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT)
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void on_signal(int sig)
{
	if (exiting)
		force_exit(sig);
	exiting = 1;
}

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* SA_RESTART: a write to a reader that is slow to read goes on after the
 * signal, so the waits already taken from the ring buffer are printed; a
 * second signal ends it (force_exit). SIGHUP, a closed terminal or ssh
 * session, ends the run like SIGTERM. */
static int install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -1;
	/* a closed pipe ends the run quietly through the failed write */
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

int main(int argc, char **argv)
{
	struct cgroup_target cgroup;
	char cgroup_root[PATH_MAX], mnt[PATH_MAX];
	enum storage_mode mode;
	struct web_config web = { 0 };
	struct options opts;
	struct plan plan;
	char why[512];
	int ret;

	/* set-user-ID or file capabilities would let whoever can run it trace
	 * every task of the system */
	if (started_secure()) {
		fprintf(stderr, RQS_NAME ": refusing to run: started set-user-ID, set-group-ID or with file capabilities (AT_SECURE), which would give every user who can run it system-wide tracing\n");
		return 1;
	}
	/* first: a signal during start-up must not be lost, even when the
	 * shell started this with SIGINT ignored (a background job) */
	if (install_signal_handlers()) {
		fprintf(stderr, RQS_NAME ": cannot install signal handlers: %s\n", strerror(errno));
		return 1;
	}
	switch (parse_args(argc, argv, &opts, stdout, stderr)) {
	case PARSE_EXIT:
		return 0;
	case PARSE_USAGE:
		return 2;
	case PARSE_RUN:
		break;
	}
	verbose = opts.verbose;
	libbpf_set_print(libbpf_print);
	/* read once, here: a change takes effect at the next start (without
	 * the exporter, --metrics is refused before it is used) */
	if (opts.sum.web_config && http_server_available() &&
	    web_config_load(opts.sum.web_config, &web, why, sizeof(why))) {
		fprintf(stderr, RQS_NAME ": --web-config %s: %s\n", opts.sum.web_config, why);
		return 2;
	}
	if (web.client_auth && !http_server_client_certs()) {
		fprintf(stderr, RQS_NAME ": --web-config %s: client_auth_type: not in this build (it was built without GnuTLS)\n",
			opts.sum.web_config);
		web_config_free(&web);
		return 2;
	}
	ret = opts.sum.web_config && http_server_available() ? http_server_check_tls(&web) : 0;
	if (ret) {
		fprintf(stderr, RQS_NAME ": --web-config %s: %s\n", opts.sum.web_config,
			ret == -ENOTSUP ? "tls_server_config: libmicrohttpd was built without TLS" :
			"tls_server_config: libmicrohttpd refused the key, certificate, versions or client CA");
		web_config_free(&web);
		return 2;
	}

	if (opts.cgroup_root) {
		ret = cgroup_root_resolve(opts.cgroup_root, cgroup_root, sizeof(cgroup_root));
		if (ret)
			return ret;
		opts.cgroup_root = cgroup_root;
	} else if ((opts.cgroup || opts.format.blame || opts.sum.by == RQS_BY_CGROUP) &&
		   cgroup_view_partial(mnt, sizeof(mnt))) {
		fprintf(stderr, RQS_NAME ": notice: %s cgroup2 mount at %s is not the hierarchy's root: cgroup paths start there, cgroups outside it have no name; --cgroup-root DIR reads the host's, mounted at DIR\n",
			in_initial_cgroup_namespace() ? "the" : "in a cgroup namespace, the", mnt);
	}
	if (opts.cgroup) {
		ret = cgroup_resolve(opts.cgroup, opts.cgroup_root, &cgroup);
		if (ret)
			return ret;
		opts.cgroup_id = cgroup.id;
		opts.cgroup_level = cgroup.level;
	}
	if (targets_resolve(&opts, RQS_PROC, stderr))
		return 1;

	if (!have_bpf_privileges()) {
		fprintf(stderr, RQS_NAME ": permission denied: run as root, or with CAP_BPF and CAP_PERFMON, outside user namespaces\n");
		return 1;
	}
	if (!in_initial_pid_namespace())
		fprintf(stderr, RQS_NAME ": notice: in a PID namespace: TIDs, -p and -t are those of the initial (host) namespace\n");
	if (!have_kernel_btf()) {
		fprintf(stderr, RQS_NAME ": kernel BTF not found at " RQS_KERNEL_BTF ": this kernel was built without CONFIG_DEBUG_INFO_BTF\n");
		return 1;
	}
	/* kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ RLIM_INFINITY, RLIM_INFINITY });
	/* a path inside a cgroup namespace starts at the namespace's root; the
	 * filter compares ancestors at the level counted from the real root */
	if (opts.cgroup && !opts.cgroup_root && !in_initial_cgroup_namespace()) {
		ret = probe_cgroup_level(cgroup.dir, cgroup.id, &opts.cgroup_level);
		if (ret) {
			fprintf(stderr, RQS_NAME ": cannot use --cgroup in a cgroup namespace: %s\n",
				bpf_feature_missing(ret) || ret == -ENOENT ?
				"this kernel has no BPF cgroup iterator (Linux 6.1) to find the cgroup's level" :
				strerror(-ret));
			return 1;
		}
	}
	ret = choose_storage(opts.storage, &mode);
	if (ret)
		return ret;
	/* with -m task, parse_args() has said it */
	if (opts.storage == STORAGE_AUTO)
		warn_unused_options(&opts, mode, stderr);
	/* interrupted while starting: nothing to trace, nothing lost */
	if (exiting)
		return 0;
	plan_from_options(&opts, mode, &plan);
	if (opts.sum.web_config) {
		plan.summary.web = &web;
		plan.summary.https = web.tls;
	}
	ret = run_plan(&plan, &exiting);
	web_config_free(&web);
	return ret;
}
