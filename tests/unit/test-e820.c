// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch/x86_64/e820: the machine's map from /proc/iomem and /sys/firmware/memmap, and the capture
 * kernel's map the way the kernel's kexec_file_load builds it, checked against the real
 * /proc/iomem of the QEMU lab guests.
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

#include "x86_64/e820.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#ifndef KX_TEST_SRCDIR
#define KX_TEST_SRCDIR "."
#endif

/* "start-end:type ..." all in hex, the way the expectations below are written */
static const char *show(const struct kx_e820 *m)
{
	static char buf[4096];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%llx-%llx:%x", i ? " " : "",
				      (unsigned long long)m->e[i].start,
				      (unsigned long long)m->e[i].end, m->e[i].type);
	return buf;
}

static void every_kernel_type_name_maps_to_its_e820_type(void **state)
{
	static const struct {
		const char *name;
		uint32_t type;
	} t[] = {
		{ "System RAM", 1 },
		{ "Reserved", 2 },
		{ "reserved", 2 },
		{ "ACPI Tables", 3 },
		{ "ACPI Non-volatile Storage", 4 },
		{ "Unusable memory", 5 },
		{ "Persistent Memory", 7 },
		{ "Persistent Memory (legacy)", 12 },
		{ "Soft Reserved", 0xefffffff },
		/* not e820 types */
		{ "System RAM (kmem)", 0 },
		{ "System RAM (virtio_mem)", 0 },
		{ "PCI Bus 0000:00", 0 },
		{ "Kernel code", 0 },
		{ "Crash kernel", 0 },
		{ "system ram", 0 },
		{ "System RAM ", 0 },
		{ "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		assert_int_equal(kx_e820_type_from_name(t[i].name), t[i].type);
		if (t[i].type && strcmp(t[i].name, "reserved"))
			assert_string_equal(kx_e820_type_name(t[i].type), t[i].name);
	}
	assert_string_equal(kx_e820_type_name(6), "Unknown E820 type");
}

static void normalizing_sorts_merges_and_lets_the_higher_type_win(void **state)
{
	static const struct {
		const char *what;
		struct kx_e820_entry in[5];
		size_t n;
		const char *want;
	} t[] = {
		{ "unsorted input comes out sorted",
		  { { 0x100000, 0x1fffff, 1 }, { 0, 0xfff, 2 } }, 2, "0-fff:2 100000-1fffff:1" },
		{ "adjacent entries of one type merge",
		  { { 0x1000, 0x1fff, 1 }, { 0x2000, 0x2fff, 1 }, { 0x3000, 0x3fff, 1 } }, 3,
		  "1000-3fff:1" },
		{ "adjacent entries of two types stay apart",
		  { { 0x1000, 0x1fff, 1 }, { 0x2000, 0x2fff, 3 } }, 2, "1000-1fff:1 2000-2fff:3" },
		{ "overlapping RAM merges",
		  { { 0x1000, 0x5fff, 1 }, { 0x3000, 0x8fff, 1 } }, 2, "1000-8fff:1" },
		{ "reserved inside RAM splits it",
		  { { 0x1000, 0x8fff, 1 }, { 0x3000, 0x3fff, 2 } }, 2,
		  "1000-2fff:1 3000-3fff:2 4000-8fff:1" },
		{ "RAM inside reserved disappears",
		  { { 0x3000, 0x3fff, 1 }, { 0x1000, 0x8fff, 2 } }, 2, "1000-8fff:2" },
		{ "ACPI over reserved over RAM",
		  { { 0, 0xffff, 1 }, { 0x4000, 0xbfff, 2 }, { 0x6000, 0x6fff, 3 } }, 3,
		  "0-3fff:1 4000-5fff:2 6000-6fff:3 7000-bfff:2 c000-ffff:1" },
		{ "duplicates collapse",
		  { { 0x1000, 0x1fff, 4 }, { 0x1000, 0x1fff, 4 } }, 2, "1000-1fff:4" },
		{ "an entry may end at the last byte of the address space",
		  { { 0xffffffffff000000, UINT64_MAX, 2 }, { 0xfffffffffe000000, 0xffffffffffffffff, 1 } },
		  2, "fffffffffe000000-fffffffffeffffff:1 ffffffffff000000-ffffffffffffffff:2" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_e820 m = { 0 };

		for (size_t k = 0; k < t[i].n; k++)
			assert_int_equal(kx_e820_add(&m, t[i].in[k].start, t[i].in[k].end,
						     t[i].in[k].type), 0);
		assert_int_equal(kx_e820_normalize(&m), 0);
		if (strcmp(show(&m), t[i].want))
			fail_msg("%s: got \"%s\", want \"%s\"", t[i].what, show(&m), t[i].want);
		kx_e820_free(&m);
	}
}

static void adding_rejects_backward_ranges_and_type_zero(void **state)
{
	struct kx_e820 m = { 0 };

	(void)state;
	assert_int_equal(kx_e820_add(&m, 0x2000, 0x1fff, 1), -EINVAL);
	assert_int_equal(kx_e820_add(&m, 0x1000, 0x1fff, 0), -EINVAL);
	assert_int_equal(m.n, 0);
	kx_e820_free(&m);
}

static int parse_iomem(const char *text, struct kx_iomem *ret)
{
	struct kx_err e;

	kx_err_clear(&e);
	return kx_iomem_parse(text, strlen(text), ret, &e);
}

static void the_machine_map_takes_e820_names_at_any_depth_but_not_inside_each_other(void **state)
{
	static const char t[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009efff : System RAM\n"
		"0009f000-0009ffff : reserved\n"
		"000a0000-000bffff : PCI Bus 0000:00\n"
		"000f0000-000fffff : Reserved\n"
		"  000f0000-000fffff : System ROM\n"
		"00100000-7ffdffff : System RAM\n"
		"  01000000-01ffffff : Kernel code\n"
		"  30000000-3fffffff : Crash kernel\n"
		"7ffe0000-7fffffff : ACPI Tables\n"
		"80000000-8000ffff : ACPI Non-volatile Storage\n"
		"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
		"  b0000000-bfffffff : Reserved\n"
		"    b0000000-bfffffff : pnp 00:04\n"
		"c0000000-febfffff : PCI Bus 0000:00\n"
		"100000000-17fffffff : System RAM\n"
		"180000000-1bfffffff : Persistent Memory (legacy)\n"
		"  180000000-1bfffffff : namespace0.0\n"
		"1c0000000-1ffffffff : Soft Reserved\n"
		"  1c0000000-1ffffffff : dax0.0\n"
		"    1c0000000-1ffffffff : System RAM (kmem)\n"
		"200000000-23fffffff : Persistent Memory\n"
		"240000000-24fffffff : Unusable memory\n";
	struct kx_iomem io;
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(parse_iomem(t, &io), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_e820_from_iomem(&io, &m, &e), 0);
	assert_string_equal(show(&m),
			    "0-fff:2 1000-9efff:1 9f000-9ffff:2 f0000-fffff:2 100000-7ffdffff:1 "
			    "7ffe0000-7fffffff:3 80000000-8000ffff:4 b0000000-bfffffff:2 "
			    "100000000-17fffffff:1 180000000-1bfffffff:c 1c0000000-1ffffffff:efffffff "
			    "200000000-23fffffff:7 240000000-24fffffff:5");
	kx_e820_free(&m);
	kx_iomem_free(&io);
}

static void an_iomem_read_without_root_is_refused(void **state)
{
	static const char t[] =
		"00000000-00000000 : Reserved\n"
		"00000000-00000000 : System RAM\n";
	struct kx_iomem io;
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(parse_iomem(t, &io), 0);
	assert_true(io.hidden);
	kx_err_clear(&e);
	assert_int_equal(kx_e820_from_iomem(&io, &m, &e), -EACCES);
	assert_non_null(strstr(e.msg, "root"));
	kx_iomem_free(&io);
}

static void the_firmware_map_comes_from_memmap_values(void **state)
{
	static const struct kx_memmap_entry v[] = {
		{ "0x100000\n", "0x7ffdffff\n", "System RAM\n" },
		{ "0x0\n", "0x9fbff\n", "System RAM\n" },
		{ "0x9fc00\n", "0x9ffff\n", "Reserved\n" },
		{ "0x7ffe0000\n", "0x7fffffff\n", "ACPI Tables\n" },
		{ "0xfeffc000", "0xfeffffff", "Unknown E820 type" },
		{ "0x100000000\n", "0x17FFFFFFF\n", "Persistent Memory (legacy)\n" },
	};
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	kx_err_clear(&e);
	assert_int_equal(kx_e820_from_memmap(v, N_ELEMS(v), &m, &e), 0);
	/* unknown types become reserved: the next kernel keeps off memory it cannot name */
	assert_string_equal(show(&m), "0-9fbff:1 9fc00-9ffff:2 100000-7ffdffff:1 "
			    "7ffe0000-7fffffff:3 feffc000-feffffff:2 100000000-17fffffff:c");
	kx_e820_free(&m);
}

static void malformed_memmap_values_are_refused_with_their_offset(void **state)
{
	static const struct {
		struct kx_memmap_entry v;
		int code;
		uint64_t offset;
		const char *msg;
	} t[] = {
		{ { "100000\n", "0x1fffff\n", "System RAM\n" }, -EBADMSG, 0, "memmap/0/start" },
		{ { "0100000\n", "0x1fffff\n", "System RAM\n" }, -EBADMSG, 1, "memmap/0/start" },
		{ { "0x\n", "0x1fffff\n", "System RAM\n" }, -EBADMSG, 2, "memmap/0/start" },
		{ { "0x100000\n", "0x1fzfff\n", "System RAM\n" }, -EBADMSG, 4, "memmap/0/end" },
		{ { "0x100000\n", "0x1fffff\n\n", "System RAM\n" }, -EBADMSG, 9, "memmap/0/end" },
		{ { "0x100000 ", "0x1fffff\n", "System RAM\n" }, -EBADMSG, 8, "memmap/0/start" },
		{ { "0x10000000000000000", "0x1", "System RAM" }, -EBADMSG, 18, "memmap/0/start" },
		{ { "0x200000", "0x1fffff", "System RAM" }, -EBADMSG, 0, "ends (0x1fffff) before" },
		{ { "0x200000", NULL, "System RAM" }, -EINVAL, 0, "lacks" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_e820 m = { 0 };
		struct kx_err e;

		kx_err_clear(&e);
		assert_int_equal(kx_e820_from_memmap(&t[i].v, 1, &m, &e), t[i].code);
		assert_int_equal(e.offset, t[i].offset);
		if (!strstr(e.msg, t[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].msg);
		assert_null(m.e);
	}
}

/* ---- the capture kernel's map ------------------------------------------------------------ */

static int capture(const char *text, const struct kx_ranges *cma, const struct kx_ranges *excl,
		   struct kx_e820 *ret, struct kx_err *e)
{
	static const struct kx_range first_mib = { 0, 0xfffff };
	struct kx_ranges arch = { .r = (struct kx_range *)&first_mib, .n = 1, .cap = 1 };
	struct kx_iomem io;
	struct kx_crashmem cm;
	int r;

	kx_err_clear(e);
	r = kx_iomem_parse(text, strlen(text), &io, e);
	if (r < 0)
		return r;
	r = kx_crashmem_build(&io, &arch, cma, &cm, e);
	if (r == 0) {
		r = kx_e820_capture(&io, &cm, excl, ret, e);
		kx_crashmem_free(&cm);
	}
	kx_iomem_free(&io);
	return r;
}

static const char machine[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000f0000-000fffff : Reserved\n"
	"00100000-7ffdffff : System RAM\n"
	"  10000000-10ffffff : Kernel code\n"
	"  70000000-77ffffff : Crash kernel\n"
	"7ffe0000-7fffffff : ACPI Tables\n"
	"80000000-8000ffff : ACPI Non-volatile Storage\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"100000000-47fffffff : System RAM\n"
	"  460000000-47fffffff : Crash kernel\n"
	"480000000-4bfffffff : Persistent Memory\n";

static void the_capture_map_is_low_ram_firmware_tables_and_the_crash_ranges(void **state)
{
	static const char one[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"0009fc00-0009ffff : Reserved\n"
		"00100000-7ffdffff : System RAM\n"
		"  30000000-3fffffff : Crash kernel\n"
		"7ffe0000-7fffffff : ACPI Tables\n"
		"100000000-17fffffff : System RAM\n"
		"180000000-1bfffffff : Persistent Memory\n";
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(capture(one, NULL, NULL, &m, &e), 0);
	/* no RAM outside the crash range above 1 MiB, no persistent memory */
	assert_string_equal(show(&m), "0-fff:2 1000-9fbff:1 9fc00-9ffff:2 30000000-3fffffff:1 "
			    "7ffe0000-7fffffff:3");
	kx_e820_free(&m);
}

static void crashkernel_high_hands_over_the_high_and_the_low_range(void **state)
{
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(capture(machine, NULL, NULL, &m, &e), 0);
	assert_string_equal(show(&m), "0-fff:2 1000-9fbff:1 9fc00-9ffff:2 f0000-fffff:2 "
			    "70000000-77ffffff:1 7ffe0000-7fffffff:3 80000000-8000ffff:4 "
			    "b0000000-bfffffff:2 460000000-47fffffff:1");
	kx_e820_free(&m);
}

static void the_elfcorehdr_is_cut_out_of_the_crash_range(void **state)
{
	static const struct kx_range hdr[] = { { 0x460800000, 0x46080ffff } };
	const struct kx_ranges excl = { .r = (struct kx_range *)hdr, .n = 1, .cap = 1 };
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(capture(machine, NULL, &excl, &m, &e), 0);
	assert_non_null(strstr(show(&m), " 460000000-4607fffff:1 460810000-47fffffff:1"));
	assert_null(strstr(show(&m), "460800000"));
	kx_e820_free(&m);
}

static void crash_pieces_smaller_than_a_page_are_dropped(void **state)
{
	/* the header ends 0x800 bytes before the end of the low range */
	static const struct kx_range hdr[] = { { 0x70000000, 0x77fff7ff } };
	const struct kx_ranges excl = { .r = (struct kx_range *)hdr, .n = 1, .cap = 1 };
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(capture(machine, NULL, &excl, &m, &e), 0);
	assert_null(strstr(show(&m), "77fff800"));
	assert_null(strstr(show(&m), "70000000-"));
	kx_e820_free(&m);
}

static void crashkernel_cma_ranges_are_ram_for_the_capture_kernel(void **state)
{
	static const struct kx_range cma_r[] = { { 0x200000000, 0x23fffffff } };
	const struct kx_ranges cma = { .r = (struct kx_range *)cma_r, .n = 1, .cap = 1 };
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(capture(machine, &cma, NULL, &m, &e), 0);
	assert_non_null(strstr(show(&m), " 200000000-23fffffff:1 460000000-47fffffff:1"));
	kx_e820_free(&m);
}

static void without_a_crash_reservation_there_is_no_capture_map(void **state)
{
	static const char t[] =
		"00001000-0009fbff : System RAM\n"
		"00100000-7ffdffff : System RAM\n";
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(capture(t, NULL, NULL, &m, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "crashkernel="));
}

/* ---- the QEMU lab guests' real /proc/iomem ------------------------------------------------- */

static char *slurp(const char *rel)
{
	const char *src = getenv("SRCDIR");
	char path[4096];
	char *buf;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", src && *src ? src : KX_TEST_SRCDIR, rel);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	buf = calloc(1, 1 << 16);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void the_lab_guests_capture_maps_are_what_the_kernel_would_build(void **state)
{
	/* Derived by hand from the snapshots: RAM below 1 MiB is 1000-9fbff; the top-level
	 * Reserved ranges stay reserved (SeaBIOS puts the ACPI tables inside 3ffdd000-3fffffff);
	 * the PCI windows, ROMs, IOAPIC, HPET and LAPIC are not e820 entries; the only RAM above
	 * 1 MiB is the crash range without the 64 KiB elfcorehdr at its top. */
	static const struct {
		const char *iomem;
		struct kx_range hdr;
		const char *want;
	} t[] = {
		{ "tests/fixtures/lab/qemu-1g-6.1/proc/iomem", { 0x3dff0000, 0x3dffffff },
		  "0-fff:2 1000-9fbff:1 9fc00-9ffff:2 f0000-fffff:2 2e000000-3dfeffff:1 "
		  "3ffdd000-3fffffff:2 fffc0000-ffffffff:2 fd00000000-ffffffffff:2" },
		{ "tests/fixtures/lab/qemu-1g-6.12/proc/iomem", { 0x30ff0000, 0x30ffffff },
		  "0-fff:2 1000-9fbff:1 9fc00-9ffff:2 f0000-fffff:2 21000000-30feffff:1 "
		  "3ffdd000-3fffffff:2 fffc0000-ffffffff:2 fd00000000-ffffffffff:2" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		const struct kx_ranges excl = { .r = (struct kx_range *)&t[i].hdr, .n = 1, .cap = 1 };
		char *text = slurp(t[i].iomem);
		struct kx_e820 m;
		struct kx_err e;
		int r = capture(text, NULL, &excl, &m, &e);

		if (r < 0)
			fail_msg("%s: %s", t[i].iomem, e.msg);
		if (strcmp(show(&m), t[i].want))
			fail_msg("%s:\n got  %s\n want %s", t[i].iomem, show(&m), t[i].want);
		kx_e820_free(&m);
		free(text);
	}
}

static void the_lab_guests_machine_map_keeps_all_ram(void **state)
{
	char *text = slurp("tests/fixtures/lab/qemu-1g-6.12/proc/iomem");
	struct kx_iomem io;
	struct kx_e820 m;
	struct kx_err e;

	(void)state;
	assert_int_equal(parse_iomem(text, &io), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_e820_from_iomem(&io, &m, &e), 0);
	assert_string_equal(show(&m), "0-fff:2 1000-9fbff:1 9fc00-9ffff:2 f0000-fffff:2 "
			    "100000-3ffdcfff:1 3ffdd000-3fffffff:2 fffc0000-ffffffff:2 "
			    "fd00000000-ffffffffff:2");
	kx_e820_free(&m);
	kx_iomem_free(&io);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_kernel_type_name_maps_to_its_e820_type),
		cmocka_unit_test(normalizing_sorts_merges_and_lets_the_higher_type_win),
		cmocka_unit_test(adding_rejects_backward_ranges_and_type_zero),
		cmocka_unit_test(the_machine_map_takes_e820_names_at_any_depth_but_not_inside_each_other),
		cmocka_unit_test(an_iomem_read_without_root_is_refused),
		cmocka_unit_test(the_firmware_map_comes_from_memmap_values),
		cmocka_unit_test(malformed_memmap_values_are_refused_with_their_offset),
		cmocka_unit_test(the_capture_map_is_low_ram_firmware_tables_and_the_crash_ranges),
		cmocka_unit_test(crashkernel_high_hands_over_the_high_and_the_low_range),
		cmocka_unit_test(the_elfcorehdr_is_cut_out_of_the_crash_range),
		cmocka_unit_test(crash_pieces_smaller_than_a_page_are_dropped),
		cmocka_unit_test(crashkernel_cma_ranges_are_ram_for_the_capture_kernel),
		cmocka_unit_test(without_a_crash_reservation_there_is_no_capture_map),
		cmocka_unit_test(the_lab_guests_capture_maps_are_what_the_kernel_would_build),
		cmocka_unit_test(the_lab_guests_machine_map_keeps_all_ram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
