// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* runqslower-ts: print run-queue waits longer than a threshold. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "args.h"
#include "losses.h"
#include "output.h"
#include "probe.h"
#include "stats.h"
#include "tracer.h"

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
	bool previous;
	bool write_failed;
	unsigned long long events;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct printer *p = ctx;

	if (size < sizeof(struct rqs_event))
		return 0;
	p->events++;
	if (print_event(stdout, data, time(NULL), p->previous) < 0) {
		p->write_failed = true;
		return -EPIPE;
	}
	return 0;
}

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int choose_storage(const struct options *opts, enum storage_mode *mode)
{
	int err;

	if (opts->storage == STORAGE_HASH) {
		*mode = STORAGE_HASH;
		return 0;
	}
	err = probe_task_storage();
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
	struct printer printer = { .previous = opts->previous };
	unsigned long long next_loss_report;
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

	if (print_banner(stdout, opts->min_us, opts->previous) < 0 || fflush(stdout))
		printer.write_failed = true;
	next_loss_report = monotonic_ns() + LOSS_REPORT_NS;
	while (!exiting && !printer.write_failed) {
		err = tracer_poll(&t, RQS_POLL_MS);
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
	/* events already in the buffer still count and still print; none
	 * comes after them, so the totals add up */
	tracer_detach(&t);
	if (!printer.write_failed) {
		tracer_poll(&t, 0);
		fflush(stdout);
	}
	loss_report_update(&losses, &t, true);
	if (opts->stats)
		stats_print(stderr, &t, printer.events);
	stats_disable(&stats);
	tracer_stop(&t);
	return ret;
}

int main(int argc, char **argv)
{
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
	verbose = opts.verbose;
	libbpf_set_print(libbpf_print);

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
