/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_KEXECSYS_H
#define KX_KEXECSYS_H
/*
 * What the running kernel says about kexec and kdump, read through a sysroot (the edge under the
 * pure crash memory model): /sys/kernel/{kexec_loaded,kexec_crash_loaded,kexec_crash_size,
 * crash_elfcorehdr_size,vmcoreinfo} (or their 2025+ /sys/kernel/kexec/ names), the CPUs'
 * crash_notes, memory/cpu crash_hotplug, /proc/iomem, _text and _end from /proc/kallsyms, the
 * direct-map offset from /proc/kcore, and the knobs that can forbid a load.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crashmem.h"
#include "err.h"
#include "iomem.h"
#include "ranges.h"
#include "sysroot.h"


struct kx_kexec_sys {
	char osrelease[128];            /* /proc/sys/kernel/osrelease, "" when unknown */
	unsigned kver_major, kver_minor;        /* 0.0 when unknown */
	char arch[72];                  /* /proc/sys/kernel/arch, else uname -m */
	int kexec_loaded;               /* 0, 1 or KX_TRI_UNKNOWN */
	int crash_loaded;
	bool has_crash_size;
	uint64_t crash_size;            /* kexec_crash_size: the main crash range's size */
	bool has_elfcorehdr_size;
	uint64_t elfcorehdr_size;       /* crash_elfcorehdr_size (6.5+ with crash hotplug) */
	int mem_crash_hotplug, cpu_crash_hotplug;
	int kexec_load_disabled;        /* /proc/sys/kernel/kexec_load_disabled */
	long long load_limit_panic;     /* kexec_load_limit_panic (6.3+): -1 unlimited, -2 absent */
	long long load_limit_reboot;
	char lockdown[32];              /* "none", "integrity", "confidentiality" or "" */
};

/* Everything optional: a field whose file is missing stays "unknown".  Never fails. */
void kx_kexec_sys_read(const struct kx_sysroot *s, struct kx_kexec_sys *ret);

/* Version comparison against osrelease: true when known and >= major.minor. */
bool kx_kver_at_least(const struct kx_kexec_sys *k, unsigned major, unsigned minor);

/* /proc/iomem, read whole and parsed. */
int kx_read_iomem(const struct kx_sysroot *s, struct kx_iomem *ret, struct kx_err *err);

/*
 * Every /sys/devices/system/cpu/cpuN with crash_notes, sorted by N (at most KX_CRASH_MAX_CPUS).
 * *ret is a new array (free()).  -ENOENT (err says so) when no CPU has crash_notes.
 */
int kx_read_crash_cpus(const struct kx_sysroot *s, struct kx_crash_cpu **ret, size_t *ret_n,
		       struct kx_err *err);

/* How many CPUs /sys/devices/system/cpu/possible lists ("0-3,8-11"): the kernel's elfcorehdr
 * has a PT_NOTE for each. */
int kx_read_possible_cpus(const struct kx_sysroot *s, unsigned *ret, struct kx_err *err);

/* /sys/kernel/vmcoreinfo: "ADDR SIZE" in hex. */
int kx_read_vmcoreinfo(const struct kx_sysroot *s, uint64_t *ret_addr, uint64_t *ret_size,
		       struct kx_err *err);

/*
 * Addresses of symbols in /proc/kallsyms (core kernel symbols only, first match).  found[i] says
 * which were present.  -EACCES when the addresses read as 0 (kptr_restrict, not root).
 */
int kx_read_kallsyms(const struct kx_sysroot *s, const char *const *names, uint64_t *values,
		     bool *found, size_t n, struct kx_err *err);

/* The kernel's direct-map offset (PAGE_OFFSET, randomized by KASLR) from /proc/kcore's program
 * headers: p_vaddr - p_paddr of its lowest RAM segment. */
int kx_read_page_offset(const struct kx_sysroot *s, uint64_t *ret, struct kx_err *err);

/* The kernel image's mapping in /proc/kcore: of the segments whose physical range holds paddr
 * (the kernel's "Kernel code" in /proc/iomem), the one mapped highest (the image, not the direct
 * map's alias of the same memory); its p_vaddr, p_paddr and p_memsz.  For a kernel whose
 * /proc/kallsyms leaves _text out (arm64 without CONFIG_KALLSYMS_ALL: _text precedes _stext). */
int kx_read_kcore_text(const struct kx_sysroot *s, uint64_t paddr, uint64_t *ret_vaddr,
		       uint64_t *ret_paddr, uint64_t *ret_size, struct kx_err *err);

/* crashkernel=,cma ranges (/sys/kernel/kexec/crash_cma_ranges of 2025 kernels); empty when
 * absent. */
int kx_read_crash_cma(const struct kx_sysroot *s, struct kx_ranges *ret, struct kx_err *err);

/*
 * Is a crash kernel loaded: /sys/kernel/kexec/crash_loaded (the 6.19 layout), else the old
 * /sys/kernel/kexec_crash_loaded.  0, 1 or KX_TRI_UNKNOWN.  The one reader of this fact.
 */
int kx_read_crash_loaded(const struct kx_sysroot *s);
/* The System RAM online now (/proc/iomem's, normalized), for freshness checks. */
int kx_read_system_ram(const struct kx_sysroot *s, struct kx_ranges *ret, struct kx_err *err);
/* kx_read_crash_loaded() after a load: a 0 is read again, KX_CRASH_LOADED_READS times
 * KX_CRASH_LOADED_READ_MS apart, before it is believed. */
#define KX_CRASH_LOADED_READS 5
#define KX_CRASH_LOADED_READ_MS 20
int kx_read_crash_loaded_settled(const struct kx_sysroot *s);
/* The file kx_read_crash_loaded() reads on this system, for messages. */
const char *kx_crash_loaded_path(const struct kx_sysroot *s);

/*
 * What kexec-hotplug decides on (lib/hotplug.h), read through the sysroot.  With expect_kernel
 * (the saved load says the kernel keeps the header), a crash_hotplug of 0 is read up to
 * `rereads` more times, reread_ms apart, until it reads 1.  Never fails: a missing file leaves
 * its field unknown.
 */
struct kx_hp_sys;
void kx_hp_sys_read(const struct kx_sysroot *s, bool expect_kernel, unsigned rereads,
		    unsigned reread_ms, struct kx_hp_sys *ret);

#endif
