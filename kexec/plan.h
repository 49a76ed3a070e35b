/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_KEXEC_PLAN_H
#define KX_KEXEC_PLAN_H
/*
 * A load plan: everything about a load that can be known and checked before the syscall.  A
 * crash load is not atomic in the kernel (the loaded crash kernel is dropped before the new one
 * is built), so whatever can fail is found here and refused here, and the loaded crash kernel is
 * never touched by a load we refuse.
 */
#include <stdbool.h>
#include <stdint.h>

#include "budget.h"
#include "crashmem.h"
#include "elfcorehdr.h"
#include "json.h"
#include "kexec.h"
#include "segments.h"

#define PLAN_MAX_WARNINGS 16

struct plan_file {
	const char *path;               /* as given */
	int fd;
	uint64_t size;
};

struct kexec_plan {
	bool crash;
	const char *syscall;            /* "kexec_file_load" */
	unsigned long flags;

	struct plan_file kernel, initrd;
	bool has_initrd;
	struct kx_image_info image;

	char *cmdline;
	uint64_t cmdline_len;           /* with its NUL, as passed to the kernel */

	/* crash loads: the crash memory model and the elfcorehdr it implies */
	struct kx_crashmem mem;
	bool has_mem;
	unsigned ncpus_possible;        /* PT_NOTEs of the kernel's own header */
	bool inputs_read;               /* the next five */
	struct kx_crash_cpu *cpus;      /* read for -c, --dry-run, -d, --json, --elfcorehdr-out */
	size_t ncpus;
	bool has_vmcoreinfo;
	uint64_t vmcoreinfo_addr, vmcoreinfo_size;
	bool has_text;
	uint64_t text_vaddr, text_paddr, text_size;
	uint64_t page_offset;
	const char *page_offset_source; /* "/proc/kcore" or "default" */
	size_t ehdr_phnum;              /* program headers of the header we would build */
	uint64_t ehdr_size;             /* its size, padded */
	uint64_t ehdr_memsz;            /* what the elfcorehdr segment takes (kernel's rule) */
	const char *ehdr_memsz_source;  /* "crash_elfcorehdr_size" or "computed" */

	/* kexec_load (-c): the files mapped, the header we built, what the arch laid out */
	bool kload;
	void *kernel_map, *initrd_map;
	void *ehdr_buf;
	size_t ehdr_buf_size;
	struct kx_kload kl;
	uint64_t entry;
	/* crash hotplug: the kernel keeps the header updated (file load: by itself; kexec_load:
	 * asked with the arch's flag) */
	bool hotplug;
	const char *hotplug_mode;       /* "kernel", "fallback", "none" */

	/* segments (for kexec_file_load: where the kernel will put them) */
	struct kx_segments segs;
	bool placed;                    /* segments were placed in a crash range */
	bool fits;
	uint64_t region_start, region_end;
	uint64_t needed;                /* sum of segment sizes */

	/* crash loads: device-dump budgets and the capture memory model */
	struct kexec_budget budget;

	/* a check failed: the load is refused before the syscall (unless --force) */
	bool refused;
	struct kx_err refusal;

	char *warnings[PLAN_MAX_WARNINGS];
	size_t nwarnings;
};

/* Open a kernel or initrd: a readable regular file.  -errno with err naming the file. */
int plan_open_file(const char *path, const char *what, struct plan_file *ret, struct kx_err *err);
void plan_close_file(struct plan_file *f);

/*
 * Build and check the plan for a load.  Returns -errno with err set when the plan cannot be
 * made at all (a file that cannot be opened, not a kernel image, an unreadable /proc/iomem); a
 * failed check is not an error here but p->refused with p->refusal.
 */
int plan_build(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err);
void plan_free(struct kexec_plan *p);

/* CPU notes, VMCOREINFO, kernel text, page offset (once; what cannot be read is a warning). */
void plan_read_elfcorehdr_inputs(const struct kexec_ctx *c, struct kexec_plan *p);

/* plan-kload.c: the kexec_load part of a plan (called by plan_build for -c; by load.c when -a
 * falls back).  A segment that does not fit refuses the plan; other failures are errors. */
int plan_kload(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err);
void plan_kload_free(struct kexec_plan *p);

/* The elfcorehdr this load would carry with kexec_load (what --elfcorehdr-out writes). */
int plan_build_elfcorehdr(const struct kexec_ctx *c, const struct kexec_plan *p, void **ret_buf,
			  size_t *ret_size, struct kx_err *err);
int plan_write_elfcorehdr(const struct kexec_ctx *c, const struct kexec_plan *p,
			  const char *path, struct kx_err *err);

/* plan-print.c */
void plan_print_text(const struct kexec_ctx *c, const struct kexec_plan *p, FILE *fp);
/* The plan's members inside an open JSON object. */
void plan_print_json(const struct kexec_ctx *c, const struct kexec_plan *p, struct kx_json *j);
/* "KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS" */
const char *plan_flag_names(unsigned long flags, bool kexec_load, char *buf, size_t size);

#endif
