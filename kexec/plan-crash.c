// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash part of a plan: the crash memory model (RAM, crash ranges, what the dump leaves
 * out) and the elfcorehdr it implies (CPU notes, VMCOREINFO, kernel text, page offset).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fileout.h"
#include "plan.h"

/* No _text in /proc/kallsyms (arm64 without CONFIG_KALLSYMS_ALL): the kernel image's segment
 * of /proc/kcore, which the kernel maps from _text to _end. */
static void read_kcore_text(const struct kexec_ctx *c, struct kexec_plan *p)
{
	uint64_t vaddr, paddr, size;
	struct kx_err e;

	kx_err_clear(&e);
	if (kx_read_kcore_text(&c->sysroot, p->mem.kernel_start, &vaddr, &paddr, &size, &e) < 0) {
		plan_warn(p, "no kernel text PT_LOAD: /proc/kallsyms has no _text and %s", e.msg);
		return;
	}
	p->has_text = true;
	p->text_vaddr = vaddr;
	p->text_paddr = paddr;
	p->text_size = size;
}

/* CPUs, VMCOREINFO, kernel text, page offset: what an elfcorehdr describes besides RAM. */
void plan_read_elfcorehdr_inputs(const struct kexec_ctx *c, struct kexec_plan *p)
{
	const char *const syms[] = { "_text", "_end" };
	uint64_t vals[2] = { 0, 0 };
	bool found[2];
	struct kx_err e;

	if (p->inputs_read)
		return;
	p->inputs_read = true;
	kx_err_clear(&e);
	if (kx_read_crash_cpus(&c->sysroot, &p->cpus, &p->ncpus, &e) < 0)
		plan_warn(p, "no CPU notes for the elfcorehdr: %s", e.msg);
	kx_err_clear(&e);
	if (kx_read_vmcoreinfo(&c->sysroot, &p->vmcoreinfo_addr, &p->vmcoreinfo_size, &e) == 0)
		p->has_vmcoreinfo = true;
	else
		plan_warn(p, "no VMCOREINFO note for the elfcorehdr: %s", e.msg);

	if (c->arch->kernel_text_phdr) {
		kx_err_clear(&e);
		if (!p->mem.has_kernel)
			plan_warn(p, "no kernel text PT_LOAD: /proc/iomem has no \"Kernel code\" range");
		else if (kx_read_kallsyms(&c->sysroot, syms, vals, found, 2, &e) < 0)
			plan_warn(p, "no kernel text PT_LOAD: %s", e.msg);
		else if (!found[0])
			read_kcore_text(c, p);
		else {
			p->has_text = true;
			p->text_vaddr = vals[0];
			p->text_paddr = p->mem.kernel_start;
			/* the kernel's size is _end - _text; without _end, up to the end of bss */
			if (found[1] && vals[1] > vals[0])
				p->text_size = vals[1] - vals[0];
			else
				p->text_size = p->mem.kernel_end - p->mem.kernel_start + 1;
		}
	}

	kx_err_clear(&e);
	if (kx_read_page_offset(&c->sysroot, &p->page_offset, &e) == 0) {
		p->page_offset_default = false;
	} else {
		p->page_offset = c->arch->default_page_offset;
		p->page_offset_default = true;
		if (c->o->elfcorehdr_out)
			plan_warn(p, "memory PT_LOAD p_vaddr use the default page offset %#llx, which "
			     "KASLR changes: %s", (unsigned long long)p->page_offset, e.msg);
	}
}

int plan_read_crashmem(const struct kexec_ctx *c, struct kx_crashmem *ret,
		       const char **ret_ram_source, struct kx_err *err)
{
	struct kx_ranges excl = { 0 }, cma = { 0 }, ram = { 0 };
	struct kx_iomem iomem;
	int r;

	*ret_ram_source = NULL;
	r = kx_read_iomem(&c->sysroot, &iomem, err);
	if (r < 0)
		return r;
	/* an arch whose RAM comes from elsewhere (ppc64: the device tree) */
	if (c->arch->read_ram)
		r = c->arch->read_ram(&c->sysroot, &ram, ret_ram_source, err);
	for (size_t i = 0; r == 0 && i < c->arch->ncrash_exclude; i++)
		r = kx_ranges_add(&excl, c->arch->crash_exclude[i].start,
				  c->arch->crash_exclude[i].end);
	if (r == -ENOMEM || r == -E2BIG)
		r = kx_err_set(err, r, "the architecture's excluded ranges: %s", strerror(-r));
	if (r == 0)
		r = kx_read_crash_cma(&c->sysroot, &cma, err);
	if (r == 0)
		r = kx_crashmem_build_ram(&iomem, c->arch->read_ram ? &ram : NULL, &excl, &cma,
					  ret, err);
	kx_iomem_free(&iomem);
	kx_ranges_free(&excl);
	kx_ranges_free(&cma);
	kx_ranges_free(&ram);
	return r;
}

bool plan_memory_changed(const struct kexec_ctx *c, const struct kexec_plan *p, char *why,
			 size_t size)
{
	struct kx_crashmem now;
	const char *src;
	struct kx_err e;
	bool changed = false;

	kx_err_clear(&e);
	if (!p->has_mem || plan_read_crashmem(c, &now, &src, &e) < 0)
		return false;   /* nothing to compare with: the load stands as planned */
	if (now.dump.n != p->mem.dump.n)
		changed = true;
	for (size_t i = 0; !changed && i < now.dump.n; i++)
		changed = now.dump.r[i].start != p->mem.dump.r[i].start ||
			  now.dump.r[i].end != p->mem.dump.r[i].end;
	if (changed)
		snprintf(why, size, "the memory changed while the elfcorehdr was built (%zu dump "
			 "ranges then, %zu now)", p->mem.dump.n, now.dump.n);
	kx_crashmem_free(&now);
	return changed;
}

int plan_crash_build(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	const char *ram_source = NULL;
	int r;

	r = plan_read_crashmem(c, &p->mem, &ram_source, err);
	if (r == 0 && c->arch->read_ram)
		plan_warn(p, "RAM read from %s (the %s device tree), not from /proc/iomem",
			  ram_source, c->arch->name);
	if (r < 0)
		return r;
	p->has_mem = true;

	/*
	 * What only the plan shows (and --elfcorehdr-out uses) is read only when it will be: a
	 * load itself needs no more than the number of CPUs, and /proc/kallsyms alone can take
	 * longer to read than the whole load.
	 */
	if (c->o->dry_run || c->o->debug || c->o->json || c->o->elfcorehdr_out ||
	    c->o->sysmode == SYSMODE_KEXEC_LOAD)
		plan_read_elfcorehdr_inputs(c, p);
	{
		struct kx_err e;
		unsigned n = 0;

		kx_err_clear(&e);
		if (kx_read_possible_cpus(&c->sysroot, &n, &e) == 0)
			p->ncpus_possible = n;
		else
			p->ncpus_possible = p->ncpus ? (unsigned)p->ncpus : 1;
	}
	p->ehdr_phnum = p->ncpus_possible + 1 + (c->arch->kernel_text_phdr ? 1 : 0) + p->mem.dump.n;
	p->ehdr_size = kx_elfcorehdr_size_for(p->ehdr_phnum);
	if (c->sys.has_elfcorehdr_size) {
		/* crash hotplug kernels size the segment for the most CPUs and ranges */
		p->ehdr_memsz = 64 + c->sys.elfcorehdr_size;
		p->ehdr_memsz_from = PLAN_EHDR_KERNEL_MAX;
	} else {
		p->ehdr_memsz = p->ehdr_size;
		p->ehdr_memsz_from = PLAN_EHDR_COMPUTED;
	}
	return 0;
}

int plan_build_elfcorehdr(const struct kexec_ctx *c, const struct kexec_plan *p, void **ret_buf,
			  size_t *ret_size, struct kx_err *err)
{
	struct kx_elf_note_seg *notes;
	struct kx_elfcorehdr_in in;
	size_t phnum;
	int r;

	if (!p->has_mem)
		return kx_err_set(err, -EINVAL, "--elfcorehdr-out needs a crash load (-p)");
	if (!p->ncpus || !p->has_vmcoreinfo)
		return kx_err_set(err, -ENODATA, "cannot build the elfcorehdr without %s: %s",
				  !p->ncpus ? "the CPUs' crash_notes" : "VMCOREINFO",
				  p->nwarnings ? p->warnings[0] : "see /sys");
	notes = calloc(p->ncpus, sizeof(*notes));
	if (!notes)
		return kx_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < p->ncpus; i++)
		notes[i] = (struct kx_elf_note_seg){ p->cpus[i].notes_addr, p->cpus[i].notes_size };
	in = (struct kx_elfcorehdr_in){
		.machine = kx_arch_machine(c->arch)->em,
		.big_endian = kx_arch_machine(c->arch)->big_endian,
		.cpu_notes = notes, .ncpu_notes = p->ncpus,
		.has_vmcoreinfo = true, .vmcoreinfo = { p->vmcoreinfo_addr, p->vmcoreinfo_size },
		.has_text = p->has_text, .text_vaddr = p->text_vaddr, .text_paddr = p->text_paddr,
		.text_size = p->text_size, .ranges = &p->mem.dump, .page_offset = p->page_offset,
	};
	r = kx_elfcorehdr_build(&in, ret_buf, ret_size, &phnum, err);
	free(notes);
	return r;
}

int plan_write_elfcorehdr(const struct kexec_ctx *c, const struct kexec_plan *p,
			  const char *path, struct kx_err *err)
{
	struct timespec t0, t1;
	size_t size;
	void *buf;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = plan_build_elfcorehdr(c, p, &buf, &size, err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r < 0)
		return r;
	kx_debug("elfcorehdr: %zu program headers, %zu bytes, built in %.3f ms",
		    p->ncpus + 1 + (p->has_text ? 1 : 0) + p->mem.dump.n, size,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	/* written whole or not at all: a temporary file renamed over FILE */
	r = kx_write_file_atomic(path, buf, size, "--elfcorehdr-out", err);
	free(buf);
	return r;
}
