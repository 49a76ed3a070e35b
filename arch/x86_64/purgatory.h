/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ARCH_X86_PURGATORY_H
#define KX_ARCH_X86_PURGATORY_H
/*
 * The x86_64 purgatory, as the kexec_load loader sees it: a position-independent blob built
 * from arch/x86_64/purgatory/ and embedded in the loader, and the patching of a copy of it
 * with this load's kernel entry, boot_params address, the regions whose SHA-256 it checks and
 * the serial port it reports a mismatch on.  Layout contract: purgatory/params.h.
 *
 * Use:
 *     kx_x86_purgatory_image(&blob, &size, &memsz);
 *     copy = malloc(size); memcpy(copy, blob, size);
 *     kx_x86_purgatory_patch(copy, size, &setup, &entry_offset, err);
 *     segment { buf = copy, bufsz = size, mem = M, memsz = memsz rounded to a page }
 *     kexec_load(entry = M + entry_offset, ...)
 * The regions are the other segments as they will be in memory (never the purgatory's own,
 * whose bytes change when patched, nor an elfcorehdr the kernel rewrites on hotplug).
 * Pure: no I/O.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KX_PURGATORY_MAX_REGIONS        16
#define KX_PURGATORY_SERIAL_DEFAULT     0x3f8   /* COM1; 0 for no output */

struct kx_purgatory_region {
	uint64_t start;         /* physical address the segment is loaded at */
	uint64_t len;           /* its bytes in memory (> 0) */
	const void *buf;        /* the same `len` bytes on the host: what gets hashed */
};

struct kx_purgatory_setup {
	uint64_t kernel_entry;          /* 64-bit entry: kernel load address + 0x200 */
	uint64_t boot_params;           /* physical address of struct boot_params (RSI) */
	const struct kx_purgatory_region *regions;
	size_t nr_regions;              /* <= KX_PURGATORY_MAX_REGIONS */
	bool verify;                    /* check the SHA-256 of the regions before booting */
	uint16_t serial_port;           /* 16550 base for the failure line; 0: silent */
	uint32_t serial_baud;           /* program the port to this rate first; 0: as it is */
};

/*
 * The embedded blob: its bytes (*ret_blob, *ret_size; read-only, patch a copy) and the memory
 * it takes once loaded (*ret_memsz >= *ret_size).  -ENOTSUP when this loader was built on a
 * host that cannot build the x86_64 purgatory (kexec_load of x86_64 kernels is then
 * unavailable; kexec_file_load brings the kernel's own).
 */
int kx_x86_purgatory_image(const void **ret_blob, size_t *ret_size, uint64_t *ret_memsz);

/*
 * Fill the parameter block of `copy` (size bytes, a copy of the blob): entry, boot_params,
 * serial port, the regions and, when s->verify, the SHA-256 of each region and of all of them
 * in order, computed from their bufs.  *ret_entry_offset is where kexec_load's entry goes,
 * relative to the purgatory segment's load address.  -EBADMSG (with the offset) when copy is
 * not a purgatory blob this loader understands; -EINVAL when the setup is unusable (no kernel
 * entry, more than 16 regions, an empty, bufless or wrapping region).  On failure copy is
 * unchanged.
 */
int kx_x86_purgatory_patch(void *copy, size_t size, const struct kx_purgatory_setup *s,
			   uint64_t *ret_entry_offset, struct kx_err *err);

#endif
