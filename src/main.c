// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* runqslower-ts: print run-queue waits longer than a threshold. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "args.h"
#include "cgroup.h"
#include "json_out.h"
#include "losses.h"
#include "output.h"
#include "probe.h"
#include "stats.h"
#include "tracer.h"
#include "why.h"

#define LOSS_REPORT_NS 1000000000ULL

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	(void)sig;
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
	const struct options *opts;
	size_t event_size;
	bool write_failed;
	unsigned long long events;
};

static long long clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int write_event(const struct printer *p, const struct rqs_event *e)
{
	long long wall_ns;

	if (!p->opts->json)
		return print_event(stdout, e, time(NULL), p->opts);
	wall_ns = clock_ns(CLOCK_REALTIME) - (clock_ns(CLOCK_MONOTONIC) - (long long)e->mono_ns);
	return json_event(stdout, e, wall_ns, p->opts);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct printer *p = ctx;

	if (size < p->event_size)
		return 0;
	p->events++;
	if (write_event(p, data) < 0) {
		p->write_failed = true;
		return -EPIPE;
	}
	return 0;
}

static unsigned long long monotonic_ns(void)
{
	return (unsigned long long)clock_ns(CLOCK_MONOTONIC);
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

/* --stats: as text on stderr, or -j: as JSON records on stdout */
static void print_stats(const struct options *opts, const struct tracer *t,
			unsigned long long events)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!opts->json) {
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
	if (err == -EPERM || err == -EACCES) {
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

static int install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -1;
	/* a closed pipe ends the run quietly through the failed write */
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

static int trace(const struct options *opts, enum storage_mode mode)
{
	struct printer printer = { .opts = opts, .event_size = event_size_for(opts) };
	unsigned long long next_loss_report, deadline = 0;
	struct stats_session stats = { .fd = -1 };
	struct loss_report losses;
	struct tracer t;
	int err, ret = 0;

	if (opts->stats && stats_enable(&stats))
		return 1;
	if (tracer_start(&t, opts, mode, on_event, &printer)) {
		stats_disable(&stats);
		return 1;
	}
	loss_report_init(&losses, mode, opts->hash_entries);
	if (opts->json)
		losses.json = stdout;

	if ((opts->json ? json_banner(stdout, opts, storage_mode_name(mode)) :
			  print_banner(stdout, opts)) < 0 || fflush(stdout))
		printer.write_failed = true;
	next_loss_report = monotonic_ns() + LOSS_REPORT_NS;
	if (opts->duration)
		deadline = monotonic_ns() + opts->duration * 1000000000ULL;
	while (!exiting && !printer.write_failed) {
		int timeout = poll_ms_before(deadline);

		if (deadline && !timeout)
			break;
		err = tracer_poll(&t, timeout);
		if (err < 0 && err != -EINTR && !printer.write_failed) {
			fprintf(stderr, RQS_NAME ": cannot poll the ring buffer: %s\n",
				strerror(-err));
			ret = 1;
			break;
		}
		/* a batch of lines, one write, out before the next poll */
		if (fflush(stdout))
			printer.write_failed = true;
		if (monotonic_ns() >= next_loss_report) {
			loss_report_update(&losses, &t, false);
			next_loss_report = monotonic_ns() + LOSS_REPORT_NS;
		}
	}
	/* events already in the buffer still count and still print */
	if (!printer.write_failed) {
		tracer_poll(&t, 0);
		fflush(stdout);
	}
	loss_report_update(&losses, &t, true);
	if (opts->stats)
		print_stats(opts, &t, printer.events);
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

	switch (parse_args(argc, argv, &opts, stdout, stderr)) {
	case PARSE_EXIT:
		return 0;
	case PARSE_USAGE:
		return 2;
	case PARSE_RUN:
		break;
	}
	if (opts.cgroup) {
		ret = cgroup_resolve(opts.cgroup, &cgroup);
		if (ret)
			return ret;
		opts.cgroup_id = cgroup.id;
		opts.cgroup_level = cgroup.level;
	}
	verbose = opts.verbose;
	libbpf_set_print(libbpf_print);

	if (!have_bpf_privileges()) {
		fprintf(stderr, RQS_NAME ": permission denied: run as root, or with CAP_BPF and CAP_PERFMON\n");
		return 1;
	}
	if (!have_kernel_btf()) {
		fprintf(stderr, RQS_NAME ": kernel BTF not found at " RQS_KERNEL_BTF ": this kernel was built without CONFIG_DEBUG_INFO_BTF\n");
		return 1;
	}
	if (install_signal_handlers()) {
		fprintf(stderr, RQS_NAME ": cannot install signal handlers: %s\n", strerror(errno));
		return 1;
	}
	/* kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ RLIM_INFINITY, RLIM_INFINITY });
	ret = choose_storage(&opts, &mode);
	if (ret)
		return ret;
	return trace(&opts, mode);
}
