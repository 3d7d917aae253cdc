/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PARSE_SUMMARY_H
#define RQS_PARSE_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#define RQS_DEFAULT_METRICS_ADDR "127.0.0.1"
#define RQS_MAX_INTERVAL_S 86400U

/* getopt_long codes of the summary options without a short form */
enum {
	OPT_BY = 512,
	OPT_MAX_KEYS,
	OPT_METRICS,
	OPT_NO_OUTLIERS,
};

#define SUMMARY_LONG_OPTIONS                                            \
	{ "summary", no_argument, NULL, 's' },                          \
	{ "interval", required_argument, NULL, 'i' },                   \
	{ "by", required_argument, NULL, OPT_BY },                      \
	{ "max-keys", required_argument, NULL, OPT_MAX_KEYS },          \
	{ "metrics", required_argument, NULL, OPT_METRICS },            \
	{ "no-outliers", no_argument, NULL, OPT_NO_OUTLIERS }

/* -s, -i, --by, --max-keys, --metrics and --no-outliers as given; what
 * implies what is the plan's (cli/plan.c). */
struct summary_args {
	bool summary;		/* -s */
	bool no_outliers;	/* print no outlier lines */
	unsigned int interval;	/* -i SECS; 0: at exit only */
	int by;			/* enum rqs_by */
	unsigned int max_keys;	/* --by comm|cgroup: keys in the map */
	bool metrics;
	char metrics_addr[64];	/* numeric IPv4 or IPv6 */
	unsigned int metrics_port;
};

void summary_args_init(struct summary_args *o);
/* One of the options above (getopt code @c): false after one line on @err. */
bool parse_summary_option(int c, const char *arg, struct summary_args *o, FILE *err);
/* Splits "[ADDR:]PORT" ("[ADDR]:PORT" for IPv6); false with a reason. */
bool parse_listen_address(const char *s, char *addr, size_t addr_len,
			  unsigned int *port, const char **why);

#endif
