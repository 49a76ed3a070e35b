// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/fileio: reading a file whole into a growing buffer (sizes around every doubling and the
 * cap), full preads, and kx_read_small_file's refusals (a FIFO without blocking, a symbolic
 * link, a file another user could have written, a file larger than asked); lib/fileout's
 * temporary files: unnamed until committed, so a killed writer leaves nothing; named ones (file
 * systems without O_TMPFILE) under names nobody can plant ahead, removed on SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fileio.h"
#include "fileout.h"

static char dir[] = "/tmp/kx-test-fileio.XXXXXX";

/*
 * getrandom, wrapped at link time (-Wl,--wrap=getrandom, this binary only): with fixed_random
 * set, every call returns the same bytes, so one planted file takes every "random" name.
 */
ssize_t __real_getrandom(void *buf, size_t len, unsigned flags);
ssize_t __wrap_getrandom(void *buf, size_t len, unsigned flags);
static bool fixed_random;

ssize_t __wrap_getrandom(void *buf, size_t len, unsigned flags)
{
	if (!fixed_random)
		return __real_getrandom(buf, len, flags);
	memset(buf, 0x5a, len);
	return (ssize_t)len;
}

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
	assert_int_equal(kx_atomic_open_named(dfd, "t", false, &a, NULL), 0);
	assert_int_equal(kx_atomic_open_named(dfd, "t", false, &b, NULL), 0);
	assert_string_not_equal(a.tmpname, b.tmpname);
	assert_int_equal(strlen(a.tmpname), strlen(".kexec-ext.") + 16 + strlen(".tmp"));
	assert_int_equal(sscanf(a.tmpname, ".kexec-ext.%16llx%7s", &x, tail), 2);
	assert_string_equal(tail, ".tmp");
	kx_atomic_abort(&a);
	kx_atomic_abort(&b);
	close(dfd);
}

/* Entries in the test directory other than . and .. (the first one's name in first). */
static int entries(char *first, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && n++ == 0 && first)
			snprintf(first, size, "%s", de->d_name);
	closedir(d);
	return n;
}

static void empty_dir(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "find '%s' -mindepth 1 -delete", dir);
	assert_int_equal(system(cmd), 0);
}

static void read_back(const char *name, const char *want)
{
	char path[128], got[64] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, got, sizeof(got) - 1), (ssize_t)strlen(want));
	assert_string_equal(got, want);
	close(fd);
}

static void an_unnamed_file_appears_only_when_committed(void **state)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	struct kx_atomic a;
	struct kx_err e;
	char name[NAME_MAX + 1];

	(void)state;
	empty_dir();
	assert_int_equal(kx_atomic_open(dfd, "dump", false, &a, NULL), 0);
	assert_true(a.unnamed);        /* tmpfs and ext4 both have O_TMPFILE */
	assert_string_equal(a.tmpname, "");
	assert_int_equal(write(a.fd, "first", 5), 5);
	assert_int_equal(entries(NULL, 0), 0);
	assert_int_equal(kx_atomic_commit(&a, false, true, NULL), 0);
	assert_int_equal(entries(name, sizeof(name)), 1);
	assert_string_equal(name, "dump");
	read_back("dump", "first");

	/* never over an existing file unless asked, and nothing is left by the refusal */
	assert_int_equal(kx_atomic_open(dfd, "dump", true, &a, NULL), 0);
	assert_int_equal(write(a.fd, "second", 6), 6);
	kx_err_clear(&e);
	assert_int_equal(kx_atomic_commit(&a, false, false, &e), -EEXIST);
	assert_string_equal(e.msg, "dump already exists (use --force to replace it)");
	kx_atomic_abort(&a);
	assert_int_equal(entries(NULL, 0), 1);
	read_back("dump", "first");

	/* replaced when asked: linked aside, renamed over it, nothing else left */
	assert_int_equal(kx_atomic_open(dfd, "dump", true, &a, NULL), 0);
	assert_int_equal(write(a.fd, "second", 6), 6);
	assert_int_equal(kx_atomic_commit(&a, true, true, NULL), 0);
	assert_int_equal(entries(NULL, 0), 1);
	read_back("dump", "second");

	/* batched: kept open past close_batched (closing would free it), synced by syncfs */
	assert_int_equal(kx_atomic_open(dfd, "batched", false, &a, NULL), 0);
	assert_int_equal(write(a.fd, "third", 5), 5);
	assert_int_equal(kx_atomic_close_batched(&a, NULL), 0);
	assert_true(a.fd >= 0);
	assert_int_equal(kx_sync_fs(dfd, NULL), 0);
	assert_int_equal(kx_atomic_commit(&a, false, false, NULL), 0);
	assert_int_equal(a.fd, -1);
	read_back("batched", "third");
	close(dfd);
}

/* The one name fixed_random gives, planted: every attempt collides.  An I/O failure (exit 3), not
 * "NAME already exists" (which would tell the admin to use --force, and --force was given). */
static void every_random_name_taken_is_an_io_error_not_exists(void **state)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	struct kx_atomic a;
	struct kx_err e;

	(void)state;
	empty_dir();
	put(".kexec-ext.5a5a5a5a5a5a5a5a.tmp", 1, 0600);
	put("dump", 1, 0600);
	fixed_random = true;

	/* unnamed (O_TMPFILE), replacing: linked aside under a random name, which is taken */
	assert_int_equal(kx_atomic_open(dfd, "dump", true, &a, NULL), 0);
	assert_true(a.unnamed);
	kx_err_clear(&e);
	assert_int_equal(kx_atomic_commit(&a, true, false, &e), -EIO);
	assert_string_equal(e.msg, "cannot commit dump: 100 random temporary names were all taken");
	kx_atomic_abort(&a);

	/* named (file systems without O_TMPFILE): the temporary file itself cannot be created */
	kx_err_clear(&e);
	assert_int_equal(kx_atomic_open_named(dfd, "dump", true, &a, &e), -EIO);
	assert_string_equal(e.msg, "cannot create a temporary file for dump: 100 random names were "
			    "all taken");
	fixed_random = false;
	/* nothing replaced, nothing left: the planted name and the old dump */
	assert_int_equal(entries(NULL, 0), 2);
	read_back("dump", "a");
	close(dfd);
}

/* A child that opens a temporary file for "dump", writes, and is ended by sig. */
static void killed_writer(bool named, int sig)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		struct kx_atomic a;

		kx_atomic_cleanup_on_signals();
		if ((named ? kx_atomic_open_named : kx_atomic_open)(dfd, "dump", false, &a, NULL) < 0 ||
		    write(a.fd, "partial", 7) != 7)
			_exit(3);
		raise(sig);
		_exit(4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
}

static void a_killed_writer_leaves_no_temporary_file(void **state)
{
	char name[NAME_MAX + 1] = "";

	(void)state;
	empty_dir();
	killed_writer(false, SIGKILL);          /* unnamed: nothing to remove */
	assert_int_equal(entries(name, sizeof(name)), 0);
	killed_writer(true, SIGTERM);           /* named: removed by the handler, then the signal */
	assert_int_equal(entries(name, sizeof(name)), 0);
	killed_writer(true, SIGINT);
	assert_int_equal(entries(name, sizeof(name)), 0);
	killed_writer(true, SIGKILL);           /* what no handler can catch: why unnamed is first */
	assert_int_equal(entries(name, sizeof(name)), 1);
	assert_int_equal(strncmp(name, ".kexec-ext.", 11), 0);
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
		cmocka_unit_test(an_unnamed_file_appears_only_when_committed),
		cmocka_unit_test(every_random_name_taken_is_an_io_error_not_exists),
		cmocka_unit_test(a_killed_writer_leaves_no_temporary_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
