// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/cgroup2_mount.h"

static int mount_of(const char *text, char *mnt, char *root)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r = cgroup2_mount_of(f, mnt, PATH_MAX, root, PATH_MAX);

	fclose(f);
	return r;
}

static void test_hybrid(void **state)
{
	char mnt[PATH_MAX], root[PATH_MAX];

	(void)state;
	/* systemd's hybrid layout: v1 controllers, v2 at .../unified */
	assert_int_equal(mount_of(
		"22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
		"26 22 0:23 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
		"27 26 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
		"28 26 0:25 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
		"31 26 0:28 / /sys/fs/cgroup/cpu,cpuacct rw shared:14 - cgroup cgroup rw,cpu,cpuacct\n",
		mnt, root), 0);
	assert_string_equal(mnt, "/sys/fs/cgroup/unified");
	assert_string_equal(root, "/");
}

static void test_unified_no_optional_fields(void **state)
{
	char mnt[PATH_MAX], root[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(
		"35 24 0:30 /sub/tree /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", mnt, root), 0);
	assert_string_equal(mnt, "/sys/fs/cgroup");
	assert_string_equal(root, "/sub/tree");
}

static void test_escapes(void **state)
{
	char mnt[PATH_MAX], root[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(
		"40 1 0:40 /a\\040b /mnt/my\\040cg\\134x rw shared:1 - cgroup2 none rw\n", mnt, root), 0);
	assert_string_equal(mnt, "/mnt/my cg\\x");
	assert_string_equal(root, "/a b");
}

static void test_v1_only(void **state)
{
	char mnt[PATH_MAX], root[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(
		"26 22 0:23 / /sys/fs/cgroup ro shared:9 - tmpfs tmpfs ro\n"
		"31 26 0:28 / /sys/fs/cgroup/cpu rw shared:14 - cgroup cgroup rw,cpu\n"
		"32 26 0:29 / /weird rw - cgroup2x x rw\n"
		"garbage without a separator\n", mnt, root), -1);
	assert_int_equal(mount_of("", mnt, root), -1);
}

static void test_first_cgroup2_wins(void **state)
{
	char mnt[PATH_MAX], root[PATH_MAX];

	(void)state;
	assert_int_equal(mount_of(
		"1 0 0:1 / /one rw - cgroup2 cgroup2 rw\n"
		"2 0 0:1 / /two rw - cgroup2 cgroup2 rw\n", mnt, root), 0);
	assert_string_equal(mnt, "/one");
}

static int holding(const char *text, const char *dir, char *mnt, char *root)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r = cgroup2_mount_holding(f, dir, mnt, PATH_MAX, root, PATH_MAX);

	fclose(f);
	return r;
}

/* inside a cgroup namespace (unshare -C -m), cgroup2 mounted again: the
 * inherited mount comes first, its root above the namespace's */
static const char ns_mountinfo[] =
	"60 50 0:37 /../.. /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
	"67 46 0:37 / /tmp/cg2 rw,relatime - cgroup2 none rw\n"
	"68 46 0:37 / /tmp/cg2/x rw,relatime - cgroup2 none rw\n"
	"69 46 0:37 /a /tmp/cg2/x rw,relatime - cgroup2 none rw\n";

static void test_holding_longest_prefix(void **state)
{
	char mnt[PATH_MAX], root[PATH_MAX];

	(void)state;
	assert_int_equal(holding(ns_mountinfo, "/tmp/cg2/inner", mnt, root), 0);
	assert_string_equal(mnt, "/tmp/cg2");
	assert_string_equal(root, "/");
	assert_int_equal(holding(ns_mountinfo, "/tmp/cg2", mnt, root), 0);
	assert_string_equal(mnt, "/tmp/cg2");
	/* the last of two at one point: mounted over the other */
	assert_int_equal(holding(ns_mountinfo, "/tmp/cg2/x/y", mnt, root), 0);
	assert_string_equal(mnt, "/tmp/cg2/x");
	assert_string_equal(root, "/a");
	/* a prefix of the name, not of the path */
	assert_int_equal(holding(ns_mountinfo, "/tmp/cg2x/y", mnt, root), -1);
	assert_int_equal(holding(ns_mountinfo, "/sys/fs/cgroup/unified/s", mnt, root), 0);
	assert_string_equal(mnt, "/sys/fs/cgroup/unified");
	assert_string_equal(root, "/../..");
	assert_int_equal(holding("70 1 0:37 / / rw - cgroup2 none rw\n", "/a", mnt, root), 0);
	assert_string_equal(mnt, "/");
}

static void test_rooted(void **state)
{
	FILE *f = fmemopen((void *)ns_mountinfo, strlen(ns_mountinfo), "r");
	char mnt[PATH_MAX];

	(void)state;
	assert_int_equal(cgroup2_mount_rooted(f, mnt, sizeof(mnt)), 0);
	assert_string_equal(mnt, "/tmp/cg2");
	fclose(f);
	f = fmemopen((void *)"1 0 0:1 /.. /one rw - cgroup2 cgroup2 rw\n", 41, "r");
	assert_int_equal(cgroup2_mount_rooted(f, mnt, sizeof(mnt)), -1);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_unified_no_optional_fields),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_v1_only),
		cmocka_unit_test(test_first_cgroup2_wins),
		cmocka_unit_test(test_holding_longest_prefix),
		cmocka_unit_test(test_rooted),
	};

	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
