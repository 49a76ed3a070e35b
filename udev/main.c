// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec-hotplug: run by 98-kexec-hotplug.rules for each memory/CPU event.  It counts the event in
 * the state dir, makes sure the one worker runs, and returns to udev at once: udev waits for its
 * RUN programs, so nothing slow (and never `udevadm settle`, which would wait for this very event)
 * may happen here.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "child.h"
#include "fileio.h"
#include "kexec-hotplug.h"
#include "state.h"

#ifndef KX_SYSCONFDIR
#define KX_SYSCONFDIR "/etc"
#endif
#ifndef KX_SBINDIR
#define KX_SBINDIR "/usr/sbin"
#endif

/* what a worker started by systemd-run must see of our environment */
static const char *const passed_env[] = {
	"KEXEC_STATE_DIR", "KEXEC_HOTPLUG_KEXEC", "KEXEC_HOTPLUG_CONF", "KEXEC_HOTPLUG_SYSROOT",
	"KEXEC_HOTPLUG_QUIET_MS", "KEXEC_HOTPLUG_MAX_SETTLE_MS", "KEXEC_HOTPLUG_SPAWN",
};

static void usage(FILE *fp)
{
	fputs("Usage:\n"
	      " " PROG "                  (from udev) count the event in ACTION/SUBSYSTEM/DEVPATH\n"
	      " " PROG " worker           settle the burst and reload (started by the above)\n"
	      " " PROG " status [--json]  mode, armed or not, counters, last reload and error\n"
	      " " PROG " check            reload a recorded load the kernel no longer has\n"
	      "\nOptions:\n"
	      " -j, --json       status as JSON\n"
	      " -v, --verbose    log lines to stderr too\n"
	      " -h, --help       display this help\n"
	      " -V, --version    display version\n"
	      "\nSee kexec-hotplug(8).\n", fp);
}

#define CONFIG_MAX 8191

/* configuration file, then the environment; a bad setting is logged and the default kept */
static void load_config(struct hp_ctx *c)
{
	static const struct {
		const char *env, *key;
	} envs[] = {
		{ "KEXEC_HOTPLUG_QUIET_MS", "quiet_ms" },
		{ "KEXEC_HOTPLUG_MAX_SETTLE_MS", "max_settle_ms" },
		{ "KEXEC_HOTPLUG_SPAWN", "spawn" },
	};
	const char *path = getenv("KEXEC_HOTPLUG_CONF");
	char *text = NULL;
	struct kx_err e;
	size_t n;
	int r;

	if (!path || !*path)
		path = KX_SYSCONFDIR "/kexec/hotplug.conf";
	kx_hp_config_defaults(&c->cfg);
	kx_err_clear(&e);
	r = kx_read_small_file(AT_FDCWD, path, NULL, CONFIG_MAX, KX_READ_REGULAR, &text, &n, &e);
	if (r == -EFBIG)
		kx_log(LOG_WARNING, "%s is larger than %u bytes: ignored, defaults used", path,
		       CONFIG_MAX);
	kx_err_clear(&e);
	if (r == 0 && kx_hp_config_parse(text, n, &c->cfg, &e) < 0)
		kx_log(LOG_WARNING, "%s: %s; defaults used", path, e.msg);
	free(text);
	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		const char *v = getenv(envs[i].env);

		kx_err_clear(&e);
		if (v && *v && kx_hp_config_set(&c->cfg, envs[i].key, v, &e) < 0)
			kx_log(LOG_WARNING, "%s: %s; ignored", envs[i].env, e.msg);
	}
}

static int setup(struct hp_ctx *c)
{
	const char *k = getenv("KEXEC_HOTPLUG_KEXEC"), *root = getenv("KEXEC_HOTPLUG_SYSROOT");
	int r;

	c->state_dir = kx_state_dir();
	/* only an absolute path overrides the installed loader: udev's PATH is not ours to trust;
	 * a tree installed with another prefix than it was built for has it in /usr/sbin */
	if (k && k[0] == '/')
		snprintf(c->kexec, sizeof(c->kexec), "%s", k);
	else if (access(KX_SBINDIR "/kexec", X_OK) == 0)
		snprintf(c->kexec, sizeof(c->kexec), "%s", KX_SBINDIR "/kexec");
	else
		snprintf(c->kexec, sizeof(c->kexec), "%s", "/usr/sbin/kexec");
	r = kx_sysroot_init(&c->sysroot, root);
	if (r < 0) {
		kx_log(LOG_ERR, "KEXEC_HOTPLUG_SYSROOT=%s: %s", root, strerror(-r));
		return r;
	}
	load_config(c);
	return 0;
}

struct event_ctx {
	int kind;                       /* -1: ignored at once */
	const char *why;
	int64_t now;
};

static bool record_event(struct kx_hp_status *st, void *ctx)
{
	struct event_ctx *ev = ctx;

	st->events++;
	if (ev->kind < 0) {
		st->ignored++;
		snprintf(st->last_reason, sizeof(st->last_reason), "%s", ev->why);
		return true;
	}
	if (kx_hp_status_pending(st) == 0)
		st->first_pending_ms = ev->now;
	st->pending[ev->kind]++;
	st->seq++;
	st->last_event_ms = ev->now;
	return true;
}

static int spawn_fork(const char *self);

/* systemd-run --no-block: under systemd, udev kills what it forked when the event is done.
 * systemd-run by its absolute path (udev's PATH may lack it); when it fails (not installed,
 * D-Bus not up yet), a detached child rather than no worker at all. */
static int spawn_systemd(const struct hp_ctx *c, const char *self)
{
	char envbuf[sizeof(passed_env) / sizeof(passed_env[0])][PATH_MAX + 64];
	const char *argv[32];
	unsigned n = 0;
	int r;

	argv[n++] = c->cfg.systemd_run;
	argv[n++] = "--no-block";
	argv[n++] = "--collect";
	argv[n++] = "--quiet";
	argv[n++] = "--description=kexec-hotplug worker: reload the crash kernel after hotplug";
	for (size_t i = 0; i < sizeof(passed_env) / sizeof(passed_env[0]); i++) {
		const char *v = getenv(passed_env[i]);

		if (!v)
			continue;
		snprintf(envbuf[i], sizeof(envbuf[i]), "--setenv=%s=%s", passed_env[i], v);
		argv[n++] = envbuf[i];
	}
	argv[n++] = self;
	argv[n++] = "worker";
	argv[n] = NULL;
	r = kx_child_run(&(struct kx_child){ .path = argv[0], .argv = (char *const *)argv,
					     .err = KX_CHILD_STDERR_NULL }, NULL, 0);
	if (r == 0)
		return 0;
	kx_log(LOG_WARNING, "%s %s worker %s %d: starting the worker as a detached child "
	       "instead (udev may stop it when this event ends; set systemd_run in hotplug.conf "
	       "if systemd-run is elsewhere)", c->cfg.systemd_run, self,
	       r < 0 ? "could not start: errno" : "exited", r < 0 ? -r : r);
	return spawn_fork(self);
}

/* a detached grandchild in its own session, stdio on /dev/null */
static int spawn_fork(const char *self)
{
	char *const argv[] = { (char *)self, (char *)"worker", NULL };
	int r = kx_child_run(&(struct kx_child){ .path = self, .argv = argv,
						 .err = KX_CHILD_STDERR_NULL, .detach = true },
			     NULL, 0);

	if (r < 0 && r != -ECHILD)
		return kx_log_errno(LOG_ERR, r, "cannot start a worker");
	return r == 0 ? 0 : -ECHILD;
}

static int start_worker(const struct hp_ctx *c)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	bool systemd;

	if (n <= 0) {
		return kx_log_errno(LOG_ERR, -errno, "cannot start a worker: /proc/self/exe");
	}
	self[n] = '\0';
	systemd = c->cfg.spawn == KX_HP_SPAWN_SYSTEMD ||
		  (c->cfg.spawn == KX_HP_SPAWN_AUTO && access("/run/systemd/system", F_OK) == 0);
	return systemd ? spawn_systemd(c, self) : spawn_fork(self);
}

static int on_event(const struct hp_ctx *c)
{
	struct event_ctx ev = { .now = kx_hp_now_ms() };
	struct kx_err e;
	int r;

	ev.kind = kx_hp_event_kind(getenv("ACTION"), getenv("SUBSYSTEM"), getenv("SYNTH_UUID"),
				   &ev.why);
	kx_err_clear(&e);
	r = kx_hp_status_update(c->state_dir, record_event, &ev, NULL, &e);
	if (r < 0) {
		kx_log(LOG_ERR, "cannot record the %s %s event: %s", getenv("SUBSYSTEM"),
		       getenv("ACTION"), e.msg);
		return 1;
	}
	if (ev.kind < 0 || kx_hp_worker_running(c->state_dir))
		return 0;
	return start_worker(c) < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct hp_ctx c = { 0 };
	bool json = false;
	const char *cmd;
	int o;

	kx_cli_init(PROG);
	while ((o = getopt_long(argc, argv, "jvhV", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'v': c.verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf(PROG " from " PACKAGE_NAME " " PACKAGE_VERSION "\n"); return 0;
		default: fprintf(stderr, "Try '" PROG " --help' for more information.\n"); return 2;
		}
	}
	cmd = optind < argc ? argv[optind++] : NULL;
	if (optind < argc)
		return kx_usage_error("too many arguments");
	if (cmd && strcmp(cmd, "worker") && strcmp(cmd, "status") && strcmp(cmd, "check")) {
		return kx_usage_error("unknown command '%.64s' (worker, status or check)", cmd);
	}
	if (json && (!cmd || strcmp(cmd, "status")))
		return kx_usage_error("--json goes with status");
	if (!cmd && !getenv("ACTION"))
		return kx_usage_error("no ACTION in the environment: udev runs this with an event "
				   "(see kexec-hotplug(8)); try 'kexec-hotplug status'");
	kx_log_to_syslog(c.verbose);
	if (setup(&c) < 0)
		return 1;
	if (!cmd)
		return on_event(&c);
	if (!strcmp(cmd, "worker"))
		return hp_worker(&c) < 0 ? 1 : 0;
	if (!strcmp(cmd, "check"))
		return hp_check(&c);
	return hp_status(&c, json);
}
