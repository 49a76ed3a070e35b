// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/vaddr: kernel addresses to file offsets through PT_LOADs, the VMCOREINFO fallbacks, zero
 * fill past p_filesz, reads across segments, and the block cache.
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
#include <unistd.h>
#include <cmocka.h>

#include "vaddr.h"
#include "vmcore.h"

#define DIRECT 0xffff888000000000ull
#define KTEXT 0xffffffff80000000ull

struct load {
	uint64_t paddr, vaddr, filesz, memsz;
	unsigned char fill;
};

/* An x86_64 ELF64 core with the given PT_LOADs; segment i holds bytes fill_i + (k & 0x3f). */
static char *write_core(const struct load *loads, size_t n)
{
	static char path[64];
	Elf64_Ehdr eh = { 0 };
	uint64_t off = 4096;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/test-vaddr.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w+");
	assert_non_null(f);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)n;
	assert_int_equal(fwrite(&eh, sizeof(eh), 1, f), 1);
	for (size_t i = 0; i < n; i++) {
		Elf64_Phdr ph = { .p_type = PT_LOAD, .p_offset = off, .p_vaddr = loads[i].vaddr,
				  .p_paddr = loads[i].paddr, .p_filesz = loads[i].filesz,
				  .p_memsz = loads[i].memsz };

		assert_int_equal(fwrite(&ph, sizeof(ph), 1, f), 1);
		off += loads[i].filesz;
	}
	off = 4096;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
		for (uint64_t k = 0; k < loads[i].filesz; k++)
			fputc(loads[i].fill + (int)(k & 0x3f), f);
		off += loads[i].filesz;
	}
	assert_int_equal(fclose(f), 0);
	return path;
}

struct fx {
	char path[64];
	struct kx_vmcore *v;
	struct kx_vaddr *a;
	struct kx_err err;
};

static void fx_open(struct fx *fx, const struct load *loads, size_t n, const char *vi)
{
	snprintf(fx->path, sizeof(fx->path), "%s", write_core(loads, n));
	kx_err_clear(&fx->err);
	assert_int_equal(kx_vmcore_open(fx->path, &fx->v, &fx->err), 0);
	assert_int_equal(kx_vaddr_open(fx->v, vi, vi ? strlen(vi) : 0, &fx->a, &fx->err), 0);
}

static void fx_close(struct fx *fx)
{
	kx_vaddr_close(fx->a);
	kx_vmcore_close(fx->v);
	unlink(fx->path);
}

static void address_in_a_pt_load_is_found_by_its_vaddr(void **state)
{
	const struct load loads[] = {
		{ 0x1000000, KTEXT + 0x1000000, 0x2000, 0x2000, 0x10 },
		{ 0x100000, DIRECT + 0x100000, 0x3000, 0x3000, 0x80 },
	};
	struct kx_vaddr_loc loc;
	unsigned char b[4];
	struct fx fx;

	(void)state;
	fx_open(&fx, loads, 2, NULL);
	assert_int_equal(kx_vaddr_translate(fx.a, DIRECT + 0x100010, "x", &loc, &fx.err), 0);
	assert_int_equal(loc.offset, 4096 + 0x2000 + 0x10);
	assert_int_equal(loc.file_bytes, 0x3000 - 0x10);
	assert_false(loc.fallback);
	assert_int_equal(kx_vaddr_read(fx.a, KTEXT + 0x1000001, b, 2, "x", &fx.err), 0);
	assert_int_equal(b[0], 0x11);
	assert_int_equal(b[1], 0x12);
	assert_int_equal(kx_paddr_read(fx.a, 0x100002, b, 1, "x", &fx.err), 0);
	assert_int_equal(b[0], 0x82);
	fx_close(&fx);
}

static void read_across_adjacent_segments_and_zero_fill_past_filesz(void **state)
{
	const struct load loads[] = {
		{ 0x100000, DIRECT + 0x100000, 0x1000, 0x1000, 0x00 },
		{ 0x101000, DIRECT + 0x101000, 0x10, 0x100, 0x40 },
	};
	unsigned char b[0x20];
	struct fx fx;

	(void)state;
	fx_open(&fx, loads, 2, NULL);
	assert_int_equal(kx_vaddr_read(fx.a, DIRECT + 0x100ff8, b, 0x20, "x", &fx.err), 0);
	assert_int_equal(b[0], 0x38);           /* 0xff8 & 0x3f */
	assert_int_equal(b[8], 0x40);           /* the second segment */
	assert_int_equal(b[8 + 0xf], 0x4f);
	assert_int_equal(b[8 + 0x10], 0);       /* past p_filesz */
	assert_int_equal(b[0x1f], 0);
	fx_close(&fx);
}

static void unmapped_address_is_an_error_naming_what_and_the_missing_keys(void **state)
{
	const struct load loads[] = { { 0x100000, DIRECT + 0x100000, 0x1000, 0x1000, 0 } };
	unsigned char b[8];
	struct fx fx;

	(void)state;
	fx_open(&fx, loads, 1, "OSRELEASE=6.1\n");
	assert_int_equal(kx_vaddr_read(fx.a, DIRECT + 0x200000, b, 8, "the descriptor ring",
				       &fx.err), -EBADMSG);
	assert_string_equal(fx.err.msg, "the descriptor ring at 0xffff888000200000 is in no PT_LOAD "
			    "segment, and VMCOREINFO has no NUMBER(PAGE_OFFSET) or NUMBER(phys_base) "
			    "to find its physical address");
	fx_close(&fx);
}

static void direct_map_falls_back_to_page_offset(void **state)
{
	/* the PT_LOAD's p_vaddr is not the direct map (as some dump writers leave it) */
	const struct load loads[] = { { 0x100000, 0x100000, 0x1000, 0x1000, 0x80 } };
	struct kx_vaddr_loc loc;
	unsigned char b[1];
	struct fx fx;

	(void)state;
	fx_open(&fx, loads, 1, "NUMBER(PAGE_OFFSET)=0xffff888000000000\n");
	assert_int_equal(kx_vaddr_translate(fx.a, DIRECT + 0x100005, "x", &loc, &fx.err), 0);
	assert_true(loc.fallback);
	assert_int_equal(loc.paddr, 0x100005);
	assert_int_equal(kx_vaddr_read(fx.a, DIRECT + 0x100005, b, 1, "x", &fx.err), 0);
	assert_int_equal(b[0], 0x85);
	/* physical memory the dump doesn't hold */
	assert_int_equal(kx_vaddr_read(fx.a, DIRECT + 0x900000, b, 1, "the log", &fx.err), -EBADMSG);
	assert_string_equal(fx.err.msg, "the log at physical address 0x900000 is in no PT_LOAD "
			    "segment: the dump does not hold that memory (left out by the dump "
			    "filter?)");
	fx_close(&fx);
}

static void x86_64_kernel_image_falls_back_to_phys_base(void **state)
{
	const struct load loads[] = { { 0x3000000, DIRECT + 0x3000000, 0x2000, 0x2000, 0x20 } };
	struct kx_vaddr_loc loc;
	struct fx fx;

	(void)state;
	/* phys_base as the kernel prints it: decimal.  _text at KTEXT + 16 MiB is at 48 MiB */
	fx_open(&fx, loads, 1, "NUMBER(phys_base)=33554432\nKERNELOFFSET=0\n");
	assert_int_equal(kx_vaddr_translate(fx.a, KTEXT + 0x1000010, "x", &loc, &fx.err), 0);
	assert_true(loc.fallback);
	assert_int_equal(loc.paddr, 0x3000010);
	assert_int_equal(loc.offset, 4096 + 0x10);
	fx_close(&fx);
}

static void sequential_reads_go_through_few_preads(void **state)
{
	const struct load loads[] = { { 0x100000, DIRECT + 0x100000, 0x40000, 0x40000, 0 } };
	unsigned char b[24];
	struct fx fx;
	uint64_t before;

	(void)state;
	fx_open(&fx, loads, 1, NULL);
	assert_int_equal(kx_vaddr_read(fx.a, DIRECT + 0x100000, b, 1, "x", &fx.err), 0);
	before = kx_vaddr_preads(fx.a);
	for (uint64_t off = 0; off + sizeof(b) <= 0x40000; off += sizeof(b))
		assert_int_equal(kx_vaddr_read(fx.a, DIRECT + 0x100000 + off, b, sizeof(b), "x",
					       &fx.err), 0);
	/* 256 KiB in 4 KiB blocks: 64 reads, not 10922 */
	assert_true(kx_vaddr_preads(fx.a) - before <= 64);
	fx_close(&fx);
}

/* More PT_LOADs than are scanned (the sorted tables): overlapping segments resolve to the first
 * in header order, by vaddr and by paddr, exactly as a scan of the headers would */
static void many_overlapping_pt_loads_resolve_to_the_first_in_header_order(void **state)
{
	enum { N = 70 };                /* above the 64 that are scanned; headers end before 4096 */
	static struct load loads[N];
	uint64_t file_off[N], off = 4096;
	struct fx fx;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		loads[i] = (struct load){
			.vaddr = DIRECT + (i % 25) * 0x10000 + (i / 25) * 0x4000,
			.paddr = (i % 15) * 0x20000 + i * 0x100,
			.filesz = 0x100, .memsz = 0x8000, .fill = (unsigned char)(i * 7),
		};
		file_off[i] = off;
		off += loads[i].filesz;
	}
	fx_open(&fx, loads, N, NULL);
	for (uint64_t a = 0; a < 0x1a0000; a += 0x7c0) {
		size_t want = N;
		struct kx_vaddr_loc loc;
		unsigned char b;
		int r;

		for (size_t i = 0; i < N && want == N; i++)
			if (DIRECT + a >= loads[i].vaddr && DIRECT + a < loads[i].vaddr + loads[i].memsz)
				want = i;
		kx_err_clear(&fx.err);
		r = kx_vaddr_translate(fx.a, DIRECT + a, "x", &loc, &fx.err);
		if (want == N) {
			assert_int_not_equal(r, 0);
		} else {
			assert_int_equal(r, 0);
			assert_false(loc.fallback);
			assert_int_equal(loc.offset, file_off[want] + (DIRECT + a - loads[want].vaddr));
		}
		want = N;
		for (size_t i = 0; i < N && want == N; i++)
			if (a >= loads[i].paddr && a < loads[i].paddr + loads[i].memsz)
				want = i;
		kx_err_clear(&fx.err);
		r = kx_paddr_read(fx.a, a, &b, 1, "x", &fx.err);
		if (want == N) {
			assert_int_not_equal(r, 0);
		} else {
			uint64_t rel = a - loads[want].paddr;

			assert_int_equal(r, 0);
			assert_int_equal(b, rel < loads[want].filesz ?
					 (unsigned char)(loads[want].fill + (rel & 0x3f)) : 0);
		}
	}
	fx_close(&fx);
}

static void segment_past_the_end_of_the_file_is_reported_truncated(void **state)
{
	const struct load loads[] = { { 0x100000, DIRECT + 0x100000, 0x1000, 0x1000, 0 } };
	unsigned char b[8];
	struct fx fx;

	(void)state;
	fx_open(&fx, loads, 1, NULL);
	assert_int_equal(truncate(fx.path, 4096 + 0x800), 0);
	kx_vaddr_close(fx.a);
	kx_vmcore_close(fx.v);
	assert_int_equal(kx_vmcore_open(fx.path, &fx.v, &fx.err), 0);
	assert_int_equal(kx_vaddr_open(fx.v, NULL, 0, &fx.a, &fx.err), 0);
	assert_int_equal(kx_vaddr_read(fx.a, DIRECT + 0x100ffc, b, 4, "x", &fx.err), -EBADMSG);
	assert_non_null(strstr(fx.err.msg, "truncated"));
	assert_true(fx.err.has_offset);
	fx_close(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address_in_a_pt_load_is_found_by_its_vaddr),
		cmocka_unit_test(read_across_adjacent_segments_and_zero_fill_past_filesz),
		cmocka_unit_test(unmapped_address_is_an_error_naming_what_and_the_missing_keys),
		cmocka_unit_test(direct_map_falls_back_to_page_offset),
		cmocka_unit_test(x86_64_kernel_image_falls_back_to_phys_base),
		cmocka_unit_test(sequential_reads_go_through_few_preads),
		cmocka_unit_test(many_overlapping_pt_loads_resolve_to_the_first_in_header_order),
		cmocka_unit_test(segment_past_the_end_of_the_file_is_reported_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
