// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Parsing of -s, -i, --by, --max-keys, --metrics and --no-outliers. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <linux/types.h>

#include "cli/parse_number.h"
#include "cli/parse_summary.h"
#include "common/version.h"

#include "../../bpf/histogram.h"

void summary_args_init(struct summary_args *o)
{
	*o = (struct summary_args){
		.max_keys = RQS_DEFAULT_MAX_KEYS,
	};
}

bool parse_listen_address(const char *s, char *addr, size_t addr_len,
			  unsigned int *port, const char **why)
{
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
	if (inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1) {
		*why = "not a numeric IPv4 or IPv6 address";
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
	case OPT_NO_OUTLIERS:
		o->no_outliers = true;
		return true;
	}
	return false;
}
