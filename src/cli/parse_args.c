// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Command line parsing: every bad input is one line on err and PARSE_USAGE. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse_args.h"
#include "cli/parse_number.h"
#include "cli/printable_argv.h"
#include "cli/usage.h"
#include "../../bpf/histogram.h"

static const char short_options[] = ":p:t:PTm:vVhWB::jc:d:si:";

enum { OPT_HASH_ENTRIES = 256, OPT_STATS, OPT_TIME, OPT_TGID, OPT_CPU, OPT_CGROUP, OPT_CGROUP_ROOT, OPT_KEEP_CAPS };

static const struct option long_options[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "tid", required_argument, NULL, 't' },
	{ "previous", no_argument, NULL, 'P' },
	{ "storage", required_argument, NULL, 'm' },
	{ "hash-entries", required_argument, NULL, OPT_HASH_ENTRIES },
	{ "timestamp", no_argument, NULL, 'T' },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "tgid", no_argument, NULL, OPT_TGID },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "waker", no_argument, NULL, 'W' },
	{ "cpu", no_argument, NULL, OPT_CPU },
	{ "blame", optional_argument, NULL, 'B' },
	{ "json", no_argument, NULL, 'j' },
	{ "comm", required_argument, NULL, 'c' },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "cgroup-root", required_argument, NULL, OPT_CGROUP_ROOT },
	{ "duration", required_argument, NULL, 'd' },
	SUMMARY_LONG_OPTIONS,
	{ "keep-capabilities", no_argument, NULL, OPT_KEEP_CAPS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* MIN_US: microseconds, or a whole number with a unit, at most an hour */
static bool parse_min_us(FILE *err, const char *s, unsigned long long *out)
{
	const char *why;

	if (parse_us(s, RQS_MAX_MIN_US, out, &why) == 0)
		return true;
	if (s[0] == '-' && s[1] && (s[1] < '0' || s[1] > '9'))
		fprintf(err, RQS_NAME ": invalid MIN_US '%s': not a number (after '--', arguments are not options)\n", s);
	else if (!strcmp(why, "negative"))
		fprintf(err, RQS_NAME ": invalid MIN_US '%s': negative\n", s);
	else if (!strcmp(why, "too large"))
		fprintf(err, RQS_NAME ": invalid MIN_US '%s': more than %llu us (1 hour)\n",
			s, RQS_MAX_MIN_US);
	else
		fprintf(err, RQS_NAME ": invalid MIN_US '%s': not a whole number of microseconds, or of us, ms or s (as in 10ms)\n",
			s);
	return false;
}

/* -p: one PID or a comma-separated list; repeated -p add to the list. */
static bool parse_pids(FILE *err, const char *arg, struct options *opts)
{
	const char *p = arg;

	for (;;) {
		int len = (int)strcspn(p, ",");
		const char *why = NULL, *rest;
		unsigned long long v = 0;
		bool dup = false;

		if (parse_digits(p, &v, &rest, &why) == 0) {
			if (rest != p + len)
				why = "not a number";
			else if (v > INT_MAX)
				why = "too large";
			else if (v < 1)
				why = "too small";
		}
		if (why) {
			fprintf(err, RQS_NAME ": invalid PID '%.*s': %s\n", len, p, why);
			return false;
		}
		for (int i = 0; i < opts->npids; i++)
			dup |= opts->pids[i] == (int)v;
		if (!dup) {
			if (opts->npids == RQS_MAX_TGIDS) {
				fprintf(err, RQS_NAME ": too many processes for -p: at most %d\n",
					RQS_MAX_TGIDS);
				return false;
			}
			opts->pids[opts->npids++] = (int)v;
		}
		p += len;
		if (!*p)
			return true;
		p++;
	}
}

static bool parse_storage(FILE *err, const char *arg, enum storage_mode *mode)
{
	unsigned long long v;
	const char *why;

	if (!strcmp(arg, "task")) {
		*mode = STORAGE_TASK;
	} else if (!strcmp(arg, "hash")) {
		*mode = STORAGE_HASH;
	} else if (!strcmp(arg, "auto")) {
		*mode = STORAGE_AUTO;
	} else if (parse_number(arg, 0, ULLONG_MAX, &v, &why) == 0) {
		/* runqlat's -m means milliseconds */
		fprintf(err, RQS_NAME ": invalid storage mode '%s': expected task, hash or auto (-m is the storage mode here; for a threshold in milliseconds, give MIN_US as %sms)\n",
			arg, arg);
		return false;
	} else {
		fprintf(err, RQS_NAME ": invalid storage mode '%s': expected task, hash or auto\n",
			arg);
		return false;
	}
	return true;
}

static bool parse_time_format(FILE *err, const char *arg, enum time_format *time)
{
	if (!strcmp(arg, "hms"))
		*time = TIME_HMS;
	else if (!strcmp(arg, "us"))
		*time = TIME_US;
	else if (!strcmp(arg, "mono"))
		*time = TIME_MONO;
	else {
		fprintf(err, RQS_NAME ": invalid time format '%s': expected hms, us or mono\n", arg);
		return false;
	}
	return true;
}

/* The long option @arg ("--name[=value]") names, exactly or as the only
 * option it is a prefix of; NULL for none. *ambiguous is set when several
 * match. */
static const struct option *find_long_option(const char *arg, bool *ambiguous)
{
	const struct option *found = NULL;
	size_t len = strcspn(arg + 2, "=");
	int matches = 0;

	*ambiguous = false;
	for (const struct option *o = long_options; o->name; o++) {
		if (strncmp(o->name, arg + 2, len))
			continue;
		if (strlen(o->name) == len)
			return o;
		found = o;
		matches++;
	}
	*ambiguous = matches > 1;
	return matches == 1 ? found : NULL;
}

/* Whether a word after argv[@i] is an argument that is not an option's:
 * a MIN_US, as getopt would leave it once every option is parsed. */
static bool positional_after(int argc, char **argv, int i)
{
	bool ambiguous;

	while (++i < argc) {
		const char *w = argv[i], *has;
		const struct option *o;

		if (!strcmp(w, "--"))
			return i + 1 < argc;
		if (w[0] != '-' || !w[1])
			return true;
		if (w[1] == '-') {
			o = find_long_option(w, &ambiguous);
			if (o && o->has_arg == required_argument && !strchr(w, '='))
				i++;
			continue;
		}
		/* a cluster such as -Wp 185 or -p185 */
		for (const char *c = w + 1; *c; c++) {
			has = strchr(short_options, *c);
			if (!has || has[1] != ':')
				continue;
			if (has[2] != ':' && !c[1])
				i++;
			break;
		}
	}
	return false;
}

/* -B takes an optional N: -B5, --blame=5, or -B N as two words when N can
 * only be N: a whole number followed, somewhere later, by the MIN_US
 * (-B 5 1000). Otherwise the word after -B is the MIN_US (-B 5ms,
 * -B 1000), as it would be after any option without an argument. */
static bool parse_blame(int argc, char **argv, FILE *err, unsigned int *blame)
{
	const char *arg = optarg, *why = NULL;
	unsigned long long v;

	if (!arg && optind < argc && argv[optind][0] &&
	    !argv[optind][strspn(argv[optind], "0123456789")] &&
	    positional_after(argc, argv, optind))
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
		strcmp(why, "too large") ? "" : " (at most 32)");
	return false;
}

/* getopt_long's '?' and ':' in words that are true of what was typed.
 * @long_opt: the failing element was a long option, argv[optind - 1]. */
static void option_error(FILE *err, int c, bool long_opt, const char *arg)
{
	const struct option *o;
	bool ambiguous;

	if (!long_opt) {
		if (c == ':')
			fprintf(err, RQS_NAME ": option '-%c' needs an argument\n", optopt);
		else
			fprintf(err, RQS_NAME ": unknown option '-%c'\n", optopt);
		return;
	}
	o = find_long_option(arg, &ambiguous);
	if (c == ':' && o)
		fprintf(err, RQS_NAME ": option '--%s' needs an argument\n", o->name);
	else if (o && o->has_arg == no_argument && strchr(arg, '='))
		fprintf(err, RQS_NAME ": option '--%s' takes no argument\n", o->name);
	else if (ambiguous)
		fprintf(err, RQS_NAME ": option '%.*s' is ambiguous\n",
			(int)strcspn(arg, "="), arg);
	else
		fprintf(err, RQS_NAME ": unknown option '%.*s'\n",
			(int)strcspn(arg, "="), arg);
}

static enum parse_result parse_printable(int argc, char **argv, struct options *opts,
					 FILE *out, FILE *err)
{
	const char *after_pid = NULL; /* the word after the last "-p PID" */
	bool tid_given = false;
	unsigned long long v;
	int c, before;

	*opts = (struct options){
		.min_us = RQS_DEFAULT_MIN_US,
		.storage = STORAGE_AUTO,
		.hash_entries = RQS_DEFAULT_HASH_ENTRIES,
	};
	summary_args_init(&opts->sum);

	optind = 0; /* glibc: full re-initialisation, so tests can call again */
	opterr = 0;
	for (;;) {
		before = optind;
		c = getopt_long(argc, argv, short_options, long_options, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'p':
			if (!parse_pids(err, optarg, opts))
				return PARSE_USAGE;
			/* GNU getopt moves non-options to the end, but has not
			 * yet touched the words after this one */
			after_pid = optarg == argv[optind - 1] && optind < argc ?
				    argv[optind] : NULL;
			break;
		case 't':
			if (tid_given) {
				fprintf(err, RQS_NAME ": -t/--tid given twice: it traces one thread (-p traces processes)\n");
				return PARSE_USAGE;
			}
			if (!parse_value(err, "TID", optarg, 1, INT_MAX, &v))
				return PARSE_USAGE;
			opts->tid = (int)v;
			tid_given = true;
			break;
		case 'P':
			opts->format.previous = true;
			break;
		case 'T':
			opts->format.time = TIME_US;
			break;
		case OPT_TIME:
			if (!parse_time_format(err, optarg, &opts->format.time))
				return PARSE_USAGE;
			break;
		case OPT_TGID:
			opts->format.tgid = true;
			break;
		case 'm':
			if (!parse_storage(err, optarg, &opts->storage))
				return PARSE_USAGE;
			break;
		case OPT_HASH_ENTRIES:
			/* the kernel caps hash maps well below this; it says so at load */
			if (!parse_value(err, "hash entry count", optarg, 1, UINT32_MAX, &v))
				return PARSE_USAGE;
			opts->hash_entries = (unsigned int)v;
			opts->hash_entries_set = true;
			break;
		case OPT_STATS:
			opts->stats = true;
			break;
		case 's':
		case 'i':
		case OPT_BY:
		case OPT_MAX_KEYS:
		case OPT_METRICS:
		case OPT_NO_OUTLIERS:
		case OPT_BUCKET_RANGE:
		case OPT_RETIRE_AFTER:
		case OPT_METRICS_MAX_BYTES:
		case OPT_WEB_CONFIG:
		case OPT_BLAME_BY:
		case OPT_CONTAINER_RUNTIME:
			if (!parse_summary_option(c, optarg, &opts->sum, err))
				return PARSE_USAGE;
			break;
		case 'W':
			opts->format.waker = true;
			break;
		case OPT_CPU:
			opts->format.cpu = true;
			break;
		case 'B':
			if (!parse_blame(argc, argv, err, &opts->format.blame))
				return PARSE_USAGE;
			break;
		case 'j':
			opts->format.json = true;
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
		case OPT_CGROUP_ROOT:
			if (!*optarg) {
				fprintf(err, RQS_NAME ": invalid --cgroup-root '': empty\n");
				return PARSE_USAGE;
			}
			opts->cgroup_root = optarg;
			break;
		case 'd':
			if (!parse_value(err, "duration", optarg, 1, RQS_MAX_DURATION, &opts->duration))
				return PARSE_USAGE;
			break;
		case OPT_KEEP_CAPS:
			opts->keep_capabilities = true;
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
		default:
			/* a long option always moves optind past itself; a short
			 * one inside a cluster ("-xP") does not */
			option_error(err, c, optind > before && optind > 0 &&
				     !strncmp(argv[optind - 1], "--", 2),
				     argv[optind > 0 ? optind - 1 : 0]);
			return PARSE_USAGE;
		}
	}
	if (opts->npids && opts->tid) {
		fprintf(err, RQS_NAME ": -p/--pid and -t/--tid cannot be used together\n");
		return PARSE_USAGE;
	}
	if (opts->sum.blame_cgroup && opts->sum.by != RQS_BY_CGROUP) {
		fprintf(err, RQS_NAME ": --blame-by cgroup needs --by cgroup: it charges each cgroup's waits\n");
		return PARSE_USAGE;
	}
	if (opts->sum.container_runtime && (!opts->sum.metrics || opts->sum.by != RQS_BY_CGROUP)) {
		fprintf(err, RQS_NAME ": --container-runtime needs --metrics and --by cgroup: it names containers on the page\n");
		return PARSE_USAGE;
	}
	if (opts->sum.web_config && !opts->sum.metrics) {
		fprintf(err, RQS_NAME ": --web-config needs --metrics: it configures the exporter\n");
		return PARSE_USAGE;
	}
	if (optind < argc) {
		if (!parse_min_us(err, argv[optind], &opts->min_us))
			return PARSE_USAGE;
		opts->min_us_after_pid = argv[optind] == after_pid &&
			!argv[optind][strspn(argv[optind], "0123456789")];
		optind++;
	}
	if (optind < argc) {
		if (opts->npids)
			fprintf(err, RQS_NAME ": unexpected argument '%s': MIN_US is '%s' (give several processes as -p PID,PID)\n",
				argv[optind], argv[optind - 1]);
		else
			fprintf(err, RQS_NAME ": unexpected argument '%s'\n", argv[optind]);
		return PARSE_USAGE;
	}
	if (opts->hash_entries_set && opts->storage == STORAGE_TASK)
		warn_unused_options(opts, STORAGE_TASK, err);
	return PARSE_RUN;
}

void warn_unused_options(const struct options *opts, enum storage_mode mode,
			 FILE *err)
{
	if (opts->hash_entries_set && mode != STORAGE_HASH)
		fprintf(err, RQS_NAME ": warning: --hash-entries %u has no effect: it sizes the hash map of --storage=hash, and task storage is in use\n",
			opts->hash_entries);
}

enum parse_result parse_args(int argc, char **argv, struct options *opts,
			     FILE *out, FILE *err)
{
	return parse_printable(argc, printable_argv(argc, argv), opts, out, err);
}
