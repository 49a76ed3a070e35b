// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kexec.h"
#include "segments.h"
#include "strutil.h"
#include "syscall.h"

static struct {
	const struct kx_sysroot *sysroot;
	const char *log;                /* fake mode when set */
	const char *results;            /* KEXEC_EXT_FAKE_ERRNO */
	unsigned calls;
} seam;

/*
 * The fake exists only in the test build (tests/tools/kexec-test, compiled with
 * KX_TEST_SEAMS): the installed kexec never reads these variables, so a stray one cannot make
 * it report a load that never happened.
 */
void kx_syscall_init(const struct kx_sysroot *sysroot)
{
	seam.sysroot = sysroot;
	seam.log = NULL;
	seam.results = NULL;
	seam.calls = 0;
#ifdef KX_TEST_SEAMS
	{
		const char *log = getenv("KEXEC_EXT_FAKE_SYSCALL");

		seam.log = log && log[0] == '/' ? log : NULL;
		seam.results = getenv("KEXEC_EXT_FAKE_ERRNO");
	}
#endif
}

bool kx_syscall_fake(void)
{
	return seam.log != NULL;
}

const char *kx_syscall_fake_remaining(void)
{
	const char *p = seam.results;

	for (unsigned i = 0; p && *p && i < seam.calls; i++) {
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return p ? p : "";
}

/* errno for a name ("EBUSY") or a number ("16"); 0 for "0", "ok" or an unknown word;
 * -KX_FAKE_LOST for "LOST". */
static int errno_from(const char *s, size_t n)
{
	char word[32];
	char *end;
	long v;

	if (n == 0 || n >= sizeof(word))
		return 0;
	memcpy(word, s, n);
	word[n] = '\0';
	if (!strcmp(word, "LOST"))
		return -KX_FAKE_LOST;
	if (!strcmp(word, "HOTPLUG"))
		return -KX_FAKE_HOTPLUG;
	v = strtol(word, &end, 10);
	if (!*end)
		return v > 0 && v < 4096 ? (int)v : 0;
	for (int e = 1; e < 200; e++) {
		const char *name = strerrorname_np(e);

		if (name && !strcmp(name, word))
			return e;
	}
	return 0;
}

/* The fake's result for this call: the next entry of KEXEC_EXT_FAKE_ERRNO. */
int kx_fake_result(const char *list, unsigned index)
{
	const char *p = list;
	unsigned i = 0;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (i++ == index)
			return -errno_from(p, n);
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static int next_result(void)
{
	return kx_fake_result(seam.results, seam.calls++);
}

static void fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	if (fd < 0) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		snprintf(buf, size, "fd%d", fd);
	else
		buf[n] = '\0';
}

void kx_syscall_fake_log(const char *fmt, ...)
{
	int fd = seam.log ? open(seam.log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
				 0600) : -1;
	FILE *fp = fd >= 0 ? fdopen(fd, "a") : NULL;
	va_list ap;

	if (!fp) {
		if (fd >= 0)
			close(fd);
		return;
	}
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fclose(fp);
}

/* The fake also writes each segment's bytes to $KEXEC_EXT_FAKE_DUMP/NAME (an absolute path), so
 * tests can read boot_params and the purgatory's parameters as the kernel would get them. */
static void fake_dump(const struct kx_segments *segs)
{
	const char *dir = NULL;

#ifdef KX_TEST_SEAMS
	dir = getenv("KEXEC_EXT_FAKE_DUMP");
#endif
	if (!dir || dir[0] != '/')
		return;
	for (size_t i = 0; i < segs->n; i++) {
		char path[PATH_MAX];
		FILE *fp;

		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, segs->seg[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		fp = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!fp) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (segs->seg[i].bufsz)
			fwrite(segs->seg[i].buf, 1, (size_t)segs->seg[i].bufsz, fp);
		fclose(fp);
	}
}

/* The kernel's side of the fake: its "loaded" attribute in the sysroot. */
void kx_syscall_fake_attr(const char *path, const char *value)
{
	char full[PATH_MAX];
	FILE *fp;

	if (!seam.sysroot || !seam.sysroot->root[0])
		return;
	if (!kx_sysroot_path(seam.sysroot, path, full, sizeof(full)))
		return;
	fp = fopen(full, "we");
	if (!fp)
		return;
	fprintf(fp, "%s\n", value);
	fclose(fp);
}

/* "HOTPLUG": 1 GiB of RAM at 4 GiB comes online during the call (appended to /proc/iomem) */
static void fake_hotplug(void)
{
	char full[PATH_MAX];
	FILE *fp;

	if (!seam.sysroot || !seam.sysroot->root[0] ||
	    !kx_sysroot_path(seam.sysroot, "/proc/iomem", full, sizeof(full)))
		return;
	fp = fopen(full, "ae");
	if (!fp)
		return;
	fprintf(fp, "100000000-13fffffff : System RAM\n");
	fclose(fp);
}

/* both layouts: /sys/kernel/kexec/ (6.19; written only where the sysroot has it) and the old */
static void fake_set_loaded(bool crash, int value)
{
	kx_syscall_fake_attr(crash ? "/sys/kernel/kexec/crash_loaded" : "/sys/kernel/kexec/loaded",
			     value ? "1" : "0");
	kx_syscall_fake_attr(crash ? "/sys/kernel/kexec_crash_loaded" : "/sys/kernel/kexec_loaded",
			     value ? "1" : "0");
}

static const char *result_name(int r, char *buf, size_t size)
{
	return r == 0 ? "0" : r == KX_FAKE_LOST ? "0 (LOST)" : r == KX_FAKE_HOTPLUG ? "0 (HOTPLUG)"
	       : kexec_errno_name(-r, buf, size);
}

int kx_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline,
			   unsigned long cmdline_len, unsigned long flags)
{
	bool crash = flags & KX_KEXEC_FILE_ON_CRASH, unload = flags & KX_KEXEC_FILE_UNLOAD;

	if (seam.log) {
		char kpath[PATH_MAX], ipath[PATH_MAX], name[32];
		size_t n = cmdline ? strlen(cmdline) : 0;
		char *esc = malloc(4 * n + 1);
		int r = next_result();

		fd_path(kernel_fd, kpath, sizeof(kpath));
		fd_path(initrd_fd, ipath, sizeof(ipath));
		if (esc)
			kx_escape(cmdline ? cmdline : "", n, esc, 4 * n + 1);
		kx_syscall_fake_log("kexec_file_load kernel=%s initrd=%s cmdline_len=%lu flags=%#lx "
			 "cmdline=%s -> %s\n", kpath, ipath, cmdline_len, flags, esc ? esc : "?",
			 result_name(r, name, sizeof(name)));
		free(esc);
		if (r == KX_FAKE_LOST) {
			fake_set_loaded(crash, 0);      /* accepted, then gone */
			return 0;
		}
		if (r == KX_FAKE_HOTPLUG) {
			fake_hotplug();
			r = 0;
		}
		if (r == 0)
			fake_set_loaded(crash, !unload);
		else if (crash && !unload && r != -EPERM && r != -EBUSY)
			fake_set_loaded(true, 0);       /* the old image was dropped first */
		return r;
	}
#ifdef SYS_kexec_file_load
	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, cmdline_len, cmdline, flags) == 0)
		return 0;
	return -errno;
#else
	(void)kernel_fd, (void)initrd_fd, (void)cmdline, (void)cmdline_len, (void)crash,
		(void)unload;
	return -ENOSYS;
#endif
}

/*
 * Test builds only (tests/tools/kexec-corrupt): KEXEC_EXT_TEST_CORRUPT=NAME flips one byte of
 * segment NAME after purgatory's digest was computed, to show that purgatory stops the boot.
 */
#ifdef KX_TEST_HOOKS
static const void *corrupt(const struct kx_segment *g, void **copy)
{
	const char *name = getenv("KEXEC_EXT_TEST_CORRUPT");
	unsigned char *c;

	if (!name || strcmp(name, g->name) || !g->bufsz)
		return g->buf;
	c = malloc((size_t)g->bufsz);
	if (!c)
		return g->buf;
	memcpy(c, g->buf, (size_t)g->bufsz);
	c[g->bufsz / 2] ^= 0x5a;
	*copy = c;
	return c;
}
#endif

int kx_sys_kexec_load(uint64_t entry, const struct kx_segments *segs, unsigned long flags)
{
	struct {
		const void *buf;
		size_t bufsz;
		const void *mem;
		size_t memsz;
	} ks[KX_SEGMENT_MAX];
	void *copies[KX_SEGMENT_MAX] = { 0 };
	int r = 0;

	if (segs->n > KX_SEGMENT_MAX)
		return -EINVAL;
	for (size_t i = 0; i < segs->n; i++) {
		const struct kx_segment *g = &segs->seg[i];

		ks[i].buf = g->buf;
#ifdef KX_TEST_HOOKS
		ks[i].buf = corrupt(g, &copies[i]);
#endif
		ks[i].bufsz = (size_t)g->bufsz;
		ks[i].mem = (const void *)(uintptr_t)g->mem;
		ks[i].memsz = (size_t)g->memsz;
	}
	if (seam.log) {
		char name[32], list[KX_SEGMENT_MAX * 80];
		size_t o = 0;

		r = next_result();
		list[0] = '\0';
		for (size_t i = 0; i < segs->n && o < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, " %s:%#llx+%#llx/%#llx",
					      segs->seg[i].name,
					      (unsigned long long)segs->seg[i].mem,
					      (unsigned long long)segs->seg[i].memsz,
					      (unsigned long long)segs->seg[i].bufsz);
		kx_syscall_fake_log("kexec_load entry=%#llx nr_segments=%zu flags=%#lx%s -> %s\n",
			 (unsigned long long)entry, segs->n, flags, list,
			 result_name(r, name, sizeof(name)));
		fake_dump(segs);
		if (r == KX_FAKE_HOTPLUG) {
			fake_hotplug();
			r = 0;
		}
		if (r == KX_FAKE_LOST) {
			fake_set_loaded(flags & KX_KEXEC_ON_CRASH, 0);
			r = 0;
		} else if (r == 0)
			fake_set_loaded(flags & KX_KEXEC_ON_CRASH, 1);
		else if ((flags & KX_KEXEC_ON_CRASH) && r != -EPERM && r != -EBUSY && r != -EINVAL)
			fake_set_loaded(true, 0);       /* the old image was dropped first */
	} else if (syscall(SYS_kexec_load, (unsigned long)entry, (unsigned long)segs->n, ks,
			   flags) != 0) {
		r = -errno;
	}
	for (size_t i = 0; i < segs->n; i++)
		free(copies[i]);
	return r;
}

int kx_sys_kexec_load_unload(unsigned long flags)
{
	if (seam.log) {
		char name[32];
		int r = next_result();

		kx_syscall_fake_log("kexec_load nr_segments=0 flags=%#lx -> %s\n", flags,
			 result_name(r, name, sizeof(name)));
		if (r == 0)
			fake_set_loaded(flags & KX_KEXEC_ON_CRASH, 0);
		return r;
	}
	if (syscall(SYS_kexec_load, 0UL, 0UL, NULL, flags) == 0)
		return 0;
	return -errno;
}

int kx_sys_reboot_kexec(void)
{
	if (seam.log) {
		char name[32];
		int r = next_result();

		kx_syscall_fake_log("reboot LINUX_REBOOT_CMD_KEXEC -> %s\n", result_name(r, name, sizeof(name)));
		return r;
	}
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL);
	return -errno;
}

void kx_sys_sync(void)
{
	if (seam.log) {
		kx_syscall_fake_log("sync\n");
		return;
	}
	sync();
}

int kx_sys_ifdown(void)
{
	struct if_nameindex *all;
	int fd, n = 0;

	if (seam.log) {
		kx_syscall_fake_log("ifdown\n");
		return 0;
	}
	all = if_nameindex();
	if (!all) {
		kx_warn("not taking the network interfaces down: cannot list them: %s",
			strerror(errno));
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		kx_warn("not taking the network interfaces down: socket: %s", strerror(errno));
		if_freenameindex(all);
		return 0;
	}
	for (const struct if_nameindex *i = all; i->if_index; i++) {
		struct ifreq ifr = { 0 };

		/* the loopback stays, and an alias goes down with its interface */
		if (!strcmp(i->if_name, "lo") || strchr(i->if_name, ':') ||
		    strlen(i->if_name) >= sizeof(ifr.ifr_name))
			continue;
		memcpy(ifr.ifr_name, i->if_name, strlen(i->if_name) + 1);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
			kx_warn("cannot take %s down: SIOCGIFFLAGS: %s", i->if_name, strerror(errno));
			continue;
		}
		if (!(ifr.ifr_flags & IFF_UP))
			continue;
		ifr.ifr_flags &= (short)~IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
			kx_warn("cannot take %s down: SIOCSIFFLAGS: %s", i->if_name, strerror(errno));
			continue;
		}
		kx_debug("%s taken down", i->if_name);
		n++;
	}
	close(fd);
	if_freenameindex(all);
	return n;
}
