/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_FADUMP_H
#define KX_FADUMP_H
/*
 * Firmware-assisted dump (fadump, POWER): the firmware preserves memory on a crash and reboots the
 * same kernel, which saves the dump; nothing is loaded with kexec.  The kernel's interface is
 * /sys/kernel/fadump/ (arch/powerpc/kernel/fadump.c):
 *   enabled          1 when booted with fadump=on on firmware that supports it (read only)
 *   registered       read: 0/1; write 1 registers (kernels since 2018 unregister first when
 *                    registered, older ones answer EEXIST), write 0 unregisters (no-op when not
 *                    registered); EPERM when not enabled or while a dump is held
 *   hotplug_ready    1 (6.10+): the capture kernel builds the elfcorehdr, so memory hotplug needs
 *                    no re-registration; absent on older kernels
 *   mem_reserved     bytes reserved for the dump
 *   bootargs_append  words the capture boot adds to the command line; only where the firmware
 *                    gives a parameter area (pseries); write: EINVAL when not shorter than
 *                    COMMAND_LINE_SIZE, ENOSPC when it and the running command line together are
 *                    not, EPERM as registered
 *   release_mem      present only while a dump from the last crash is held (capture boot)
 * Pure except kx_fadump_read(), which reads through a sysroot and never fails.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sysroot.h"

#define KX_FADUMP_DIR "/sys/kernel/fadump"
#define KX_FADUMP_CMDLINE_SIZE 2048     /* COMMAND_LINE_SIZE, arch/powerpc/include/uapi/asm/setup.h */

struct kx_fadump_state {
	bool present;                   /* /sys/kernel/fadump/enabled exists */
	int enabled, registered, hotplug_ready; /* 0, 1 or KX_TRI_UNKNOWN (absent) */
	bool has_mem_reserved;
	uint64_t mem_reserved;
	bool dump_active;               /* release_mem exists */
	bool has_bootargs_append;
	char bootargs_append[KX_FADUMP_CMDLINE_SIZE];   /* without the trailing newline */
};

void kx_fadump_read(const struct kx_sysroot *s, struct kx_fadump_state *ret);

/*
 * Whether a registration can be tried at all, and with this --append (NULL: bootargs_append left
 * as it is).  running_cmdline_len: strlen of the running kernel's command line (/proc/cmdline
 * without its newline), 0 when unknown.  -ENODEV (no fadump), -EPERM (not enabled, or a dump is
 * held), -ENOTSUP (--append without bootargs_append), -E2BIG / -ENOSPC (too long); err names the
 * cause and the fix.
 */
int kx_fadump_check_register(const struct kx_fadump_state *st, const char *append,
			     size_t running_cmdline_len, struct kx_err *err);

/* The same for unregistering: -ENODEV, -EPERM. */
int kx_fadump_check_unregister(const struct kx_fadump_state *st, struct kx_err *err);

/* After writing 1 to registered failed with errnum: is this a kernel that does not re-register in
 * one write (EEXIST; EINVAL from the oldest ones) while registered, so that 0 then 1 is the way? */
bool kx_fadump_needs_unregister_first(int errnum, const struct kx_fadump_state *before);

/* A sentence for a failed write of value to /sys/kernel/fadump/<file>: the cause and the fix. */
void kx_fadump_explain(const char *file, const char *value, int errnum, char *buf, size_t size);

/* One write of VALUE (a newline added) to KX_FADUMP_DIR/FILE: 0 or -errno. */
typedef int (*kx_fadump_write_fn)(void *ctx, const char *file, const char *value);
/* The write itself, through the sysroot (ctx: const struct kx_sysroot *). */
int kx_fadump_write_sysfs(void *ctx, const char *file, const char *value);

/*
 * The one registrar, for kexec -p --fadump and kexec-hotplug's re-registration: bootargs_append
 * first when `append` is given, then 1 to registered; a kernel that refuses to register a dump
 * that is registered already (kx_fadump_needs_unregister_first) gets 0 and then 1.  Each write
 * goes through `write` (kexec: its syscall seam).  0, or -errno with msg saying which write
 * failed and what to do (kx_fadump_explain).
 */
int kx_fadump_register(const struct kx_fadump_state *before, const char *append,
		       kx_fadump_write_fn write, void *ctx, char *msg, size_t size);

#endif
