// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one worker: holds hotplug.worker.lock, waits until the burst settles (no event for the quiet
 * period, or the upper bound after its first event), decides once for the whole burst, and
 * reloads the saved load (never unloading first: the load syscall is the only unarmed moment, and
 * kexec restores the previous load itself when the kernel rejects the new one) or re-registers
 * fadump.  Events that arrive during a reload make one more round.  After releasing the lock it
 * looks once more for events that came meanwhile: their helper saw the lock held and started no
 * worker.  A worker killed at any point leaves no stale lock (flock dies with its file).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "fadump.h"
#include "kexec-hotplug.h"
#include "state.h"

static void sleep_ms(int64_t ms)
{
	nanosleep(&(struct timespec){ (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 }, NULL);
}

/* Wait until the burst has settled; false when nothing is pending (or the status is unreadable). */
static bool settle(const struct hp_ctx *c)
{
	for (;;) {
		struct kx_hp_status st;
		struct kx_err e;
		int64_t now, quiet_left, bound_left, wait;

		kx_err_clear(&e);
		if (kx_hp_status_load(c->state_dir, &st, &e) < 0) {
			kx_log(LOG_ERR, "%s", e.msg);
			return false;
		}
		if (kx_hp_status_pending(&st) == 0)
			return false;
		now = kx_hp_now_ms();
		quiet_left = st.last_event_ms + c->cfg.quiet_ms - now;
		bound_left = st.first_pending_ms + c->cfg.max_settle_ms - now;
		if (quiet_left <= 0 || bound_left <= 0)
			return true;
		wait = quiet_left < bound_left ? quiet_left : bound_left;
		sleep_ms(wait);
	}
}

struct burst {
	uint64_t n[KX_HP_KINDS];
	uint64_t total;
	int64_t first_ms;               /* when its first event came */
};

/* The end of this worker's last reload (0: none yet).  The kernel's crash hotplug handler takes
 * kexec_trylock(); while our reload holds the lock it skips its header update ("crash hp:
 * kexec_trylock() failed, elfcorehdr may be inaccurate"), so events that came during a reload
 * are not covered by the kernel even where it maintains the header. */
static int64_t last_reload_end_ms;

static bool take_burst(struct kx_hp_status *st, void *ctx)
{
	struct burst *b = ctx;

	b->total = 0;
	b->first_ms = (int64_t)st->first_pending_ms;
	for (unsigned k = 0; k < KX_HP_KINDS; k++) {
		b->n[k] = st->pending[k];
		b->total += st->pending[k];
		st->pending[k] = 0;
	}
	st->handled = st->seq;
	st->first_pending_ms = 0;
	return b->total > 0;
}

/* the burst as "memory-online 8, cpu-add 1" */
static void describe(const struct burst *b, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < KX_HP_KINDS && len < size; k++)
		if (b->n[k])
			len += (size_t)snprintf(buf + len, size - len, "%s%s %llu", len ? ", " : "",
						kx_hp_kind_name(k), (unsigned long long)b->n[k]);
}

struct outcome {
	const struct burst *burst;
	const struct kx_hp_decision *d;
	uint64_t ignored;
	bool acted, ok;
	int64_t duration_ms;
	char error[512];
};

static bool record_outcome(struct kx_hp_status *st, void *ctx)
{
	struct outcome *o = ctx;

	st->ignored += o->ignored;
	snprintf(st->last_reason, sizeof(st->last_reason), "%s", o->d->reason);
	snprintf(st->mode, sizeof(st->mode), "%s", kx_hp_mechanism_name(o->d->mechanism));
	if (o->d->verdict == KX_HP_STALE || (o->acted && !o->ok)) {
		st->failures++;
		snprintf(st->last_error, sizeof(st->last_error), "%s", o->error);
	}
	if (o->acted && o->ok && o->d->verdict == KX_HP_RELOAD) {
		st->reloads++;
		st->last_reload_time = (int64_t)time(NULL);
		st->last_reload_ms = (uint64_t)o->duration_ms;
	} else if (o->acted && o->ok) {
		st->reregisters++;
	}
	return true;
}

/* Run the saved argv with the installed kexec, in the saved cwd; stderr's last line on failure. */
/* Replay the saved load; lock_held: this worker holds the state lock, the child must not wait
 * for it. */
static int run_kexec(const struct hp_ctx *c, const struct kx_crash_record *rec, bool lock_held,
		     char *err, size_t size)
{
	static const char *const held[] = { "KEXEC_EXT_LOCK_HELD=1", NULL };
	char out[4096], **argv;
	size_t len;
	int r;

	if (rec->argc < 1) {
		snprintf(err, size, "the saved load has no arguments to repeat");
		return -EINVAL;
	}
	argv = calloc(rec->argc + 1, sizeof(*argv));
	if (!argv) {
		snprintf(err, size, "out of memory");
		return -ENOMEM;
	}
	memcpy(argv, rec->argv, rec->argc * sizeof(*argv));
	argv[0] = (char *)c->kexec;
	r = kx_child_run(&(struct kx_child){ .path = c->kexec, .argv = argv, .cwd = rec->cwd,
					     .env = lock_held ? held : NULL,
					     .err = KX_CHILD_STDERR_CAPTURE }, out, sizeof(out));
	free(argv);
	if (r == 0)
		return 0;
	if (r < 0) {
		snprintf(err, size, "cannot run %.200s: %s", c->kexec, strerror(-r));
		return r;
	}
	len = strlen(out);
	while (len && out[len - 1] == '\n')
		out[--len] = '\0';
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (r < 128)
		snprintf(err, size, "%.100s exited %d: %.380s", c->kexec, r, len ? out : "(no message)");
	else
		snprintf(err, size, "%.100s was killed by signal %d", c->kexec, r - 128);
	return -EIO;
}

/* fadump without hotplug_ready: register again, through the registrar kexec uses */
/* ... and verified: registered reads 1 afterwards (a 0 is read again before it is believed) */
static int reregister_fadump(const struct hp_ctx *c, char *err, size_t size)
{
	struct kx_fadump_state st;
	int r;

	kx_fadump_read(&c->sysroot, &st);
	r = kx_fadump_register(&st, NULL, kx_fadump_write_sysfs, (void *)&c->sysroot, err, size);
	for (unsigned n = 0; r == 0 && n < 5; n++) {
		kx_fadump_read(&c->sysroot, &st);
		if (st.registered != 0)
			return 0;
		sleep_ms(20);
	}
	if (r == 0) {
		snprintf(err, size, "NOT ARMED: /sys/kernel/fadump/registered reads 0 after "
			 "re-registering; a panic now is not captured: echo 1 > "
			 "/sys/kernel/fadump/registered");
		r = -EIO;
	}
	return r;
}

/*
 * dm-crypt keys for kdump (6.16+): the keys were saved with the load being replaced; "reuse"
 * hands them to the next load instead of asking for them again (which at hotplug time nobody
 * can answer).  Only when keys are there: the kernel refuses it otherwise.
 */
#define DM_CRYPT_DIR "/sys/kernel/config/crash_dm_crypt_keys"
static void reuse_dm_crypt_keys(const struct hp_ctx *c)
{
	uint64_t count = 0;
	int fd;

	if (kx_sysroot_read_u64(&c->sysroot, DM_CRYPT_DIR "/count", 10, &count) < 0 || !count)
		return;
	fd = kx_sysroot_open(&c->sysroot, DM_CRYPT_DIR "/reuse", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		kx_log(LOG_WARNING, "cannot write 1 to %s/reuse (%s): the reload may ask for the "
		       "%llu dm-crypt keys again", DM_CRYPT_DIR, strerror(errno),
		       (unsigned long long)count);
	if (fd >= 0)
		close(fd);
}

/* After a reload kexec reported done: is a crash kernel loaded?  (kexec checks it too; this is
 * the worker's own word for its log and status.) */
static int verify_loaded(const struct hp_ctx *c, char *err, size_t size)
{
	if (kx_read_crash_loaded_settled(&c->sysroot) != 0)
		return 0;
	snprintf(err, size, "NOT ARMED: %s reads 0 after a reload kexec reported done; a panic "
		 "now is not captured: run kexec-hotplug check", kx_crash_loaded_path(&c->sysroot));
	return -EIO;
}

/* Waits before the 2nd and 3rd try of a failed reload. */
static const unsigned retry_ms[] = { 1000, 3000 };

/*
 * A reload of the record: only a crash load is replayed; dm-crypt keys reused; the marker set
 * (a reload cut short from here on is repaired later); the record's command run and the result
 * verified; a failure tried again after 1 s and 3 s.  The marker is cleared once verified.
 */
static int reload(const struct hp_ctx *c, const struct kx_crash_record *rec, bool lock_held,
		  char *err, size_t size)
{
	struct kx_err e;
	int r;

	if (!kx_crash_record_replayable(rec, err, size))
		return -EPERM;
	kx_err_clear(&e);
	if (kx_state_mark(c->state_dir, "kexec-hotplug", &e) < 0)
		kx_log(LOG_WARNING, "%s: a reload cut short will not be repaired", e.msg);
	reuse_dm_crypt_keys(c);
	for (unsigned n = 0;; n++) {
		r = run_kexec(c, rec, lock_held, err, size);
		if (r == 0)
			r = verify_loaded(c, err, size);
		if (r == 0) {
			kx_state_unmark(c->state_dir);
			return 0;
		}
		if (n == sizeof(retry_ms) / sizeof(retry_ms[0]))
			return r;
		kx_log(LOG_WARNING, "reload %u of %zu failed (%s): trying again in %u ms", n + 1,
		       sizeof(retry_ms) / sizeof(retry_ms[0]) + 1, err, retry_ms[n]);
		sleep_ms(retry_ms[n]);
	}
}

/* The state lock (-1 when it cannot be had: logged, and the caller goes on) and the record. */
static int lock_and_read(const struct hp_ctx *c, struct kx_crash_record *rec,
			 struct kx_hp_saved *saved)
{
	struct kx_err e;
	int fd = -1, r;

	kx_err_clear(&e);
	if (kx_state_lock(c->state_dir, &fd, &e) < 0)
		kx_log(LOG_WARNING, "%s; going on without the lock", e.msg);
	kx_err_clear(&e);
	r = kx_state_read(c->state_dir, rec, &e);
	if (r == 0) {
		kx_hp_saved_from(rec, saved);
		saved->cut_short = kx_state_marked(c->state_dir, NULL, 0) == 1;
	} else if (r != -ENOENT)
		kx_log(LOG_ERR, "the saved load cannot be read (%s): treated as absent", e.msg);
	return fd;
}

/* Decide for the burst: the strongest verdict of its kinds wins. */
static void decide_burst(const struct hp_ctx *c, const struct burst *b,
			 const struct kx_hp_saved *saved, struct kx_hp_decision *ret,
			 uint64_t *ret_ignored)
{
	static const int rank[] = {
		[KX_HP_IGNORE] = 0, [KX_HP_STALE] = 1, [KX_HP_REREGISTER] = 2, [KX_HP_RELOAD] = 3,
	};
	struct kx_hp_sys sys;
	bool first = true;

	kx_hp_sys_read(&c->sysroot, kx_hp_saved_kernel_mode(saved), c->cfg.rereads,
		       c->cfg.reread_ms, &sys);
	*ret_ignored = 0;
	for (unsigned k = 0; k < KX_HP_KINDS; k++) {
		struct kx_hp_decision d;

		if (!b->n[k])
			continue;
		kx_hp_decide(k, &sys, saved, &d);
		if (d.verdict == KX_HP_IGNORE)
			*ret_ignored += b->n[k];
		if (first || rank[d.verdict] > rank[ret->verdict])
			*ret = d;
		first = false;
	}
}

/* One settled burst: take it, decide, act, count.  False when there was nothing to take. */
static bool one_burst(const struct hp_ctx *c)
{
	struct kx_crash_record rec = { 0 };
	struct kx_hp_saved saved = { 0 };
	struct kx_hp_decision d;
	struct burst b;
	struct outcome o = { .burst = &b, .d = &d };
	char what[256];
	struct kx_err e;
	int lock_fd = -1, r;

	kx_err_clear(&e);
	if (kx_hp_status_update(c->state_dir, take_burst, &b, NULL, &e) < 0) {
		kx_log(LOG_ERR, "%s", e.msg);
		return false;
	}
	if (b.total == 0)
		return false;
	describe(&b, what, sizeof(what));
	/* the state lock from reading the record to the end of its reload: a load made meanwhile
	 * by the admin is neither decided on stale nor overwritten by the record it replaced */
	lock_fd = lock_and_read(c, &rec, &saved);
	decide_burst(c, &b, &saved, &d, &o.ignored);
	if (d.verdict == KX_HP_IGNORE && d.mechanism == KX_HP_MECH_KERNEL && last_reload_end_ms &&
	    b.first_ms <= last_reload_end_ms) {
		d.verdict = KX_HP_RELOAD;
		o.ignored = 0;
		snprintf(d.reason, sizeof(d.reason), "events came while our reload held the kexec "
			 "lock: the kernel skips its header update then (kexec_trylock); reloading");
	}
	if (d.verdict == KX_HP_RELOAD || d.verdict == KX_HP_REREGISTER) {
		int64_t t0 = kx_hp_now_ms();

		o.acted = true;
		r = d.verdict == KX_HP_RELOAD ? reload(c, &rec, lock_fd >= 0, o.error,
						       sizeof(o.error)) :
			reregister_fadump(c, o.error, sizeof(o.error));
		o.ok = r == 0;
		o.duration_ms = kx_hp_now_ms() - t0;
		if (d.verdict == KX_HP_RELOAD)
			last_reload_end_ms = kx_hp_now_ms();
		if (o.ok)
			kx_log(LOG_INFO, "%s after %llu events (%s) in %lld ms: %s",
			       d.verdict == KX_HP_RELOAD ? "reloaded the crash kernel" :
			       "re-registered fadump", (unsigned long long)b.total, what,
			       (long long)o.duration_ms, d.reason);
		else
			kx_log(LOG_ERR, "%s after %llu events (%s) failed: %s",
			       d.verdict == KX_HP_RELOAD ? "reloading the crash kernel" :
			       "re-registering fadump", (unsigned long long)b.total, what, o.error);
	} else if (d.verdict == KX_HP_STALE) {
		snprintf(o.error, sizeof(o.error), "%s", d.reason);
		kx_log(LOG_WARNING, "%llu events (%s): %s", (unsigned long long)b.total, what,
		       d.reason);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	kx_err_clear(&e);
	if (kx_hp_status_update(c->state_dir, record_outcome, &o, NULL, &e) < 0)
		kx_log(LOG_ERR, "%s", e.msg);
	kx_crash_record_free(&rec);
	return true;
}

int hp_worker(const struct hp_ctx *c)
{
	for (;;) {
		struct kx_hp_status st;
		struct kx_err e;
		int fd, r;

		kx_err_clear(&e);
		r = kx_hp_worker_lock(c->state_dir, &fd, &e);
		if (r == -EWOULDBLOCK)
			return 0;       /* another worker has it */
		if (r < 0)
			return kx_log_err(LOG_ERR, &e, NULL);
		while (settle(c) && one_burst(c))
			;
		close(fd);
		/* an event recorded while we held the lock started no worker: look once more */
		kx_err_clear(&e);
		if (kx_hp_status_load(c->state_dir, &st, &e) < 0 || kx_hp_status_pending(&st) == 0)
			return 0;
	}
}

/* An event-less burst for `check`: the outcome is counted like a burst's. */
static const struct burst no_events;

int hp_check(const struct hp_ctx *c)
{
	struct kx_crash_record rec = { 0 };
	struct kx_hp_saved saved = { 0 };
	struct kx_hp_decision d = { 0 };
	struct kx_hp_sys sys;
	struct outcome o = { .burst = &no_events, .d = &d };
	struct kx_err e;
	int lock_fd;

	lock_fd = lock_and_read(c, &rec, &saved);
	kx_hp_sys_read(&c->sysroot, kx_hp_saved_kernel_mode(&saved), c->cfg.rereads,
		       c->cfg.reread_ms, &sys);
	d.mechanism = kx_hp_mechanism(&sys, &saved);
	/* a marker left by a load that did load after all (we hold the lock: nobody is loading) */
	if (saved.cut_short && sys.crash_loaded == 1)
		kx_state_unmark(c->state_dir);
	if (d.mechanism != KX_HP_MECH_REPAIR) {
		snprintf(d.reason, sizeof(d.reason), "check: %s", kx_hp_mechanism_name(d.mechanism));
		if (lock_fd >= 0)
			close(lock_fd);
		kx_crash_record_free(&rec);
		printf("%s: nothing to repair\n", kx_hp_mechanism_name(d.mechanism));
		return 0;
	}
	d.verdict = KX_HP_RELOAD;
	snprintf(d.reason, sizeof(d.reason), "check: a load is recorded but no crash kernel is "
		 "loaded: reloading it");
	kx_log(LOG_WARNING, "a load is recorded (%s, %s) but no crash kernel is loaded: "
	       "reloading it", rec.syscall, rec.kernel);
	int64_t t0 = kx_hp_now_ms();
	o.acted = true;
	o.ok = reload(c, &rec, lock_fd >= 0, o.error, sizeof(o.error)) == 0;
	o.duration_ms = kx_hp_now_ms() - t0;
	if (o.ok)
		kx_log(LOG_INFO, "check: reloaded the crash kernel in %lld ms",
		       (long long)o.duration_ms);
	else
		kx_log(LOG_ERR, "check: reloading the crash kernel failed: %s", o.error);
	if (lock_fd >= 0)
		close(lock_fd);
	kx_err_clear(&e);
	if (kx_hp_status_update(c->state_dir, record_outcome, &o, NULL, &e) < 0)
		kx_log(LOG_ERR, "%s", e.msg);
	kx_crash_record_free(&rec);
	printf("%s\n", o.ok ? "repaired: the recorded load is loaded again" : o.error);
	return o.ok ? 0 : 1;
}
