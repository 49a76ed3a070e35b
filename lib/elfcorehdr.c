// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfcorehdr.h"

#define EHDR_SIZE 64u   /* sizeof(Elf64_Ehdr) */
#define PHDR_SIZE 56u   /* sizeof(Elf64_Phdr) */

_Static_assert(sizeof(Elf64_Ehdr) == EHDR_SIZE, "Elf64_Ehdr layout");
_Static_assert(sizeof(Elf64_Phdr) == PHDR_SIZE, "Elf64_Phdr layout");

struct writer {
	unsigned char *p;
	bool big;
};

static void put(struct writer *w, size_t off, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		unsigned shift = w->big ? 8 * (bytes - 1 - i) : 8 * i;

		w->p[off + i] = (unsigned char)(v >> shift);
	}
}

/* Elf64_Phdr field offsets */
enum { P_TYPE = 0, P_FLAGS = 4, P_OFFSET = 8, P_VADDR = 16, P_PADDR = 24, P_FILESZ = 32,
       P_MEMSZ = 40, P_ALIGN = 48 };

static void put_phdr(struct writer *w, size_t index, uint32_t type, uint32_t flags,
		     uint64_t offset_paddr, uint64_t vaddr, uint64_t size)
{
	size_t o = EHDR_SIZE + index * PHDR_SIZE;

	put(w, o + P_TYPE, type, 4);
	put(w, o + P_FLAGS, flags, 4);
	put(w, o + P_OFFSET, offset_paddr, 8);
	put(w, o + P_VADDR, vaddr, 8);
	put(w, o + P_PADDR, offset_paddr, 8);
	put(w, o + P_FILESZ, size, 8);
	put(w, o + P_MEMSZ, size, 8);
	put(w, o + P_ALIGN, 0, 8);
}

size_t kx_elfcorehdr_phnum(const struct kx_elfcorehdr_in *in)
{
	return in->ncpu_notes + (in->has_vmcoreinfo ? 1 : 0) + (in->has_text ? 1 : 0) +
	       (in->ranges ? in->ranges->n : 0);
}

uint64_t kx_elfcorehdr_size_for(uint64_t phdrs)
{
	uint64_t sz = EHDR_SIZE + phdrs * PHDR_SIZE;

	return (sz + KX_ELFCOREHDR_ALIGN - 1) & ~(uint64_t)(KX_ELFCOREHDR_ALIGN - 1);
}

int kx_elfcorehdr_build(const struct kx_elfcorehdr_in *in, void **ret_buf, size_t *ret_size,
			size_t *ret_phnum, struct kx_err *err)
{
	size_t phnum = kx_elfcorehdr_phnum(in), i = 0;
	uint64_t size;
	struct writer w = { .big = in->big_endian };

	if (phnum == 0)
		return kx_err_set(err, -EINVAL, "elfcorehdr: nothing to describe (no CPU notes, "
				  "VMCOREINFO or memory)");
	if (phnum > KX_ELFCOREHDR_MAX_PHDRS || in->extra_phdrs > KX_ELFCOREHDR_MAX_PHDRS ||
	    phnum + in->extra_phdrs > KX_ELFCOREHDR_MAX_PHDRS)
		return kx_err_set(err, -E2BIG, "elfcorehdr: %zu program headers (+%zu spare) exceed "
				  "the ELF limit of %u", phnum, in->extra_phdrs,
				  KX_ELFCOREHDR_MAX_PHDRS);
	for (size_t k = 0; in->ranges && k < in->ranges->n; k++)
		if (in->ranges->r[k].end > UINT64_MAX - in->page_offset)
			return kx_err_set(err, -EINVAL, "elfcorehdr: memory range %llx-%llx has no "
					  "virtual address below 2^64 with page offset %llx",
					  (unsigned long long)in->ranges->r[k].start,
					  (unsigned long long)in->ranges->r[k].end,
					  (unsigned long long)in->page_offset);

	size = kx_elfcorehdr_size_for(phnum + in->extra_phdrs);
	w.p = calloc(1, size);
	if (!w.p)
		return kx_err_set(err, -ENOMEM, "out of memory for a %llu-byte elfcorehdr",
				  (unsigned long long)size);

	memcpy(w.p, ELFMAG, SELFMAG);
	w.p[EI_CLASS] = ELFCLASS64;
	w.p[EI_DATA] = in->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	w.p[EI_VERSION] = EV_CURRENT;
	w.p[EI_OSABI] = ELFOSABI_NONE;
	put(&w, offsetof(Elf64_Ehdr, e_type), ET_CORE, 2);
	put(&w, offsetof(Elf64_Ehdr, e_machine), in->machine, 2);
	put(&w, offsetof(Elf64_Ehdr, e_version), EV_CURRENT, 4);
	put(&w, offsetof(Elf64_Ehdr, e_phoff), EHDR_SIZE, 8);
	put(&w, offsetof(Elf64_Ehdr, e_ehsize), EHDR_SIZE, 2);
	put(&w, offsetof(Elf64_Ehdr, e_phentsize), PHDR_SIZE, 2);
	put(&w, offsetof(Elf64_Ehdr, e_phnum), phnum, 2);

	for (size_t k = 0; k < in->ncpu_notes; k++)
		put_phdr(&w, i++, PT_NOTE, 0, in->cpu_notes[k].addr, 0, in->cpu_notes[k].size);
	if (in->has_vmcoreinfo)
		put_phdr(&w, i++, PT_NOTE, 0, in->vmcoreinfo.addr, 0, in->vmcoreinfo.size);
	if (in->has_text)
		put_phdr(&w, i++, PT_LOAD, PF_R | PF_W | PF_X, in->text_paddr, in->text_vaddr,
			 in->text_size);
	for (size_t k = 0; in->ranges && k < in->ranges->n; k++) {
		const struct kx_range *r = &in->ranges->r[k];

		put_phdr(&w, i++, PT_LOAD, PF_R | PF_W | PF_X, r->start, in->page_offset + r->start,
			 kx_range_size(r));
	}
	*ret_buf = w.p;
	*ret_size = (size_t)size;
	*ret_phnum = phnum;
	return 0;
}
