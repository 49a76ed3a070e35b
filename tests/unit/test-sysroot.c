// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/sysroot: /proc and /sys reads under --sysroot=DIR. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sysroot.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* One temporary tree for the whole file: TMP/{proc,sys/kernel}, removed at the end. */
static char tmpdir[PATH_MAX];

static void write_file(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX * 2];
	int fd;

	snprintf(path, sizeof(path), "%s%s", tmpdir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void write_str(const char *rel, const char *s)
{
	write_file(rel, s, strlen(s));
}

static int setup_tree(void **state)
{
	const char *base = getenv("TMPDIR");
	char path[PATH_MAX * 2];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/kx-test-sysroot.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/proc", tmpdir);
	if (mkdir(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/sys", tmpdir);
	if (mkdir(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/sys/kernel", tmpdir);
	if (mkdir(path, 0755) < 0)
		return -1;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_tree(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void init_with_null_empty_or_slash_selects_the_running_system(void **state)
{
	static const char *const dirs[] = { NULL, "", "/" };

	(void)state;
	for (size_t i = 0; i < N_ELEMS(dirs); i++) {
		struct kx_sysroot s;
		char buf[64];

		memset(&s, 'X', sizeof(s));
		assert_int_equal(kx_sysroot_init(&s, dirs[i]), 0);
		assert_string_equal(s.root, "");
		assert_string_equal(kx_sysroot_path(&s, "/proc/iomem", buf, sizeof(buf)), "/proc/iomem");
	}
}

static void init_with_a_directory_prefixes_every_path(void **state)
{
	struct kx_sysroot s;
	char buf[PATH_MAX], want[PATH_MAX * 2];

	(void)state;
	assert_int_equal(kx_sysroot_init(&s, tmpdir), 0);
	assert_string_equal(s.root, tmpdir);
	snprintf(want, sizeof(want), "%s/proc/vmcore", tmpdir);
	assert_string_equal(kx_sysroot_path(&s, "/proc/vmcore", buf, sizeof(buf)), want);
}

static void init_strips_trailing_slashes(void **state)
{
	struct kx_sysroot s;
	char dir[PATH_MAX * 2], buf[PATH_MAX], want[PATH_MAX * 2];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/", tmpdir);
	assert_int_equal(kx_sysroot_init(&s, dir), 0);
	assert_string_equal(s.root, tmpdir);

	snprintf(dir, sizeof(dir), "%s///", tmpdir);
	assert_int_equal(kx_sysroot_init(&s, dir), 0);
	assert_string_equal(s.root, tmpdir);
	snprintf(want, sizeof(want), "%s/sys/kernel/kexec_crash_size", tmpdir);
	assert_string_equal(kx_sysroot_path(&s, "/sys/kernel/kexec_crash_size", buf, sizeof(buf)),
			    want);
}

static void init_rejects_a_file_a_missing_dir_and_a_too_long_name(void **state)
{
	struct kx_sysroot s;
	char path[PATH_MAX * 2];
	char *longname;

	(void)state;
	write_str("/proc/iomem", "00000000-00000fff : Reserved\n");
	snprintf(path, sizeof(path), "%s/proc/iomem", tmpdir);
	assert_int_equal(kx_sysroot_init(&s, path), -ENOTDIR);

	snprintf(path, sizeof(path), "%s/does-not-exist", tmpdir);
	assert_int_equal(kx_sysroot_init(&s, path), -ENOENT);

	longname = malloc(PATH_MAX + 1);
	assert_non_null(longname);
	memset(longname, 'a', PATH_MAX);
	longname[0] = '/';
	longname[PATH_MAX] = '\0';
	assert_int_equal(kx_sysroot_init(&s, longname), -ENAMETOOLONG);
	free(longname);
}

static void path_refuses_relative_paths_and_small_buffers(void **state)
{
	struct kx_sysroot s;
	char buf[16];

	(void)state;
	assert_int_equal(kx_sysroot_init(&s, NULL), 0);
	assert_null(kx_sysroot_path(&s, "proc/iomem", buf, sizeof(buf)));
	assert_null(kx_sysroot_path(&s, "", buf, sizeof(buf)));
	/* "/proc/iomem" is 11 bytes: 12 fit, 11 do not */
	assert_non_null(kx_sysroot_path(&s, "/proc/iomem", buf, 12));
	assert_string_equal(buf, "/proc/iomem");
	assert_null(kx_sysroot_path(&s, "/proc/iomem", buf, 11));
}

static void read_returns_exact_content_with_its_newline(void **state)
{
	struct kx_sysroot s;
	char buf[64];
	size_t len = 999;

	(void)state;
	write_str("/sys/kernel/vmcoreinfo", "1b2f3e000 1024\n");
	assert_int_equal(kx_sysroot_init(&s, tmpdir), 0);
	assert_int_equal(kx_sysroot_read(&s, "/sys/kernel/vmcoreinfo", buf, sizeof(buf), &len), 0);
	assert_string_equal(buf, "1b2f3e000 1024\n");
	assert_int_equal(len, 15);

	/* an empty file is an empty string; ret_len may be NULL */
	write_str("/sys/kernel/empty", "");
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kx_sysroot_read(&s, "/sys/kernel/empty", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "");
}

static void read_fills_the_buffer_exactly_or_reports_efbig(void **state)
{
	struct kx_sysroot s;
	char buf[8];
	size_t len = 999;

	(void)state;
	assert_int_equal(kx_sysroot_init(&s, tmpdir), 0);
	/* 7 bytes + NUL fit in 8 */
	write_str("/proc/seven", "1234567");
	assert_int_equal(kx_sysroot_read(&s, "/proc/seven", buf, sizeof(buf), &len), 0);
	assert_string_equal(buf, "1234567");
	assert_int_equal(len, 7);

	/* 8 bytes do not */
	len = 999;
	write_str("/proc/eight", "12345678");
	assert_int_equal(kx_sysroot_read(&s, "/proc/eight", buf, sizeof(buf), &len), -EFBIG);
	assert_int_equal(len, 999);

	assert_int_equal(kx_sysroot_read(&s, "/proc/seven", buf, 1, NULL), -EINVAL);
}

static void read_of_a_missing_file_is_enoent(void **state)
{
	struct kx_sysroot s;
	char buf[8];

	(void)state;
	assert_int_equal(kx_sysroot_init(&s, tmpdir), 0);
	assert_int_equal(kx_sysroot_read(&s, "/proc/nope", buf, sizeof(buf), NULL), -ENOENT);
	assert_int_equal(kx_sysroot_read(&s, "/nodir/nope", buf, sizeof(buf), NULL), -ENOENT);
}

static void read_u64_parses_one_number_in_the_given_base(void **state)
{
	static const struct {
		const char *content;
		int base;
		int ret;
		uint64_t value;
	} t[] = {
		{ "268435456\n", 10, 0, 268435456 },
		{ "0\n", 10, 0, 0 },
		{ "1b2f3e000\n", 16, 0, 0x1b2f3e000 },
		{ "0x1b2f3e000\n", 16, 0, 0x1b2f3e000 },
		{ "0x1000\n", 0, 0, 0x1000 },
		{ "4096", 0, 0, 4096 },
		{ "  42 \n\n", 10, 0, 42 },
		{ "\t7\t", 10, 0, 7 },
		{ "18446744073709551615\n", 10, 0, UINT64_MAX },
		{ "18446744073709551616\n", 10, -ERANGE, 0 },
		{ "1b2f3e000\n", 10, -EINVAL, 0 },
		{ "0x1000\n", 10, -EINVAL, 0 },
		{ "42abc\n", 10, -EINVAL, 0 },
		{ "1b2f3e000 1024\n", 16, -EINVAL, 0 },
		{ "-1\n", 10, -EINVAL, 0 },
		{ "+1\n", 10, -EINVAL, 0 },
		{ "", 10, -EINVAL, 0 },
		{ "\n", 10, -EINVAL, 0 },
		{ "zz\n", 16, -EINVAL, 0 },
	};
	struct kx_sysroot s;

	(void)state;
	assert_int_equal(kx_sysroot_init(&s, tmpdir), 0);
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		const uint64_t canary = UINT64_C(0xdeadbeefcafef00d);
		char got[128], want[128];
		uint64_t v = canary;
		int r;

		write_str("/sys/kernel/number", t[i].content);
		r = kx_sysroot_read_u64(&s, "/sys/kernel/number", t[i].base, &v);
		/* one string per case so that a failure names the content */
		snprintf(got, sizeof(got), "[%s] base %d -> %d %#llx", t[i].content, t[i].base, r,
			 (unsigned long long)v);
		snprintf(want, sizeof(want), "[%s] base %d -> %d %#llx", t[i].content, t[i].base,
			 t[i].ret, (unsigned long long)(t[i].ret == 0 ? t[i].value : canary));
		assert_string_equal(got, want);
	}
}

static void read_u64_passes_on_read_errors(void **state)
{
	struct kx_sysroot s;
	char big[100];
	uint64_t v = 5;

	(void)state;
	assert_int_equal(kx_sysroot_init(&s, tmpdir), 0);
	assert_int_equal(kx_sysroot_read_u64(&s, "/sys/kernel/missing", 10, &v), -ENOENT);
	/* a file far longer than any number */
	memset(big, '1', sizeof(big));
	write_file("/sys/kernel/big", big, sizeof(big));
	assert_int_equal(kx_sysroot_read_u64(&s, "/sys/kernel/big", 10, &v), -EFBIG);
	assert_int_equal(v, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_with_null_empty_or_slash_selects_the_running_system),
		cmocka_unit_test(init_with_a_directory_prefixes_every_path),
		cmocka_unit_test(init_strips_trailing_slashes),
		cmocka_unit_test(init_rejects_a_file_a_missing_dir_and_a_too_long_name),
		cmocka_unit_test(path_refuses_relative_paths_and_small_buffers),
		cmocka_unit_test(read_returns_exact_content_with_its_newline),
		cmocka_unit_test(read_fills_the_buffer_exactly_or_reports_efbig),
		cmocka_unit_test(read_of_a_missing_file_is_enoent),
		cmocka_unit_test(read_u64_parses_one_number_in_the_given_base),
		cmocka_unit_test(read_u64_passes_on_read_errors),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
