// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fadump.h"

static int read_tri(const struct kx_sysroot *s, const char *name)
{
	char path[64];
	uint64_t v;

	snprintf(path, sizeof(path), KX_FADUMP_DIR "/%s", name);
	if (kx_sysroot_read_u64(s, path, 10, &v) < 0)
		return KX_TRI_UNKNOWN;
	return v ? 1 : 0;
}

void kx_fadump_read(const struct kx_sysroot *s, struct kx_fadump_state *ret)
{
	char path[PATH_MAX], buf[KX_FADUMP_CMDLINE_SIZE + 2];
	size_t len;
	int fd;

	*ret = (struct kx_fadump_state){ 0 };
	ret->enabled = read_tri(s, "enabled");
	ret->registered = read_tri(s, "registered");
	ret->hotplug_ready = read_tri(s, "hotplug_ready");
	ret->present = ret->enabled != KX_TRI_UNKNOWN;
	ret->has_mem_reserved = kx_sysroot_read_u64(s, KX_FADUMP_DIR "/mem_reserved", 10,
						    &ret->mem_reserved) == 0;
	/* release_mem is write-only: its presence is what counts */
	fd = kx_sysroot_open(s, KX_FADUMP_DIR "/release_mem", O_PATH);
	if (fd >= 0) {
		ret->dump_active = true;
		close(fd);
	}
	if (kx_sysroot_read(s, KX_FADUMP_DIR "/bootargs_append", buf, sizeof(buf), &len) == 0) {
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\0'))
			len--;
		if (len < sizeof(ret->bootargs_append)) {
			memcpy(ret->bootargs_append, buf, len);
			ret->bootargs_append[len] = '\0';
			ret->has_bootargs_append = true;
		}
	} else if (kx_sysroot_path(s, KX_FADUMP_DIR "/bootargs_append", path, sizeof(path)) &&
		   access(path, F_OK) == 0) {
		/* there but unreadable (not root): writable all the same */
		ret->has_bootargs_append = true;
	}
}

static int check_usable(const struct kx_fadump_state *st, const char *what, struct kx_err *err)
{
	if (!st->present)
		return kx_err_set(err, -ENODEV, "firmware-assisted dump is not available: "
				  KX_FADUMP_DIR "/ is missing (it needs a POWER kernel built with "
				  "CONFIG_FA_DUMP on firmware that supports fadump); use kdump "
				  "instead: kexec -p KERNEL");
	if (st->enabled != 1)
		return kx_err_set(err, -EPERM, "cannot %s firmware-assisted dump: it is not enabled "
				  "(" KX_FADUMP_DIR "/enabled is 0): boot with fadump=on (the "
				  "reservation sized by crashkernel= or fadump_reserve_mem=), then "
				  "run kexec -p --fadump", what);
	if (st->dump_active)
		return kx_err_set(err, -EPERM, "cannot %s firmware-assisted dump: this kernel still "
				  "holds the dump of the last crash (" KX_FADUMP_DIR "/release_mem "
				  "exists): save /proc/vmcore, write 1 to " KX_FADUMP_DIR
				  "/release_mem, then run kexec -p --fadump", what);
	return 0;
}

int kx_fadump_check_register(const struct kx_fadump_state *st, const char *append,
			     size_t running_cmdline_len, struct kx_err *err)
{
	size_t n;
	int r = check_usable(st, "register", err);

	if (r < 0 || !append)
		return r;
	if (!st->has_bootargs_append)
		return kx_err_set(err, -ENOTSUP, "--append: this kernel has no " KX_FADUMP_DIR
				  "/bootargs_append (a kernel or platform without the fadump "
				  "parameter area), so the capture boot cannot be given extra "
				  "parameters: drop --append (the capture boot uses this kernel's "
				  "command line)");
	n = strlen(append);
	if (n >= KX_FADUMP_CMDLINE_SIZE)
		return kx_err_set(err, -E2BIG, "--append is %zu bytes; the kernel takes fewer than "
				  "%d (COMMAND_LINE_SIZE): shorten it", n, KX_FADUMP_CMDLINE_SIZE);
	if (running_cmdline_len + n >= KX_FADUMP_CMDLINE_SIZE)
		return kx_err_set(err, -ENOSPC, "--append is %zu bytes and this kernel's command "
				  "line %zu: together they must stay below %d (COMMAND_LINE_SIZE), "
				  "which the capture boot's command line cannot exceed: shorten "
				  "--append", n, running_cmdline_len, KX_FADUMP_CMDLINE_SIZE);
	return 0;
}

int kx_fadump_check_unregister(const struct kx_fadump_state *st, struct kx_err *err)
{
	return check_usable(st, "unregister", err);
}

bool kx_fadump_needs_unregister_first(int errnum, const struct kx_fadump_state *before)
{
	/* before the one-write re-registration (2018) a registered dump answered EEXIST; the
	 * first sysfs interface answered EINVAL */
	return before->registered == 1 && (errnum == EEXIST || errnum == EINVAL);
}

void kx_fadump_explain(const char *file, const char *value, int errnum, char *buf, size_t size)
{
	const char *why;
	bool args = !strcmp(file, "bootargs_append");

	switch (errnum) {
	case EPERM:
		why = "fadump is not enabled or this kernel holds the dump of the last crash: boot "
		      "with fadump=on; in a capture boot, save /proc/vmcore and write 1 to "
		      KX_FADUMP_DIR "/release_mem first";
		break;
	case ENODEV:
		why = "no memory is reserved for the dump (mem_reserved is 0): boot with fadump=on "
		      "and a crashkernel= or fadump_reserve_mem= large enough";
		break;
	case EEXIST:
		why = "the firmware already has a dump registered: unregister with kexec -u -p "
		      "--fadump and register again";
		break;
	case EINVAL:
		why = args ? "the parameters are longer than the kernel takes (COMMAND_LINE_SIZE "
			     "2048): shorten --append"
			   : "the firmware rejected the registration's parameters: see the kernel "
			     "log (dmesg) for the firmware's error";
		break;
	case ENOSPC:
		why = "with this kernel's command line the parameters exceed COMMAND_LINE_SIZE "
		      "(2048): shorten --append";
		break;
	case EIO:
		why = "the firmware rejected the registration (a hardware or firmware error): see "
		      "the kernel log (dmesg) for the firmware's error";
		break;
	case ENOENT:
		why = "the file does not exist on this kernel";
		break;
	case EACCES:
	case EROFS:
		why = "writing to sysfs needs root";
		break;
	default:
		why = strerror(errnum);
		break;
	}
	snprintf(buf, size, "writing %s%.64s%s to " KX_FADUMP_DIR "/%s failed (%s): %s",
		 args ? "\"" : "", value, args ? "\"" : "", file,
		 strerrorname_np(errnum) ? strerrorname_np(errnum) : "error", why);
}

int kx_fadump_write_sysfs(void *ctx, const char *file, const char *value)
{
	const struct kx_sysroot *s = ctx;
	size_t len = strlen(value);
	char path[64], *buf;
	ssize_t n;
	int fd, r;

	snprintf(path, sizeof(path), KX_FADUMP_DIR "/%s", file);
	fd = kx_sysroot_open(s, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fd;
	buf = malloc(len + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	memcpy(buf, value, len);
	buf[len] = '\n';
	/* one write: sysfs takes the value in the write call that carries it */
	n = write(fd, buf, len + 1);
	r = n < 0 ? -errno : (size_t)n != len + 1 ? -EIO : 0;
	free(buf);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int kx_fadump_register(const struct kx_fadump_state *before, const char *append,
		       kx_fadump_write_fn write, void *ctx, char *msg, size_t size)
{
	int r = 0;

	if (append) {
		r = write(ctx, "bootargs_append", append);
		if (r < 0) {
			kx_fadump_explain("bootargs_append", append, -r, msg, size);
			return r;
		}
	}
	r = write(ctx, "registered", "1");
	if (r < 0 && kx_fadump_needs_unregister_first(-r, before)) {
		/* a kernel that does not re-register in one write */
		r = write(ctx, "registered", "0");
		if (r == 0)
			r = write(ctx, "registered", "1");
	}
	if (r < 0)
		kx_fadump_explain("registered", "1", -r, msg, size);
	return r;
}
