// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/s390: which files the loader takes as an s390x kernel image, and the kernel's
 * kexec_file_load layout of a crash load (back to back from the start of the crash range, no
 * elfcorehdr).
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch.h"
#include "s390/s390.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static unsigned char head[KX_FILE_HEAD];

static void takes_any_image_but_another_architectures_kernel(void **state)
{
	static const struct {
		size_t off;
		const char *bytes;
		size_t n;
		int rc;
		const char *msg;
	} t[] = {
		{ 0, "\x1f\x8b", 2, -ENOEXEC, "gzip" },
		{ 0, "\x7f" "ELF\x02\x01\x01", 7, -ENOEXEC, "another machine than s390" },
		{ 0x38, "ARM\x64", 4, -ENOEXEC, "arm64 Image" },
		{ 0x202, "HdrS", 4, -ENOEXEC, "x86 bzImage" },
		{ 0, "\x7f" "ELF\x02\x02\x01", 7, 0, NULL },    /* ELF64 BE, e_machine below */
		{ 0, "\x00\x08\x00\x00\x80\x01", 6, 0, NULL },   /* a raw image: a PSW */
	};
	struct kx_file f = { .path = "image", .size = 0x1000123, .head = head,
			     .head_len = sizeof(head) };

	(void)state;
	assert_int_equal(kx_arch_machine(&kx_arch_s390)->em, EM_S390);
	assert_int_equal(kx_arch_s390.kexec_arch, 0x160000);
	assert_true(kx_arch_machine(&kx_arch_s390)->big_endian);
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_image_info info;
		struct kx_err e;

		memset(head, 0, sizeof(head));
		memcpy(head + t[i].off, t[i].bytes, t[i].n);
		head[19] = EM_S390;                     /* e_machine of a BE ELF */
		if (i == 1)
			head[18] = EM_X86_64, head[19] = 0;
		kx_err_clear(&e);
		assert_int_equal(kx_arch_s390.probe_image(&f, NULL, &info, &e), t[i].rc);
		if (t[i].msg && !strstr(e.msg, t[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].msg);
		if (!t[i].rc)
			assert_int_equal(info.load_memsz, 0x1000123);
	}
}

static void a_crash_load_goes_back_to_back_from_the_crash_base(void **state)
{
	struct kx_image_info img = { .type = "image", .load_bufsz = 0x1000123,
				     .load_memsz = 0x1000123 };
	struct kx_load_request req = { .crash = true, .image = &img, .has_initrd = true,
				       .initrd_size = 0x800001, .elfcorehdr_memsz = 0x10000 };
	struct kx_segments s;

	(void)state;
	assert_int_equal(kx_arch_s390.file_load_layout(&req, 0x10000000, 0x1fffffff, &s), 0);
	assert_int_equal(s.n, 4);                       /* no elfcorehdr on s390 */
	assert_string_equal(s.seg[0].name, "kernel");
	assert_int_equal(s.seg[0].mem, 0x10000000);
	assert_string_equal(s.seg[1].name, "initrd");
	assert_int_equal(s.seg[1].mem, 0x11001000);     /* the kernel rounded up to a page */
	assert_string_equal(s.seg[2].name, "purgatory");
	assert_int_equal(s.seg[2].mem, 0x11802000);
	assert_string_equal(s.seg[3].name, "ipl_report");
	assert_int_equal(s.seg[3].mem, 0x11806000);
	/* a crash range smaller than the kernel */
	assert_int_equal(kx_arch_s390.file_load_layout(&req, 0x10000000, 0x10ffffff, &s),
			 -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(takes_any_image_but_another_architectures_kernel),
		cmocka_unit_test(a_crash_load_goes_back_to_back_from_the_crash_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
