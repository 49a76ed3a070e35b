/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ARCH_PPC64_H
#define KX_ARCH_PPC64_H
/*
 * ppc64 (big-endian, "ppc64") and ppc64le: ELF vmlinux kernels (the kernel's kexec_file_load
 * takes an ELF of its own machine and byte order: arch/powerpc/kexec/elf_64.c), 64 KiB pages
 * (Debian's ppc64el kernels), RAM from the device tree rather than /proc/iomem.
 */
#include "arch.h"
#include "ranges.h"
#include "sysroot.h"

extern const struct kx_arch_ops kx_arch_ppc64;
extern const struct kx_arch_ops kx_arch_ppc64le;

struct kx_ppc64_image {
	bool big_endian;
	uint16_t type;                  /* ET_EXEC or ET_DYN (relocatable kernels) */
	uint64_t entry;
	uint64_t load_start, load_end;  /* lowest p_paddr, highest p_paddr + p_memsz (exclusive) */
	unsigned nload;
};

/*
 * Parse the ELF header and program headers in buf[0, len) (the head of the file; the program
 * headers must lie inside it).  -ENOEXEC with a sentence naming the offset for anything that is
 * not a 64-bit ELF for EM_PPC64 with at least one PT_LOAD.
 */
int kx_ppc64_image_parse(const unsigned char *buf, size_t len, struct kx_ppc64_image *ret,
			 struct kx_err *err);

/*
 * The RAM of the running machine from its device tree: /sys/firmware/fdt (the blob the kernel
 * booted with) or, when that is absent, the /proc/device-tree directory (the live tree, which
 * DLPAR keeps current: the root's #address-cells/#size-cells, memory@* reg, and
 * ibm,dynamic-reconfiguration-memory's LMB properties).  *ret_source names which one was read.
 */
int kx_ppc64_read_ram(const struct kx_sysroot *s, struct kx_ranges *ret, const char **ret_source,
		      struct kx_err *err);

#endif
