// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "sysroot.h"

int kx_sysroot_init(struct kx_sysroot *s, const char *dir)
{
	struct stat st;
	size_t len;

	s->root[0] = '\0';
	if (!dir || !*dir || !strcmp(dir, "/"))
		return 0;
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len >= sizeof(s->root))
		return -ENAMETOOLONG;
	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	memcpy(s->root, dir, len);
	s->root[len] = '\0';
	return 0;
}

char *kx_sysroot_path(const struct kx_sysroot *s, const char *path, char *buf, size_t size)
{
	int n;

	if (path[0] != '/')
		return NULL;
	n = snprintf(buf, size, "%s%s", s->root, path);
	if (n < 0 || (size_t)n >= size)
		return NULL;
	return buf;
}

int kx_sysroot_open(const struct kx_sysroot *s, const char *path, int flags)
{
	char full[PATH_MAX];
	int fd;

	if (!kx_sysroot_path(s, path, full, sizeof(full)))
		return -ENAMETOOLONG;
	fd = open(full, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int kx_sysroot_read(const struct kx_sysroot *s, const char *path, char *buf, size_t size,
		    size_t *ret_len)
{
	int fd, r;

	if (size < 2)
		return -EINVAL;
	fd = kx_sysroot_open(s, path, O_RDONLY);
	if (fd < 0)
		return fd;
	r = kx_read_fd_into(fd, buf, size, ret_len);
	close(fd);
	return r;
}

int kx_sysroot_read_u64(const struct kx_sysroot *s, const char *path, int base, uint64_t *ret)
{
	unsigned long long v;
	char buf[64], *p, *end;
	int r;

	r = kx_sysroot_read(s, path, buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	p = buf;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '-' || *p == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == p)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}
