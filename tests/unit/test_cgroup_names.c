// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Finding the cgroup v2 mount in mountinfo, never assuming where it is. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "common/cgroup2_mount.h"
#include "common/cgroup_names.h"

static int find(const char *mountinfo, char *path, size_t len)
{
	FILE *f = fmemopen((void *)mountinfo, strlen(mountinfo), "r");
	int r;

	assert_non_null(f);
	r = cgroup2_mount_from(f, path, len);
	fclose(f);
	return r;
}

static void test_hybrid(void **state)
{
	char path[64];

	(void)state;
	assert_int_equal(find(
		"25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		"31 25 0:27 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
		"33 31 0:29 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,name=systemd\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:10 - cgroup2 cgroup2 rw\n",
		path, sizeof(path)), 0);
	assert_string_equal(path, "/sys/fs/cgroup/unified");
}

static void test_unified_and_optional_fields(void **state)
{
	char path[64];

	(void)state;
	/* no optional fields at all, and several */
	assert_int_equal(find("30 24 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
			      path, sizeof(path)), 0);
	assert_string_equal(path, "/sys/fs/cgroup");
	assert_int_equal(find("30 24 0:26 / /cg rw shared:4 master:2 propagate_from:1 - cgroup2 none rw\n",
			      path, sizeof(path)), 0);
	assert_string_equal(path, "/cg");
}

static void test_escaped_mount_point(void **state)
{
	char path[64];

	(void)state;
	assert_int_equal(find("30 24 0:26 / /mnt/my\\040cg\\134x rw - cgroup2 cgroup2 rw\n",
			      path, sizeof(path)), 0);
	assert_string_equal(path, "/mnt/my cg\\x");
}

static void test_absent(void **state)
{
	char path[64];

	(void)state;
	/* v1 only; a file system merely named like it; a mount point too long */
	assert_int_equal(find("33 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
			      "34 31 0:30 / /x rw - cgroup2fs x rw\n", path, sizeof(path)), -ENOENT);
	assert_int_equal(find("", path, sizeof(path)), -ENOENT);
	assert_int_equal(find("30 24 0:26 / /a/very/long/mount/point rw - cgroup2 cgroup2 rw\n",
			      path, 8), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_unified_and_optional_fields),
		cmocka_unit_test(test_escaped_mount_point),
		cmocka_unit_test(test_absent),
	};

	return cmocka_run_group_tests_name("cgroup_names", tests, NULL, NULL);
}
