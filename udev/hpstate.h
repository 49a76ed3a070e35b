/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_HPSTATE_H
#define KX_HPSTATE_H
/*
 * kexec-hotplug's own state, in the state directory beside the crash load record:
 *   hotplug.status        counters, the pending burst and the last outcome (text, replaced
 *                         atomically: readers never take a lock)
 *   hotplug.status.lock   flock'ed for each read-modify-write of hotplug.status (short)
 *   hotplug.worker.lock   flock'ed by the one worker for as long as it settles and reloads
 *
 * hotplug.status, one "key value" per line, strings escaped as kx_escape() does:
 *   version 1
 *   events 1000             udev events seen            ignored 998   reloads 2
 *   reregisters 0           failures 0
 *   seq 1000                events recorded so far; handled: the seq the worker took last
 *   pending memory-online 12   events of that kind not yet taken by the worker
 *   first_pending_ms, last_event_ms   CLOCK_BOOTTIME of the burst's first and last event
 *   last_reload_time (epoch s), last_reload_ms (its duration), last_reason, last_error, mode
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hotplug.h"

#define KX_HP_STATUS_FILE "hotplug.status"
#define KX_HP_STATUS_LOCK "hotplug.status.lock"
#define KX_HP_WORKER_LOCK "hotplug.worker.lock"

struct kx_hp_status {
	uint64_t events, ignored, reloads, reregisters, failures;
	uint64_t seq, handled;
	uint64_t pending[KX_HP_KINDS];
	int64_t first_pending_ms, last_event_ms;
	int64_t last_reload_time;
	uint64_t last_reload_ms;
	char last_reason[256];
	char last_error[512];
	char mode[64];
};

/* Pure: the status as text (new string) and back; an empty text is a fresh status.  Parse:
 * -EBADMSG naming the line. */
int kx_hp_status_format(const struct kx_hp_status *st, char **ret);
int kx_hp_status_parse(const char *text, size_t len, struct kx_hp_status *ret, struct kx_err *err);

/* The sum of the pending counts. */
uint64_t kx_hp_status_pending(const struct kx_hp_status *st);

/* CLOCK_BOOTTIME in milliseconds (runs on across suspend, never jumps). */
int64_t kx_hp_now_ms(void);

/* Read without a lock (no file: a fresh status). */
int kx_hp_status_load(const char *dir, struct kx_hp_status *ret, struct kx_err *err);

/*
 * Read-modify-write under hotplug.status.lock: fn changes *st and returns true to have it written
 * (temporary file + rename).  The directory is created (0755) when missing.  *ret_after (may be
 * NULL) receives the status as written.
 */
int kx_hp_status_update(const char *dir, bool (*fn)(struct kx_hp_status *st, void *ctx), void *ctx,
			struct kx_hp_status *ret_after, struct kx_err *err);

/*
 * The one worker's lock (DIR/hotplug.worker.lock, flock: a killed worker leaves none).  0 with
 * *ret_fd holding it; -EWOULDBLOCK when another process holds it; -errno with err otherwise.
 * kx_hp_worker_running(): true when some process holds it now.
 */
int kx_hp_worker_lock(const char *dir, int *ret_fd, struct kx_err *err);
bool kx_hp_worker_running(const char *dir);

#endif
