// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/arm64 kexec_load plans: where the kernel, elfcorehdr, initrd and edited DTB go inside the
 * main crash range, what the capture kernel finds in /chosen, and the inputs that are refused
 * (an Image that cannot be placed, a malformed DTB with its offset, crash memory the DTB does
 * not describe, a crash range too small).  The DTBs are tests/fixtures/dts compiled by dtc.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include "arch.h"
#include "arm64/arm64.h"
#include "crashmem.h"

#ifndef KX_DTB_DIR
#error "KX_DTB_DIR must name the directory of the compiled fixtures"
#endif

#define MiB (UINT64_C(1) << 20)

/* The arm64-kdump machine: 4 GiB at 1 GiB, crashkernel=512M,high + 128M,low. */
static const char iomem[] =
	"40000000-13fffffff : System RAM\n"
	"  40200000-4157ffff : Kernel code\n"
	"  41b20000-4224ffff : Kernel data\n"
	"  78000000-7fffffff : Crash kernel\n"
	"  120000000-13fffffff : Crash kernel\n";

struct fixture {
	struct kx_crashmem mem;
	unsigned char *kernel;          /* 3 MiB file, image_size 4 MiB */
	unsigned char initrd[8192];
	unsigned char ehdr[4096];
	void *dtb;
	size_t dtb_len;
	struct kx_arm64_kload_in in;
	struct kx_kload k;
	struct kx_err e;
};

/* kx_kload_free() lives in arch/arch.c with the table of every arch; this test links arm64 only */
static void kload_free(struct kx_kload *k)
{
	for (size_t i = 0; i < k->nowned; i++)
		free(k->owned[i]);
	free(k->cmdline);
	free(k->memmap);
	memset(k, 0, sizeof(*k));
}

static void *load(const char *name, size_t *ret_len)
{
	char path[512];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s.dtb", KX_DTB_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (built by make from tests/fixtures/dts)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static void put(unsigned char *b, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

static void image(unsigned char *b, uint64_t text_offset, uint64_t image_size)
{
	memset(b, 0, 64);
	put(b, 0x08, text_offset, 8);
	put(b, 0x10, image_size, 8);
	put(b, 0x18, 0xa, 8);
	memcpy(b + 0x38, "ARM\x64", 4);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct kx_iomem io;

	assert_non_null(f);
	assert_int_equal(kx_iomem_parse(iomem, strlen(iomem), &io, NULL), 0);
	assert_int_equal(kx_crashmem_build(&io, &(struct kx_ranges){ 0 }, &(struct kx_ranges){ 0 },
					   &f->mem, NULL), 0);
	kx_iomem_free(&io);
	f->kernel = calloc(1, 3 * MiB);
	assert_non_null(f->kernel);
	image(f->kernel, 0, 4 * MiB);
	f->dtb = load("arm64-kdump", &f->dtb_len);
	f->in = (struct kx_arm64_kload_in){
		.kernel = f->kernel, .kernel_size = 3 * MiB,
		.initrd = f->initrd, .initrd_size = sizeof(f->initrd),
		.cmdline = "console=ttyAMA0 nr_cpus=1", .mem = &f->mem,
		.elfcorehdr = f->ehdr, .elfcorehdr_size = 400, .elfcorehdr_memsz = 4096,
		.dtb = f->dtb, .dtb_size = f->dtb_len, .dtb_name = "test.dtb",
		.has_kaslr_seed = true, .kaslr_seed = 0x1122334455667788,
	};
	kx_err_clear(&f->e);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kload_free(&f->k);
	kx_crashmem_free(&f->mem);
	free(f->kernel);
	free(f->dtb);
	free(f);
	return 0;
}

static const struct kx_segment *seg(const struct kx_kload *k, const char *name)
{
	for (size_t i = 0; i < k->segs.n; i++)
		if (!strcmp(k->segs.seg[i].name, name))
			return &k->segs.seg[i];
	fail_msg("no segment %s", name);
	return NULL;
}

static uint64_t cells(const unsigned char *p, unsigned i)
{
	uint64_t v = 0;

	for (unsigned b = 0; b < 8; b++)
		v = v << 8 | p[8 * i + b];
	return v;
}

static void places_every_segment_inside_the_main_crash_range(void **state)
{
	struct fixture *f = *state;
	const struct kx_segment *g;

	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), 0);
	assert_int_equal(f->k.segs.n, 5);
	/* the kernel at the bottom: its 2 MiB aligned base is the range's start */
	g = seg(&f->k, "kernel");
	assert_int_equal(g->mem, 0x120000000);
	assert_int_equal(g->memsz, 3 * MiB);
	assert_int_equal(f->k.reserved_start, 0x120000000);
	assert_int_equal(f->k.reserved_end, 0x120000000 + 4 * MiB - 1);
	/* the elfcorehdr at the top, 64 KiB aligned */
	g = seg(&f->k, "elfcorehdr");
	assert_int_equal(g->mem, 0x13fff0000);
	/* the initrd just above image_size, never inside it */
	g = seg(&f->k, "initrd");
	assert_int_equal(g->mem, 0x120400000);
	/* the DTB top down at 2 MiB, below the elfcorehdr */
	g = seg(&f->k, "dtb");
	assert_int_equal(g->mem, 0x13fe00000);
	assert_ptr_equal(g->buf, f->k.dtb);
	assert_int_equal(g->bufsz, f->k.dtb_size);
	assert_string_equal(f->k.cmdline, "console=ttyAMA0 nr_cpus=1");
	assert_null(f->k.plan_only);
	/* the entry is the purgatory page, top down: the last page (the elfcorehdr is 64 KiB
	 * aligned, 4 KiB long) */
	g = seg(&f->k, "purgatory");
	assert_int_equal(g->mem, 0x13ffff000);
	assert_int_equal(g->bufsz, 4096);
	assert_int_equal(f->k.entry, g->mem);
	assert_string_equal(f->k.purgatory_does, KX_ARM64_PURGATORY_DOES);
	/* the capture kernel's memory: main range, then low */
	assert_int_equal(f->k.memmap_entries, 2);
	assert_int_equal(f->k.memmap[0].start, 0x120000000);
	assert_int_equal(f->k.memmap[1].start, 0x78000000);
	assert_int_equal(f->k.memmap[1].end, 0x7fffffff);
}

static void edits_chosen_for_the_capture_kernel(void **state)
{
	struct fixture *f = *state;
	const unsigned char *p;
	const char *s;
	int chosen, l;
	uint64_t a, sz;

	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), 0);
	assert_int_equal(fdt_check_full(f->k.dtb, f->k.dtb_size), 0);
	chosen = fdt_path_offset(f->k.dtb, "/chosen");
	assert_true(chosen >= 0);
	p = fdt_getprop(f->k.dtb, chosen, "linux,elfcorehdr", &l);
	assert_non_null(p);
	assert_int_equal(l, 16);
	assert_int_equal(cells(p, 0), 0x13fff0000);
	assert_int_equal(cells(p, 1), 400);
	p = fdt_getprop(f->k.dtb, chosen, "linux,usable-memory-range", &l);
	assert_non_null(p);
	assert_int_equal(l, 32);
	assert_int_equal(cells(p, 0), 0x120000000);
	assert_int_equal(cells(p, 1), 512 * MiB);
	assert_int_equal(cells(p, 2), 0x78000000);
	assert_int_equal(cells(p, 3), 128 * MiB);
	p = fdt_getprop(f->k.dtb, chosen, "linux,initrd-start", &l);
	assert_int_equal(cells(p, 0), 0x120400000);
	p = fdt_getprop(f->k.dtb, chosen, "linux,initrd-end", &l);
	assert_int_equal(cells(p, 0), 0x120400000 + sizeof(f->initrd));
	p = fdt_getprop(f->k.dtb, chosen, "kaslr-seed", &l);
	assert_int_equal(cells(p, 0), 0x1122334455667788);
	assert_null(fdt_getprop(f->k.dtb, chosen, "rng-seed", &l));
	s = fdt_getprop(f->k.dtb, chosen, "bootargs", &l);
	assert_string_equal(s, "console=ttyAMA0 nr_cpus=1");
	/* the boot loader's initrd reservation is gone; the elfcorehdr and the new initrd are
	 * reserved */
	assert_int_equal(fdt_num_mem_rsv(f->k.dtb), 2);
	assert_int_equal(fdt_get_mem_rsv(f->k.dtb, 0, &a, &sz), 0);
	assert_int_equal(a, 0x13fff0000);
	assert_int_equal(sz, 400);
	assert_int_equal(fdt_get_mem_rsv(f->k.dtb, 1, &a, &sz), 0);
	assert_int_equal(a, 0x120400000);
}

static uint64_t le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* What the kernel jumps to on a panic: x0 = the DTB's address, x1-x3 = 0, then the kernel.  The
 * words are the A64 encodings (as GNU as assembles them); the literals are 8-byte aligned. */
static void enters_the_kernel_with_x0_the_dtb(void **state)
{
	struct fixture *f = *state;
	const unsigned char *p;
	static const uint32_t code[] = { 0x580000c0, 0xaa1f03e1, 0xaa1f03e2, 0xaa1f03e3,
					 0x58000090, 0xd61f0200 };

	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), 0);
	p = seg(&f->k, "purgatory")->buf;
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(le(p + 4 * i, 4), code[i]);
	/* ldr x0, [pc + 0x18] and ldr x16, [pc + 0x10] at 0x10: both literals */
	assert_int_equal(le(p + 0x18, 8), seg(&f->k, "dtb")->mem);
	assert_int_equal(le(p + 0x20, 8), seg(&f->k, "kernel")->mem);
	for (unsigned i = 0x28; i < 4096; i++)
		assert_int_equal(p[i], 0);
}

static void starts_the_kernel_text_offset_above_its_base(void **state)
{
	struct fixture *f = *state;

	image(f->kernel, 0x80000, 4 * MiB);
	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), 0);
	assert_int_equal(seg(&f->k, "kernel")->mem, 0x120080000);
	assert_int_equal(f->k.reserved_end, 0x120080000 + 4 * MiB - 1);
	/* above base + text_offset + image_size, rounded to a page */
	assert_int_equal(seg(&f->k, "initrd")->mem, 0x120480000);
}

static void refuses_images_it_cannot_place(void **state)
{
	static const struct {
		uint64_t text_offset, image_size;
		const char *msg;
	} t[] = {
		{ 0x80800, 4 * MiB, "text_offset 0x80800 is not page aligned" },
		{ 0, 2 * MiB, "more than the image_size 0x200000" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct kx_err e;

		kx_err_clear(&e);
		image(f->kernel, t[i].text_offset, t[i].image_size);
		assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &e), -ENOEXEC);
		if (!strstr(e.msg, t[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, t[i].msg);
		kload_free(&f->k);
	}
}

static void names_the_offset_of_a_malformed_dtb(void **state)
{
	struct fixture *f = *state;
	unsigned char *bad = malloc(f->dtb_len);

	assert_non_null(bad);
	memcpy(bad, f->dtb, f->dtb_len);
	f->in.dtb = bad;
	f->in.dtb_size = f->dtb_len - 100;         /* totalsize says more */
	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), -EBADMSG);
	assert_true(f->e.has_offset);
	assert_int_equal(f->e.offset, 4);
	assert_non_null(strstr(f->e.msg, "the device tree test.dtb: device tree totalsize"));
	kload_free(&f->k);
	kx_err_clear(&f->e);
	/* the root node's FDT_BEGIN_NODE tag, at the start of the structure block */
	memcpy(bad + fdt_off_dt_struct(bad), "\xff\xff\xff\xff", 4);
	f->in.dtb_size = f->dtb_len;
	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), -EBADMSG);
	assert_true(f->e.has_offset);
	assert_int_equal(f->e.offset, fdt_off_dt_struct(bad));
	free(bad);
}

static void refuses_crash_memory_the_dtb_does_not_describe(void **state)
{
	struct fixture *f = *state;
	size_t len;
	void *other = load("arm64-virt", &len);      /* RAM ends at 0x11fffffff and 0x14fffffff */

	f->in.dtb = other;
	f->in.dtb_size = len;
	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), -EINVAL);
	assert_non_null(strstr(f->e.msg, "0x120000000-0x13fffffff is not all memory in the "
				       "device tree test.dtb"));
	free(other);
}

static void names_every_segment_when_the_range_is_too_small(void **state)
{
	struct fixture *f = *state;
	unsigned char *big = calloc(1, 600 * MiB);

	assert_non_null(big);
	f->in.initrd = big;
	f->in.initrd_size = 600 * MiB;
	assert_int_equal(kx_arm64_kload_layout(&f->in, &f->k, &f->e), -ENOSPC);
	assert_non_null(strstr(f->e.msg, "initrd does not fit in the crash kernel region "
				       "0x120000000-0x13fffffff (512 MiB): kernel 4 MiB at "
				       "0x120000000; elfcorehdr 4 KiB at 0x13fff0000; initrd 600 MiB "
				       "(does not fit); dtb"));
	assert_false(seg(&f->k, "initrd")->placed);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(places_every_segment_inside_the_main_crash_range,
						setup, teardown),
		cmocka_unit_test_setup_teardown(enters_the_kernel_with_x0_the_dtb, setup, teardown),
		cmocka_unit_test_setup_teardown(edits_chosen_for_the_capture_kernel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(starts_the_kernel_text_offset_above_its_base,
						setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_images_it_cannot_place, setup, teardown),
		cmocka_unit_test_setup_teardown(names_the_offset_of_a_malformed_dtb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refuses_crash_memory_the_dtb_does_not_describe,
						setup, teardown),
		cmocka_unit_test_setup_teardown(names_every_segment_when_the_range_is_too_small,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
