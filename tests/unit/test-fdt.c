// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/fdt: the RAM a device tree describes (memory nodes in 1 and 2 cells, POWER LMBs v1 and v2
 * with their flags), the /chosen edit of a crash load (growing a tight blob, replacing what an
 * earlier edit left), and malformed blobs refused with the offset named.  The blobs are the
 * .dts files of tests/fixtures/dts compiled by dtc at build time.
 */
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

#include <libfdt.h>

#include "dtb.h"

#ifndef KX_DTB_DIR
#error "KX_DTB_DIR must name the directory of the compiled fixtures"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

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

static void assert_ram(const struct kx_fdt_memory *m, const struct kx_range *want, size_t n)
{
	if (m->ram.n != n)
		fail_msg("%zu ranges, expected %zu", m->ram.n, n);
	for (size_t i = 0; i < n; i++)
		if (m->ram.r[i].start != want[i].start || m->ram.r[i].end != want[i].end)
			fail_msg("range %zu is [%#llx, %#llx], expected [%#llx, %#llx]", i,
				 (unsigned long long)m->ram.r[i].start,
				 (unsigned long long)m->ram.r[i].end,
				 (unsigned long long)want[i].start, (unsigned long long)want[i].end);
}

static void memory_nodes_in_two_cells_skip_disabled_and_other_nodes(void **state)
{
	static const struct kx_range want[] = {
		{ 0x40000000, 0x7fffffff },
		{ 0x100000000, 0x11fffffff },
		{ 0x140000000, 0x14fffffff },
	};
	struct kx_fdt_memory m;
	size_t len;
	void *b = load("arm64-virt", &len);

	(void)state;
	assert_int_equal(kx_fdt_memory(b, len, &m, NULL), 0);
	assert_int_equal(m.addr_cells, 2);
	assert_int_equal(m.size_cells, 2);
	assert_int_equal(m.nodes, 2);
	assert_int_equal(m.drconf_version, 0);
	assert_ram(&m, want, N_ELEMS(want));
	kx_fdt_memory_free(&m);
	free(b);
}

static void one_cell_usable_memory_wins_and_names_count_at_the_root_only(void **state)
{
	static const struct kx_range want[] = {
		{ 0x0, 0x07ffffff },            /* memory@0: known by its name */
		{ 0x80000000, 0x8fffffff },     /* linux,usable-memory, not reg */
	};
	struct kx_fdt_memory m;
	size_t len;
	void *b = load("cells-1", &len);

	(void)state;
	assert_int_equal(kx_fdt_memory(b, len, &m, NULL), 0);
	assert_int_equal(m.addr_cells, 1);
	assert_int_equal(m.size_cells, 1);
	assert_int_equal(m.nodes, 2);
	assert_ram(&m, want, N_ELEMS(want));
	kx_fdt_memory_free(&m);
	free(b);
}

static void lmbs_v1_are_ram_when_assigned_and_not_reserved(void **state)
{
	static const struct kx_range want[] = {
		{ 0x0, 0x0fffffff },            /* memory@0, the real mode area */
		{ 0x40000000, 0x5fffffff },     /* two ASSIGNED LMBs, merged */
	};
	struct kx_fdt_memory m;
	size_t len;
	void *b = load("ppc-lmb-v1", &len);

	(void)state;
	assert_int_equal(kx_fdt_memory(b, len, &m, NULL), 0);
	assert_int_equal(m.drconf_version, 1);
	assert_int_equal(m.lmb_size, 0x10000000);
	assert_int_equal(m.lmbs, 6);
	assert_int_equal(m.lmbs_assigned, 3);
	assert_int_equal(m.lmbs_reserved, 3);
	assert_ram(&m, want, N_ELEMS(want));
	kx_fdt_memory_free(&m);
	free(b);
}

static void lmbs_v2_sets_expand_to_seq_lmbs_times_the_lmb_size(void **state)
{
	static const struct kx_range want[] = {
		{ 0x0, 0x0fffffff },
		{ 0x40000000, 0xbfffffff },     /* 8 ASSIGNED LMBs */
		{ 0x100000000, 0x13fffffff },   /* 4 ASSIGNED|HOTREMOVABLE LMBs */
	};
	struct kx_fdt_memory m;
	size_t len;
	void *b = load("ppc-lmb-v2", &len);

	(void)state;
	assert_int_equal(kx_fdt_memory(b, len, &m, NULL), 0);
	assert_int_equal(m.drconf_version, 2);
	assert_int_equal(m.lmbs, 19);
	assert_int_equal(m.lmbs_assigned, 13);
	assert_int_equal(m.lmbs_reserved, 5);
	assert_ram(&m, want, N_ELEMS(want));
	kx_fdt_memory_free(&m);
	free(b);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Fixtures, the arm64 one with a 32-bit word of its header replaced or cut short. */
static void malformed_blobs_are_refused_naming_the_problem_and_offset(void **state)
{
	static const struct {
		const char *fixture;
		size_t cut;                     /* 0: whole blob */
		int word;                       /* header word to replace, -1: none */
		uint32_t value;
		int rc;
		const char *msg;
		uint64_t offset;
	} t[] = {
		{ "arm64-virt", 20, -1, 0, -EBADMSG, "shorter than its 40-byte header", 0 },
		{ "arm64-virt", 100, -1, 0, -EBADMSG, "larger than the 100 bytes", 4 },
		{ "arm64-virt", 0, 0, 0xfeedd00d, -EBADMSG, "magic is 0xfeedd00d", 0 },
		{ "arm64-virt", 0, 1, 0x10000, -EBADMSG, "totalsize 65536 is larger", 4 },
		{ "arm64-virt", 0, 2, 0x7ffffff0, -EBADMSG, "blocks overlap or leave the blob", 8 },
		{ "arm64-virt", 0, 5, 1, -EBADMSG, "version 1 (compatible with 16) is not 16 or 17",
		  20 },
		/* found by fuzz-fdt: libfdt 1.6.1's fdt_check_full() reads out of bounds on these */
		{ "arm64-virt", 0, 5, 6, -EBADMSG, "version 6", 20 },
		{ "arm64-virt", 0, 4, 0x48, -EBADMSG, "blocks overlap or leave the blob", 8 },
		{ "bad-reg", 0, -1, 0, -EBADMSG, "/memory@0 reg is 12 bytes, not a multiple of "
		  "the 16 bytes", 0 },
		{ "lmb-absurd", 0, -1, 0, -E2BIG, "counts 4294967295 entries, more than", 0 },
		{ "lmb-short", 0, -1, 0, -EBADMSG, "counts 3 entries of 24 bytes but has only 24",
		  0 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_fdt_chosen ch = { .bootargs = "x" };
		struct kx_fdt_memory m;
		struct kx_err e;
		size_t len, olen;
		void *out;
		unsigned char *b = load(t[i].fixture, &len);

		if (t[i].word >= 0)
			put_be32(b + 4 * t[i].word, t[i].value);
		if (t[i].cut)
			len = t[i].cut;
		kx_err_clear(&e);
		assert_int_equal(kx_fdt_memory(b, len, &m, &e), t[i].rc);
		if (!strstr(e.msg, t[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].msg);
		assert_true(e.has_offset);
		if (t[i].offset)
			assert_int_equal(e.offset, t[i].offset);
		else if (!strcmp(t[i].fixture, "arm64-virt"))
			assert_int_equal(e.offset, 0);
		else
			assert_true(e.offset > 40 && e.offset < len);   /* the property */
		/* the editor validates the same way (LMB tables are the reader's business) */
		if (!strcmp(t[i].fixture, "arm64-virt"))
			assert_int_equal(kx_fdt_edit_chosen(b, len, &ch, &out, &olen, NULL),
					 -EBADMSG);
		free(b);
	}
}

static void a_corrupt_structure_block_is_refused(void **state)
{
	struct kx_fdt_memory m;
	struct kx_err e;
	size_t len;
	unsigned char *b = load("arm64-virt", &len);
	uint32_t st = fdt_off_dt_struct(b);

	(void)state;
	put_be32(b + st, 0x00000009);           /* FDT_END where the root's BEGIN_NODE is */
	kx_err_clear(&e);
	assert_int_equal(kx_fdt_memory(b, len, &m, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "has no root node"));
	assert_int_equal(e.offset, st);
	free(b);

	b = load("arm64-virt", &len);           /* root #address-cells = <3> */
	assert_int_equal(fdt_setprop_inplace_u32(b, 0, "#address-cells", 3), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_fdt_memory(b, len, &m, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "root #address-cells is 3"));
	free(b);
}

/* found by fuzz-fdt: a property of length -12 sends libfdt 1.6.1's fdt_check_full() back to
 * the same tag forever; such lengths are refused before libfdt sees the blob (alarm: a
 * regression fails here instead of hanging the suite) */
static void a_property_length_that_steps_back_or_out_is_refused(void **state)
{
	static const uint32_t lens[] = { 0xfffffff4, 0xfffffff8, 0xffffffff, 0x7fffffff };
	struct kx_fdt_memory m;
	struct kx_err e;

	(void)state;
	alarm(20);
	for (size_t i = 0; i < N_ELEMS(lens); i++) {
		size_t len, olen;
		unsigned char *b = load("arm64-virt", &len);
		uint32_t st = fdt_off_dt_struct(b);
		int prop = fdt_first_property_offset(b, 0);
		struct kx_fdt_chosen ch = { .bootargs = "x" };
		void *out;

		assert_true(prop >= 0);
		put_be32(b + st + (uint32_t)prop + 4, lens[i]);
		kx_err_clear(&e);
		assert_int_equal(kx_fdt_memory(b, len, &m, &e), -EBADMSG);
		if (!strstr(e.msg, "more than the") || !strstr(e.msg, "bytes left in the structure"))
			fail_msg("length 0x%x: \"%s\"", lens[i], e.msg);
		assert_true(e.has_offset);
		assert_int_equal(e.offset, st + (uint32_t)prop + 4);
		kx_err_clear(&e);
		assert_int_equal(kx_fdt_edit_chosen(b, len, &ch, &out, &olen, &e), -EBADMSG);
		free(b);
	}
	alarm(0);
}

/* found by fuzz-fdt: libfdt reads a v16 blob's names anywhere in the blob, but an edit copies
 * only size_dt_strings bytes of them; a name outside the strings block as sized is refused */
static void a_name_outside_the_sized_strings_block_is_refused(void **state)
{
	struct kx_fdt_memory m;
	struct kx_err e;
	size_t len;
	unsigned char *b = load("arm64-virt", &len);
	uint32_t st = fdt_off_dt_struct(b);
	int prop = fdt_first_property_offset(b, 0);

	(void)state;
	assert_true(prop >= 0);
	put_be32(b + 20, 16);                   /* version 16 */
	put_be32(b + 32, 4);                    /* size_dt_strings */
	kx_err_clear(&e);
	assert_int_equal(kx_fdt_memory(b, len, &m, &e), -EBADMSG);
	if (!strstr(e.msg, "outside the 4-byte strings block"))
		fail_msg("\"%s\"", e.msg);
	assert_true(e.has_offset);
	assert_int_equal(e.offset, st + (uint32_t)prop + 8);
	free(b);
}

static const unsigned char *chosen_prop(const void *b, const char *name, int *len)
{
	int chosen = fdt_path_offset(b, "/chosen");

	assert_true(chosen >= 0);
	return fdt_getprop(b, chosen, name, len);
}

static uint64_t be64_at(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static bool has_rsv(const void *b, uint64_t start, uint64_t size)
{
	for (int i = 0; i < fdt_num_mem_rsv(b); i++) {
		uint64_t a, s;

		assert_int_equal(fdt_get_mem_rsv(b, i, &a, &s), 0);
		if (a == start && s == size)
			return true;
	}
	return false;
}

static void crash_edit_grows_a_tight_blob_and_sets_chosen(void **state)
{
	static const struct kx_range usable_r[] = {
		{ 0xa0000000, 0xbfffffff },     /* main crash range first */
		{ 0x60000000, 0x6fffffff },
	};
	static const unsigned char seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct kx_ranges usable = { .r = (struct kx_range *)usable_r, .n = 2, .cap = 2 };
	struct kx_fdt_chosen ch = {
		.has_elfcorehdr = true, .elfcorehdr_addr = 0xbfe00000, .elfcorehdr_size = 0x10000,
		.usable = &usable, .bootargs = "console=ttyAMA0 root=/dev/vda1 nr_cpus=1 "
		"reset_devices",
		.has_initrd = true, .initrd_start = 0xa8000000, .initrd_end = 0xa8400000,
		.has_kaslr_seed = true, .kaslr_seed = 0x0123456789abcdefULL,
		.rng_seed = seed, .rng_seed_len = sizeof(seed), .reserve = true,
	};
	const unsigned char *p;
	size_t len, olen;
	unsigned char *copy;
	void *out;
	int l;
	void *b = load("arm64-virt", &len);

	(void)state;
	assert_int_equal(fdt_totalsize(b), len);        /* dtc left no room */
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, b, len);
	assert_int_equal(kx_fdt_edit_chosen(b, len, &ch, &out, &olen, NULL), 0);
	assert_memory_equal(b, copy, len);              /* the input is left alone */
	assert_true(olen > len);
	assert_int_equal(fdt_totalsize(out), olen);
	assert_int_equal(fdt_check_full(out, olen), 0);

	p = chosen_prop(out, "linux,elfcorehdr", &l);
	assert_non_null(p);
	assert_int_equal(l, 16);                        /* <addr size> in 2+2 cells */
	assert_int_equal(be64_at(p), 0xbfe00000);
	assert_int_equal(be64_at(p + 8), 0x10000);
	p = chosen_prop(out, "linux,usable-memory-range", &l);
	assert_int_equal(l, 32);
	assert_int_equal(be64_at(p), 0xa0000000);
	assert_int_equal(be64_at(p + 8), 0x20000000);
	assert_int_equal(be64_at(p + 16), 0x60000000);
	assert_int_equal(be64_at(p + 24), 0x10000000);
	p = chosen_prop(out, "bootargs", &l);
	assert_string_equal((const char *)p, ch.bootargs);
	p = chosen_prop(out, "linux,initrd-start", &l);
	assert_int_equal(l, 8);
	assert_int_equal(be64_at(p), 0xa8000000);
	p = chosen_prop(out, "linux,initrd-end", &l);
	assert_int_equal(be64_at(p), 0xa8400000);
	p = chosen_prop(out, "kaslr-seed", &l);
	assert_int_equal(l, 8);
	assert_int_equal(be64_at(p), 0x0123456789abcdefULL);
	p = chosen_prop(out, "rng-seed", &l);
	assert_int_equal(l, 32);
	assert_memory_equal(p, seed, 32);
	assert_non_null(chosen_prop(out, "stdout-path", &l));  /* the rest is kept */
	/* the firmware's reservation of the old initrd went with it; the new ones are there */
	assert_int_equal(fdt_num_mem_rsv(out), 2);
	assert_false(has_rsv(out, 0x48000000, 0x800000));
	assert_true(has_rsv(out, 0xbfe00000, 0x10000));
	assert_true(has_rsv(out, 0xa8000000, 0x400000));
	free(copy);
	free(b);
	free(out);
}

static void a_second_edit_replaces_the_first(void **state)
{
	static const struct kx_range usable_r[] = { { 0xa0000000, 0xbfffffff } };
	struct kx_ranges usable = { .r = (struct kx_range *)usable_r, .n = 1, .cap = 1 };
	struct kx_fdt_chosen first = {
		.has_elfcorehdr = true, .elfcorehdr_addr = 0xbfe00000, .elfcorehdr_size = 0x10000,
		.usable = &usable, .bootargs = "one", .has_initrd = true,
		.initrd_start = 0xa8000000, .initrd_end = 0xa8400000, .has_kaslr_seed = true,
		.kaslr_seed = 1, .reserve = true,
	};
	struct kx_fdt_chosen second = {
		.has_elfcorehdr = true, .elfcorehdr_addr = 0xbff00000, .elfcorehdr_size = 0x20000,
		.usable = &usable, .reserve = true,
	};
	size_t len, l1, l2;
	void *one, *two;
	int l;
	void *b = load("arm64-virt", &len);

	(void)state;
	assert_int_equal(kx_fdt_edit_chosen(b, len, &first, &one, &l1, NULL), 0);
	assert_int_equal(kx_fdt_edit_chosen(one, l1, &second, &two, &l2, NULL), 0);
	assert_int_equal(fdt_check_full(two, l2), 0);
	chosen_prop(two, "linux,usable-memory-range", &l);
	assert_int_equal(l, 16);                        /* replaced, not appended */
	assert_int_equal(be64_at(chosen_prop(two, "linux,elfcorehdr", &l)), 0xbff00000);
	assert_int_equal(l, 16);
	assert_null(chosen_prop(two, "linux,initrd-start", &l));
	assert_null(chosen_prop(two, "linux,initrd-end", &l));
	assert_null(chosen_prop(two, "bootargs", &l));
	assert_null(chosen_prop(two, "kaslr-seed", &l));
	assert_int_equal(fdt_num_mem_rsv(two), 1);      /* old elfcorehdr and initrd: gone */
	assert_true(has_rsv(two, 0xbff00000, 0x20000));
	free(b);
	free(one);
	free(two);
}

static void chosen_is_created_and_one_cell_values_must_fit(void **state)
{
	struct kx_fdt_chosen ch = {
		.has_elfcorehdr = true, .elfcorehdr_addr = 0x8fe00000, .elfcorehdr_size = 0x1000,
		.bootargs = "console=ttyS0",
	};
	const unsigned char *p;
	struct kx_err e;
	size_t len, olen;
	void *out;
	int l;
	void *b = load("cells-1", &len);

	(void)state;
	assert_true(fdt_path_offset(b, "/chosen") < 0);
	assert_int_equal(kx_fdt_edit_chosen(b, len, &ch, &out, &olen, NULL), 0);
	p = chosen_prop(out, "linux,elfcorehdr", &l);
	assert_int_equal(l, 8);                         /* <addr size> in 1+1 cells */
	assert_memory_equal(p, "\x8f\xe0\x00\x00\x00\x00\x10\x00", 8);
	free(out);

	ch.elfcorehdr_addr = 0x100000000;
	kx_err_clear(&e);
	assert_int_equal(kx_fdt_edit_chosen(b, len, &ch, &out, &olen, &e), -ERANGE);
	assert_non_null(strstr(e.msg, "does not fit the root's 1 address and 1 size cells"));
	ch.elfcorehdr_addr = 0x1000;
	ch.has_initrd = true;
	ch.initrd_start = 0x2000;
	ch.initrd_end = 0x1000;
	assert_int_equal(kx_fdt_edit_chosen(b, len, &ch, &out, &olen, NULL), -EINVAL);
	free(b);
}

/* dtc's own fdtget reads the edited blob back: an independent parser agrees. */
static void fdtget_reads_the_edited_blob(void **state)
{
	static const struct kx_range usable_r[] = { { 0xa0000000, 0xbfffffff } };
	struct kx_ranges usable = { .r = (struct kx_range *)usable_r, .n = 1, .cap = 1 };
	struct kx_fdt_chosen ch = {
		.has_elfcorehdr = true, .elfcorehdr_addr = 0xbfe00000, .elfcorehdr_size = 0x10000,
		.usable = &usable, .bootargs = "console=ttyAMA0 irqpoll",
	};
	char path[] = "/tmp/kx-test-fdt.XXXXXX", cmd[600], line[256];
	size_t len, olen;
	void *out;
	FILE *f;
	int fd;
	void *b = load("arm64-virt", &len);

	(void)state;
	assert_int_equal(kx_fdt_edit_chosen(b, len, &ch, &out, &olen, NULL), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, olen), (ssize_t)olen);
	close(fd);
	snprintf(cmd, sizeof(cmd), "fdtget -t x %s /chosen linux,elfcorehdr /chosen linux,usable-memory-range && "
		 "fdtget -t s %s /chosen bootargs", path, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "0 bfe00000 0 10000\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "0 a0000000 0 20000000\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "console=ttyAMA0 irqpoll\n");
	assert_int_equal(pclose(f), 0);
	unlink(path);
	free(out);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memory_nodes_in_two_cells_skip_disabled_and_other_nodes),
		cmocka_unit_test(one_cell_usable_memory_wins_and_names_count_at_the_root_only),
		cmocka_unit_test(lmbs_v1_are_ram_when_assigned_and_not_reserved),
		cmocka_unit_test(lmbs_v2_sets_expand_to_seq_lmbs_times_the_lmb_size),
		cmocka_unit_test(malformed_blobs_are_refused_naming_the_problem_and_offset),
		cmocka_unit_test(a_corrupt_structure_block_is_refused),
		cmocka_unit_test(a_property_length_that_steps_back_or_out_is_refused),
		cmocka_unit_test(a_name_outside_the_sized_strings_block_is_refused),
		cmocka_unit_test(crash_edit_grows_a_tight_blob_and_sets_chosen),
		cmocka_unit_test(a_second_edit_replaces_the_first),
		cmocka_unit_test(chosen_is_created_and_one_cell_values_must_fit),
		cmocka_unit_test(fdtget_reads_the_edited_blob),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
