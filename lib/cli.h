/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_CLI_H
#define KX_CLI_H
/*
 * The command-line edge shared by kexec, vmcore-dd, vmcore-dmesg and kexec-hotplug: the program
 * name, one exit-code enum, one usage-error helper and one log call.  Library code below lib/
 * never calls these (it returns -errno and fills a struct kx_err); the tools' own modules do.
 *
 * Messages go to stderr as "PROG: MSG" ("PROG: warning: MSG" for LOG_WARNING; LOG_DEBUG only with
 * kx_log_set_debug).  kexec-hotplug, run by udev with no terminal, sends them to syslog instead
 * (kx_log_to_syslog), and to stderr as well with -v.
 */
#include <stdbool.h>
#include <syslog.h>

#include "err.h"

/* Every tool's exit status. */
enum kx_exit {
	KX_EXIT_OK = 0,
	KX_EXIT_FAIL = 1,               /* the operation failed; vmcore-*: malformed input */
	KX_EXIT_USAGE = 2,
	KX_EXIT_IO = 3,                 /* vmcore-*: an input or output file could not be read or
					   written */
};

/* What an argument parser returns to go on; anything else is the exit status to stop with. */
#define KX_CLI_CONTINUE (-1)

void kx_cli_init(const char *prog);
const char *kx_cli_prog(void);

/* "PROG: MSG" and "Try 'PROG --help' for more information."; returns KX_EXIT_USAGE. */
int kx_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void kx_log_set_debug(bool on);
bool kx_log_debugging(void);
/* From now on to syslog (LOG_DAEMON, with the pid), and to stderr too when `also_stderr`. */
void kx_log_to_syslog(bool also_stderr);

/* One line at `priority` (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG).  errno is unchanged. */
void kx_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * "MSG: strerror(-r)" at `priority`; returns r, for `return kx_log_errno(LOG_ERR, -errno, …)`:
 * the error is taken before anything can change errno.
 */
int kx_log_errno(int priority, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "MSG: <the error's text>" (or the error's text alone with fmt NULL); returns e->code. */
int kx_log_err(int priority, const struct kx_err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define kx_error(...) kx_log(LOG_ERR, __VA_ARGS__)
#define kx_warn(...)  kx_log(LOG_WARNING, __VA_ARGS__)
#define kx_debug(...) kx_log(LOG_DEBUG, __VA_ARGS__)

#endif
