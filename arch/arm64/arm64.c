// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64: Image kernels and the kernel's kexec_file_load layout (Linux 6.12).  The capture
 * kernel finds the elfcorehdr and its usable memory in the DTB's /chosen (lib/dtb.h), not on
 * the command line.  arm64 kexec_file_load has no purgatory.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arm64/arm64.h"

#define KiB (UINT64_C(1) << 10)
#define GiB (UINT64_C(1) << 30)

/* COMMAND_LINE_SIZE of arch/arm64/include/uapi/asm/setup.h */
#define ARM64_COMMAND_LINE_SIZE 2048
/* The kernel's DTB for the capture kernel: the running kernel's DTB (tens of KiB on servers
 * and QEMU) plus the command line and the /chosen properties, packed.  Placement is 2 MiB
 * aligned, so the estimate only matters past 2 MiB. */
#define DTB_ESTIMATE (64 * KiB)

static const char *const image_types[] = { "Image", NULL };

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int kx_arm64_image_parse(const unsigned char *buf, size_t len, struct kx_arm64_image *ret,
			 struct kx_err *err)
{
	static const unsigned page_sizes[] = { 0, 4096, 16384, 65536 };
	struct kx_arm64_image h;

	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return kx_err_set(err, -ENOEXEC, "a gzip file, not an arm64 Image: kexec_file_load "
				  "takes the uncompressed Image (zcat it to a file first)");
	if (len < KX_ARM64_HEADER_SIZE)
		return kx_err_set(err, -ENOEXEC, "%zu bytes, shorter than the %d-byte arm64 Image "
				  "header", len, KX_ARM64_HEADER_SIZE);
	if (memcmp(buf + 0x38, "ARM\x64", 4))
		return kx_err_set(err, -ENOEXEC, "no arm64 Image magic \"ARM\\x64\" at offset 0x38");
	h.text_offset = le64(buf + 0x08);
	h.image_size = le64(buf + 0x10);
	h.flags = le64(buf + 0x18);
	if (!h.image_size)
		return kx_err_set(err, -ENOEXEC, "image_size is 0 (a kernel before 3.17): "
				  "kexec_file_load refuses such an Image");
	if (h.image_size > UINT64_MAX - h.text_offset - KX_ARM64_KIMG_ALIGN)
		return kx_err_set(err, -ENOEXEC, "image_size 0x%llx with text_offset 0x%llx does "
				  "not fit the address space", (unsigned long long)h.image_size,
				  (unsigned long long)h.text_offset);
	h.big_endian = h.flags & 1;
	h.page_size = page_sizes[(h.flags >> 1) & 3];
	h.phys_anywhere = (h.flags >> 3) & 1;
	h.efi = buf[0] == 'M' && buf[1] == 'Z' && (buf[0x3c] | buf[0x3d] | buf[0x3e] | buf[0x3f]);
	*ret = h;
	return 0;
}

static int probe(const struct kx_file *kernel, const char *type, struct kx_image_info *ret,
		 struct kx_err *err)
{
	struct kx_image_info info = { .type = image_types[0] };
	struct kx_arm64_image h;
	int r;

	if (type && strcmp(type, image_types[0]))
		return kx_err_set(err, -EINVAL, "image type '%s' is not supported on arm64 "
				  "(supported: Image)", type);
	r = kx_arm64_image_parse(kernel->head, kernel->head_len, &h, err);
	if (r < 0)
		return r;
	if (h.big_endian)
		return kx_err_set(err, -ENOEXEC, "a big-endian arm64 Image: this loader and the "
				  "running little-endian kernel take little-endian Images");
	info.cmdline_max = ARM64_COMMAND_LINE_SIZE;
	info.crash_cmdline_extra = 0;   /* elfcorehdr goes in the DTB */
	info.load_bufsz = kernel->size;
	info.load_memsz = h.image_size + h.text_offset;
	info.load_align = KX_ARM64_KIMG_ALIGN;
	info.load_min = 0;
	info.arch_flags = h.flags;
	*ret = info;
	return 0;
}

/* Record the first -ENOSPC and go on, so that a plan shows every segment. */
static int place(struct kx_segments *s, const struct kx_segment *g, uint64_t start,
		 uint64_t end, int *first)
{
	int r = kx_segments_place(s, g, start, end);

	if (r < 0 && r != -ENOSPC)
		return r;
	if (r < 0 && !*first)
		*first = r;
	return 0;
}

int kx_arm64_file_load_layout(const struct kx_load_request *req, uint64_t dtb_size,
			      uint64_t start, uint64_t end, struct kx_segments *s)
{
	const struct kx_image_info *img = req->image;
	uint64_t kmin = 0, iomax = UINT64_MAX;
	struct kx_segment *k;
	int r, first = 0;

	/* The kernel segment is shown from its 2 MiB aligned base: the kernel moves it up by
	 * text_offset (0 since 5.8) and shortens it as much, which leaves its end, where the
	 * other segments start, where it is. */
	kx_segments_init(s, 4096);
	r = place(s, &(struct kx_segment){ .name = "kernel", .bufsz = img->load_bufsz,
					   .memsz = img->load_memsz, .align = img->load_align },
		  start, end, &first);
	if (r < 0)
		return r;
	k = &s->seg[s->n - 1];
	if (k->placed) {
		/* nothing of the other segments goes below the end of the kernel */
		kmin = k->mem + k->memsz;
		iomax = (k->mem & ~(GiB - 1)) + 32 * GiB - 1;
	}
	if (req->crash) {
		r = place(s, &(struct kx_segment){ .name = "elfcorehdr",
						   .bufsz = req->elfcorehdr_memsz,
						   .memsz = req->elfcorehdr_memsz, .align = 64 * KiB,
						   .min = kmin, .top_down = true },
			  start, end, &first);
		if (r < 0)
			return r;
	}
	if (req->has_initrd) {
		r = place(s, &(struct kx_segment){ .name = "initrd", .bufsz = req->initrd_size,
						   .memsz = req->initrd_size, .align = 4096,
						   .min = kmin, .max = iomax },
			  start, end, &first);
		if (r < 0)
			return r;
	}
	r = place(s, &(struct kx_segment){ .name = "dtb", .bufsz = dtb_size, .memsz = dtb_size,
					   .align = KX_ARM64_KIMG_ALIGN, .min = kmin,
					   .top_down = true },
		  start, end, &first);
	if (r < 0)
		return r;
	return first == -ENOSPC && start > end ? 0 : first;
}

static int file_load_layout(const struct kx_load_request *req, uint64_t start, uint64_t end,
			    struct kx_segments *s)
{
	return kx_arm64_file_load_layout(req, DTB_ESTIMATE + req->cmdline_len, start, end, s);
}

const struct kx_arch_ops kx_arch_arm64 = {
	.name = "aarch64",
	.machine = "aarch64",
	.kexec_arch = 183u << 16,       /* KEXEC_ARCH_AARCH64 = EM_AARCH64 << 16 = 0xB70000 */
	.image_types = image_types,
	.page_size = 4096,
	.default_page_offset = UINT64_C(0xffff000000000000),   /* 48-bit VA, 5.4+ layout */
	.kernel_text_phdr = true,
	.crash_exclude = NULL,
	.ncrash_exclude = 0,
	.probe_image = probe,
	.file_load_layout = file_load_layout,
	.kexec_load_build = kx_arm64_kexec_load_build,
};
