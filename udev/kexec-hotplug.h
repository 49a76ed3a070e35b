/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_KEXEC_HOTPLUG_H
#define KX_KEXEC_HOTPLUG_H
/*
 * kexec-hotplug: the udev helper (main.c: the event, the one worker's start), the worker
 * (worker.c: settle, decide, reload or re-register) and `status` (status.c).
 */
#include <stdbool.h>

#include "cli.h"
#include "hotplug.h"
#include "kexecsys.h"
#include "hpstate.h"
#include "sysroot.h"

#define PROG "kexec-hotplug"

struct hp_ctx {
	const char *state_dir;
	struct kx_sysroot sysroot;
	struct kx_hp_config cfg;
	char kexec[4096];               /* the loader a reload runs */
	bool verbose;                   /* log lines to stderr too (kx_log_to_syslog) */
};

/* The worker: returns at once when another holds hotplug.worker.lock. */
int hp_worker(const struct hp_ctx *c);

/* `check`: a load recorded but not loaded is reloaded (and verified); exit status. */
int hp_check(const struct hp_ctx *c);

/* `status [--json]`: exit status. */
int hp_status(const struct hp_ctx *c, bool json);

#endif
