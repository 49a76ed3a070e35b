// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppc64 and ppc64le: ELF vmlinux kernels.  The kernel's kexec_file_load on ppc64
 * (arch/powerpc/kexec/elf_64.c, file_load_64.c) places the kernel's ELF segments, the initrd, the
 * elfcorehdr, the DTB and its purgatory by rules that depend on the RMA size, the
 * ibm,dynamic-reconfiguration-memory layout and the crash range's backup region; this version
 * does not predict them: file_load_layout lists the segments with their sizes, unplaced, and
 * returns -ENOTSUP, which the plan shows as "placed by the kernel".
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ppc64/ppc64.h"

#define KiB (UINT64_C(1) << 10)
#define PPC64_PAGE (64 * KiB)
/* COMMAND_LINE_SIZE, arch/powerpc/include/uapi/asm/setup.h */
#define PPC64_COMMAND_LINE_SIZE 2048
/* strlen("elfcorehdr=0x%lx ") at most: setup_kdump_cmdline() puts it first */
#define PPC64_ELFCOREHDR_ARG 30
/* Estimates of what the kernel adds: its DTB (the running one plus the crash edit) and its
 * purgatory with the trampoline. */
#define FDT_ESTIMATE (128 * KiB)
#define PURGATORY_ESTIMATE (64 * KiB)
#define PHDR_MAX 64

static const char *const image_types[] = { "elf-ppc64", NULL };

static uint64_t rd(const unsigned char *p, unsigned n, bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

int kx_ppc64_image_parse(const unsigned char *buf, size_t len, struct kx_ppc64_image *ret,
			 struct kx_err *err)
{
	struct kx_ppc64_image im = { .load_start = UINT64_MAX };
	uint64_t phoff;
	unsigned phentsize, phnum;
	bool be;

	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return kx_err_set(err, -ENOEXEC, "a gzip file, not a ppc64 vmlinux: "
				  "kexec_file_load takes the uncompressed ELF vmlinux");
	if (len < sizeof(Elf64_Ehdr) || memcmp(buf, ELFMAG, SELFMAG))
		return kx_err_set(err, -ENOEXEC, "not an ELF file: ppc64 loads an ELF vmlinux");
	if (buf[EI_CLASS] != ELFCLASS64)
		return kx_err_at(err, -ENOEXEC, EI_CLASS, "a 32-bit ELF file: ppc64 loads a 64-bit "
				 "vmlinux");
	if (buf[EI_DATA] != ELFDATA2LSB && buf[EI_DATA] != ELFDATA2MSB)
		return kx_err_at(err, -ENOEXEC, EI_DATA, "ELF byte order %u is neither little nor "
				 "big endian", buf[EI_DATA]);
	be = im.big_endian = buf[EI_DATA] == ELFDATA2MSB;
	if (rd(buf + 18, 2, be) != EM_PPC64)
		return kx_err_at(err, -ENOEXEC, 18, "an ELF file for machine %u, not EM_PPC64 (21)",
				 (unsigned)rd(buf + 18, 2, be));
	im.type = (uint16_t)rd(buf + 16, 2, be);
	if (im.type != ET_EXEC && im.type != ET_DYN)
		return kx_err_at(err, -ENOEXEC, 16, "ELF type %u is not an executable kernel "
				 "(ET_EXEC or ET_DYN)", im.type);
	im.entry = rd(buf + 24, 8, be);
	phoff = rd(buf + 32, 8, be);
	phentsize = (unsigned)rd(buf + 54, 2, be);
	phnum = (unsigned)rd(buf + 56, 2, be);
	if (phentsize != sizeof(Elf64_Phdr) || phnum == 0 || phnum > PHDR_MAX)
		return kx_err_at(err, -ENOEXEC, 54, "program headers of %u bytes x %u: expected "
				 "1 to %d of %zu bytes", phentsize, phnum, PHDR_MAX,
				 sizeof(Elf64_Phdr));
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return kx_err_at(err, -ENOEXEC, phoff, "the program headers end past the first "
				 "%zu bytes of the file", len);
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *ph = buf + phoff + (uint64_t)i * phentsize;
		uint64_t paddr = rd(ph + 24, 8, be), memsz = rd(ph + 40, 8, be);

		if (rd(ph, 4, be) != PT_LOAD || !memsz)
			continue;
		if (paddr > UINT64_MAX - memsz)
			return kx_err_at(err, -ENOEXEC, phoff + (uint64_t)i * phentsize,
					 "PT_LOAD %u wraps the address space", i);
		im.nload++;
		if (paddr < im.load_start)
			im.load_start = paddr;
		if (paddr + memsz > im.load_end)
			im.load_end = paddr + memsz;
	}
	if (!im.nload)
		return kx_err_at(err, -ENOEXEC, phoff, "no PT_LOAD program header: nothing to load");
	*ret = im;
	return 0;
}

static int probe(const struct kx_file *kernel, const char *type, bool be,
		 struct kx_image_info *ret, struct kx_err *err)
{
	struct kx_image_info info = { .type = image_types[0] };
	struct kx_ppc64_image im;
	int r;

	if (type && strcmp(type, image_types[0]))
		return kx_err_set(err, -EINVAL, "image type '%s' is not supported on ppc64 "
				  "(supported: elf-ppc64)", type);
	r = kx_ppc64_image_parse(kernel->head, kernel->head_len, &im, err);
	if (r < 0)
		return r;
	if (im.big_endian != be)
		return kx_err_set(err, -ENOEXEC, "a %s-endian vmlinux, but the running kernel is "
				  "%s endian: kexec_file_load takes a kernel of its own byte order",
				  im.big_endian ? "big" : "little", be ? "big" : "little");
	info.cmdline_max = PPC64_COMMAND_LINE_SIZE;
	info.crash_cmdline_extra = PPC64_ELFCOREHDR_ARG;
	info.load_bufsz = kernel->size;
	info.load_memsz = im.load_end - im.load_start;
	info.load_align = PPC64_PAGE;
	info.load_min = 0;
	*ret = info;
	return 0;
}

static int probe_le(const struct kx_file *k, const char *t, struct kx_image_info *r,
		    struct kx_err *e)
{
	return probe(k, t, false, r, e);
}

static int probe_be(const struct kx_file *k, const char *t, struct kx_image_info *r,
		    struct kx_err *e)
{
	return probe(k, t, true, r, e);
}

static int file_load_layout(const struct kx_load_request *req, uint64_t start, uint64_t end,
			    struct kx_segments *s)
{
	const struct kx_segment g[] = {
		{ .name = "kernel", .bufsz = req->image->load_memsz, .memsz = req->image->load_memsz },
		{ .name = "initrd", .bufsz = req->initrd_size, .memsz = req->initrd_size },
		{ .name = "elfcorehdr", .bufsz = req->elfcorehdr_memsz,
		  .memsz = req->elfcorehdr_memsz },
		{ .name = "dtb", .bufsz = FDT_ESTIMATE + req->cmdline_len,
		  .memsz = FDT_ESTIMATE + req->cmdline_len },
		{ .name = "purgatory", .bufsz = PURGATORY_ESTIMATE, .memsz = PURGATORY_ESTIMATE },
	};

	(void)start;
	(void)end;
	kx_segments_init(s, PPC64_PAGE);
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		if ((i == 1 && !req->has_initrd) || (i == 2 && !req->crash))
			continue;
		/* listed with their sizes, placed nowhere (an empty window) */
		int r = kx_segments_place(s, &g[i], 1, 0);

		if (r < 0 && r != -ENOSPC)
			return r;
	}
	return -ENOTSUP;
}

const struct kx_arch_ops kx_arch_ppc64le = {
	.name = "ppc64le",
	.machine = "ppc64le",
	.kexec_arch = 21u << 16,        /* KEXEC_ARCH_PPC64 = EM_PPC64 << 16 = 0x150000 */
	.hotplug_flag = 0x8,            /* KEXEC_CRASH_HOTPLUG_SUPPORT (6.10) */
	.image_types = image_types, .page_size = PPC64_PAGE,
	.default_page_offset = UINT64_C(0xc000000000000000),
	.kernel_text_phdr = false,      /* the kernel's own ppc64 header has no text PT_LOAD */
	.probe_image = probe_le, .file_load_layout = file_load_layout,
	.read_ram = kx_ppc64_read_ram,
};

const struct kx_arch_ops kx_arch_ppc64 = {
	.name = "ppc64",
	.machine = "ppc64",
	.kexec_arch = 21u << 16,
	.hotplug_flag = 0x8,
	.image_types = image_types, .page_size = PPC64_PAGE,
	.default_page_offset = UINT64_C(0xc000000000000000),
	.kernel_text_phdr = false,
	.probe_image = probe_be, .file_load_layout = file_load_layout,
	.read_ram = kx_ppc64_read_ram,
};
