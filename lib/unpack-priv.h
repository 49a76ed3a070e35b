/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_UNPACK_PRIV_H
#define KX_UNPACK_PRIV_H
/*
 * Shared by the unpacker's files: unpack.c (detection, the layer loop, the errors),
 * unpack-codec.c (the decompressors), unpack-pe.c (the PE/COFF containers: UKI, zboot).
 */
#include <stdbool.h>
#include <stdint.h>

#include "le.h"
#include "unpack.h"

#define NO_BASE         UINT64_MAX      /* the layer's input is decompressed: no file offset */

struct unpacker {
	uint64_t limit;
	struct kx_err *err;
	struct kx_unpacked res;
	uint64_t base;          /* file offset of the current layer's input, or NO_BASE */
	uint64_t off0;          /* offset of the codec's input in the layer's input */
	bool uki_seen;
};

/* [off, off + size) lies inside a buffer of len bytes; no sum that could wrap */
static inline bool up_in_bounds(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static inline bool up_all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* unpack.c: "LAYER > LAYER: message", off in the failing layer's input (filled into u->err) */
int up_fail(struct unpacker *u, int code, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* unpack-codec.c */
bool up_is_lzma(const unsigned char *p, size_t len);
/* in (u->off0 into the layer's input) decompressed by kind's codec into a malloc'd *ret_out */
int up_decompress(struct unpacker *u, enum kx_pack kind, const unsigned char *in, size_t in_len,
		  unsigned char **ret_out, size_t *ret_len);

/* unpack-pe.c */
enum kx_pack up_pe_detect(const unsigned char *p, size_t len);   /* ZBOOT, UKI or NONE */
int up_pe_check(struct unpacker *u, const unsigned char *p, size_t len);
int up_zboot(struct unpacker *u, const unsigned char *p, size_t len, struct kx_unpack_layer *l,
	     unsigned char **ret_out, size_t *ret_len);
int up_uki(struct unpacker *u, const unsigned char *p, size_t len, uint64_t *ret_off,
	   size_t *ret_len);

#endif
