/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_STATE_H
#define KX_STATE_H
/*
 * The saved crash load: after every successful `kexec -p` the loader records how the crash kernel
 * in place was loaded, so that kexec-hotplug can re-register exactly that load and kexec itself
 * can restore it when the kernel rejects a later load (a crash load is not atomic: the kernel
 * drops the old image before it builds the new one).
 *
 * The state directory is $KEXEC_STATE_DIR, else /run/kexec.  It holds `crash-load` (the record,
 * written atomically) and `lock` (flock'ed by whoever loads, unloads or re-registers).
 *
 * Record format, one "key value" per line, values escaped as kx_escape() does (printable ASCII
 * as is, "\\" and "\xNN" for the rest), unknown keys ignored:
 *   version 1
 *   time 1732147200                 seconds since the epoch
 *   syscall kexec_file_load         or kexec_load
 *   flags 0x2                       the flags the syscall was given
 *   kernel /boot/vmlinuz-6.12...    absolute paths
 *   initrd /boot/initrd.img-...     (absent: no initrd)
 *   cmdline root=... irqpoll ...    the command line passed to the kernel
 *   cwd /root                       the working directory argv's relative paths refer to
 *   hotplug kernel                  kernel: the kernel keeps the elfcorehdr right across
 *                                   memory/CPU hotplug; fallback: the kernel refused the update
 *                                   flag and kexec-hotplug reloads; none: no support or
 *                                   --no-hotplug (kexec-hotplug reloads).  Absent in records of
 *                                   older loaders: "unknown".
 *   ram 0x100000 0x3ffdffff         the System RAM online at load time, one line per range
 *                                   (inclusive; absent in records of older loaders): what the
 *                                   dump of this load covers, for the freshness check
 *   arg kexec                       argv, one line per argument, in order
 *   arg -p
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ranges.h"

#define KX_STATE_DIR_DEFAULT "/run/kexec"
#define KX_STATE_RECORD "crash-load"
#define KX_STATE_MAX_ARGS 4096

/* Who keeps the loaded elfcorehdr right across hotplug (the record's `hotplug` line). */
enum kx_hotplug_mode {
	KX_HOTPLUG_UNKNOWN = 0,         /* no `hotplug` line: a record of an older loader */
	KX_HOTPLUG_KERNEL,
	KX_HOTPLUG_FALLBACK,
	KX_HOTPLUG_NONE,
};

/* "unknown", "kernel", "fallback", "none"; and back (-EINVAL for anything else, "unknown"
 * included: a record never says it). */
const char *kx_hotplug_mode_name(enum kx_hotplug_mode m);
int kx_hotplug_mode_parse(const char *s, size_t len, enum kx_hotplug_mode *ret);

struct kx_crash_record {
	long long time;
	char syscall[32];
	uint64_t flags;
	char *kernel;
	char *initrd;                   /* NULL: none */
	char *cmdline;
	char *cwd;
	char **argv;
	size_t argc;
	enum kx_hotplug_mode hotplug;   /* KX_HOTPLUG_UNKNOWN: no line written */
	struct kx_ranges ram;           /* System RAM at load time; n 0: not recorded */
};

/* Undo kx_escape() into a new string (free()); NULL on a bad escape (or a \x00, which no C
 * string holds) or without memory.  For the state dir's text files. */
char *kx_state_unescape(const char *s, size_t n);

/* $KEXEC_STATE_DIR or the default. */
const char *kx_state_dir(void);

/* Pure: the record as text (new string), and back.  Parse: -EBADMSG naming the line. */
int kx_crash_record_format(const struct kx_crash_record *rec, char **ret, struct kx_err *err);
int kx_crash_record_parse(const char *text, size_t len, struct kx_crash_record *ret,
			  struct kx_err *err);
void kx_crash_record_free(struct kx_crash_record *rec);

/* Create the directory (0755, parents must exist) if needed and take the lock; *ret_fd keeps
 * it until closed. */
int kx_state_lock(const char *dir, int *ret_fd, struct kx_err *err);

/* Write atomically (temporary file + rename, synced); read (-ENOENT: no record); remove. */
int kx_state_write(const char *dir, const struct kx_crash_record *rec, struct kx_err *err);
int kx_state_read(const char *dir, struct kx_crash_record *ret, struct kx_err *err);
int kx_state_remove(const char *dir, struct kx_err *err);

/*
 * The crash load in progress: `load-in-progress` holds "pid N time T by WHO", written (under the
 * state lock) before a crash load syscall, which drops the loaded image first, and removed once
 * the new image is verified or the old one restored.  Left behind, it says a load was cut short
 * (a kexec killed, a load the kernel lost): the one case kexec-hotplug repairs.  A record without
 * it and no crash kernel loaded was unloaded by someone else, on purpose.
 * marked: 1 marked, 0 not, -EPERM for a file another user could have written (not trusted).
 */
#define KX_STATE_MARKER "load-in-progress"
int kx_state_mark(const char *dir, const char *who, struct kx_err *err);
void kx_state_unmark(const char *dir);
int kx_state_marked(const char *dir, char *info, size_t size);

/* Is the record's argv a crash load that may be replayed as root: -p / --load-panic, and none
 * of -l, -e, -u, -f, -S, --dry-run (…) that would do something else.  why gets the reason. */
bool kx_crash_record_replayable(const struct kx_crash_record *rec, char *why, size_t size);

#endif
