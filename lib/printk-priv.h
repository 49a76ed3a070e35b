/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_PRINTK_PRIV_H
#define KX_PRINTK_PRIV_H
/* Shared by the printk walkers (printk-*.c): limits, kernel constants, memory access helpers. */
#include <stdint.h>

#include "printk.h"

#define STRUCT_MAX 65536u               /* no printk structure comes near this */
#define COUNT_BITS_MAX 26               /* log_buf_len <= 2 GiB, 32 bytes per descriptor */
#define SIZE_BITS_MAX 31                /* LOG_BUF_LEN_MAX */
#define LOG_BUF_LEN_MAX (1ull << 31)
#define FAILED_LPOS 0x1
#define NO_LPOS 0x3
#define ST_COMMITTED 1
#define ST_FINALIZED 2

/* memory (printk-mem.c) */
uint64_t pk_get_int(const struct kx_printk_iter *it, const unsigned char *p, unsigned width);
int pk_rd(struct kx_printk_iter *it, uint64_t base, uint64_t off, unsigned width, const char *what,
	  uint64_t *ret, struct kx_err *err);
int pk_rd_bytes(struct kx_printk_iter *it, uint64_t addr, uint64_t off, void *buf, size_t len,
		const char *what, struct kx_err *err);
int pk_bad(struct kx_printk_iter *it, struct kx_err *err, uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
uint64_t pk_wmask(const struct kx_printk_iter *it);
int pk_pointer(struct kx_printk_iter *it, uint64_t base, uint64_t off, const char *what,
	       uint64_t *ret, struct kx_err *err);

/* the walkers */
int pk_lockless_init(struct kx_printk_iter *it, struct kx_err *err);
int pk_lockless_next(struct kx_printk_iter *it, struct kx_printk_record *ret, struct kx_err *err);
int pk_structured_init(struct kx_printk_iter *it, struct kx_err *err);
int pk_structured_next(struct kx_printk_iter *it, struct kx_printk_record *rec, struct kx_err *err);
int pk_legacy_init(struct kx_printk_iter *it, struct kx_err *err);
int pk_legacy_next(struct kx_printk_iter *it, struct kx_printk_record *rec, struct kx_err *err);
void pk_legacy_parse(struct kx_printk_record *rec);

#endif
