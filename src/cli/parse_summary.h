/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_PARSE_SUMMARY_H
#define RQS_PARSE_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#define RQS_DEFAULT_METRICS_ADDR "127.0.0.1"
#define RQS_MAX_INTERVAL_S 86400U
#define RQS_MAX_BUCKET_US 86400000000ULL
#define RQS_DEFAULT_RETIRE_AFTER_S 300U
#define RQS_DEFAULT_METRICS_MAX_BYTES (16U << 20)

/* getopt_long codes of the summary options without a short form */
enum {
	OPT_BY = 512,
	OPT_MAX_KEYS,
	OPT_METRICS,
	OPT_NO_OUTLIERS,
	OPT_BUCKET_RANGE,
	OPT_RETIRE_AFTER,
	OPT_METRICS_MAX_BYTES,
	OPT_WEB_CONFIG,
	OPT_BLAME_BY,
	OPT_CONTAINER_RUNTIME,
};

#define SUMMARY_LONG_OPTIONS                                            \
	{ "summary", no_argument, NULL, 's' },                          \
	{ "interval", required_argument, NULL, 'i' },                   \
	{ "by", required_argument, NULL, OPT_BY },                      \
	{ "max-keys", required_argument, NULL, OPT_MAX_KEYS },          \
	{ "metrics", required_argument, NULL, OPT_METRICS },            \
	{ "no-outliers", no_argument, NULL, OPT_NO_OUTLIERS },          \
	{ "bucket-range", required_argument, NULL, OPT_BUCKET_RANGE },  \
	{ "retire-after", required_argument, NULL, OPT_RETIRE_AFTER },  \
	{ "metrics-max-bytes", required_argument, NULL, OPT_METRICS_MAX_BYTES }, \
	{ "web-config", required_argument, NULL, OPT_WEB_CONFIG },      \
	{ "blame-by", required_argument, NULL, OPT_BLAME_BY },          \
	{ "container-runtime", required_argument, NULL, OPT_CONTAINER_RUNTIME }

/* -s, -i, --by, --max-keys, --metrics, --no-outliers, --bucket-range,
 * --retire-after, --metrics-max-bytes and --web-config as given; what
 * implies what is the plan's (cli/plan.c). */
struct summary_args {
	bool summary;		/* -s */
	bool no_outliers;	/* print no outlier lines */
	unsigned int interval;	/* -i SECS; 0: at exit only */
	int by;			/* enum rqs_by */
	bool blame_cgroup;	/* --blame-by cgroup */
	unsigned int max_keys;	/* --by comm|cgroup: keys in the map */
	bool bucket_range;	/* --bucket-range LOW-HIGH given */
	unsigned long long bucket_low_us, bucket_high_us; /* 0, ULLONG_MAX: all */
	bool metrics;
	char metrics_addr[256];	/* an IP address or a host name */
	unsigned int metrics_port;
	unsigned int retire_after;	/* --metrics: removed keys served SECS */
	unsigned int metrics_max_bytes;	/* the series' bytes on a page */
	const char *web_config;	/* --web-config FILE: TLS and users */
	/* --container-runtime: enum k8s_runtime of a container whose cgroup's
	 * name does not say (the kubelet's cgroupfs driver) */
	int container_runtime;
};

void summary_args_init(struct summary_args *o);
/* One of the options above (getopt code @c): false after one line on @err. */
bool parse_summary_option(int c, const char *arg, struct summary_args *o, FILE *err);
/* Splits "[ADDR:]PORT" ("[ADDR]:PORT" for IPv6); ADDR an IP address or a
 * host name, resolved when the socket is bound. False with a reason. */
bool parse_listen_address(const char *s, char *addr, size_t addr_len,
			  unsigned int *port, const char **why);

#endif
