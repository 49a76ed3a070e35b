/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_KEXEC_H
#define KX_KEXEC_H
/*
 * kexec: the loader.  main.c parses the command line into struct kexec_opts; plan.c turns a
 * load into a plan (files, image, command line, crash memory, segments, checks); load.c runs it
 * through the syscall seam (syscall.c), records it in the state dir and restores the previous
 * crash load when the kernel rejects one; status.c answers -S and --print-ckr-size.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arch.h"
#include "cli.h"
#include "err.h"
#include "kexecsys.h"
#include "sysroot.h"

#define PROG "kexec"

enum kexec_action { ACT_LOAD, ACT_UNLOAD, ACT_EXEC, ACT_STATUS, ACT_PRINT_CKR, ACT_ESTIMATE };

/* -s, -c, -a */
enum kexec_sysmode { SYSMODE_AUTO, SYSMODE_FILE, SYSMODE_KEXEC_LOAD };

#define KEXEC_MAX_APPENDS 64

struct kexec_opts {
	enum kexec_action action;
	bool crash;                     /* -p: the crash (panic) image, else the normal one */
	enum kexec_sysmode sysmode;
	const char *kernel;
	const char *initrd;
	const char *appends[KEXEC_MAX_APPENDS];
	unsigned nappends;
	bool reuse_cmdline;
	const char *type;               /* -t */
	bool no_checks;                 /* -i */
	bool debug;                     /* -d */
	bool dry_run;
	bool json;
	bool load_anyway;               /* --load-anyway: past a failed check */
	bool exec_now;                  /* -f: load (-l), then execute at once */
	bool no_sync, no_ifdown;        /* -y, -x: before -e / -f executes */
	bool mem_min_set, mem_max_set;  /* --mem-min, --mem-max: -c placement bounds */
	uint64_t mem_min, mem_max;
	bool no_cma;                    /* --no-cma: KEXEC_FILE_NO_CMA */
	bool force_dtb;                 /* --force-dtb: KEXEC_FILE_FORCE_DTB */
	bool memmap_cmdline;            /* --pass-memmap-cmdline: -p -c on x86_64 */
	const char *serial;             /* --serial: purgatory's port (x86_64 ttySN or 0xPORT) */
	unsigned serial_baud;           /* --serial-baud: 0 keeps the UART as it is */
	bool dt_no_old_root;            /* --dt-no-old-root (ppc64 -c) */
	int hotplug;                    /* --hotplug 1, --no-hotplug 0, default -1 */
	const char *elfcorehdr_out;
	const char *dtb;                /* -c: the device tree to edit (arm64) */
	const char *dtb_out;            /* -c: write the edited device tree */
	const char *sysroot;
	const char *dd_spec;            /* --device-dump-budget */
	const char *dd_conf;            /* --device-dump-conf */
	bool fadump;                    /* --fadump: firmware-assisted dump (POWER) */
	int argc;                       /* the whole command line, for the state record */
	char **argv;
};

/* What every action works with. */
struct kexec_ctx {
	const struct kexec_opts *o;
	struct kx_sysroot sysroot;
	struct kx_kexec_sys sys;
	const struct kx_arch_ops *arch; /* NULL when the running arch is not supported */
	const char *state_dir;
};

/* kexec_file_load flags (include/uapi/linux/kexec.h) */
#define KX_KEXEC_FILE_UNLOAD       0x1u
#define KX_KEXEC_FILE_ON_CRASH     0x2u
#define KX_KEXEC_FILE_NO_INITRAMFS 0x4u
#define KX_KEXEC_FILE_DEBUG        0x8u     /* 6.8+ */
#define KX_KEXEC_FILE_NO_CMA       0x10u    /* not in 6.1/6.12: EINVAL there */
#define KX_KEXEC_FILE_FORCE_DTB    0x20u
/* kexec_load flags */
#define KX_KEXEC_ON_CRASH          0x1u
#define KX_KEXEC_UPDATE_ELFCOREHDR 0x4u     /* 6.6+ */
#define KX_KEXEC_CRASH_HOTPLUG     0x8u     /* 6.10+ (x86: 6.5-6.9 reject it) */
#define KX_KEXEC_DEBUG             0x10u    /* newer than 6.12: EINVAL there */

/*
 * The actions.  Each returns its exit status when it succeeds (0; -S's 1 for "loaded") and
 * -errno when it fails; err then says what failed and main prints it once, as "kexec: MESSAGE",
 * and exits 1.  An action whose failure is a sequence whose order matters (a failed crash load
 * followed by what became of the crash kernel loaded before; a failed fadump registration and
 * the one it dropped) prints that sequence itself and leaves err clear.  --json output is the
 * action's own, on stdout.
 */
struct kx_err;

/* load.c: -l/-p, -u, -e. */
int kexec_do_load(struct kexec_ctx *c, struct kx_err *err);
int kexec_do_unload(struct kexec_ctx *c, struct kx_err *err);
int kexec_do_exec(struct kexec_ctx *c, struct kx_err *err);

/* estimate.c: --estimate. */
int kexec_do_estimate(struct kexec_ctx *c, struct kx_err *err);

/* status.c: -S and --print-ckr-size. */
int kexec_do_status(struct kexec_ctx *c, struct kx_err *err);
int kexec_do_print_ckr(struct kexec_ctx *c, struct kx_err *err);

/*
 * fadump.c: -p --fadump, -u -p --fadump, -S --fadump: firmware-assisted dump on POWER, registered
 * through /sys/kernel/fadump/ (lib/fadump.h) instead of a kexec syscall.  A registration is
 * recorded in the state dir like a load (syscall "fadump") so that kexec-hotplug can register
 * again.  Every write to /sys/kernel/fadump/ goes through one seam.  Test fake: with
 * KEXEC_EXT_FAKE_SYSCALL=LOGFILE (syscall.h) each write appends "write FILE VALUE" to LOGFILE
 * instead, returns the next result of KEXEC_EXT_FAKE_SYSFS_ERRNO (a comma list of errno names or
 * numbers, 0 for success; past its end, success), and stores in the sysroot's file what the
 * kernel would show afterwards: the value on success, 0 in registered when a registration fails
 * after the kernel dropped the old one.  -S --fadump exits 1 when registered, 0 when not.
 */
struct kx_json;
struct kx_fadump_state;
int kexec_fadump_register(struct kexec_ctx *c, struct kx_err *err);
int kexec_fadump_unregister(struct kexec_ctx *c, struct kx_err *err);
int kexec_fadump_status(struct kexec_ctx *c, struct kx_err *err);
/* The "fadump" member of -S --json: null when the kernel has no fadump. */
void kexec_fadump_json(struct kx_json *j, const struct kx_fadump_state *st);

/* explain.c: a sentence naming the cause of a failed syscall and the fix. */
struct kexec_plan;
enum kexec_call { KEXEC_CALL_FILE_LOAD, KEXEC_CALL_KEXEC_LOAD, KEXEC_CALL_REBOOT };
const char *kexec_call_name(enum kexec_call call);      /* "kexec_file_load" */
void kexec_explain(int errnum, enum kexec_call call, bool crash, bool unload,
		   const struct kexec_ctx *c, const struct kexec_plan *p, char *buf, size_t size);
/* "EADDRNOTAVAIL" for 99, "errno 512" when unnamed. */
const char *kexec_errno_name(int errnum, char *buf, size_t size);

#endif
