// SPDX-License-Identifier: GPL-2.0-or-later
/* `kexec-hotplug status [--json]`: the mechanism in place now (record + sysfs), the counters, the
 * last reload and the last error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "kexec-hotplug.h"
#include "state.h"

static void utc(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

/* Would a panic now be captured: 1, 0 or KX_TRI_UNKNOWN, and the line that says so. */
static int armed(enum kx_hp_mechanism mech, const struct kx_hp_sys *sys, char *line, size_t size)
{
	switch (mech) {
	case KX_HP_MECH_REPAIR:
		snprintf(line, size, "NOT ARMED: a load is recorded but no crash kernel is loaded; "
			 "a panic now is not captured: run kexec-hotplug check");
		return 0;
	case KX_HP_MECH_NOTHING:
		if (sys->crash_loaded == KX_TRI_UNKNOWN) {
			snprintf(line, size, "unknown: the kernel does not say whether a crash kernel "
				 "is loaded");
			return KX_TRI_UNKNOWN;
		}
		snprintf(line, size, "no: nothing is loaded or registered");
		return 0;
	case KX_HP_MECH_FADUMP_KERNEL:
	case KX_HP_MECH_FADUMP_REGISTER:
		snprintf(line, size, "yes (fadump registered)");
		return 1;
	case KX_HP_MECH_STANDALONE:
		snprintf(line, size, "yes (s390 dump)");
		return 1;
	default:
		snprintf(line, size, "yes (a crash kernel is loaded)");
		return 1;
	}
}

/* The freshness of the loaded crash kernel's dump, when one is loaded (else "" / UNKNOWN). */
static enum kx_freshness freshness(const struct hp_ctx *c, const struct kx_hp_sys *sys,
				   const struct kx_crash_record *rec, bool have_rec, char *line,
				   size_t size)
{
	struct kx_ranges ram = { 0 };
	enum kx_freshness f;
	struct kx_err e;
	bool have_ram;

	line[0] = '\0';
	if (sys->crash_loaded != 1)
		return KX_FRESH_UNKNOWN;
	kx_err_clear(&e);
	have_ram = kx_read_system_ram(&c->sysroot, &ram, &e) == 0;
	f = kx_hp_freshness(have_rec ? rec : NULL, sys, have_ram ? &ram : NULL, line, size);
	kx_ranges_free(&ram);
	return f;
}

static void print_text(const struct hp_ctx *c, const struct kx_hp_status *st,
		       enum kx_hp_mechanism mech, const struct kx_hp_sys *sys,
		       const struct kx_crash_record *rec, bool have_rec)
{
	char when[64], line[640];

	printf("mode:         %s\n", kx_hp_mechanism_name(mech));
	armed(mech, sys, line, sizeof(line));
	printf("armed:        %s\n", line);
	freshness(c, sys, rec, have_rec, line, sizeof(line));
	if (line[0])
		printf("dump covers:  %s\n", line);
	if (have_rec)
		printf("saved load:   %s, hotplug %s, %s\n", rec->syscall,
		       kx_hotplug_mode_name(rec->hotplug), rec->kernel);
	else
		printf("saved load:   none\n");
	printf("events:       %llu\n", (unsigned long long)st->events);
	printf("ignored:      %llu\n", (unsigned long long)st->ignored);
	printf("reloads:      %llu\n", (unsigned long long)st->reloads);
	printf("re-registers: %llu\n", (unsigned long long)st->reregisters);
	printf("failures:     %llu\n", (unsigned long long)st->failures);
	printf("pending:      %llu\n", (unsigned long long)kx_hp_status_pending(st));
	if (st->last_reload_time) {
		utc(st->last_reload_time, when, sizeof(when));
		printf("last reload:  %s (%llu ms)\n", when, (unsigned long long)st->last_reload_ms);
	} else {
		printf("last reload:  never\n");
	}
	printf("last reason:  %s\n", st->last_reason[0] ? st->last_reason : "-");
	printf("last error:   %s\n", st->last_error[0] ? st->last_error : "-");
}

static void print_json(const struct hp_ctx *c, const struct kx_hp_status *st,
		       enum kx_hp_mechanism mech, const struct kx_hp_sys *sys,
		       const struct kx_crash_record *rec, bool have_rec, const struct kx_err *e)
{
	struct kx_json j;
	char when[64], line[640], fline[640];
	int a = armed(mech, sys, line, sizeof(line));
	enum kx_freshness f = freshness(c, sys, rec, have_rec, fline, sizeof(fline));

	kx_json_init(&j, stdout);
	kx_json_object_begin(&j, NULL);
	kx_json_string(&j, "mode", kx_hp_mechanism_name(mech));
	if (a == KX_TRI_UNKNOWN)
		kx_json_null(&j, "armed");
	else
		kx_json_bool(&j, "armed", a == 1);
	kx_json_string(&j, "armed_text", line);
	if (fline[0]) {
		kx_json_object_begin(&j, "freshness");
		kx_json_string(&j, "state", kx_freshness_name(f));
		kx_json_string(&j, "text", fline);
		kx_json_object_end(&j);
	} else {
		kx_json_null(&j, "freshness");
	}
	if (have_rec) {
		kx_json_object_begin(&j, "saved_load");
		kx_json_string(&j, "syscall", rec->syscall);
		kx_json_string(&j, "hotplug", kx_hotplug_mode_name(rec->hotplug));
		kx_json_string(&j, "kernel", rec->kernel);
		kx_json_object_end(&j);
	} else {
		kx_json_null(&j, "saved_load");
	}
	kx_json_u64(&j, "events", st->events);
	kx_json_u64(&j, "ignored", st->ignored);
	kx_json_u64(&j, "reloads", st->reloads);
	kx_json_u64(&j, "reregisters", st->reregisters);
	kx_json_u64(&j, "failures", st->failures);
	kx_json_u64(&j, "pending", kx_hp_status_pending(st));
	if (st->last_reload_time) {
		kx_json_object_begin(&j, "last_reload");
		kx_json_i64(&j, "time", st->last_reload_time);
		utc(st->last_reload_time, when, sizeof(when));
		kx_json_string(&j, "time_utc", when);
		kx_json_u64(&j, "duration_ms", st->last_reload_ms);
		kx_json_object_end(&j);
	} else {
		kx_json_null(&j, "last_reload");
	}
	if (st->last_reason[0])
		kx_json_string(&j, "last_reason", st->last_reason);
	else
		kx_json_null(&j, "last_reason");
	if (st->last_error[0])
		kx_json_string(&j, "last_error", st->last_error);
	else
		kx_json_null(&j, "last_error");
	if (e && e->code)
		kx_out_json_error_member(&j, e);
	kx_json_object_end(&j);
	fputc('\n', stdout);
}

int hp_status(const struct hp_ctx *c, bool json)
{
	struct kx_crash_record rec = { 0 };
	struct kx_hp_status st = { 0 };
	struct kx_hp_saved saved = { 0 };
	struct kx_hp_sys sys;
	struct kx_err e, re;
	bool have_rec;
	int r;

	kx_err_clear(&e);
	kx_err_clear(&re);
	r = kx_state_read(c->state_dir, &rec, &re);
	have_rec = r == 0;
	if (have_rec) {
		kx_hp_saved_from(&rec, &saved);
		saved.cut_short = kx_state_marked(c->state_dir, NULL, 0) == 1;
	} else if (r != -ENOENT)
		fprintf(stderr, PROG ": warning: %s\n", re.msg);
	kx_hp_sys_read(&c->sysroot, kx_hp_saved_kernel_mode(&saved), c->cfg.rereads,
		       c->cfg.reread_ms, &sys);
	r = kx_hp_status_load(c->state_dir, &st, &e);
	if (r < 0)
		fprintf(stderr, PROG ": %s\n", e.msg);
	if (json)
		print_json(c, &st, kx_hp_mechanism(&sys, &saved), &sys, &rec, have_rec,
			   r < 0 ? &e : NULL);
	else
		print_text(c, &st, kx_hp_mechanism(&sys, &saved), &sys, &rec, have_rec);
	kx_crash_record_free(&rec);
	return r < 0 ? 1 : 0;
}
