// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "segments.h"

void kx_segments_init(struct kx_segments *s, uint64_t page_size)
{
	memset(s, 0, sizeof(*s));
	s->page_size = page_size ? page_size : KX_PAGE_SIZE;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The segment placed before that [start, end] overlaps, or NULL. */
static const struct kx_segment *overlaps(const struct kx_segments *s, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct kx_segment *g = &s->seg[i];

		if (g->placed && start <= g->mem + g->memsz - 1 && g->mem <= end)
			return g;
	}
	return NULL;
}

/*
 * The kernel steps a page at a time past a conflict and re-aligns; every candidate it tries
 * until it clears the conflicting segment overlaps that segment, so jumping straight past it
 * finds the same address in one step.
 */

static bool place_top_down(const struct kx_segments *s, const struct kx_segment *g,
			   uint64_t start, uint64_t end, uint64_t *ret)
{
	uint64_t top = end < g->max ? end : g->max, lo = start > g->min ? start : g->min;
	uint64_t at;

	if (top < g->memsz - 1 || top - (g->memsz - 1) < lo)
		return false;
	at = (top - (g->memsz - 1)) & ~(g->align - 1);
	for (;;) {
		const struct kx_segment *c;

		if (at < lo)
			return false;
		c = overlaps(s, at, at + g->memsz - 1);
		if (!c) {
			*ret = at;
			return true;
		}
		if (c->mem < g->memsz)
			return false;
		at = (c->mem - g->memsz) & ~(g->align - 1);
	}
}

static bool place_bottom_up(const struct kx_segments *s, const struct kx_segment *g,
			    uint64_t start, uint64_t end, uint64_t *ret)
{
	uint64_t top = end < g->max ? end : g->max, lo = start > g->min ? start : g->min;
	uint64_t at;

	if (lo > UINT64_MAX - (g->align - 1))
		return false;
	at = (lo + g->align - 1) & ~(g->align - 1);
	for (;;) {
		const struct kx_segment *c;
		uint64_t next;

		if (at > top || top - at < g->memsz - 1)
			return false;
		c = overlaps(s, at, at + g->memsz - 1);
		if (!c) {
			*ret = at;
			return true;
		}
		next = c->mem + c->memsz;       /* placed segments end below 2^64 */
		if (next == 0 || next > UINT64_MAX - (g->align - 1))
			return false;
		at = (next + g->align - 1) & ~(g->align - 1);
	}
}

int kx_segments_place(struct kx_segments *s, const struct kx_segment *want, uint64_t start,
		      uint64_t end)
{
	struct kx_segment g = *want;
	uint64_t at;
	bool ok;

	if (s->n >= KX_SEGMENT_MAX)
		return -E2BIG;
	if (g.align == 0)
		g.align = 1;
	if (!is_pow2(g.align))
		return -EINVAL;
	if (g.align < s->page_size)
		g.align = s->page_size;
	if (g.max == 0)
		g.max = UINT64_MAX;
	/* kexec_add_buffer: memsz rounded up to a page, never below bufsz */
	if (g.memsz < g.bufsz)
		g.memsz = g.bufsz;
	if (g.memsz == 0)
		g.memsz = s->page_size;
	if (g.memsz > UINT64_MAX - (s->page_size - 1))
		return -EINVAL;
	g.memsz = (g.memsz + s->page_size - 1) & ~(s->page_size - 1);

	ok = start <= end && (g.top_down ? place_top_down(s, &g, start, end, &at)
					 : place_bottom_up(s, &g, start, end, &at));
	g.placed = ok;
	g.mem = ok ? at : 0;
	s->seg[s->n++] = g;
	return ok ? 0 : -ENOSPC;
}

uint64_t kx_segments_memsz(const struct kx_segments *s)
{
	uint64_t total = 0;

	for (size_t i = 0; i < s->n; i++)
		total += s->seg[i].memsz;
	return total;
}
