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

#define MiB (UINT64_C(1) << 20)
/* Room the capture kernel needs to run on top of what is loaded, for suggested sizes. */
#define RUNTIME_ALLOWANCE (64 * MiB)
/* The kernel reads kernel and initrd with kernel_read_file(..., INT_MAX). */
#define KEXEC_FILE_SIZE_MAX INT_MAX

static void warn(struct kexec_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct kexec_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (p->nwarnings >= PLAN_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		p->warnings[p->nwarnings++] = s;
	va_end(ap);
}

static void refuse(struct kexec_plan *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse(struct kexec_plan *p, int code, const char *fmt, ...)
{
	va_list ap;

	if (p->refused)
		return;
	p->refused = true;
	p->refusal.code = code;
	va_start(ap, fmt);
	vsnprintf(p->refusal.msg, sizeof(p->refusal.msg), fmt, ap);
	va_end(ap);
}

int plan_open_file(const char *path, const char *what, struct plan_file *ret, struct kx_err *err)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_err_set(err, -errno, "cannot open the %s %s: %s", what, path,
				  strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kx_err_set(err, -EINVAL, "the %s %s is not a regular file", what, path);
	}
	*ret = (struct plan_file){ .path = path, .fd = fd, .size = (uint64_t)st.st_size };
	return 0;
}

void plan_close_file(struct plan_file *f)
{
	if (f->path && f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

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
	r = c->arch->probe_image(&kf, c->o->type, &p->image, err);
	free(head);
	if (r < 0) {
		char msg[sizeof(err->msg)];
		int len = snprintf(msg, sizeof(msg), "%s: ", p->kernel.path);

		if (len > 0 && (size_t)len < sizeof(msg)) {
			snprintf(msg + len, sizeof(msg) - (size_t)len, "%.*s",
				 (int)(sizeof(msg) - (size_t)len - 1), err->msg);
			memcpy(err->msg, msg, sizeof(msg));
		}
	}
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
		refuse(p, -E2BIG, "the command line is %llu bytes (with its NUL)%s, but %s takes at "
		       "most %llu: shorten --append%s", (unsigned long long)p->cmdline_len,
		       extra ? " plus the 30 the kernel adds for elfcorehdr=" : "", c->o->kernel,
		       (unsigned long long)max, c->o->reuse_cmdline ? " or drop --reuse-cmdline" : "");
}

static char *mib_suggestion(uint64_t needed, char *buf, size_t size)
{
	uint64_t want = needed + RUNTIME_ALLOWANCE, step = 32 * MiB;

	want = (want + step - 1) / step * step;
	snprintf(buf, size, "%lluM", (unsigned long long)(want / MiB));
	return buf;
}

/* "kernel 63.5 MiB + initrd 40 MiB + ..." */
static void segment_terms(const struct kexec_plan *p, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->segs.n && o < size; i++) {
		char sz[32];
		int n = snprintf(buf + o, size - o, "%s%s %s", i ? " + " : "", p->segs.seg[i].name,
				 kx_format_size(p->segs.seg[i].memsz, sz, sizeof(sz)));

		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static void ranges_from_arch(const struct kx_arch_ops *a, struct kx_ranges *out)
{
	for (size_t i = 0; i < a->ncrash_exclude; i++)
		kx_ranges_add(out, a->crash_exclude[i].start, a->crash_exclude[i].end);
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
		warn(p, "no CPU notes for the elfcorehdr: %s", e.msg);
	kx_err_clear(&e);
	if (kx_read_vmcoreinfo(&c->sysroot, &p->vmcoreinfo_addr, &p->vmcoreinfo_size, &e) == 0)
		p->has_vmcoreinfo = true;
	else
		warn(p, "no VMCOREINFO note for the elfcorehdr: %s", e.msg);

	if (c->arch->kernel_text_phdr) {
		kx_err_clear(&e);
		if (!p->mem.has_kernel)
			warn(p, "no kernel text PT_LOAD: /proc/iomem has no \"Kernel code\" range");
		else if (kx_read_kallsyms(&c->sysroot, syms, vals, found, 2, &e) < 0)
			warn(p, "no kernel text PT_LOAD: %s", e.msg);
		else if (!found[0])
			warn(p, "no kernel text PT_LOAD: /proc/kallsyms has no _text");
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
		p->page_offset_source = "/proc/kcore";
	} else {
		p->page_offset = c->arch->default_page_offset;
		p->page_offset_source = "default";
		if (c->o->elfcorehdr_out)
			warn(p, "memory PT_LOAD p_vaddr use the default page offset %#llx, which "
			     "KASLR changes: %s", (unsigned long long)p->page_offset, e.msg);
	}
}

/*
 * An arch whose RAM comes from elsewhere (ppc64: the device tree): /proc/iomem rewritten with
 * those ranges as its System RAM, each carrying the crash kernel and kernel image ranges of
 * /proc/iomem that lie inside it, so that the one crash memory model reads it.
 */
static int iomem_with_arch_ram(const struct kexec_ctx *c, struct kexec_plan *p,
			       struct kx_iomem *io, struct kx_err *err)
{
	struct kx_ranges ram = { 0 };
	const char *source = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int r;

	r = c->arch->read_ram(&c->sysroot, &ram, &source, err);
	fp = r == 0 ? open_memstream(&text, &len) : NULL;
	if (!fp) {
		/* *io is freed on every failure */
		kx_iomem_free(io);
		kx_ranges_free(&ram);
		return r < 0 ? r : kx_err_set(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ram.n; i++) {
		fprintf(fp, "%llx-%llx : System RAM\n", (unsigned long long)ram.r[i].start,
			(unsigned long long)ram.r[i].end);
		for (size_t k = 0; k < io->n; k++) {
			const struct kx_iomem_node *n = &io->nodes[k];

			if ((!strcmp(n->name, "Crash kernel") || !strncmp(n->name, "Kernel ", 7)) &&
			    n->start >= ram.r[i].start && n->end <= ram.r[i].end)
				fprintf(fp, "  %llx-%llx : %s\n", (unsigned long long)n->start,
					(unsigned long long)n->end, n->name);
		}
	}
	fclose(fp);
	kx_iomem_free(io);
	kx_ranges_free(&ram);
	if (!text)
		return kx_err_set(err, -ENOMEM, "out of memory");
	r = kx_iomem_parse(text, len, io, err);
	free(text);
	if (r == 0)
		warn(p, "RAM read from %s (the %s device tree), not from /proc/iomem", source,
		     c->arch->name);
	return r;
}

static int build_crash(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	struct kx_ranges excl = { 0 }, cma = { 0 };
	struct kx_iomem iomem;
	int r;

	r = kx_read_iomem(&c->sysroot, &iomem, err);
	if (r == 0 && c->arch->read_ram)
		r = iomem_with_arch_ram(c, p, &iomem, err);
	if (r < 0)
		return r;
	ranges_from_arch(c->arch, &excl);
	r = kx_read_crash_cma(&c->sysroot, &cma, err);
	if (r == 0)
		r = kx_crashmem_build(&iomem, &excl, &cma, &p->mem, err);
	kx_iomem_free(&iomem);
	kx_ranges_free(&excl);
	kx_ranges_free(&cma);
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
		p->ehdr_memsz_source = "crash_elfcorehdr_size";
	} else {
		p->ehdr_memsz = p->ehdr_size;
		p->ehdr_memsz_source = "computed";
	}
	return 0;
}

/*
 * Who keeps the elfcorehdr right across hotplug: the kernel (a file load on a kernel with crash
 * hotplug rebuilds its own header; a kexec_load asks with the arch's flag), or nobody, and then
 * kexec-hotplug reloads.  --hotplug where the kernel cannot is an error.
 */
static int decide_hotplug_mode(const struct kexec_ctx *c, struct kexec_plan *p,
			       struct kx_err *err)
{
	bool kexec_load = c->o->sysmode == SYSMODE_KEXEC_LOAD;
	bool supported = kexec_load ? c->sys.has_elfcorehdr_size && c->sys.elfcorehdr_size > 0
				    : c->sys.mem_crash_hotplug == 1 ||
				      (c->sys.has_elfcorehdr_size && c->sys.elfcorehdr_size > 0);

	if (c->o->hotplug == 1 && !supported)
		return kx_err_set(err, -ENOTSUP, "--hotplug: this kernel cannot keep the "
				  "elfcorehdr updated itself (%s); drop --hotplug: kexec-hotplug's "
				  "udev rule reloads the crash kernel on hotplug events instead",
				  c->sys.has_elfcorehdr_size ? "crash_elfcorehdr_size is 0"
				  : "no /sys/kernel/crash_elfcorehdr_size: it needs Linux 6.6 with "
				    "CONFIG_CRASH_HOTPLUG");
	p->hotplug = c->o->hotplug != 0 && supported;
	p->hotplug_mode = p->hotplug ? "kernel" : "none";
	return 0;
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
		warn(p, "where the kernel puts the segments on %s is not predicted by this "
		     "version: the plan lists their sizes; the kernel places them itself",
		     c->arch->name);
		return;
	}
	if (!p->crash)
		return;
	segment_terms(p, terms, sizeof(terms));
	if (!main_range) {
		refuse(p, -ENOSPC, "no memory is reserved for a crash kernel: /proc/iomem has no "
		       "\"Crash kernel\" range%s; add crashkernel=%s to the kernel command line and "
		       "reboot (this load takes %s: %s; plus %s for the capture kernel to run)",
		       c->sys.has_crash_size && !c->sys.crash_size ? " and kexec_crash_size is 0"
								    : "",
		       mib_suggestion(p->needed, sug, sizeof(sug)),
		       kx_format_size(p->needed, sz, sizeof(sz)), terms,
		       kx_format_size(RUNTIME_ALLOWANCE, sz2, sizeof(sz2)));
		return;
	}
	if (!p->fits) {
		const char *what = "a segment";
		char region[32];

		for (size_t i = 0; i < p->segs.n; i++)
			if (!p->segs.seg[i].placed) {
				what = p->segs.seg[i].name;
				break;
			}
		refuse(p, -ENOSPC, "the crash kernel region (%s at %#llx) is too small for this "
		       "load: it takes %s (%s) and %s does not fit; boot with crashkernel=%s "
		       "(%s plus %s for the capture kernel to run) or use a smaller initrd",
		       kx_format_size(main_range->end - main_range->start + 1, region,
				      sizeof(region)),
		       (unsigned long long)main_range->start,
		       kx_format_size(p->needed, sz, sizeof(sz)), terms, what,
		       mib_suggestion(p->needed, sug, sizeof(sug)), sz,
		       kx_format_size(RUNTIME_ALLOWANCE, sz2, sizeof(sz2)));
	}
}

int plan_build(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	int r;

	memset(p, 0, sizeof(*p));
	p->kernel.fd = p->initrd.fd = -1;
	p->crash = o->crash;
	p->syscall = "kexec_file_load";
	kx_err_clear(&p->refusal);

	r = plan_open_file(o->kernel, "kernel", &p->kernel, err);
	if (r < 0)
		return r;
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

	p->flags = (p->crash ? KX_KEXEC_FILE_ON_CRASH : 0) |
		   (p->has_initrd ? 0 : KX_KEXEC_FILE_NO_INITRAMFS);
	if (o->debug && kx_kver_at_least(&c->sys, 6, 8))
		p->flags |= KX_KEXEC_FILE_DEBUG;

	if (p->crash) {
		r = build_crash(c, p, err);
		if (r < 0)
			return r;
	}
	if (p->crash) {
		r = decide_hotplug_mode(c, p, err);
		if (r < 0)
			return r;
	}
	if (o->sysmode == SYSMODE_KEXEC_LOAD) {
		r = plan_kload(c, p, err);
		if (r < 0)
			return r;
	} else {
		layout(c, p);
	}
	if (p->crash) {
		char msg[sizeof(p->refusal.msg)];

		budget_model(c, p, msg, sizeof(msg));
		if (msg[0])
			refuse(p, -ENOSPC, "%s", msg);
	}

	/* the checks that need nothing else, after the layout so the plan shows the segments */
	if (!p->kload && p->kernel.size > KEXEC_FILE_SIZE_MAX)
		refuse(p, -EFBIG, "the kernel %s is larger than 2 GiB, the most kexec_file_load "
		       "reads", o->kernel);
	if (!p->kload && p->has_initrd && p->initrd.size > KEXEC_FILE_SIZE_MAX)
		refuse(p, -EFBIG, "the initrd %s is larger than 2 GiB, the most kexec_file_load "
		       "reads: build a smaller one", o->initrd);
	check_cmdline(c, p);
	if (c->sys.kexec_load_disabled == 1)
		refuse(p, -EPERM, "kexec is disabled until the next boot "
		       "(kernel.kexec_load_disabled = 1): no kernel can be loaded before a reboot");
	if (p->crash && kx_cmdline_has_param(p->cmdline, "crashkernel"))
		warn(p, "the capture kernel's command line has crashkernel=: the capture kernel "
		     "would try to reserve memory again; use --reuse-cmdline, which drops it");
	if (o->no_checks && !p->kload)
		warn(p, "-i/--no-checks has no effect with kexec_file_load (the kernel's purgatory "
		     "always checks)");
	return 0;
}

void plan_free(struct kexec_plan *p)
{
	plan_kload_free(p);
	plan_close_file(&p->kernel);
	plan_close_file(&p->initrd);
	free(p->cmdline);
	if (p->has_mem)
		kx_crashmem_free(&p->mem);
	free(p->cpus);
	budget_free(&p->budget);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	memset(p, 0, sizeof(*p));
	p->kernel.fd = p->initrd.fd = -1;
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
		.machine = c->arch->elf_machine, .big_endian = c->arch->big_endian,
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
	kexec_debug(c, "elfcorehdr: %zu program headers, %zu bytes, built in %.3f ms",
		    p->ncpus + 1 + (p->has_text ? 1 : 0) + p->mem.dump.n, size,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	/* written whole or not at all: a temporary file renamed over FILE */
	r = kx_write_file_atomic(path, buf, size, "--elfcorehdr-out", err);
	free(buf);
	return r;
}
