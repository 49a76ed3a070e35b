// SPDX-License-Identifier: GPL-2.0-or-later
/* The load plan: files, image, command line, crash memory, segments, and every check. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "fileout.h"
#include "plan.h"
#include "units.h"

/* The kernel reads kernel and initrd with kernel_read_file(..., INT_MAX). */
#define KEXEC_FILE_SIZE_MAX INT_MAX

static int probe_kernel(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	unsigned char *head;
	struct kx_file kf;
	ssize_t n;
	int r;

	head = malloc(KX_FILE_HEAD);
	if (!head)
		return kx_err_set(err, -ENOMEM, "out of memory");
	n = pread(p->kernel.fd, head, KX_FILE_HEAD, 0);
	if (n < 0) {
		r = kx_err_set(err, -errno, "cannot read the kernel %s: %s", p->kernel.path,
				    strerror(errno));
		free(head);
		return r;
	}
	kf = (struct kx_file){ .path = p->kernel.path, .fd = p->kernel.fd, .size = p->kernel.size,
				    .head = head, .head_len = (size_t)n };
	/* -t uki / vmlinuz named the container: the kernel inside is whatever the arch loads */
	r = c->arch->probe_image(&kf, plan_container_type(c->o->type) ? NULL : c->o->type,
				 &p->image, err);
	free(head);
	if (r < 0)
		plan_err_prefix(err, p->kernel.path);
	return r;
}

static int build_cmdline(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	const char *parts[KEXEC_MAX_APPENDS + 1];
	char *reused = NULL;
	size_t n = 0;
	int r;

	if (c->o->reuse_cmdline) {
		char *buf = malloc(KX_CMDLINE_MAX + 2);

		if (!buf)
			return kx_err_set(err, -ENOMEM, "out of memory");
		r = kx_sysroot_read(&c->sysroot, "/proc/cmdline", buf, KX_CMDLINE_MAX + 2, NULL);
		if (r < 0) {
			free(buf);
			return kx_err_set(err, r, "--reuse-cmdline: cannot read /proc/cmdline: %s",
					  strerror(-r));
		}
		r = kx_cmdline_reuse(buf, p->crash, &reused, err);
		free(buf);
		if (r < 0)
			return r;
		parts[n++] = reused;
	}
	for (unsigned i = 0; i < c->o->nappends; i++)
		parts[n++] = c->o->appends[i];
	/* a UKI's .cmdline when the command line gives none */
	if (p->unpack.cmdline)
		parts[n++] = p->unpack.cmdline;
	r = kx_cmdline_join(parts, n, &p->cmdline, err);
	free(reused);
	if (r < 0)
		return r;
	p->cmdline_len = strlen(p->cmdline) + 1;
	return 0;
}

static void check_cmdline(const struct kexec_ctx *c, struct kexec_plan *p)
{
	uint64_t max = p->image.cmdline_max, extra = p->crash ? p->image.crash_cmdline_extra : 0;

	/* the kernel: cmdline_len (with NUL) > cmdline_size, or + "elfcorehdr=0x... " for crash */
	if (max && p->cmdline_len + extra > max)
		plan_refuse(p, -E2BIG, "the command line is %llu bytes (with its NUL)%s, but %s takes at "
			    "most %llu: shorten --append%s", (unsigned long long)p->cmdline_len,
			    extra ? " plus the 30 the kernel adds for elfcorehdr=" : "", c->o->kernel,
			    (unsigned long long)max, c->o->reuse_cmdline ? " or drop --reuse-cmdline" : "");
}

static void layout(const struct kexec_ctx *c, struct kexec_plan *p)
{
	const struct kx_crash_range *main_range = p->has_mem ? kx_crashmem_main(&p->mem) : NULL;
	struct kx_load_request req = {
		.crash = p->crash, .image = &p->image, .has_initrd = p->has_initrd,
		.initrd_size = p->initrd.size, .cmdline_len = p->cmdline_len,
		.elfcorehdr_memsz = p->ehdr_memsz,
	};
	char terms[256], sz[32], sz2[32], sug[32];
	int r;

	if (main_range) {
		p->region_start = main_range->start;
		p->region_end = main_range->end;
		p->placed = true;
		r = c->arch->file_load_layout(&req, main_range->start, main_range->end, &p->segs);
	} else {
		r = c->arch->file_load_layout(&req, 1, 0, &p->segs);
	}
	p->needed = kx_segments_memsz(&p->segs);
	p->fits = main_range && r == 0;
	if (r == -ENOTSUP) {
		/* the arch does not predict the kernel's placement: sizes only */
		p->placed = false;
		p->fits = true;
		plan_warn(p, "where the kernel puts the segments on %s is not predicted by this "
		     "version: the plan lists their sizes; the kernel places them itself",
		     c->arch->name);
		return;
	}
	if (!p->crash)
		return;
	if (!main_range) {
		plan_refuse_unreserved(c, p);
		return;
	}
	plan_segment_terms(p, terms, sizeof(terms));
	if (!p->fits) {
		const char *what = "a segment";
		char region[32];

		for (size_t i = 0; i < p->segs.n; i++)
			if (!p->segs.seg[i].placed) {
				what = p->segs.seg[i].name;
				break;
			}
		plan_refuse(p, -ENOSPC, "the crash kernel region (%s at %#llx) is too small for this "
			    "load: it takes %s (%s) and %s does not fit; boot with crashkernel=%s "
			    "(%s plus %s for the capture kernel to run) or use a smaller initrd",
			    kx_format_size(main_range->end - main_range->start + 1, region,
				      sizeof(region)),
			    (unsigned long long)main_range->start,
			    kx_format_size(p->needed, sz, sizeof(sz)), terms, what,
			    plan_crashkernel_suggestion(p->needed, sug, sizeof(sug)), sz,
			    kx_format_size(PLAN_RUNTIME_ALLOWANCE, sz2, sizeof(sz2)));
	}
}

/* The checks that need nothing else, after the layout so that the plan shows the segments. */
static void final_checks(const struct kexec_ctx *c, struct kexec_plan *p)
{
	const struct kexec_opts *o = c->o;

	if (!p->kload && p->kernel.size > KEXEC_FILE_SIZE_MAX)
		plan_refuse(p, -EFBIG, "the kernel %s is larger than 2 GiB, the most kexec_file_load "
			    "reads", o->kernel);
	if (!p->kload && p->has_initrd && p->initrd.size > KEXEC_FILE_SIZE_MAX)
		plan_refuse(p, -EFBIG, "the initrd %s is larger than 2 GiB, the most kexec_file_load "
			    "reads: build a smaller one", o->initrd);
	check_cmdline(c, p);
	if (c->sys.kexec_load_disabled == 1)
		plan_refuse(p, -EPERM, "kexec is disabled until the next boot "
			    "(kernel.kexec_load_disabled = 1): no kernel can be loaded before a "
			    "reboot");
	if (p->crash && kx_cmdline_has_param(p->cmdline, "crashkernel"))
		plan_warn(p, "the capture kernel's command line has crashkernel=: the capture kernel "
			  "would try to reserve memory again; use --reuse-cmdline, which drops it");
	if (o->no_checks && !p->kload)
		plan_warn(p, "-i/--no-checks has no effect with kexec_file_load (the kernel's "
			  "purgatory always checks)");
}

/* kexec_file_load: flags, hotplug mode, the steps (without KEXEC_FILE_DEBUG after EINVAL). */
static int plan_file_load(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	unsigned long flags = (p->crash ? KX_KEXEC_FILE_ON_CRASH : 0) |
			      (p->has_initrd ? 0 : KX_KEXEC_FILE_NO_INITRAMFS);
	int r;

	p->syscall = PLAN_FILE_LOAD;
	r = plan_hotplug_mode(c, PLAN_FILE_LOAD, &p->hotplug_mode, err);
	if (r < 0)
		return r;
	if (c->o->debug && kx_kver_at_least(&c->sys, 6, 8)) {
		/* a kernel that predates KEXEC_FILE_DEBUG refuses the flag before anything else */
		p->steps[p->nsteps++] = (struct plan_step){ .flags = flags | KX_KEXEC_FILE_DEBUG,
							    .hotplug = p->hotplug_mode };
		p->steps[p->nsteps++] = (struct plan_step){ .flags = flags, .hotplug = p->hotplug_mode,
							    .after = PLAN_AFTER_EINVAL };
	} else {
		p->steps[p->nsteps++] = (struct plan_step){ .flags = flags, .hotplug = p->hotplug_mode };
	}
	/* asked for, so always passed: a kernel without it cannot hand the device tree over */
	for (size_t i = 0; c->o->force_dtb && i < p->nsteps; i++)
		p->steps[i].flags |= KX_KEXEC_FILE_FORCE_DTB;
	/* a kernel that refuses KEXEC_FILE_NO_CMA places no segment in CMA anyway */
	if (c->o->no_cma)
		plan_optional_flag(p, KX_KEXEC_FILE_NO_CMA);
	p->flags = p->steps[0].flags;
	layout(c, p);
	return 0;
}

/*
 * -a's kexec_load plan: this plan's inputs (shared, not copied: `shared` keeps plan_free from
 * freeing them twice) with the kexec_load part built on top.  What cannot be built is kept as
 * alt_error and shown only if kexec_file_load refuses.
 */
static void plan_alternative(const struct kexec_ctx *c, struct kexec_plan *p)
{
	struct kexec_plan *alt;
	int r;

	kx_err_clear(&p->alt_error);
	if (!c->arch->kexec_load_build) {
		kx_err_set(&p->alt_error, -ENOTSUP, "kexec_load (-c) is not supported on %s in this "
			   "version: use -s (kexec_file_load)", c->arch->name);
		return;
	}
	alt = malloc(sizeof(*alt));
	if (!alt) {
		kx_err_set(&p->alt_error, -ENOMEM, "out of memory");
		return;
	}
	*alt = *p;
	alt->shared = true;
	alt->nsteps = 0;
	alt->nwarnings = 0;
	alt->segs = (struct kx_segments){ 0 };
	alt->refused = false;
	kx_err_clear(&alt->refusal);
	r = plan_kload(c, alt, &p->alt_error);
	if (r == 0 && alt->refused)
		p->alt_error = alt->refusal;
	if (r < 0 || alt->refused) {
		plan_free(alt);
		free(alt);
		return;
	}
	p->alt = alt;
}

int plan_build(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	int r;

	memset(p, 0, sizeof(*p));
	p->kernel.fd = p->initrd.fd = -1;
	p->crash = o->crash;
	kx_err_clear(&p->refusal);

	r = plan_open_file(o->kernel, "kernel", &p->kernel, err);
	if (r == 0)
		r = plan_unpack_kernel(c, p, err);
	if (r == 0)
		r = probe_kernel(c, p, err);
	if (r < 0)
		return r;
	if (o->initrd) {
		r = plan_open_file(o->initrd, "initrd", &p->initrd, err);
		if (r < 0)
			return r;
		p->has_initrd = true;
	}
	r = build_cmdline(c, p, err);
	if (r < 0)
		return r;
	if (p->crash) {
		r = budget_resolve(c, p, err);
		if (r < 0)
			return r;
	}

	if (p->crash) {
		r = plan_crash_build(c, p, err);
		if (r < 0)
			return r;
	}
	if (p->image.kload_only && o->sysmode == SYSMODE_FILE)
		return kx_err_set(err, -ENOEXEC, "%s: an ELF vmlinux (%s), which the kernel's kexec_file_load (-s) "
				  "does not take on %s: load it with -c (kexec_load), or pass the "
				  "bzImage built with it (/boot/vmlinuz-RELEASE)", o->kernel,
				  p->image.type, c->arch->name);
	if (o->sysmode == SYSMODE_KEXEC_LOAD || p->image.kload_only) {
		r = plan_kload(c, p, err);
		if (r < 0)
			return r;
	} else {
		r = plan_file_load(c, p, err);
		if (r < 0)
			return r;
	}
	if (p->crash) {
		char msg[sizeof(p->refusal.msg)];

		budget_model(c, p, msg, sizeof(msg));
		if (msg[0])
			plan_refuse(p, -ENOSPC, "%s", msg);
	}
	final_checks(c, p);
	/* -a: the kexec_load to fall back to, planned now like the rest (not for --dry-run, which
	 * shows the kexec_file_load plan and makes no syscall) */
	if (o->sysmode == SYSMODE_AUTO && !o->dry_run && !p->refused)
		plan_alternative(c, p);
	return 0;
}

void plan_free(struct kexec_plan *p)
{
	plan_kload_free(p);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	if (p->alt) {
		plan_free(p->alt);
		free(p->alt);
	}
	if (!p->shared) {
		plan_close_file(&p->kernel);
		plan_close_file(&p->initrd);
		plan_unpack_free(p);
		free(p->cmdline);
		if (p->has_mem)
			kx_crashmem_free(&p->mem);
		budget_free(&p->budget);
	}
	if (!p->shared || p->own_inputs)
		free(p->cpus);
	memset(p, 0, sizeof(*p));
	p->kernel.fd = p->initrd.fd = -1;
}
