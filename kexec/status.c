// SPDX-License-Identifier: GPL-2.0-or-later
/* -S/--status and --print-ckr-size: what is loaded and what is reserved, from /sys and /proc. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crashmem.h"
#include "fadump.h"
#include "output.h"
#include "hotplug.h"
#include "state.h"
#include "units.h"

#include "kexec.h"

static void json_tri(struct kx_json *j, const char *key, int v)
{
	if (v == KX_TRI_UNKNOWN)
		kx_json_null(j, key);
	else
		kx_json_u64(j, key, (uint64_t)v);
}

static void json_record(struct kx_json *j, const struct kx_crash_record *rec)
{
	kx_json_object_begin(j, "recorded_load");
	kx_json_i64(j, "time", rec->time);
	kx_json_string(j, "syscall", rec->syscall);
	kx_json_u64(j, "flags", rec->flags);
	kx_json_string(j, "kernel", rec->kernel);
	kx_json_string(j, "initrd", rec->initrd);
	kx_json_string(j, "command_line", rec->cmdline);
	kx_json_string(j, "hotplug", rec->hotplug == KX_HOTPLUG_UNKNOWN ? NULL
				     : kx_hotplug_mode_name(rec->hotplug));
	kx_json_array_begin(j, "argv");
	for (size_t i = 0; i < rec->argc; i++)
		kx_json_string(j, NULL, rec->argv[i]);
	kx_json_array_end(j);
	kx_json_object_end(j);
}

/* s390: /sys/firmware/dump/dump_type ("none", "fcp", "nvme", "eckd"), "" when absent */
static void read_dump_type(const struct kexec_ctx *c, char *buf, size_t size)
{
	size_t len = 0;

	if (kx_sysroot_read(&c->sysroot, "/sys/firmware/dump/dump_type", buf, size, &len) < 0)
		len = 0;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			buf[i] = '?';
	buf[len] = '\0';
}

int kexec_do_status(struct kexec_ctx *c, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	const struct kx_kexec_sys *k = &c->sys;
	int loaded = o->crash ? k->crash_loaded : k->kexec_loaded;
	struct kx_crash_record rec;
	enum kx_hp_mechanism mech = KX_HP_MECH_NOTHING;
	struct kx_hp_sys hp;
	struct kx_fadump_state fa;
	char dump_type[32] = "";
	bool have_rec = false;
	struct kx_err e;
	char text[640];

	if (loaded == KX_TRI_UNKNOWN)
		kx_log(LOG_NOTICE, "cannot tell whether a %s kernel is loaded: "
			"/sys/kernel/%s is missing (a kernel without %s support); reporting \"not "
			"loaded\"", o->crash ? "crash" : "kexec",
			o->crash ? "kexec_crash_loaded" : "kexec_loaded",
			o->crash ? "kdump (CONFIG_CRASH_DUMP)" : "kexec (CONFIG_KEXEC_CORE)");
	if (o->crash) {
		int r;

		kx_err_clear(&e);
		r = kx_state_read(c->state_dir, &rec, &e);
		have_rec = r == 0;
		if (r < 0 && r != -ENOENT)
			kx_warn("%s", kx_err_text(&e, text, sizeof(text)));
	}
	if (o->crash) {
		/* what keeps the dump right across hotplug: kexec-hotplug's own view */
		struct kx_hp_saved saved = { 0 };

		if (have_rec)
			kx_hp_saved_from(&rec, &saved);
		saved.cut_short = kx_state_marked(c->state_dir, NULL, 0) == 1;
		kx_hp_sys_read(&c->sysroot, false, 0, 0, &hp);
		mech = kx_hp_mechanism(&hp, &saved);
		kx_fadump_read(&c->sysroot, &fa);
		read_dump_type(c, dump_type, sizeof(dump_type));
	}
	enum kx_freshness fresh = KX_FRESH_UNKNOWN;
	char fresh_line[640] = "";

	if (o->crash && loaded == 1) {
		struct kx_ranges ram = { 0 };
		bool have_ram;

		kx_err_clear(&e);
		have_ram = kx_read_system_ram(&c->sysroot, &ram, &e) == 0;
		fresh = kx_hp_freshness(have_rec ? &rec : NULL, &hp, have_ram ? &ram : NULL,
					fresh_line, sizeof(fresh_line));
		kx_ranges_free(&ram);
		if (fresh == KX_FRESH_STALE)
			kx_warn("the loaded crash kernel's dump is %s: reload it (kexec-hotplug does "
				"after hotplug events)", fresh_line);
		else
			kx_debug("dump covers: %s", fresh_line);
	}
	/* reported, never repaired here: a status query changes nothing */
	if (o->crash && mech == KX_HP_MECH_REPAIR)
		kx_warn("NOT ARMED: a load is recorded (%s %s, in %s) but no crash kernel is loaded; "
			"a panic now is not captured: kexec-hotplug check reloads it", rec.syscall,
			rec.kernel, c->state_dir);
	if (o->debug) {
		kx_debug("%s kernel %s", o->crash ? "crash" : "kexec",
			loaded == 1 ? "loaded" : "not loaded");
		if (o->crash)
			kx_debug("hotplug: %s", kx_hp_mechanism_name(mech));
		if (o->crash && fa.present)
			kx_debug("fadump: enabled %d, registered %d, hotplug_ready %d "
				"(-S --fadump for more)", fa.enabled, fa.registered, fa.hotplug_ready);
		if (o->crash && dump_type[0])
			kx_debug("s390 stand-alone dump: %s%s", dump_type,
				strcmp(dump_type, "none") ? " (the dump tool builds the ELF header at "
				"dump time: nothing needs reloading on hotplug)" : "");
		if (o->crash && k->has_crash_size)
			kx_debug("kexec_crash_size %llu",
				(unsigned long long)k->crash_size);
		if (o->crash && have_rec)
			kx_debug("recorded load: %s %s, flags %#llx", rec.syscall,
				rec.kernel, (unsigned long long)rec.flags);
	}
	if (o->json) {
		struct kx_json j;

		kx_json_init(&j, stdout);
		kx_json_object_begin(&j, NULL);
		kx_json_string(&j, "image", o->crash ? "crash" : "normal");
		if (loaded == KX_TRI_UNKNOWN)
			kx_json_null(&j, "loaded");
		else
			kx_json_bool(&j, "loaded", loaded == 1);
		if (o->crash) {
			if (k->has_crash_size)
				kx_json_u64(&j, "kexec_crash_size", k->crash_size);
			else
				kx_json_null(&j, "kexec_crash_size");
			if (k->has_elfcorehdr_size)
				kx_json_u64(&j, "crash_elfcorehdr_size", k->elfcorehdr_size);
			else
				kx_json_null(&j, "crash_elfcorehdr_size");
			kx_json_object_begin(&j, "crash_hotplug");
			json_tri(&j, "memory", k->mem_crash_hotplug);
			json_tri(&j, "cpu", k->cpu_crash_hotplug);
			kx_json_object_end(&j);
			kx_json_string(&j, "hotplug", kx_hp_mechanism_name(mech));
			kx_json_bool(&j, "recorded_not_loaded", mech == KX_HP_MECH_REPAIR);
			if (loaded == 1) {
				kx_json_object_begin(&j, "freshness");
				kx_json_string(&j, "state", kx_freshness_name(fresh));
				kx_json_string(&j, "text", fresh_line);
				kx_json_object_end(&j);
			} else {
				kx_json_null(&j, "freshness");
			}
			kexec_fadump_json(&j, &fa);
			if (dump_type[0]) {
				kx_json_object_begin(&j, "standalone_dump");
				kx_json_string(&j, "dump_type", dump_type);
				kx_json_bool(&j, "reload_needed_on_hotplug", false);
				kx_json_object_end(&j);
			} else {
				kx_json_null(&j, "standalone_dump");
			}
			if (have_rec)
				json_record(&j, &rec);
			else
				kx_json_null(&j, "recorded_load");
		}
		kx_json_object_end(&j);
	}
	if (have_rec)
		kx_crash_record_free(&rec);
	/* kexec-tools' codes: 1 loaded, 0 not loaded */
	(void)err;
	return loaded == 1 ? 1 : 0;
}

int kexec_do_print_ckr(struct kexec_ctx *c, struct kx_err *err)
{
	const struct kx_kexec_sys *k = &c->sys;
	struct kx_crashmem mem = { .main = -1 };
	struct kx_iomem iomem;
	bool from_iomem = false;
	uint64_t total = 0;
	struct kx_err e;
	char text[640], b[32];
	int r;

	kx_err_clear(&e);
	r = kx_read_iomem(&c->sysroot, &iomem, &e);
	if (r == 0) {
		r = kx_crashmem_build(&iomem, NULL, NULL, &mem, &e);
		kx_iomem_free(&iomem);
	}
	if (r == 0) {
		from_iomem = true;
		total = mem.crash_total;
	} else if (k->has_crash_size) {
		/* addresses hidden (not root): the size alone is still in sysfs */
		kx_debug("%s; using kexec_crash_size", kx_err_text(&e, text, sizeof(text)));
		total = k->crash_size;
	} else {
		if (c->o->json)
			kx_out_json_error(stdout, NULL, &e);
		*err = e;
		return e.code < 0 ? e.code : -EIO;
	}

	if (c->o->json) {
		struct kx_json j;

		kx_json_init(&j, stdout);
		kx_json_object_begin(&j, NULL);
		kx_json_object_begin(&j, "crash_kernel");
		kx_json_u64(&j, "total", total);
		if (k->has_crash_size)
			kx_json_u64(&j, "kexec_crash_size", k->crash_size);
		else
			kx_json_null(&j, "kexec_crash_size");
		kx_json_array_begin(&j, "ranges");
		for (size_t i = 0; from_iomem && i < mem.ncrash; i++) {
			kx_json_object_begin(&j, NULL);
			kx_json_u64(&j, "start", mem.crash[i].start);
			kx_json_u64(&j, "end", mem.crash[i].end);
			kx_json_u64(&j, "size", mem.crash[i].end - mem.crash[i].start + 1);
			kx_json_string(&j, "role", kx_crash_role_name(mem.crash[i].role));
			kx_json_object_end(&j);
		}
		kx_json_array_end(&j);
		kx_json_object_end(&j);
		kx_json_object_end(&j);
	} else {
		/* kexec-tools prints the size in bytes and nothing else */
		printf("%llu\n", (unsigned long long)total);
		for (size_t i = 0; c->o->debug && from_iomem && i < mem.ncrash; i++)
			printf("%#llx-%#llx %s (%s)\n", (unsigned long long)mem.crash[i].start,
			       (unsigned long long)mem.crash[i].end,
			       kx_format_size(mem.crash[i].end - mem.crash[i].start + 1, b, sizeof(b)),
			       kx_crash_role_name(mem.crash[i].role));
	}
	if (from_iomem)
		kx_crashmem_free(&mem);
	return 0;
}
