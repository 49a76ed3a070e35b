// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64: the bzImage setup header (what the kernel's bzImage64 probe accepts and refuses)
 * and the kexec_file_load layout of a crash load.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch.h"
#include "arm64/arm64.h"
#include "machine.h"
#include "ppc64/ppc64.h"
#include "s390/s390.h"
#include "x86_64/bzimage.h"
#include "x86_64/x86_64.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MiB (UINT64_C(1) << 20)

static void put(unsigned char *b, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

/* The header of Debian's vmlinuz-6.1.0-56-amd64 (see tests/fixtures/mk-bzimage.sh). */
static void debian_header(unsigned char *b, size_t len)
{
	memset(b, 0, len);
	put(b, 0x1f1, 39, 1);
	put(b, 0x1fe, 0xaa55, 2);
	memcpy(b + 0x202, "HdrS", 4);
	put(b, 0x206, 0x020f, 2);
	put(b, 0x20e, 0x42c0, 2);
	put(b, 0x211, 0x01, 1);
	put(b, 0x230, 0x200000, 4);
	put(b, 0x234, 1, 1);
	put(b, 0x236, 0x7f, 2);
	put(b, 0x238, 2047, 4);
	put(b, 0x258, 0x1000000, 8);
	put(b, 0x260, 0x3f98000, 4);
	memcpy(b + 0x44c0, "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP", 55);
}

static unsigned char head[KX_FILE_HEAD];

static void parses_a_debian_kernel_header(void **state)
{
	struct kx_bzimage b;

	(void)state;
	debian_header(head, sizeof(head));
	assert_int_equal(kx_bzimage_parse(head, sizeof(head), 8247232, &b, NULL), 0);
	assert_int_equal(b.setup_sects, 39);
	assert_int_equal(b.setup_size, 40 * 512);
	assert_int_equal(b.version, 0x020f);
	assert_int_equal(b.xloadflags, 0x7f);
	assert_int_equal(b.kernel_alignment, 0x200000);
	assert_int_equal(b.cmdline_size, 2047);
	assert_int_equal(b.pref_address, 0x1000000);
	assert_int_equal(b.init_size, 0x3f98000);
	assert_string_equal(b.version_string, "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP");
}

static void refuses_what_the_kernels_probe_refuses(void **state)
{
	static const struct {
		size_t off;
		uint64_t v;
		unsigned n;
		uint64_t file_size;
		const char *msg;
	} t[] = {
		{ 0, 0, 0, 1023, "shorter than the two sectors" },
		{ 0x202, 0, 4, 8247232, "no \"HdrS\"" },
		{ 0x1fe, 0x55aa, 2, 8247232, "0xAA55" },
		{ 0x206, 0x020b, 2, 8247232, "boot protocol 2.11 is older than 2.12" },
		{ 0x211, 0x00, 1, 8247232, "a zImage" },
		{ 0x236, 0x7e, 2, 8247232, "lacks XLF_KERNEL_64" },
		{ 0x236, 0x7d, 2, 8247232, "XLF_CAN_BE_LOADED_ABOVE_4G" },
		{ 0, 0, 0, 40 * 512, "truncated bzImage" },
		{ 0x230, 0x300000, 4, 8247232, "not a power of two" },
		{ 0x260, 0, 4, 8247232, "init_size is 0" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_bzimage b;
		struct kx_err e;

		debian_header(head, sizeof(head));
		if (t[i].n)
			put(head, t[i].off, t[i].v, t[i].n);
		kx_err_clear(&e);
		assert_int_equal(kx_bzimage_parse(head, sizeof(head), t[i].file_size, &b, &e),
				 -ENOEXEC);
		if (!strstr(e.msg, t[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].msg);
	}
}

static void odd_headers_parse_safely(void **state)
{
	struct kx_bzimage b;

	(void)state;
	debian_header(head, sizeof(head));
	put(head, 0x1f1, 0, 1);                         /* 0 means 4 */
	put(head, 0x20e, 0, 2);                         /* no version string */
	assert_int_equal(kx_bzimage_parse(head, sizeof(head), 8247232, &b, NULL), 0);
	assert_int_equal(b.setup_sects, 4);
	assert_string_equal(b.version_string, "");
	debian_header(head, sizeof(head));
	head[0x44c3] = 0x01;                            /* not printable: shown as nothing */
	assert_int_equal(kx_bzimage_parse(head, sizeof(head), 8247232, &b, NULL), 0);
	assert_string_equal(b.version_string, "");
	debian_header(head, sizeof(head));
	put(head, 0x20e, 0xfff0, 2);                    /* points past the buffer */
	put(head, 0x1f1, 255, 1);
	assert_int_equal(kx_bzimage_parse(head, 2048, 8247232, &b, NULL), 0);
	assert_string_equal(b.version_string, "");
}

static void probe_fills_image_info_and_checks_the_type(void **state)
{
	const struct kx_arch_ops *a = kx_arch_find("x86_64");
	struct kx_file f = { .path = "vmlinuz", .fd = -1, .size = 8247232, .head = head,
			     .head_len = sizeof(head) };
	struct kx_image_info info;
	struct kx_err e;

	(void)state;
	assert_ptr_equal(a, &kx_arch_x86_64);
	assert_ptr_equal(kx_arch_find("amd64"), a);
	assert_ptr_not_equal(kx_arch_find("aarch64"), a);
	assert_null(kx_arch_find("sparc64"));
	assert_null(kx_arch_find(NULL));
	assert_int_equal(kx_arch_machine(a)->em, EM_X86_64);
	assert_int_equal(a->kexec_arch, 0x3e0000);
	debian_header(head, sizeof(head));
	assert_int_equal(a->probe_image(&f, NULL, &info, NULL), 0);
	assert_string_equal(info.type, "bzImage64");
	assert_string_equal(info.protocol, "2.15");
	assert_int_equal(info.cmdline_max, 2047);
	assert_int_equal(info.crash_cmdline_extra, 30);
	assert_int_equal(info.load_bufsz, 8247232 - 40 * 512);
	assert_int_equal(info.load_memsz, 0x3f98000);
	assert_int_equal(info.load_align, 2 * MiB);
	assert_int_equal(info.load_min, 16 * MiB);
	assert_int_equal(a->probe_image(&f, "bzImage64", &info, NULL), 0);
	kx_err_clear(&e);
	assert_int_equal(a->probe_image(&f, "elf-x86_64", &info, &e), -ENOEXEC);
	assert_string_equal(e.msg, "-t elf-x86_64: not an ELF file");
	kx_err_clear(&e);
	assert_int_equal(a->probe_image(&f, "zImage", &info, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "supported: bzImage64, elf-x86_64"));
}

static struct kx_image_info debian_info(void)
{
	struct kx_file f = { .path = "vmlinuz", .fd = -1, .size = 8247232, .head = head,
			     .head_len = sizeof(head) };
	struct kx_image_info info;

	debian_header(head, sizeof(head));
	assert_int_equal(kx_arch_x86_64.probe_image(&f, NULL, &info, NULL), 0);
	return info;
}

static void a_crash_load_is_laid_out_as_the_kernel_does(void **state)
{
	struct kx_image_info info = debian_info();
	struct kx_load_request req = { .crash = true, .image = &info, .has_initrd = true,
				       .initrd_size = 40 * MiB, .cmdline_len = 46,
				       .elfcorehdr_memsz = 64 + 917616 };
	struct kx_segments s;
	static const struct { const char *name; uint64_t mem, memsz; } want[] = {
		{ "elfcorehdr", 0x2b000000, 0xe1000 },          /* bottom-up */
		{ "purgatory", 0x3affb000, 0x5000 },             /* top-down from here */
		{ "boot_params", 0x3aff9000, 0x2000 },
		{ "kernel", 0x37000000, 0x3f98000 },             /* 2 MiB aligned */
		{ "initrd", 0x34800000, 40 * MiB },              /* below the kernel */
		{ "control_page", 0x2b0e1000, 0x1000 },          /* first hole from the bottom */
	};

	(void)state;
	assert_int_equal(kx_arch_x86_64.file_load_layout(&req, 0x2b000000, 0x3affffff, &s), 0);
	assert_int_equal(s.n, N_ELEMS(want));
	for (size_t i = 0; i < N_ELEMS(want); i++) {
		assert_string_equal(s.seg[i].name, want[i].name);
		assert_true(s.seg[i].placed);
		assert_int_equal(s.seg[i].mem, want[i].mem);
		assert_int_equal(s.seg[i].memsz, want[i].memsz);
	}
}

static void a_load_that_does_not_fit_says_which_segment(void **state)
{
	struct kx_image_info info = debian_info();
	struct kx_load_request req = { .crash = true, .image = &info, .has_initrd = true,
				       .initrd_size = 300 * MiB, .cmdline_len = 1,
				       .elfcorehdr_memsz = 4096 };
	struct kx_segments s;

	(void)state;
	assert_int_equal(kx_arch_x86_64.file_load_layout(&req, 0x2b000000, 0x3affffff, &s),
			 -ENOSPC);
	assert_int_equal(s.n, 6);
	assert_true(s.seg[3].placed);
	assert_false(s.seg[4].placed);
	assert_string_equal(s.seg[4].name, "initrd");
	/* a normal load: no region, nothing placed, and that is no error */
	req.crash = false;
	assert_int_equal(kx_arch_x86_64.file_load_layout(&req, 1, 0, &s), 0);
	assert_int_equal(s.n, 4);
	assert_false(s.seg[0].placed);
	assert_string_equal(s.seg[0].name, "purgatory");
}

static void boot_params_grow_with_the_command_line(void **state)
{
	(void)state;
	assert_true(kx_x86_bootparams_size(1) <= 2 * 4096);
	assert_true(kx_x86_bootparams_size(2048) <= 2 * 4096);
	assert_true(kx_x86_bootparams_size(2048) > kx_x86_bootparams_size(1));
	assert_true(kx_x86_bootparams_size(4096) > 2 * 4096);
}

/* Until the ops take these facts from lib/machine, they must say the same as its table: the
 * arch's name and every name it is found by are one row, with its e_machine and byte order. */
static void every_arch_agrees_with_the_machine_table(void **state)
{
	static const struct kx_arch_ops *const arches[] = {
		&kx_arch_x86_64, &kx_arch_arm64, &kx_arch_s390, &kx_arch_ppc64le, &kx_arch_ppc64,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		const struct kx_arch_ops *a = arches[i];
		const struct kx_machine *m = kx_machine_by_name(a->name);

		assert_non_null(m);
		assert_string_equal(m->name, a->name);
		assert_ptr_equal(kx_arch_machine(a), m);
		assert_int_equal(m->word_size, 8);
		assert_ptr_equal(kx_arch_find(a->name), a);
		/* every name of its row finds it */
		assert_ptr_equal(kx_arch_find(m->name), a);
		for (size_t k = 0; k < KX_MACHINE_ALIASES && m->aliases[k]; k++)
			if (!strpbrk(m->aliases[k], "*?["))
				assert_ptr_equal(kx_arch_find(m->aliases[k]), a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_debian_kernel_header),
		cmocka_unit_test(refuses_what_the_kernels_probe_refuses),
		cmocka_unit_test(odd_headers_parse_safely),
		cmocka_unit_test(probe_fills_image_info_and_checks_the_type),
		cmocka_unit_test(every_arch_agrees_with_the_machine_table),
		cmocka_unit_test(a_crash_load_is_laid_out_as_the_kernel_does),
		cmocka_unit_test(a_load_that_does_not_fit_says_which_segment),
		cmocka_unit_test(boot_params_grow_with_the_command_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
