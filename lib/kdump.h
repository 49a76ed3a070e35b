/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_KDUMP_H
#define KX_KDUMP_H
/*
 * makedumpfile's kdump-compressed format ("KDUMP   "), read streaming.
 *
 * Layout (makedumpfile's IMPLEMENTATION, diskdump_mod.h; block = disk_dump_header.block_size,
 * the crashed kernel's page size):
 *   block 0                 struct disk_dump_header (signature, header_version, utsname, ...)
 *   blocks 1..sub_hdr_size  struct kdump_sub_header, then VMCOREINFO text and the PT_NOTE bytes
 *                           of the capture (device dumps included) at offset_vmcoreinfo and
 *                           offset_note (absolute file offsets)
 *   bitmap_blocks blocks    two bitmaps of max_mapnr bits each (first: memory present; second:
 *                           pages dumped), each half of the area
 *   page descriptors        struct page_desc {offset, size, flags, page_flags}, 24 bytes, one per
 *                           set bit of the second bitmap, in pfn order
 * Integers are in the byte order of the machine that wrote the file (the crashed kernel's).
 * Only 64-bit kernels' layouts are read (the sub-header of 32-bit ones has other offsets).
 *
 * Memory does not grow with the dump: the second bitmap is read in 64 KiB chunks with one rank
 * checkpoint per chunk, and one page is decompressed at a time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KX_KDUMP_SIGNATURE "KDUMP   "
#define KX_KDUMP_ZLIB   0x1
#define KX_KDUMP_LZO    0x2
#define KX_KDUMP_SNAPPY 0x4
#define KX_KDUMP_INCOMPLETE 0x8
#define KX_KDUMP_ZSTD   0x20

struct kx_kdump_info {
	bool big_endian;
	int header_version;
	char machine[66];       /* utsname.machine */
	char release[66];       /* utsname.release */
	uint16_t e_machine;     /* EM_* for machine, EM_NONE when unknown */
	uint32_t status;        /* the compression the writer used (DUMP_DH_* bits) */
	uint32_t block_size;
	uint32_t sub_hdr_size;  /* blocks */
	uint32_t bitmap_blocks;
	uint64_t max_mapnr;
	int nr_cpus;
	uint64_t phys_base;
	int dump_level;
	bool split;             /* one part of a makedumpfile --split dump */
	uint64_t start_pfn, end_pfn;    /* pfns this file holds ([0, max_mapnr) unless split) */
	uint64_t offset_vmcoreinfo, size_vmcoreinfo;
	uint64_t offset_note, size_note;
	uint64_t offset_eraseinfo, size_eraseinfo;
	uint64_t bitmap_offset, bitmap_len;     /* both bitmaps */
	uint64_t desc_offset;
};

struct kx_kdump;

/* Is this the start of a kdump-compressed file? */
bool kx_kdump_is(const void *head, size_t len);

/* Read and check the headers of the file at fd (file_size bytes).  -EBADMSG with the offset. */
int kx_kdump_open(int fd, uint64_t file_size, struct kx_kdump **ret, struct kx_err *err);
void kx_kdump_close(struct kx_kdump *k);
const struct kx_kdump_info *kx_kdump_info(const struct kx_kdump *k);

/* Which compressions this build decompresses (DUMP_DH_* bits). */
uint32_t kx_kdump_supported(void);

/*
 * The page at pfn, decompressed: *ret points at block_size bytes valid until the next call.
 * -ENODATA (err says so) when the dump does not hold that page (filtered out, or outside this
 * part of a split dump); -EBADMSG with the offset for damage; -EPROTONOSUPPORT for a compression
 * this build lacks.
 */
int kx_kdump_page(struct kx_kdump *k, uint64_t pfn, const unsigned char **ret, struct kx_err *err);

/* Pages in the second bitmap (dumped) and the pfn range they span; checks that the bitmaps and
 * every descriptor lie in the file. */
int kx_kdump_count(struct kx_kdump *k, uint64_t *ret_pages, uint64_t *ret_first,
		   uint64_t *ret_last, struct kx_err *err);

/* --check: the bitmaps and every page descriptor (size, file bounds, one compression), read in
 * bounded batches.  The first problem, with its offset. */
int kx_kdump_verify(struct kx_kdump *k, struct kx_err *err);

/* pread calls so far */
uint64_t kx_kdump_preads(const struct kx_kdump *k);

#endif
