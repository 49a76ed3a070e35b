/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_UNITS_H
#define KX_UNITS_H
#include <stddef.h>
#include <stdint.h>

/*
 * Sizes as the kernel's crashkernel= and admins write them: a decimal or 0x number with an optional
 * binary suffix K, M, G, T, P, E (also KiB, MiB, …, and KB, MB, … which mean the same: powers of 1024).
 * Returns 0, -EINVAL (not a size) or -ERANGE (does not fit 64 bits).
 */
int kx_parse_size(const char *s, uint64_t *ret_bytes);

/* Parse an unsigned integer (decimal, or hex with 0x), whole string. 0, -EINVAL or -ERANGE. */
int kx_parse_u64(const char *s, uint64_t *ret);

/* "0 B", "512 B", "4 KiB", "1.5 MiB", "256 MiB", "2 GiB": exact where whole, one decimal otherwise. */
char *kx_format_size(uint64_t bytes, char *buf, size_t size);

#endif
