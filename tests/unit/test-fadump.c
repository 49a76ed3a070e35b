// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/fadump: /sys/kernel/fadump/ read through a sysroot, the checks before a registration, when
 * an old kernel needs unregistering first, and the sentences for failed writes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fadump.h"

#define U KX_TRI_UNKNOWN

static void put(const char *root, const char *path, const char *text)
{
	char full[512], cmd[1100];
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", full);
	assert_int_equal(system(cmd), 0);
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void the_state_is_read_through_the_sysroot(void **state)
{
	char dir[] = "/tmp/kx-fadump.XXXXXX", cmd[64];
	struct kx_fadump_state st;
	struct kx_sysroot s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(kx_sysroot_init(&s, dir), 0);
	kx_fadump_read(&s, &st);
	assert_false(st.present);
	assert_int_equal(st.enabled, U);
	assert_int_equal(st.registered, U);
	assert_false(st.has_bootargs_append);

	put(dir, "/sys/kernel/fadump/enabled", "1\n");
	put(dir, "/sys/kernel/fadump/registered", "0\n");
	put(dir, "/sys/kernel/fadump/mem_reserved", "4294967296\n");
	put(dir, "/sys/kernel/fadump/bootargs_append", "nr_cpus=16 numa=off\n");
	kx_fadump_read(&s, &st);
	assert_true(st.present);
	assert_int_equal(st.enabled, 1);
	assert_int_equal(st.registered, 0);
	assert_int_equal(st.hotplug_ready, U);          /* before 6.10 */
	assert_true(st.has_mem_reserved);
	assert_int_equal(st.mem_reserved, UINT64_C(4294967296));
	assert_true(st.has_bootargs_append);
	assert_string_equal(st.bootargs_append, "nr_cpus=16 numa=off");   /* newline dropped */
	assert_false(st.dump_active);

	put(dir, "/sys/kernel/fadump/hotplug_ready", "1\n");
	put(dir, "/sys/kernel/fadump/release_mem", "");
	put(dir, "/sys/kernel/fadump/registered", "garbage\n");
	kx_fadump_read(&s, &st);
	assert_int_equal(st.hotplug_ready, 1);
	assert_int_equal(st.registered, U);
	assert_true(st.dump_active);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void a_registration_is_checked_before_anything_is_written(void **state)
{
	struct kx_fadump_state ok = {
		.present = true, .enabled = 1, .registered = 0, .hotplug_ready = 1,
		.has_bootargs_append = true,
	};
	static char long_append[KX_FADUMP_CMDLINE_SIZE + 1];
	static const struct {
		const char *name;
		struct kx_fadump_state st;
		const char *append;
		size_t running;
		int code;
		const char *says;
	} t[] = {
		{ "no fadump", { .enabled = U, .registered = U }, NULL, 0, -ENODEV,
		  "/sys/kernel/fadump/ is missing" },
		{ "not enabled", { .present = true, .enabled = 0 }, NULL, 0, -EPERM,
		  "boot with fadump=on" },
		{ "dump held", { .present = true, .enabled = 1, .dump_active = true }, NULL, 0,
		  -EPERM, "write 1 to /sys/kernel/fadump/release_mem" },
		{ "append without bootargs_append", { .present = true, .enabled = 1 }, "nr_cpus=1",
		  0, -ENOTSUP, "drop --append" },
		{ "append and command line too long together",
		  { .present = true, .enabled = 1, .has_bootargs_append = true },
		  "nr_cpus=1", 2039, -ENOSPC, "together they must stay below 2048" },
		{ "append just fits", { .present = true, .enabled = 1, .has_bootargs_append = true },
		  "nr_cpus=1", 2038, 0, NULL },
	};
	struct kx_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		kx_err_clear(&e);
		print_message("%s\n", t[i].name);
		assert_int_equal(kx_fadump_check_register(&t[i].st, t[i].append, t[i].running, &e),
				 t[i].code);
		if (t[i].says)
			assert_non_null(strstr(e.msg, t[i].says));
	}
	/* without --append bootargs_append is not needed; registered or not, register again */
	kx_err_clear(&e);
	ok.has_bootargs_append = false;
	assert_int_equal(kx_fadump_check_register(&ok, NULL, 2000, &e), 0);
	ok.registered = 1;
	assert_int_equal(kx_fadump_check_register(&ok, NULL, 0, &e), 0);
	ok.has_bootargs_append = true;
	memset(long_append, 'x', KX_FADUMP_CMDLINE_SIZE);
	assert_int_equal(kx_fadump_check_register(&ok, long_append, 0, &e), -E2BIG);
	long_append[KX_FADUMP_CMDLINE_SIZE - 1] = '\0';         /* 2047 bytes: the kernel's limit */
	kx_err_clear(&e);
	assert_int_equal(kx_fadump_check_register(&ok, long_append, 0, &e), 0);
	/* unregistering needs the same: enabled, no dump held */
	assert_int_equal(kx_fadump_check_unregister(&ok, &e), 0);
	ok.enabled = 0;
	assert_int_equal(kx_fadump_check_unregister(&ok, &e), -EPERM);
}

static void only_an_old_kernel_with_a_registered_dump_unregisters_first(void **state)
{
	struct kx_fadump_state reg = { .present = true, .enabled = 1, .registered = 1 };
	struct kx_fadump_state unreg = { .present = true, .enabled = 1, .registered = 0 };

	(void)state;
	assert_true(kx_fadump_needs_unregister_first(EEXIST, &reg));
	assert_true(kx_fadump_needs_unregister_first(EINVAL, &reg));
	assert_false(kx_fadump_needs_unregister_first(EIO, &reg));
	assert_false(kx_fadump_needs_unregister_first(EPERM, &reg));
	/* EEXIST when nothing was registered comes from the firmware: no retry loop */
	assert_false(kx_fadump_needs_unregister_first(EEXIST, &unreg));
}

static void failed_writes_name_the_cause_and_the_fix(void **state)
{
	static const struct {
		const char *file, *value;
		int errnum;
		const char *says;
	} t[] = {
		{ "registered", "1", EPERM, "writing 1 to /sys/kernel/fadump/registered failed "
		  "(EPERM): fadump is not enabled" },
		{ "registered", "1", ENODEV, "(ENODEV): no memory is reserved" },
		{ "registered", "1", EIO, "(EIO): the firmware rejected the registration" },
		{ "registered", "1", EEXIST, "unregister with kexec -u -p --fadump" },
		{ "bootargs_append", "nr_cpus=1", EINVAL, "writing \"nr_cpus=1\" to "
		  "/sys/kernel/fadump/bootargs_append failed (EINVAL): the parameters are longer" },
		{ "bootargs_append", "nr_cpus=1", ENOSPC, "(ENOSPC): with this kernel's command line" },
	};
	char buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		kx_fadump_explain(t[i].file, t[i].value, t[i].errnum, buf, sizeof(buf));
		if (!strstr(buf, t[i].says))
			fail_msg("%s lacks \"%s\"", buf, t[i].says);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_state_is_read_through_the_sysroot),
		cmocka_unit_test(a_registration_is_checked_before_anything_is_written),
		cmocka_unit_test(only_an_old_kernel_with_a_registered_dump_unregisters_first),
		cmocka_unit_test(failed_writes_name_the_cause_and_the_fix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
