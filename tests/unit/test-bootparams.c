// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/bootparams: the boot_params page a kexec_load loader hands to a bzImage's 64-bit
 * entry, read back at the offsets of the kernel's struct boot_params; where the kernel may be
 * loaded; the ACPI root pointer from /sys/firmware/efi/systab.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "arch.h"
#include "x86_64/bootparams.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

static void put(unsigned char *b, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get(const unsigned char *b, size_t off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[off + i] << (8 * i);
	return v;
}

/* The header of Debian's vmlinuz-6.1.0-56-amd64 (see tests/fixtures/mk-bzimage.sh), with its
 * jump at 0x200 (eb 6a: the header ends at 0x26c) and bytes after the header that must not be
 * copied. */
static unsigned char head[KX_FILE_HEAD];
static const uint64_t file_size = 8247232;

static void debian_header(void)
{
	memset(head, 0, sizeof(head));
	put(head, 0x1f1, 39, 1);
	put(head, 0x1fa, 0xffff, 2);
	put(head, 0x1fe, 0xaa55, 2);
	put(head, 0x200, 0x6aeb, 2);
	memcpy(head + 0x202, "HdrS", 4);
	put(head, 0x206, 0x020f, 2);
	put(head, 0x20e, 0x42c0, 2);
	put(head, 0x210, 0x00, 1);
	put(head, 0x211, 0x01, 1);
	put(head, 0x214, 0x100000, 4);
	put(head, 0x22c, 0x7fffffff, 4);
	put(head, 0x230, 0x200000, 4);
	put(head, 0x234, 1, 1);
	put(head, 0x235, 21, 1);
	put(head, 0x236, 0x7f, 2);
	put(head, 0x238, 2047, 4);
	put(head, 0x248, 0x3bd, 4);
	put(head, 0x24c, 0x7b2c0c, 4);
	put(head, 0x258, 0x1000000, 8);
	put(head, 0x260, 0x3f98000, 4);
	put(head, 0x264, 0x7b4710, 4);
	put(head, 0x268, 0x7b3c38, 4);
	memset(head + 0x26c, 0xa5, 0x290 - 0x26c);     /* code after the header */
}

static struct kx_bzimage bz;

static int setup(void **state)
{
	(void)state;
	debian_header();
	assert_int_equal(kx_bzimage_parse(head, sizeof(head), file_size, &bz, NULL), 0);
	return 0;
}

/* A small capture map: low RAM, reserved, the crash range as RAM. */
static struct kx_e820 small_map(void)
{
	struct kx_e820 m = { 0 };

	assert_int_equal(kx_e820_add(&m, 0, 0xfff, 2), 0);
	assert_int_equal(kx_e820_add(&m, 0x1000, 0x9fbff, 1), 0);
	assert_int_equal(kx_e820_add(&m, 0x2e000000, 0x3dfeffff, 1), 0);
	assert_int_equal(kx_e820_normalize(&m), 0);
	return m;
}

static struct kx_bootparams_spec spec_for(const struct kx_e820 *m, const char *cmdline)
{
	return (struct kx_bootparams_spec){
		.bz = &bz, .head = head, .head_len = sizeof(head),
		.load_addr = 0x3d000000, .cmdline = cmdline,
		.initrd_addr = 0x3a000000, .initrd_size = 0x1234567,
		.acpi_rsdp = 0xf5a40, .e820 = m,
	};
}

static void every_field_lands_at_the_kernels_offset(void **state)
{
	static const char cmdline[] = "elfcorehdr=0x3dff0000 console=ttyS0 irqpoll nr_cpus=1";
	struct kx_e820 m = small_map();
	struct kx_bootparams_spec s = spec_for(&m, cmdline);
	struct kx_bootparams bp;
	struct kx_err e;
	const unsigned char *b;

	(void)state;
	put(head, 0x250, 0x5a5a5a5a5a5a5a5a, 8);        /* a stale list in the image is not copied */
	kx_err_clear(&e);
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), 0);
	b = bp.buf;
	/* the command line right after the page, NUL-terminated, its address in two halves */
	assert_int_equal(bp.cmdline_addr, 0x3d001000);
	assert_string_equal((const char *)b + 4096, cmdline);
	assert_int_equal(get(b, 0x228, 4), 0x3d001000);         /* hdr.cmd_line_ptr */
	assert_int_equal(get(b, 0x0c8, 4), 0);                  /* ext_cmd_line_ptr */
	/* initrd */
	assert_int_equal(get(b, 0x218, 4), 0x3a000000);         /* hdr.ramdisk_image */
	assert_int_equal(get(b, 0x21c, 4), 0x1234567);          /* hdr.ramdisk_size */
	assert_int_equal(get(b, 0x0c0, 4), 0);
	assert_int_equal(get(b, 0x0c4, 4), 0);
	/* ACPI, loader id, flags, sentinel, no setup_data, no EFI */
	assert_int_equal(get(b, 0x070, 8), 0xf5a40);            /* acpi_rsdp_addr */
	assert_int_equal(b[0x210], 0xff);                       /* type_of_loader */
	assert_int_equal(b[0x211], 0);                          /* loadflags */
	assert_int_equal(b[0x1ef], 0);                          /* sentinel */
	assert_int_equal(get(b, 0x250, 8), 0);                  /* hdr.setup_data */
	for (size_t i = 0x1c0; i < 0x1e0; i++)                  /* efi_info */
		assert_int_equal(b[i], 0);
	/* e820: count at 0x1e8, 20-byte {addr, size, type} entries from 0x2d0 */
	assert_int_equal(b[0x1e8], 3);
	assert_int_equal(get(b, 0x2d0, 8), 0);
	assert_int_equal(get(b, 0x2d0 + 8, 8), 0x1000);
	assert_int_equal(get(b, 0x2d0 + 16, 4), 2);
	assert_int_equal(get(b, 0x2d0 + 20, 8), 0x1000);
	assert_int_equal(get(b, 0x2d0 + 28, 8), 0x9ec00);
	assert_int_equal(get(b, 0x2d0 + 36, 4), 1);
	assert_int_equal(get(b, 0x2d0 + 40, 8), 0x2e000000);
	assert_int_equal(get(b, 0x2d0 + 48, 8), 0x0fff0000);
	assert_int_equal(get(b, 0x2d0 + 56, 4), 1);
	for (size_t i = 0x2d0 + 60; i < 0x2d0 + 80; i++)         /* nothing after the last entry */
		assert_int_equal(b[i], 0);
	/* the image's own header fields survive the copy */
	assert_int_equal(get(b, 0x202, 4), 0x53726448);         /* "HdrS" */
	assert_int_equal(get(b, 0x230, 4), 0x200000);           /* kernel_alignment */
	assert_int_equal(get(b, 0x260, 4), 0x3f98000);          /* init_size */
	assert_int_equal(get(b, 0x238, 4), 2047);               /* cmdline_size */
	/* one buffer: page + command line, 16-byte aligned */
	assert_int_equal(bp.len, 4096 + ((sizeof(cmdline) + 15) & ~(size_t)15));
	assert_int_equal(bp.nodes, 0);
	assert_int_equal(bp.setup_data_addr, 0);
	kx_x86_bootparams_free(&bp);
	kx_e820_free(&m);
}

/* fields of the header a loader writes: everything else must be the image's bytes */
static int written_by_loader(size_t off)
{
	return off == 0x210 || off == 0x211 || (off >= 0x218 && off < 0x220) ||
	       (off >= 0x228 && off < 0x22c) || (off >= 0x250 && off < 0x258);
}

static void the_setup_header_is_copied_up_to_the_end_its_jump_names(void **state)
{
	static const struct {
		uint8_t jump, off;
		int code;
		size_t end;
	} t[] = {
		{ 0xeb, 0x6a, 0, 0x26c },               /* every protocol 2.15 kernel */
		{ 0xeb, 0x66, 0, 0x268 },               /* a 2.12 header ends after handover_offset */
		{ 0xeb, 0x7f, 0, 0x281 },               /* longer, still before edd_mbr_sig_buffer */
		{ 0xeb, 0x65, -ENOEXEC, 0 },            /* cuts handover_offset */
		{ 0xeb, 0x8e, -ENOEXEC, 0 },            /* the offset is signed: 0x202 - 114 */
		{ 0xe9, 0x6a, -ENOEXEC, 0 },            /* not a short jump: length unknown */
	};
	struct kx_e820 m = small_map();

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_bootparams_spec s = spec_for(&m, "quiet");
		struct kx_bootparams bp;
		struct kx_err e;

		head[0x200] = t[i].jump;
		head[0x201] = t[i].off;
		kx_err_clear(&e);
		assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), t[i].code);
		if (t[i].code) {
			assert_true(e.has_offset);
			assert_true(e.offset == 0x200 || e.offset == 0x201);
			continue;
		}
		assert_int_equal(bp.hdr_len, t[i].end - 0x1f1);
		for (size_t off = 0x1f1; off < 0x290; off++) {
			if (off < t[i].end && !written_by_loader(off) && bp.buf[off] != head[off])
				fail_msg("case %zu: byte 0x%zx not copied", i, off);
			if (off >= t[i].end && bp.buf[off] != 0)
				fail_msg("case %zu: byte 0x%zx past the header copied", i, off);
		}
		kx_x86_bootparams_free(&bp);
	}
	debian_header();
	kx_e820_free(&m);
}

static void a_command_line_longer_than_cmdline_size_is_refused(void **state)
{
	struct kx_e820 m = small_map();
	char *line = malloc(2049);
	struct kx_bootparams bp;
	struct kx_err e;
	struct kx_bootparams_spec s;

	(void)state;
	assert_non_null(line);
	memset(line, 'a', 2048);
	line[2048] = '\0';
	s = spec_for(&m, line);
	kx_err_clear(&e);
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "2048 bytes"));
	assert_non_null(strstr(e.msg, "at most 2047"));
	line[2047] = '\0';                      /* exactly cmdline_size: fits */
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), 0);
	assert_int_equal(strlen((const char *)bp.buf + 4096), 2047);
	kx_x86_bootparams_free(&bp);
	free(line);
	kx_e820_free(&m);
}

static void addresses_above_4g_go_to_the_ext_fields(void **state)
{
	struct kx_e820 m = small_map();
	struct kx_bootparams_spec s = spec_for(&m, "quiet");
	struct kx_bootparams bp;
	struct kx_err e;

	(void)state;
	s.load_addr = 0x47ff00000;
	s.initrd_addr = 0x123456000;
	s.initrd_size = 4 * GiB + 0x10;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), 0);
	assert_int_equal(get(bp.buf, 0x218, 4), 0x23456000);
	assert_int_equal(get(bp.buf, 0x0c0, 4), 1);
	assert_int_equal(get(bp.buf, 0x21c, 4), 0x10);
	assert_int_equal(get(bp.buf, 0x0c4, 4), 1);
	assert_int_equal(get(bp.buf, 0x228, 4), 0x7ff01000);
	assert_int_equal(get(bp.buf, 0x0c8, 4), 4);
	assert_int_equal(bp.cmdline_addr, 0x47ff01000);
	kx_x86_bootparams_free(&bp);
	kx_e820_free(&m);
}

/* n RAM entries of one page every other page */
static struct kx_e820 many_entries(size_t n)
{
	struct kx_e820 m = { 0 };

	for (size_t i = 0; i < n; i++)
		assert_int_equal(kx_e820_add(&m, 0x100000 + i * 0x2000, 0x100fff + i * 0x2000, 1), 0);
	assert_int_equal(kx_e820_normalize(&m), 0);
	assert_int_equal(m.n, n);
	return m;
}

static void entries_past_128_go_to_a_setup_data_chain(void **state)
{
	struct kx_e820 m = many_entries(300);
	struct kx_bootparams_spec s = spec_for(&m, "console=ttyS0");
	struct kx_bootparams bp;
	struct kx_err e;
	uint64_t node, next;
	size_t off0, off1;

	(void)state;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), 0);
	assert_int_equal(bp.buf[0x1e8], 128);
	assert_int_equal(get(bp.buf, 0x2d0 + 127 * 20, 8), 0x100000 + 127 * 0x2000);
	assert_int_equal(bp.e820_zeropage, 128);
	assert_int_equal(bp.e820_ext, 172);
	assert_int_equal(bp.nodes, 2);
	/* first node: right after the command line (16-byte aligned), 128 entries */
	node = get(bp.buf, 0x250, 8);
	assert_int_equal(node, s.load_addr + 4096 + 16);
	assert_int_equal(node, bp.setup_data_addr);
	off0 = (size_t)(node - s.load_addr);
	assert_int_equal(get(bp.buf, off0 + 8, 4), 1);                  /* SETUP_E820_EXT */
	assert_int_equal(get(bp.buf, off0 + 12, 4), 128 * 20);          /* len */
	assert_int_equal(get(bp.buf, off0 + 16, 8), 0x100000 + 128 * 0x2000);
	assert_int_equal(get(bp.buf, off0 + 16 + 8, 8), 0x1000);
	assert_int_equal(get(bp.buf, off0 + 16 + 16, 4), 1);
	/* second node: linked from the first, the 44 last entries, end of the chain */
	next = get(bp.buf, off0, 8);
	off1 = (size_t)(next - s.load_addr);
	assert_int_equal(off1, off0 + 16 + 128 * 20);
	assert_int_equal(off1 % 16, 0);
	assert_int_equal(get(bp.buf, off1, 8), 0);
	assert_int_equal(get(bp.buf, off1 + 8, 4), 1);
	assert_int_equal(get(bp.buf, off1 + 12, 4), 44 * 20);
	assert_int_equal(get(bp.buf, off1 + 16 + 43 * 20, 8), 0x100000 + 299 * 0x2000);
	assert_int_equal(bp.len, off1 + 16 + 44 * 20);
	kx_x86_bootparams_free(&bp);
	kx_e820_free(&m);

	/* exactly 128 entries: no setup_data at all */
	m = many_entries(128);
	s = spec_for(&m, "console=ttyS0");
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), 0);
	assert_int_equal(bp.buf[0x1e8], 128);
	assert_int_equal(get(bp.buf, 0x250, 8), 0);
	assert_int_equal(bp.nodes, 0);
	kx_x86_bootparams_free(&bp);
	kx_e820_free(&m);
}

static void only_screen_and_edid_info_come_from_the_running_kernel(void **state)
{
	static unsigned char tmpl[4096];
	struct kx_e820 m = small_map();
	struct kx_bootparams_spec s = spec_for(&m, "quiet");
	struct kx_bootparams bp;
	struct kx_err e;
	uint64_t rsdp = 0;

	(void)state;
	memset(tmpl, 0x5a, sizeof(tmpl));                       /* everything set */
	put(tmpl, 0x002, 0xfc00, 2);                            /* screen_info.ext_mem_k */
	put(tmpl, 0x070, 0x7fb7e014, 8);
	s.tmpl = tmpl;
	s.tmpl_len = sizeof(tmpl);
	s.acpi_rsdp = 0;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), 0);
	assert_int_equal(bp.buf[0x000], 0x5a);                  /* screen_info */
	assert_int_equal(bp.buf[0x03f], 0x5a);
	assert_int_equal(get(bp.buf, 0x002, 2), 0);             /* but not its memory size */
	assert_int_equal(bp.buf[0x140], 0x5a);                  /* edid_info */
	assert_int_equal(bp.buf[0x1bf], 0x5a);
	assert_int_equal(bp.buf[0x040], 0);                     /* apm_bios_info */
	assert_int_equal(get(bp.buf, 0x070, 8), 0);             /* acpi_rsdp_addr: ours only */
	assert_int_equal(bp.buf[0x1c0], 0);                     /* efi_info */
	assert_int_equal(bp.buf[0x1ec], 0);                     /* secure_boot */
	assert_int_equal(bp.buf[0x1ef], 0);                     /* sentinel */
	assert_int_equal(bp.buf[0xd00], 0);                     /* eddbuf */
	kx_x86_bootparams_free(&bp);

	/* the running kernel's RSDP is there for the loader to pass on */
	assert_int_equal(kx_x86_bootparams_template_rsdp(tmpl, sizeof(tmpl), &rsdp, &e), 0);
	assert_int_equal(rsdp, 0x7fb7e014);

	s.tmpl_len = 4095;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "4095 bytes"));
	assert_int_equal(e.offset, 4095);
	kx_e820_free(&m);
}

static void specs_no_kernel_can_boot_with_are_refused(void **state)
{
	struct kx_e820 ok = small_map(), noram = { 0 }, overlap = { 0 };
	static const struct {
		const char *what;
		int which;              /* 0 ok map, 1 no RAM, 2 overlapping, 3 none */
		uint64_t load, initrd, initrd_size;
		int code;
		const char *msg;
	} t[] = {
		{ "page-aligned load", 0, 0x3d000000, 0, 0, 0, "" },
		{ "unaligned load", 0, 0x3d000800, 0, 0, -EINVAL, "not page aligned" },
		{ "initrd size without address", 0, 0x3d000000, 0, 4096, -EINVAL, "initrd" },
		{ "initrd that wraps", 0, 0x3d000000, UINT64_MAX - 4095, 8192, -EINVAL, "initrd" },
		{ "no RAM", 1, 0x3d000000, 0, 0, -EINVAL, "no RAM" },
		{ "no map at all", 3, 0x3d000000, 0, 0, -EINVAL, "e820 map" },
		{ "overlapping entries", 2, 0x3d000000, 0, 0, -EINVAL, "normalize" },
	};
	const struct kx_e820 *maps[] = { &ok, &noram, &overlap, NULL };

	(void)state;
	assert_int_equal(kx_e820_add(&noram, 0, 0xfff, 2), 0);
	assert_int_equal(kx_e820_add(&overlap, 0x1000, 0x8fff, 1), 0);
	assert_int_equal(kx_e820_add(&overlap, 0x2000, 0x2fff, 1), 0);
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_bootparams_spec s = spec_for(maps[t[i].which], "quiet");
		struct kx_bootparams bp = { 0 };
		struct kx_err e;

		s.load_addr = t[i].load;
		s.initrd_addr = t[i].initrd;
		s.initrd_size = t[i].initrd_size;
		kx_err_clear(&e);
		if (kx_x86_bootparams_build(&s, &bp, &e) != t[i].code || !strstr(e.msg, t[i].msg))
			fail_msg("%s: got \"%s\"", t[i].what, e.msg);
		kx_x86_bootparams_free(&bp);
	}
	kx_e820_free(&ok);
	kx_e820_free(&noram);
	kx_e820_free(&overlap);
}

static void the_kernel_goes_aligned_above_pref_address_with_init_size_free(void **state)
{
	struct kx_x86_kernel_place p;
	struct kx_bzimage b = bz;
	struct kx_err e;

	(void)state;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_kernel_place(&bz, file_size, &p, &e), 0);
	assert_int_equal(p.align, 2 * MiB);
	assert_int_equal(p.min, 16 * MiB);
	assert_false(p.fixed);
	assert_int_equal(p.file_offset, 40 * 512);
	assert_int_equal(p.bufsz, file_size - 40 * 512);
	assert_int_equal(p.memsz, 0x3f98000);
	assert_int_equal(kx_x86_entry64(0x2e000000), 0x2e000200);

	assert_int_equal(kx_x86_kernel_check_load(&p, 0x2e000000, &e), 0);
	assert_int_equal(kx_x86_kernel_check_load(&p, 0x2e100000, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "0x2e200000 is"));
	kx_err_clear(&e);
	assert_int_equal(kx_x86_kernel_check_load(&p, 0x800000, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "below 0x1000000"));

	/* a smaller kernel_alignment still gets the 2 MiB x86_64 kernels decompress to */
	b.kernel_alignment = 0x1000;
	b.init_size = 0x3f97001;
	assert_int_equal(kx_x86_kernel_place(&b, file_size, &p, &e), 0);
	assert_int_equal(p.align, 2 * MiB);
	assert_int_equal(p.memsz, 0x3f98000);
	/* not relocatable: exactly at pref_address */
	b.relocatable = 0;
	assert_int_equal(kx_x86_kernel_place(&b, file_size, &p, &e), 0);
	assert_true(p.fixed);
	kx_err_clear(&e);
	assert_int_equal(kx_x86_kernel_check_load(&p, 0x2e000000, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not relocatable"));
	assert_int_equal(kx_x86_kernel_check_load(&p, 0x1000000, &e), 0);
	/* an init_size smaller than the kernel itself is a corrupt header */
	b.init_size = 0x1000;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_kernel_place(&b, file_size, &p, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "init_size"));
}

static void the_acpi_root_pointer_comes_from_the_efi_systab(void **state)
{
	static const struct {
		const char *text;
		int code;
		uint64_t rsdp;
		uint64_t offset;
	} t[] = {
		{ "ACPI20=0x7fb7e014\nACPI=0x7fb7e000\nSMBIOS=0x7f98a000\n", 0, 0x7fb7e014, 0 },
		{ "SMBIOS=0x7f98a000\nACPI=0x7fb7e000\nACPI20=0x7fb7e014\n", 0, 0x7fb7e014, 0 },
		{ "ACPI=0xF68D0\nSMBIOS=0xf6a00\n", 0, 0xf68d0, 0 },
		{ "SMBIOS3=0x7f98a000\nACPI20=0x7fb7e014", 0, 0x7fb7e014, 0 },  /* no final newline */
		{ "SMBIOS=0x7f98a000\n", -ENOENT, 0, 0 },
		{ "ACPI2=0x7fb7e014\nACPI200=0x1\n", -ENOENT, 0, 0 },
		{ "", -ENOENT, 0, 0 },
		{ "ACPI20=7fb7e014\n", -EBADMSG, 0, 7 },
		{ "SMBIOS=0x1\nACPI=0xzz\n", -EBADMSG, 0, 18 },
		{ "SMBIOS=0x1\ngarbage\n", -EBADMSG, 0, 11 },
		{ "=0x1\n", -EBADMSG, 0, 0 },
		{ "ACPI20=0x0\n", -EBADMSG, 0, 0 },
		{ "ACPI20=0x10000000000000000\n", -EBADMSG, 0, 25 },
		{ "ACPI20=0x7fb7e014 \n", -EBADMSG, 0, 17 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		uint64_t rsdp = 0;
		struct kx_err e;

		kx_err_clear(&e);
		if (kx_efi_systab_rsdp(t[i].text, strlen(t[i].text), &rsdp, &e) != t[i].code)
			fail_msg("case %zu: got %d (%s)", i, e.code, e.msg);
		assert_int_equal(rsdp, t[i].rsdp);
		assert_int_equal(e.offset, t[i].offset);
		if (t[i].code)
			assert_non_null(strstr(e.msg, "systab"));
	}
}

/*
 * The head of every installed Debian kernel (tests/install-deps.sh installs 6.1 and 6.12; their
 * ABI numbers change with each point release, so they are found, not named): the real header
 * copies whole.
 */
static void a_real_debian_kernel_builds_a_bootable_page(void **state)
{
	static unsigned char real[KX_FILE_HEAD];
	unsigned tried = 0;
	glob_t g;

	(void)state;
	if (glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) != 0)
		skip();
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct kx_e820 m = small_map();
		struct kx_bzimage rb;
		struct kx_bootparams bp;
		struct kx_bootparams_spec s;
		struct kx_err e;
		int fd = open(g.gl_pathv[i], O_RDONLY);
		ssize_t n;
		off_t size;

		if (fd < 0) {
			kx_e820_free(&m);
			continue;
		}
		n = read(fd, real, sizeof(real));
		size = lseek(fd, 0, SEEK_END);
		close(fd);
		assert_true(n == (ssize_t)sizeof(real));
		assert_int_equal(kx_bzimage_parse(real, sizeof(real), (uint64_t)size, &rb, NULL), 0);
		s = (struct kx_bootparams_spec){ .bz = &rb, .head = real, .head_len = sizeof(real),
						 .load_addr = 0x3d000000, .cmdline = "quiet",
						 .e820 = &m };
		kx_err_clear(&e);
		assert_int_equal(kx_x86_bootparams_build(&s, &bp, &e), 0);
		assert_int_equal(bp.hdr_len, 0x26c - 0x1f1);
		assert_memory_equal(bp.buf + 0x230, real + 0x230, 0x250 - 0x230);
		assert_memory_equal(bp.buf + 0x258, real + 0x258, 0x26c - 0x258);
		kx_x86_bootparams_free(&bp);
		kx_e820_free(&m);
		tried++;
	}
	globfree(&g);
	if (!tried)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(every_field_lands_at_the_kernels_offset, setup),
		cmocka_unit_test_setup(the_setup_header_is_copied_up_to_the_end_its_jump_names, setup),
		cmocka_unit_test_setup(a_command_line_longer_than_cmdline_size_is_refused, setup),
		cmocka_unit_test_setup(addresses_above_4g_go_to_the_ext_fields, setup),
		cmocka_unit_test_setup(entries_past_128_go_to_a_setup_data_chain, setup),
		cmocka_unit_test_setup(only_screen_and_edid_info_come_from_the_running_kernel, setup),
		cmocka_unit_test_setup(specs_no_kernel_can_boot_with_are_refused, setup),
		cmocka_unit_test_setup(the_kernel_goes_aligned_above_pref_address_with_init_size_free,
				       setup),
		cmocka_unit_test_setup(the_acpi_root_pointer_comes_from_the_efi_systab, setup),
		cmocka_unit_test_setup(a_real_debian_kernel_builds_a_bootable_page, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
