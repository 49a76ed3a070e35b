// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/ranges: inclusive physical ranges — normalize, subtract, totals, containment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ranges.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* "a-b c-d" for comparing whole lists in one assertion */
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

static void add_all(struct kx_ranges *l, const struct kx_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(kx_ranges_add(l, r[i].start, r[i].end), 0);
}

static void normalize_sorts_and_merges_overlapping_and_touching_ranges(void **state)
{
	static const struct kx_range in[] = {
		{ 0x5000, 0x5fff }, { 0x1000, 0x1fff }, { 0x2000, 0x2fff },  /* touches 0x1000 */
		{ 0x1800, 0x1900 },                                          /* inside */
		{ 0x8000, 0x8fff }, { 0x7000, 0x8800 },                      /* overlap */
		{ 0xfffffffffffff000, UINT64_MAX }, { 0xffffffffffffe000, 0xffffffffffffefff },
	};
	struct kx_ranges l = { 0 };

	(void)state;
	add_all(&l, in, N_ELEMS(in));
	kx_ranges_normalize(&l);
	assert_string_equal(show(&l), "1000-2fff 5000-5fff 7000-8fff ffffffffffffe000-ffffffffffffffff");
	kx_ranges_free(&l);
}

static void add_rejects_a_range_that_ends_before_it_starts(void **state)
{
	struct kx_ranges l = { 0 };

	(void)state;
	assert_int_equal(kx_ranges_add(&l, 2, 1), -EINVAL);
	assert_int_equal(l.n, 0);
	assert_int_equal(kx_ranges_add(&l, 1, 1), 0);
	kx_ranges_free(&l);
}

static void subtract_splits_trims_and_drops(void **state)
{
	static const struct {
		uint64_t start, end;
		const char *after;
	} t[] = {
		{ 0x0, 0xfffff, "100000-3fffffff 100000000-13fffffff" },        /* below 1 MiB */
		{ 0x2b000000, 0x3affffff,                                      /* split */
		  "1000-2affffff 3b000000-3fffffff 100000000-13fffffff" },
		{ 0x3f000000, 0x100000fff,                                     /* trims two */
		  "1000-3effffff 100001000-13fffffff" },
		{ 0x0, UINT64_MAX, "" },                                       /* everything */
		{ 0x40000000, 0xffffffff, "1000-3fffffff 100000000-13fffffff" },/* in a gap */
		{ 0x1000, 0x3fffffff, "100000000-13fffffff" },                 /* exactly one */
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_ranges l = { 0 };

		assert_int_equal(kx_ranges_add(&l, 0x1000, 0x3fffffff), 0);
		assert_int_equal(kx_ranges_add(&l, 0x100000000, 0x13fffffff), 0);
		kx_ranges_normalize(&l);
		assert_int_equal(kx_ranges_subtract(&l, t[i].start, t[i].end), 0);
		assert_string_equal(show(&l), t[i].after);
		kx_ranges_free(&l);
	}
}

static void total_sums_and_saturates(void **state)
{
	struct kx_ranges l = { 0 };

	(void)state;
	assert_int_equal(kx_ranges_total(&l), 0);
	assert_int_equal(kx_ranges_add(&l, 0x1000, 0x1fff), 0);
	assert_int_equal(kx_ranges_add(&l, 0x10000, 0x1ffff), 0);
	assert_int_equal(kx_ranges_total(&l), 0x1000 + 0x10000);
	assert_int_equal(kx_ranges_add(&l, 0, UINT64_MAX), 0);         /* size 2^64 */
	assert_true(kx_ranges_total(&l) == UINT64_MAX);
	kx_ranges_free(&l);
}

static void contain_needs_one_range_to_hold_it_all(void **state)
{
	struct kx_ranges l = { 0 };

	(void)state;
	assert_false(kx_ranges_contain(&l, 0, 0));
	assert_int_equal(kx_ranges_add(&l, 0x1000, 0x1fff), 0);
	assert_int_equal(kx_ranges_add(&l, 0x3000, 0x3fff), 0);
	kx_ranges_normalize(&l);
	assert_true(kx_ranges_contain(&l, 0x1000, 0x1fff));
	assert_true(kx_ranges_contain(&l, 0x3800, 0x3800));
	assert_false(kx_ranges_contain(&l, 0x1800, 0x3800));   /* spans the gap */
	assert_false(kx_ranges_contain(&l, 0x0fff, 0x1000));
	assert_false(kx_ranges_contain(&l, 0x4000, 0x4000));
	kx_ranges_free(&l);
}

static void many_ranges_stay_linear_enough(void **state)
{
	struct kx_ranges l = { 0 }, copy = { 0 };

	(void)state;
	/* 8192 ranges with a page between them, added backwards, then split by 8191 holes */
	for (uint64_t i = 8192; i-- > 0;)
		assert_int_equal(kx_ranges_add(&l, i * 0x3000, i * 0x3000 + 0x1fff), 0);
	kx_ranges_normalize(&l);
	assert_int_equal(l.n, 8192);
	assert_int_equal(kx_ranges_copy(&copy, &l), 0);
	for (uint64_t i = 0; i < 8192; i++)
		assert_int_equal(kx_ranges_subtract(&copy, i * 0x3000 + 0x800, i * 0x3000 + 0x8ff), 0);
	assert_int_equal(copy.n, 2 * 8192);
	assert_int_equal(kx_ranges_total(&copy), 8192 * (0x2000 - 0x100));
	kx_ranges_free(&l);
	kx_ranges_free(&copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_sorts_and_merges_overlapping_and_touching_ranges),
		cmocka_unit_test(add_rejects_a_range_that_ends_before_it_starts),
		cmocka_unit_test(subtract_splits_trims_and_drops),
		cmocka_unit_test(total_sums_and_saturates),
		cmocka_unit_test(contain_needs_one_range_to_hold_it_all),
		cmocka_unit_test(many_ranges_stay_linear_enough),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
