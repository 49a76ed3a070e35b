/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_X86_BOOTPARAMS_H
#define KX_X86_BOOTPARAMS_H
/*
 * The x86_64 "zero page" (struct boot_params) a kexec_load loader hands to a bzImage at its
 * 64-bit entry (RSI), and where that kernel must be put.  Pure: builds byte buffers from the
 * image header, values the loader read and an e820 map; writes little-endian fields at the
 * kernel's offsets, so it works on any host.
 *
 * Offsets are those of arch/x86/include/uapi/asm/bootparam.h (Linux 6.1 and 6.12 agree); the
 * setup header (hdr) sits at 0x1f1 in both the image file and boot_params.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "e820.h"
#include "err.h"

#define KX_BP_SIZE              4096    /* sizeof(struct boot_params) */

/* struct boot_params */
#define KX_BP_SCREEN_INFO       0x000   /* struct screen_info, 0x40 bytes */
#define KX_BP_EXT_MEM_K         0x002   /* screen_info.ext_mem_k (u16) */
#define KX_BP_APM_BIOS_INFO     0x040   /* 0x14 bytes, then 4 of padding */
#define KX_BP_TBOOT_ADDR        0x058
#define KX_BP_IST_INFO          0x060   /* 0x10 bytes */
#define KX_BP_ACPI_RSDP_ADDR    0x070   /* u64, since Linux 4.20 */
#define KX_BP_HD0_INFO          0x080
#define KX_BP_OLPC_OFW_HEADER   0x0b0   /* 0x10 bytes */
#define KX_BP_EXT_RAMDISK_IMAGE 0x0c0   /* u32: bits 63..32 of hdr.ramdisk_image */
#define KX_BP_EXT_RAMDISK_SIZE  0x0c4
#define KX_BP_EXT_CMD_LINE_PTR  0x0c8
#define KX_BP_EDID_INFO         0x140   /* struct edid_info, 0x80 bytes */
#define KX_BP_EFI_INFO          0x1c0   /* struct efi_info, 0x20 bytes */
#define KX_BP_ALT_MEM_K         0x1e0
#define KX_BP_SCRATCH           0x1e4
#define KX_BP_E820_ENTRIES      0x1e8   /* u8 */
#define KX_BP_SECURE_BOOT       0x1ec
#define KX_BP_SENTINEL          0x1ef
#define KX_BP_HDR               0x1f1   /* struct setup_header */
#define KX_BP_EDD_MBR_SIG_BUF   0x290   /* u32[16] */
#define KX_BP_E820_TABLE        0x2d0   /* struct boot_e820_entry[128], 20 bytes each */
#define KX_BP_EDDBUF            0xd00   /* struct edd_info[6], 82 bytes each */

/* struct setup_header, at its offsets in boot_params (= in the image file) */
#define KX_HDR_SETUP_SECTS      0x1f1
#define KX_HDR_BOOT_FLAG        0x1fe
#define KX_HDR_JUMP             0x200   /* 0xEB, then the header's length - 2 (signed) */
#define KX_HDR_HEADER           0x202   /* "HdrS" */
#define KX_HDR_VERSION          0x206
#define KX_HDR_TYPE_OF_LOADER   0x210
#define KX_HDR_LOADFLAGS        0x211
#define KX_HDR_CODE32_START     0x214
#define KX_HDR_RAMDISK_IMAGE    0x218
#define KX_HDR_RAMDISK_SIZE     0x21c
#define KX_HDR_HEAP_END_PTR     0x224
#define KX_HDR_CMD_LINE_PTR     0x228
#define KX_HDR_KERNEL_ALIGNMENT 0x230
#define KX_HDR_XLOADFLAGS       0x236
#define KX_HDR_CMDLINE_SIZE     0x238
#define KX_HDR_SETUP_DATA       0x250   /* u64: physical address of the first setup_data */
#define KX_HDR_PREF_ADDRESS     0x258
#define KX_HDR_INIT_SIZE        0x260
#define KX_HDR_KERNEL_INFO_OFF  0x268
#define KX_HDR_END_2_15         0x26c   /* end of the protocol 2.15 header */

#define KX_E820_ZEROPAGE_MAX    128     /* E820_MAX_ENTRIES_ZEROPAGE */
#define KX_E820_ENTRY_SIZE      20      /* struct boot_e820_entry: u64 addr, u64 size, u32 type */
#define KX_SETUP_DATA_HDR       16      /* struct setup_data: u64 next, u32 type, u32 len */
#define KX_SETUP_E820_EXT       1
/* Entries per SETUP_E820_EXT node: each node stays under a page plus a bit, well inside
 * what the kernel's early_memremap() maps at once. */
#define KX_E820_EXT_PER_NODE    128

#define KX_LOADER_UNDEFINED     0xff    /* type_of_loader: no assigned boot loader id */

/* What the loader hands to kx_x86_bootparams_build(). */
struct kx_bootparams_spec {
	const struct kx_bzimage *bz;    /* the parsed header of the image */
	const unsigned char *head;      /* the image's first bytes (KX_FILE_HEAD of them) */
	size_t head_len;
	const unsigned char *tmpl;      /* the running kernel's /sys/kernel/boot_params/data, */
	size_t tmpl_len;                /* or NULL: only screen_info and edid_info are used */
	uint64_t load_addr;             /* physical address of the buffer, page aligned */
	const char *cmdline;            /* complete, "elfcorehdr=..." included */
	uint64_t initrd_addr, initrd_size;      /* 0, 0: none */
	uint64_t acpi_rsdp;             /* 0: none (the kernel then looks for it itself) */
	const struct kx_e820 *e820;     /* normalized (kx_e820_normalize) */
};

/* One buffer: boot_params, the command line, then the SETUP_E820_EXT chain. */
struct kx_bootparams {
	unsigned char *buf;             /* malloc'ed, len bytes */
	size_t len;
	size_t hdr_len;                 /* setup header bytes copied from the image */
	uint64_t cmdline_addr;          /* physical address of the command line */
	unsigned e820_zeropage;         /* entries in boot_params.e820_table */
	unsigned e820_ext;              /* entries in setup_data */
	unsigned nodes;                 /* setup_data nodes */
	uint64_t setup_data_addr;       /* physical address of the first node, 0 if none */
};

/*
 * Build the buffer.  -EINVAL for a spec no kernel can boot with (no RAM in the map, a load
 * address that is not page aligned, an initrd that wraps), -E2BIG for a command line longer
 * than the image's cmdline_size, -ENOEXEC for an image whose header cannot be copied,
 * -EBADMSG for a template that is not a boot_params page, -ENOMEM.
 */
int kx_x86_bootparams_build(const struct kx_bootparams_spec *spec, struct kx_bootparams *ret,
			    struct kx_err *err);
void kx_x86_bootparams_free(struct kx_bootparams *bp);

/* The running kernel's acpi_rsdp_addr from a template page (0 when it is unset). */
int kx_x86_bootparams_template_rsdp(const unsigned char *tmpl, size_t len, uint64_t *ret,
				    struct kx_err *err);

/*
 * Where the kernel image may go.  The kernel segment carries the protected-mode part of the
 * file (bytes file_offset .. file_size); the kernel then needs [load, load + memsz) to
 * decompress and start in, so nothing else may be placed there.
 */
struct kx_x86_kernel_place {
	uint64_t align;                 /* load address alignment */
	uint64_t min;                   /* lowest load address */
	bool fixed;                     /* not relocatable: load exactly at min */
	uint64_t file_offset;           /* (setup_sects + 1) * 512 */
	uint64_t bufsz;                 /* file_size - file_offset */
	uint64_t memsz;                 /* init_size rounded up to a page */
};

int kx_x86_kernel_place(const struct kx_bzimage *bz, uint64_t file_size,
			struct kx_x86_kernel_place *ret, struct kx_err *err);

/* 0 when `load` satisfies p, else -EINVAL naming the rule and a load address that does. */
int kx_x86_kernel_check_load(const struct kx_x86_kernel_place *p, uint64_t load,
			     struct kx_err *err);

/* The 64-bit entry point of a bzImage whose protected-mode part is loaded at `load`. */
static inline uint64_t kx_x86_entry64(uint64_t load)
{
	return load + 0x200;
}

/*
 * The ACPI RSDP address from the text of /sys/firmware/efi/systab ("ACPI20=0x...\n",
 * "ACPI=0x...\n", other "KEY=VALUE" lines).  ACPI20 is preferred (the kernel makes the same
 * choice).  -ENOENT when neither key is present, -EBADMSG with the offset of a malformed line.
 */
int kx_efi_systab_rsdp(const char *buf, size_t len, uint64_t *ret, struct kx_err *err);

#endif
