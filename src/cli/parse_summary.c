// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Parsing of -s, -i, --by, --max-keys, --metrics, --no-outliers,
 * --bucket-range, --retire-after, --metrics-max-bytes, --web-config,
 * --blame-by and --container-runtime. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <linux/types.h>

#include "cli/parse_number.h"
#include "cli/parse_summary.h"
#include "common/k8s_cgroup.h"
#include "common/version.h"

#include "../../bpf/histogram.h"

void summary_args_init(struct summary_args *o)
{
	*o = (struct summary_args){
		.max_keys = RQS_DEFAULT_MAX_KEYS,
		.bucket_high_us = ULLONG_MAX,
		.retire_after = RQS_DEFAULT_RETIRE_AFTER_S,
		.metrics_max_bytes = RQS_DEFAULT_METRICS_MAX_BYTES,
	};
}

/* RFC 1123 labels of letters, digits and '-' ('_' too, as /etc/hosts
 * allows), not starting or ending with '-'; not all digits and dots, which
 * the resolver would take as a shorthand IPv4 address (1.2.3) */
static bool host_name(const char *s)
{
	size_t label = 0;
	bool alpha = false;

	if (!*s || strlen(s) > 253)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (!label || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
		if ((*p == '-' && !label) || ++label > 63)
			return false;
		alpha |= !isdigit((unsigned char)*p);
	}
	return alpha && s[strlen(s) - 1] != '-';
}

bool parse_listen_address(const char *s, char *addr, size_t addr_len,
			  unsigned int *port, const char **why)
{
	bool bracketed = false;

	const char *colon = strrchr(s, ':'), *p = s;
	unsigned long long v;
	size_t alen = 0;
	const char *a = RQS_DEFAULT_METRICS_ADDR;
	unsigned char bin[16];

	if (colon) {
		a = s;
		alen = (size_t)(colon - s);
		if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
			a = s + 1;
			alen -= 2;
			bracketed = true;
		} else if (memchr(s, ':', alen)) {
			*why = "an IPv6 address needs brackets: [ADDR]:PORT";
			return false;
		}
		p = colon + 1;
		if (!alen) {
			*why = "empty address before ':'";
			return false;
		}
	} else {
		alen = strlen(a);
	}
	if (alen >= addr_len) {
		*why = "address too long";
		return false;
	}
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	if (bracketed ? inet_pton(AF_INET6, addr, bin) != 1 :
			inet_pton(AF_INET, addr, bin) != 1 && !host_name(addr)) {
		*why = bracketed ? "not an IPv6 address in [ADDR]" : "not an IP address or a host name";
		return false;
	}
	if (parse_number(p, 1, 65535, &v, why)) {
		if (!strcmp(*why, "too small") || !strcmp(*why, "too large"))
			*why = "port not in 1-65535";
		else
			*why = "expected [ADDR:]PORT";
		return false;
	}
	*port = (unsigned int)v;
	return true;
}

/* One end of --bucket-range, @len bytes of @s: a time as MIN_US; at most
 * a day (the kernel's slots end at 2147 s), so nothing wraps */
static bool parse_bound(const char *s, size_t len, unsigned long long *out,
			bool *too_large)
{
	const char *why;
	char buf[32];

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_us(buf, RQS_MAX_BUCKET_US, out, &why) == 0)
		return true;
	if (!strcmp(why, "too large"))
		*too_large = true;
	return false;
}

static bool parse_bucket_range(const char *arg, struct summary_args *o, FILE *err)
{
	size_t len = strcspn(arg, "-");
	unsigned long long low, high;
	bool too_large = false;

	if (!arg[len] || !parse_bound(arg, len, &low, &too_large) ||
	    !parse_bound(arg + len + 1, strlen(arg + len + 1), &high, &too_large)) {
		if (too_large) {
			fprintf(err, RQS_NAME ": invalid bucket range '%s': more than a day\n", arg);
			return false;
		}
		fprintf(err, RQS_NAME ": invalid bucket range '%s': expected LOW-HIGH, each a whole number of microseconds, or of us, ms or s (as in 1us-10s)\n",
			arg);
		return false;
	}
	if (low >= high) {
		fprintf(err, RQS_NAME ": invalid bucket range '%s': LOW must be below HIGH\n", arg);
		return false;
	}
	o->bucket_range = true;
	o->bucket_low_us = low;
	o->bucket_high_us = high;
	return true;
}

bool parse_summary_option(int c, const char *arg, struct summary_args *o, FILE *err)
{
	unsigned long long v;
	const char *why;

	switch (c) {
	case 's':
		o->summary = true;
		return true;
	case 'i':
		if (!parse_value(err, "interval", arg, 1, RQS_MAX_INTERVAL_S, &v))
			return false;
		o->interval = (unsigned int)v;
		return true;
	case OPT_BY:
		if (!strcmp(arg, "cpu")) {
			o->by = RQS_BY_CPU;
		} else if (!strcmp(arg, "comm")) {
			o->by = RQS_BY_COMM;
		} else if (!strcmp(arg, "cgroup")) {
			o->by = RQS_BY_CGROUP;
		} else {
			fprintf(err, RQS_NAME ": invalid --by key '%s': expected cpu, comm or cgroup\n", arg);
			return false;
		}
		return true;
	case OPT_BLAME_BY:
		if (strcmp(arg, "cgroup")) {
			fprintf(err, RQS_NAME ": invalid --blame-by key '%s': expected cgroup\n", arg);
			return false;
		}
		o->blame_cgroup = true;
		return true;
	case OPT_CONTAINER_RUNTIME:
		if (!strcmp(arg, "containerd")) {
			o->container_runtime = K8S_RUNTIME_CONTAINERD;
		} else if (!strcmp(arg, "cri-o")) {
			o->container_runtime = K8S_RUNTIME_CRIO;
		} else if (!strcmp(arg, "docker")) {
			o->container_runtime = K8S_RUNTIME_DOCKER;
		} else {
			fprintf(err, RQS_NAME ": invalid --container-runtime '%s': expected containerd, cri-o or docker\n", arg);
			return false;
		}
		return true;
	case OPT_MAX_KEYS:
		/* the kernel refuses what it cannot allocate; it says so at load */
		if (!parse_value(err, "key count", arg, 1, UINT32_MAX, &v))
			return false;
		o->max_keys = (unsigned int)v;
		return true;
	case OPT_METRICS:
		if (!parse_listen_address(arg, o->metrics_addr, sizeof(o->metrics_addr),
					  &o->metrics_port, &why)) {
			fprintf(err, RQS_NAME ": invalid metrics address '%s': %s\n", arg, why);
			return false;
		}
		o->metrics = true;
		return true;
	case OPT_WEB_CONFIG:
		if (!*arg) {
			fprintf(err, RQS_NAME ": invalid --web-config '': expected a file\n");
			return false;
		}
		o->web_config = arg;
		return true;
	case OPT_NO_OUTLIERS:
		o->no_outliers = true;
		return true;
	case OPT_BUCKET_RANGE:
		return parse_bucket_range(arg, o, err);
	case OPT_RETIRE_AFTER:
		if (!parse_value(err, "retire time", arg, 1, RQS_MAX_INTERVAL_S, &v))
			return false;
		o->retire_after = (unsigned int)v;
		return true;
	case OPT_METRICS_MAX_BYTES:
		/* one series of the longest labels takes about 12 KiB */
		if (!parse_value(err, "page size", arg, 65536, UINT32_MAX, &v))
			return false;
		o->metrics_max_bytes = (unsigned int)v;
		return true;
	}
	return false;
}
