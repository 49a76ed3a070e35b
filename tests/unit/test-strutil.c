// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/strutil: showing untrusted bytes, and turning dump names into safe file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "strutil.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct bytes_case {
	const char *in;
	size_t len;             /* the input may hold NULs */
	const char *out;
};

#define B(s) s, sizeof(s) - 1

static void escape_keeps_printable_ascii_and_escapes_everything_else(void **state)
{
	static const struct bytes_case t[] = {
		{ B(""), "" },
		{ B("cxgb4_0000:02:00.4"), "cxgb4_0000:02:00.4" },
		{ B("a b~"), "a b~" },
		{ B("a\\b"), "a\\\\b" },
		{ B("\n"), "\\x0a" },
		{ B("\x1b[2J"), "\\x1b[2J" },
		{ B("\x7f"), "\\x7f" },
		{ B("\x80\xff"), "\\x80\\xff" },
		{ B("\xc3\xa9"), "\\xc3\\xa9" },      /* UTF-8 too: the output is plain ASCII */
		{ B("a\0b"), "a\\x00b" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char buf[64];

		assert_ptr_equal(kx_escape(t[i].in, t[i].len, buf, sizeof(buf)), buf);
		assert_string_equal(buf, t[i].out);
	}
}

static void escape_fits_the_documented_worst_case(void **state)
{
	unsigned char in[16];
	char buf[4 * sizeof(in) + 1];

	(void)state;
	memset(in, 0xff, sizeof(in));
	kx_escape(in, sizeof(in), buf, sizeof(buf));
	assert_int_equal(strlen(buf), 4 * sizeof(in));
	assert_memory_equal(buf + 4 * 15, "\\xff", 4);
}

static void escape_truncates_whole_escapes_only_and_always_terminates(void **state)
{
	static const struct {
		const char *in;
		size_t len, size;
		const char *out;
	} t[] = {
		/* room for "ab" + NUL, the escape of \n would not fit: it is left out whole */
		{ B("ab\ncd"), 4, "ab" },
		{ B("ab\ncd"), 7, "ab\\x0a" },
		{ B("\x01"), 5, "\\x01" },
		{ B("\x01"), 4, "" },
		/* output stops at the first thing that does not fit; nothing after it is skipped to */
		{ B("\x01z"), 3, "" },
		{ B("a\\"), 3, "a" },
		{ B("a\\"), 4, "a\\\\" },
		{ B("abc"), 1, "" },
		{ B("abc"), 3, "ab" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char buf[16];

		memset(buf, 'X', sizeof(buf));
		kx_escape(t[i].in, t[i].len, buf, t[i].size);
		assert_string_equal(buf, t[i].out);
		/* nothing written past the given size */
		for (size_t k = t[i].size; k < sizeof(buf); k++)
			assert_int_equal(buf[k], 'X');
	}
}

static void escape_with_zero_size_writes_nothing(void **state)
{
	char buf[2] = { 'X', 'X' };

	(void)state;
	assert_ptr_equal(kx_escape("a", 1, buf, 0), buf);
	assert_int_equal(buf[0], 'X');
}

static void safe_filename_maps_unsafe_bytes_and_leading_dot_to_underscore(void **state)
{
	static const struct bytes_case t[] = {
		{ B("cxgb4_0000:02:00.4"), "cxgb4_0000:02:00.4" },
		{ B("."), "_" },
		{ B(".."), "_." },
		{ B("../x"), "_._x" },
		{ B(".hidden"), "_hidden" },
		{ B("a."), "a." },
		{ B("/etc/passwd"), "_etc_passwd" },
		{ B("a b"), "a_b" },
		{ B("a\\b"), "a_b" },
		{ B("a\x01\x1b\x7f" "b"), "a___b" },
		{ B("\xc3\xa9t\xe9"), "__t_" },
		{ B("a\0b"), "a_b" },
		{ B("-rf *"), "-rf_*" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char buf[64];

		assert_ptr_equal(kx_safe_filename(t[i].in, t[i].len, 7, buf, sizeof(buf)), buf);
		assert_string_equal(buf, t[i].out);
	}
}

static void safe_filename_names_an_empty_name_after_its_index(void **state)
{
	char buf[32];

	(void)state;
	kx_safe_filename("", 0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "dump0");
	kx_safe_filename("ignored", 0, 4294967295u, buf, sizeof(buf));
	assert_string_equal(buf, "dump4294967295");
}

static void safe_filename_keeps_a_full_44_byte_dump_name(void **state)
{
	const char *name = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
	char buf[64];

	(void)state;
	assert_int_equal(strlen(name), 44);
	kx_safe_filename(name, 44, 1, buf, sizeof(buf));
	assert_string_equal(buf, name);
}

static void safe_filename_truncates_to_the_buffer(void **state)
{
	const char *name = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
	char buf[40];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	kx_safe_filename(name, 44, 1, buf, 32);
	assert_int_equal(strlen(buf), 31);
	assert_memory_equal(buf, name, 31);
	assert_int_equal(buf[32], 'X');

	/* a leading dot is still replaced when the name is cut */
	kx_safe_filename("..........................................", 42, 1, buf, 32);
	assert_string_equal(buf, "_..............................");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_keeps_printable_ascii_and_escapes_everything_else),
		cmocka_unit_test(escape_fits_the_documented_worst_case),
		cmocka_unit_test(escape_truncates_whole_escapes_only_and_always_terminates),
		cmocka_unit_test(escape_with_zero_size_writes_nothing),
		cmocka_unit_test(safe_filename_maps_unsafe_bytes_and_leading_dot_to_underscore),
		cmocka_unit_test(safe_filename_names_an_empty_name_after_its_index),
		cmocka_unit_test(safe_filename_keeps_a_full_44_byte_dump_name),
		cmocka_unit_test(safe_filename_truncates_to_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
