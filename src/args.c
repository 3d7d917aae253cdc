// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Command line parsing: every bad input is one line on err and PARSE_USAGE. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "version.h"

enum { OPT_HASH_ENTRIES = 256, OPT_STATS, OPT_CPU, OPT_CGROUP };

static const struct option long_options[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "tid", required_argument, NULL, 't' },
	{ "previous", no_argument, NULL, 'P' },
	{ "storage", required_argument, NULL, 'm' },
	{ "hash-entries", required_argument, NULL, OPT_HASH_ENTRIES },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "waker", no_argument, NULL, 'W' },
	{ "cpu", no_argument, NULL, OPT_CPU },
	{ "blame", optional_argument, NULL, 'B' },
	{ "json", no_argument, NULL, 'j' },
	{ "comm", required_argument, NULL, 'c' },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "duration", required_argument, NULL, 'd' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void print_usage(FILE *out)
{
	fprintf(out,
"Usage: " RQS_NAME " [OPTIONS] [MIN_US]\n"
"Trace run-queue waits (wakeup or preemption until the task runs) longer\n"
"than MIN_US microseconds (default 10000; 0 prints every wait).\n"
"\n"
"Options:\n"
"  -p, --pid PID           trace this process (all its threads) only\n"
"  -t, --tid TID           trace this thread only\n"
"  -P, --previous          also print the task that ran before (PREV COMM, PREV TID)\n"
"  -m, --storage MODE      where wakeup times are kept: task (task local storage),\n"
"                          hash (TID-keyed hash map), auto (default: task where the\n"
"                          kernel supports it, else hash)\n"
"      --hash-entries N    size of the hash map in hash mode (default 10240)\n"
"      --stats             print per-program overhead and storage statistics at exit\n"
"  -W, --waker             also print who made it runnable (WAKER COMM, WAKER TID)\n"
"                          and how (WAKE: wakeup, irq, softirq, new, preempted)\n"
"      --cpu               also print the CPU it ran on, the CPU it was queued on\n"
"                          if it migrated (FROM), and the tasks ahead of it (RQ)\n"
"  -B, --blame [N]         also print the N tasks (default 3, at most 32) that held\n"
"                          its CPU longest during the wait, and how much of the\n"
"                          wait that record covers (COVER)\n"
"  -j, --json              print JSON Lines on stdout instead of text\n"
"  -c, --comm NAME         trace tasks whose name starts with NAME only\n"
"      --cgroup PATH       trace tasks in this cgroup v2 directory or below only\n"
"  -d, --duration SECS     stop after SECS seconds\n"
"  -v, --verbose           print libbpf debug output on stderr\n"
"  -V, --version           print the version and exit\n"
"  -h, --help              print this help and exit\n"
"\n"
"Examples:\n"
"  " RQS_NAME "              # waits over 10 ms, system-wide\n"
"  " RQS_NAME " 1000         # waits over 1 ms\n"
"  " RQS_NAME " -p 185       # waits over 10 ms of process 185's threads\n"
"  " RQS_NAME " -t 188       # waits over 10 ms of thread 188\n"
"  " RQS_NAME " -P 5000      # waits over 5 ms, with the task that ran before\n"
"  " RQS_NAME " -m hash      # keep wakeup times in a hash map, as runqslower did\n"
"  " RQS_NAME " -W --cpu     # who woke each late task, and on which CPU it waited\n"
"  " RQS_NAME " -B 5 1000    # waits over 1 ms, with the 5 tasks that ran instead\n"
"  " RQS_NAME " -j -d 10 | jq .   # 10 s of JSON\n"
"  " RQS_NAME " -c nginx --cgroup /system.slice/nginx.service\n"
"\n"
"Exit status: 0 on success or interrupt, 1 on a runtime error, 2 on a usage error.\n");
}

const char *storage_mode_name(enum storage_mode mode)
{
	switch (mode) {
	case STORAGE_TASK:
		return "task";
	case STORAGE_HASH:
		return "hash";
	case STORAGE_AUTO:
		break;
	}
	return "auto";
}

/* A decimal number in [min, max]; no sign, no trailing junk. */
static int parse_number(const char *s, unsigned long long min,
			unsigned long long max, unsigned long long *out,
			const char **why)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9') {
		*why = *s == '-' ? "negative" : "not a number";
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end) {
		*why = "not a number";
		return -1;
	}
	if (errno == ERANGE || v > max) {
		*why = "too large";
		return -1;
	}
	if (v < min) {
		*why = "too small";
		return -1;
	}
	*out = v;
	return 0;
}

static bool parse_value(FILE *err, const char *what, const char *s,
			unsigned long long min, unsigned long long max,
			unsigned long long *out)
{
	const char *why = NULL;

	if (parse_number(s, min, max, out, &why) == 0)
		return true;
	fprintf(err, RQS_NAME ": invalid %s '%s': %s\n", what, s, why);
	return false;
}

/* --name=value: an option that takes no value, or an unknown one */
static void long_option_error(FILE *err, const char *arg)
{
	size_t len = strcspn(arg + 2, "=");

	for (const struct option *o = long_options; o->name; o++) {
		if (strlen(o->name) == len && !strncmp(o->name, arg + 2, len)) {
			fprintf(err, RQS_NAME ": option '--%s' takes no value\n", o->name);
			return;
		}
	}
	fprintf(err, RQS_NAME ": unknown option '%s'\n", arg);
}

/* -B takes an optional N: -B5, --blame=5, or -B 5 when the next argument is
 * a number (so -B 5 1000 is N 5 and MIN_US 1000; -B 1000 alone is an error,
 * not MIN_US, and the message says how to write that). */
static bool parse_blame(int argc, char **argv, FILE *err, unsigned int *blame)
{
	const char *arg = optarg, *why = NULL;
	unsigned long long v;

	if (!arg && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
		arg = argv[optind++];
	if (!arg) {
		*blame = RQS_DEFAULT_BLAME;
		return true;
	}
	if (parse_number(arg, 1, RQS_MAX_BLAME, &v, &why) == 0) {
		*blame = (unsigned int)v;
		return true;
	}
	fprintf(err, RQS_NAME ": invalid blame count '%s': %s%s\n", arg, why,
		strcmp(why, "too large") ? "" :
		" (at most 32; for a threshold after -B, write -B N MIN_US)");
	return false;
}

enum parse_result parse_args(int argc, char **argv, struct options *opts,
			     FILE *out, FILE *err)
{
	unsigned long long v;
	int c;

	*opts = (struct options){
		.min_us = RQS_DEFAULT_MIN_US,
		.storage = STORAGE_AUTO,
		.hash_entries = RQS_DEFAULT_HASH_ENTRIES,
	};

	optind = 0; /* glibc: full re-initialisation, so tests can call again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:t:Pm:vVhWB::jc:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!parse_value(err, "PID", optarg, 1, INT_MAX, &v))
				return PARSE_USAGE;
			opts->pid = (int)v;
			break;
		case 't':
			if (!parse_value(err, "TID", optarg, 1, INT_MAX, &v))
				return PARSE_USAGE;
			opts->tid = (int)v;
			break;
		case 'P':
			opts->previous = true;
			break;
		case 'm':
			if (!strcmp(optarg, "task")) {
				opts->storage = STORAGE_TASK;
			} else if (!strcmp(optarg, "hash")) {
				opts->storage = STORAGE_HASH;
			} else if (!strcmp(optarg, "auto")) {
				opts->storage = STORAGE_AUTO;
			} else {
				fprintf(err, RQS_NAME ": invalid storage mode '%s': expected task, hash or auto\n",
					optarg);
				return PARSE_USAGE;
			}
			break;
		case OPT_HASH_ENTRIES:
			/* the kernel caps hash maps well below this; it says so at load */
			if (!parse_value(err, "hash entry count", optarg, 1, UINT32_MAX, &v))
				return PARSE_USAGE;
			opts->hash_entries = (unsigned int)v;
			break;
		case OPT_STATS:
			opts->stats = true;
			break;
		case 'W':
			opts->waker = true;
			break;
		case OPT_CPU:
			opts->cpu = true;
			break;
		case 'B':
			if (!parse_blame(argc, argv, err, &opts->blame))
				return PARSE_USAGE;
			break;
		case 'j':
			opts->json = true;
			break;
		case 'c':
			if (!*optarg || strlen(optarg) > RQS_MAX_COMM) {
				fprintf(err, RQS_NAME ": invalid COMM '%s': %s\n", optarg,
					*optarg ? "longer than 15 bytes, the kernel's limit" : "empty");
				return PARSE_USAGE;
			}
			strcpy(opts->comm, optarg);
			break;
		case OPT_CGROUP:
			if (!*optarg) {
				fprintf(err, RQS_NAME ": invalid cgroup path '': empty\n");
				return PARSE_USAGE;
			}
			opts->cgroup = optarg;
			break;
		case 'd':
			if (!parse_value(err, "duration", optarg, 1, RQS_MAX_DURATION, &opts->duration))
				return PARSE_USAGE;
			break;
		case 'v':
			opts->verbose = true;
			break;
		case 'V':
			fprintf(out, RQS_NAME " " RQS_VERSION "\n");
			return PARSE_EXIT;
		case 'h':
			print_usage(out);
			return PARSE_EXIT;
		case ':':
			fprintf(err, RQS_NAME ": option '%s' needs an argument\n",
				argv[optind - 1]);
			return PARSE_USAGE;
		default:
			if (!strncmp(argv[optind - 1], "--", 2) && strchr(argv[optind - 1], '='))
				long_option_error(err, argv[optind - 1]);
			else if (optopt && optopt < 256 && strncmp(argv[optind - 1], "--", 2))
				fprintf(err, RQS_NAME ": unknown option '-%c'\n", optopt);
			else
				fprintf(err, RQS_NAME ": unknown option '%s'\n",
					argv[optind - 1]);
			return PARSE_USAGE;
		}
	}

	if (opts->pid && opts->tid) {
		fprintf(err, RQS_NAME ": -p/--pid and -t/--tid cannot be used together\n");
		return PARSE_USAGE;
	}
	if (optind < argc) {
		/* ns = (us + 1) * 1000 must not overflow */
		if (!parse_value(err, "MIN_US", argv[optind], 0,
				 UINT64_MAX / 1000 - 1, &opts->min_us))
			return PARSE_USAGE;
		optind++;
	}
	if (optind < argc) {
		fprintf(err, RQS_NAME ": unexpected argument '%s'\n", argv[optind]);
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}
