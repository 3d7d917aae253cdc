// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* -s, -i, --by, --max-keys, --metrics, --no-outliers through parse_args()
 * and the plan */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <limits.h>
#include <linux/types.h>

#include "common/k8s_cgroup.h"
#include "cli/parse_args.h"
#include "cli/plan.h"
#include "../bpf/histogram.h"

/* what the plan makes of the options: -s and its implications */
static const struct summary_plan *plan_of(const struct options *o)
{
	static struct plan p;

	plan_from_options(o, STORAGE_TASK, &p);
	return &p.summary;
}

static enum parse_result parse(char **err_text, struct options *o, ...)
{
	char *argv[16] = { "runqslower-ts" }, *out_text = NULL;
	size_t out_len = 0, err_len = 0;
	enum parse_result r;
	int argc = 1;
	FILE *out, *err;
	va_list ap;

	va_start(ap, o);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	out = open_memstream(&out_text, &out_len);
	err = open_memstream(err_text, &err_len);
	r = parse_args(argc, argv, o, out, err);
	fclose(out);
	fclose(err);
	free(out_text);
	return r;
}

/* exit 2 with exactly one line naming the tool and containing @needle */
#define assert_usage(needle, ...)                                             \
	do {                                                                  \
		char *e = NULL;                                               \
		struct options o;                                             \
		assert_int_equal(parse(&e, &o, __VA_ARGS__, NULL), PARSE_USAGE); \
		assert_true(!strncmp(e, "runqslower-ts: ", 15));              \
		assert_non_null(strstr(e, needle));                           \
		assert_non_null(strchr(e, '\n'));                             \
		assert_string_equal(strchr(e, '\n'), "\n");                  \
		free(e);                                                      \
	} while (0)

#define assert_run(o, ...)                                                    \
	do {                                                                  \
		char *e = NULL;                                               \
		assert_int_equal(parse(&e, o, __VA_ARGS__, NULL), PARSE_RUN); \
		assert_string_equal(e, "");                                   \
		free(e);                                                      \
	} while (0)

static void test_defaults_off(void **state)
{
	struct options o;

	(void)state;
	assert_run(&o, "1000");
	assert_false(plan_of(&o)->enabled);
	assert_false(plan_of(&o)->print);
	assert_false(o.sum.metrics);
	assert_false(o.sum.no_outliers);
	assert_int_equal(o.sum.interval, 0);
	assert_int_equal(o.sum.by, RQS_BY_NONE);
	assert_int_equal(o.sum.max_keys, RQS_DEFAULT_MAX_KEYS);
}

static void test_summary_and_implications(void **state)
{
	struct options o;

	(void)state;
	assert_run(&o, "-s");
	assert_true(plan_of(&o)->enabled && plan_of(&o)->print);
	assert_run(&o, "-i", "5");
	assert_true(plan_of(&o)->enabled && plan_of(&o)->print);
	assert_int_equal(o.sum.interval, 5);
	assert_run(&o, "--interval=86400");
	assert_int_equal(o.sum.interval, 86400);
	assert_run(&o, "--by", "comm");
	assert_true(plan_of(&o)->enabled && plan_of(&o)->print);
	assert_int_equal(o.sum.by, RQS_BY_COMM);
	assert_run(&o, "--by=cpu");
	assert_int_equal(o.sum.by, RQS_BY_CPU);
	assert_run(&o, "--no-outliers");
	assert_true(plan_of(&o)->enabled && plan_of(&o)->print && o.sum.no_outliers);
	/* the exporter prints no histograms unless asked to */
	assert_run(&o, "--metrics", "9548", "--by", "cgroup", "--no-outliers");
	assert_true(plan_of(&o)->enabled && o.sum.metrics);
	assert_false(plan_of(&o)->print);
	assert_int_equal(o.sum.by, RQS_BY_CGROUP);
	assert_run(&o, "--metrics", "9548", "-s");
	assert_true(plan_of(&o)->print);
	assert_run(&o, "--metrics", "9548", "-i", "10");
	assert_true(plan_of(&o)->print);
	assert_run(&o, "--max-keys", "4096", "--by", "cgroup");
	assert_int_equal(o.sum.max_keys, 4096);
	/* --bucket-range: a unit as MIN_US has, microseconds without one */
	assert_run(&o, "--bucket-range", "1us-10s");
	assert_true(plan_of(&o)->enabled && plan_of(&o)->print);
	assert_int_equal(plan_of(&o)->bucket_low_us, 1);
	assert_int_equal(plan_of(&o)->bucket_high_us, 10000000);
	assert_run(&o, "--bucket-range=500-2ms", "--metrics", "9548");
	assert_run(&o, "--bucket-range", "0-86400s");
	assert_int_equal(plan_of(&o)->bucket_high_us, 86400000000ULL);
	assert_run(&o, "--bucket-range=500-2ms", "--metrics", "9548");
	assert_false(plan_of(&o)->print);
	assert_int_equal(plan_of(&o)->bucket_low_us, 500);
	assert_int_equal(plan_of(&o)->bucket_high_us, 2000);
	/* a second parse starts over */
	assert_run(&o, "100");
	assert_int_equal(plan_of(&o)->bucket_low_us, 0);
	assert_int_equal(plan_of(&o)->bucket_high_us, ULLONG_MAX);
	assert_false(plan_of(&o)->enabled);
}

static void test_metrics_address(void **state)
{
	struct options o;

	(void)state;
	assert_run(&o, "--metrics", "9548");
	assert_string_equal(o.sum.metrics_addr, "127.0.0.1");
	assert_int_equal(o.sum.metrics_port, 9548);
	assert_run(&o, "--metrics", "0.0.0.0:1");
	assert_string_equal(o.sum.metrics_addr, "0.0.0.0");
	assert_int_equal(o.sum.metrics_port, 1);
	assert_run(&o, "--metrics=[::1]:65535");
	assert_string_equal(o.sum.metrics_addr, "::1");
	assert_int_equal(o.sum.metrics_port, 65535);
	assert_run(&o, "--metrics", "[::]:80");
	assert_string_equal(o.sum.metrics_addr, "::");
	/* host names: resolved when the sockets are bound */
	assert_run(&o, "--metrics", "localhost:9548");
	assert_string_equal(o.sum.metrics_addr, "localhost");
	assert_int_equal(o.sum.metrics_port, 9548);
	assert_run(&o, "--metrics", "metrics-1.example.org.:80");
	assert_string_equal(o.sum.metrics_addr, "metrics-1.example.org.");
	assert_run(&o, "--metrics", "ip6_localhost:80");
	assert_string_equal(o.sum.metrics_addr, "ip6_localhost");
	assert_run(&o, "--metrics", "1host:80");
	assert_string_equal(o.sum.metrics_addr, "1host");
}

static void test_bad_input(void **state)
{
	(void)state;
	assert_usage("invalid interval '0': too small", "-i", "0");
	assert_usage("invalid interval '-1': negative", "-i", "-1");
	assert_usage("invalid interval 'x'", "-i", "x");
	assert_usage("invalid interval '86401': too large", "-i", "86401");
	assert_usage("needs an argument", "-i");
	assert_usage("invalid --by key 'pid': expected cpu, comm or cgroup", "--by", "pid");
	assert_usage("invalid --by key ''", "--by=");
	assert_usage("needs an argument", "--by");
	assert_usage("invalid key count '0': too small", "--max-keys", "0");
	assert_usage("invalid metrics address '0': port not in 1-65535", "--metrics", "0");
	assert_usage("port not in 1-65535", "--metrics", "127.0.0.1:65536");
	assert_usage("expected [ADDR:]PORT", "--metrics", "127.0.0.1:http");
	assert_usage("expected [ADDR:]PORT", "--metrics", "127.0.0.1:");
	/* all digits and dots: the resolver would take 1.2.3 as 1.2.0.3 */
	assert_usage("invalid metrics address '1.2.3:9548': not an IP address or a host name",
		     "--metrics", "1.2.3:9548");
	assert_usage("not an IP address or a host name", "--metrics", "256.1.1.1:9548");
	assert_usage("empty address before ':'", "--metrics", ":9548");
	assert_usage("an IPv6 address needs brackets", "--metrics", "::1:9548");
	assert_usage("not an IP address or a host name", "--metrics", "[127.0.0.1:9548");
	assert_usage("not an IPv6 address in [ADDR]", "--metrics", "[127.0.0.1]:9548");
	assert_usage("not an IPv6 address in [ADDR]", "--metrics", "[localhost]:9548");
	assert_usage("not an IP address or a host name", "--metrics", "bad!name:9548");
	assert_usage("not an IP address or a host name", "--metrics", "-lead.example:9548");
	assert_usage("not an IP address or a host name", "--metrics", "trail-.example:9548");
	assert_usage("not an IP address or a host name", "--metrics", "a..b:9548");
	assert_usage("not an IP address or a host name", "--metrics", ".a:9548");
	assert_usage("not an IP address or a host name", "--metrics",
		     "a234567890123456789012345678901234567890123456789012345678901234:9548");
	assert_usage("invalid bucket range '10s-1us': LOW must be below HIGH", "--bucket-range", "10s-1us");
	assert_usage("invalid bucket range '1ms-1000us': LOW must be below HIGH", "--bucket-range", "1ms-1000us");
	assert_usage("invalid bucket range '10s': expected LOW-HIGH", "--bucket-range", "10s");
	assert_usage("invalid bucket range '-10s': expected LOW-HIGH", "--bucket-range", "-10s");
	assert_usage("invalid bucket range '1us-': expected LOW-HIGH", "--bucket-range", "1us-");
	assert_usage("invalid bucket range '1m-1h': expected LOW-HIGH", "--bucket-range", "1m-1h");
	assert_usage("invalid bucket range '1us-10s-1': expected LOW-HIGH", "--bucket-range", "1us-10s-1");
	assert_usage("invalid bucket range '1-99999999999999999999': more than a day", "--bucket-range", "1-99999999999999999999");
	assert_usage("invalid bucket range '1-18446744073709552s': more than a day", "--bucket-range", "1-18446744073709552s");
	assert_usage("invalid bucket range '1-86401s': more than a day", "--bucket-range", "1-86401s");
	assert_usage("needs an argument", "--bucket-range");
	assert_usage("--web-config needs --metrics: it configures the exporter",
		     "--web-config", "web.yml");
	assert_usage("--web-config needs --metrics", "--web-config", "web.yml", "-s");
	assert_usage("invalid --web-config '': expected a file", "--metrics", "1", "--web-config=");
	assert_usage("needs an argument", "--metrics", "1", "--web-config");
	assert_usage("invalid --container-runtime 'crio': expected containerd, cri-o or docker",
		     "--metrics", "1", "--by", "cgroup", "--container-runtime", "crio");
	assert_usage("--container-runtime needs --metrics and --by cgroup",
		     "--metrics", "1", "--container-runtime", "docker");
	assert_usage("--container-runtime needs --metrics and --by cgroup",
		     "-s", "--by", "cgroup", "--container-runtime", "docker");
}

static void test_container_runtime(void **state)
{
	struct options o;

	(void)state;
	assert_run(&o, "--metrics", "9548", "--by", "cgroup");
	assert_int_equal(plan_of(&o)->container_runtime, K8S_RUNTIME_UNKNOWN);
	assert_run(&o, "--metrics", "9548", "--by", "cgroup", "--container-runtime", "cri-o");
	assert_int_equal(plan_of(&o)->container_runtime, K8S_RUNTIME_CRIO);
	assert_run(&o, "--container-runtime=docker", "--by", "cgroup", "--metrics", "9548");
	assert_int_equal(plan_of(&o)->container_runtime, K8S_RUNTIME_DOCKER);
	assert_run(&o, "--container-runtime=containerd", "--by", "cgroup", "--metrics", "9548");
	assert_int_equal(plan_of(&o)->container_runtime, K8S_RUNTIME_CONTAINERD);
}

static void test_web_config(void **state)
{
	struct options o;

	(void)state;
	assert_run(&o, "--metrics", "9548");
	assert_null(o.sum.web_config);
	assert_null(plan_of(&o)->web_config);
	assert_false(plan_of(&o)->https);
	assert_run(&o, "--web-config", "/etc/rqs/web.yml", "--metrics", "9548");
	assert_string_equal(o.sum.web_config, "/etc/rqs/web.yml");
	assert_string_equal(plan_of(&o)->web_config, "/etc/rqs/web.yml");
	/* the file is read by main(), not by the plan */
	assert_null(plan_of(&o)->web);
}

static void test_help_documents_them(void **state)
{
	char *argv[] = { "runqslower-ts", "--help" }, *out = NULL, *err = NULL;
	size_t ol = 0, el = 0;
	struct options o;
	FILE *fo = open_memstream(&out, &ol), *fe = open_memstream(&err, &el);

	(void)state;
	assert_int_equal(parse_args(2, argv, &o, fo, fe), PARSE_EXIT);
	fclose(fo);
	fclose(fe);
	for (const char **w = (const char *[]){ "--summary", "--interval SECS", "--by KEY",
						 "--max-keys N", "--no-outliers",
						 "--metrics [ADDR:]PORT", "--bucket-range LOW-HIGH",
						 "--web-config FILE", "--container-runtime NAME",
						 NULL }; *w; w++)
		assert_non_null(strstr(out, *w));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_off),
		cmocka_unit_test(test_summary_and_implications),
		cmocka_unit_test(test_metrics_address),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_web_config),
		cmocka_unit_test(test_container_runtime),
		cmocka_unit_test(test_help_documents_them),
	};

	return cmocka_run_group_tests_name("summary_opts", tests, NULL, NULL);
}
