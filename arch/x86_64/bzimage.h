/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_X86_BZIMAGE_H
#define KX_X86_BZIMAGE_H
/*
 * The x86 boot protocol's setup header (Documentation/arch/x86/boot.rst), as far as a kexec
 * loader needs it.  Offsets are from the start of the file:
 *   0x1f1 setup_sects (0 means 4)   0x1fe boot_flag 0xAA55     0x202 header "HdrS"
 *   0x206 version                   0x20e kernel_version (+0x200: version string)
 *   0x211 loadflags (bit 0 LOADED_HIGH)   0x230 kernel_alignment   0x234 relocatable_kernel
 *   0x236 xloadflags (2.12+)        0x238 cmdline_size (2.06+) 0x248 payload_offset (2.08+)
 *   0x24c payload_length            0x258 pref_address (2.10+) 0x260 init_size (2.10+)
 * Pure.
 */
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KX_BZ_LOADED_HIGH               (1u << 0)
#define KX_XLF_KERNEL_64                (1u << 0)
#define KX_XLF_CAN_BE_LOADED_ABOVE_4G   (1u << 1)
#define KX_XLF_EFI_HANDOVER_32          (1u << 2)
#define KX_XLF_EFI_HANDOVER_64          (1u << 3)
#define KX_XLF_EFI_KEXEC                (1u << 4)
#define KX_XLF_5LEVEL                   (1u << 5)
#define KX_XLF_5LEVEL_ENABLED           (1u << 6)

/* The kernel's kexec_file_load bzImage64 loader wants protocol 2.12 (xloadflags). */
#define KX_BZ_MIN_PROTOCOL 0x020c

struct kx_bzimage {
	unsigned setup_sects;           /* after the 0 -> 4 rule */
	uint64_t setup_size;            /* (setup_sects + 1) * 512: the real-mode part */
	uint16_t version;               /* boot protocol, (major << 8) | minor */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint32_t cmdline_size;          /* longest command line without its NUL */
	uint32_t payload_offset, payload_length;
	uint64_t pref_address;
	uint32_t init_size;
	char version_string[160];       /* printable ASCII, "" when absent */
};

/*
 * Parse the first `len` bytes of an image of `file_size` bytes.  Rejects with -ENOEXEC and a
 * sentence in err exactly what the kernel's bzImage64 probe rejects (too short, no "HdrS", no
 * 0xAA55, protocol < 2.12, not LOADED_HIGH, no XLF_KERNEL_64 or XLF_CAN_BE_LOADED_ABOVE_4G) and
 * images truncated before the end of their setup code.
 */
int kx_bzimage_parse(const unsigned char *buf, size_t len, uint64_t file_size,
		     struct kx_bzimage *ret, struct kx_err *err);

#endif
