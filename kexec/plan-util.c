// SPDX-License-Identifier: GPL-2.0-or-later
/* What every part of a plan uses: its input files, its warnings and its refusal. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"
#include "units.h"

#define MiB (UINT64_C(1) << 20)

void plan_warn(struct kexec_plan *p, const char *fmt, ...)
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

void plan_refuse(struct kexec_plan *p, int code, const char *fmt, ...)
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

int plan_map_file(const struct plan_file *f, const char *what, void **ret, struct kx_err *err)
{
	void *m;

	if (f->size == 0)
		return kx_err_set(err, -EINVAL, "the %s %s is empty", what, f->path);
	if (f->size > SIZE_MAX)
		return kx_err_set(err, -EFBIG, "the %s %s is too large to map", what, f->path);
	m = mmap(NULL, (size_t)f->size, PROT_READ, MAP_PRIVATE, f->fd, 0);
	if (m == MAP_FAILED)
		return kx_err_set(err, -errno, "cannot map the %s %s: %s", what, f->path,
				  strerror(errno));
	*ret = m;
	return 0;
}

bool plan_falls_back(int errnum)
{
	return errnum == ENOSYS || errnum == EINVAL || errnum == ENOEXEC || errnum == EOPNOTSUPP;
}

const char *plan_syscall_name(enum plan_syscall s)
{
	return s == PLAN_KEXEC_LOAD ? "kexec_load" : "kexec_file_load";
}

const char *plan_ehdr_memsz_from_name(enum plan_ehdr_memsz_from f)
{
	static const char *const names[] = {
		[PLAN_EHDR_COMPUTED] = "computed", [PLAN_EHDR_BUILT] = "built",
		[PLAN_EHDR_KERNEL_MAX] = "crash_elfcorehdr_size",
	};

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

const char *plan_crashkernel_suggestion(uint64_t needed, char *buf, size_t size)
{
	uint64_t want = needed + PLAN_RUNTIME_ALLOWANCE, step = 32 * MiB;

	want = (want + step - 1) / step * step;
	snprintf(buf, size, "%lluM", (unsigned long long)(want / MiB));
	return buf;
}

void plan_segment_terms(const struct kexec_plan *p, char *buf, size_t size)
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

void plan_refuse_unreserved(const struct kexec_ctx *c, struct kexec_plan *p)
{
	char terms[256], sz[32], sz2[32], sug[32];
	uint64_t needed = p->needed;

	if (p->segs.n) {
		plan_segment_terms(p, terms, sizeof(terms));
	} else {
		/* nothing laid out (kexec_load needs the range to build in): the files' sizes */
		uint64_t kernel = p->image.load_memsz > p->kernel.size ? p->image.load_memsz
									: p->kernel.size;
		char k[32], i[32];

		needed = kernel + (p->has_initrd ? p->initrd.size : 0) + p->ehdr_memsz;
		snprintf(terms, sizeof(terms), "kernel %s%s%s + elfcorehdr %s",
			 kx_format_size(kernel, k, sizeof(k)), p->has_initrd ? " + initrd " : "",
			 p->has_initrd ? kx_format_size(p->initrd.size, i, sizeof(i)) : "",
			 kx_format_size(p->ehdr_memsz, sz2, sizeof(sz2)));
	}
	plan_refuse(p, -ENOSPC, "no memory is reserved for a crash kernel: /proc/iomem has no "
		    "\"Crash kernel\" range%s; add crashkernel=%s to the kernel command line and "
		    "reboot (this load takes %s: %s; plus %s for the capture kernel to run)",
		    c->sys.has_crash_size && !c->sys.crash_size ? " and kexec_crash_size is 0" : "",
		    plan_crashkernel_suggestion(needed, sug, sizeof(sug)),
		    kx_format_size(needed, sz, sizeof(sz)), terms,
		    kx_format_size(PLAN_RUNTIME_ALLOWANCE, sz2, sizeof(sz2)));
}

/*
 * Who keeps the elfcorehdr right across hotplug: the kernel (a file load on a kernel with crash
 * hotplug rebuilds its own header; a kexec_load asks with the arch's flag and needs the size the
 * kernel gives the header), or nobody, and then kexec-hotplug reloads.
 */
int plan_hotplug_mode(const struct kexec_ctx *c, enum plan_syscall syscall,
		      enum kx_hotplug_mode *ret, struct kx_err *err)
{
	bool sized = c->sys.has_elfcorehdr_size && c->sys.elfcorehdr_size > 0;
	bool supported = syscall == PLAN_KEXEC_LOAD ? sized
						    : c->sys.mem_crash_hotplug == 1 || sized;

	if (!c->o->crash) {
		*ret = KX_HOTPLUG_NONE;         /* only a crash load has an elfcorehdr */
		return 0;
	}
	if (c->o->hotplug == 1 && !supported)
		return kx_err_set(err, -ENOTSUP, "--hotplug: this kernel cannot keep the "
				  "elfcorehdr updated itself (%s); drop --hotplug: kexec-hotplug's "
				  "udev rule reloads the crash kernel on hotplug events instead",
				  c->sys.has_elfcorehdr_size ? "crash_elfcorehdr_size is 0"
				  : "no /sys/kernel/crash_elfcorehdr_size: it needs Linux 6.6 with "
				    "CONFIG_CRASH_HOTPLUG");
	*ret = c->o->hotplug != 0 && supported ? KX_HOTPLUG_KERNEL : KX_HOTPLUG_NONE;
	return 0;
}

void plan_optional_flag(struct kexec_plan *p, unsigned long flag)
{
	if (p->nsteps == 0 || p->nsteps >= PLAN_MAX_STEPS)
		return;
	memmove(&p->steps[1], &p->steps[0], p->nsteps * sizeof(p->steps[0]));
	p->nsteps++;
	p->steps[0].flags |= flag;
	p->steps[1].after |= PLAN_AFTER_EINVAL;
	p->flags = p->steps[0].flags;
}

void plan_err_prefix(struct kx_err *err, const char *path)
{
	char msg[sizeof(err->msg)];
	int len = snprintf(msg, sizeof(msg), "%s: ", path);

	if (len > 0 && (size_t)len < sizeof(msg)) {
		snprintf(msg + len, sizeof(msg) - (size_t)len, "%.*s",
			 (int)(sizeof(msg) - (size_t)len - 1), err->msg);
		memcpy(err->msg, msg, sizeof(msg));
	}
}
