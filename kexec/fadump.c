// SPDX-License-Identifier: GPL-2.0-or-later
/* kexec -p --fadump, -u -p --fadump, -S --fadump: firmware-assisted dump through sysfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "fadump.h"
#include "hotplug.h"
#include "json.h"
#include "kexec.h"
#include "state.h"
#include "syscall.h"
#include "units.h"

static unsigned fake_writes;

/* The fake's result for this write: the next entry of KEXEC_EXT_FAKE_SYSFS_ERRNO. */
static int fake_result(void)
{
	return kx_fake_result(getenv("KEXEC_EXT_FAKE_SYSFS_ERRNO"), fake_writes++);
}

/* The seam: value and a newline to /sys/kernel/fadump/<file> (the kernel drops the newline). */
/* Every write to /sys/kernel/fadump/ of kexec: the seam (the fake with KEXEC_EXT_FAKE_SYSCALL). */
static int sysfs_write(void *ctx, const char *file, const char *value)
{
	const struct kexec_ctx *c = ctx;
	char path[64];
	int r;

	snprintf(path, sizeof(path), KX_FADUMP_DIR "/%s", file);
	kx_debug("write \"%s\" to %s%s", value, path, kx_syscall_fake() ? " [fake]" : "");
	if (kx_syscall_fake()) {
		kx_syscall_fake_log("write %s %s\n", path, value);
		r = fake_result();
		/* the kernel's side: what the attribute reads afterwards.  A current kernel
		 * unregisters a registered dump before registering again, so a registration
		 * failing past that point (not EPERM, EEXIST, EINVAL) leaves nothing registered. */
		if (r == 0 || (!strcmp(file, "registered") && r != -EPERM && r != -EEXIST &&
			       r != -EINVAL))
			kx_syscall_fake_attr(path, r == 0 ? value : "0");
		return r;
	}
	return kx_fadump_write_sysfs((void *)&c->sysroot, file, value);
}

static void json_tri(struct kx_json *j, const char *key, int v)
{
	if (v == KX_TRI_UNKNOWN)
		kx_json_null(j, key);
	else
		kx_json_u64(j, key, (uint64_t)v);
}

void kexec_fadump_json(struct kx_json *j, const struct kx_fadump_state *st)
{
	if (!st->present) {
		kx_json_null(j, "fadump");
		return;
	}
	kx_json_object_begin(j, "fadump");
	json_tri(j, "enabled", st->enabled);
	json_tri(j, "registered", st->registered);
	json_tri(j, "hotplug_ready", st->hotplug_ready);
	if (st->has_mem_reserved)
		kx_json_u64(j, "mem_reserved", st->mem_reserved);
	else
		kx_json_null(j, "mem_reserved");
	kx_json_string(j, "bootargs_append", st->has_bootargs_append ? st->bootargs_append : NULL);
	kx_json_bool(j, "dump_held", st->dump_active);
	kx_json_object_end(j);
}

static const char *tri_text(int v)
{
	return v == KX_TRI_UNKNOWN ? "absent" : v ? "1" : "0";
}

/* What keeps the dump right across hotplug, in kexec-hotplug's words. */
static const char *mechanism(const struct kexec_ctx *c)
{
	struct kx_crash_record rec;
	struct kx_hp_saved saved = { 0 };
	struct kx_hp_sys hp;
	struct kx_err e;

	kx_err_clear(&e);
	if (kx_state_read(c->state_dir, &rec, &e) == 0) {
		kx_hp_saved_from(&rec, &saved);
		saved.cut_short = kx_state_marked(c->state_dir, NULL, 0) == 1;
		kx_crash_record_free(&rec);
	}
	kx_hp_sys_read(&c->sysroot, false, 0, 0, &hp);
	return kx_hp_mechanism_name(kx_hp_mechanism(&hp, &saved));
}

static void print_state(const struct kexec_ctx *c, const struct kx_fadump_state *st, FILE *fp)
{
	char sz[32];

	fprintf(fp, "enabled: %s\n", tri_text(st->enabled));
	fprintf(fp, "registered: %s\n", tri_text(st->registered));
	fprintf(fp, "hotplug_ready: %s%s\n", tri_text(st->hotplug_ready),
		st->hotplug_ready == 1 ? " (the capture kernel builds the elfcorehdr: memory hotplug "
		"needs no re-registration)" : " (memory hotplug needs a re-registration: "
		"kexec-hotplug does it)");
	if (st->has_mem_reserved)
		fprintf(fp, "mem_reserved: %llu (%s)\n", (unsigned long long)st->mem_reserved,
			kx_format_size(st->mem_reserved, sz, sizeof(sz)));
	else
		fprintf(fp, "mem_reserved: absent\n");
	if (st->has_bootargs_append)
		fprintf(fp, "bootargs_append: \"%s\"\n", st->bootargs_append);
	else
		fprintf(fp, "bootargs_append: absent\n");
	fprintf(fp, "dump held: %s\n", st->dump_active ? "yes (save /proc/vmcore, then write 1 to "
		KX_FADUMP_DIR "/release_mem)" : "no");
	fprintf(fp, "hotplug: %s\n", mechanism(c));
}

int kexec_fadump_status(struct kexec_ctx *c, struct kx_err *err)
{
	struct kx_fadump_state st;

	kx_fadump_read(&c->sysroot, &st);
	if (c->o->json) {
		struct kx_json j;

		kx_json_init(&j, stdout);
		kx_json_object_begin(&j, NULL);
		kx_json_string(&j, "image", "crash");
		kx_json_string(&j, "mechanism", "fadump");
		kx_json_bool(&j, "registered", st.registered == 1);
		kexec_fadump_json(&j, &st);
		kx_json_string(&j, "hotplug", mechanism(c));
		kx_json_object_end(&j);
	} else if (!st.present) {
		/* still -S's answer, "not registered", after the reason */
		kx_error("firmware-assisted dump is not available: " KX_FADUMP_DIR
			"/ is missing (not a POWER kernel with CONFIG_FA_DUMP)");
	} else {
		print_state(c, &st, stdout);
	}
	/* as -S: 1 when a dump would be captured, 0 when not */
	(void)err;
	return st.registered == 1 ? 1 : 0;
}

struct fadump_write {
	const char *file, *value;
};

/* A failure before any write: the --json error object; main prints e. */
static int fail(const struct kexec_ctx *c, const char *action, const struct kx_err *e)
{
	if (c->o->json) {
		struct kx_json j;

		kx_json_init(&j, stdout);
		kx_json_object_begin(&j, NULL);
		kx_json_string(&j, "action", action);
		kx_json_bool(&j, "dry_run", c->o->dry_run);
		kx_out_json_error_member(&j, e);
		kx_json_object_end(&j);
	}
	return e->code < 0 ? e->code : -EINVAL;
}

static void json_result(const struct kexec_ctx *c, const char *action,
			const struct kx_fadump_state *st, const struct fadump_write *w, size_t nw,
			const char *done_key, int r, const char *msg)
{
	struct kx_json j;

	kx_json_init(&j, stdout);
	kx_json_object_begin(&j, NULL);
	kx_json_string(&j, "action", action);
	kx_json_bool(&j, "dry_run", c->o->dry_run);
	kx_json_string(&j, "image", "crash");
	kx_json_string(&j, "mechanism", "fadump");
	kexec_fadump_json(&j, st);
	kx_json_array_begin(&j, "writes");
	for (size_t i = 0; i < nw; i++) {
		char path[64];

		snprintf(path, sizeof(path), KX_FADUMP_DIR "/%s", w[i].file);
		kx_json_object_begin(&j, NULL);
		kx_json_string(&j, "file", path);
		kx_json_string(&j, "value", w[i].value);
		kx_json_object_end(&j);
	}
	kx_json_array_end(&j);
	if (c->o->dry_run) {
		kx_json_null(&j, "result");
	} else {
		kx_json_object_begin(&j, "result");
		kx_json_bool(&j, done_key, r == 0);
		kx_json_string(&j, "errno", r ? strerrorname_np(-r) : NULL);
		kx_json_string(&j, "message", r ? msg : NULL);
		kx_json_object_end(&j);
	}
	kx_json_object_end(&j);
}

static void print_writes(const struct fadump_write *w, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		printf("would write \"%s\" to " KX_FADUMP_DIR "/%s\n", w[i].value, w[i].file);
}

/* strlen of the running command line, 0 when unknown */
static size_t running_cmdline_len(const struct kexec_ctx *c)
{
	char buf[KX_FADUMP_CMDLINE_SIZE * 2];
	size_t len = 0;

	if (kx_sysroot_read(&c->sysroot, "/proc/cmdline", buf, sizeof(buf), &len) < 0)
		return 0;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	return len;
}

static void record(const struct kexec_ctx *c, const struct kx_fadump_state *after,
		   const char *append)
{
	char cwd[PATH_MAX], text[640];
	struct kx_crash_record rec = {
		.time = (long long)time(NULL), .flags = 0, .kernel = (char *)"",
		.cmdline = (char *)(append ? append : after->bootargs_append),
		.argv = c->o->argv, .argc = (size_t)c->o->argc,
		.hotplug = after->hotplug_ready == 1 ? KX_HOTPLUG_KERNEL : KX_HOTPLUG_NONE,
	};
	struct kx_err e;

	snprintf(rec.syscall, sizeof(rec.syscall), "fadump");
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	rec.cwd = cwd;
	kx_err_clear(&e);
	if (kx_state_write(c->state_dir, &rec, &e) < 0)
		kx_warn("fadump is registered, but recording it in %s failed (%s): "
			   "kexec-hotplug cannot register it again; set KEXEC_STATE_DIR to a "
			   "writable directory", c->state_dir, kx_err_text(&e, text, sizeof(text)));
}

int kexec_fadump_register(struct kexec_ctx *c, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	struct fadump_write w[2];
	struct kx_fadump_state st, after;
	char *append = NULL, msg[640];
	size_t nw = 0;
	int lock_fd = -1, r;
	struct kx_err e;

	kx_fadump_read(&c->sysroot, &st);
	if (o->nappends) {
		r = kx_cmdline_join(o->appends, o->nappends, &append, err);
		if (r < 0)
			return fail(c, "load", err);
	}
	r = kx_fadump_check_register(&st, append, running_cmdline_len(c), err);
	if (r < 0) {
		free(append);
		return fail(c, "load", err);
	}
	if (append)
		w[nw++] = (struct fadump_write){ "bootargs_append", append };
	w[nw++] = (struct fadump_write){ "registered", "1" };
	if (o->dry_run) {
		if (o->json) {
			json_result(c, "load", &st, w, nw, "registered", 0, NULL);
		} else {
			print_state(c, &st, stdout);
			print_writes(w, nw);
		}
		free(append);
		return 0;
	}

	kx_err_clear(&e);
	if (kx_state_lock(c->state_dir, &lock_fd, &e) < 0)
		kx_warn("%s; registering without the lock", kx_err_text(&e, msg, sizeof(msg)));
	r = kx_fadump_register(&st, append, sysfs_write, c, msg, sizeof(msg));
	kx_fadump_read(&c->sysroot, &after);
	if (r == 0)
		record(c, &after, append);
	else
		kx_error("registering firmware-assisted dump failed: %s", msg);
	if (r < 0 && st.registered == 1 && after.registered != 1)
		kx_error("NOTHING IS REGISTERED NOW: the kernel dropped the dump "
			"registered before; a crash now is not captured: fix the problem above and "
			"register again");
	if (o->json)
		json_result(c, "load", &after, w, nw, "registered", r, msg);
	if (lock_fd >= 0)
		close(lock_fd);
	free(append);
	return r;
}

int kexec_fadump_unregister(struct kexec_ctx *c, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	const struct fadump_write w = { "registered", "0" };
	struct kx_fadump_state st, after;
	struct kx_crash_record rec;
	int lock_fd = -1, r;
	char msg[640];
	struct kx_err e;

	kx_fadump_read(&c->sysroot, &st);
	r = kx_fadump_check_unregister(&st, err);
	if (r < 0)
		return fail(c, "unload", err);
	if (o->dry_run) {
		if (o->json)
			json_result(c, "unload", &st, &w, 1, "unregistered", 0, NULL);
		else
			print_writes(&w, 1);
		return 0;
	}
	kx_err_clear(&e);
	if (kx_state_lock(c->state_dir, &lock_fd, &e) < 0)
		kx_warn("%s; unregistering without the lock", kx_err_text(&e, msg, sizeof(msg)));
	r = sysfs_write(c, w.file, w.value);
	if (r < 0) {
		kx_fadump_explain(w.file, w.value, -r, msg, sizeof(msg));
		kx_err_set(err, r, "unregistering firmware-assisted dump failed: %s", msg);
	} else {
		/* the record goes with the registration it describes, never with a kdump load's */
		kx_err_clear(&e);
		if (kx_state_read(c->state_dir, &rec, &e) == 0) {
			if (!strcmp(rec.syscall, "fadump") && kx_state_remove(c->state_dir, &e) < 0)
				kx_warn("%s", kx_err_text(&e, msg, sizeof(msg)));
			kx_crash_record_free(&rec);
		}
	}
	kx_fadump_read(&c->sysroot, &after);
	if (o->json)
		json_result(c, "unload", &after, &w, 1, "unregistered", r, msg);
	if (lock_fd >= 0)
		close(lock_fd);
	return r;
}
