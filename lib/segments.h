/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_SEGMENTS_H
#define KX_SEGMENTS_H
/*
 * The segments of a kexec load and where they go.  kexec_load takes them as {buf, bufsz, mem,
 * memsz} (memsz and mem page aligned, at most KEXEC_SEGMENT_MAX); kexec_file_load places the
 * same kinds of segments itself.  Placement here follows the kernel's kexec_add_buffer() /
 * locate_mem_hole_{top_down,bottom_up}: memsz rounded up to a page, alignment at least a page,
 * the first hole in the window that overlaps no segment placed before, searched from the top
 * or the bottom.  So a plan for kexec_file_load shows where the kernel will put each segment,
 * and a kexec_load (later) places its own with the same rules.  Pure.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KX_SEGMENT_MAX 16               /* KEXEC_SEGMENT_MAX */
#define KX_PAGE_SIZE 4096u              /* placement granule (the capture kernel's page size on
					   x86_64; arches with bigger pages pass their own) */

struct kx_segment {
	const char *name;               /* "kernel", "initrd", "elfcorehdr", "purgatory", ... */
	const void *buf;                /* content for kexec_load; NULL where the kernel reads it */
	uint64_t bufsz;                 /* bytes of content */
	uint64_t memsz;                 /* bytes of memory, page aligned after placement */
	uint64_t align;                 /* requested alignment (raised to a page) */
	uint64_t min, max;              /* window for the segment's memory: [min, max] inclusive */
	bool top_down;
	bool no_digest;                 /* kexec_load: left out of purgatory's digest */
	bool placed;
	uint64_t mem;                   /* placed address */
};

struct kx_segments {
	struct kx_segment seg[KX_SEGMENT_MAX];
	size_t n;
	uint64_t page_size;
};

void kx_segments_init(struct kx_segments *s, uint64_t page_size);

/*
 * Add a segment and place it inside region [start, end] (inclusive).  0 when placed; -ENOSPC
 * when no hole fits (the segment is still recorded, placed = false, so a plan can show it);
 * -E2BIG past KX_SEGMENT_MAX; -EINVAL for an alignment that is not a power of two.
 */
int kx_segments_place(struct kx_segments *s, const struct kx_segment *want, uint64_t start,
		      uint64_t end);

/* Sum of memsz of every recorded segment. */
uint64_t kx_segments_memsz(const struct kx_segments *s);

#endif
