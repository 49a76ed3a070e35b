// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/units: sizes as admins and crashkernel= write them, and how sizes are shown. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "units.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define EiB (UINT64_C(1) << 60)

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct parse_case {
	const char *in;
	int ret;
	uint64_t value;         /* when ret == 0 */
};

/*
 * Run a table through a parser.  Each case is compared as one string "input -> result" so that a
 * failure names the input; on failure the output must be left untouched.
 */
static void check_parse_table(int (*parse)(const char *, uint64_t *), const struct parse_case *t,
			      size_t n)
{
	const uint64_t canary = UINT64_C(0xdeadbeefcafef00d);

	for (size_t i = 0; i < n; i++) {
		char got[128], want[128];
		uint64_t v = canary;
		int r = parse(t[i].in, &v);

		snprintf(got, sizeof(got), "\"%s\" -> %d %#llx", t[i].in, r, (unsigned long long)v);
		snprintf(want, sizeof(want), "\"%s\" -> %d %#llx", t[i].in, t[i].ret,
			 (unsigned long long)(t[i].ret == 0 ? t[i].value : canary));
		assert_string_equal(got, want);
	}
}

static void parse_size_accepts_numbers_and_binary_suffixes(void **state)
{
	static const struct parse_case t[] = {
		{ "0", 0, 0 },
		{ "4096", 0, 4096 },
		{ "0x1000", 0, 4096 },
		{ "0X1000", 0, 4096 },
		{ "1K", 0, KiB },
		{ "1k", 0, KiB },
		{ "1KiB", 0, KiB },
		{ "1kib", 0, KiB },
		{ "1KB", 0, KiB },
		{ "1kb", 0, KiB },
		{ "32M", 0, 32 * MiB },
		{ "32MiB", 0, 32 * MiB },
		{ "1G", 0, GiB },
		{ "2T", 0, 2 * (UINT64_C(1) << 40) },
		{ "3P", 0, 3 * (UINT64_C(1) << 50) },
		{ "15E", 0, 15 * EiB },
		{ "0x10M", 0, 16 * MiB },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
	};

	(void)state;
	check_parse_table(kx_parse_size, t, N_ELEMS(t));
}

static void parse_size_rejects_negative_blank_and_trailing_garbage(void **state)
{
	static const struct parse_case t[] = {
		{ "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1 M", -EINVAL, 0 },
		{ "M", -EINVAL, 0 },
		{ "1Q", -EINVAL, 0 },
		{ "1B", -EINVAL, 0 },
		{ "1Ki", -EINVAL, 0 },
		{ "1MM", -EINVAL, 0 },
		{ "1MiBs", -EINVAL, 0 },
		{ "1.5G", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
	};

	(void)state;
	check_parse_table(kx_parse_size, t, N_ELEMS(t));
}

static void parse_size_reports_overflow_as_erange(void **state)
{
	static const struct parse_case t[] = {
		{ "16E", -ERANGE, 0 },
		{ "17E", -ERANGE, 0 },
		{ "16384P", -ERANGE, 0 },
		{ "17179869184G", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "0x10000000000000000", -ERANGE, 0 },
	};

	(void)state;
	check_parse_table(kx_parse_size, t, N_ELEMS(t));
}

static void parse_size_rejects_null(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(kx_parse_size(NULL, &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void parse_u64_takes_whole_decimal_or_hex_strings_only(void **state)
{
	static const struct parse_case t[] = {
		{ "0", 0, 0 },
		{ "42", 0, 42 },
		{ "0x2a", 0, 42 },
		{ "0X2A", 0, 42 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1\n", -EINVAL, 0 },
		{ "1K", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "abc", -EINVAL, 0 },
	};

	(void)state;
	check_parse_table(kx_parse_u64, t, N_ELEMS(t));
}

static void format_size_is_exact_when_whole_and_rounds_down_otherwise(void **state)
{
	static const struct {
		uint64_t in;
		const char *out;
	} t[] = {
		{ 0, "0 B" },
		{ 512, "512 B" },
		{ 1023, "1023 B" },
		{ KiB, "1 KiB" },
		{ 1536, "1.5 KiB" },
		{ KiB + 1, "1.0 KiB" },
		{ 4 * KiB, "4 KiB" },
		{ MiB + MiB / 2, "1.5 MiB" },
		{ 256 * MiB, "256 MiB" },
		{ 2 * GiB, "2 GiB" },
		/* 2 GiB - 1 is 1.99… GiB: shown as 1.9, never as 2.0 */
		{ 2 * GiB - 1, "1.9 GiB" },
		{ 1 * GiB + 966367641, "1.8 GiB" },   /* 1.89999… GiB */
		{ 1 * GiB + 966367642, "1.9 GiB" },   /* 1.90000… GiB */
		{ 16 * EiB - 1, "15.9 EiB" },
		{ UINT64_MAX, "15.9 EiB" },
		{ 8 * EiB, "8 EiB" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char buf[32];

		assert_ptr_equal(kx_format_size(t[i].in, buf, sizeof(buf)), buf);
		assert_string_equal(buf, t[i].out);
	}
}

static void format_size_truncates_to_the_buffer(void **state)
{
	char buf[5];

	(void)state;
	kx_format_size(256 * MiB, buf, sizeof(buf));
	assert_string_equal(buf, "256 ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_size_accepts_numbers_and_binary_suffixes),
		cmocka_unit_test(parse_size_rejects_negative_blank_and_trailing_garbage),
		cmocka_unit_test(parse_size_reports_overflow_as_erange),
		cmocka_unit_test(parse_size_rejects_null),
		cmocka_unit_test(parse_u64_takes_whole_decimal_or_hex_strings_only),
		cmocka_unit_test(format_size_is_exact_when_whole_and_rounds_down_otherwise),
		cmocka_unit_test(format_size_truncates_to_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
