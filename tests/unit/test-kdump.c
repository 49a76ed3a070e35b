// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/kdump: makedumpfile's kdump-compressed format, built here byte by byte (512-byte blocks,
 * 16 pfns) so that each test shows which field is wrong.  Layout of the image:
 *   block 0 header, block 1 sub-header (+ one note at 0x300), blocks 2-3 bitmaps,
 *   block 4 descriptors, then page data.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "kdump.h"
#include "notes.h"
#include "vmcore.h"

#define BS 512
#define IMG_MAX 8192

struct img {
	bool be;
	size_t len;
	unsigned char b[IMG_MAX];
};

static void put(struct img *m, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		m->b[off + (m->be ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
	if (off + n > m->len)
		m->len = off + n;
}

static void bytes(struct img *m, size_t off, const void *p, size_t n)
{
	memcpy(m->b + off, p, n);
	if (off + n > m->len)
		m->len = off + n;
}

/* pfn 1: raw page of 0x11; pfn 3: zlib page of 0x33 (raw when no zlib); a "LINUX" note */
static void build(struct img *m, bool be)
{
	unsigned char page[BS];
	size_t data = 5 * BS, d3 = data + BS, z3 = BS;
	unsigned flags3 = 0;

	memset(m, 0, sizeof(*m));
	m->be = be;
	bytes(m, 0, "KDUMP   ", 8);
	put(m, 8, 6, 4);
	bytes(m, 12 + 4 * 65, "x86_64", 6);
	put(m, 428, BS, 4);
	put(m, 432, 1, 4);      /* sub_hdr_size */
	put(m, 436, 2, 4);      /* bitmap_blocks */
	put(m, 440, 16, 4);     /* max_mapnr */
	put(m, BS + 8, 31, 4);  /* dump_level */
	put(m, BS + 48, BS + 0x100, 8);         /* offset_note */
	put(m, BS + 56, 24, 8);                 /* size_note */
	put(m, BS + 96, 16, 8);                 /* max_mapnr_64 */
	put(m, BS + 0x100, 6, 4);
	put(m, BS + 0x104, 4, 4);
	put(m, BS + 0x108, 0x700, 4);
	bytes(m, BS + 0x10c, "LINUX\0\0\0abcd", 12);
	m->b[2 * BS] = 0x0a;            /* first bitmap: pfns 1, 3 */
	m->b[3 * BS] = 0x0a;            /* second bitmap */
	memset(page, 0x11, BS);
	bytes(m, data, page, BS);
	memset(page, 0x33, BS);
#ifdef HAVE_ZLIB
	{
		uLongf zl = BS;

		assert_int_equal(compress2(m->b + d3, &zl, page, BS, 9), Z_OK);
		z3 = zl;
		flags3 = KX_KDUMP_ZLIB;
		if (d3 + z3 > m->len)
			m->len = d3 + z3;
	}
#else
	bytes(m, d3, page, BS);
#endif
	put(m, 4 * BS, data, 8);
	put(m, 4 * BS + 8, BS, 4);
	put(m, 4 * BS + 24, d3, 8);
	put(m, 4 * BS + 32, z3, 4);
	put(m, 4 * BS + 36, flags3, 4);
	m->len = m->len < d3 + z3 ? d3 + z3 : m->len;
}

static int open_img(const struct img *m, struct kx_vmcore **ret, struct kx_err *err)
{
	char path[64];
	int fd = memfd_create("kdump", MFD_CLOEXEC), r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, m->b, m->len), (ssize_t)m->len);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kx_err_clear(err);
	r = kx_vmcore_open(path, ret, err);
	close(fd);
	return r;
}

static void a_kdump_file_opens_with_its_notes_as_one_pt_note(void **state)
{
	struct img m;
	struct kx_vmcore *v;
	struct kx_err err;
	struct kx_note_iter it;
	struct kx_note n;
	const struct kx_kdump_info *ki;

	(void)state;
	build(&m, false);
	assert_int_equal(open_img(&m, &v, &err), 0);
	assert_int_equal(kx_vmcore_info(v)->format, KX_VMCORE_KDUMP);
	assert_int_equal(kx_vmcore_info(v)->machine, EM_X86_64);
	assert_int_equal(kx_vmcore_info(v)->phnum, 1);
	ki = kx_kdump_info(kx_vmcore_kdump(v));
	assert_int_equal(ki->dump_level, 31);
	assert_int_equal(ki->max_mapnr, 16);
	kx_note_iter_init(&it, v);
	assert_int_equal(kx_note_iter_next(&it, &n, &err), 1);
	assert_string_equal(n.owner, "LINUX");
	assert_int_equal(n.type, 0x700);
	assert_int_equal(n.offset, BS + 0x100);         /* a real file offset */
	assert_int_equal(kx_note_iter_next(&it, &n, &err), 0);
	kx_vmcore_close(v);
}

static void pages_read_raw_and_compressed_and_missing_ones_say_so(void **state)
{
	struct img m;
	struct kx_vmcore *v;
	struct kx_err err;
	const unsigned char *p;
	uint64_t pages, first, last;

	(void)state;
	for (int be = 0; be <= 1; be++) {
		build(&m, be);
		assert_int_equal(open_img(&m, &v, &err), 0);
		assert_int_equal(kx_vmcore_info(v)->data, be ? ELFDATA2MSB : ELFDATA2LSB);
		assert_int_equal(kx_kdump_page(kx_vmcore_kdump(v), 1, &p, &err), 0);
		assert_int_equal(p[0], 0x11);
		assert_int_equal(p[BS - 1], 0x11);
		assert_int_equal(kx_kdump_page(kx_vmcore_kdump(v), 3, &p, &err), 0);
		assert_int_equal(p[7], 0x33);
		kx_err_clear(&err);
		assert_int_equal(kx_kdump_page(kx_vmcore_kdump(v), 2, &p, &err), -ENODATA);
		assert_non_null(strstr(err.msg, "pfn 0x2 was not dumped"));
		assert_int_equal(kx_kdump_page(kx_vmcore_kdump(v), 99, &p, &err), -ENODATA);
		assert_int_equal(kx_kdump_count(kx_vmcore_kdump(v), &pages, &first, &last, &err), 0);
		assert_int_equal(pages, 2);
		assert_int_equal(first, 1);
		assert_int_equal(last, 3);
		kx_vmcore_close(v);
	}
}

static void expect_open_error(struct img *m, int code, const char *msg)
{
	struct kx_vmcore *v = NULL;
	struct kx_err err;

	assert_int_equal(open_img(m, &v, &err), code);
	if (!strstr(err.msg, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
}

/* utsname.machine names the crashed kernel's machine: its e_machine, and 32-bit kernels (whose
 * sub-header has other offsets) are refused */
static void the_machine_name_gives_e_machine_and_refuses_32_bit_kernels(void **state)
{
	static const struct { const char *name; int code; uint16_t em; } t[] = {
		{ "x86_64", 0, EM_X86_64 }, { "aarch64", 0, EM_AARCH64 }, { "ppc64le", 0, EM_PPC64 },
		{ "ppc64", 0, EM_PPC64 }, { "s390x", 0, EM_S390 }, { "riscv64", 0, EM_RISCV },
		{ "loongarch64", 0, 258 }, { "mips64", 0, EM_MIPS }, { "sparc64", 0, EM_SPARCV9 },
		{ "alpha", 0, EM_NONE },        /* unknown: read, e_machine unknown */
		{ "i686", -EPROTONOSUPPORT, 0 }, { "armv7l", -EPROTONOSUPPORT, 0 },
		{ "ppc", -EPROTONOSUPPORT, 0 }, { "mips", -EPROTONOSUPPORT, 0 },
		{ "riscv32", -EPROTONOSUPPORT, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct kx_vmcore *v = NULL;
		struct kx_err err;
		struct img m;

		build(&m, false);
		memset(m.b + 12 + 4 * 65, 0, 65);
		bytes(&m, 12 + 4 * 65, t[i].name, strlen(t[i].name));
		assert_int_equal(open_img(&m, &v, &err), t[i].code);
		if (t[i].code) {
			assert_non_null(strstr(err.msg, "dump of a 32-bit kernel"));
			continue;
		}
		assert_int_equal(kx_vmcore_info(v)->machine, t[i].em);
		assert_string_equal(kx_kdump_info(kx_vmcore_kdump(v))->machine, t[i].name);
		kx_vmcore_close(v);
	}
}

static void corrupt_headers_are_named_with_their_offset(void **state)
{
	struct img m;

	(void)state;
	build(&m, false);
	put(&m, 428, 1000, 4);
	expect_open_error(&m, -EBADMSG, "block_size 1000");
	build(&m, false);
	put(&m, BS + 96, 1ull << 60, 8);
	expect_open_error(&m, -EBADMSG, "beyond any machine");
	build(&m, false);
	put(&m, BS + 48, 1 << 20, 8);
	expect_open_error(&m, -EBADMSG, "the notes (24 bytes at 0x100000) runs past the end");
	build(&m, false);
	put(&m, 436, 0, 4);
	expect_open_error(&m, -EBADMSG, "can't hold max_mapnr 16 bits");
	build(&m, false);
	m.len = 2 * BS + 10;
	expect_open_error(&m, -EBADMSG, "truncated: the bitmaps");
}

static void bad_descriptors_fail_the_page_not_the_process(void **state)
{
	struct img m;
	struct kx_vmcore *v;
	struct kx_err err;
	const unsigned char *p;

	(void)state;
	build(&m, false);
	put(&m, 4 * BS, 1ull << 40, 8);         /* pfn 1 data far past EOF */
	put(&m, 4 * BS + 32, BS * 2, 4);        /* pfn 3 bigger than a page */
	assert_int_equal(open_img(&m, &v, &err), 0);
	kx_err_clear(&err);
	assert_int_equal(kx_kdump_page(kx_vmcore_kdump(v), 1, &p, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "page descriptor of pfn 0x1 points at"));
	assert_int_equal(err.offset, 4 * BS);
	kx_err_clear(&err);
	assert_int_equal(kx_kdump_page(kx_vmcore_kdump(v), 3, &p, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "size 1024 is not in (0, 512]"));
	kx_err_clear(&err);
	assert_int_equal(kx_kdump_verify(kx_vmcore_kdump(v), &err), -EBADMSG);
	kx_vmcore_close(v);
}

#ifdef HAVE_ZLIB
static void a_page_that_inflates_past_a_page_is_refused(void **state)
{
	unsigned char big[4 * BS] = { 0 };
	struct img m;
	struct kx_vmcore *v;
	struct kx_err err;
	const unsigned char *p;
	uLongf zl = BS;

	(void)state;
	build(&m, false);
	assert_int_equal(compress2(m.b + 6 * BS, &zl, big, sizeof(big), 9), Z_OK);
	put(&m, 4 * BS + 32, zl, 4);
	m.len = 6 * BS + zl;
	assert_int_equal(open_img(&m, &v, &err), 0);
	kx_err_clear(&err);
	assert_int_equal(kx_kdump_page(kx_vmcore_kdump(v), 3, &p, &err), -EBADMSG);
	if (!strstr(err.msg, "larger than a page"))
		fail_msg("message \"%s\"", err.msg);
	kx_vmcore_close(v);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_kdump_file_opens_with_its_notes_as_one_pt_note),
		cmocka_unit_test(pages_read_raw_and_compressed_and_missing_ones_say_so),
		cmocka_unit_test(the_machine_name_gives_e_machine_and_refuses_32_bit_kernels),
		cmocka_unit_test(corrupt_headers_are_named_with_their_offset),
		cmocka_unit_test(bad_descriptors_fail_the_page_not_the_process),
#ifdef HAVE_ZLIB
		cmocka_unit_test(a_page_that_inflates_past_a_page_is_refused),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
