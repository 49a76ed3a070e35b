// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

void kx_err_clear(struct kx_err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->has_offset = false;
	e->offset = 0;
	e->msg[0] = '\0';
}

static int err_vset(struct kx_err *e, int code, bool has_offset, uint64_t offset,
		    const char *fmt, va_list ap)
{
	if (!e || e->code)
		return code;
	e->code = code;
	e->has_offset = has_offset;
	e->offset = offset;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return code;
}

int kx_err_set(struct kx_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, false, 0, fmt, ap);
	va_end(ap);
	return code;
}

int kx_err_at(struct kx_err *e, int code, uint64_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, true, offset, fmt, ap);
	va_end(ap);
	return code;
}

const char *kx_err_text(const struct kx_err *e, char *buf, unsigned size)
{
	if (!e->msg[0])
		snprintf(buf, size, "%s", strerror(-e->code));
	else if (e->has_offset)
		snprintf(buf, size, "%s (at offset 0x%llx)", e->msg, (unsigned long long)e->offset);
	else
		snprintf(buf, size, "%s", e->msg);
	return buf;
}

bool kx_err_is_malformed(int code)
{
	return code == -EBADMSG || code == -EPROTO || code == -EOVERFLOW || code == -ENOEXEC ||
	       code == -E2BIG;
}
