// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -l/-p (load), -u (unload), -e (exec): the plan is checked, then the syscall seam is called.
 * A crash load that the kernel rejects may have cost the loaded crash kernel (the kernel drops it
 * before building the new one): then the previous load is restored at once from the state dir.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "output.h"
#include "plan.h"
#include "state.h"
#include "syscall.h"

/* EBUSY: the kernel's kexec lock is held (its crash hotplug handler, another load).  Waits of
 * 10, 20, 40 … ms, at most 400 ms each, 8 retries: about 1.5 s in all. */
#define EBUSY_RETRIES 8
#define EBUSY_FIRST_MS 10
#define EBUSY_MAX_MS 400
/* After a crash load the kernel accepted and then lost (kx_read_crash_loaded_settled() reads 0),
 * or whose kexec_load header the memory changed under: made again at most this many times. */
#define VERIFY_RELOADS 2

/* What happened to the crash kernel that was loaded before a failed load. */
enum previous { PREV_NONE, PREV_KEPT, PREV_RESTORED, PREV_LOST, PREV_UNKNOWN };

static const char *const previous_names[] = {
	[PREV_NONE] = "none", [PREV_KEPT] = "kept", [PREV_RESTORED] = "restored",
	[PREV_LOST] = "lost", [PREV_UNKNOWN] = "unknown",
};

struct load_result {
	int err;                        /* 0 or the positive errno of the load */
	enum kx_hotplug_mode hotplug;   /* after a load: what keeps its elfcorehdr right */
	char message[640];
	enum previous previous;
	char restore_error[640];
};

static void json_begin(struct kx_json *j, const char *action, bool dry_run)
{
	kx_json_init(j, stdout);
	kx_json_object_begin(j, NULL);
	kx_json_string(j, "action", action);
	kx_json_bool(j, "dry_run", dry_run);
}

/* A failure before any syscall: the --json error object; main prints e. */
static int fail_before_plan(const struct kexec_ctx *c, const char *action,
			    const struct kx_err *e)
{
	if (c->o->json) {
		struct kx_json j;

		json_begin(&j, action, c->o->dry_run);
		kx_out_json_error_member(&j, e);
		kx_json_object_end(&j);
	}
	return e->code < 0 ? e->code : -EINVAL;
}

/* The plan refused the load: the refusal is the action's error. */
static int refused(const struct kexec_plan *p, struct kx_err *err)
{
	*err = p->refusal;
	if (err->code >= 0)
		err->code = -EINVAL;
	return err->code;
}

static int crash_loaded_now(const struct kexec_ctx *c)
{
	return kx_read_crash_loaded(&c->sysroot);
}

static void sleep_ms(unsigned ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000 }, NULL);
}

static void ebusy_wait(unsigned attempt)
{
	unsigned ms = EBUSY_FIRST_MS << (attempt < 8 ? attempt : 8);

	kx_debug("kexec lock busy (EBUSY), retrying in %u ms", ms < EBUSY_MAX_MS ? ms : EBUSY_MAX_MS);
	sleep_ms(ms < EBUSY_MAX_MS ? ms : EBUSY_MAX_MS);
}

/* Monotonic milliseconds, for -d: how long the kernel took (the time without a crash kernel). */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* kexec_file_load, retried while the kernel's kexec lock is busy (nothing changes on EBUSY). */
static int file_load(int kfd, int ifd, const char *cmdline, unsigned long cmdline_len,
		     unsigned long flags)
{
	int r;

	for (unsigned attempt = 0;; attempt++) {
		kx_debug("kexec_file_load(kernel_fd=%d, initrd_fd=%d, cmdline_len=%lu, flags=%#lx)%s",
			 kfd, ifd, cmdline_len, flags, kx_syscall_fake() ? " [fake]" : "");
		double t0 = now_ms();

		r = kx_sys_kexec_file_load(kfd, ifd, cmdline, cmdline_len, flags);
		kx_debug("kexec_file_load returned %d in %.1f ms", r, now_ms() - t0);
		if (r != -EBUSY || attempt == EBUSY_RETRIES)
			return r;
		ebusy_wait(attempt);
	}
}

/* kexec_load of the plan's segments, retried while the kexec lock is busy. */
static int kload(const struct kexec_plan *p, unsigned long flags)
{
	int r;

	for (unsigned attempt = 0;; attempt++) {
		kx_debug("kexec_load(entry=%#llx, nr_segments=%zu, flags=%#lx)%s",
			 (unsigned long long)p->entry, p->segs.n, flags,
			 kx_syscall_fake() ? " [fake]" : "");
		double t0 = now_ms();

		r = kx_sys_kexec_load(p->entry, &p->segs, flags);
		kx_debug("kexec_load returned %d in %.1f ms", r, now_ms() - t0);
		if (r != -EBUSY || attempt == EBUSY_RETRIES)
			return r;
		ebusy_wait(attempt);
	}
}

/*
 * Run the plan's steps: the first, then each later one whose `after` names the errno the step
 * before failed with.  0 with *ret_step the step that loaded, or the last -errno.
 */
static int run_steps(const struct kexec_plan *p, const struct plan_step **ret_step)
{
	int r = 0;

	for (size_t i = 0; i < p->nsteps; i++) {
		const struct plan_step *s = &p->steps[i];

		if (i > 0 && !((s->after & PLAN_AFTER_EINVAL) && r == -EINVAL))
			continue;
		if (i > 0)
			kx_debug("%s: retrying with flags %#lx", strerrorname_np(-r), s->flags);
		if (p->kload)
			r = kload(p, s->flags);
		else
			r = file_load(p->kernel.fd, p->has_initrd ? p->initrd.fd : -1, p->cmdline,
				      (unsigned long)p->cmdline_len, s->flags);
		if (r == 0) {
			if (s->warning)
				kx_warn("%s", s->warning);
			*ret_step = s;
			return 0;
		}
	}
	return r;
}

/*
 * A kexec_load record is restored by running its command again (its segments are rebuilt from
 * the files): this kexec, the recorded argv, in the recorded directory.  The child runs under the
 * lock this process holds (KEXEC_EXT_RESTORING tells it so) and does not restore in turn.
 */
static int restore_by_command(const struct kx_crash_record *prev, char *why, size_t size)
{
	char self[PATH_MAX], fake[160];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *env[3] = { "KEXEC_EXT_RESTORING=1", NULL, NULL };
	char **argv;
	int r;

	if (prev->argc < 1) {
		snprintf(why, size, "the record of the %s load has no command to repeat",
			 prev->syscall);
		return -ENOEXEC;
	}
	if (!kx_crash_record_replayable(prev, why, size))
		return -EPERM;
	if (n <= 0) {
		snprintf(why, size, "cannot find this kexec (/proc/self/exe) to repeat the recorded "
			 "%s load", prev->syscall);
		return -ENOEXEC;
	}
	self[n] = '\0';
	if (kx_syscall_fake()) {
		snprintf(fake, sizeof(fake), "KEXEC_EXT_FAKE_ERRNO=%s", kx_syscall_fake_remaining());
		env[1] = fake;
	}
	argv = calloc(prev->argc + 1, sizeof(*argv));
	if (!argv) {
		snprintf(why, size, "out of memory");
		return -ENOMEM;
	}
	memcpy(argv, prev->argv, prev->argc * sizeof(*argv));
	argv[0] = self;
	/* its messages are ours; its standard output (a --json document) is not */
	r = kx_child_run(&(struct kx_child){ .path = self, .argv = argv, .cwd = prev->cwd,
					     .env = env }, NULL, 0);
	free(argv);
	if (r == 0)
		return 0;
	if (r < 0) {
		snprintf(why, size, "cannot repeat the recorded command: %s", strerror(-r));
		return r;
	}
	snprintf(why, size, "repeating the recorded command (%s in %s) failed with status %d",
		 prev->argv[1] ? prev->argv[1] : "", prev->cwd ? prev->cwd : "/", r);
	return -EIO;
}

/* The kernel file needs unpacking before the kernel can read it (plan-unpack.c). */
static bool kernel_is_packed(const char *path)
{
	unsigned char head[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, head, sizeof(head), 0) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 && kx_pack_detect(head, (size_t)n) != KX_PACK_NONE;
}

/* Load the recorded previous crash kernel again. */
static int restore_previous(const struct kexec_ctx *c, const struct kx_crash_record *prev,
			    char *why, size_t size)
{
	struct plan_file k = { .fd = -1 }, i = { .fd = -1 };
	struct kx_err e;
	int r;

	/* a kexec_load, or a kernel file that must be unpacked first: run the command again */
	if (!strcmp(prev->syscall, "kexec_load") || kernel_is_packed(prev->kernel))
		return restore_by_command(prev, why, size);
	if (strcmp(prev->syscall, "kexec_file_load")) {
		snprintf(why, size, "it was loaded with %s, which this version cannot repeat",
			 prev->syscall);
		return -ENOTSUP;
	}
	kx_err_clear(&e);
	r = plan_open_file(prev->kernel, "kernel", &k, &e);
	if (r == 0 && prev->initrd)
		r = plan_open_file(prev->initrd, "initrd", &i, &e);
	if (r < 0) {
		snprintf(why, size, "%s", e.msg);
	} else {
		/* the flags follow from the record, whatever its flags line says */
		r = file_load(k.fd, i.fd, prev->cmdline, strlen(prev->cmdline) + 1,
			      KX_KEXEC_FILE_ON_CRASH | (prev->initrd ? 0 : KX_KEXEC_FILE_NO_INITRAMFS));
		if (r < 0)
			kexec_explain(-r, KEXEC_CALL_FILE_LOAD, true, false, c, NULL, why, size);
	}
	plan_close_file(&k);
	plan_close_file(&i);
	return r;
}

static char *absolute(const char *path)
{
	char *abs = realpath(path, NULL);

	return abs ? abs : strdup(path);
}

static void record_load(const struct kexec_ctx *c, const struct kexec_plan *p,
			const struct plan_step *step)
{
	struct kx_crash_record rec = {
		.time = (long long)time(NULL),
		.flags = step->flags & ~(unsigned long)(p->kload ? KX_KEXEC_DEBUG : KX_KEXEC_FILE_DEBUG),
		.hotplug = step->hotplug,
		.cmdline = p->cmdline, .argv = c->o->argv, .argc = (size_t)c->o->argc,
	};
	char cwd[PATH_MAX], text[640];
	struct kx_err e;

	snprintf(rec.syscall, sizeof(rec.syscall), "%s", plan_syscall_name(p->syscall));
	rec.kernel = absolute(p->kernel.path);
	/* a UKI's own .initrd is part of the kernel file: the record names the file once */
	rec.initrd = p->has_initrd && !p->unpack.initrd_from_image ? absolute(p->initrd.path) : NULL;
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	rec.cwd = cwd;
	/* the memory the dump of this load covers, for the freshness check (kexec -S, status) */
	if (p->has_mem)
		rec.ram = p->mem.ram;
	kx_err_clear(&e);
	if (!rec.kernel || (p->has_initrd && !p->unpack.initrd_from_image && !rec.initrd) ||
	    kx_state_write(c->state_dir, &rec, &e) < 0)
		kx_warn("the crash kernel is loaded, but recording the load in %s failed (%s): "
			   "kexec-hotplug cannot re-register it and a failed later load cannot "
			   "restore it; set KEXEC_STATE_DIR to a writable directory", c->state_dir,
			   e.code ? kx_err_text(&e, text, sizeof(text)) : "out of memory");
	else
		kx_debug("recorded the load in %s/%s", c->state_dir, KX_STATE_RECORD);
	free(rec.kernel);
	free(rec.initrd);
}

static void print_result_json(const struct kexec_ctx *c, const struct kexec_plan *p,
			      const struct load_result *res)
{
	struct kx_json j;
	char name[32];

	json_begin(&j, "load", c->o->dry_run);
	plan_print_json(c, p, &j);
	kx_json_object_begin(&j, "result");
	kx_json_bool(&j, "loaded", res->err == 0);
	if (p->crash && !res->err)
		kx_json_string(&j, "hotplug", kx_hotplug_mode_name(res->hotplug));
	if (res->err) {
		kx_json_string(&j, "errno", kexec_errno_name(res->err, name, sizeof(name)));
		kx_json_string(&j, "message", res->message);
	} else {
		kx_json_null(&j, "errno");
		kx_json_null(&j, "message");
	}
	kx_json_string(&j, "previous", previous_names[res->previous]);
	kx_json_string(&j, "restore_error", res->restore_error[0] ? res->restore_error : NULL);
	kx_json_object_end(&j);
	kx_json_object_end(&j);
}

/* After a failed crash load: is the previous crash kernel still there, and if not, restore it. */
static void after_failed_crash_load(const struct kexec_ctx *c, int before, bool have_prev,
				    const struct kx_crash_record *prev, struct load_result *res)
{
	int after = crash_loaded_now(c);

	if (before != 1) {
		res->previous = before == 0 ? PREV_NONE : PREV_UNKNOWN;
		return;
	}
	if (after == 1) {
		res->previous = PREV_KEPT;
		kx_error("the crash kernel loaded before is still loaded");
		return;
	}
	if (!have_prev) {
		snprintf(res->restore_error, sizeof(res->restore_error), "it was not loaded by this "
			 "kexec (no record in %s)", c->state_dir);
	} else if (restore_previous(c, prev, res->restore_error, sizeof(res->restore_error)) < 0) {
		/* restore_error says why */
	} else if (kx_read_crash_loaded_settled(&c->sysroot) == 0) {
		snprintf(res->restore_error, sizeof(res->restore_error), "the kernel accepted the "
			 "restoring load but then reported no crash kernel loaded (%s reads 0)",
			 kx_crash_loaded_path(&c->sysroot));
	} else {
		char when[64];
		time_t t = (time_t)prev->time;
		struct tm tm;

		res->previous = PREV_RESTORED;
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&t, &tm));
		kx_error("the kernel had dropped the crash kernel loaded before; it is "
			"restored (%s, loaded %s)", prev->kernel, when);
		return;
	}
	res->previous = PREV_LOST;
	kx_error("NOTHING IS LOADED NOW: the kernel dropped the crash kernel loaded "
		"before and restoring it failed: %s; a panic now is not captured: fix the problem "
		"above and load again", res->restore_error);
}

/*
 * A crash load the kernel accepted is verified: the kernel reports a crash kernel loaded, and a
 * kexec_load's header still describes the memory online.  A load the kernel lost is made again
 * (the plan is still right), at most VERIFY_RELOADS times; -EIO with why when it stays lost.
 * -ESTALE when the memory changed: the caller plans again.  Unknown (no sysfs file) is not a
 * failure: there is nothing to verify against.
 */
static int verify_crash_load(const struct kexec_ctx *c, const struct kexec_plan *used,
			     const struct plan_step **step, char *why, size_t size)
{
	for (unsigned n = 0;; n++) {
		int loaded = kx_read_crash_loaded_settled(&c->sysroot), r;

		if (loaded == 1 && used->kload && plan_memory_changed(c, used, why, size))
			return -ESTALE;
		if (loaded != 0)
			return 0;
		snprintf(why, size, "the kernel accepted the load but then reported no crash kernel "
			 "loaded (%s read 0, %u times %u ms apart)", kx_crash_loaded_path(&c->sysroot),
			 KX_CRASH_LOADED_READS, KX_CRASH_LOADED_READ_MS);
		if (n == VERIFY_RELOADS)
			return -EIO;
		kx_warn("%s: loading again (%u of %u)", why, n + 1, VERIFY_RELOADS);
		r = run_steps(used, step);
		if (r < 0)
			return r;
	}
}

/* last: a load that finds the memory changed again is kept as it is (no more -ESTALE) */
static int run_load(struct kexec_ctx *c, const struct kexec_plan *p, bool last)
{
	const struct kexec_opts *o = c->o;
	const struct kexec_plan *used = p;     /* p, or -a's kexec_load alternative */
	const struct plan_step *step = NULL;
	struct kx_crash_record prev = { 0 };
	struct load_result res = { 0 };
	bool have_prev = false;
	int lock_fd = -1, before = KX_TRI_UNKNOWN, r;
	/* run by restore_by_command(): the parent holds the lock and does the restoring; run by
	 * kexec-hotplug's worker: it holds the lock (so that the record it replays stays the
	 * latest until this load replaces it), and a failure here is restored here */
	bool restoring = getenv("KEXEC_EXT_RESTORING") != NULL;
	bool lock_held = restoring || getenv("KEXEC_EXT_LOCK_HELD") != NULL;
	struct kx_err e;
	char text[640];

	if (p->crash) {
		kx_err_clear(&e);
		if (!lock_held && kx_state_lock(c->state_dir, &lock_fd, &e) < 0)
			kx_warn("%s; loading without the lock", kx_err_text(&e, text, sizeof(text)));
		kx_err_clear(&e);
		r = kx_state_read(c->state_dir, &prev, &e);
		have_prev = r == 0;
		if (r < 0 && r != -ENOENT)
			kx_warn("ignoring the saved load: %s", kx_err_text(&e, text, sizeof(text)));
		before = crash_loaded_now(c);
		/* from here the kernel may drop the loaded image: left behind, the marker tells
		 * kexec-hotplug that this load was cut short (a restoring child is covered by its
		 * parent's) */
		kx_err_clear(&e);
		if (!restoring && kx_state_mark(c->state_dir, "kexec", &e) < 0)
			kx_debug("%s", kx_err_text(&e, text, sizeof(text)));
	}

	r = run_steps(p, &step);
	if (r < 0 && !p->kload && o->sysmode == SYSMODE_AUTO && plan_falls_back(-r)) {
		char name[32];

		kx_error("kexec_file_load refused the %s (%s); falling back to kexec_load",
			 p->crash ? "crash kernel" : "kernel", kexec_errno_name(-r, name, sizeof(name)));
		if (!p->alt) {
			kx_error("kexec_load: %s", p->alt_error.msg);
		} else {
			used = p->alt;
			for (size_t i = 0; i < used->nwarnings && !o->debug; i++)
				kx_warn("%s", used->warnings[i]);
			if (o->debug)
				plan_print_text(c, used, stderr);
			r = run_steps(used, &step);
		}
	}
	if (r == 0 && p->crash && !restoring) {
		r = verify_crash_load(c, used, &step, res.message, sizeof(res.message));
		if (r == -ESTALE && !last) {
			/* loaded and recorded; the caller plans again and the next load replaces it */
			kx_warn("%s: planning the load again", res.message);
			record_load(c, used, step);
			kx_state_unmark(c->state_dir);
			if (have_prev)
				kx_crash_record_free(&prev);
			if (lock_fd >= 0)
				close(lock_fd);
			return r;
		}
		if (r == -ESTALE) {
			kx_warn("%s, during %u loads: the loaded elfcorehdr may miss the newest change "
				"until kexec-hotplug reloads after it", res.message, VERIFY_RELOADS + 1);
			res.message[0] = '\0';
			r = 0;
		}
		if (r == -EIO) {
			/* recorded all the same: the load meant is known, and kexec-hotplug check
			 * (and the next hotplug event) repairs "recorded but not loaded" */
			record_load(c, used, step);
			res.err = EIO;
			kx_error("NOT ARMED: %s after %u more loads; a panic now is not captured: "
				 "run this command again or kexec-hotplug check", res.message,
				 VERIFY_RELOADS);
		}
	}
	if (r == 0) {
		res.hotplug = step->hotplug;
		if (p->crash)
			record_load(c, used, step);
		if (p->crash && !restoring)
			kx_state_unmark(c->state_dir);
	} else if (r == -EIO && res.err == EIO) {
		/* verified lost: said above */
	} else {
		enum kexec_call call = used->syscall == PLAN_KEXEC_LOAD ? KEXEC_CALL_KEXEC_LOAD
									: KEXEC_CALL_FILE_LOAD;

		res.err = -r;
		kexec_explain(-r, call, p->crash, false, c, used, res.message, sizeof(res.message));
		kx_error("loading the %s %s failed: %s", p->crash ? "crash kernel" : "kernel",
			 o->kernel, res.message);
		if (p->crash && !restoring) {
			after_failed_crash_load(c, before, have_prev, &prev, &res);
			/* nothing lost (nothing was loaded, it was kept, or it is restored) */
			if (res.previous != PREV_LOST)
				kx_state_unmark(c->state_dir);
		}
	}
	if (o->json)
		print_result_json(c, used, &res);
	if (have_prev)
		kx_crash_record_free(&prev);
	if (lock_fd >= 0)
		close(lock_fd);
	return r;
}

int kexec_do_load(struct kexec_ctx *c, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	struct kexec_plan p;
	int r;

	r = plan_build(c, &p, err);
	if (r < 0) {
		plan_free(&p);
		return fail_before_plan(c, "load", err);
	}
	if (o->elfcorehdr_out) {
		r = plan_write_elfcorehdr(c, &p, o->elfcorehdr_out, err);
		if (r < 0) {
			plan_free(&p);
			return fail_before_plan(c, "load", err);
		}
	}
	if (o->dry_run) {
		if (o->json) {
			struct kx_json j;

			json_begin(&j, "load", true);
			plan_print_json(c, &p, &j);
			kx_json_object_end(&j);
		} else {
			plan_print_text(c, &p, stdout);
		}
		r = p.refused ? refused(&p, err) : 0;
		plan_free(&p);
		return r;
	}
	if (o->debug)
		plan_print_text(c, &p, stderr);
	for (size_t i = 0; i < p.nwarnings && !o->debug; i++)
		kx_warn("%s", p.warnings[i]);
	if (p.refused && !o->load_anyway) {
		r = refused(&p, err);
		if (o->json) {
			struct kx_json j;

			json_begin(&j, "load", false);
			plan_print_json(c, &p, &j);
			kx_json_null(&j, "result");
			kx_json_object_end(&j);
		}
		plan_free(&p);
		return r;
	}
	if (p.refused)
		kx_warn("--load-anyway: loading although %s", p.refusal.msg);
	r = run_load(c, &p, false);
	plan_free(&p);
	/* the memory changed while our elfcorehdr was built: plan and load again, a bounded
	 * number of times (a burst still going on is kexec-hotplug's to follow) */
	for (unsigned n = 1; r == -ESTALE && n <= VERIFY_RELOADS; n++) {
		r = plan_build(c, &p, err);
		if (r == 0 && !p.refused)
			r = run_load(c, &p, n == VERIFY_RELOADS);
		else if (r == 0)
			r = refused(&p, err);
		plan_free(&p);
	}
	return r;
}

int kexec_do_unload(struct kexec_ctx *c, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	unsigned long flags = KX_KEXEC_FILE_UNLOAD | (o->crash ? KX_KEXEC_FILE_ON_CRASH : 0);
	unsigned long kflags = (o->crash ? KX_KEXEC_ON_CRASH : 0) |
			       (c->arch ? c->arch->kexec_arch : 0);
	enum kexec_call call = KEXEC_CALL_FILE_LOAD;
	int lock_fd = -1, r;
	char msg[640], name[32];
	struct kx_err e;

	if (o->dry_run) {
		if (o->sysmode == SYSMODE_KEXEC_LOAD)
			printf("would unload the %s kernel: kexec_load(0, 0, NULL, %#lx)\n",
			       o->crash ? "crash" : "kexec", kflags);
		else
			printf("would unload the %s kernel: kexec_file_load(-1, -1, 0, NULL, %#lx)\n",
			       o->crash ? "crash" : "kexec", flags);
		return 0;
	}
	if (o->crash) {
		kx_err_clear(&e);
		if (kx_state_lock(c->state_dir, &lock_fd, &e) < 0)
			kx_warn("%s; unloading without the lock", kx_err_text(&e, msg, sizeof(msg)));
	}
	if (o->sysmode == SYSMODE_KEXEC_LOAD) {
		r = -ENOSYS;
	} else {
		kx_debug("kexec_file_load(-1, -1, 0, NULL, %#lx)%s", flags,
			    kx_syscall_fake() ? " [fake]" : "");
		r = kx_sys_kexec_file_load(-1, -1, NULL, 0, flags);
	}
	if (r < 0 && o->sysmode != SYSMODE_FILE && plan_falls_back(-r)) {
		call = KEXEC_CALL_KEXEC_LOAD;
		kx_debug("kexec_load(0, 0, NULL, %#lx)%s", kflags,
			    kx_syscall_fake() ? " [fake]" : "");
		r = kx_sys_kexec_load_unload(kflags);
	}
	if (r == 0 && o->crash) {
		kx_err_clear(&e);
		if (kx_state_remove(c->state_dir, &e) < 0)
			kx_warn("%s", kx_err_text(&e, msg, sizeof(msg)));
		kx_state_unmark(c->state_dir);
	}
	if (r < 0) {
		kexec_explain(-r, call, o->crash, true, c, NULL, msg, sizeof(msg));
		kx_err_set(err, r, "unloading the %s kernel failed: %s",
			   o->crash ? "crash" : "kexec", msg);
	}
	if (o->json) {
		struct kx_json j;

		json_begin(&j, "unload", false);
		kx_json_string(&j, "image", o->crash ? "crash" : "normal");
		kx_json_string(&j, "syscall", kexec_call_name(call));
		kx_json_bool(&j, "unloaded", r == 0);
		kx_json_string(&j, "errno", r ? kexec_errno_name(-r, name, sizeof(name)) : NULL);
		kx_json_string(&j, "message", r ? msg : NULL);
		kx_json_object_end(&j);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	return r;
}

int kexec_do_exec(struct kexec_ctx *c, struct kx_err *err)
{
	char msg[640];
	int r;

	/* -f has just loaded it (or, with --dry-run, would have) */
	if (c->sys.kexec_loaded == 0 && !c->o->exec_now)
		return kx_err_set(err, -ENOENT, "no kernel is loaded to execute "
				  "(/sys/kernel/kexec_loaded is 0): load one with kexec -l first");
	if (c->o->dry_run) {
		printf("would %s%sreboot into the loaded kernel: reboot(LINUX_REBOOT_CMD_KEXEC), "
		       "without shutting down services\n", c->o->no_sync ? "" : "sync, ",
		       c->o->no_ifdown ? "" : "take the network interfaces down, ");
		return 0;
	}
	if (!c->o->no_sync)
		kx_sys_sync();
	if (!c->o->no_ifdown)
		kx_sys_ifdown();
	kx_debug("reboot(LINUX_REBOOT_CMD_KEXEC)%s", kx_syscall_fake() ? " [fake]" : "");
	r = kx_sys_reboot_kexec();
	if (r == 0)
		return 0;                  /* only the fake returns */
	if (r == -EINVAL)
		snprintf(msg, sizeof(msg), "no kernel is loaded to execute (EINVAL): load one with "
			 "kexec -l first");
	else
		kexec_explain(-r, KEXEC_CALL_REBOOT, false, false, c, NULL, msg, sizeof(msg));
	return kx_err_set(err, r, "executing the loaded kernel failed: %s", msg);
}
