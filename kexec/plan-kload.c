// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec_load plans (-c, and -a's alternative to kexec_file_load): the files mapped, the
 * elfcorehdr built here, the crash hotplug mode and its fallback step, and the segments laid out
 * and filled by the arch.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fileout.h"
#include "plan.h"
#include "units.h"

#define PAGE 4096u

/* --dtb=FILE, read whole: the arch edits a copy. */
static int read_dtb(const char *path, void **ret, uint64_t *ret_size, struct kx_err *err)
{
	struct plan_file f;
	void *m;
	int r = plan_open_file(path, "device tree", &f, err);

	if (r < 0)
		return r;
	r = plan_map_file(&f, "device tree", &m, err);
	if (r == 0) {
		*ret = malloc((size_t)f.size);
		if (*ret) {
			memcpy(*ret, m, (size_t)f.size);
			*ret_size = f.size;
		} else {
			r = kx_err_set(err, -ENOMEM, "out of memory");
		}
		munmap(m, (size_t)f.size);
	}
	plan_close_file(&f);
	return r;
}

/* After the arch built the segments: --dtb-out, and the refusal of a plan-only load. */
static int after_build(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	if ((c->o->dtb || c->o->dtb_out) && !p->kl.dtb)
		return kx_err_set(err, -ENOTSUP, "%s: kexec_load on %s hands the new kernel no "
				  "device tree", c->o->dtb ? "--dtb" : "--dtb-out", c->arch->name);
	if (c->o->dtb_out) {
		/* the edited device tree, written whole or not at all */
		int r = kx_write_file_atomic(c->o->dtb_out, p->kl.dtb, p->kl.dtb_size, "--dtb-out",
					     err);

		if (r < 0)
			return r;
	}
	if (p->kl.plan_only && !c->o->dry_run)
		return kx_err_set(err, -ENOTSUP, "%s", p->kl.plan_only);
	if (p->kl.plan_only && p->nwarnings < PLAN_MAX_WARNINGS) {
		p->warnings[p->nwarnings] = strdup(p->kl.plan_only);
		if (p->warnings[p->nwarnings])
			p->nwarnings++;
	}
	return 0;
}

int plan_kload(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	void *dtb = NULL;
	uint64_t dtb_size = 0;
	struct kx_kload_in in;
	const struct kx_crash_range *main_range = NULL;
	int r;

	if (!c->arch->kexec_load_build)
		return kx_err_set(err, -ENOTSUP, "kexec_load (-c) is not supported on %s in this "
				  "version: use -s (kexec_file_load)", c->arch->name);
	p->kload = true;
	p->syscall = PLAN_KEXEC_LOAD;
	r = plan_hotplug_mode(c, PLAN_KEXEC_LOAD, &p->hotplug_mode, err);
	if (r < 0)
		return r;
	p->flags = (p->crash ? KX_KEXEC_ON_CRASH : 0) | c->arch->kexec_arch;
	/* crash hotplug: the kernel rewrites the elfcorehdr segment on memory and CPU events when
	 * the load carries the flag; a kernel that does not know the flag refuses it with EINVAL
	 * before it touches the loaded image: then load without it, and kexec-hotplug reloads */
	if (plan_hotplug(p)) {
		p->flags |= c->arch->hotplug_flag;
		p->steps[p->nsteps++] = (struct plan_step){ .flags = p->flags,
							    .hotplug = KX_HOTPLUG_KERNEL };
		p->steps[p->nsteps++] = (struct plan_step){
			.flags = p->flags & ~(unsigned long)c->arch->hotplug_flag,
			.hotplug = KX_HOTPLUG_FALLBACK, .after = PLAN_AFTER_EINVAL,
			.warning = "the kernel refused the crash hotplug flag (EINVAL); loaded "
				   "without it: kexec-hotplug reloads the crash kernel on hotplug "
				   "events" };
	} else {
		p->steps[p->nsteps++] = (struct plan_step){ .flags = p->flags,
							    .hotplug = KX_HOTPLUG_NONE };
	}
	/* -d: the kernel's own debug output where it has KEXEC_DEBUG (newer than 6.12) */
	if (c->o->debug)
		plan_optional_flag(p, KX_KEXEC_DEBUG);

	r = plan_map_file(&p->kernel, "kernel", &p->kernel_map, err);
	if (r == 0 && p->has_initrd)
		r = plan_map_file(&p->initrd, "initrd", &p->initrd_map, err);
	if (r == 0 && c->o->dtb)
		r = read_dtb(c->o->dtb, &dtb, &dtb_size, err);
	if (r < 0)
		return r;

	if (p->crash) {
		size_t phnum;

		if (!p->inputs_read && p->shared)
			p->own_inputs = true;
		plan_read_elfcorehdr_inputs(c, p);
		main_range = kx_crashmem_main(&p->mem);
		if (!main_range) {
			free(dtb);
			plan_refuse_unreserved(c, p);
			return 0;
		}
		r = plan_build_elfcorehdr(c, p, &p->ehdr_buf, &p->ehdr_buf_size, err);
		if (r < 0)
			return r;
		phnum = p->ncpus + 1 + (p->has_text ? 1 : 0) + p->mem.dump.n;
		p->ehdr_phnum = phnum;
		p->ehdr_size = p->ehdr_buf_size;
		if (plan_hotplug(p)) {
			/* the kernel's maximum plus the ELF header, never less than ours */
			p->ehdr_memsz = (64 + c->sys.elfcorehdr_size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
			if (p->ehdr_memsz < p->ehdr_buf_size)
				p->ehdr_memsz = p->ehdr_buf_size;
			p->ehdr_memsz_from = PLAN_EHDR_KERNEL_MAX;
		} else {
			p->ehdr_memsz = p->ehdr_buf_size;
			p->ehdr_memsz_from = PLAN_EHDR_BUILT;
		}
	}

	in = (struct kx_kload_in){
		.crash = p->crash, .image = &p->image,
		.kernel = p->kernel_map, .kernel_size = p->kernel.size,
		.initrd = p->initrd_map, .initrd_size = p->has_initrd ? p->initrd.size : 0,
		.cmdline = p->cmdline,
		.window_start = main_range ? main_range->start : 1,
		.window_end = main_range ? main_range->end : 0, .mem = p->crash ? &p->mem : NULL,
		.elfcorehdr = p->ehdr_buf, .elfcorehdr_size = p->ehdr_buf_size,
		.elfcorehdr_memsz = p->ehdr_memsz, .elfcorehdr_no_digest = plan_hotplug(p),
		.verify = !c->o->no_checks, .sysroot = &c->sysroot,
		.dtb = dtb, .dtb_size = dtb_size, .dtb_name = c->o->dtb,
		.mem_min = c->o->mem_min_set ? c->o->mem_min : 0,
		.mem_max = c->o->mem_max_set ? c->o->mem_max : UINT64_MAX,
		.serial = c->o->serial, .serial_baud = c->o->serial_baud,
		.memmap_cmdline = c->o->memmap_cmdline && p->crash,
	};
	r = c->arch->kexec_load_build(&in, &p->kl, err);
	free(dtb);
	for (size_t i = 0; r == 0 && i < p->kl.segs.n; i++) {
		const struct kx_segment *g = &p->kl.segs.seg[i];

		if (g->mem < in.mem_min || g->mem + g->memsz - 1 > in.mem_max)
			r = kx_err_set(err, -ENOSPC, "the %s segment (%#" PRIx64 "-%#" PRIx64 ") is "
				       "outside --mem-min=%#" PRIx64 " --mem-max=%#" PRIx64 ": widen or drop "
				       "them", g->name, g->mem, g->mem + g->memsz - 1, in.mem_min,
				       in.mem_max);
	}
	p->segs = p->kl.segs;
	p->needed = kx_segments_memsz(&p->segs);
	p->entry = p->kl.entry;
	if (main_range) {
		p->placed = true;
		p->region_start = main_range->start;
		p->region_end = main_range->end;
	}
	if (r == -ENOSPC || r == -E2BIG) {
		/* a check that failed: shown in the plan, refused before the syscall */
		p->fits = false;
		p->refused = true;
		p->refusal = *err;
		kx_err_clear(err);
		return 0;
	}
	if (r == 0)
		r = after_build(c, p, err);
	if (r < 0)
		return r;
	/* the kernel finds the header to rewrite on hotplug by its ELF magic: no other segment may
	 * start with it (kernel/crash_core.c, the kexec_load path of crash hotplug) */
	for (size_t i = 0; plan_hotplug(p) && i < p->segs.n; i++) {
		const struct kx_segment *g = &p->segs.seg[i];

		if (strcmp(g->name, "elfcorehdr") && g->buf && g->bufsz >= 4 &&
		    !memcmp(g->buf, "\177ELF", 4)) {
			p->refused = true;
			kx_err_set(&p->refusal, -EINVAL, "the %s segment starts with ELF magic, and a "
				   "kernel updating the elfcorehdr on hotplug would take it for the "
				   "header: load with --no-hotplug (kexec-hotplug then reloads)",
				   g->name);
			break;
		}
	}
	p->fits = true;
	p->placed = true;
	/* the kernel's decompression range counts as used, though only its bytes are copied */
	p->needed += p->kl.reserved_end - p->kl.reserved_start + 1 - p->segs.seg[0].memsz;
	if (!main_range) {
		p->region_start = p->kl.window_start;
		p->region_end = p->kl.window_end;
	}
	return 0;
}

void plan_kload_free(struct kexec_plan *p)
{
	if (p->kernel_map)
		munmap(p->kernel_map, (size_t)p->kernel.size);
	if (p->initrd_map)
		munmap(p->initrd_map, (size_t)p->initrd.size);
	free(p->ehdr_buf);
	kx_kload_free(&p->kl);
	p->kernel_map = p->initrd_map = NULL;
	p->ehdr_buf = NULL;
}
