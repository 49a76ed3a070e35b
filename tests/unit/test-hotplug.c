// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/hotplug: which events count, the decision list row by row, the sysfs reads (with the
 * re-read of a transient crash_hotplug 0), the configuration file; udev/hpstate: the status file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "hotplug.h"
#include "kexecsys.h"
#include "hpstate.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define U KX_TRI_UNKNOWN

static unsigned kind(const char *name)
{
	unsigned k;

	assert_int_equal(kx_hp_kind_parse(name, strlen(name), &k), 0);
	return k;
}

static void only_real_memory_and_cpu_events_count(void **state)
{
	static const struct {
		const char *action, *subsystem, *synth;
		const char *kind;       /* NULL: ignored, with why containing `why` */
		const char *why;
	} t[] = {
		{ "online", "memory", NULL, "memory-online", NULL },
		{ "offline", "memory", NULL, "memory-offline", NULL },
		{ "remove", "memory", NULL, "memory-remove", NULL },
		{ "add", "cpu", NULL, "cpu-add", NULL },
		{ "remove", "cpu", NULL, "cpu-remove", NULL },
		{ "online", "cpu", NULL, "cpu-online", NULL },
		{ "offline", "cpu", NULL, "cpu-offline", NULL },
		{ "add", "memory", NULL, NULL, "memory add" },
		{ "online", "memory", "0", NULL, "synthetic" },
		{ "add", "cpu", "fe4d7c9d-b8c6-4a70-9ef1-3d8a58d18eed", NULL, "synthetic" },
		{ "change", "memory", NULL, NULL, "not a memory or cpu" },
		{ "online", "block", NULL, NULL, "not a memory or cpu" },
		{ "online", NULL, NULL, NULL, "not a memory or cpu" },
		{ NULL, "cpu", NULL, NULL, "not a memory or cpu" },
		{ "Online", "memory", NULL, NULL, "not a memory or cpu" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		const char *why = NULL;
		int k = kx_hp_event_kind(t[i].action, t[i].subsystem, t[i].synth, &why);

		if (t[i].kind) {
			assert_int_equal(k, (int)kind(t[i].kind));
			assert_string_equal(kx_hp_kind_name((unsigned)k), t[i].kind);
		} else {
			assert_int_equal(k, -1);
			if (!why || !strstr(why, t[i].why))
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, why ? why : "(null)", t[i].why);
		}
	}
	assert_int_equal(kx_hp_kind_parse("cpu-", 4, &(unsigned){ 0 }), -EINVAL);
}

/* the decision list (DESIGN.md, kexec-hotplug), one row per line */
static void every_row_of_the_decision_list(void **state)
{
	static const struct {
		const char *kind;
		struct kx_hp_sys sys;
		struct kx_hp_saved saved;
		enum kx_hp_verdict verdict;
		enum kx_hp_mechanism mech;
		const char *reason;
	} t[] = {
#define SYS(loaded, fen, freg, fready, sa, s390, mem, cpu) \
	{ loaded, fen, freg, fready, sa, s390, { mem, cpu }, { 0, 0 } }
#define SAVED(present, file, flags, mode) { present, file, flags, KX_HOTPLUG_##mode, false }
#define CUT_SHORT(file, flags, mode) { true, file, flags, KX_HOTPLUG_##mode, true }
		/* 1. nothing loaded: boot coldplug, or after kexec -u */
		{ "memory-online", SYS(0, U, U, U, false, false, 1, 1), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_NOTHING, "nothing is loaded" },
		{ "cpu-add", SYS(U, U, U, U, false, false, U, U), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_NOTHING, "nothing is loaded" },
		/* a record, nothing loaded, the marker: a reload killed mid-way; repair */
		{ "cpu-online", SYS(0, U, U, U, false, false, 1, 1), CUT_SHORT(true, 2, KERNEL),
		  KX_HP_RELOAD, KX_HP_MECH_REPAIR, "cut short" },
		/* a record, nothing loaded, no marker: unloaded on purpose (kexec-tools -p -u) */
		{ "cpu-online", SYS(0, U, U, U, false, false, 1, 1), SAVED(true, true, 2, KERNEL),
		  KX_HP_IGNORE, KX_HP_MECH_UNLOADED, "unloaded on purpose" },
		/* 2. fadump */
		{ "memory-online", SYS(0, 1, 1, 1, false, false, U, U), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_FADUMP_KERNEL, "hotplug_ready 1" },
		{ "memory-offline", SYS(0, 1, 1, 0, false, false, U, U), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_REREGISTER, KX_HP_MECH_FADUMP_REGISTER, "re-registering" },
		{ "cpu-add", SYS(0, 1, 1, U, false, false, U, U), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_REREGISTER, KX_HP_MECH_FADUMP_REGISTER, "re-registering" },
		{ "memory-online", SYS(0, 1, 0, U, false, false, U, U), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_NOTHING, "nothing is loaded" },
		/* 3. s390 */
		{ "memory-online", SYS(0, U, U, U, true, true, U, U), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_STANDALONE, "stand-alone dump" },
		{ "memory-online", SYS(1, U, U, U, false, true, U, U), SAVED(true, true, 2, NONE),
		  KX_HP_IGNORE, KX_HP_MECH_STANDALONE, "capture kernel builds" },
		/* 4. kdump, kernel mode */
		{ "memory-online", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, true, 2, KERNEL),
		  KX_HP_IGNORE, KX_HP_MECH_KERNEL, "memory crash_hotplug 1" },
		{ "cpu-remove", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, true, 2, KERNEL),
		  KX_HP_IGNORE, KX_HP_MECH_KERNEL, "cpu crash_hotplug 1" },
		{ "memory-remove", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, true, 2, KERNEL),
		  KX_HP_RELOAD, KX_HP_MECH_KERNEL, "still lists the range" },
		{ "memory-offline", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, false, 5, KERNEL),
		  KX_HP_RELOAD, KX_HP_MECH_KERNEL, "memory offline" },
		{ "memory-online", SYS(1, U, U, U, false, false, 0, 1), SAVED(true, true, 2, KERNEL),
		  KX_HP_RELOAD, KX_HP_MECH_KERNEL, "reads 0" },
		{ "cpu-online", SYS(1, U, U, U, false, false, 1, U), SAVED(true, true, 2, KERNEL),
		  KX_HP_RELOAD, KX_HP_MECH_KERNEL, "no cpu crash_hotplug" },
		/* records of older loaders: the syscall and flags say it */
		{ "memory-online", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, true, 2, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_KERNEL, "crash_hotplug 1" },
		{ "memory-online", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, false, 5, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_KERNEL, "crash_hotplug 1" },
		{ "memory-online", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, false, 1, UNKNOWN),
		  KX_HP_RELOAD, KX_HP_MECH_UDEV, "kexec_load mode" },
		/* 5. fallback and none: udev reloads whatever sysfs says */
		{ "memory-online", SYS(1, U, U, U, false, false, 1, 1), SAVED(true, false, 1, FALLBACK),
		  KX_HP_RELOAD, KX_HP_MECH_UDEV, "fallback mode" },
		{ "cpu-add", SYS(1, U, U, U, false, false, U, U), SAVED(true, true, 2, NONE),
		  KX_HP_RELOAD, KX_HP_MECH_UDEV, "none mode" },
		/* loaded by someone else */
		{ "memory-online", SYS(1, U, U, U, false, false, 0, 0), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_STALE, KX_HP_MECH_UNRECORDED, "without a kexec-ext record" },
		{ "memory-online", SYS(1, U, U, U, false, false, 1, 1), SAVED(false, false, 0, UNKNOWN),
		  KX_HP_IGNORE, KX_HP_MECH_UNRECORDED, "crash_hotplug 1" },
#undef SYS
#undef SAVED
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_hp_decision d;

		kx_hp_decide(kind(t[i].kind), &t[i].sys, &t[i].saved, &d);
		if (d.verdict != t[i].verdict || d.mechanism != t[i].mech ||
		    !strstr(d.reason, t[i].reason))
			fail_msg("row %zu (%s): %s / %s / \"%s\"; expected %s / %s / \"%s\"", i,
				 t[i].kind, kx_hp_verdict_name(d.verdict),
				 kx_hp_mechanism_name(d.mechanism), d.reason,
				 kx_hp_verdict_name(t[i].verdict), kx_hp_mechanism_name(t[i].mech),
				 t[i].reason);
	}
}

static void put(const char *root, const char *path, const char *text)
{
	char full[512], cmd[1100];
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", full);
	assert_int_equal(system(cmd), 0);
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void the_sysfs_state_is_read_through_the_sysroot(void **state)
{
	char dir[] = "/tmp/kx-hp.XXXXXX", cmd[64];
	struct kx_sysroot s;
	struct kx_hp_sys sys;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(kx_sysroot_init(&s, dir), 0);
	kx_hp_sys_read(&s, true, 3, 1, &sys);
	assert_int_equal(sys.crash_loaded, U);
	assert_int_equal(sys.crash_hotplug[KX_HP_MEMORY], U);
	assert_int_equal(sys.rereads[KX_HP_MEMORY], 0);        /* absent is not re-read */
	assert_false(sys.standalone_dump);
	put(dir, "/sys/kernel/kexec_crash_loaded", "1\n");
	put(dir, "/sys/kernel/fadump/registered", "1\n");
	put(dir, "/sys/kernel/fadump/hotplug_ready", "0\n");
	put(dir, "/sys/firmware/dump/dump_type", "none\n");
	put(dir, "/proc/sys/kernel/arch", "x86_64\n");
	put(dir, "/sys/devices/system/memory/crash_hotplug", "0\n");
	put(dir, "/sys/devices/system/cpu/crash_hotplug", "garbage\n");
	kx_hp_sys_read(&s, false, 3, 1, &sys);
	assert_int_equal(sys.crash_loaded, 1);
	assert_int_equal(sys.fadump_registered, 1);
	assert_int_equal(sys.fadump_hotplug_ready, 0);
	assert_int_equal(sys.fadump_enabled, U);
	assert_false(sys.standalone_dump);
	assert_false(sys.s390);
	assert_int_equal(sys.crash_hotplug[KX_HP_MEMORY], 0);
	assert_int_equal(sys.crash_hotplug[KX_HP_CPU], U);
	assert_int_equal(sys.rereads[KX_HP_MEMORY], 0);        /* nothing expects the kernel */
	kx_hp_sys_read(&s, true, 3, 1, &sys);
	assert_int_equal(sys.crash_hotplug[KX_HP_MEMORY], 0);
	assert_int_equal(sys.rereads[KX_HP_MEMORY], 3);        /* a steady 0: exactly the re-reads */
	assert_int_equal(sys.rereads[KX_HP_CPU], 0);           /* unknown is not re-read */
	/* the 6.19 layout wins over the old name, and works without it */
	put(dir, "/sys/kernel/kexec/crash_loaded", "0\n");
	kx_hp_sys_read(&s, false, 0, 0, &sys);
	assert_int_equal(sys.crash_loaded, 0);
	snprintf(cmd, sizeof(cmd), "rm %s/sys/kernel/kexec_crash_loaded", dir);
	assert_int_equal(system(cmd), 0);
	put(dir, "/sys/kernel/kexec/crash_loaded", "1\n");
	kx_hp_sys_read(&s, false, 0, 0, &sys);
	assert_int_equal(sys.crash_loaded, 1);
	put(dir, "/sys/firmware/dump/dump_type", "fcp\n");
	put(dir, "/proc/sys/kernel/arch", "s390x\n");
	kx_hp_sys_read(&s, false, 0, 0, &sys);
	assert_true(sys.standalone_dump);
	assert_true(sys.s390);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void the_configuration_file_is_checked_line_by_line(void **state)
{
	static const char good[] = "# settle\n quiet_ms = 50 \n\nmax_settle_ms=2000\r\nspawn = fork\n"
				   "rereads = 0\nreread_ms = 5\n";
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "quiet_ms = 50\nquiet = 3\n", "line 2: unknown setting \"quiet\"" },
		{ "quiet_ms = -1\n", "line 1: quiet_ms = -1: expected a whole number" },
		{ "quiet_ms = 600001\n", "no larger than 600000" },
		{ "quiet_ms = 5 ms\n", "line 1: quiet_ms = 5 ms" },
		{ "spawn = never\n", "line 1: spawn = never: expected auto, systemd or fork" },
		{ "max_settle_ms\n", "line 1: expected \"key = value\"" },
		{ "= 5\n", "line 1: key or value too long or empty" },
		{ "rereads = 101\n", "no larger than 100" },
	};
	struct kx_hp_config c;
	struct kx_err e;

	(void)state;
	kx_hp_config_defaults(&c);
	assert_int_equal(c.quiet_ms, 500);
	assert_int_equal(c.max_settle_ms, 5000);
	assert_int_equal(kx_hp_config_parse(good, strlen(good), &c, NULL), 0);
	assert_int_equal(c.quiet_ms, 50);
	assert_int_equal(c.max_settle_ms, 2000);
	assert_int_equal(c.spawn, KX_HP_SPAWN_FORK);
	assert_int_equal(c.rereads, 0);
	assert_int_equal(c.reread_ms, 5);
	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		struct kx_hp_config before;

		kx_hp_config_defaults(&c);
		before = c;
		kx_err_clear(&e);
		assert_int_equal(kx_hp_config_parse(bad[i].text, strlen(bad[i].text), &c, &e), -EBADMSG);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i].msg);
		assert_memory_equal(&c, &before, sizeof(c));    /* untouched on failure */
	}
}

static void the_status_file_round_trips_and_refuses_garbage(void **state)
{
	struct kx_hp_status in = { 0 }, out;
	char *text = NULL;
	struct kx_err e;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "version 2\n", "line 1: status version is not 1" },
		{ "version 1\nevents x\n", "line 2: events: not a number" },
		{ "version 1\npending disk-add 3\n", "line 2: pending: unknown kind" },
		{ "version 1\npending cpu-add\n", "line 2: pending: unknown kind" },
		{ "version 1\nlast_error \\q\n", "line 2: malformed value" },
	};

	(void)state;
	in.events = 1000;
	in.ignored = 3;
	in.reloads = 2;
	in.reregisters = 1;
	in.failures = 4;
	in.seq = 1000;
	in.handled = 998;
	in.pending[kind("memory-online")] = 2;
	in.first_pending_ms = 123456;
	in.last_event_ms = 123999;
	in.last_reload_time = 1732147200;
	in.last_reload_ms = 312;
	strcpy(in.last_reason, "saved load in fallback mode: reloading");
	strcpy(in.last_error, "kexec exited 1:\nline two \\ x");
	strcpy(in.mode, "udev reload");
	assert_int_equal(kx_hp_status_format(&in, &text), 0);
	assert_int_equal(kx_hp_status_parse(text, strlen(text), &out, NULL), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	free(text);
	/* an empty file is a fresh status */
	assert_int_equal(kx_hp_status_parse("", 0, &out, NULL), 0);
	assert_int_equal(out.events, 0);
	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		kx_err_clear(&e);
		assert_int_equal(kx_hp_status_parse(bad[i].text, strlen(bad[i].text), &out, &e),
				 -EBADMSG);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_real_memory_and_cpu_events_count),
		cmocka_unit_test(every_row_of_the_decision_list),
		cmocka_unit_test(the_sysfs_state_is_read_through_the_sysroot),
		cmocka_unit_test(the_configuration_file_is_checked_line_by_line),
		cmocka_unit_test(the_status_file_round_trips_and_refuses_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
