// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/fileio: reading a file whole into a growing buffer (sizes around every doubling and the
 * cap), full preads, and kx_read_small_file's refusals (a FIFO without blocking, a symbolic
 * link, a file another user could have written, a file larger than asked); lib/fileout's
 * temporary names, which nobody can plant ahead.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "fileio.h"
#include "fileout.h"

static char dir[] = "/tmp/kx-test-fileio.XXXXXX";

static void put(const char *name, size_t n, mode_t mode)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++) {
		char c = (char)('a' + i % 26);

		assert_int_equal(write(fd, &c, 1), 1);
	}
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int open_in(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDONLY);
}

static void a_file_is_read_whole_at_every_size_up_to_the_cap(void **state)
{
	static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 100000 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], len;
		char *buf;
		int fd;

		put("f", n, 0600);
		/* cap n: fits exactly; cap n - 1: one byte too many */
		fd = open_in("f");
		assert_int_equal(kx_read_fd_alloc(fd, n, &buf, &len), 0);
		close(fd);
		assert_int_equal(len, n);
		assert_int_equal(buf[len], '\0');
		for (size_t j = 0; j < n; j++)
			if (buf[j] != (char)('a' + j % 26))
				fail_msg("size %zu: byte %zu is %c", n, j, buf[j]);
		free(buf);
		if (n) {
			fd = open_in("f");
			assert_int_equal(kx_read_fd_alloc(fd, n - 1, &buf, &len), -EFBIG);
			close(fd);
		}
	}
}

static void pread_full_reads_to_the_end_of_the_file(void **state)
{
	char buf[32];
	int fd;

	(void)state;
	put("p", 10, 0600);
	fd = open_in("p");
	assert_int_equal(kx_pread_full(fd, buf, sizeof(buf), 0), 10);
	assert_int_equal(kx_pread_full(fd, buf, 4, 5), 4);
	assert_memory_equal(buf, "fghi", 4);
	assert_int_equal(kx_pread_full(fd, buf, 4, 8), 2);
	assert_int_equal(kx_pread_full(fd, buf, 4, 100), 0);
	close(fd);
	assert_int_equal(kx_pread_full(-1, buf, 4, 0), -EBADF);
}

static void small_file_refusals_name_the_file_and_the_rule(void **state)
{
	char path[128], *buf;
	struct kx_err e;
	size_t len;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(dfd >= 0);
	/* a FIFO: refused at once, not waited on for a writer */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	kx_err_clear(&e);
	assert_int_equal(kx_read_small_file(dfd, "fifo", "the fifo", 100, KX_READ_REGULAR, &buf,
					    &len, &e), -EINVAL);
	alarm(0);
	assert_string_equal(e.msg, "the fifo is not a regular file");

	put("big", 101, 0600);
	kx_err_clear(&e);
	assert_int_equal(kx_read_small_file(dfd, "big", NULL, 100, KX_READ_REGULAR, &buf, &len,
					    &e), -EFBIG);
	assert_string_equal(e.msg, "big is larger than 100 bytes");
	assert_int_equal(kx_read_small_file(dfd, "big", NULL, 101, KX_READ_REGULAR, &buf, &len,
					    NULL), 0);
	assert_int_equal(len, 101);
	free(buf);

	snprintf(path, sizeof(path), "%s/link", dir);
	assert_int_equal(symlink("big", path), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_read_small_file(dfd, "link", NULL, 1000, KX_READ_NOFOLLOW, &buf, &len,
					    &e), -ELOOP);

	put("open", 5, 0666);
	kx_err_clear(&e);
	assert_int_equal(kx_read_small_file(dfd, "open", NULL, 100, KX_READ_TRUSTED, &buf, &len,
					    &e), -EPERM);
	assert_non_null(strstr(e.msg, "writable by group or others (mode 0666)"));
	close(dfd);
}

static void temporary_names_are_random_and_unguessable(void **state)
{
	struct kx_atomic a, b;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	unsigned long long x;
	char tail[8];

	(void)state;
	assert_true(dfd >= 0);
	assert_int_equal(kx_atomic_open(dfd, "t", false, &a, NULL), 0);
	assert_int_equal(kx_atomic_open(dfd, "t", false, &b, NULL), 0);
	assert_string_not_equal(a.tmpname, b.tmpname);
	assert_int_equal(strlen(a.tmpname), strlen(".kexec-ext.") + 16 + strlen(".tmp"));
	assert_int_equal(sscanf(a.tmpname, ".kexec-ext.%16llx%7s", &x, tail), 2);
	assert_string_equal(tail, ".tmp");
	kx_atomic_abort(&a);
	kx_atomic_abort(&b);
	close(dfd);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_file_is_read_whole_at_every_size_up_to_the_cap),
		cmocka_unit_test(pread_full_reads_to_the_end_of_the_file),
		cmocka_unit_test(small_file_refusals_name_the_file_and_the_rule),
		cmocka_unit_test(temporary_names_are_random_and_unguessable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
