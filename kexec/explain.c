// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A failed kexec syscall in one sentence: what the errno means for this call on this machine,
 * and what to do.  The knobs that explain EPERM are read from the sysroot (kexec_load_disabled,
 * the load limits, lockdown); CAP_SYS_BOOT from our own /proc/self/status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kexec.h"
#include "plan.h"
#include "units.h"

#define CAP_SYS_BOOT_BIT 22

const char *kexec_errno_name(int errnum, char *buf, size_t size)
{
	const char *name = strerrorname_np(errnum);

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "errno %d", errnum);
	return buf;
}

/* 1 when our effective capabilities include CAP_SYS_BOOT, 0 when not, -1 unknown. */
static int have_cap_sys_boot(void)
{
	char line[256];
	FILE *fp = fopen("/proc/self/status", "re");
	int ret = -1;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long caps;

		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			ret = (caps >> CAP_SYS_BOOT_BIT) & 1;
			break;
		}
	}
	fclose(fp);
	return ret;
}

static void explain_eperm(bool crash, const struct kexec_ctx *c, char *buf, size_t size)
{
	const struct kx_kexec_sys *k = &c->sys;
	long long limit = crash ? k->load_limit_panic : k->load_limit_reboot;

	if (have_cap_sys_boot() == 0)
		snprintf(buf, size, "permission denied: loading a kernel needs CAP_SYS_BOOT; run "
			 "kexec as root");
	else if (k->kexec_load_disabled == 1)
		snprintf(buf, size, "kexec is disabled until the next boot "
			 "(kernel.kexec_load_disabled = 1); no kernel can be loaded before a reboot");
	else if (limit == 0)
		snprintf(buf, size, "the kernel allows no more %s loads until reboot "
			 "(kernel.kexec_load_limit_%s = 0)", crash ? "crash kernel" : "kexec",
			 crash ? "panic" : "reboot");
	else if (k->lockdown[0] && strcmp(k->lockdown, "none"))
		snprintf(buf, size, "the kernel is locked down (lockdown=%s): it loads only kernels "
			 "signed with a key it trusts; load your distribution's signed kernel",
			 k->lockdown);
	else
		snprintf(buf, size, "the kernel refused permission (EPERM): check "
			 "kernel.kexec_load_disabled, lockdown and security modules (SELinux, IMA "
			 "appraisal); dmesg may say which");
}

static void explain_nospace(const struct kexec_plan *p, char *buf, size_t size)
{
	char need[32], have[32];

	if (p && p->placed)
		snprintf(buf, size, "the crash kernel region is too small for this load: %s of "
			 "segments in %s, or the kernel placed them differently than expected; boot "
			 "with a larger crashkernel= (see --dry-run for the layout)",
			 kx_format_size(p->needed, need, sizeof(need)),
			 kx_format_size(p->region_end - p->region_start + 1, have, sizeof(have)));
	else
		snprintf(buf, size, "the kernel found no room for the segments: boot with a larger "
			 "crashkernel= (see --dry-run for the sizes)");
}

const char *kexec_call_name(enum kexec_call call)
{
	switch (call) {
	case KEXEC_CALL_KEXEC_LOAD:
		return "kexec_load";
	case KEXEC_CALL_REBOOT:
		return "reboot";
	case KEXEC_CALL_FILE_LOAD:
		break;
	}
	return "kexec_file_load";
}

void kexec_explain(int errnum, enum kexec_call call, bool crash, bool unload,
		   const struct kexec_ctx *c, const struct kexec_plan *p, char *buf, size_t size)
{
	const char *kernel = p ? p->kernel.path : "the kernel";
	const char *syscall = kexec_call_name(call);
	char name[32];

	kexec_errno_name(errnum, name, sizeof(name));
	switch (errnum) {
	case EPERM:
		explain_eperm(crash, c, buf, size);
		break;
	case EKEYREJECTED:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case ENOKEY:
		snprintf(buf, size, "the kernel rejected the signature of %s (%s): with lockdown or "
			 "KEXEC_SIG_FORCE it loads only kernels signed by a key in its keyrings; sign "
			 "it (sbsign) or load your distribution's signed kernel", kernel, name);
		break;
	case ENODATA:
	case EBADMSG:
	case ENOPKG:
		snprintf(buf, size, "the kernel could not verify a signature on %s (%s): it is "
			 "unsigned or signed in a way the kernel cannot check, and this kernel "
			 "requires one (lockdown or KEXEC_SIG_FORCE); load a signed kernel", kernel,
			 name);
		break;
	case ENOEXEC:
		snprintf(buf, size, "the running kernel cannot load %s (ENOEXEC) although it looks "
			 "like a %s: the kernel's own probe refused it (5-level paging without "
			 "XLF_5LEVEL, 32-bit EFI); dmesg says which", kernel,
			 p ? p->image.type : "kernel image");
		break;
	case EADDRNOTAVAIL:
		if (crash) {
			explain_nospace(p, buf, size);
			break;
		}
		snprintf(buf, size, "the kernel found no free memory for the segments "
			 "(EADDRNOTAVAIL)");
		break;
	case ENOMEM:
		if (crash)
			explain_nospace(p, buf, size);
		else
			snprintf(buf, size, "the kernel ran out of memory loading %s (ENOMEM)",
				 kernel);
		break;
	case EBUSY:
		snprintf(buf, size, "another kexec load, unload or crash hotplug update holds the "
			 "kernel's kexec lock (EBUSY); retry in a moment");
		break;
	case ENOSYS:
		snprintf(buf, size, "this kernel has no %s (ENOSYS: %s)", syscall,
			 call == KEXEC_CALL_FILE_LOAD ? "CONFIG_KEXEC_FILE is not set"
							     : "CONFIG_KEXEC is not set");
		break;
	case EOPNOTSUPP:
		snprintf(buf, size, "this kernel cannot %s with %s on this architecture "
			 "(EOPNOTSUPP)", unload ? "unload" : "load", syscall);
		break;
	case EINVAL:
		snprintf(buf, size, "the kernel rejected the arguments (EINVAL): the flags %#lx%s "
			 "or the command line (%llu bytes); dmesg may say which",
			 p ? p->flags : 0UL, !p ? "" : (!p->kload && (p->flags & KX_KEXEC_FILE_FORCE_DTB))
			 ? " (KEXEC_FILE_FORCE_DTB is newer than many kernels: without --force-dtb "
			   "the device tree is not handed over)"
			 : (!p->kload && (p->flags & KX_KEXEC_FILE_DEBUG))
			 ? " (KEXEC_FILE_DEBUG needs 6.8)" : "",
			 p ? (unsigned long long)p->cmdline_len : 0ULL);
		break;
	case EFBIG:
		snprintf(buf, size, "%s or the initrd is too large for the kernel to read (EFBIG)",
			 kernel);
		break;
	case ETXTBSY:
		snprintf(buf, size, "%s or the initrd is open for writing by another process "
			 "(ETXTBSY): load it once it is written completely", kernel);
		break;
	case EACCES:
		snprintf(buf, size, "the kernel was denied reading %s or the initrd (EACCES): a "
			 "security module (SELinux, AppArmor, IMA) refused it", kernel);
		break;
	default:
		snprintf(buf, size, "%s failed: %s (%s); dmesg may say why", syscall,
			 strerror(errnum), name);
		break;
	}
}
