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

/*
 * kload.c: a crash kexec_load (-c), every input in memory.  The segments follow the kernel's own
 * arm64 file-load rules inside the main crash range: the kernel bottom up at a 2 MiB aligned
 * base + text_offset with image_size bytes kept free; above it the elfcorehdr top down at 64 KiB,
 * the initrd bottom up inside the 1 GiB aligned 32 GiB window that covers the kernel, and the DTB
 * (at most 2 MiB, booting.rst) top down at 2 MiB.  The DTB is the given one with /chosen edited
 * as of_kexec_alloc_and_setup_fdt() does: linux,elfcorehdr, linux,usable-memory-range (main
 * crash range first, the low one last: the capture kernel reads at most two), bootargs, the
 * initrd and /memreserve/ entries for the elfcorehdr and initrd.  The command line carries no
 * elfcorehdr=: the capture kernel takes it from the DT (drivers/of/fdt.c).
 */
struct kx_crashmem;
struct kx_arm64_kload_in {
	const unsigned char *kernel;    /* the whole Image */
	uint64_t kernel_size;
	const void *initrd;             /* NULL: none */
	uint64_t initrd_size;
	const char *cmdline;
	const struct kx_crashmem *mem;  /* crash ranges (main: where segments go) */
	const void *elfcorehdr;
	uint64_t elfcorehdr_size, elfcorehdr_memsz;
	const void *dtb;                /* the device tree to edit */
	size_t dtb_size;
	const char *dtb_name;           /* for messages */
	bool has_kaslr_seed;            /* a fresh kaslr-seed for the capture kernel */
	uint64_t kaslr_seed;
};

#define KX_ARM64_DTB_MAX (UINT64_C(2) << 20)   /* booting.rst: a DTB is at most 2 MiB */

/* What the arm64 purgatory (the load's entry page) does, for the plan. */
#define KX_ARM64_PURGATORY_DOES "sets x0 to the device tree and x1-x3 to 0, enters the kernel; " \
	"checks no digest"

/*
 * Lay out and fill the segments.  -ENOEXEC for an Image that cannot be placed (text_offset not
 * page aligned, file larger than image_size), -EBADMSG for a malformed DTB (offset in err),
 * -EINVAL when a crash range is not memory in the DTB, -ENOSPC when a segment does not fit
 * (ret->segs shows which), -E2BIG for an edited DTB past 2 MiB.  The entry is a purgatory page
 * (placed top down above the kernel like the rest) that enters the kernel with x0 = the DTB.
 * kx_kload_free() ret either way.
 */
int kx_arm64_kload_layout(const struct kx_arm64_kload_in *in, struct kx_kload *ret,
			  struct kx_err *err);

/* The ops' kexec_load_build: the DTB from in->dtb or the sysroot's /sys/firmware/fdt. */
int kx_arm64_kexec_load_build(const struct kx_kload_in *in, struct kx_kload *ret,
			      struct kx_err *err);

#endif
