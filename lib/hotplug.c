// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotplug.h"
#include "units.h"

/* kexec_load flags a header update needs (KEXEC_UPDATE_ELFCOREHDR, KEXEC_CRASH_HOTPLUG_SUPPORT) */
#define UPDATE_FLAGS 0xcull

static const char *const subsystem_names[KX_HP_SUBSYSTEMS] = { "memory", "cpu" };
static const char *const action_names[KX_HP_ACTIONS] = { "add", "remove", "online", "offline" };

static int name_index(const char *const *names, unsigned n, const char *s, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return (int)i;
	return -1;
}

int kx_hp_event_kind(const char *action, const char *subsystem, const char *synth_uuid,
		     const char **ret_why)
{
	int sub, act;

	if (synth_uuid) {
		*ret_why = "synthetic event (SYNTH_UUID: boot coldplug or udevadm trigger)";
		return -1;
	}
	sub = subsystem ? name_index(subsystem_names, KX_HP_SUBSYSTEMS, subsystem,
				     strlen(subsystem)) : -1;
	act = action ? name_index(action_names, KX_HP_ACTIONS, action, strlen(action)) : -1;
	if (sub < 0 || act < 0) {
		*ret_why = "not a memory or cpu add, remove, online or offline event";
		return -1;
	}
	/* a memory block's "add" precedes its "online": the online event is the one that counts */
	if (sub == KX_HP_MEMORY && act == KX_HP_ADD) {
		*ret_why = "memory add (the online event that follows is the one that counts)";
		return -1;
	}
	return sub * KX_HP_ACTIONS + act;
}

const char *kx_hp_kind_name(unsigned kind)
{
	static const char *const names[KX_HP_KINDS] = {
		"memory-add", "memory-remove", "memory-online", "memory-offline",
		"cpu-add", "cpu-remove", "cpu-online", "cpu-offline",
	};

	return kind < KX_HP_KINDS ? names[kind] : "?";
}

int kx_hp_kind_parse(const char *s, size_t len, unsigned *ret)
{
	for (unsigned k = 0; k < KX_HP_KINDS; k++) {
		const char *n = kx_hp_kind_name(k);

		if (strlen(n) == len && !memcmp(n, s, len)) {
			*ret = k;
			return 0;
		}
	}
	return -EINVAL;
}

void kx_hp_saved_from(const struct kx_crash_record *rec, struct kx_hp_saved *ret)
{
	*ret = (struct kx_hp_saved){
		.present = true,
		.file_load = !strcmp(rec->syscall, "kexec_file_load"),
		.flags = rec->flags,
		.mode = rec->hotplug,
	};
}

bool kx_hp_saved_kernel_mode(const struct kx_hp_saved *saved)
{
	if (!saved->present)
		return false;
	if (saved->mode != KX_HOTPLUG_UNKNOWN)
		return saved->mode == KX_HOTPLUG_KERNEL;
	return saved->file_load || (saved->flags & UPDATE_FLAGS);
}

const char *kx_hp_mechanism_name(enum kx_hp_mechanism m)
{
	static const char *const names[] = {
		[KX_HP_MECH_NOTHING] = "nothing loaded",
		[KX_HP_MECH_REPAIR] = "recorded load missing (repair)",
		[KX_HP_MECH_FADUMP_KERNEL] = "fadump (capture kernel builds the header)",
		[KX_HP_MECH_FADUMP_REGISTER] = "fadump (re-registered on hotplug)",
		[KX_HP_MECH_STANDALONE] = "stand-alone dump (header built at dump time)",
		[KX_HP_MECH_KERNEL] = "kernel-maintained",
		[KX_HP_MECH_UDEV] = "udev reload",
		[KX_HP_MECH_UNRECORDED] = "loaded without a record",
		[KX_HP_MECH_UNLOADED] = "recorded load unloaded outside kexec-ext",
	};

	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

const char *kx_hp_verdict_name(enum kx_hp_verdict v)
{
	static const char *const names[] = {
		[KX_HP_IGNORE] = "ignore", [KX_HP_RELOAD] = "reload",
		[KX_HP_REREGISTER] = "re-register", [KX_HP_STALE] = "stale",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

enum kx_hp_mechanism kx_hp_mechanism(const struct kx_hp_sys *sys, const struct kx_hp_saved *saved)
{
	if (sys->fadump_registered == 1)
		return sys->fadump_hotplug_ready == 1 ? KX_HP_MECH_FADUMP_KERNEL :
			KX_HP_MECH_FADUMP_REGISTER;
	if (sys->standalone_dump || (sys->s390 && sys->crash_loaded == 1))
		return KX_HP_MECH_STANDALONE;
	if (sys->crash_loaded != 1)
		return !saved->present ? KX_HP_MECH_NOTHING : saved->cut_short ? KX_HP_MECH_REPAIR
									      : KX_HP_MECH_UNLOADED;
	if (!saved->present)
		return KX_HP_MECH_UNRECORDED;
	return kx_hp_saved_kernel_mode(saved) ? KX_HP_MECH_KERNEL : KX_HP_MECH_UDEV;
}

#define SAY(...) snprintf(ret->reason, sizeof(ret->reason), __VA_ARGS__)

void kx_hp_decide(unsigned kind, const struct kx_hp_sys *sys, const struct kx_hp_saved *saved,
		  struct kx_hp_decision *ret)
{
	enum kx_hp_subsystem sub = kx_hp_kind_subsystem(kind);
	enum kx_hp_action act = kx_hp_kind_action(kind);
	const char *sub_name = subsystem_names[sub];
	bool removal = sub == KX_HP_MEMORY && (act == KX_HP_REMOVE || act == KX_HP_OFFLINE);

	ret->mechanism = kx_hp_mechanism(sys, saved);
	ret->verdict = KX_HP_IGNORE;
	switch (ret->mechanism) {
	case KX_HP_MECH_NOTHING:
		SAY("nothing is loaded or registered");
		return;
	case KX_HP_MECH_REPAIR:
		ret->verdict = KX_HP_RELOAD;
		SAY("a load is recorded but no crash kernel is loaded (a reload was cut short): "
		    "reloading it");
		return;
	case KX_HP_MECH_UNLOADED:
		SAY("a load is recorded but no crash kernel is loaded, and no load was cut short: "
		    "it was unloaded on purpose (kexec-tools -p -u, a distribution's script); "
		    "nothing is reloaded");
		return;
	case KX_HP_MECH_FADUMP_KERNEL:
		SAY("fadump: the capture kernel builds the elfcorehdr (hotplug_ready 1)");
		return;
	case KX_HP_MECH_FADUMP_REGISTER:
		ret->verdict = KX_HP_REREGISTER;
		SAY("fadump without hotplug_ready: re-registering");
		return;
	case KX_HP_MECH_STANDALONE:
		SAY("%s", sys->standalone_dump ? "s390 stand-alone dump: the header is built at "
		    "dump time" : "s390: the capture kernel builds the elfcorehdr");
		return;
	case KX_HP_MECH_UNRECORDED:
		if (sys->crash_hotplug[sub] == 1) {
			SAY("%s crash_hotplug 1: the kernel updates the header", sub_name);
			return;
		}
		ret->verdict = KX_HP_STALE;
		SAY("the crash kernel was loaded without a kexec-ext record: its elfcorehdr is stale "
		    "and cannot be reloaded; load it with kexec -p");
		return;
	case KX_HP_MECH_UDEV:
		ret->verdict = KX_HP_RELOAD;
		SAY("saved load in %s mode: reloading", saved->mode == KX_HOTPLUG_UNKNOWN ?
		    "kexec_load" : kx_hotplug_mode_name(saved->mode));
		return;
	case KX_HP_MECH_KERNEL:
		break;
	}
	if (sys->crash_hotplug[sub] != 1) {
		ret->verdict = KX_HP_RELOAD;
		if (sys->crash_hotplug[sub] == 0)
			SAY("%s crash_hotplug reads 0 (after %u re-reads): the kernel does not update "
			    "this image's header; reloading", sub_name, sys->rereads[sub]);
		else
			SAY("no %s crash_hotplug: the kernel does not update the header; reloading",
			    sub_name);
		return;
	}
	if (removal) {
		/* x86 rebuilds at MEM_OFFLINE while the range is still System RAM, and never after
		 * remove_memory() releases it */
		ret->verdict = KX_HP_RELOAD;
		SAY("memory %s: the kernel's header still lists the range after removal; reloading",
		    action_names[act]);
		return;
	}
	SAY("%s crash_hotplug 1: the kernel updates the header", sub_name);
}

#undef SAY

void kx_hp_config_defaults(struct kx_hp_config *ret)
{
	*ret = (struct kx_hp_config){
		.quiet_ms = KX_HP_QUIET_MS_DEFAULT, .max_settle_ms = KX_HP_MAX_SETTLE_MS_DEFAULT,
		.spawn = KX_HP_SPAWN_AUTO, .systemd_run = "/usr/bin/systemd-run", .rereads = 5,
		.reread_ms = 20,
	};
}

static int parse_ms(const char *v, unsigned max, unsigned *ret)
{
	unsigned long n;
	char *end;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n > max)
		return -EINVAL;
	*ret = (unsigned)n;
	return 0;
}

int kx_hp_config_set(struct kx_hp_config *cfg, const char *key, const char *value,
		     struct kx_err *err)
{
	struct kx_hp_config c = *cfg;
	int r = -EINVAL;

	if (!strcmp(key, "quiet_ms")) {
		r = parse_ms(value, KX_HP_MS_MAX, &c.quiet_ms);
	} else if (!strcmp(key, "max_settle_ms")) {
		r = parse_ms(value, KX_HP_MS_MAX, &c.max_settle_ms);
	} else if (!strcmp(key, "rereads")) {
		r = parse_ms(value, 100, &c.rereads);
	} else if (!strcmp(key, "reread_ms")) {
		r = parse_ms(value, 1000, &c.reread_ms);
	} else if (!strcmp(key, "spawn")) {
		static const char *const names[] = { "auto", "systemd", "fork" };
		int i = name_index(names, 3, value, strlen(value));

		if (i >= 0) {
			c.spawn = (enum kx_hp_spawn)i;
			r = 0;
		}
		if (r < 0)
			return kx_err_set(err, -EBADMSG, "spawn = %.64s: expected auto, systemd or fork",
					  value);
	} else if (!strcmp(key, "systemd_run")) {
		if (value[0] != '/' || strlen(value) >= sizeof(c.systemd_run))
			return kx_err_set(err, -EBADMSG, "systemd_run = %.64s: expected an absolute "
					  "path of at most %zu bytes", value,
					  sizeof(c.systemd_run) - 1);
		snprintf(c.systemd_run, sizeof(c.systemd_run), "%s", value);
		r = 0;
	} else {
		return kx_err_set(err, -EBADMSG, "unknown setting \"%.64s\" (known: quiet_ms, "
				  "max_settle_ms, spawn, systemd_run, rereads, reread_ms)", key);
	}
	if (r < 0)
		return kx_err_set(err, -EBADMSG, "%s = %.64s: expected a whole number no larger "
				  "than %u", key, value, !strcmp(key, "rereads") ? 100 :
				  !strcmp(key, "reread_ms") ? 1000 : KX_HP_MS_MAX);
	*cfg = c;
	return 0;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

int kx_hp_config_parse(const char *text, size_t len, struct kx_hp_config *cfg, struct kx_err *err)
{
	struct kx_hp_config c = *cfg;
	size_t pos = 0;
	unsigned lineno = 0;

	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		const char *end = nl ? nl : text + len, *ks = line, *ke, *vs, *ve = end, *eq;
		char key[32], value[64];
		struct kx_err e;

		pos = (size_t)(end - text) + 1;
		lineno++;
		trim(&ks, &ve);
		if (ks == ve || *ks == '#')
			continue;
		eq = memchr(ks, '=', (size_t)(ve - ks));
		if (!eq || memchr(ks, '\0', (size_t)(ve - ks)))
			return kx_err_set(err, -EBADMSG, "line %u: expected \"key = value\"", lineno);
		ke = eq;
		vs = eq + 1;
		trim(&ks, &ke);
		trim(&vs, &ve);
		if ((size_t)(ke - ks) >= sizeof(key) || (size_t)(ve - vs) >= sizeof(value) || ks == ke)
			return kx_err_set(err, -EBADMSG, "line %u: key or value too long or empty",
					  lineno);
		memcpy(key, ks, (size_t)(ke - ks));
		key[ke - ks] = '\0';
		memcpy(value, vs, (size_t)(ve - vs));
		value[ve - vs] = '\0';
		kx_err_clear(&e);
		if (kx_hp_config_set(&c, key, value, &e) < 0)
			return kx_err_set(err, -EBADMSG, "line %u: %s", lineno, e.msg);
	}
	*cfg = c;
	return 0;
}

const char *kx_freshness_name(enum kx_freshness f)
{
	static const char *const names[] = {
		[KX_FRESH_UNKNOWN] = "unknown", [KX_FRESH_KERNEL] = "kernel",
		[KX_FRESH_SAME] = "same", [KX_FRESH_STALE] = "stale",
	};

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "unknown";
}

/* a minus b, both normalized: into ret (normalized) */
static int ranges_minus(const struct kx_ranges *a, const struct kx_ranges *b, struct kx_ranges *ret)
{
	int r = kx_ranges_copy(ret, a);

	for (size_t i = 0; r == 0 && i < b->n; i++)
		r = kx_ranges_subtract(ret, b->r[i].start, b->r[i].end);
	return r;
}

/* "1 GiB at 0x100000000, 512 MiB at 0x180000000 and 3 more" */
static size_t describe_ranges(const struct kx_ranges *l, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n && i < 3 && o < size; i++) {
		char sz[32];

		o += (size_t)snprintf(buf + o, size - o, "%s%s at %#llx", i ? ", " : "",
				      kx_format_size(kx_range_size(&l->r[i]), sz, sizeof(sz)),
				      (unsigned long long)l->r[i].start);
	}
	if (l->n > 3 && o < size)
		o += (size_t)snprintf(buf + o, size - o, " and %zu more", l->n - 3);
	return o;
}

enum kx_freshness kx_hp_freshness(const struct kx_crash_record *rec, const struct kx_hp_sys *sys,
				  const struct kx_ranges *ram_now, char *line, size_t size)
{
	struct kx_ranges then = { 0 }, added = { 0 }, removed = { 0 };
	enum kx_freshness f;
	char a[256], d[256];

	if (!rec) {
		snprintf(line, size, "unknown: no load is recorded");
		return KX_FRESH_UNKNOWN;
	}
	if (rec->hotplug == KX_HOTPLUG_KERNEL && sys->crash_hotplug[KX_HP_MEMORY] == 1) {
		snprintf(line, size, "kernel-maintained: the kernel updates the header on memory "
			 "and CPU hotplug");
		return KX_FRESH_KERNEL;
	}
	if (!rec->ram.n) {
		snprintf(line, size, "unknown: the record has no memory map (loaded by an older "
			 "kexec); load again to compare");
		return KX_FRESH_UNKNOWN;
	}
	if (!ram_now) {
		snprintf(line, size, "unknown: the System RAM online now cannot be read");
		return KX_FRESH_UNKNOWN;
	}
	int r = kx_ranges_copy(&then, &rec->ram);

	if (r == 0) {
		kx_ranges_normalize(&then);
		r = ranges_minus(ram_now, &then, &added);
	}
	if (r == 0)
		r = ranges_minus(&then, ram_now, &removed);
	if (r < 0) {
		snprintf(line, size, "unknown: out of memory");
		f = KX_FRESH_UNKNOWN;
	} else if (!added.n && !removed.n) {
		snprintf(line, size, "fresh: the System RAM online now is what it was at load time");
		f = KX_FRESH_SAME;
	} else {
		describe_ranges(&added, a, sizeof(a));
		describe_ranges(&removed, d, sizeof(d));
		snprintf(line, size, "stale: %s%s%s%s%s", a, added.n ? " added since the load, not in "
			 "the dump" : "", added.n && removed.n ? "; " : "", d, removed.n ? " removed "
			 "since the load, still in the dump" : "");
		f = KX_FRESH_STALE;
	}
	kx_ranges_free(&then);
	kx_ranges_free(&added);
	kx_ranges_free(&removed);
	return f;
}
