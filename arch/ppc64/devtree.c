// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppc64 RAM from the device tree: /sys/firmware/fdt, else the /proc/device-tree directory turned
 * into a blob (only the root's cell sizes and the memory nodes) so that one reader, lib/dtb's
 * kx_fdt_memory(), walks both.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "dtb.h"
#include "fileio.h"
#include "ppc64/ppc64.h"

#define PROP_MAX 256            /* properties of one node taken from /proc/device-tree */

static bool wanted_node(const char *name)
{
	return !strcmp(name, "memory") || !strncmp(name, "memory@", 7) ||
	       !strcmp(name, "ibm,dynamic-reconfiguration-memory");
}

/* Every regular file of dir as a property of the open node; -errno. */
static int add_props(void *fdt, int dirfd, bool cells_only, struct kx_err *err, const char *where)
{
	DIR *d = fdopendir(dup(dirfd));
	struct dirent *e;
	unsigned n = 0;
	int r = 0;

	if (!d)
		return kx_err_set(err, -errno, "cannot list %s: %s", where, strerror(errno));
	rewinddir(d);           /* the dup shares its offset with every other reader of dirfd */
	while (r == 0 && (e = readdir(d))) {
		void *val;
		size_t len;
		int fd;

		if (e->d_name[0] == '.' || (cells_only && strcmp(e->d_name, "#address-cells") &&
					    strcmp(e->d_name, "#size-cells")))
			continue;
		fd = openat(dirfd, e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;               /* a directory: a child node */
		{
			struct stat st;

			if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
				close(fd);
				continue;
			}
		}
		if (++n > PROP_MAX) {
			close(fd);
			r = kx_err_set(err, -E2BIG, "%s has more than %d properties", where,
				       PROP_MAX);
			break;
		}
		r = kx_read_fd_alloc(fd, KX_FDT_SIZE_MAX, (char **)&val, &len);
		close(fd);
		if (r < 0) {
			r = kx_err_set(err, r, "cannot read %s/%s: %s", where, e->d_name,
				       strerror(-r));
			break;
		}
		if (len > INT_MAX)
			r = kx_err_set(err, -E2BIG, "%s/%s is larger than %u bytes", where,
				       e->d_name, KX_FDT_SIZE_MAX);
		else if (fdt_property(fdt, e->d_name, val, (int)len) < 0)
			r = -E2BIG;             /* the blob is full: the caller grows it */
		free(val);
	}
	closedir(d);
	return r;
}

/* /proc/device-tree as a blob holding the root's cell sizes and the memory nodes. */
static int blob_from_dir(int root, void **ret, size_t *ret_len, struct kx_err *err)
{
	size_t size = 1u << 20;
	DIR *d;
	struct dirent *e;
	void *fdt;
	int r;

	for (;;) {
		fdt = malloc(size);
		if (!fdt)
			return kx_err_set(err, -ENOMEM, "out of memory");
		r = fdt_create(fdt, (int)size) < 0 || fdt_finish_reservemap(fdt) < 0 ||
		    fdt_begin_node(fdt, "") < 0 ? -E2BIG : 0;
		if (r == 0)
			r = add_props(fdt, root, true, err, "/proc/device-tree");
		d = r == 0 ? fdopendir(dup(root)) : NULL;
		if (r == 0 && !d)
			r = kx_err_set(err, -errno, "cannot list /proc/device-tree: %s",
				       strerror(errno));
		if (d)
			rewinddir(d);
		while (r == 0 && (e = readdir(d))) {
			char where[300];
			int fd;

			if (!wanted_node(e->d_name))
				continue;
			fd = openat(root, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0)
				continue;
			snprintf(where, sizeof(where), "/proc/device-tree/%s", e->d_name);
			r = fdt_begin_node(fdt, e->d_name) < 0 ? -E2BIG : 0;
			if (r == 0)
				r = add_props(fdt, fd, false, err, where);
			if (r == 0 && fdt_end_node(fdt) < 0)
				r = -E2BIG;
			close(fd);
		}
		if (d)
			closedir(d);
		if (r == 0 && (fdt_end_node(fdt) < 0 || fdt_finish(fdt) < 0))
			r = -E2BIG;
		if (r == 0) {
			*ret = fdt;
			*ret_len = fdt_totalsize(fdt);
			return 0;
		}
		free(fdt);
		/* only a blob that ran out of room is tried again, larger */
		if (r != -E2BIG || err->code || size >= KX_FDT_SIZE_MAX)
			return err->code ? r : kx_err_set(err, -E2BIG, "the memory nodes of "
							  "/proc/device-tree take more than %u "
							  "bytes", KX_FDT_SIZE_MAX);
		size *= 4;
		if (size > KX_FDT_SIZE_MAX)
			size = KX_FDT_SIZE_MAX;
	}
}

int kx_ppc64_read_ram(const struct kx_sysroot *s, struct kx_ranges *ret, const char **ret_source,
		      struct kx_err *err)
{
	struct kx_fdt_memory m;
	const char *source = "/sys/firmware/fdt";
	void *blob = NULL;
	size_t len = 0;
	int fd, r;

	fd = kx_sysroot_open(s, "/sys/firmware/fdt", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = kx_read_fd_alloc(fd, KX_FDT_SIZE_MAX, (char **)&blob, &len);
		close(fd);
		if (r < 0)
			return kx_err_set(err, r, "cannot read /sys/firmware/fdt: %s", strerror(-r));
	} else {
		source = "/proc/device-tree";
		fd = kx_sysroot_open(s, "/proc/device-tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return kx_err_set(err, fd, "no device tree to read the RAM from: neither "
					  "/sys/firmware/fdt nor /proc/device-tree can be opened (%s)",
					  strerror(-fd));
		r = blob_from_dir(fd, &blob, &len, err);
		close(fd);
		if (r < 0)
			return r;
	}
	r = kx_fdt_memory(blob, len, &m, err);
	free(blob);
	if (r < 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s: %.480s", source, err->msg);
		memcpy(err->msg, msg, sizeof(msg));
		return r;
	}
	*ret = m.ram;
	m.ram = (struct kx_ranges){ 0 };
	kx_fdt_memory_free(&m);
	*ret_source = source;
	return 0;
}
