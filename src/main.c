// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* runqslower-ts: print run-queue waits longer than a threshold. */
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

#include "clock.h"
#include "args.h"
#include "cgroup.h"
#include "json_out.h"
#include "losses.h"
#include "output.h"
#include "probe.h"
#include "stats.h"
#include "summary_run.h"
#include "target.h"
#include "tracer.h"
#include "watch.h"
#include "why.h"

#define LOSS_REPORT_NS 1000000000ULL

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

struct printer {
	const struct output_format *format;
	size_t event_size; /* what the options make the programs fill */
	long long real_minus_mono; /* refreshed before each batch */
	bool quiet;	/* --no-outliers */
	bool write_failed;
	unsigned long long events;
};

static int write_event(const struct printer *p, const struct rqs_event *e)
{
	if (p->format->json)
		return json_event(stdout, e, p->real_minus_mono, p->format);
	return print_event(stdout, e, p->format, p->real_minus_mono);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct printer *p = ctx;

	if (size < p->event_size)
		return 0;
	p->events++;
	if (!p->quiet && write_event(p, data) < 0) {
		p->write_failed = true;
		return -EPIPE;
	}
	return 0;
}

/* -d: ms to wait in the next poll (at most RQS_POLL_MS), 0 once it is over */
static int poll_ms_before(unsigned long long deadline)
{
	unsigned long long now = monotonic_ns();

	if (!deadline)
		return RQS_POLL_MS;
	if (now >= deadline)
		return 0;
	if (deadline - now < RQS_POLL_MS * 1000000ULL)
		return (int)((deadline - now + 999999) / 1000000);
	return RQS_POLL_MS;
}

/* --stats: as text on stderr, or with -j as JSON records on stdout */
static void print_stats(const struct options *opts, const struct tracer *t,
			unsigned long long events)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!opts->format.json) {
		stats_print(stderr, t, events);
		return;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return;
	stats_print(f, t, events);
	fclose(f);
	json_stats(stdout, text);
	fflush(stdout);
	free(text);
}

static int choose_storage(const struct options *opts, enum storage_mode *mode)
{
	int err;

	if (opts->storage == STORAGE_HASH) {
		*mode = STORAGE_HASH;
		return 0;
	}
	err = probe_task_storage();
	if (!err && task_storage_unsafe_on_rt()) {
		if (opts->storage == STORAGE_TASK) {
			fprintf(stderr, RQS_NAME ": warning: --storage=task on a PREEMPT_RT kernel before Linux 6.4: task storage is allocated under the run-queue lock, where PREEMPT_RT forbids it\n");
			*mode = STORAGE_TASK;
			return 0;
		}
		fprintf(stderr, RQS_NAME ": notice: using --storage=hash: task storage on a PREEMPT_RT kernel before Linux 6.4 is allocated under the run-queue lock, where PREEMPT_RT forbids it\n");
		*mode = STORAGE_HASH;
		return 0;
	}
	if (!err) {
		*mode = STORAGE_TASK;
		return 0;
	}
	if (!bpf_feature_missing(err)) {
		fprintf(stderr, RQS_NAME ": cannot load BPF programs: %s\n", strerror(-err));
		return 1;
	}
	if (opts->storage == STORAGE_TASK) {
		fprintf(stderr, RQS_NAME ": cannot use --storage=task: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)\n");
		return 1;
	}
	fprintf(stderr, RQS_NAME ": notice: using --storage=hash: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)\n");
	*mode = STORAGE_HASH;
	return 0;
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

static int trace(const struct options *opts, enum storage_mode mode)
{
	struct printer printer = { .format = &opts->format,
				   .event_size = event_size_for(&opts->format),
				   .quiet = opts->sum.no_outliers };
	struct summary_run sum = { .listen_fd = -1 };
	unsigned long long next_loss_report, deadline = 0;
	struct stats_session stats = { .fd = -1 };
	struct loss_report losses;
	struct watch watch;
	struct tracer t;
	int err, ready, ret = 0;

	if (opts->sum.enabled && (ret = summary_run_listen(&sum, &opts->sum)))
		return ret;
	if (opts->stats && stats_enable(&stats)) {
		summary_run_finish(&sum, NULL);
		return 1;
	}
	if (tracer_start(&t, opts, mode, on_event, &printer)) {
		summary_run_finish(&sum, NULL);
		stats_disable(&stats);
		return 1;
	}
	if (opts->sum.enabled && summary_run_start(&sum, &t, stdout)) {
		stats_disable(&stats);
		tracer_stop(&t);
		return 1;
	}
	if (watch_init(&watch, opts, tracer_epoll_fd(&t), RQS_PROC)) {
		summary_run_finish(&sum, NULL);
		tracer_stop(&t);
		stats_disable(&stats);
		return 1;
	}
	loss_report_init(&losses, mode, opts->hash_entries);
	if (opts->format.json)
		losses.json = stdout;

	if ((opts->sum.no_outliers ? print_summary_banner(stdout, &opts->sum) :
	     opts->format.json ? json_banner(stdout, opts, storage_mode_name(mode)) :
	     print_banner(stdout, opts->min_us, &opts->format)) < 0 || fflush(stdout))
		printer.write_failed = true;
	next_loss_report = monotonic_ns() + LOSS_REPORT_NS;
	if (opts->duration)
		deadline = monotonic_ns() + opts->duration * 1000000000ULL;
	while (!exiting && !printer.write_failed) {
		int timeout = poll_ms_before(deadline);

		if (deadline && !timeout)
			break;
		ready = watch_wait(&watch, timeout);
		if (ready < 0) {
			fprintf(stderr, RQS_NAME ": cannot poll the ring buffer: %s\n",
				strerror(-ready));
			ret = 1;
			break;
		}
		/* the reader has gone: nothing more can be written */
		if (ready & WATCH_READER_GONE) {
			printer.write_failed = true;
			break;
		}
		printer.real_minus_mono = real_minus_mono_ns();
		err = tracer_poll(&t, 0);
		if (err < 0 && err != -EINTR && !printer.write_failed) {
			fprintf(stderr, RQS_NAME ": cannot poll the ring buffer: %s\n",
				strerror(-err));
			ret = 1;
			break;
		}
		/* a batch of lines, one write, out before the next poll */
		if (fflush(stdout))
			printer.write_failed = true;
		if (opts->sum.enabled && summary_run_tick(&sum, stdout, printer.events) &&
		    ferror(stdout))
			printer.write_failed = true;
		if (monotonic_ns() >= next_loss_report) {
			loss_report_update(&losses, &t, false);
			next_loss_report = monotonic_ns() + LOSS_REPORT_NS;
		}
		/* the final drain below prints their last waits */
		if (ready & WATCH_TARGETS_GONE)
			break;
	}
	/* events already in the buffer still count and still print; none
	 * comes after them, so the totals add up */
	tracer_detach(&t);
	if (!printer.write_failed) {
		printer.real_minus_mono = real_minus_mono_ns();
		tracer_poll(&t, 0);
		fflush(stdout);
	}
	if (opts->sum.enabled)
		summary_run_finish(&sum, opts->sum.print && !printer.write_failed ? stdout : NULL);
	loss_report_update(&losses, &t, true);
	if (opts->stats)
		print_stats(opts, &t, printer.events);
	watch_fini(&watch);
	stats_disable(&stats);
	tracer_stop(&t);
	return ret;
}

int main(int argc, char **argv)
{
	struct cgroup_target cgroup;
	enum storage_mode mode;
	struct options opts;
	int ret;

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

	if (opts.cgroup) {
		ret = cgroup_resolve(opts.cgroup, &cgroup);
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
	ret = choose_storage(&opts, &mode);
	if (ret)
		return ret;
	/* with -m task, parse_args() has said it */
	if (opts.storage == STORAGE_AUTO)
		warn_unused_options(&opts, mode, stderr);
	/* interrupted while starting: nothing to trace, nothing lost */
	if (exiting)
		return 0;
	return trace(&opts, mode);
}
