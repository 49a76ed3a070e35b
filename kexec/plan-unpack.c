// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A kernel file the kernel cannot read as it is (gzip/xz/lzma/bzip2/zstd, arm64 zboot, a UKI):
 * lib/unpack.c peels it, and the plan carries the unpacked kernel in a sealed memfd instead of
 * the file.  A file that needs no unpacking is passed as its own fd, untouched: IMA appraisal
 * and the file's security xattrs are the file's, and a memfd has neither.  A UKI's .initrd and
 * .cmdline are used the way kexec-tools uses them, unless --initrd / --append say otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "plan.h"
#include "unpack.h"


/* A sealed memfd holding buf: what kexec_file_load reads, and -c maps. */
static int sealed_memfd(const char *name, const void *buf, size_t len, struct kx_err *err)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t done = 0;

	if (fd < 0)
		return kx_err_set(err, -errno, "memfd_create for the unpacked %s: %s", name,
				  strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			close(fd);
			return kx_err_set(err, -e, "cannot write the unpacked %s to its memfd: %s",
					  name, strerror(e));
		}
		done += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		int e = errno;

		close(fd);
		return kx_err_set(err, -e, "cannot seal the memfd of the unpacked %s: %s", name,
				  strerror(e));
	}
	return fd;
}

/* Replace f's fd with a memfd of buf; the path stays the file's, for messages and records. */
static int swap_in(struct plan_file *f, const char *name, const void *buf, size_t len,
		   struct kx_err *err)
{
	int fd = sealed_memfd(name, buf, len, err);

	if (fd < 0)
		return fd;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	f->size = len;
	return 0;
}

bool plan_container_type(const char *type)
{
	return type && (!strcmp(type, "uki") || !strcmp(type, "vmlinuz"));
}

/* -t uki / -t vmlinuz: the file is that container (the kernel inside is probed by itself). */
static int check_type(const struct kexec_plan *p, const char *type, const struct kx_unpacked *u,
		      struct kx_err *err)
{
	enum kx_pack outer = u->nlayers ? u->layer[0].kind : KX_PACK_NONE;

	if (!plan_container_type(type))
		return 0;
	if (!strcmp(type, "uki") && outer != KX_PACK_UKI)
		return kx_err_set(err, -ENOEXEC, "-t uki: %s is not a Unified Kernel Image (no PE "
				  "file with a .linux section)", p->kernel.path);
	if (!strcmp(type, "vmlinuz") && (outer == KX_PACK_NONE || outer == KX_PACK_UKI))
		return kx_err_set(err, -ENOEXEC, "-t vmlinuz: %s is not a compressed kernel (gzip, "
				  "xz, lzma, bzip2, zstd or an arm64 zboot image)", p->kernel.path);
	return 0;
}

int plan_unpack_kernel(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	unsigned char head[4096];
	struct kx_unpacked u = { 0 };
	void *map = NULL;
	ssize_t n;
	int r;

	n = pread(p->kernel.fd, head, sizeof(head), 0);
	if (n < 0)
		return kx_err_set(err, -errno, "cannot read the kernel %s: %s", p->kernel.path,
				  strerror(errno));
	if (kx_pack_detect(head, (size_t)n) == KX_PACK_NONE)
		return check_type(p, c->o->type, &u, err);
	r = plan_map_file(&p->kernel, "kernel", &map, err);
	if (r < 0)
		return r;
	r = kx_unpack(map, (size_t)p->kernel.size, 0, &u, err);
	munmap(map, (size_t)p->kernel.size);
	if (r < 0) {
		plan_err_prefix(err, p->kernel.path);
		kx_unpacked_free(&u);
		return r;
	}
	r = check_type(p, c->o->type, &u, err);
	if (r < 0) {
		kx_unpacked_free(&u);
		return r;
	}
	p->unpack.packed_size = p->kernel.size;
	p->unpack.nlayers = u.nlayers;
	for (size_t i = 0; i < p->unpack.nlayers; i++)
		p->unpack.layer[i] = u.layer[i];
	if (u.nlayers)
		r = swap_in(&p->kernel, "kernel", u.kernel, u.kernel_len, err);
	/* a UKI's own initrd and command line, unless the command line names others */
	if (r == 0 && u.initrd && !c->o->initrd) {
		p->initrd = (struct plan_file){ .path = p->kernel.path, .fd = -1 };
		r = swap_in(&p->initrd, "initrd", u.initrd, u.initrd_len, err);
		if (r == 0) {
			p->has_initrd = true;
			p->unpack.initrd_from_image = true;
		}
	}
	if (r == 0 && u.cmdline && !c->o->nappends && !c->o->reuse_cmdline) {
		p->unpack.cmdline = strdup(u.cmdline);
		if (!p->unpack.cmdline)
			r = kx_err_set(err, -ENOMEM, "out of memory");
	}
	p->unpack.image_initrd = u.initrd != NULL;
	p->unpack.image_cmdline = u.cmdline != NULL;
	kx_unpacked_free(&u);
	return r;
}

void plan_unpack_free(struct kexec_plan *p)
{
	free(p->unpack.cmdline);
	p->unpack.cmdline = NULL;
}
