/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_PURGATORY_PARAMS_H
#define KX_PURGATORY_PARAMS_H
/*
 * The contract between the x86_64 purgatory blob and the loader that patches it.  Both sides
 * compile this file: the purgatory freestanding, the loader on the host.  Every field is
 * little-endian and fixed-width; the layout is pinned by the static asserts below.
 *
 * The blob starts with a struct kx_purg_header (offset 0).  It names where the entry point,
 * the parameter block and the check function are, as offsets from the start of the blob, and
 * how much memory the blob takes once loaded (memsz; the stack is inside the blob, so
 * memsz == the blob's size).  The loader copies the blob, fills the parameter block at
 * header.params_offset, and gives kexec_load the purgatory segment's load address plus
 * header.entry_offset as the entry.
 *
 * At entry the purgatory (entry.S) checks the parameters and, when verify is set, the SHA-256
 * over the regions; on any failure it prints one line on the 16550 at serial_port (0: silent)
 * and halts.  Otherwise it boots the kernel at kernel_entry with RSI = boot_params, following
 * the 64-bit boot protocol (Documentation/arch/x86/boot.rst).
 */
#define KX_PURG_MAGIC           0x4750584b     /* "KXPG" little-endian, header.magic */
#define KX_PURG_VERSION         1
#define KX_PURG_PARAMS_MAGIC    0x5050584b     /* "KXPP" little-endian, params.magic */
#define KX_PURG_MAX_REGIONS     16             /* = KEXEC_SEGMENT_MAX */
#define KX_PURG_DIGEST_SIZE     32             /* SHA-256 */
#define KX_PURG_SERIAL_DEFAULT  0x3f8          /* COM1 */
#define KX_PURG_MSG_MAX         320            /* longest message kx_purgatory_check writes */
#define KX_PURG_HEADER_SIZE     32
#define KX_PURG_PARAMS_SIZE     832            /* 64 + 16 regions of 48 */

/* entry.S reads these fields of struct kx_purg_params by offset */
#define KX_PURG_PARAMS_KERNEL_ENTRY 8
#define KX_PURG_PARAMS_BOOT_PARAMS  16

#ifndef __ASSEMBLER__
#include <stdint.h>

struct kx_purg_header {
	uint32_t magic;                 /* KX_PURG_MAGIC */
	uint16_t version;               /* KX_PURG_VERSION */
	uint16_t header_size;           /* sizeof(struct kx_purg_header) */
	uint32_t entry_offset;          /* where kexec_load's entry goes */
	uint32_t params_offset;         /* struct kx_purg_params */
	uint32_t params_size;           /* sizeof(struct kx_purg_params) */
	uint32_t check_offset;          /* kx_purgatory_check, SysV ABI (for host tests) */
	uint32_t memsz;                 /* memory the blob takes once loaded */
	uint32_t reserved;
};

struct kx_purg_region {
	uint64_t start;                 /* physical address (identity mapped at entry) */
	uint64_t len;                   /* bytes, > 0 */
	uint8_t digest[KX_PURG_DIGEST_SIZE];    /* SHA-256 of this region alone */
};

struct kx_purg_params {
	uint32_t magic;                 /* KX_PURG_PARAMS_MAGIC */
	uint32_t verify;                /* 1: check digest before starting the kernel */
	uint64_t kernel_entry;          /* 64-bit entry: kernel load address + 0x200 */
	uint64_t boot_params;           /* struct boot_params, goes to RSI */
	uint16_t serial_port;           /* 16550 I/O base for the failure line; 0: silent */
	uint16_t nr_regions;            /* <= KX_PURG_MAX_REGIONS */
	uint32_t serial_divisor;        /* 115200 / baud, programmed before the failure line
					   (--serial-baud); 0: the UART as the first kernel left it */
	uint8_t digest[KX_PURG_DIGEST_SIZE];    /* SHA-256 over the regions' digests, in order:
						   each byte is hashed once, the list is covered */
	struct kx_purg_region regions[KX_PURG_MAX_REGIONS];
};

/*
 * kx_purgatory_check(params, msg, size): 0 when the kernel may be started, else -1 with one
 * NUL-terminated line in msg (at most KX_PURG_MSG_MAX bytes incl. the NUL, cut to size).
 * Pure: reads the params and the regions, writes only msg.
 */
typedef int kx_purg_check_fn(const struct kx_purg_params *p, char *msg, uint64_t size);

#define KX_PURG_ASSERT_OFFSET(type, field, off) \
	_Static_assert(__builtin_offsetof(type, field) == (off), #type "." #field " moved")

KX_PURG_ASSERT_OFFSET(struct kx_purg_header, magic, 0);
KX_PURG_ASSERT_OFFSET(struct kx_purg_header, version, 4);
KX_PURG_ASSERT_OFFSET(struct kx_purg_header, header_size, 6);
KX_PURG_ASSERT_OFFSET(struct kx_purg_header, entry_offset, 8);
KX_PURG_ASSERT_OFFSET(struct kx_purg_header, params_offset, 12);
KX_PURG_ASSERT_OFFSET(struct kx_purg_header, params_size, 16);
KX_PURG_ASSERT_OFFSET(struct kx_purg_header, check_offset, 20);
KX_PURG_ASSERT_OFFSET(struct kx_purg_header, memsz, 24);
_Static_assert(sizeof(struct kx_purg_header) == KX_PURG_HEADER_SIZE, "kx_purg_header size");

KX_PURG_ASSERT_OFFSET(struct kx_purg_region, start, 0);
KX_PURG_ASSERT_OFFSET(struct kx_purg_region, len, 8);
KX_PURG_ASSERT_OFFSET(struct kx_purg_region, digest, 16);
_Static_assert(sizeof(struct kx_purg_region) == 48, "kx_purg_region size");

KX_PURG_ASSERT_OFFSET(struct kx_purg_params, magic, 0);
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, verify, 4);
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, serial_port, 24);
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, nr_regions, 26);
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, serial_divisor, 28);
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, digest, 32);
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, regions, 64);
_Static_assert(sizeof(struct kx_purg_params) == KX_PURG_PARAMS_SIZE, "kx_purg_params size");
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, kernel_entry, KX_PURG_PARAMS_KERNEL_ENTRY);
KX_PURG_ASSERT_OFFSET(struct kx_purg_params, boot_params, KX_PURG_PARAMS_BOOT_PARAMS);
#endif /* !__ASSEMBLER__ */

#endif
