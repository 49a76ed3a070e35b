/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_DTB_H
#define KX_DTB_H
/*
 * Flattened device trees (DTB) as arm64, ppc64 and s390 firmware hand them to Linux, read and
 * edited in memory with libfdt.  Pure: every function takes a buffer and its length, never a
 * file, and every blob is validated before it is walked (header, totalsize against the buffer,
 * then libfdt's full structure check), so a hostile blob is an error naming the offset, never a
 * read past the buffer.
 *
 * Memory (what the kernel's early_init_dt_scan_memory() and, on POWER, early_init_drmem_lmb()
 * take as RAM):
 *  - every child of the root with device_type = "memory" (or, when device_type is absent, named
 *    "memory" or "memory@…"), unless its status is neither "okay" nor "ok": its
 *    `linux,usable-memory` when present, else its `reg`, as (address, size) pairs in the root's
 *    #address-cells / #size-cells (1 or 2 each; absent: 2 and 1 as the Devicetree
 *    Specification says);
 *  - /ibm,dynamic-reconfiguration-memory: `ibm,lmb-size` (root #size-cells) and either
 *    `ibm,dynamic-memory-v2` (u32 count of sets, each {u32 seq_lmbs, base in root
 *    #address-cells, u32 drc_index, u32 aa_index, u32 flags}) or `ibm,dynamic-memory` (u32 count
 *    of LMBs, each {base, u32 drc_index, u32 reserved, u32 aa_index, u32 flags}); an LMB is RAM
 *    when DRCONF_MEM_ASSIGNED is set and DRCONF_MEM_RESERVED is not (arch/powerpc/include/asm/
 *    drmem.h; AI_INVALID says nothing about whether it is RAM).
 *
 * Editing for a crash load follows the kernel's own of_kexec_alloc_and_setup_fdt()
 * (drivers/of/kexec.c), so a loader that edits the DTB itself (kexec_load) hands the capture
 * kernel the same /chosen as kexec_file_load would.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ranges.h"

/* ibm,dynamic-memory LMB flags (arch/powerpc/include/asm/drmem.h) */
#define KX_DRCONF_MEM_ASSIGNED   0x00000008u
#define KX_DRCONF_MEM_AI_INVALID 0x00000040u
#define KX_DRCONF_MEM_RESERVED   0x00000080u

/* Caps on counts read from a blob: far above real machines (a 64 TiB POWER partition has
 * 262144 LMBs of 256 MiB), low enough that a hostile count is refused before any work. */
#define KX_FDT_LMB_MAX    (1u << 22)
#define KX_FDT_SIZE_MAX   (64u << 20)   /* largest blob accepted or produced */

struct kx_fdt_memory {
	struct kx_ranges ram;           /* normalized (sorted, merged) */
	unsigned addr_cells, size_cells;        /* the root's, after defaults */
	size_t nodes;                   /* memory nodes that contributed */
	int drconf_version;             /* 0: no ibm,dynamic-reconfiguration-memory; 1 or 2 */
	uint64_t lmb_size;
	uint64_t lmbs, lmbs_assigned, lmbs_reserved;    /* counted over every LMB */
};

/*
 * 0 when blob[0, len) holds one well-formed DTB (fdt_totalsize <= len); -EBADMSG with err
 * naming the problem and its offset otherwise.
 */
int kx_fdt_check(const void *blob, size_t len, struct kx_err *err);

/* The RAM a DTB describes.  -EBADMSG (malformed, offset in err), -E2BIG (a count past a cap),
 * -ENOMEM.  ret is filled only on success; free with kx_fdt_memory_free(). */
int kx_fdt_memory(const void *blob, size_t len, struct kx_fdt_memory *ret, struct kx_err *err);
void kx_fdt_memory_free(struct kx_fdt_memory *m);

/* What a crash load puts in /chosen. */
struct kx_fdt_chosen {
	bool has_elfcorehdr;            /* linux,elfcorehdr = <addr size>, root cells */
	uint64_t elfcorehdr_addr, elfcorehdr_size;
	const struct kx_ranges *usable; /* linux,usable-memory-range: one pair per range, in the
					   list's order (main crash range first); NULL: none */
	const char *bootargs;           /* NULL: bootargs removed */
	bool has_initrd;                /* linux,initrd-start/-end as u64; else both removed */
	uint64_t initrd_start, initrd_end;      /* end exclusive, as the kernel reads it */
	bool has_kaslr_seed;            /* kaslr-seed (u64); else removed */
	uint64_t kaslr_seed;
	const void *rng_seed;           /* rng-seed bytes; NULL: removed */
	size_t rng_seed_len;
	bool reserve;                   /* add /memreserve/ entries for the elfcorehdr and the
					   initrd, as the kernel does, so the capture kernel does
					   not reuse that memory before it has read them */
};

/*
 * Copy blob into a new, packed DTB with /chosen set as c says.  /chosen is created when absent.
 * Properties of an earlier crash edit are replaced, never appended to: linux,elfcorehdr and
 * linux,usable-memory-range are deleted first, and the /memreserve/ entries that matched the
 * old linux,elfcorehdr and linux,initrd-start/-end are removed.  The copy grows as needed (up
 * to KX_FDT_SIZE_MAX).  -EBADMSG for a malformed input, -ERANGE for an address or size that
 * does not fit the root's cells, -E2BIG past the size cap, -ENOMEM.  *ret_blob is malloc'd.
 */
int kx_fdt_edit_chosen(const void *blob, size_t len, const struct kx_fdt_chosen *c,
		       void **ret_blob, size_t *ret_len, struct kx_err *err);

#endif
