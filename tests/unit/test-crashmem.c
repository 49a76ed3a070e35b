// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/crashmem: System RAM at any depth, every crash range, what a dump covers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crashmem.h"

static const char *show(const struct kx_ranges *l)
{
	static char buf[1024];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%llx-%llx", i ? " " : "",
				      (unsigned long long)l->r[i].start,
				      (unsigned long long)l->r[i].end);
	return buf;
}

static int build(const char *text, const struct kx_ranges *cma, struct kx_crashmem *ret,
		 struct kx_err *e)
{
	static const struct kx_range first_mib = { 0, 0xfffff };
	struct kx_ranges excl = { .r = (struct kx_range *)&first_mib, .n = 1, .cap = 1 };
	struct kx_iomem m;
	int r;

	kx_err_clear(e);
	r = kx_iomem_parse(text, strlen(text), &m, e);
	if (r < 0)
		return r;
	r = kx_crashmem_build(&m, &excl, cma, ret, e);
	kx_iomem_free(&m);
	return r;
}

static void a_guest_dumps_its_ram_without_the_crash_range_and_the_first_mib(void **state)
{
	static const char t[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"00100000-3ffdffff : System RAM\n"
		"  1b000000-1c20ca31 : Kernel code\n"
		"  1c400000-1cd9dfff : Kernel rodata\n"
		"  1d6c5000-1dbfffff : Kernel bss\n"
		"  2b000000-3affffff : Crash kernel\n"
		"40000000-febfffff : PCI Bus 0000:00\n";
	struct kx_crashmem c;
	struct kx_err e;

	(void)state;
	assert_int_equal(build(t, NULL, &c, &e), 0);
	assert_string_equal(show(&c.ram), "1000-9fbff 100000-3ffdffff");
	assert_int_equal(c.ncrash, 1);
	assert_int_equal(c.main, 0);
	assert_int_equal(kx_crashmem_main(&c)->start, 0x2b000000);
	assert_int_equal(c.crash_total, 256 << 20);
	assert_true(c.has_kernel);
	assert_int_equal(c.kernel_start, 0x1b000000);
	assert_int_equal(c.kernel_end, 0x1dbfffff);
	assert_string_equal(show(&c.excluded), "0-fffff 2b000000-3affffff");
	assert_string_equal(show(&c.dump), "100000-2affffff 3b000000-3ffdffff");
	kx_crashmem_free(&c);
}

static void crashkernel_high_gives_a_main_and_a_low_range(void **state)
{
	static const char t[] =
		"00100000-7fffffff : System RAM\n"
		"  70000000-7fffffff : Crash kernel\n"
		"100000000-47fffffff : System RAM\n"
		"  460000000-47fffffff : Crash kernel\n";
	struct kx_crashmem c;
	struct kx_err e;

	(void)state;
	assert_int_equal(build(t, NULL, &c, &e), 0);
	assert_int_equal(c.ncrash, 2);
	assert_int_equal(c.crash[0].role, KX_CRASH_LOW);
	assert_int_equal(c.crash[1].role, KX_CRASH_MAIN);
	assert_int_equal(kx_crashmem_main(&c)->start, 0x460000000);
	assert_int_equal(c.crash_total, 768u << 20);
	assert_string_equal(show(&c.dump), "100000-6fffffff 100000000-45fffffff");
	kx_crashmem_free(&c);
}

static void system_ram_of_devices_counts_at_any_depth(void **state)
{
	static const char t[] =
		"00100000-3fffffff : System RAM\n"
		"140000000-23fffffff : virtio0\n"
		"  140000000-147ffffff : System RAM (virtio_mem)\n"
		"  148000000-14fffffff : System RAM (virtio_mem)\n"
		"240000000-27fffffff : dax0.0\n"
		"  240000000-27fffffff : System RAM (kmem)\n"
		"280000000-2bfffffff : Persistent Memory\n";
	struct kx_crashmem c;
	struct kx_err e;

	(void)state;
	assert_int_equal(build(t, NULL, &c, &e), 0);
	/* the two adjacent virtio-mem blocks merge into one range */
	assert_string_equal(show(&c.ram), "100000-3fffffff 140000000-14fffffff 240000000-27fffffff");
	assert_int_equal(c.main, -1);
	assert_null(kx_crashmem_main(&c));
	assert_false(c.has_kernel);
	assert_string_equal(show(&c.dump), show(&c.ram));
	kx_crashmem_free(&c);
}

static void cma_ranges_are_left_out_but_not_counted_as_reserved(void **state)
{
	static const char t[] =
		"00100000-7fffffff : System RAM\n"
		"  70000000-7fffffff : Crash kernel\n";
	struct kx_range cr = { 0x40000000, 0x4fffffff };
	struct kx_ranges cma = { .r = &cr, .n = 1, .cap = 1 };
	struct kx_crashmem c;
	struct kx_err e;

	(void)state;
	assert_int_equal(build(t, &cma, &c, &e), 0);
	assert_int_equal(c.ncrash, 2);
	assert_int_equal(c.crash[1].role, KX_CRASH_CMA);
	assert_int_equal(c.crash_total, 256u << 20);
	assert_int_equal(kx_crashmem_main(&c)->start, 0x70000000);
	assert_string_equal(show(&c.dump), "100000-3fffffff 50000000-6fffffff");
	kx_crashmem_free(&c);
}

static void hidden_addresses_are_eacces_with_the_fix(void **state)
{
	static const char t[] = "00000000-00000000 : System RAM\n"
				"  00000000-00000000 : Crash kernel\n";
	struct kx_crashmem c;
	struct kx_err e;

	(void)state;
	assert_int_equal(build(t, NULL, &c, &e), -EACCES);
	assert_non_null(strstr(e.msg, "run as root"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_guest_dumps_its_ram_without_the_crash_range_and_the_first_mib),
		cmocka_unit_test(crashkernel_high_gives_a_main_and_a_low_range),
		cmocka_unit_test(system_ram_of_devices_counts_at_any_depth),
		cmocka_unit_test(cma_ranges_are_left_out_but_not_counted_as_reserved),
		cmocka_unit_test(hidden_addresses_are_eacces_with_the_fix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
