/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_X86_E820_H
#define KX_X86_E820_H
/*
 * e820 memory maps for an x86_64 kernel booted by kexec_load: the map of the machine (from
 * /proc/iomem, or from /sys/firmware/memmap as the firmware gave it) and the map of the
 * capture kernel (its crash memory as RAM, plus the firmware tables it must not use as RAM).
 *
 * Pure: built from a parsed /proc/iomem, the crash memory model and values the caller read.
 * Every map comes out normalized: sorted, without overlaps, adjacent entries of one type
 * merged.
 */
#include <stddef.h>
#include <stdint.h>

#include "crashmem.h"
#include "err.h"
#include "iomem.h"
#include "ranges.h"

/* e820 types (arch/x86/include/asm/e820/types.h, enum e820_type) */
#define KX_E820_RAM             1u
#define KX_E820_RESERVED        2u
#define KX_E820_ACPI            3u
#define KX_E820_NVS             4u
#define KX_E820_UNUSABLE        5u
#define KX_E820_PMEM            7u
#define KX_E820_PRAM            12u
#define KX_E820_SOFT_RESERVED   0xefffffffu

/* Cap on the entries of one map, far above what any kernel accepts (E820_MAX_ENTRIES is
 * 128 + 3 * MAX_NUMNODES: 3200 on Debian's NODES_SHIFT=10 kernels). */
#define KX_E820_MAX (1u << 16)

struct kx_e820_entry {
	uint64_t start, end;    /* inclusive, as /proc/iomem and /sys/firmware/memmap write them */
	uint32_t type;
};

struct kx_e820 {
	struct kx_e820_entry *e;
	size_t n, cap;
};

/*
 * The e820 type of a resource name as the kernel writes it to /proc/iomem and to
 * /sys/firmware/memmap/N/type (arch/x86/kernel/e820.c e820_type_to_string), 0 for a name that
 * is not an e820 type ("PCI Bus 0000:00", "Kernel code", ...).  Both "Reserved" and the
 * "reserved" of kernels before 4.16 are type 2.
 */
uint32_t kx_e820_type_from_name(const char *name);

/* The kernel's name of a type ("System RAM"), "Unknown E820 type" for others. */
const char *kx_e820_type_name(uint32_t type);

/* Append [start, end] of `type`.  -EINVAL when start > end or type is 0, -E2BIG past
 * KX_E820_MAX, -ENOMEM.  The map is not normalized until kx_e820_normalize(). */
int kx_e820_add(struct kx_e820 *m, uint64_t start, uint64_t end, uint32_t type);

/*
 * Sort, resolve overlaps and merge.  Where entries of different types overlap, the higher
 * type number wins, as in the kernel's own e820 sanitizer (reserved beats RAM, ACPI beats
 * reserved, ...).  Adjacent entries of one type become one.  0 or -ENOMEM.
 */
int kx_e820_normalize(struct kx_e820 *m);

void kx_e820_free(struct kx_e820 *m);

/*
 * The machine's map from /proc/iomem: every resource whose name is an e820 type, at any
 * depth (an e820 "Reserved" range can sit under "PCI MMCONFIG ..."), except inside a range
 * already taken (the children of "System RAM" are not e820 entries).  Other resources are
 * ignored.  -EACCES when iomem hides its addresses (not root).
 */
int kx_e820_from_iomem(const struct kx_iomem *iomem, struct kx_e820 *ret, struct kx_err *err);

/*
 * The contents of /sys/firmware/memmap/N/{start,end,type} (the firmware's map, which the
 * kernel keeps unchanged by mem=/memmap= options: what a normal kexec should hand over).
 * start and end are "0x<hex>" with an optional newline, end inclusive; an unknown type
 * string becomes reserved so that the next kernel leaves that memory alone.  -EBADMSG names
 * the entry, the field and the offset of the bad character.
 */
struct kx_memmap_entry {
	const char *start, *end, *type;
};
int kx_e820_from_memmap(const struct kx_memmap_entry *v, size_t n, struct kx_e820 *ret,
			struct kx_err *err);

/*
 * The capture kernel's map, as the kernel's kexec_file_load builds it (arch/x86/kernel/crash.c
 * crash_setup_memmap_entries, 5.13 to 6.12 and later):
 *   - System RAM below 1 MiB, as RAM;
 *   - "ACPI Tables" (3), "ACPI Non-volatile Storage" (4) and "Reserved" (2) ranges, at any
 *     depth (since 5.2 the reserved ones too, so that the capture kernel does not map PCI
 *     MMCONFIG or firmware areas as RAM);
 *   - every crash range ("Crash kernel": the main one and the low one of crashkernel=,high)
 *     as RAM, minus `exclude` (the elfcorehdr segment: the capture kernel must not allocate
 *     over the header it reads), pieces smaller than a page dropped;
 *   - crashkernel=,cma ranges as RAM (kernels of 2025 that have them do the same).
 * Not added, as in the kernel: persistent memory, unusable and soft-reserved ranges, and any
 * RAM outside the crash ranges.  exclude may be NULL.  -ENOENT when nothing is reserved for a
 * crash kernel, -EACCES when iomem hides its addresses.
 */
int kx_e820_capture(const struct kx_iomem *iomem, const struct kx_crashmem *cm,
		    const struct kx_ranges *exclude, struct kx_e820 *ret, struct kx_err *err);

#endif
