/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_LE_H
#define KX_LE_H
/* Little-endian fields of file formats (boot headers, ELF, PE), read and written byte by byte:
 * no alignment assumed, the same result on every host. */
#include <stdint.h>

static inline uint16_t kx_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t kx_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t kx_le64(const unsigned char *p)
{
	return kx_le32(p) | (uint64_t)kx_le32(p + 4) << 32;
}

static inline void kx_put_le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void kx_put_le32(unsigned char *p, uint32_t v)
{
	kx_put_le16(p, (uint16_t)v);
	kx_put_le16(p + 2, (uint16_t)(v >> 16));
}

#endif
