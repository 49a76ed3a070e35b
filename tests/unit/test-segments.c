// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/segments: placement with the kernel's kexec_add_buffer rules.  Besides fixed cases, random
 * layouts are compared with a literal transcription of locate_mem_hole_{top_down,bottom_up}
 * (step a page past a conflict, align again), which segments.c shortcuts.
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

#include "segments.h"

#define MiB (UINT64_C(1) << 20)
#define PAGE 4096u

static void top_down_takes_the_highest_aligned_hole(void **state)
{
	struct kx_segments s;
	struct kx_segment g = { .name = "kernel", .bufsz = 7 * MiB, .memsz = 63 * MiB + 5,
				.align = 2 * MiB, .min = 16 * MiB, .top_down = true };

	(void)state;
	kx_segments_init(&s, PAGE);
	assert_int_equal(kx_segments_place(&s, &g, 0x2b000000, 0x3affffff), 0);
	assert_true(s.seg[0].placed);
	assert_int_equal(s.seg[0].memsz, 63 * MiB + PAGE);      /* rounded up to a page */
	assert_int_equal(s.seg[0].mem, 0x37000000);             /* 2 MiB aligned, at the top */
	/* the next one goes below it, never overlapping */
	g = (struct kx_segment){ .name = "initrd", .bufsz = 40 * MiB, .align = PAGE,
				 .top_down = true };
	assert_int_equal(kx_segments_place(&s, &g, 0x2b000000, 0x3affffff), 0);
	assert_int_equal(s.seg[1].mem, 0x37000000 - 40 * MiB);
	assert_int_equal(kx_segments_memsz(&s), 63 * MiB + PAGE + 40 * MiB);
}

static void bottom_up_takes_the_lowest_hole_and_respects_min(void **state)
{
	struct kx_segments s;
	struct kx_segment g = { .name = "elfcorehdr", .bufsz = 917680, .align = PAGE };

	(void)state;
	kx_segments_init(&s, PAGE);
	assert_int_equal(kx_segments_place(&s, &g, 0x2b000000, 0x3affffff), 0);
	assert_int_equal(s.seg[0].mem, 0x2b000000);
	assert_int_equal(s.seg[0].memsz, 0xe1000);
	g.min = 0x2b000001;
	assert_int_equal(kx_segments_place(&s, &g, 0x2b000000, 0x3affffff), 0);
	assert_int_equal(s.seg[1].mem, 0x2b0e1000);            /* past the first, aligned */
}

static void what_does_not_fit_is_recorded_unplaced(void **state)
{
	struct kx_segments s;
	struct kx_segment g = { .name = "initrd", .bufsz = 300 * MiB, .top_down = true };

	(void)state;
	kx_segments_init(&s, PAGE);
	assert_int_equal(kx_segments_place(&s, &g, 0x2b000000, 0x3affffff), -ENOSPC);
	assert_int_equal(s.n, 1);
	assert_false(s.seg[0].placed);
	assert_int_equal(s.seg[0].memsz, 300 * MiB);
	/* an empty region (start > end) places nothing */
	g.bufsz = PAGE;
	assert_int_equal(kx_segments_place(&s, &g, 1, 0), -ENOSPC);
	/* a window entirely outside the region */
	g.min = 0x40000000;
	assert_int_equal(kx_segments_place(&s, &g, 0x2b000000, 0x3affffff), -ENOSPC);
}

static void bad_requests_are_refused(void **state)
{
	struct kx_segments s;
	struct kx_segment g = { .name = "x", .bufsz = PAGE, .align = 3 * PAGE };

	(void)state;
	kx_segments_init(&s, PAGE);
	assert_int_equal(kx_segments_place(&s, &g, 0, 0xffffffff), -EINVAL);
	g.align = PAGE;
	g.bufsz = UINT64_MAX;
	assert_int_equal(kx_segments_place(&s, &g, 0, UINT64_MAX), -EINVAL);
	g.bufsz = PAGE;
	for (unsigned i = 0; i < KX_SEGMENT_MAX; i++)
		assert_int_equal(kx_segments_place(&s, &g, 0, 0xffffffff), 0);
	assert_int_equal(kx_segments_place(&s, &g, 0, 0xffffffff), -E2BIG);
}

/* The kernel's loops, transcribed: returns true and the address, or false. */
static bool overlaps_any(const struct kx_segments *s, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->seg[i].placed && start <= s->seg[i].mem + s->seg[i].memsz - 1 &&
		    s->seg[i].mem <= end)
			return true;
	return false;
}

static bool kernel_place(const struct kx_segments *s, uint64_t start, uint64_t end,
			 uint64_t memsz, uint64_t align, uint64_t min, bool top_down, uint64_t *ret)
{
	uint64_t t;

	if (top_down) {
		if (end < memsz - 1)
			return false;
		t = end - memsz + 1;
		for (;;) {
			t &= ~(align - 1);
			if (t < start || t < min || t > end)
				return false;
			if (!overlaps_any(s, t, t + memsz - 1)) {
				*ret = t;
				return true;
			}
			if (t < PAGE)
				return false;
			t -= PAGE;
		}
	}
	t = start > min ? start : min;
	for (;;) {
		t = (t + align - 1) & ~(align - 1);
		if (t + memsz - 1 > end)
			return false;
		if (!overlaps_any(s, t, t + memsz - 1)) {
			*ret = t;
			return true;
		}
		t += PAGE;
	}
}

static void random_layouts_match_the_kernels_loop(void **state)
{
	(void)state;
	srand(5);
	for (unsigned round = 0; round < 2000; round++) {
		struct kx_segments s;
		uint64_t start = (uint64_t)(rand() % 64) * MiB, size = (uint64_t)(1 + rand() % 64) * MiB;
		uint64_t end = start + size - 1;

		kx_segments_init(&s, PAGE);
		for (unsigned k = 0; k < 6; k++) {
			struct kx_segment g = {
				.name = "s", .bufsz = (uint64_t)(1 + rand() % (16 * 256)) * 1024,
				.align = UINT64_C(1) << (12 + rand() % 10),
				.min = rand() % 3 ? 0 : start + (uint64_t)(rand() % 8) * MiB,
				.top_down = rand() % 2,
			};
			uint64_t want = 0, memsz = (g.bufsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
			bool ok = kernel_place(&s, start, end, memsz, g.align, g.min, g.top_down, &want);
			int r = kx_segments_place(&s, &g, start, end);

			if (ok != (r == 0) || (ok && s.seg[s.n - 1].mem != want))
				fail_msg("round %u seg %u: kernel %s %#llx, ours %d %#llx", round, k,
					 ok ? "places at" : "fails", (unsigned long long)want, r,
					 (unsigned long long)s.seg[s.n - 1].mem);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_down_takes_the_highest_aligned_hole),
		cmocka_unit_test(bottom_up_takes_the_lowest_hole_and_respects_min),
		cmocka_unit_test(what_does_not_fit_is_recorded_unplaced),
		cmocka_unit_test(bad_requests_are_refused),
		cmocka_unit_test(random_layouts_match_the_kernels_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
