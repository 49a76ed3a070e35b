/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_SHA256_H
#define KX_SHA256_H
/*
 * SHA-256 (FIPS 180-4), incremental.  Freestanding: it needs nothing but <stdint.h> and
 * <stddef.h>, so the same file is compiled into the purgatory blob (no libc, no SSE) and into
 * the host loader, which computes the digests the purgatory checks.
 */
#include <stddef.h>
#include <stdint.h>

#define KX_SHA256_DIGEST_SIZE 32
#define KX_SHA256_BLOCK_SIZE  64

struct kx_sha256 {
	uint32_t h[8];
	uint64_t bytes;                         /* message length so far */
	uint8_t block[KX_SHA256_BLOCK_SIZE];    /* partial block, `bytes % 64` bytes used */
};

void kx_sha256_init(struct kx_sha256 *c);
void kx_sha256_update(struct kx_sha256 *c, const void *data, size_t len);
/* Pads, writes the digest (big-endian words) and re-initialises c for a new message. */
void kx_sha256_final(struct kx_sha256 *c, uint8_t out[KX_SHA256_DIGEST_SIZE]);

/* One-shot. */
void kx_sha256(const void *data, size_t len, uint8_t out[KX_SHA256_DIGEST_SIZE]);

#endif
