// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ranges.h"

static int reserve(struct kx_ranges *l, size_t want)
{
	struct kx_range *r;
	size_t cap;

	if (want <= l->cap)
		return 0;
	if (want > KX_RANGES_MAX)
		return -E2BIG;
	cap = l->cap ? l->cap : 16;
	while (cap < want)
		cap *= 2;
	if (cap > KX_RANGES_MAX)
		cap = KX_RANGES_MAX;
	r = realloc(l->r, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	l->r = r;
	l->cap = cap;
	return 0;
}

int kx_ranges_add(struct kx_ranges *l, uint64_t start, uint64_t end)
{
	int ret;

	if (start > end)
		return -EINVAL;
	ret = reserve(l, l->n + 1);
	if (ret < 0)
		return ret;
	l->r[l->n++] = (struct kx_range){ start, end };
	return 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct kx_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

void kx_ranges_normalize(struct kx_ranges *l)
{
	size_t out = 0;

	if (l->n < 2)
		return;
	qsort(l->r, l->n, sizeof(*l->r), cmp_start);
	for (size_t i = 1; i < l->n; i++) {
		struct kx_range *last = &l->r[out];

		/* touching: last->end + 1 == start, without overflowing at UINT64_MAX */
		if (l->r[i].start <= last->end || l->r[i].start - 1 == last->end) {
			if (l->r[i].end > last->end)
				last->end = l->r[i].end;
		} else {
			l->r[++out] = l->r[i];
		}
	}
	l->n = out + 1;
}

int kx_ranges_subtract(struct kx_ranges *l, uint64_t start, uint64_t end)
{
	size_t i = 0;

	if (start > end)
		return -EINVAL;
	while (i < l->n) {
		struct kx_range *r = &l->r[i];

		if (r->end < start) {
			i++;
			continue;
		}
		if (r->start > end)
			break;
		if (r->start >= start && r->end <= end) {
			/* wholly inside: drop it */
			memmove(r, r + 1, (l->n - i - 1) * sizeof(*r));
			l->n--;
			continue;
		}
		if (r->start < start && r->end > end) {
			/* the hole is strictly inside: split */
			int ret = reserve(l, l->n + 1);

			if (ret < 0)
				return ret;
			r = &l->r[i];
			memmove(r + 1, r, (l->n - i) * sizeof(*r));
			l->n++;
			r[0].end = start - 1;
			r[1].start = end + 1;
			return 0;
		}
		if (r->start < start)
			r->end = start - 1;
		else
			r->start = end + 1;
		i++;
	}
	return 0;
}

uint64_t kx_ranges_total(const struct kx_ranges *l)
{
	uint64_t total = 0;

	for (size_t i = 0; i < l->n; i++) {
		uint64_t s = kx_range_size(&l->r[i]);

		if (s == 0 || total > UINT64_MAX - s)
			return UINT64_MAX;
		total += s;
	}
	return total;
}

bool kx_ranges_contain(const struct kx_ranges *l, uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = l->n;

	/* binary search for the last range starting at or before start */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->r[mid].start <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && l->r[lo - 1].end >= end && start <= end;
}

int kx_ranges_copy(struct kx_ranges *dst, const struct kx_ranges *src)
{
	struct kx_ranges tmp = { 0 };
	int ret = reserve(&tmp, src->n);

	if (ret < 0)
		return ret;
	if (src->n)
		memcpy(tmp.r, src->r, src->n * sizeof(*src->r));
	tmp.n = src->n;
	kx_ranges_free(dst);
	*dst = tmp;
	return 0;
}

void kx_ranges_free(struct kx_ranges *l)
{
	free(l->r);
	*l = (struct kx_ranges){ 0 };
}
