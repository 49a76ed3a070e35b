// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/child and lib/cli: running a program and waiting for it; the shared log and usage calls. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "child.h"
#include "cli.h"

static int sh(const char *script, enum kx_child_stderr err, const char *cwd, char *out,
	      size_t size)
{
	char *const argv[] = { (char *)"sh", (char *)"-c", (char *)script, NULL };

	return kx_child_run(&(struct kx_child){ .path = "/bin/sh", .argv = argv, .cwd = cwd,
						.err = err }, out, size);
}

static void exit_status_and_the_end_of_stderr(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(sh("echo one >&2; echo two >&2; exit 3", KX_CHILD_STDERR_CAPTURE, NULL,
			    out, sizeof(out)), 3);
	assert_string_equal(out, "one\ntwo\n");
	assert_int_equal(sh("exit 0", KX_CHILD_STDERR_CAPTURE, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* more than fits: the last bytes are kept */
	assert_int_equal(sh("i=0; while [ $i -lt 100 ]; do echo line$i >&2; i=$((i+1)); done; "
			    "echo last >&2", KX_CHILD_STDERR_CAPTURE, NULL, out, sizeof(out)), 0);
	assert_true(strlen(out) < sizeof(out));
	assert_non_null(strstr(out, "line99\nlast\n"));
}

static void a_signal_is_128_plus_its_number(void **state)
{
	(void)state;
	assert_int_equal(sh("kill -TERM $$", KX_CHILD_STDERR_NULL, NULL, NULL, 0), 128 + 15);
}

static void cwd_and_environment_reach_the_child(void **state)
{
	const char *env[] = { "KX_CHILD_TEST=forty-two", NULL };
	char *const argv[] = { (char *)"sh", (char *)"-c",
			       (char *)"echo \"$(pwd) $KX_CHILD_TEST\" >&2", NULL };
	char out[128];

	(void)state;
	assert_int_equal(kx_child_run(&(struct kx_child){ .path = "sh", .search = true,
							  .argv = argv, .cwd = "/",
							  .env = env,
							  .err = KX_CHILD_STDERR_CAPTURE },
				      out, sizeof(out)), 0);
	assert_string_equal(out, "/ forty-two\n");
	assert_null(getenv("KX_CHILD_TEST"));
}

static void a_missing_directory_is_126_and_a_missing_program_127(void **state)
{
	char *const argv[] = { (char *)"x", NULL };
	char out[256];

	(void)state;
	assert_int_equal(sh("exit 0", KX_CHILD_STDERR_CAPTURE, "/nonexistent-kx", out,
			    sizeof(out)), 126);
	assert_non_null(strstr(out, "cannot enter the working directory /nonexistent-kx"));
	assert_int_equal(kx_child_run(&(struct kx_child){ .path = "/nonexistent-kx/prog",
							  .argv = argv,
							  .err = KX_CHILD_STDERR_CAPTURE },
				      out, sizeof(out)), 127);
	assert_non_null(strstr(out, "cannot run /nonexistent-kx/prog"));
}

static void waiting_for_no_child_is_an_error_not_a_status(void **state)
{
	(void)state;
	assert_int_equal(kx_child_wait(1), -ECHILD);
}

static void a_detached_child_is_not_waited_for(void **state)
{
	char *const argv[] = { (char *)"sh", (char *)"-c", (char *)"sleep 5", NULL };

	(void)state;
	/* returns at once with 0 although the program runs on for seconds */
	assert_int_equal(kx_child_run(&(struct kx_child){ .path = "/bin/sh", .argv = argv,
							  .err = KX_CHILD_STDERR_NULL,
							  .detach = true }, NULL, 0), 0);
}

/* stderr of the calls below, read back from a temporary file */
static char *stderr_of(void (*fn)(void))
{
	static char buf[512];
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

static int usage_ret;
static void call_usage(void)
{
	usage_ret = kx_usage_error("unknown option '%s'", "--x");
}

static int errno_ret, errno_after;
static void call_log_errno(void)
{
	errno = EPERM;
	errno_ret = kx_log_errno(LOG_ERR, -ENOENT, "cannot open %s", "f");
	errno_after = errno;
}

static void call_levels(void)
{
	kx_warn("w %d", 1);
	kx_debug("hidden");
	kx_log_set_debug(true);
	kx_debug("shown");
	kx_log_set_debug(false);
}

static void usage_errors_and_log_lines_read_as_every_tool_prints_them(void **state)
{
	(void)state;
	kx_cli_init("kx-test");
	assert_string_equal(stderr_of(call_usage), "kx-test: unknown option '--x'\n"
			    "Try 'kx-test --help' for more information.\n");
	assert_int_equal(usage_ret, KX_EXIT_USAGE);
	/* the error it was given comes back, errno as it was before the call */
	assert_string_equal(stderr_of(call_log_errno),
			    "kx-test: cannot open f: No such file or directory\n");
	assert_int_equal(errno_ret, -ENOENT);
	assert_int_equal(errno_after, EPERM);
	assert_string_equal(stderr_of(call_levels), "kx-test: warning: w 1\nkx-test: shown\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_status_and_the_end_of_stderr),
		cmocka_unit_test(a_signal_is_128_plus_its_number),
		cmocka_unit_test(cwd_and_environment_reach_the_child),
		cmocka_unit_test(a_missing_directory_is_126_and_a_missing_program_127),
		cmocka_unit_test(waiting_for_no_child_is_an_error_not_a_status),
		cmocka_unit_test(a_detached_child_is_not_waited_for),
		cmocka_unit_test(usage_errors_and_log_lines_read_as_every_tool_prints_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
