// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/vmcoreinfo: KEY=VALUE lookups in the VMCOREINFO note text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmcoreinfo.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* As an x86_64 kernel writes it (abridged); the last line has no newline on purpose. */
static const char info[] =
	"OSRELEASE=6.1.0-13-amd64\n"
	"BUILD-ID=3b1c2e1d0f\n"
	"PAGESIZEX=1\n"
	"PAGESIZE=4096\n"
	"SYMBOL(prb)=ffffffff8a0b1c20\n"
	"OFFSET(printk_ringbuffer.desc_ring)=0\n"
	"SIZE(printk_info)=88\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"CMDLINE=root=/dev/sda1 crashkernel=256M\n"
	"EMPTY=\n"
	"GARBAGE=4k\n"
	"CRASHTIME=1700000000";

/*
 * The text is passed in a heap block of exactly `len` bytes with no terminating NUL, so that a
 * read past len is caught by ASan.
 */
static int get(const char *text, size_t len, const char *key, char *ret, size_t size)
{
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = kx_vmcoreinfo_get(copy, len, key, ret, size);
	free(copy);
	return r;
}

static int get_u64(const char *text, size_t len, const char *key, int base, uint64_t *ret)
{
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = kx_vmcoreinfo_get_u64(copy, len, key, base, ret);
	free(copy);
	return r;
}

static void get_finds_a_key_on_any_line_and_copies_its_value(void **state)
{
	static const struct {
		const char *key;
		int ret;
		const char *value;
	} t[] = {
		{ "OSRELEASE", 0, "6.1.0-13-amd64" },           /* first line */
		{ "PAGESIZE", 0, "4096" },                      /* middle, after its prefix twin */
		{ "PAGESIZEX", 0, "1" },
		{ "SYMBOL(prb)", 0, "ffffffff8a0b1c20" },
		{ "CMDLINE", 0, "root=/dev/sda1 crashkernel=256M" },  /* '=' inside the value */
		{ "EMPTY", 0, "" },
		{ "CRASHTIME", 0, "1700000000" },               /* last line, no newline */
		{ "PAGE", -ENOENT, NULL },                      /* a prefix is not a key */
		{ "PAGESIZ", -ENOENT, NULL },
		{ "pagesize", -ENOENT, NULL },
		{ "SYMBOL(prb", -ENOENT, NULL },
		{ "4096", -ENOENT, NULL },                      /* values are not keys */
		{ "NOSUCHKEY", -ENOENT, NULL },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char val[64] = "untouched", got[128], want[128];
		int r = get(info, sizeof(info) - 1, t[i].key, val, sizeof(val));

		snprintf(got, sizeof(got), "%s -> %d [%s]", t[i].key, r, val);
		snprintf(want, sizeof(want), "%s -> %d [%s]", t[i].key, t[i].ret,
			 t[i].ret == 0 ? t[i].value : "untouched");
		assert_string_equal(got, want);
	}
}

static void get_stops_at_a_nul_in_the_text(void **state)
{
	/* the note's descriptor is NUL-padded: nothing after the first NUL is VMCOREINFO */
	static const char text[] = "A=1\nB=2\0C=3\nD=4\n";
	char val[16];

	(void)state;
	assert_int_equal(get(text, sizeof(text) - 1, "A", val, sizeof(val)), 0);
	assert_string_equal(val, "1");
	assert_int_equal(get(text, sizeof(text) - 1, "B", val, sizeof(val)), 0);
	assert_string_equal(val, "2");
	assert_int_equal(get(text, sizeof(text) - 1, "C", val, sizeof(val)), -ENOENT);
	assert_int_equal(get(text, sizeof(text) - 1, "D", val, sizeof(val)), -ENOENT);
}

static void get_reads_only_len_bytes(void **state)
{
	static const char text[] = "PAGESIZE=4096\nCRASHTIME=17";
	char val[16];

	(void)state;
	/* cut inside the value: the value is what lies inside len */
	assert_int_equal(get(text, 11, "PAGESIZE", val, sizeof(val)), 0);
	assert_string_equal(val, "40");
	/* cut right after the '=' */
	assert_int_equal(get(text, 9, "PAGESIZE", val, sizeof(val)), 0);
	assert_string_equal(val, "");
	/* cut inside the key */
	assert_int_equal(get(text, 5, "PAGESIZE", val, sizeof(val)), -ENOENT);
	assert_int_equal(get(text, 0, "PAGESIZE", val, sizeof(val)), -ENOENT);
	assert_int_equal(get(text, 14, "CRASHTIME", val, sizeof(val)), -ENOENT);
}

static void get_reports_a_value_that_does_not_fit_as_enobufs(void **state)
{
	char val[8];

	(void)state;
	memset(val, 'X', sizeof(val));
	/* "4096" needs 5 bytes */
	assert_int_equal(get(info, sizeof(info) - 1, "PAGESIZE", val, 4), -ENOBUFS);
	assert_int_equal(val[0], 'X');
	assert_int_equal(get(info, sizeof(info) - 1, "PAGESIZE", val, 5), 0);
	assert_string_equal(val, "4096");
	assert_int_equal(get(info, sizeof(info) - 1, "EMPTY", val, 1), 0);
	assert_string_equal(val, "");
}

static void get_u64_reads_decimal_keys_and_hex_symbols(void **state)
{
	static const struct {
		const char *key;
		int base;
		int ret;
		uint64_t value;
	} t[] = {
		{ "PAGESIZE", 0, 0, 4096 },
		{ "PAGESIZE", 10, 0, 4096 },
		{ "PAGESIZE", 16, 0, 0x4096 },                  /* an explicit base wins */
		{ "SIZE(printk_info)", 0, 0, 88 },
		{ "OFFSET(printk_ringbuffer.desc_ring)", 0, 0, 0 },
		{ "CRASHTIME", 0, 0, 1700000000 },
		{ "SYMBOL(prb)", 0, 0, UINT64_C(0xffffffff8a0b1c20) },
		{ "SYMBOL(prb)", 16, 0, UINT64_C(0xffffffff8a0b1c20) },
		{ "SYMBOL(prb)", 10, -EINVAL, 0 },
		{ "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", 0, -EINVAL, 0 },  /* negative */
		{ "GARBAGE", 0, -EINVAL, 0 },
		{ "EMPTY", 0, -EINVAL, 0 },
		{ "OSRELEASE", 0, -EINVAL, 0 },
		{ "CMDLINE", 0, -EINVAL, 0 },
		{ "NOSUCHKEY", 0, -ENOENT, 0 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		const uint64_t canary = UINT64_C(0xdeadbeefcafef00d);
		char got[128], want[128];
		uint64_t v = canary;
		int r = get_u64(info, sizeof(info) - 1, t[i].key, t[i].base, &v);

		snprintf(got, sizeof(got), "%s base %d -> %d %#llx", t[i].key, t[i].base, r,
			 (unsigned long long)v);
		snprintf(want, sizeof(want), "%s base %d -> %d %#llx", t[i].key, t[i].base, t[i].ret,
			 (unsigned long long)(t[i].ret == 0 ? t[i].value : canary));
		assert_string_equal(got, want);
	}
}

static void get_u64_rejects_values_out_of_range_or_padded(void **state)
{
	static const char text[] =
		"BIG=18446744073709551616\n"
		"MAX=18446744073709551615\n"
		"PLUS=+5\n"
		"SPACE= 5\n"
		"TRAIL=5 \n";
	uint64_t v = 1;

	(void)state;
	assert_int_equal(get_u64(text, sizeof(text) - 1, "MAX", 0, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	v = 1;
	assert_int_equal(get_u64(text, sizeof(text) - 1, "BIG", 0, &v), -EINVAL);
	assert_int_equal(get_u64(text, sizeof(text) - 1, "PLUS", 0, &v), -EINVAL);
	assert_int_equal(get_u64(text, sizeof(text) - 1, "SPACE", 0, &v), -EINVAL);
	assert_int_equal(get_u64(text, sizeof(text) - 1, "TRAIL", 0, &v), -EINVAL);
	assert_int_equal(v, 1);
}

/*
 * Base 0 promises "as the kernel writes them".  Besides SYMBOL(…), the kernel writes KERNELOFFSET
 * with "%lx" (x86_64, arm64, ppc64, s390: arch_crash_save_vmcoreinfo), and arm64 writes
 * NUMBER(kimage_voffset), NUMBER(PHYS_OFFSET), NUMBER(KERNELPACMASK), NUMBER(TCR_EL1_T1SZ) with
 * "0x%llx".
 */
static void get_u64_base0_reads_the_keys_the_kernel_writes_in_hex(void **state)
{
	static const char text[] =
		"KERNELOFFSET=2d200000\n"
		"NUMBER(kimage_voffset)=0xffff800008000000\n"
		"NUMBER(PHYS_OFFSET)=0x40000000\n"
		"NUMBER(VA_BITS)=48\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(get_u64(text, sizeof(text) - 1, "NUMBER(VA_BITS)", 0, &v), 0);
	assert_int_equal(v, 48);
	/* all digits, and still hex: "10000000" is 256 MiB of KASLR offset, not ten million */
	assert_int_equal(get_u64("KERNELOFFSET=10000000\n", 22, "KERNELOFFSET", 0, &v), 0);
	assert_int_equal(v, 0x10000000);
	assert_int_equal(get_u64(text, sizeof(text) - 1, "KERNELOFFSET", 0, &v), 0);
	assert_int_equal(v, 0x2d200000);
	assert_int_equal(get_u64(text, sizeof(text) - 1, "NUMBER(kimage_voffset)", 0, &v), 0);
	assert_int_equal(v, UINT64_C(0xffff800008000000));
	assert_int_equal(get_u64(text, sizeof(text) - 1, "NUMBER(PHYS_OFFSET)", 0, &v), 0);
	assert_int_equal(v, 0x40000000);
}

/* x86_64 prints NUMBER(phys_base) with %ld: negative when the kernel runs below its link
 * address (seen in the lab: -375390208 on a KASLR 6.12 boot) */
static void get_i64_reads_a_negative_phys_base(void **state)
{
	static const char vi[] = "OSRELEASE=6.12.117\nNUMBER(phys_base)=-375390208\n"
				 "NUMBER(big)=9223372036854775807\nNUMBER(hex)=0x10\nNUMBER(bad)=12x\n";
	int64_t v = 7;

	(void)state;
	assert_int_equal(kx_vmcoreinfo_get_i64(vi, sizeof(vi) - 1, "NUMBER(phys_base)", &v), 0);
	assert_true(v == -375390208);
	assert_int_equal(kx_vmcoreinfo_get_i64(vi, sizeof(vi) - 1, "NUMBER(big)", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(kx_vmcoreinfo_get_i64(vi, sizeof(vi) - 1, "NUMBER(hex)", &v), 0);
	assert_true(v == 16);
	v = 7;
	assert_int_equal(kx_vmcoreinfo_get_i64(vi, sizeof(vi) - 1, "NUMBER(bad)", &v), -EINVAL);
	assert_int_equal(kx_vmcoreinfo_get_i64(vi, sizeof(vi) - 1, "NUMBER(none)", &v), -ENOENT);
	assert_true(v == 7);
	/* the unsigned getter keeps refusing it */
	uint64_t u;
	assert_int_equal(kx_vmcoreinfo_get_u64(vi, sizeof(vi) - 1, "NUMBER(phys_base)", 0, &u), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_finds_a_key_on_any_line_and_copies_its_value),
		cmocka_unit_test(get_stops_at_a_nul_in_the_text),
		cmocka_unit_test(get_reads_only_len_bytes),
		cmocka_unit_test(get_reports_a_value_that_does_not_fit_as_enobufs),
		cmocka_unit_test(get_u64_reads_decimal_keys_and_hex_symbols),
		cmocka_unit_test(get_u64_rejects_values_out_of_range_or_padded),
		cmocka_unit_test(get_u64_base0_reads_the_keys_the_kernel_writes_in_hex),
		cmocka_unit_test(get_i64_reads_a_negative_phys_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
