/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_CRASHMEM_H
#define KX_CRASHMEM_H
/*
 * The crash memory model: what a kdump load needs to know about the running kernel's memory.
 * Pure: built from a parsed /proc/iomem and values the caller read (lib/kexecsys.h reads them
 * through a sysroot).
 *
 *  - ram:    every "System RAM" range at any depth, normalized (sorted, merged);
 *  - crash:  every "Crash kernel" range (crashkernel=X: one; crashkernel=X,high: a high and a
 *            low one), in address order, then the crashkernel=,cma ranges; `main` is the one the
 *            kernel loads into (crashk_res: the highest), the others are low ranges
 *            (crashk_low_res) handed to the capture kernel;
 *  - kernel: the running kernel's image ("Kernel code" start to the end of "Kernel bss");
 *  - dump:   ram minus every crash range minus what the architecture leaves out (x86: the first
 *            MiB), i.e. one elfcorehdr PT_LOAD per range.
 */
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "iomem.h"
#include "ranges.h"

#define KX_CRASH_MAX_CPUS 8192          /* the kernel's NR_CPUS maximum */

struct kx_crash_cpu {
	unsigned id;                    /* N of /sys/devices/system/cpu/cpuN */
	uint64_t notes_addr;            /* crash_notes: physical address of its note buffer */
	uint64_t notes_size;            /* crash_notes_size: sizeof(note_buf_t) */
};

enum kx_crash_role { KX_CRASH_MAIN, KX_CRASH_LOW, KX_CRASH_CMA };

struct kx_crash_range {
	uint64_t start, end;            /* inclusive */
	enum kx_crash_role role;
};

struct kx_crashmem {
	struct kx_ranges ram;
	struct kx_crash_range *crash;
	size_t ncrash;
	int main;                       /* index into crash, -1 when nothing is reserved */
	uint64_t crash_total;           /* sum of the "Crash kernel" ranges (not CMA) */

	bool has_kernel;                /* "Kernel code" found */
	uint64_t kernel_start, kernel_end;      /* physical, inclusive: code .. bss */

	struct kx_ranges excluded;      /* crash ranges + architecture exclusions, normalized */
	struct kx_ranges dump;          /* ram - excluded */
};

const char *kx_crash_role_name(enum kx_crash_role role);

/*
 * Build the model.  arch_exclude lists ranges the architecture leaves out of a crash dump
 * (x86_64: [0, 1 MiB)), cma the crashkernel=,cma ranges (/sys/kernel/kexec/crash_cma_ranges
 * of 2025 kernels), either may be empty.  -EACCES when iomem hides its addresses (reader not
 * root), -EBADMSG for impossible content (a crash range outside System RAM), -ENOMEM.
 */
int kx_crashmem_build(const struct kx_iomem *iomem, const struct kx_ranges *arch_exclude,
		      const struct kx_ranges *cma, struct kx_crashmem *ret, struct kx_err *err);
/*
 * The same with the RAM from elsewhere (ppc64: the device tree): /proc/iomem's System RAM is
 * ignored, and its crash kernel and kernel image ranges count where they lie inside `ram`.
 */
int kx_crashmem_build_ram(const struct kx_iomem *iomem, const struct kx_ranges *ram,
			  const struct kx_ranges *arch_exclude, const struct kx_ranges *cma,
			  struct kx_crashmem *ret, struct kx_err *err);
void kx_crashmem_free(struct kx_crashmem *c);

/* The main crash range, or NULL. */
const struct kx_crash_range *kx_crashmem_main(const struct kx_crashmem *c);

#endif
