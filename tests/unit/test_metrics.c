// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Prometheus text exposition format of /metrics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/k8s_cgroup.h"
#include "summary/prometheus.h"
#include "capture.h"

static char *render(const struct metrics_input *in)
{
	struct capture c;

	assert_true(metrics_render(capture_open(&c), in) > 0);
	return capture_close(&c);
}

static int count_lines_with(const char *page, const char *needle)
{
	int n = 0;

	for (const char *p = page; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static const struct metrics_input base = {
	.outliers = 7,
	.lost_ringbuf = 2,
	.not_recorded = 3,
	.missed_switch_ins = 5,
	.wakers_not_recorded = 7,
	.storage_bytes = 4096,
	.version = "0.1.0",
	.storage = "task",
};

static void test_plain_histogram(void **state)
{
	struct series s = { 0 };
	struct metrics_input in = base;
	char *page;

	(void)state;
	s.h.slots[0] = 4;	/* 0-1 us */
	s.h.slots[1] = 1;	/* 2-3 us */
	s.h.slots[10] = 2;	/* 1024-2047 us */
	s.h.slots[RQS_HIST_SLOTS - 1] = 1;
	s.h.sum_ns = 3001002003ULL;
	in.series = &s;
	in.nseries = 1;
	page = render(&in);
	assert_line(page, "# TYPE runqslower_ts_wait_seconds histogram");
	/* cumulative, on the slots' upper bounds, in seconds */
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.000002\"} 4");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.000004\"} 5");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.001024\"} 5");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"0.002048\"} 7");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"1.048576\"} 7");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"2147.483648\"} 7");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{le=\"+Inf\"} 8");
	assert_line(page, "runqslower_ts_wait_seconds_sum 3.001002003");
	assert_line(page, "runqslower_ts_wait_seconds_count 8");
	/* one bucket per finite slot bound, and +Inf */
	assert_int_equal(count_lines_with(page, "runqslower_ts_wait_seconds_bucket{"),
			 RQS_HIST_SLOTS);
	assert_null(strstr(page, "wait_overflow"));
	assert_line(page, "runqslower_ts_outliers_total 7");
	assert_line(page, "runqslower_ts_lost_events_total{reason=\"ringbuf_full\"} 2");
	assert_line(page, "runqslower_ts_wakeups_not_recorded_total 3");
	assert_line(page, "runqslower_ts_waits_missed_total 5");
	assert_line(page, "runqslower_ts_wakers_not_recorded_total 7");
	assert_line(page, "runqslower_ts_storage_bytes 4096");
	assert_line(page, "runqslower_ts_build_info{version=\"0.1.0\",storage=\"task\"} 1");
	assert_line(page, "# TYPE runqslower_ts_outliers_total counter");
	assert_line(page, "# TYPE runqslower_ts_storage_bytes gauge");
	/* every family has HELP and TYPE, and the page ends with a newline */
	assert_int_equal(count_lines_with(page, "# HELP "), 8);
	assert_int_equal(count_lines_with(page, "# TYPE "), 8);
	assert_int_equal(page[strlen(page) - 1], '\n');
	free(page);
}

static void test_by_cgroup_with_overflow(void **state)
{
	struct series s[2] = { { .label = "/" }, { .label = "/a \"b\" \\\\x01" } };
	struct metrics_input in = base;
	struct hist over = { 0 };
	char *page;

	(void)state;
	s[0].h.slots[2] = 3;
	s[0].h.sum_ns = 15000;
	s[1].h.slots[0] = 1;
	over.slots[5] = 9;
	over.sum_ns = 9 * 40000;
	in.by = RQS_BY_CGROUP;
	in.series = s;
	in.nseries = 2;
	in.overflow = &over;
	in.overflow_keys = 1024;
	page = render(&in);
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/\",le=\"0.000004\"} 0");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/\",le=\"0.000008\"} 3");
	assert_line(page, "runqslower_ts_wait_seconds_sum{cgroup=\"/\"} 0.000015000");
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/\"} 3");
	/* the exposition format escapes " and \ */
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/a \\\"b\\\" \\\\\\\\x01\"} 1");
	assert_line(page, "# TYPE runqslower_ts_wait_overflow_seconds histogram");
	assert_line(page, "runqslower_ts_wait_overflow_seconds_bucket{le=\"0.000064\"} 9");
	assert_line(page, "runqslower_ts_wait_overflow_seconds_count 9");
	assert_line(page, "runqslower_ts_wait_overflow_seconds_sum 0.000360000");
	free(page);
}

static void test_by_label_names(void **state)
{
	struct series s = { .label = "1" };
	struct metrics_input in = base;
	char *page;

	(void)state;
	assert_null(metrics_by_label(RQS_BY_NONE));
	assert_string_equal(metrics_by_label(RQS_BY_CPU), "cpu");
	assert_string_equal(metrics_by_label(RQS_BY_COMM), "comm");
	assert_string_equal(metrics_by_label(RQS_BY_CGROUP), "cgroup");
	in.by = RQS_BY_CPU;
	in.series = &s;
	in.nseries = 1;
	page = render(&in);
	assert_line(page, "runqslower_ts_wait_seconds_count{cpu=\"1\"} 0");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cpu=\"1\",le=\"+Inf\"} 0");
	free(page);
}

/* The buckets of @metric{@labels: the le values and counts in page order;
 * returns how many */
static int buckets_of(const char *page, const char *prefix, double *le, uint64_t *cum, int max)
{
	size_t plen = strlen(prefix);
	int n = 0;

	for (const char *p = page; (p = strstr(p, prefix)); p += plen) {
		const char *v = p + plen;

		if (p != page && p[-1] != '\n')
			continue;
		assert_true(n < max);
		le[n] = strncmp(v, "+Inf", 4) ? strtod(v, NULL) : 1e300;
		cum[n] = strtoull(strstr(v, "} ") + 2, NULL, 10);
		n++;
	}
	return n;
}

/* the bytes of the wait_seconds family's sample lines */
static size_t family_bytes(const char *page, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);

	for (const char *l = page; *l; ) {
		const char *e = strchr(l, '\n');

		if (!strncmp(l, prefix, pl))
			n += (size_t)(e - l) + 1;
		l = e + 1;
	}
	return n;
}

/* --bucket-range: le bounds of the layout only, cumulative and monotone,
 * the waits outside in the edge buckets, _sum and _count unchanged */
static void test_bucket_range(void **state)
{
	struct series s = { .label = "/a" };
	struct hist_layout l = hist_layout_of(1000, 1000000);
	struct metrics_input in = base;
	double le[RQS_HIST_SLOTS + 1];
	uint64_t cum[RQS_HIST_SLOTS + 1], total = 0;
	char *page;
	int n;

	(void)state;
	for (unsigned int i = 0; i < RQS_HIST_SLOTS; i++) {
		s.h.slots[i] = i + 1;
		total += i + 1;
	}
	s.h.sum_ns = 123456789012ULL;
	in.by = RQS_BY_CGROUP;
	in.series = &s;
	in.nseries = 1;
	in.layout = &l;
	page = render(&in);
	n = buckets_of(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"", le, cum,
		       RQS_HIST_SLOTS + 1);
	/* 512 us to 2^20 us (1.05 s): 12 bounds, and +Inf */
	assert_int_equal(n, 13);
	assert_int_equal(n, l.last - l.first + 1);
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"0.000512\"} 45");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"0.001024\"} 55");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"1.048576\"} 210");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/a\",le=\"+Inf\"} 528");
	for (int i = 1; i < n; i++) {
		assert_true(le[i] > le[i - 1]);
		assert_true(cum[i] >= cum[i - 1]);
	}
	assert_int_equal(cum[n - 1], total);
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/a\"} 528");
	assert_line(page, "runqslower_ts_wait_seconds_sum{cgroup=\"/a\"} 123.456789012");
	free(page);
}

/* process_*: the Go client's names, types and help, in seconds and bytes */
static void test_process_metrics(void **state)
{
	struct process_metrics m = {
		.hz = 100,
		.cpu_ticks = 1234,
		.start_ticks = 176418000012ULL,
		.rss_bytes = 8 << 20,
		.vsize_bytes = 90 << 20,
		.open_fds = 27,
		.max_fds = 1024,
	};
	struct metrics_input in = base;
	char *page;

	(void)state;
	page = render(&in);
	assert_null(strstr(page, "process_"));
	free(page);
	in.process = &m;
	page = render(&in);
	assert_line(page, "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.");
	assert_line(page, "# TYPE process_cpu_seconds_total counter");
	assert_line(page, "process_cpu_seconds_total 12.34");
	assert_line(page, "# TYPE process_open_fds gauge");
	assert_line(page, "process_open_fds 27");
	assert_line(page, "# TYPE process_max_fds gauge");
	assert_line(page, "process_max_fds 1024");
	assert_line(page, "# TYPE process_virtual_memory_bytes gauge");
	assert_line(page, "process_virtual_memory_bytes 94371840");
	assert_line(page, "# TYPE process_resident_memory_bytes gauge");
	assert_line(page, "process_resident_memory_bytes 8388608");
	assert_line(page, "# TYPE process_start_time_seconds gauge");
	assert_line(page, "process_start_time_seconds 1764180000.12");
	assert_int_equal(count_lines_with(page, "# HELP "), 14);
	assert_int_equal(count_lines_with(page, "# TYPE "), 14);
	free(page);
	m.max_fds = UINT64_MAX;
	page = render(&in);
	assert_line(page, "process_max_fds +Inf");
	free(page);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* process_metrics_read() on a procfs of files: a name with spaces and
 * parentheses, negative fields, the boot time from /proc/stat */
static void test_process_read(void **state)
{
	char dir[] = "/tmp/rqs-proc.XXXXXX", path[128];
	struct process_metrics m;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct rlimit rl;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/9", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/9/fd", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/9/fd/%d", dir, 100 + i);
		write_file(path, "");
	}
	snprintf(path, sizeof(path), "%s/9/stat", dir);
	/* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
	 * majflt cmajflt utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime vsize rss ... */
	write_file(path, "9 (a) b) (c) S 1 9 9 0 -1 4194560 100 0 0 0 "
			 "250 50 7 7 20 -5 2 0 4321 94371840 300 18446744073709551615 1 1 0\n");
	snprintf(path, sizeof(path), "%s/stat", dir);
	write_file(path, "cpu  1 2 3 4\nintr 1 2 3\nctxt 5\nbtime 1764180000\nprocesses 9\n");
	assert_int_equal(process_metrics_read(dir, "9", &m), 0);
	assert_int_equal(m.hz, hz);
	assert_int_equal(m.cpu_ticks, 300);
	assert_int_equal(m.start_ticks, 1764180000ULL * hz + 4321);
	assert_int_equal(m.vsize_bytes, 94371840);
	assert_int_equal(m.rss_bytes, 300ULL * page);
	assert_int_equal(m.open_fds, 5);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(m.max_fds, rl.rlim_cur);
	/* a truncated stat, and no btime: errors, not numbers */
	snprintf(path, sizeof(path), "%s/9/stat", dir);
	write_file(path, "9 (a) S 1 9 9 0 -1 4194560 100\n");
	assert_int_equal(process_metrics_read(dir, "9", &m), -EINVAL);
	write_file(path, "9 (a) S 1 9 9 0 -1 4194560 100 0 0 0 "
			 "250 50 7 7 20 -5 2 0 4321 94371840 300\n");
	assert_int_equal(process_metrics_read(dir, "9", &m), 0);
	snprintf(path, sizeof(path), "%s/stat", dir);
	write_file(path, "cpu  1 2 3 4\n");
	assert_int_equal(process_metrics_read(dir, "9", &m), -EINVAL);
	snprintf(path, sizeof(path), "rm -r %s", dir);
	assert_int_equal(system(path), 0);
}

static void test_series_bound_holds(void **state)
{
	char label[257];
	struct series s = { .label = label };
	struct metrics_input in = base;
	char *page;

	(void)state;
	memset(label, '\\', 256);	/* every byte escaped on the page */
	label[256] = '\0';
	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		s.h.slots[i] = UINT64_MAX / RQS_HIST_SLOTS;
	s.h.sum_ns = UINT64_MAX;
	in.by = RQS_BY_CGROUP;
	in.series = &s;
	in.nseries = 1;
	page = render(&in);
	assert_true(family_bytes(page, "runqslower_ts_wait_seconds_") <=
		    metrics_series_bound("runqslower_ts_wait_seconds", "cgroup", label, ""));
	free(page);
}

/* Over --metrics-max-bytes the busiest series stay, in label order, and the
 * rest fold into one: every wait is still on the page. */
static void test_page_bound_folds_least_busy(void **state)
{
	enum { N = 200, KEEP = 20 };
	static struct series s[N];
	static char labels[N][260];
	struct metrics_input in = base;
	struct hist over = { 0 }, retired = { 0 };
	uint64_t want = 0, got = 0, v;
	char line[400], *page, *p;
	size_t bound;

	(void)state;
	for (int i = 0; i < N; i++) {
		memset(labels[i], 'x', 250);
		snprintf(labels[i], sizeof(labels[i]), "/%03d", i);
		labels[i][4] = 'x';
		labels[i][250] = '\0';
		s[i].label = labels[i];
		/* the busiest sort last by label */
		s[i].h.slots[3] = (uint64_t)i + 1;
		want += (uint64_t)i + 1;
	}
	retired.slots[4] = 1000;
	bound = metrics_series_bound("runqslower_ts_wait_seconds", "cgroup", labels[0], "");
	in.by = RQS_BY_CGROUP;
	in.series = s;
	in.nseries = N;
	in.overflow = &over;
	in.retired_folded = &retired;
	in.retired_series_folded = 4;
	in.labels_truncated = 6;
	in.max_series_bytes = KEEP * bound + bound / 2;
	page = render(&in);
	assert_true(family_bytes(page, "runqslower_ts_wait_seconds_") <= in.max_series_bytes);
	assert_int_equal(count_lines_with(page, "runqslower_ts_wait_seconds_count{"), KEEP);
	for (int i = 0; i < N; i++) {
		snprintf(line, sizeof(line), "runqslower_ts_wait_seconds_count{cgroup=\"%.250s\"} %d",
			 labels[i], i + 1);
		if (i >= N - KEEP)
			assert_line(page, line);
		else
			assert_null(strstr(page, line));
	}
	for (p = page; (p = strstr(p, "\nrunqslower_ts_wait_seconds_count{")); p++) {
		p = strchr(p, '}');
		assert_int_equal(sscanf(p, "} %" SCNu64, &v), 1);
		got += v;
	}
	p = strstr(page, "\nrunqslower_ts_wait_folded_seconds_count{reason=\"page_full\"} ");
	assert_non_null(p);
	assert_int_equal(sscanf(strchr(p, '}'), "} %" SCNu64, &v), 1);
	assert_int_equal(got + v, want);
	assert_line(page, "runqslower_ts_page_series_folded 180");
	assert_line(page, "runqslower_ts_wait_folded_seconds_count{reason=\"retired\"} 1000");
	assert_line(page, "runqslower_ts_retired_series_folded_total 4");
	assert_line(page, "runqslower_ts_labels_truncated_total 6");
	free(page);
	/* within the bound, all of them */
	in.max_series_bytes = N * bound;
	page = render(&in);
	assert_int_equal(count_lines_with(page, "runqslower_ts_wait_seconds_count{"), N);
	assert_line(page, "runqslower_ts_page_series_folded 0");
	assert_line(page, "runqslower_ts_wait_folded_seconds_count{reason=\"page_full\"} 0");
	free(page);
}

#define POD "1a2b3c4d-0000-4111-8222-0123456789ab"
#define POD_SD "1a2b3c4d_0000_4111_8222_0123456789ab"
#define CID "4f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100"

static char *render_one(const char *label, int runtime)
{
	static struct series s;
	struct metrics_input in = base;

	memset(&s, 0, sizeof(s));
	s.label = (char *)label;
	s.h.slots[3] = 2;
	in.by = RQS_BY_CGROUP;
	in.series = &s;
	in.nseries = 1;
	in.container_runtime = runtime;
	return render(&in);
}

/* --by cgroup: a pod's series carry the labels kube-state-metrics joins on;
 * every other series is as before */
static void test_pod_labels(void **state)
{
	char *page;

	(void)state;
	/* systemd driver, containerd: the dashes of the UID put back */
	page = render_one("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_SD
			  ".slice/cri-containerd-" CID ".scope", 0);
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_SD
			  ".slice/cri-containerd-" CID ".scope\",uid=\"" POD "\",container_id=\"containerd://" CID "\",qos=\"burstable\"} 2");
	assert_line(page, "runqslower_ts_wait_seconds_bucket{cgroup=\"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_SD
			  ".slice/cri-containerd-" CID ".scope\",uid=\"" POD "\",container_id=\"containerd://" CID "\",qos=\"burstable\",le=\"+Inf\"} 2");
	free(page);
	/* the pod's own cgroup, Guaranteed: no container */
	page = render_one("/kubepods.slice/kubepods-pod" POD_SD ".slice", 0);
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/kubepods.slice/kubepods-pod" POD_SD
			  ".slice\",uid=\"" POD "\",qos=\"guaranteed\"} 2");
	free(page);
	/* cgroupfs: a bare id names no runtime; --container-runtime does */
	page = render_one("/kubepods/besteffort/pod" POD "/" CID, 0);
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/kubepods/besteffort/pod" POD "/" CID
			  "\",uid=\"" POD "\",qos=\"besteffort\"} 2");
	free(page);
	page = render_one("/kubepods/besteffort/pod" POD "/" CID, K8S_RUNTIME_DOCKER);
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/kubepods/besteffort/pod" POD "/" CID
			  "\",uid=\"" POD "\",container_id=\"docker://" CID "\",qos=\"besteffort\"} 2");
	free(page);
	/* CRI-O says so itself, whatever the option; its monitor is no container */
	page = render_one("/kubepods/burstable/pod" POD "/crio-" CID, K8S_RUNTIME_DOCKER);
	assert_non_null(strstr(page, ",uid=\"" POD "\",container_id=\"cri-o://" CID "\",qos=\"burstable\"} 2\n"));
	free(page);
	page = render_one("/kubepods/burstable/pod" POD "/crio-conmon-" CID, 0);
	assert_non_null(strstr(page, ",uid=\"" POD "\",qos=\"burstable\"} 2\n"));
	assert_null(strstr(page, "container_id"));
	free(page);
	/* no pod: no pod labels */
	page = render_one("/system.slice/cron.service", K8S_RUNTIME_CONTAINERD);
	assert_line(page, "runqslower_ts_wait_seconds_count{cgroup=\"/system.slice/cron.service\"} 2");
	assert_null(strstr(page, "uid="));
	free(page);
}

/* the page's size bound counts the pod labels too */
static void test_series_bound_holds_with_pod_labels(void **state)
{
	static const char label[] = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_SD
				    ".slice/cri-containerd-" CID ".scope";
	struct series s = { .label = (char *)label };
	struct metrics_input in = base;
	char *page;

	(void)state;
	for (int i = 0; i < RQS_HIST_SLOTS; i++)
		s.h.slots[i] = UINT64_MAX / RQS_HIST_SLOTS;
	s.h.sum_ns = UINT64_MAX;
	in.by = RQS_BY_CGROUP;
	in.series = &s;
	in.nseries = 1;
	page = render(&in);
	assert_non_null(strstr(page, "container_id="));
	assert_true(family_bytes(page, "runqslower_ts_wait_seconds_") <=
		    metrics_series_bound("runqslower_ts_wait_seconds", "cgroup", label,
					 ",uid=\"" POD "\",container_id=\"containerd://" CID "\",qos=\"besteffort\""));
	free(page);
	/* a bound the series would fit without its pod labels: it folds */
	in.max_series_bytes = metrics_series_bound("runqslower_ts_wait_seconds", "cgroup", label, "");
	page = render(&in);
	assert_true(family_bytes(page, "runqslower_ts_wait_seconds_") <= in.max_series_bytes);
	assert_line(page, "runqslower_ts_page_series_folded 1");
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_histogram),
		cmocka_unit_test(test_by_cgroup_with_overflow),
		cmocka_unit_test(test_by_label_names),
		cmocka_unit_test(test_bucket_range),
		cmocka_unit_test(test_process_metrics),
		cmocka_unit_test(test_process_read),
		cmocka_unit_test(test_series_bound_holds),
		cmocka_unit_test(test_page_bound_folds_least_busy),
		cmocka_unit_test(test_pod_labels),
		cmocka_unit_test(test_series_bound_holds_with_pod_labels),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
