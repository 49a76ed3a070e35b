// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/arm64: the Image header (what the kernel's kexec_file_load accepts and refuses) and
 * where kexec_file_load puts the kernel, elfcorehdr, initrd and DTB of a crash load.
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
#include "arm64/arm64.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MiB (UINT64_C(1) << 20)

static unsigned char head[KX_FILE_HEAD];

static void put(unsigned char *b, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

/* The header of an EFI-stub arm64 kernel: "MZ", 42 MiB image, 4K pages, placed anywhere. */
static void image_header(unsigned char *b, size_t len)
{
	memset(b, 0, len);
	b[0] = 'M';
	b[1] = 'Z';
	put(b, 0x08, 0, 8);
	put(b, 0x10, 0x2a10000, 8);
	put(b, 0x18, 0xa, 8);
	memcpy(b + 0x38, "ARM\x64", 4);
	put(b, 0x3c, 0x40, 4);
}

static void parses_an_image_header(void **state)
{
	struct kx_arm64_image h;

	(void)state;
	image_header(head, sizeof(head));
	assert_int_equal(kx_arm64_image_parse(head, sizeof(head), &h, NULL), 0);
	assert_int_equal(h.text_offset, 0);
	assert_int_equal(h.image_size, 0x2a10000);
	assert_false(h.big_endian);
	assert_int_equal(h.page_size, 4096);
	assert_true(h.phys_anywhere);
	assert_true(h.efi);
	put(head, 0x18, 0x7, 8);                /* BE, 64K pages, near the start of DRAM */
	put(head, 0x08, 0x80000, 8);
	assert_int_equal(kx_arm64_image_parse(head, sizeof(head), &h, NULL), 0);
	assert_true(h.big_endian);
	assert_int_equal(h.page_size, 65536);
	assert_false(h.phys_anywhere);
	assert_int_equal(h.text_offset, 0x80000);
}

static void refuses_what_kexec_file_load_refuses(void **state)
{
	static const struct {
		size_t off;
		uint64_t v;
		unsigned n;
		size_t len;
		const char *msg;
	} t[] = {
		{ 0, 0x8b1f, 2, sizeof(head), "a gzip file" },
		{ 0, 0, 0, 63, "shorter than the 64-byte arm64 Image header" },
		{ 0x38, 0x644d5242, 4, sizeof(head), "no arm64 Image magic" },
		{ 0x10, 0, 8, sizeof(head), "image_size is 0" },
		{ 0x10, UINT64_MAX - 4096, 8, sizeof(head), "does not fit" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_arm64_image h;
		struct kx_err e;

		image_header(head, sizeof(head));
		if (t[i].n)
			put(head, t[i].off, t[i].v, t[i].n);
		kx_err_clear(&e);
		assert_int_equal(kx_arm64_image_parse(head, t[i].len, &h, &e), -ENOEXEC);
		if (!strstr(e.msg, t[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].msg);
	}
}

static void the_ops_probe_an_image_and_refuse_big_endian(void **state)
{
	struct kx_file f = { .path = "Image", .size = 0x1c00000, .head = head,
			     .head_len = sizeof(head) };
	struct kx_image_info info;
	struct kx_err e;

	(void)state;
	assert_int_equal(kx_arch_machine(&kx_arch_arm64)->em, EM_AARCH64);
	assert_int_equal(kx_arch_arm64.kexec_arch, 0xB70000);
	image_header(head, sizeof(head));
	assert_int_equal(kx_arch_arm64.probe_image(&f, NULL, &info, NULL), 0);
	assert_string_equal(info.type, "Image");
	assert_int_equal(info.load_bufsz, 0x1c00000);
	assert_int_equal(info.load_memsz, 0x2a10000);
	assert_int_equal(info.load_align, 2 * MiB);
	assert_int_equal(info.crash_cmdline_extra, 0);
	kx_err_clear(&e);
	assert_int_equal(kx_arch_arm64.probe_image(&f, "bzImage64", &info, &e), -EINVAL);
	put(head, 0x18, 0xb, 8);
	kx_err_clear(&e);
	assert_int_equal(kx_arch_arm64.probe_image(&f, NULL, &info, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "big-endian"));
}

static const struct kx_segment *seg(const struct kx_segments *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->seg[i].name, name))
			return &s->seg[i];
	fail_msg("no segment %s", name);
	return NULL;
}

static void a_crash_load_is_laid_out_as_the_kernel_does(void **state)
{
	struct kx_image_info img = { .type = "Image", .load_bufsz = 0x1c00000,
				     .load_memsz = 0x2a10000, .load_align = 2 * MiB };
	struct kx_load_request req = { .crash = true, .image = &img, .has_initrd = true,
				       .initrd_size = 30 * MiB, .cmdline_len = 100,
				       .elfcorehdr_memsz = 0x10000 };
	struct kx_segments s;

	(void)state;
	/* a 512 MiB crash range at 0xa0000000 */
	assert_int_equal(kx_arm64_file_load_layout(&req, 0x11000, 0xa0000000, 0xbfffffff, &s), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.seg[0].name, "kernel");  /* the kernel's order */
	assert_string_equal(s.seg[1].name, "elfcorehdr");
	assert_string_equal(s.seg[2].name, "initrd");
	assert_string_equal(s.seg[3].name, "dtb");
	assert_int_equal(seg(&s, "kernel")->mem, 0xa0000000);          /* bottom-up */
	assert_int_equal(seg(&s, "elfcorehdr")->mem, 0xbfff0000);      /* top-down, 64K */
	assert_int_equal(seg(&s, "initrd")->mem, 0xa2a10000);          /* just above the kernel */
	assert_int_equal(seg(&s, "dtb")->mem, 0xbfe00000);             /* top-down, 2 MiB */

	/* the ops estimate the DTB; a 20 MiB range holds the kernel but not the rest */
	assert_int_equal(kx_arch_arm64.file_load_layout(&req, 0xa0000000, 0xa13fffff, &s),
			 -ENOSPC);
	assert_true(seg(&s, "kernel")->placed == false);
	/* no crash range: recorded unplaced, not an error */
	assert_int_equal(kx_arch_arm64.file_load_layout(&req, 1, 0, &s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_an_image_header),
		cmocka_unit_test(refuses_what_kexec_file_load_refuses),
		cmocka_unit_test(the_ops_probe_an_image_and_refuse_big_endian),
		cmocka_unit_test(a_crash_load_is_laid_out_as_the_kernel_does),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
