/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_VADDR_H
#define KX_VADDR_H
/*
 * The crashed kernel's memory in a vmcore, by virtual or physical address.
 *
 * A virtual address is found in the PT_LOAD whose [p_vaddr, p_vaddr + p_memsz) holds it.  When
 * none does (a dump whose PT_LOADs carry no usable p_vaddr for the direct map, or none for the
 * kernel image), VMCOREINFO gives the physical address, which is then found by p_paddr:
 *  - x86_64 kernel image [0xffffffff80000000, + NUMBER(KERNEL_IMAGE_SIZE)):
 *    physical = virtual - 0xffffffff80000000 + NUMBER(phys_base);
 *  - direct map, with NUMBER(PAGE_OFFSET): physical = virtual - PAGE_OFFSET (+ NUMBER(phys_ram_base)
 *    or NUMBER(PHYS_OFFSET) where the kernel exports one).
 * (KERNELOFFSET, the KASLR shift, is already part of every SYMBOL() value, so it is not needed.)
 * Bytes between p_filesz and p_memsz read as zeros.
 *
 * Program headers are read in chunks when a lookup misses a small cache of recently used
 * segments, and file data goes through a few 64 KiB blocks, so memory does not depend on the
 * number of segments or the size of the dump.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "vmcore.h"

struct kx_vaddr;

/* vmcoreinfo may be NULL (no fallback).  The vmcore must outlive the result. */
int kx_vaddr_open(struct kx_vmcore *v, const char *vmcoreinfo, size_t len, struct kx_vaddr **ret,
		  struct kx_err *err);
void kx_vaddr_close(struct kx_vaddr *a);

struct kx_vaddr_loc {
	uint64_t paddr;         /* physical address, when known */
	bool has_paddr;
	bool fallback;          /* found through VMCOREINFO, not a PT_LOAD's p_vaddr */
	uint64_t offset;        /* file offset */
	uint64_t file_bytes;    /* bytes from here to the end of the segment's file data */
	uint64_t zero_bytes;    /* then bytes of zeros to the end of the segment (p_memsz) */
};

/* Where virtual address va is.  -EBADMSG (err says why, naming `what`) when no segment holds it. */
int kx_vaddr_translate(struct kx_vaddr *a, uint64_t va, const char *what, struct kx_vaddr_loc *ret,
		       struct kx_err *err);

/* Exactly len bytes of kernel memory at virtual / physical address addr (may span segments). */
int kx_vaddr_read(struct kx_vaddr *a, uint64_t va, void *buf, size_t len, const char *what,
		  struct kx_err *err);
int kx_paddr_read(struct kx_vaddr *a, uint64_t pa, void *buf, size_t len, const char *what,
		  struct kx_err *err);

/* pread calls made so far (for tests and benchmarks) */
uint64_t kx_vaddr_preads(const struct kx_vaddr *a);

#endif
