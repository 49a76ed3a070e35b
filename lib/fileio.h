/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_FILEIO_H
#define KX_FILEIO_H
/*
 * Reading a small file whole: configuration, state records, /proc and /sys attributes.  The one
 * read loop of the tree: EINTR retried, the size bounded (a file that grows past the bound is
 * refused, never truncated silently), the text NUL-terminated.
 */
#include <stddef.h>
#include <sys/stat.h>

#include "err.h"

/*
 * Read fd to its end into buf (size > 1), NUL-terminated.  0 with *ret_len; -EFBIG when more than
 * size - 1 bytes are there; -errno from read.  Sets no error text: the caller names the file.
 */
int kx_read_fd_into(int fd, char *buf, size_t size, size_t *ret_len);

/*
 * Read fd to its end into a new buffer that grows as needed to at most cap bytes (plus a NUL
 * after them, for text).  0 with *ret and *ret_len; -EFBIG when there is more than cap; -ENOMEM;
 * -errno from read.  Sets no error text.
 */
int kx_read_fd_alloc(int fd, size_t cap, char **ret, size_t *ret_len);

/*
 * Read len bytes at off, EINTR and short reads retried: the number read (less than len only
 * at the end of the file), or -errno.
 */
long long kx_pread_full(int fd, void *buf, size_t len, unsigned long long off);

/* Flags of kx_read_small_file(). */
#define KX_READ_REGULAR  0x1u   /* refuse what is not a regular file (a FIFO would block) */
#define KX_READ_NOFOLLOW 0x2u   /* refuse a symbolic link (O_NOFOLLOW) */
#define KX_READ_TRUSTED  0x4u   /* refuse a file another user could have written (owned by
				   neither this user nor root, or writable by group or others):
				   what root replays must be root's own */

/*
 * PATH (relative to dirfd, or AT_FDCWD) read whole into a new buffer of at most `max` bytes
 * plus a NUL.  -errno with err naming `name` (the path as the user knows it; NULL: path):
 * -ENOENT and other open errors, -EINVAL not a regular file, -EFBIG larger than max, -EPERM
 * not trusted (KX_READ_TRUSTED, err saying which rule it broke).
 */
int kx_read_small_file(int dirfd, const char *path, const char *name, size_t max,
		       unsigned flags, char **ret, size_t *ret_len, struct kx_err *err);

/*
 * Whether a file or directory another user could have written: -EPERM with err naming `name`
 * and the rule (its owner is neither this user nor root; it is writable by group or others,
 * which a directory may be only with the sticky bit).  0 when it is ours.
 */
int kx_check_trusted(const struct stat *st, const char *name, struct kx_err *err);

/* Write all of buf to fd, EINTR retried: 0 or -errno (the caller names the file). */
int kx_write_all(int fd, const void *buf, size_t len);

#endif
