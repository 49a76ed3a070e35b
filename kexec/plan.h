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
#include "state.h"
#include "unpack.h"

#define PLAN_MAX_WARNINGS 16
#define PLAN_MAX_STEPS 4

/* The syscall a plan loads with. */
enum plan_syscall { PLAN_FILE_LOAD, PLAN_KEXEC_LOAD };
const char *plan_syscall_name(enum plan_syscall s);      /* "kexec_file_load" */

/* Where the elfcorehdr segment's memsz comes from. */
enum plan_ehdr_memsz_from {
	PLAN_EHDR_COMPUTED,             /* the header this plan's memory would need */
	PLAN_EHDR_BUILT,                /* the header built for kexec_load */
	PLAN_EHDR_KERNEL_MAX,           /* crash_elfcorehdr_size: the kernel's room for hotplug */
};
const char *plan_ehdr_memsz_from_name(enum plan_ehdr_memsz_from f);

/*
 * One syscall the executor may make.  The first step of a plan always runs; each later one only
 * when the step before it failed with an errno in `after` (a PLAN_AFTER_* set), and then with
 * `warning` printed when it loads.  The hotplug mode is what a load by this step leaves.
 */
#define PLAN_AFTER_EINVAL   0x1u
struct plan_step {
	unsigned long flags;
	enum kx_hotplug_mode hotplug;
	unsigned after;
	const char *warning;
};

/*
 * A flag the kernel may not know (it refuses unknown flags with EINVAL before it touches
 * anything): the first step is tried with it, then the steps as they were, without it.
 */
void plan_optional_flag(struct kexec_plan *p, unsigned long flag);

struct plan_file {
	const char *path;               /* as given */
	int fd;
	uint64_t size;
};

struct kexec_plan {
	bool crash;
	enum plan_syscall syscall;
	unsigned long flags;            /* of the first step */
	struct plan_step steps[PLAN_MAX_STEPS];
	size_t nsteps;

	struct plan_file kernel, initrd;
	bool has_initrd;
	struct kx_image_info image;
	/* a kernel file that had to be unpacked (plan-unpack.c): kernel.fd is then a sealed memfd
	   of the unpacked kernel, kernel.size its size */
	struct {
		struct kx_unpack_layer layer[KX_UNPACK_MAX_LAYERS];  /* outermost first */
		size_t nlayers;
		uint64_t packed_size;           /* the file's own size */
		bool image_initrd, image_cmdline;       /* the image (a UKI) carries them */
		bool initrd_from_image;         /* initrd.fd is the UKI's .initrd */
		char *cmdline;                  /* the UKI's .cmdline, used: no --append */
	} unpack;

	char *cmdline;
	uint64_t cmdline_len;           /* with its NUL, as passed to the kernel */

	/* crash loads: the crash memory model and the elfcorehdr it implies */
	struct kx_crashmem mem;
	bool has_mem;
	unsigned ncpus_possible;        /* PT_NOTEs of the kernel's own header */
	bool inputs_read;               /* the next five */
	bool own_inputs;                /* a shared plan that read them itself */
	struct kx_crash_cpu *cpus;      /* read for -c, --dry-run, -d, --json, --elfcorehdr-out */
	size_t ncpus;
	bool has_vmcoreinfo;
	uint64_t vmcoreinfo_addr, vmcoreinfo_size;
	bool has_text;
	uint64_t text_vaddr, text_paddr, text_size;
	uint64_t page_offset;
	bool page_offset_default;       /* not read from /proc/kcore */
	size_t ehdr_phnum;              /* program headers of the header we would build */
	uint64_t ehdr_size;             /* its size, padded */
	uint64_t ehdr_memsz;            /* what the elfcorehdr segment takes (kernel's rule) */
	enum plan_ehdr_memsz_from ehdr_memsz_from;

	/* kexec_load (-c): the files mapped, the header we built, what the arch laid out */
	bool kload;
	void *kernel_map, *initrd_map;
	void *ehdr_buf;
	size_t ehdr_buf_size;
	struct kx_kload kl;
	uint64_t entry;
	/* crash hotplug, decided by plan_hotplug_mode(): KERNEL, the kernel keeps the header
	 * updated (file load: by itself; kexec_load: asked with the arch's flag), or NONE */
	enum kx_hotplug_mode hotplug_mode;

	/* segments (for kexec_file_load: where the kernel will put them) */
	struct kx_segments segs;
	bool placed;                    /* segments were placed in a crash range */
	bool fits;
	uint64_t region_start, region_end;
	uint64_t needed;                /* sum of segment sizes */

	/* crash loads: device-dump budgets and the capture memory model */
	struct kexec_budget budget;

	/* a check failed: the load is refused before the syscall (unless --load-anyway) */
	bool refused;
	struct kx_err refusal;

	char *warnings[PLAN_MAX_WARNINGS];
	size_t nwarnings;

	/*
	 * -a: the kexec_load plan to fall back to when kexec_file_load refuses the image (an errno
	 * plan_falls_back() names).  It shares this plan's inputs (files, command line, crash
	 * memory, budget: `shared` is set in it); NULL with alt_error saying why there is none.
	 */
	struct kexec_plan *alt;
	struct kx_err alt_error;
	bool shared;
};

static inline bool plan_hotplug(const struct kexec_plan *p)
{
	return p->hotplug_mode == KX_HOTPLUG_KERNEL;
}

/* plan-util.c: a plan's input files, warnings and refusal. */
/* Open a kernel or initrd: a readable regular file.  -errno with err naming the file. */
int plan_open_file(const char *path, const char *what, struct plan_file *ret, struct kx_err *err);
/* "PATH: " in front of err's message (cut to fit): which file a probe or unpack error is about. */
void plan_err_prefix(struct kx_err *err, const char *path);
/* plan-unpack.c: unpack the opened kernel when it needs it (see there).  -t's names for a
 * container rather than a kernel: "uki" and "vmlinuz" (kexec-tools' compressed-kernel type). */
bool plan_container_type(const char *type);
int plan_unpack_kernel(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err);
void plan_unpack_free(struct kexec_plan *p);
void plan_close_file(struct plan_file *f);
int plan_map_file(const struct plan_file *f, const char *what, void **ret, struct kx_err *err);
/* A warning shown with the plan (at most PLAN_MAX_WARNINGS). */
void plan_warn(struct kexec_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A check failed: the first refusal is kept; the load stops before the syscall. */
void plan_refuse(struct kexec_plan *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* kexec_file_load errnos after which -a loads with kexec_load instead. */
bool plan_falls_back(int errnum);
/* Room the capture kernel needs to run on top of what is loaded, for suggested sizes. */
#define PLAN_RUNTIME_ALLOWANCE (UINT64_C(64) << 20)
/* The crashkernel= that holds `needed` and the runtime, rounded up to 32M: "192M". */
const char *plan_crashkernel_suggestion(uint64_t needed, char *buf, size_t size);
/* "kernel 63.5 MiB + initrd 40 MiB + ..." of the laid-out segments. */
void plan_segment_terms(const struct kexec_plan *p, char *buf, size_t size);
/* The refusal of a crash load on a machine with no crashkernel= reservation. */
void plan_refuse_unreserved(const struct kexec_ctx *c, struct kexec_plan *p);

/*
 * Build and check the plan for a load.  Returns -errno with err set when the plan cannot be
 * made at all (a file that cannot be opened, not a kernel image, an unreadable /proc/iomem); a
 * failed check is not an error here but p->refused with p->refusal.
 */
int plan_build(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err);
void plan_free(struct kexec_plan *p);

/*
 * The crash hotplug mode of a load with this syscall: KERNEL where the kernel can keep the
 * header updated and --no-hotplug was not given, else NONE; --hotplug where it cannot is an
 * error.  The one place this is decided.
 */
int plan_hotplug_mode(const struct kexec_ctx *c, enum plan_syscall syscall,
		      enum kx_hotplug_mode *ret, struct kx_err *err);

/* plan-crash.c: the crash memory model and the elfcorehdr inputs of a crash load. */
int plan_crash_build(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err);
/* The crash memory model now (RAM, crash ranges, what the dump leaves out); *ret_ram_source
 * names where RAM came from when not /proc/iomem. */
int plan_read_crashmem(const struct kexec_ctx *c, struct kx_crashmem *ret,
		       const char **ret_ram_source, struct kx_err *err);
/* After a kexec_load: does the memory now differ from what the plan's elfcorehdr describes?
 * why gets the sentence.  False when it cannot be read again. */
bool plan_memory_changed(const struct kexec_ctx *c, const struct kexec_plan *p, char *why,
			 size_t size);
/* CPU notes, VMCOREINFO, kernel text, page offset (once; what cannot be read is a warning). */
void plan_read_elfcorehdr_inputs(const struct kexec_ctx *c, struct kexec_plan *p);

/* plan-kload.c: the kexec_load part of a plan (-c, and -a's alternative), its hotplug mode
 * decided.  A segment that does not fit refuses the plan; other failures are errors. */
int plan_kload(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err);
void plan_kload_free(struct kexec_plan *p);

/* plan-crash.c: the elfcorehdr this load would carry with kexec_load (--elfcorehdr-out). */
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
