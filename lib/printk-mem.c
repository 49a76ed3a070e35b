// SPDX-License-Identifier: GPL-2.0-or-later
/* printk walkers: reading the crashed kernel's memory, member by member. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk-priv.h"
#include "vmcoreinfo.h"

/* ---------------------------------------------------------------- memory */

uint64_t pk_get_int(const struct kx_printk_iter *it, const unsigned char *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (it->lay.big_endian ? 8 * (width - 1 - i) : 8 * i);
	return v;
}

/* Read a member: base + off, width bytes, with overflow checked. */
int pk_rd(struct kx_printk_iter *it, uint64_t base, uint64_t off, unsigned width,
	      const char *what, uint64_t *ret, struct kx_err *err)
{
	unsigned char b[8];
	int r;

	if (off > UINT64_MAX - base)
		return kx_err_set(err, -EBADMSG, "%s: address 0x%" PRIx64 " + 0x%" PRIx64
				  " overflows", what, base, off);
	r = it->mem.read(it->mem.ctx, base + off, b, width, what, err);
	if (r < 0)
		return r;
	*ret = pk_get_int(it, b, width);
	return 0;
}

int pk_rd_bytes(struct kx_printk_iter *it, uint64_t addr, uint64_t off, void *buf, size_t len,
		    const char *what, struct kx_err *err)
{
	if (off > UINT64_MAX - addr || len > UINT64_MAX - addr - off)
		return kx_err_set(err, -EBADMSG, "%s: address 0x%" PRIx64 " + 0x%" PRIx64
				  " overflows", what, addr, off);
	return it->mem.read(it->mem.ctx, addr + off, buf, len, what, err);
}

/*
 * A malformed structure at kernel address addr: -EBADMSG, with the file offset of addr when the
 * memory reader can tell it, else the address in the message.
 */
int pk_bad(struct kx_printk_iter *it, struct kx_err *err, uint64_t addr, const char *fmt, ...)
{
	char msg[400];
	uint64_t off;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (it->mem.offset && it->mem.offset(it->mem.ctx, addr, &off) == 0)
		return kx_err_at(err, -EBADMSG, off, "%s", msg);
	return kx_err_set(err, -EBADMSG, "%s (kernel address 0x%" PRIx64 ")", msg, addr);
}

/* The crashed kernel's word: 32 or 64 bits. */
uint64_t pk_wmask(const struct kx_printk_iter *it)
{
	return it->lay.word == 8 ? UINT64_MAX : 0xffffffffu;
}

/* A kernel pointer read from memory: NULL is an error. */
int pk_pointer(struct kx_printk_iter *it, uint64_t base, uint64_t off, const char *what,
		   uint64_t *ret, struct kx_err *err)
{
	int r = pk_rd(it, base, off, it->lay.word, what, ret, err);

	if (r < 0)
		return r;
	if (!*ret)
		return kx_err_set(err, -EBADMSG, "%s at 0x%" PRIx64 " is NULL", what, base + off);
	return 0;
}

