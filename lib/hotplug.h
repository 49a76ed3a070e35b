/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_HOTPLUG_H
#define KX_HOTPLUG_H
/*
 * Keeping the crash dump armed across memory and CPU hotplug: what one udev event asks for.
 *
 * Pure core: an event is classified into one of eight kinds (memory or cpu × add, remove, online,
 * offline); kx_hp_decide() turns a kind, the dump mechanism's state and the saved load into a
 * verdict (ignore, reload the saved load, re-register fadump, or stale without a way to fix it)
 * with a sentence saying why.  kx_hp_sys_read() (lib/kexecsys.h, beside the other kernel
 * facts) reads that state through a sysroot:
 *   /sys/kernel/kexec/crash_loaded (before 6.19: /sys/kernel/kexec_crash_loaded)  1: loaded
 *   /sys/kernel/fadump/{enabled,registered,hotplug_ready} ppc64 firmware-assisted dump
 *   /sys/firmware/dump/dump_type                         s390 stand-alone dump ("none" or a device)
 *   /proc/sys/kernel/arch                                s390x builds the header in the capture kernel
 *   /sys/devices/system/{memory,cpu}/crash_hotplug       1: the kernel updates the elfcorehdr
 * The kernel answers 0 from crash_hotplug while its kexec lock is busy (another load, or its own
 * header update), so a 0 where the saved load says "kernel" is read again before it counts.
 *
 * Configuration (/etc/kexec/hotplug.conf, "key = value", '#' comments):
 *   quiet_ms = 500        settle until no event came for this long
 *   max_settle_ms = 5000  but never longer than this after the first event of a burst
 *   spawn = auto          auto (systemd-run when systemd runs, else a detached child), systemd, fork
 *   systemd_run = /usr/bin/systemd-run   the systemd-run to start the worker with (absolute:
 *                         udev's PATH may not have it); if it fails, a detached child instead
 *   rereads = 5           extra reads of a crash_hotplug 0 …
 *   reread_ms = 20        … this far apart
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "state.h"
#include "sysroot.h"

enum kx_hp_subsystem { KX_HP_MEMORY, KX_HP_CPU, KX_HP_SUBSYSTEMS };
enum kx_hp_action { KX_HP_ADD, KX_HP_REMOVE, KX_HP_ONLINE, KX_HP_OFFLINE, KX_HP_ACTIONS };
#define KX_HP_KINDS (KX_HP_SUBSYSTEMS * KX_HP_ACTIONS)

static inline enum kx_hp_subsystem kx_hp_kind_subsystem(unsigned kind)
{
	return (enum kx_hp_subsystem)(kind / KX_HP_ACTIONS);
}

static inline enum kx_hp_action kx_hp_kind_action(unsigned kind)
{
	return (enum kx_hp_action)(kind % KX_HP_ACTIONS);
}

/*
 * The kind of an event from udev's ACTION, SUBSYSTEM and SYNTH_UUID (NULL when unset), or -1 when
 * the event is none of ours; then *ret_why says why it is ignored (a synthetic event written to a
 * uevent file — boot coldplug, `udevadm trigger` — or another subsystem or action).
 */
int kx_hp_event_kind(const char *action, const char *subsystem, const char *synth_uuid,
		     const char **ret_why);
/* "memory-online", "cpu-add", …; and back (-EINVAL). */
const char *kx_hp_kind_name(unsigned kind);
int kx_hp_kind_parse(const char *s, size_t len, unsigned *ret);

struct kx_hp_sys {
	int crash_loaded;               /* 0, 1 or KX_TRI_UNKNOWN */
	int fadump_enabled, fadump_registered, fadump_hotplug_ready;
	bool standalone_dump;           /* s390: /sys/firmware/dump/dump_type is not "none" */
	bool s390;
	int crash_hotplug[KX_HP_SUBSYSTEMS];
	unsigned rereads[KX_HP_SUBSYSTEMS];     /* how many re-reads a 0 took (0: none needed) */
};

/* What the decision needs from the saved load (kx_hp_saved_from() fills it from a record). */
struct kx_hp_saved {
	bool present;
	bool file_load;                 /* recorded with kexec_file_load */
	uint64_t flags;
	enum kx_hotplug_mode mode;
	bool cut_short;                 /* the load-in-progress marker is there (state.h) */
};

/* From the record; cut_short stays false (the caller reads the marker: kx_state_marked). */
void kx_hp_saved_from(const struct kx_crash_record *rec, struct kx_hp_saved *ret);

/* Whether the saved load says the kernel maintains its header (the record's mode, or for a record
 * without one: kexec_file_load, or kexec_load with an update flag). */
bool kx_hp_saved_kernel_mode(const struct kx_hp_saved *saved);

/*
 * Does the loaded crash kernel's header cover the memory online now?
 *   KERNEL   the kernel keeps it (hotplug mode kernel and memory crash_hotplug 1);
 *   SAME     the System RAM recorded at load time is the System RAM now;
 *   STALE    it differs: line says what was added (not in the dump) or removed (still in it);
 *   UNKNOWN  no record, a record without its memory map (an older kexec), or RAM unknown now.
 * ram_now: System RAM now, normalized (NULL: unknown).  Pure.
 */
enum kx_freshness { KX_FRESH_UNKNOWN, KX_FRESH_KERNEL, KX_FRESH_SAME, KX_FRESH_STALE };
enum kx_freshness kx_hp_freshness(const struct kx_crash_record *rec, const struct kx_hp_sys *sys,
				  const struct kx_ranges *ram_now, char *line, size_t size);
const char *kx_freshness_name(enum kx_freshness f);   /* "kernel", "same", "stale", "unknown" */

/* The mechanism that would write the dump, as `kexec-hotplug status` names it. */
enum kx_hp_mechanism {
	KX_HP_MECH_NOTHING,             /* nothing loaded or registered */
	KX_HP_MECH_REPAIR,              /* a record, nothing loaded, the marker: a load was cut
					   short */
	KX_HP_MECH_FADUMP_KERNEL,       /* fadump, capture kernel builds the header */
	KX_HP_MECH_FADUMP_REGISTER,     /* fadump, re-registered on hotplug */
	KX_HP_MECH_STANDALONE,          /* s390 stand-alone dump or s390 kdump */
	KX_HP_MECH_KERNEL,              /* kdump, the kernel maintains the header */
	KX_HP_MECH_UDEV,                /* kdump, reloaded by kexec-hotplug */
	KX_HP_MECH_UNRECORDED,          /* kdump loaded without a record: nothing to reload */
	KX_HP_MECH_UNLOADED,            /* a record, nothing loaded, no load cut short: unloaded
					   on purpose by another tool */
};
const char *kx_hp_mechanism_name(enum kx_hp_mechanism m);
enum kx_hp_mechanism kx_hp_mechanism(const struct kx_hp_sys *sys, const struct kx_hp_saved *saved);

enum kx_hp_verdict { KX_HP_IGNORE, KX_HP_RELOAD, KX_HP_REREGISTER, KX_HP_STALE };
const char *kx_hp_verdict_name(enum kx_hp_verdict v);

struct kx_hp_decision {
	enum kx_hp_verdict verdict;
	enum kx_hp_mechanism mechanism;
	char reason[256];
};

/* Pure: what an event of this kind asks for. */
void kx_hp_decide(unsigned kind, const struct kx_hp_sys *sys, const struct kx_hp_saved *saved,
		  struct kx_hp_decision *ret);

enum kx_hp_spawn { KX_HP_SPAWN_AUTO, KX_HP_SPAWN_SYSTEMD, KX_HP_SPAWN_FORK };

struct kx_hp_config {
	unsigned quiet_ms;
	unsigned max_settle_ms;
	enum kx_hp_spawn spawn;
	char systemd_run[256];
	unsigned rereads;
	unsigned reread_ms;
};

#define KX_HP_QUIET_MS_DEFAULT 500
#define KX_HP_MAX_SETTLE_MS_DEFAULT 5000
#define KX_HP_MS_MAX 600000u    /* ten minutes: a larger setting is a mistake */

void kx_hp_config_defaults(struct kx_hp_config *ret);
/* Pure: apply "key = value" lines to *cfg.  -EBADMSG naming the line and the key on anything
 * else (unknown key, bad number, out of range); *cfg is then unchanged. */
int kx_hp_config_parse(const char *text, size_t len, struct kx_hp_config *cfg, struct kx_err *err);
/* One setting from the environment (KEXEC_HOTPLUG_QUIET_MS=…): same checks, err names it. */
int kx_hp_config_set(struct kx_hp_config *cfg, const char *key, const char *value,
		     struct kx_err *err);

#endif
