// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "vmlinux.h"

#define MiB (UINT64_C(1) << 20)

int kx_x86_is_elf(const unsigned char *buf, size_t len)
{
	return len >= SELFMAG && !memcmp(buf, ELFMAG, SELFMAG);
}

static int check_ident(const unsigned char *buf, size_t len, struct kx_err *err)
{
	if (len < sizeof(Elf64_Ehdr))
		return kx_err_at(err, -ENOEXEC, len, "an ELF file of %zu bytes, shorter than its "
				 "64-byte header", len);
	if (buf[EI_CLASS] != ELFCLASS64)
		return kx_err_at(err, -ENOEXEC, EI_CLASS, "a 32-bit ELF file (class %u at offset 4), "
				 "not an x86_64 vmlinux", buf[EI_CLASS]);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return kx_err_at(err, -ENOEXEC, EI_DATA, "a big-endian ELF file (offset 5), not an "
				 "x86_64 vmlinux");
	if (kx_le16(buf + 18) != EM_X86_64)
		return kx_err_at(err, -ENOEXEC, 18, "an ELF file for machine %u (offset 18), not "
				 "x86_64 (62)", kx_le16(buf + 18));
	if (kx_le16(buf + 16) != ET_EXEC)
		return kx_err_at(err, -ENOEXEC, 16, "an ELF file of type %u (offset 16), not an "
				 "executable: a vmlinux is ET_EXEC (2)", kx_le16(buf + 16));
	return 0;
}

/* Add one PT_LOAD in p_paddr order; -ENOEXEC when it overlaps a neighbour. */
static int add_load(struct kx_x86_vmlinux *v, const struct kx_x86_vmlinux_load *l, size_t at,
		    struct kx_err *err)
{
	unsigned i = v->nload;

	if (v->nload == KX_VMLINUX_MAX_LOADS)
		return kx_err_at(err, -ENOEXEC, at, "more than %u PT_LOAD segments (program header at "
				 "offset %zu): not a vmlinux", KX_VMLINUX_MAX_LOADS, at);
	while (i > 0 && v->load[i - 1].paddr > l->paddr) {
		v->load[i] = v->load[i - 1];
		i--;
	}
	v->load[i] = *l;
	v->nload++;
	if ((i > 0 && v->load[i - 1].paddr + v->load[i - 1].memsz > l->paddr) ||
	    (i + 1 < v->nload && l->paddr + l->memsz > v->load[i + 1].paddr))
		return kx_err_at(err, -ENOEXEC, at, "the PT_LOAD at offset %zu overlaps another in "
				 "physical memory (p_paddr %#llx, %llu bytes)", at,
				 (unsigned long long)l->paddr, (unsigned long long)l->memsz);
	return 0;
}

int kx_x86_vmlinux_parse(const unsigned char *buf, size_t len, uint64_t file_size,
			 struct kx_x86_vmlinux *ret, struct kx_err *err)
{
	struct kx_x86_vmlinux v = { 0 };
	uint64_t phoff, entry, last_file = 0;
	uint16_t phentsize, phnum;
	int r;

	r = check_ident(buf, len, err);
	if (r < 0)
		return r;
	entry = kx_le64(buf + 24);
	phoff = kx_le64(buf + 32);
	phentsize = kx_le16(buf + 54);
	phnum = kx_le16(buf + 56);
	if (phentsize != sizeof(Elf64_Phdr))
		return kx_err_at(err, -ENOEXEC, 54, "e_phentsize %u at offset 54, not %zu", phentsize,
				 sizeof(Elf64_Phdr));
	if (phnum == 0 || phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return kx_err_at(err, -ENOEXEC, 32, "%u program headers at offset %llu, not within "
				 "the first %zu bytes of the file", phnum, (unsigned long long)phoff,
				 len);
	for (unsigned i = 0; i < phnum; i++) {
		size_t at = (size_t)phoff + (size_t)i * phentsize;
		const unsigned char *ph = buf + at;
		struct kx_x86_vmlinux_load l;

		if (kx_le32(ph) != PT_LOAD || kx_le64(ph + 40) == 0)
			continue;
		l = (struct kx_x86_vmlinux_load){ .offset = kx_le64(ph + 8), .paddr = kx_le64(ph + 24),
						  .filesz = kx_le64(ph + 32), .memsz = kx_le64(ph + 40) };
		if (l.filesz > l.memsz)
			return kx_err_at(err, -ENOEXEC, at, "the PT_LOAD at offset %zu has more file "
					 "bytes (%llu) than memory (%llu)", at,
					 (unsigned long long)l.filesz, (unsigned long long)l.memsz);
		if (l.offset > file_size || l.filesz > file_size - l.offset)
			return kx_err_at(err, -ENOEXEC, at, "the PT_LOAD at offset %zu takes bytes "
					 "%llu-%llu of a %llu-byte file: the file is truncated", at,
					 (unsigned long long)l.offset,
					 (unsigned long long)(l.offset + l.filesz),
					 (unsigned long long)file_size);
		if (l.memsz > KX_VMLINUX_MAX_SPAN || l.paddr > UINT64_MAX - KX_VMLINUX_MAX_SPAN)
			return kx_err_at(err, -ENOEXEC, at, "the PT_LOAD at offset %zu (p_paddr %#llx, "
					 "%llu bytes) is not a kernel's", at,
					 (unsigned long long)l.paddr, (unsigned long long)l.memsz);
		if (v.nload == 0) {
			uint64_t a = kx_le64(ph + 48);

			v.align = a > 2 * MiB && !(a & (a - 1)) ? a : 2 * MiB;
		}
		r = add_load(&v, &l, at, err);
		if (r < 0)
			return r;
	}
	if (v.nload == 0)
		return kx_err_at(err, -ENOEXEC, (size_t)phoff, "no PT_LOAD segment in the %u program "
				 "headers at offset %llu", phnum, (unsigned long long)phoff);
	v.paddr = v.load[0].paddr;
	for (unsigned i = 0; i < v.nload; i++)
		if (v.load[i].filesz)
			last_file = v.load[i].paddr + v.load[i].filesz;
	v.filesz = last_file > v.paddr ? last_file - v.paddr : 0;
	v.memsz = v.load[v.nload - 1].paddr + v.load[v.nload - 1].memsz - v.paddr;
	if (v.memsz > KX_VMLINUX_MAX_SPAN)
		return kx_err_at(err, -ENOEXEC, (size_t)phoff, "the PT_LOAD segments span %llu MiB "
				 "from %#llx: more than any kernel", (unsigned long long)(v.memsz / MiB),
				 (unsigned long long)v.paddr);
	if (v.paddr % (2 * MiB))
		return kx_err_at(err, -ENOEXEC, (size_t)phoff, "the first PT_LOAD is at %#llx, not "
				 "a 2 MiB boundary: the x86_64 kernel can move itself only by 2 MiB "
				 "steps", (unsigned long long)v.paddr);
	if (entry < v.load[0].paddr || entry >= v.load[0].paddr + v.load[0].filesz)
		return kx_err_at(err, -ENOEXEC, 24, "the entry point %#llx (offset 24) is not in the "
				 "first PT_LOAD (%#llx-%#llx): not a vmlinux", (unsigned long long)entry,
				 (unsigned long long)v.load[0].paddr,
				 (unsigned long long)(v.load[0].paddr + v.load[0].filesz));
	v.entry_off = entry - v.paddr;
	*ret = v;
	return 0;
}

int kx_x86_vmlinux_image(const struct kx_x86_vmlinux *v, const unsigned char *file,
			 uint64_t file_size, unsigned char **ret, struct kx_err *err)
{
	unsigned char *img;

	if (v->filesz == 0 || v->filesz > KX_VMLINUX_MAX_SPAN)
		return kx_err_set(err, -ENOEXEC, "the vmlinux has no bytes to load");
	img = calloc(1, (size_t)v->filesz);
	if (!img)
		return kx_err_set(err, -ENOMEM, "out of memory for the %llu-byte kernel image",
				  (unsigned long long)v->filesz);
	for (unsigned i = 0; i < v->nload; i++) {
		const struct kx_x86_vmlinux_load *l = &v->load[i];

		/* parse checked these against the file; checked again against this file */
		if (l->offset > file_size || l->filesz > file_size - l->offset) {
			free(img);
			return kx_err_set(err, -ENOEXEC, "the vmlinux changed since it was read");
		}
		memcpy(img + (l->paddr - v->paddr), file + l->offset, (size_t)l->filesz);
	}
	*ret = img;
	return 0;
}

void kx_x86_vmlinux_header(const struct kx_x86_vmlinux *v, unsigned char *head,
			   struct kx_bzimage *ret)
{
	/* protocol 2.15's header ends after kernel_info_offset, at 0x26c */
	const unsigned hdr_end = 0x26c;
	struct kx_bzimage b = {
		.setup_sects = 1, .setup_size = 1024, .version = 0x020f,
		.loadflags = KX_BZ_LOADED_HIGH,
		.xloadflags = KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G,
		.kernel_alignment = (uint32_t)v->align, .relocatable = 1,
		/* COMMAND_LINE_SIZE of arch/x86/include/asm/setup.h (2048) without its NUL */
		.cmdline_size = 2047, .pref_address = v->paddr,
		.init_size = (uint32_t)v->memsz,
	};

	memset(head, 0, KX_VMLINUX_HEAD_LEN);
	head[0x1f1] = 1;
	kx_put_le16(head + 0x1fe, 0xaa55);
	head[0x200] = 0xeb;
	head[0x201] = (unsigned char)(hdr_end - 0x202);
	memcpy(head + 0x202, "HdrS", 4);
	kx_put_le16(head + 0x206, b.version);
	head[0x211] = b.loadflags;
	kx_put_le32(head + 0x230, b.kernel_alignment);
	head[0x234] = b.relocatable;
	kx_put_le16(head + 0x236, b.xloadflags);
	kx_put_le32(head + 0x238, b.cmdline_size);
	kx_put_le32(head + 0x258, (uint32_t)b.pref_address);
	kx_put_le32(head + 0x25c, (uint32_t)(b.pref_address >> 32));
	kx_put_le32(head + 0x260, b.init_size);
	*ret = b;
}
