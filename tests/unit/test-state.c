// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/state: the record of the crash load — text round trip, hostile records, files, lock. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "state.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char *argv_odd[] = {
	"/usr/sbin/kexec", "-p", "--append=root=/dev/sda1 dyndbg=\"file a\\b.c +p\"",
	"--initrd=/boot/in\nitrd \x01\xff", "", "/boot/vmlinuz", NULL,
};

static struct kx_crash_record sample(void)
{
	struct kx_crash_record r = {
		.time = 1732147200, .flags = 0x2, .kernel = "/boot/vmlinuz",
		.initrd = "/boot/in\nitrd \x01\xff", .cmdline = "root=/dev/sda1 \\ x",
		.cwd = "/root", .argv = argv_odd, .argc = 6,
	};

	strcpy(r.syscall, "kexec_file_load");
	return r;
}

static void a_record_survives_format_and_parse(void **state)
{
	struct kx_crash_record in = sample(), out;
	char *text = NULL;

	(void)state;
	assert_int_equal(kx_crash_record_format(&in, &text, NULL), 0);
	/* one line per key: the newline inside a value is escaped */
	assert_non_null(strstr(text, "initrd /boot/in\\x0aitrd \\x01\\xff\n"));
	assert_non_null(strstr(text, "cmdline root=/dev/sda1 \\\\ x\n"));
	assert_int_equal(kx_crash_record_parse(text, strlen(text), &out, NULL), 0);
	assert_int_equal(out.time, in.time);
	assert_string_equal(out.syscall, "kexec_file_load");
	assert_int_equal(out.flags, 2);
	assert_string_equal(out.kernel, in.kernel);
	assert_string_equal(out.initrd, in.initrd);
	assert_string_equal(out.cmdline, in.cmdline);
	assert_string_equal(out.cwd, "/root");
	assert_int_equal(out.argc, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(out.argv[i], argv_odd[i]);
	assert_null(out.argv[6]);
	kx_crash_record_free(&out);
	free(text);
}

static void hostile_records_are_refused(void **state)
{
	static const struct {
		const char *text;
		int ret;
		const char *msg;
	} t[] = {
		{ "syscall kexec_file_load\nkernel /k\ncmdline x\n", -EBADMSG, "incomplete" },
		{ "version 2\nsyscall s\nkernel /k\ncmdline x\n", -EPROTONOSUPPORT, "version is not 1" },
		{ "version 1\nsyscall s\nkernel /k\\q\ncmdline x\n", -EBADMSG, "line 3" },
		{ "version 1\nsyscall s\nkernel /k\\x00\ncmdline x\n", -EBADMSG, "line 3" },
		{ "version 1\nsyscall s\nkernel /k\\x4\ncmdline x\n", -EBADMSG, "line 3" },
		{ "version 1\ntime soon\nsyscall s\nkernel /k\ncmdline x\n", -EBADMSG, "line 2" },
		{ "version 1\nflags 0x2z\nsyscall s\nkernel /k\ncmdline x\n", -EBADMSG, "line 2" },
		{ "version 1\nsyscall 0123456789012345678901234567890123456789\nkernel /k\ncmdline x\n",
		  -EBADMSG, "line 2" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_crash_record out;
		struct kx_err e;

		kx_err_clear(&e);
		assert_int_equal(kx_crash_record_parse(t[i].text, strlen(t[i].text), &out, &e),
				 t[i].ret);
		if (!strstr(e.msg, t[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].msg);
	}
}

static void unknown_keys_and_comments_are_ignored(void **state)
{
	static const char text[] = "# c\nversion 1\nfuture thing\nsyscall kexec_load\n\nkernel /k\n"
				   "cmdline \ncwd /\n";
	struct kx_crash_record out;

	(void)state;
	assert_int_equal(kx_crash_record_parse(text, strlen(text), &out, NULL), 0);
	assert_string_equal(out.syscall, "kexec_load");
	assert_string_equal(out.cmdline, "");
	assert_null(out.initrd);
	assert_int_equal(out.argc, 0);
	kx_crash_record_free(&out);
}

static void the_hotplug_mode_round_trips_and_old_records_read_as_unknown(void **state)
{
	static const enum kx_hotplug_mode modes[] = {
		KX_HOTPLUG_KERNEL, KX_HOTPLUG_FALLBACK, KX_HOTPLUG_NONE,
	};
	static const char *const lines[] = { "hotplug kernel\n", "hotplug fallback\n",
					     "hotplug none\n" };
	static const char old[] = "version 1\nsyscall kexec_load\nkernel /k\ncmdline x\n";
	struct kx_crash_record in = sample(), out;
	char *text = NULL;

	(void)state;
	for (size_t i = 0; i < N_ELEMS(modes); i++) {
		in.hotplug = modes[i];
		assert_int_equal(kx_crash_record_format(&in, &text, NULL), 0);
		assert_non_null(strstr(text, lines[i]));
		assert_int_equal(kx_crash_record_parse(text, strlen(text), &out, NULL), 0);
		assert_int_equal(out.hotplug, modes[i]);
		kx_crash_record_free(&out);
		free(text);
	}
	/* unknown is never written: the record stays as an older loader wrote it */
	in.hotplug = KX_HOTPLUG_UNKNOWN;
	assert_int_equal(kx_crash_record_format(&in, &text, NULL), 0);
	assert_null(strstr(text, "hotplug"));
	free(text);
	assert_int_equal(kx_crash_record_parse(old, strlen(old), &out, NULL), 0);
	assert_int_equal(out.hotplug, KX_HOTPLUG_UNKNOWN);
	assert_string_equal(kx_hotplug_mode_name(out.hotplug), "unknown");
	kx_crash_record_free(&out);
}

static void a_hotplug_mode_the_loader_never_writes_is_refused(void **state)
{
	static const char *const bad[] = { "unknown", "Kernel", "kernel ", "", "udev" };
	char text[256];

	(void)state;
	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		struct kx_crash_record out;
		struct kx_err e;

		snprintf(text, sizeof(text), "version 1\nsyscall s\nkernel /k\nhotplug %s\ncmdline x\n",
			 bad[i]);
		kx_err_clear(&e);
		assert_int_equal(kx_crash_record_parse(text, strlen(text), &out, &e), -EBADMSG);
		if (!strstr(e.msg, "line 4"))
			fail_msg("\"%s\": \"%s\" lacks the line", bad[i], e.msg);
	}
}

static void write_read_remove_in_a_directory(void **state)
{
	char dir[] = "/tmp/kx-state.XXXXXX", path[256], lockpath[300];
	struct kx_crash_record in = sample(), out;
	struct stat st;
	struct kx_err e;
	int fd, fd2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	kx_err_clear(&e);
	assert_int_equal(kx_state_read(path, &out, &e), -ENOENT);
	/* the lock creates the directory */
	assert_int_equal(kx_state_lock(path, &fd, NULL), 0);
	snprintf(lockpath, sizeof(lockpath), "%s/lock", path);
	fd2 = open(lockpath, O_RDONLY);
	assert_true(fd2 >= 0);
	assert_int_equal(flock(fd2, LOCK_EX | LOCK_NB), -1);     /* held */
	assert_int_equal(kx_state_write(path, &in, NULL), 0);
	assert_int_equal(kx_state_write(path, &in, NULL), 0);     /* replaces */
	assert_int_equal(kx_state_read(path, &out, NULL), 0);
	assert_string_equal(out.initrd, in.initrd);
	kx_crash_record_free(&out);
	snprintf(path, sizeof(path), "%s/sub/%s", dir, KX_STATE_RECORD);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	close(fd);
	assert_int_equal(flock(fd2, LOCK_EX | LOCK_NB), 0);      /* released */
	close(fd2);
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(kx_state_remove(path, NULL), 0);
	assert_int_equal(kx_state_remove(path, NULL), 0);         /* nothing to remove is fine */
	assert_int_equal(kx_state_read(path, &out, NULL), -ENOENT);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void state_dir_comes_from_the_environment(void **state)
{
	(void)state;
	unsetenv("KEXEC_STATE_DIR");
	assert_string_equal(kx_state_dir(), "/run/kexec");
	setenv("KEXEC_STATE_DIR", "", 1);
	assert_string_equal(kx_state_dir(), "/run/kexec");
	setenv("KEXEC_STATE_DIR", "/tmp/x", 1);
	assert_string_equal(kx_state_dir(), "/tmp/x");
	unsetenv("KEXEC_STATE_DIR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_record_survives_format_and_parse),
		cmocka_unit_test(hostile_records_are_refused),
		cmocka_unit_test(unknown_keys_and_comments_are_ignored),
		cmocka_unit_test(the_hotplug_mode_round_trips_and_old_records_read_as_unknown),
		cmocka_unit_test(a_hotplug_mode_the_loader_never_writes_is_refused),
		cmocka_unit_test(write_read_remove_in_a_directory),
		cmocka_unit_test(state_dir_comes_from_the_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
