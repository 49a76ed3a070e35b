/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_STRUTIL_H
#define KX_STRUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Printable ASCII stays, backslash becomes "\\", every other byte "\xNN".  Always NUL-terminates;
 * returns buf.  A buffer of 4 * len + 1 bytes always suffices. */
char *kx_escape(const void *data, size_t len, char *buf, size_t size);

/*
 * A file name for untrusted dump name bytes: printable ASCII only ('/', space, '\\' and every
 * non-printable byte become '_'), a leading '.' becomes '_' (so no ".", "..", or hidden files), an
 * empty name becomes "dump<index>".  Result fits in `size` (>= 32) and is NUL-terminated.
 */
char *kx_safe_filename(const void *name, size_t len, unsigned index, char *buf, size_t size);

/* The value of one hex digit, -1 for anything else. */
int kx_hexval(char c);

#endif
