/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_KEXEC_BUDGET_H
#define KX_KEXEC_BUDGET_H
/*
 * Device-dump budgets and the capture memory model of a crash load (DESIGN.md "Device-dump
 * budget model"): which devices may write a device dump and how much, and whether the
 * crashkernel reservation holds the load, the kernel's runtime, the unpacked initrd and those
 * dumps.  budget_resolve() runs before the layout (its result goes on the command line as
 * kexec_dd=<count>:<bytes>), budget_model() after it (it reuses the segment layout).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devdump.h"
#include "json.h"

#ifndef KX_SYSCONFDIR
#define KX_SYSCONFDIR "/etc"
#endif
/* The driver budgets; --device-dump-conf or $KEXEC_DEVICE_DUMP_CONF name another file. */
#define KX_DD_CONF_DEFAULT KX_SYSCONFDIR "/kexec/device-dump.conf"

/* Room the capture kernel needs beyond what is loaded and unpacked (kdumpctl's 64M). */
#define BUDGET_RUNTIME_ALLOWANCE (UINT64_C(64) << 20)
/*
 * Compressed initrd → unpacked size.  Measured on Debian 12's initrd.img-6.1.0-56-amd64
 * (MODULES=most, zstd): 31.2 MB compressed, 133.2 MB unpacked (4.27); gzip'ed initramfs land
 * at 3-4.  4 is the rounded measurement; an uncompressed cpio is counted exactly instead.
 */
#define BUDGET_INITRD_FACTOR 4
/* crashkernel= suggestions are rounded up to this. */
#define BUDGET_ROUND (UINT64_C(32) << 20)

struct kexec_ctx;
struct kexec_plan;

struct kexec_budget {
	bool active;                    /* crash load or --estimate: the model was computed */
	bool shown;                     /* a budget was asked for or configured: plans show it */
	char spec[128];                 /* as given or configured, "auto" by default */
	const char *spec_from;          /* "--device-dump-budget", the conf path, or "default" */
	char conf_path[PATH_MAX];
	bool conf_found;
	struct kx_dd_budget b;
	char cmdline_param[64];         /* "kexec_dd=2:67108864", "" when nothing is budgeted */

	/* the model, in bytes */
	uint64_t reserved;              /* "Crash kernel" ranges of /proc/iomem */
	uint64_t kernel;                /* kernel segment: the image's init_size */
	uint64_t initrd;                /* initrd segment */
	uint64_t initrd_unpacked;
	char initrd_format[96];         /* how initrd_unpacked was found */
	uint64_t boot_data;             /* every other segment: elfcorehdr, purgatory, boot data */
	uint64_t runtime;
	uint64_t needed;
	uint64_t recommended;           /* crashkernel= that fits, rounded */
	bool fits;
};

/*
 * Read the configuration, choose the spec, enumerate devices when needed, budget them, and
 * append kexec_dd= to p->cmdline.  -errno with err (bad configuration, unknown driver).
 */
int budget_resolve(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err);
/* The memory model, after the layout.  Fills msg with the refusal when it does not fit. */
void budget_model(const struct kexec_ctx *c, struct kexec_plan *p, char *msg, size_t size);
void budget_free(struct kexec_budget *b);

void budget_print_text(const struct kexec_budget *b, FILE *fp);
/* The budget and model members (budget_print_json: only when a budget is shown). */
void budget_json_members(const struct kexec_budget *b, struct kx_json *j);
void budget_print_json(const struct kexec_budget *b, struct kx_json *j);

/* Unpacked size of an initrd: exact for uncompressed cpio, × factor for compressed parts. */
int budget_initrd_unpacked(int fd, uint64_t size, uint64_t *ret, char *what, size_t what_size);

#endif
