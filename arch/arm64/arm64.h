/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ARCH_ARM64_H
#define KX_ARCH_ARM64_H
/*
 * arm64: the Image header (Documentation/arch/arm64/booting.rst, arch/arm64/include/asm/
 * image.h), all little-endian, at the start of the file:
 *   0x00 code0  0x04 code1  0x08 text_offset (u64)  0x10 image_size (u64)  0x18 flags (u64)
 *   0x20..0x37 reserved     0x38 magic "ARM\x64"    0x3c PE header offset (EFI stub)
 * flags: bit 0 big-endian kernel; bits 1-2 page size (0 unspecified, 1 4K, 2 16K, 3 64K);
 * bit 3 the kernel may be placed anywhere in memory (else as close to the start of DRAM as
 * possible).  Pure.
 */
#include "arch.h"

extern const struct kx_arch_ops kx_arch_arm64;

struct kx_arm64_image {
	uint64_t text_offset;
	uint64_t image_size;            /* memory the kernel needs from its 2 MiB aligned base */
	uint64_t flags;
	bool big_endian;
	unsigned page_size;             /* 0: not said */
	bool phys_anywhere;
	bool efi;                       /* "MZ" at 0 and a PE header offset: an EFI stub */
};

#define KX_ARM64_HEADER_SIZE 64
#define KX_ARM64_KIMG_ALIGN (UINT64_C(2) << 20)        /* MIN_KIMG_ALIGN */

/*
 * Parse the first len bytes of an Image.  -ENOEXEC with a sentence in err for what the
 * kernel's kexec_file_load refuses (no magic, image_size 0 of kernels before 3.17) and for
 * files that are an Image once decompressed (gzip).
 */
int kx_arm64_image_parse(const unsigned char *buf, size_t len, struct kx_arm64_image *ret,
			 struct kx_err *err);

/*
 * kexec_file_load's placement on arm64 (arch/arm64/kernel/kexec_image.c, machine_kexec_file.c):
 * the kernel bottom-up, 2 MiB aligned, image_size + text_offset long; above the kernel the
 * elfcorehdr top-down at 64 KiB alignment, the initrd bottom-up below the kernel's 1 GiB
 * boundary + 32 GiB, and the DTB (dtb_size: the running kernel's DTB after the /chosen edit)
 * top-down at 2 MiB alignment.  The ops' file_load_layout uses an estimate of dtb_size.
 */
int kx_arm64_file_load_layout(const struct kx_load_request *req, uint64_t dtb_size,
			      uint64_t start, uint64_t end, struct kx_segments *ret);

#endif
