/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ELFCOREHDR_H
#define KX_ELFCOREHDR_H
/*
 * The ELF core header a capture kernel reads as elfcorehdr= and turns into /proc/vmcore: ELF64
 * ET_CORE, laid out as the kernel's own crash_prepare_elf64_headers() does it —
 *   one PT_NOTE per CPU          (p_offset = p_paddr = crash_notes address, size crash_notes_size)
 *   one PT_NOTE for VMCOREINFO   (p_offset = p_paddr = its address, its size)
 *   one PT_LOAD for kernel text  (optional: p_vaddr = _text, p_paddr = p_offset = its physical)
 *   one PT_LOAD per memory range (p_offset = p_paddr = start, p_vaddr = page_offset + start)
 * PT_LOADs are PF_R|PF_W|PF_X with p_align 0.  The buffer is padded to a multiple of 4096
 * (ELF_CORE_HEADER_ALIGN) and, on request, has room for `extra_phdrs` more program headers
 * (zeroed, not counted in e_phnum) so that a kernel updating the header in place (crash hotplug)
 * can grow it.
 *
 * Pure: no I/O.  Fields are written in the byte order asked for, whatever the host's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ranges.h"

#define KX_ELFCOREHDR_ALIGN 4096
/* e_phnum is 16 bits; PN_XNUM (0xffff) would need the extended numbering capture kernels
 * don't read. */
#define KX_ELFCOREHDR_MAX_PHDRS 0xfffe

struct kx_elf_note_seg {
	uint64_t addr, size;
};

struct kx_elfcorehdr_in {
	uint16_t machine;               /* e_machine: EM_X86_64, EM_AARCH64, ... */
	bool big_endian;                /* ELFDATA2MSB (s390x, ppc64 big endian) */
	const struct kx_elf_note_seg *cpu_notes;
	size_t ncpu_notes;
	bool has_vmcoreinfo;
	struct kx_elf_note_seg vmcoreinfo;
	bool has_text;
	uint64_t text_vaddr, text_paddr, text_size;
	const struct kx_ranges *ranges; /* normalized: what the dump covers */
	uint64_t page_offset;           /* p_vaddr = page_offset + p_paddr for RAM ranges */
	size_t extra_phdrs;
};

/* Program headers the input needs (without the extra room). */
size_t kx_elfcorehdr_phnum(const struct kx_elfcorehdr_in *in);

/* Bytes of the header for `phdrs` program headers, padded to KX_ELFCOREHDR_ALIGN. */
uint64_t kx_elfcorehdr_size_for(uint64_t phdrs);

/*
 * Build the header into a new buffer (free() it).  *ret_size is the padded size, *ret_phnum the
 * e_phnum written.  -E2BIG when there are more than KX_ELFCOREHDR_MAX_PHDRS program headers,
 * -EINVAL for an empty or impossible input (a range reaching past 2^64 through page_offset).
 */
int kx_elfcorehdr_build(const struct kx_elfcorehdr_in *in, void **ret_buf, size_t *ret_size,
			size_t *ret_phnum, struct kx_err *err);

#endif
