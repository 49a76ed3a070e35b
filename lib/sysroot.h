/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_SYSROOT_H
#define KX_SYSROOT_H
/*
 * Every /proc and /sys read goes through a sysroot so that tests (and admins with a customer's
 * captured /proc + /sys) can point the tools at another tree: `--sysroot=DIR` makes "/proc/iomem"
 * read DIR/proc/iomem.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* A 0/1 kernel fact whose file is absent or unreadable: the one "unknown" of every reader. */
#define KX_TRI_UNKNOWN (-1)

struct kx_sysroot {
	char root[PATH_MAX];    /* "" for the running system */
};

/* dir NULL, "" or "/" selects the running system.  -ENAMETOOLONG, -ENOTDIR, -ENOENT. */
int kx_sysroot_init(struct kx_sysroot *s, const char *dir);

/* DIR + path ("/proc/vmcore" → "DIR/proc/vmcore").  path must be absolute.  Returns buf or NULL
 * when it does not fit. */
char *kx_sysroot_path(const struct kx_sysroot *s, const char *path, char *buf, size_t size);

/* open(2) under the sysroot; fd or -errno. */
int kx_sysroot_open(const struct kx_sysroot *s, const char *path, int flags);

/* Read a small text file whole, NUL-terminated, trailing newline kept.  -EFBIG when it does not fit
 * in size - 1 bytes. */
int kx_sysroot_read(const struct kx_sysroot *s, const char *path, char *buf, size_t size,
		    size_t *ret_len);

/* A file holding one number ("%llu" with base 10, "%llx" with base 16, or either with base 0);
 * surrounding white space allowed.  -EINVAL when the content is not such a number. */
int kx_sysroot_read_u64(const struct kx_sysroot *s, const char *path, int base, uint64_t *ret);

#endif
