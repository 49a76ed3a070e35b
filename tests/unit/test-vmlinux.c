// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/vmlinux.c: an x86_64 ELF vmlinux for kexec_load.  The well-formed file has the
 * program headers of Debian 12's 6.12 vmlinux (the bzImage's payload): text at 16 MiB, data,
 * the per-CPU area (p_vaddr 0, p_paddr after data), init + bss; entry 0xb53 into the text.
 * Each malformed case is refused with the offset of the field at fault.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "x86_64/bootparams.h"
#include "x86_64/vmlinux.h"

#define MiB (UINT64_C(1) << 20)

struct phdr { uint32_t type; uint64_t offset, paddr, filesz, memsz, align; };

/* Debian 6.12's PT_LOADs scaled down by 64 (alignment kept), and its PT_NOTE. */
static const struct phdr debian[] = {
	{ PT_LOAD, 0x200000, 0x1000000, 0x1b71bc8 / 64, 0x1b71bc8 / 64, 0x200000 },
	{ PT_LOAD, 0x400000, 0x1400000, 0x702000 / 64, 0x702000 / 64, 0x200000 },
	{ PT_LOAD, 0x600000, 0x1600000, 0x39000 / 64, 0x39000 / 64, 0x200000 },
	{ PT_LOAD, 0x800000, 0x1800000, 0x4000, 0xec5000 / 64, 0x200000 },
	{ PT_NOTE, 0x300000, 0x1100000, 0x1f0, 0x1f0, 4 },
};
#define FILE_SIZE 0x900000u

static unsigned char *file;

static void put(unsigned char *b, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

static void put_phdr(size_t i, const struct phdr *p)
{
	size_t o = 64 + i * 56;

	put(file, o, p->type, 4);
	put(file, o + 8, p->offset, 8);
	put(file, o + 16, UINT64_C(0xffffffff80000000) + p->paddr, 8);
	put(file, o + 24, p->paddr, 8);
	put(file, o + 32, p->filesz, 8);
	put(file, o + 40, p->memsz, 8);
	put(file, o + 48, p->align, 8);
}

static int setup(void **state)
{
	(void)state;
	file = calloc(1, FILE_SIZE);
	assert_non_null(file);
	memcpy(file, ELFMAG, SELFMAG);
	file[EI_CLASS] = ELFCLASS64;
	file[EI_DATA] = ELFDATA2LSB;
	file[EI_VERSION] = EV_CURRENT;
	put(file, 16, ET_EXEC, 2);
	put(file, 18, EM_X86_64, 2);
	put(file, 24, 0x1000b53, 8);
	put(file, 32, 64, 8);
	put(file, 52, 64, 2);
	put(file, 54, 56, 2);
	put(file, 56, 5, 2);
	for (size_t i = 0; i < 5; i++) {
		put_phdr(i, &debian[i]);
		/* each segment's bytes tell where they came from */
		memset(file + debian[i].offset, (int)(0xa0 + i), (size_t)debian[i].filesz);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(file);
	return 0;
}

static void parses_debians_layout(void **state)
{
	struct kx_x86_vmlinux v;
	struct kx_err e;

	(void)state;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_vmlinux_parse(file, 4096, FILE_SIZE, &v, &e), 0);
	assert_int_equal(v.nload, 4);
	assert_int_equal(v.paddr, 16 * MiB);
	assert_int_equal(v.entry_off, 0xb53);
	assert_int_equal(v.align, 2 * MiB);
	assert_int_equal(v.filesz, 0x1800000 + 0x4000 - 16 * MiB);
	assert_int_equal(v.memsz, 0x1800000 + 0xec5000 / 64 - 16 * MiB);
	assert_true(kx_x86_is_elf(file, 4));
	assert_false(kx_x86_is_elf(file, 3));
}

static void the_image_has_each_segment_at_its_place(void **state)
{
	struct kx_x86_vmlinux v;
	unsigned char *img;
	struct kx_err e;

	(void)state;
	assert_int_equal(kx_x86_vmlinux_parse(file, 4096, FILE_SIZE, &v, &e), 0);
	assert_int_equal(kx_x86_vmlinux_image(&v, file, FILE_SIZE, &img, &e), 0);
	for (size_t i = 0; i < 4; i++) {
		size_t at = (size_t)(debian[i].paddr - v.paddr);

		assert_int_equal(img[at], 0xa0 + i);
		assert_int_equal(img[at + debian[i].filesz - 1], 0xa0 + i);
		/* between segments: zeros, not the file's bytes there */
		if (i < 3)
			assert_int_equal(img[at + debian[i].filesz], 0);
	}
	free(img);
}

static void the_header_is_one_boot_params_accepts(void **state)
{
	unsigned char head[KX_VMLINUX_HEAD_LEN];
	struct kx_e820_entry ram = { .start = 0x100000, .end = 0x3fffffff, .type = KX_E820_RAM };
	struct kx_e820 map = { .e = &ram, .n = 1 };
	struct kx_x86_vmlinux v;
	struct kx_bzimage bz, parsed;
	struct kx_bootparams bp;
	struct kx_err e;

	(void)state;
	assert_int_equal(kx_x86_vmlinux_parse(file, 4096, FILE_SIZE, &v, &e), 0);
	kx_x86_vmlinux_header(&v, head, &bz);
	/* what kx_bzimage_parse reads from the head is what the struct says */
	assert_int_equal(kx_bzimage_parse(head, sizeof(head), 1024 + 512, &parsed, &e), 0);
	assert_int_equal(parsed.version, 0x020f);
	assert_int_equal(parsed.cmdline_size, 2047);
	assert_int_equal(parsed.kernel_alignment, 2 * MiB);
	assert_int_equal(parsed.init_size, v.memsz);
	assert_int_equal(parsed.xloadflags, bz.xloadflags);
	assert_int_equal(parsed.pref_address, 16 * MiB);
	struct kx_bootparams_spec spec = { .bz = &bz, .head = head, .head_len = sizeof(head),
					   .load_addr = 0x2000000, .cmdline = "console=ttyS0",
					   .e820 = &map };
	assert_int_equal(kx_x86_bootparams_build(&spec, &bp, &e), 0);
	/* the boot flag and "HdrS" are carried into boot_params: the kernel checks neither, but
	 * a dump reader sees a real header */
	assert_int_equal(bp.buf[0x1fe] | bp.buf[0x1ff] << 8, 0xaa55);
	assert_memory_equal(bp.buf + 0x202, "HdrS", 4);
	kx_x86_bootparams_free(&bp);
}

struct bad {
	const char *what;
	size_t off;
	uint64_t value;
	unsigned n;
	const char *msg;
	size_t at;
};

static void malformed_files_are_refused_with_the_offset(void **state)
{
	static const struct bad cases[] = {
		{ "class", EI_CLASS, ELFCLASS32, 1, "a 32-bit ELF file (class 1 at offset 4), not an "
		  "x86_64 vmlinux", 4 },
		{ "machine", 18, EM_AARCH64, 2, "an ELF file for machine 183 (offset 18), not x86_64 "
		  "(62)", 18 },
		{ "type", 16, ET_DYN, 2, "an ELF file of type 3 (offset 16), not an executable: a "
		  "vmlinux is ET_EXEC (2)", 16 },
		{ "phentsize", 54, 32, 2, "e_phentsize 32 at offset 54, not 56", 54 },
		{ "phoff", 32, 4090, 8, "5 program headers at offset 4090, not within the first 4096 "
		  "bytes of the file", 32 },
		{ "segment past EOF", 64 + 3 * 56 + 8, FILE_SIZE - 0x100, 8, "the PT_LOAD at offset "
		  "232 takes bytes 9436928-9453312 of a 9437184-byte file: the file is truncated",
		  232 },
		{ "filesz > memsz", 64 + 40, 0x100, 8, "the PT_LOAD at offset 64 has more file bytes "
		  "(449647) than memory (256)", 64 },
		{ "overlap", 64 + 56 + 24, 0x1000000 + 0x1000, 8, "the PT_LOAD at offset 120 overlaps "
		  "another in physical memory (p_paddr 0x1001000, 114816 bytes)", 120 },
		{ "absurd memsz", 64 + 3 * 56 + 40, UINT64_C(1) << 40, 8, "the PT_LOAD at offset 232 "
		  "(p_paddr 0x1800000, 1099511627776 bytes) is not a kernel's", 232 },
		{ "entry", 24, 0x1400000, 8, "the entry point 0x1400000 (offset 24) is not in the "
		  "first PT_LOAD (0x1000000-0x106dc6f): not a vmlinux", 24 },
		{ "alignment", 64 + 24, 0x1100000, 8, "the first PT_LOAD is at 0x1100000, not a 2 MiB "
		  "boundary: the x86_64 kernel can move itself only by 2 MiB steps", 64 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad *c = &cases[i];
		unsigned char saved[8];
		struct kx_x86_vmlinux v;
		struct kx_err e;

		memcpy(saved, file + c->off, c->n);
		put(file, c->off, c->value, c->n);
		kx_err_clear(&e);
		print_message("%s\n", c->what);
		assert_int_equal(kx_x86_vmlinux_parse(file, 4096, FILE_SIZE, &v, &e), -ENOEXEC);
		assert_string_equal(e.msg, c->msg);
		assert_true(e.has_offset);
		assert_int_equal(e.offset, c->at);
		memcpy(file + c->off, saved, c->n);
	}
}

static void a_short_file_is_refused(void **state)
{
	struct kx_x86_vmlinux v;
	struct kx_err e;

	(void)state;
	kx_err_clear(&e);
	assert_int_equal(kx_x86_vmlinux_parse(file, 40, 40, &v, &e), -ENOEXEC);
	assert_string_equal(e.msg, "an ELF file of 40 bytes, shorter than its 64-byte header");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(parses_debians_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(the_image_has_each_segment_at_its_place, setup, teardown),
		cmocka_unit_test_setup_teardown(the_header_is_one_boot_params_accepts, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_files_are_refused_with_the_offset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_short_file_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
