// SPDX-License-Identifier: GPL-2.0-or-later
/* The command-line edge: program name, usage errors, the log sink (stderr or syslog). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *prog = "kexec-ext";
static bool debugging, to_syslog, syslog_stderr;

void kx_cli_init(const char *name)
{
	prog = name;
}

const char *kx_cli_prog(void)
{
	return prog;
}

void kx_log_set_debug(bool on)
{
	debugging = on;
}

bool kx_log_debugging(void)
{
	return debugging;
}

void kx_log_to_syslog(bool also_stderr)
{
	openlog(prog, LOG_PID, LOG_DAEMON);
	to_syslog = true;
	syslog_stderr = also_stderr;
}

static void vlog(int priority, const char *suffix, const char *fmt, va_list ap)
{
	va_list aq;

	if (to_syslog) {
		char line[1024];

		va_copy(aq, ap);
		vsnprintf(line, sizeof(line), fmt, aq);
		va_end(aq);
		syslog(priority, "%s%s", line, suffix);
		if (syslog_stderr)
			fprintf(stderr, "%s: %s%s\n", prog, line, suffix);
		return;
	}
	if (priority == LOG_DEBUG && !debugging)
		return;
	fprintf(stderr, "%s: %s", prog, priority == LOG_WARNING ? "warning: " : "");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", suffix);
}

void kx_log(int priority, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(priority, "", fmt, ap);
	va_end(ap);
	errno = saved;
}

int kx_log_errno(int priority, int r, const char *fmt, ...)
{
	int saved = errno;
	char suffix[128];
	va_list ap;

	snprintf(suffix, sizeof(suffix), ": %s", strerror(r < 0 ? -r : r));
	va_start(ap, fmt);
	vlog(priority, suffix, fmt, ap);
	va_end(ap);
	errno = saved;
	return r;
}

int kx_log_err(int priority, const struct kx_err *e, const char *fmt, ...)
{
	int saved = errno;
	char text[640], suffix[660];
	va_list ap;

	kx_err_text(e, text, sizeof(text));
	if (!fmt) {
		kx_log(priority, "%s", text);
		return e->code;
	}
	snprintf(suffix, sizeof(suffix), ": %s", text);
	va_start(ap, fmt);
	vlog(priority, suffix, fmt, ap);
	va_end(ap);
	errno = saved;
	return e->code;
}

int kx_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return KX_EXIT_USAGE;
}
