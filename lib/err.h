/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ERR_H
#define KX_ERR_H
/*
 * Error context for library code.  Library functions never print or exit: they return -errno and,
 * where a human needs to know more, describe the problem here.  Malformed input is -EBADMSG with the
 * file offset of the offending structure; I/O failures keep their errno.
 */
#include <stdbool.h>
#include <stdint.h>

struct kx_err {
	int code;               /* -errno of the first error, 0 if none */
	bool has_offset;
	uint64_t offset;        /* file offset the message is about */
	char msg[512];
};

void kx_err_clear(struct kx_err *e);

/* Record an error (if none is recorded yet) and return `code` for `return kx_err_set(...)`. */
int kx_err_set(struct kx_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kx_err_at(struct kx_err *e, int code, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Human text for an error: the message, "at offset 0x…" when known, or strerror. */
const char *kx_err_text(const struct kx_err *e, char *buf, unsigned size);

/* -EBADMSG and friends: the input is malformed (exit 1) rather than unreadable (exit 3). */
bool kx_err_is_malformed(int code);

#endif
