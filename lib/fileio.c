// SPDX-License-Identifier: GPL-2.0-or-later
/* Small files read whole. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/* A full buffer: 0 when fd has nothing more, -EFBIG when it has, -errno. */
static int at_end(int fd)
{
	char extra;
	ssize_t n;

	do
		n = read(fd, &extra, 1);
	while (n < 0 && errno == EINTR);
	return n == 0 ? 0 : n > 0 ? -EFBIG : -errno;
}

int kx_read_fd_into(int fd, char *buf, size_t size, size_t *ret_len)
{
	size_t len = 0;

	if (size < 2)
		return -EINVAL;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == size - 1) {
			int r = at_end(fd);

			if (r < 0)
				return r;
			break;
		}
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return 0;
}

int kx_read_fd_alloc(int fd, size_t cap, char **ret, size_t *ret_len)
{
	size_t len = 0, size = cap < 4096 ? cap + 1 : 4096;
	char *buf = malloc(size), *nb;

	if (!buf || cap >= SIZE_MAX) {
		free(buf);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (len == size - 1) {
			/* full: grow, or read one byte more to tell a larger file */
			if (size - 1 >= cap) {
				int r = at_end(fd);

				if (r == 0)
					break;
				free(buf);
				return r;
			}
			size = size - 1 > cap / 2 ? cap + 1 : 2 * (size - 1) + 1;
			nb = realloc(buf, size);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

long long kx_pread_full(int fd, void *buf, size_t len, unsigned long long off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (long long)done;
}

int kx_read_small_file(int dirfd, const char *path, const char *name, size_t max,
		       unsigned flags, char **ret, size_t *ret_len, struct kx_err *err)
{
	/* O_NONBLOCK until fstat says it is a regular file: opening a FIFO would block */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC |
			(flags & KX_READ_NOFOLLOW ? O_NOFOLLOW : 0) |
			(flags & KX_READ_REGULAR ? O_NONBLOCK : 0)), r;
	struct stat st;
	size_t len;
	char *buf;

	if (!name)
		name = path;
	if (fd < 0)
		return kx_err_set(err, -errno, "cannot open %s: %s", name, strerror(errno));
	if ((flags & (KX_READ_REGULAR | KX_READ_TRUSTED)) && fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return kx_err_set(err, r, "cannot read %s: %s", name, strerror(-r));
	}
	if ((flags & KX_READ_REGULAR) && !S_ISREG(st.st_mode)) {
		close(fd);
		return kx_err_set(err, -EINVAL, "%s is not a regular file", name);
	}
	if ((flags & KX_READ_REGULAR) && fcntl(fd, F_SETFL, 0) < 0) {
		r = -errno;
		close(fd);
		return kx_err_set(err, r, "cannot read %s: %s", name, strerror(-r));
	}
	if ((flags & KX_READ_TRUSTED) && (r = kx_check_trusted(&st, name, err)) < 0) {
		close(fd);
		return r;
	}
	r = kx_read_fd_alloc(fd, max, &buf, &len);
	close(fd);
	if (r == -EFBIG)
		return kx_err_set(err, r, "%s is larger than %zu bytes", name, max);
	if (r == -ENOMEM)
		return kx_err_set(err, r, "out of memory reading %s", name);
	if (r < 0)
		return kx_err_set(err, r, "cannot read %s: %s", name, strerror(-r));
	*ret = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}

int kx_check_trusted(const struct stat *st, const char *name, struct kx_err *err)
{
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return kx_err_set(err, -EPERM, "%s belongs to uid %u, neither this user nor root: "
				  "another user could have written it; remove it", name,
				  (unsigned)st->st_uid);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)))
		return kx_err_set(err, -EPERM, "%s is writable by group or others (mode %04o): "
				  "another user could have written it; chmod go-w it or remove it",
				  name, (unsigned)(st->st_mode & 07777));
	return 0;
}

int kx_write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}
