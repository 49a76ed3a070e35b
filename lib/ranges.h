/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_RANGES_H
#define KX_RANGES_H
/*
 * Lists of physical address ranges, inclusive at both ends as the kernel's struct resource and
 * /proc/iomem write them (so a range may end at UINT64_MAX).  Used for System RAM, the crash
 * kernel reservation and what an elfcorehdr covers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kx_range {
	uint64_t start, end;    /* inclusive */
};

struct kx_ranges {
	struct kx_range *r;
	size_t n, cap;
};

/* Hard cap on the entries of one list: far above any real machine (the kernel's crash hotplug
 * headers allow 8192 ranges), low enough that hostile input cannot exhaust memory. */
#define KX_RANGES_MAX (1u << 20)

static inline uint64_t kx_range_size(const struct kx_range *r)
{
	return r->end - r->start + 1;   /* 0 for the whole 64-bit space, which nothing has */
}

/* Append [start, end].  -EINVAL when start > end, -E2BIG past KX_RANGES_MAX, -ENOMEM. */
int kx_ranges_add(struct kx_ranges *l, uint64_t start, uint64_t end);

/* Sort by start and merge ranges that overlap or touch. */
void kx_ranges_normalize(struct kx_ranges *l);

/* Remove [start, end] from a normalized list; a range that contains it is split in two.
 * 0 or -ENOMEM (-E2BIG) when a split needs room that cannot be had. */
int kx_ranges_subtract(struct kx_ranges *l, uint64_t start, uint64_t end);

/* Sum of the sizes (saturating at UINT64_MAX). */
uint64_t kx_ranges_total(const struct kx_ranges *l);

/* true when [start, end] lies entirely inside one range of a normalized list. */
bool kx_ranges_contain(const struct kx_ranges *l, uint64_t start, uint64_t end);

int kx_ranges_copy(struct kx_ranges *dst, const struct kx_ranges *src);
void kx_ranges_free(struct kx_ranges *l);

#endif
