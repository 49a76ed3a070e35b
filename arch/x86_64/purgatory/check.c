// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The purgatory's decision: may the loaded kernel be started?  Pure (reads the parameter block
 * and the regions, writes one line of text), so the host unit test calls it inside the real
 * blob through header.check_offset.
 */
#include "check.h"
#include "sha256.h"

/* A bounded line being written; text past the end is dropped, the NUL always fits. */
struct line {
	char *buf;
	uint64_t size, len;
};

static void put_char(struct line *l, char ch)
{
	if (l->len + 1 < l->size)
		l->buf[l->len++] = ch;
	if (l->size)
		l->buf[l->len] = '\0';
}

static void put_str(struct line *l, const char *s)
{
	while (*s)
		put_char(l, *s++);
}

static void put_hex(struct line *l, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 60;

	put_str(l, "0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		put_char(l, digits[(v >> shift) & 0xf]);
}

static void put_dec(struct line *l, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 20);
	while (n)
		put_char(l, tmp[--n]);
}

static void put_digest(struct line *l, const uint8_t *d)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < KX_PURG_DIGEST_SIZE; i++) {
		put_char(l, digits[d[i] >> 4]);
		put_char(l, digits[d[i] & 0xf]);
	}
}

static int digest_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;

	for (unsigned i = 0; i < KX_PURG_DIGEST_SIZE; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

#define PREFIX "kexec-ext purgatory: "
#define REFUSE "; not starting the loaded kernel"

static int refuse(struct line *l, const char *what)
{
	put_str(l, PREFIX);
	put_str(l, what);
	put_str(l, REFUSE);
	return -1;
}

/* Region i's bytes hash to `got`, not to the digest the loader computed. */
static int region_mismatch(struct line *l, const struct kx_purg_params *p, unsigned i,
			   const uint8_t *got)
{
	const struct kx_purg_region *r = &p->regions[i];

	put_str(l, PREFIX "segment digest mismatch (");
	put_str(l, "region ");
	put_dec(l, i);
	put_str(l, " of ");
	put_dec(l, p->nr_regions);
	put_str(l, " at ");
	put_hex(l, r->start);
	put_str(l, " size ");
	put_hex(l, r->len);
	put_str(l, ", expected ");
	put_digest(l, r->digest);
	put_str(l, ", got ");
	put_digest(l, got);
	put_str(l, ")" REFUSE);
	return -1;
}

/* The regions' digests do not hash to the overall one: the list itself was changed. */
static int list_mismatch(struct line *l, const struct kx_purg_params *p, const uint8_t *got)
{
	put_str(l, PREFIX "segment digest mismatch (");
/* every region matches its own digest: the list or the overall digest was changed */
	put_str(l, "all regions, expected ");
	put_digest(l, p->digest);
	put_str(l, ", got ");
	put_digest(l, got);
	put_str(l, ")" REFUSE);
	return -1;
}

int kx_purgatory_check(const struct kx_purg_params *p, char *msg, uint64_t size)
{
	struct line l = { msg, size, 0 };
	struct kx_sha256 c;
	uint8_t got[KX_PURG_DIGEST_SIZE];

	if (size)
		msg[0] = '\0';
	if (p->magic != KX_PURG_PARAMS_MAGIC)
		return refuse(&l, "parameter block has a bad magic (loader and purgatory differ)");
	if (!p->kernel_entry)
		return refuse(&l, "no kernel entry address (the loader did not fill the parameter block)");
	if (!p->verify)
		return 0;
	if (p->nr_regions > KX_PURG_MAX_REGIONS)
		return refuse(&l, "more than 16 regions to verify (parameter block corrupted)");
	/* each region once, against its own digest; then the digests against the overall one */
	kx_sha256_init(&c);
	for (unsigned i = 0; i < p->nr_regions; i++) {
		uint8_t one[KX_PURG_DIGEST_SIZE];

		kx_sha256((const void *)(uintptr_t)p->regions[i].start, (size_t)p->regions[i].len,
			  one);
		if (!digest_equal(one, p->regions[i].digest))
			return region_mismatch(&l, p, i, one);
		kx_sha256_update(&c, one, KX_PURG_DIGEST_SIZE);
	}
	kx_sha256_final(&c, got);
	if (digest_equal(got, p->digest))
		return 0;
	return list_mismatch(&l, p, got);
}
