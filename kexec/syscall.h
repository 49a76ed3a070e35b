/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_KEXEC_SYSCALL_H
#define KX_KEXEC_SYSCALL_H
/*
 * The one seam between the loader and the kernel: every kexec_file_load, kexec_load and
 * reboot(LINUX_REBOOT_CMD_KEXEC) goes through here, so --dry-run stops before these calls and
 * tests can replace them.
 *
 * Test fake: with KEXEC_EXT_FAKE_SYSCALL=LOGFILE set, no syscall is made.  Each call appends one
 * line describing it to LOGFILE and returns the next result from KEXEC_EXT_FAKE_ERRNO (a comma
 * list of errno names or numbers, 0 for success; past its end, success).  With a --sysroot the
 * fake also plays the kernel's part in the sysroot's /sys/kernel/kexec_crash_loaded and
 * kexec_loaded: a successful load writes 1, an unload 0, and a failed crash load 0 unless it
 * failed before the kernel dropped the old image (EPERM, EBUSY).  Only in the test build
 * (tests/tools/kexec-test, KX_TEST_SEAMS): the installed kexec reads none of these variables;
 * the test build ignores the log unless it names an absolute path and opens no file through
 * a symbolic link.  With KEXEC_EXT_FAKE_DUMP=DIR (absolute) the fake kexec_load also writes
 * each segment's bytes to DIR/NAME.
 */
#include <stdbool.h>
#include <stdint.h>

#include "sysroot.h"

void kx_syscall_init(const struct kx_sysroot *sysroot);
bool kx_syscall_fake(void);
/* The fake's own record and its part of the kernel, for other kernel interfaces the loader
 * writes (fadump's sysfs files): one line in the log; VALUE into PATH under the sysroot. */
void kx_syscall_fake_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kx_syscall_fake_attr(const char *path, const char *value);

/* Entry `index` of a fake result list ("EBUSY,0,5"): -errno, 0 past its end or for "0", and
 * KX_FAKE_LOST for "LOST": the call succeeds but the kernel reports nothing loaded after it
 * (what a load racing the kernel's crash hotplug handler was once seen to do). */
#define KX_FAKE_LOST 4096
/* "HOTPLUG": the call succeeds and 1 GiB of RAM at 4 GiB appears in the sysroot's /proc/iomem
 * meanwhile (a DIMM onlined during the load). */
#define KX_FAKE_HOTPLUG 4097

int kx_fake_result(const char *list, unsigned index);
/* The fake's results not used yet ("" when none): what a kexec this one runs starts with. */
const char *kx_syscall_fake_remaining(void);

/* 0 or -errno.  initrd_fd -1 with KEXEC_FILE_NO_INITRAMFS; cmdline_len counts the NUL. */
int kx_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline,
			   unsigned long cmdline_len, unsigned long flags);

/* kexec_load(entry, n, segments, flags) with the segments' buf, bufsz, mem, memsz. */
struct kx_segments;
int kx_sys_kexec_load(uint64_t entry, const struct kx_segments *segs, unsigned long flags);

/* kexec_load(0, 0, NULL, flags): unload the normal or crash image. */
int kx_sys_kexec_load_unload(unsigned long flags);

/* reboot(LINUX_REBOOT_CMD_KEXEC): returns only on failure (or from the fake). */
int kx_sys_reboot_kexec(void);

/*
 * What -e and -f do before the reboot, unless -y / -x: sync(), and every network interface but
 * lo and aliases taken down (IFF_UP cleared).  The fake logs "sync" and "ifdown" (touching no
 * interface) and uses no entry of the result list.  kx_sys_ifdown
 * returns how many interfaces it took down; each failure is a warning naming it.
 */
void kx_sys_sync(void);
int kx_sys_ifdown(void);

#endif
