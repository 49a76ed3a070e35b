/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_VMCOREINFO_H
#define KX_VMCOREINFO_H
/* VMCOREINFO: "KEY=VALUE" lines the crashed kernel wrote for dump tools (OSRELEASE, PAGESIZE,
 * CRASHTIME, SYMBOL(x), OFFSET(a.b), SIZE(x), NUMBER(x), …).  Pure functions over the text. */
#include <stddef.h>
#include <stdint.h>

/* The value of KEY (exact match of everything before '='), copied NUL-terminated.  -ENOENT when
 * absent, -ENOBUFS when longer than size - 1. */
int kx_vmcoreinfo_get(const char *text, size_t len, const char *key, char *ret, size_t size);

/* Numeric value.  Base 0 means as the kernel writes the key: base 16 for SYMBOL(…), KERNELOFFSET
 * and values starting with 0x, else base 10.  -EINVAL when the value is not such a number. */
int kx_vmcoreinfo_get_u64(const char *text, size_t len, const char *key, int base, uint64_t *ret);

/* A signed decimal value (NUMBER(phys_base) is negative when the kernel runs below its link
 * address), or 0x hex.  -ENOENT, -EINVAL. */
int kx_vmcoreinfo_get_i64(const char *text, size_t len, const char *key, int64_t *ret);

struct kx_vmcore;
struct kx_err;

#define KX_VMCOREINFO_MAX (1024 * 1024)

/*
 * The text of the vmcore's (first) VMCOREINFO note, malloc'ed and NUL-terminated; free() it.
 * -ENOENT (err says so) when there is none, -EFBIG when n_descsz is over KX_VMCOREINFO_MAX, or
 * the reader's error.
 */
int kx_vmcoreinfo_read(struct kx_vmcore *v, char **ret, size_t *ret_len, struct kx_err *err);

#endif
