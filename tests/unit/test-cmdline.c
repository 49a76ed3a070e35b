// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/cmdline: --reuse-cmdline and --append as the kernel splits parameters. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void reuse_drops_boot_image_and_for_crash_every_crashkernel(void **state)
{
	static const struct {
		const char *in;
		bool crash;
		const char *out;
	} t[] = {
		{ "BOOT_IMAGE=/vmlinuz-6.12 root=/dev/sda1 ro crashkernel=256M quiet\n", true,
		  "root=/dev/sda1 ro quiet" },
		{ "BOOT_IMAGE=/vmlinuz-6.12 root=/dev/sda1 ro crashkernel=256M quiet\n", false,
		  "root=/dev/sda1 ro crashkernel=256M quiet" },
		/* every variant, wherever it is */
		{ "crashkernel=1G-4G:192M,4G-:256M a crashkernel=512M,high crashkernel=128M,low b",
		  true, "a b" },
		/* names that only start alike stay */
		{ "crashkernelx=1 BOOT_IMAGEY=2 crashkernel", true, "crashkernelx=1 BOOT_IMAGEY=2" },
		/* quoted values keep their spaces and quotes */
		{ "dyndbg=\"file x.c +p\" \"crashkernel=256M\" BOOT_IMAGE=\"/b c\"  x", true,
		  "dyndbg=\"file x.c +p\" x" },
		/* after "--" the parameters are init's and stay as they are */
		{ "root=x crashkernel=1G -- single crashkernel=2G", true, "root=x -- single crashkernel=2G" },
		{ "  \t ", true, "" },
		{ "", true, "" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char *out = NULL;

		assert_int_equal(kx_cmdline_reuse(t[i].in, t[i].crash, &out, NULL), 0);
		assert_string_equal(out, t[i].out);
		free(out);
	}
}

static void join_skips_empty_parts_and_keeps_order(void **state)
{
	const char *parts[] = { "root=/dev/sda1 ro", NULL, "", "irqpoll", "nr_cpus=1" };
	char *out = NULL;

	(void)state;
	assert_int_equal(kx_cmdline_join(parts, N_ELEMS(parts), &out, NULL), 0);
	assert_string_equal(out, "root=/dev/sda1 ro irqpoll nr_cpus=1");
	free(out);
	assert_int_equal(kx_cmdline_join(parts, 0, &out, NULL), 0);
	assert_string_equal(out, "");
	free(out);
}

static void join_refuses_absurd_lengths(void **state)
{
	char *big = malloc(KX_CMDLINE_MAX + 2), *out = NULL;
	const char *parts[2];
	struct kx_err e;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', KX_CMDLINE_MAX);
	big[KX_CMDLINE_MAX] = '\0';
	parts[0] = big;
	assert_int_equal(kx_cmdline_join(parts, 1, &out, NULL), 0);
	free(out);
	parts[1] = "y";
	kx_err_clear(&e);
	assert_int_equal(kx_cmdline_join(parts, 2, &out, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "longer than"));
	memset(big, 'x', KX_CMDLINE_MAX + 1);
	big[KX_CMDLINE_MAX + 1] = '\0';
	assert_int_equal(kx_cmdline_reuse(big, true, &out, NULL), -E2BIG);
	free(big);
}

static void has_param_matches_names_not_prefixes(void **state)
{
	(void)state;
	assert_true(kx_cmdline_has_param("a crashkernel=256M b", "crashkernel"));
	assert_true(kx_cmdline_has_param("\"crashkernel=1G\"", "crashkernel"));
	assert_true(kx_cmdline_has_param("quiet", "quiet"));
	assert_false(kx_cmdline_has_param("crashkernelfoo=1", "crashkernel"));
	assert_false(kx_cmdline_has_param("a -- crashkernel=1G", "crashkernel"));
	assert_false(kx_cmdline_has_param("", "crashkernel"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reuse_drops_boot_image_and_for_crash_every_crashkernel),
		cmocka_unit_test(join_skips_empty_parts_and_keeps_order),
		cmocka_unit_test(join_refuses_absurd_lengths),
		cmocka_unit_test(has_param_matches_names_not_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
