/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_X86_VMLINUX_H
#define KX_X86_VMLINUX_H
/*
 * An x86_64 ELF vmlinux (kexec-tools' elf-x86_64 type) for kexec_load (-c).  The kernel's own
 * kexec_file_load takes only a bzImage.
 *
 * The x86_64 kernel is physically relocatable whatever its configuration: its startup_64
 * (arch/x86/kernel/head_64.S, __startup_64) computes how far it runs from where it was linked
 * and fixes its page tables (phys_base), as long as that distance is a multiple of 2 MiB.  So the
 * PT_LOAD segments are loaded as one block, shifted by the same amount, anywhere 2 MiB aligned
 * in the crash kernel region; the entry is e_entry (phys_startup_64) shifted likewise, entered
 * in 64-bit mode with %rsi = boot_params, as the boot protocol's 64-bit entry.  A vmlinux has
 * no setup header: kx_x86_vmlinux_header() writes the one a boot_params needs.
 * Pure: buffers in, results out; every size from the file is bounded.
 */
#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "err.h"

#define KX_VMLINUX_MAX_LOADS 16
/* Larger than any x86_64 kernel's memory image (Debian 12's 6.12: 55 MiB). */
#define KX_VMLINUX_MAX_SPAN (UINT64_C(1) << 30)

struct kx_x86_vmlinux {
	uint64_t paddr;                 /* lowest p_paddr of a PT_LOAD: where it was linked */
	uint64_t filesz;                /* paddr to the end of the last PT_LOAD's file bytes */
	uint64_t memsz;                 /* paddr to the end of the last PT_LOAD's memory */
	uint64_t entry_off;             /* e_entry - paddr */
	uint64_t align;                 /* load alignment: the first PT_LOAD's, at least 2 MiB */
	unsigned nload;
	struct kx_x86_vmlinux_load {
		uint64_t offset, paddr, filesz, memsz;
	} load[KX_VMLINUX_MAX_LOADS];   /* by p_paddr, not overlapping */
};

/* Whether buf starts like an ELF file (any class or machine). */
int kx_x86_is_elf(const unsigned char *buf, size_t len);

/*
 * Parse the ELF header and program headers in the first `len` bytes of a file of `file_size`
 * bytes.  -ENOEXEC with the offset of what is wrong: not ELF64 little endian, not EM_X86_64,
 * not ET_EXEC, program headers outside the head, no PT_LOAD, a segment past the end of the
 * file or overlapping another, an entry outside the segments, a span over 1 GiB.
 */
int kx_x86_vmlinux_parse(const unsigned char *buf, size_t len, uint64_t file_size,
			 struct kx_x86_vmlinux *ret, struct kx_err *err);

/* The loaded image: filesz bytes, each PT_LOAD at p_paddr - paddr, zeros between; malloc'ed. */
int kx_x86_vmlinux_image(const struct kx_x86_vmlinux *v, const unsigned char *file,
			 uint64_t file_size, unsigned char **ret, struct kx_err *err);

/*
 * The setup header a boot loader would have taken from a bzImage, for boot_params: a 1024-byte
 * head (boot sector signature, "HdrS", protocol 2.15, 64-bit and relocatable flags, the
 * kernel's 2048-byte command line) and its parsed form.
 */
#define KX_VMLINUX_HEAD_LEN 1024
void kx_x86_vmlinux_header(const struct kx_x86_vmlinux *v, unsigned char *head,
			   struct kx_bzimage *ret);

#endif
