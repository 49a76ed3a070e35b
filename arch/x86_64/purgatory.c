// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loader side of the x86_64 purgatory: find the embedded blob, check its header, patch a copy.
 * The patching is plain byte work with explicit little-endian stores, so it runs (and is unit
 * tested) on every host; only the blob itself needs an x86_64 host to be built.
 */
#include <errno.h>
#include <string.h>

#include "purgatory.h"
#include "x86_64/purgatory/params.h"
#include "x86_64/purgatory/sha256.h"

_Static_assert(KX_PURGATORY_MAX_REGIONS == KX_PURG_MAX_REGIONS, "region limits differ");

#ifdef KX_HAVE_PURGATORY_BLOB
/* arch/x86_64/purgatory-blob.S */
extern const unsigned char kx_x86_purgatory_blob[];
extern const unsigned char kx_x86_purgatory_blob_end[];
#endif

static uint32_t get_le(const unsigned char *p, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void put_le(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

#define HDR(field) offsetof(struct kx_purg_header, field)
#define PRM(field) offsetof(struct kx_purg_params, field)

struct layout {
	uint32_t entry, params, check, memsz;
};

/* The header of a blob of `size` bytes, every offset checked against the size. */
static int read_header(const unsigned char *b, size_t size, struct layout *ret, struct kx_err *err)
{
	struct layout l = { 0 };
	uint32_t params_size;

	if (size < KX_PURG_HEADER_SIZE)
		return kx_err_at(err, -EBADMSG, 0, "purgatory blob is %zu bytes, shorter than its "
				 "%u-byte header; rebuild kexec-ext", size, KX_PURG_HEADER_SIZE);
	if (get_le(b + HDR(magic), 4) != KX_PURG_MAGIC)
		return kx_err_at(err, -EBADMSG, HDR(magic), "purgatory blob has no \"KXPG\" magic "
				 "(found 0x%08x); rebuild kexec-ext", get_le(b + HDR(magic), 4));
	if (get_le(b + HDR(version), 2) != KX_PURG_VERSION ||
	    get_le(b + HDR(header_size), 2) != KX_PURG_HEADER_SIZE)
		return kx_err_at(err, -EBADMSG, HDR(version), "purgatory blob header version %u "
				 "size %u, this loader reads version %u size %u; rebuild kexec-ext",
				 get_le(b + HDR(version), 2), get_le(b + HDR(header_size), 2),
				 KX_PURG_VERSION, KX_PURG_HEADER_SIZE);
	l.entry = get_le(b + HDR(entry_offset), 4);
	l.params = get_le(b + HDR(params_offset), 4);
	params_size = get_le(b + HDR(params_size), 4);
	l.check = get_le(b + HDR(check_offset), 4);
	l.memsz = get_le(b + HDR(memsz), 4);
	if (l.entry < KX_PURG_HEADER_SIZE || l.entry >= size)
		return kx_err_at(err, -EBADMSG, HDR(entry_offset), "purgatory entry offset 0x%x is "
				 "outside the %zu-byte blob", l.entry, size);
	if (l.check < KX_PURG_HEADER_SIZE || l.check >= size)
		return kx_err_at(err, -EBADMSG, HDR(check_offset), "purgatory check offset 0x%x is "
				 "outside the %zu-byte blob", l.check, size);
	if (params_size != sizeof(struct kx_purg_params))
		return kx_err_at(err, -EBADMSG, HDR(params_size), "purgatory parameter block is %u "
				 "bytes, this loader writes %zu; rebuild kexec-ext", params_size,
				 sizeof(struct kx_purg_params));
	if (l.params < KX_PURG_HEADER_SIZE || l.params > size - params_size)
		return kx_err_at(err, -EBADMSG, HDR(params_offset), "purgatory parameter block at "
				 "0x%x+0x%x is outside the %zu-byte blob", l.params, params_size, size);
	if (get_le(b + l.params + PRM(magic), 4) != KX_PURG_PARAMS_MAGIC)
		return kx_err_at(err, -EBADMSG, l.params + PRM(magic), "purgatory parameter block "
				 "has no \"KXPP\" magic; rebuild kexec-ext");
	if (l.memsz < size)
		return kx_err_at(err, -EBADMSG, HDR(memsz), "purgatory memory size %u is smaller "
				 "than the %zu-byte blob", l.memsz, size);
	*ret = l;
	return 0;
}

int kx_x86_purgatory_image(const void **ret_blob, size_t *ret_size, uint64_t *ret_memsz)
{
#ifdef KX_HAVE_PURGATORY_BLOB
	size_t size = (size_t)(kx_x86_purgatory_blob_end - kx_x86_purgatory_blob);
	struct layout l = { 0 };
	int r;

	r = read_header(kx_x86_purgatory_blob, size, &l, NULL);
	if (r < 0)
		return r;
	*ret_blob = kx_x86_purgatory_blob;
	*ret_size = size;
	*ret_memsz = l.memsz;
	return 0;
#else
	(void)ret_blob, (void)ret_size, (void)ret_memsz;
	return -ENOTSUP;
#endif
}

static int check_setup(const struct kx_purgatory_setup *s, struct kx_err *err)
{
	if (!s->kernel_entry)
		return kx_err_set(err, -EINVAL, "purgatory: no kernel entry address");
	if (s->nr_regions > KX_PURGATORY_MAX_REGIONS)
		return kx_err_set(err, -EINVAL, "purgatory: %zu regions to verify, at most %d "
				  "(one per kexec segment)", s->nr_regions, KX_PURGATORY_MAX_REGIONS);
	for (size_t i = 0; i < s->nr_regions; i++) {
		const struct kx_purgatory_region *r = &s->regions[i];

		if (!r->len || !r->buf)
			return kx_err_set(err, -EINVAL, "purgatory: region %zu at 0x%llx is %s", i,
					  (unsigned long long)r->start, r->len ? "without a buffer" : "empty");
		if (r->start + r->len < r->start || (uint64_t)(size_t)r->len != r->len)
			return kx_err_set(err, -EINVAL, "purgatory: region %zu at 0x%llx of 0x%llx "
					  "bytes wraps around the address space", i,
					  (unsigned long long)r->start, (unsigned long long)r->len);
	}
	return 0;
}

int kx_x86_purgatory_patch(void *copy, size_t size, const struct kx_purgatory_setup *s,
			   uint64_t *ret_entry_offset, struct kx_err *err)
{
	unsigned char *b = copy;
	unsigned char *p;
	struct kx_sha256 all;
	struct layout l = { 0 };
	int r;

	r = read_header(b, size, &l, err);
	if (r < 0)
		return r;
	r = check_setup(s, err);
	if (r < 0)
		return r;

	p = b + l.params;
	memset(p, 0, sizeof(struct kx_purg_params));
	put_le(p + PRM(magic), KX_PURG_PARAMS_MAGIC, 4);
	put_le(p + PRM(verify), s->verify, 4);
	put_le(p + PRM(kernel_entry), s->kernel_entry, 8);
	put_le(p + PRM(boot_params), s->boot_params, 8);
	put_le(p + PRM(serial_port), s->serial_port, 2);
	put_le(p + PRM(nr_regions), s->nr_regions, 2);
	put_le(p + PRM(serial_divisor), s->serial_baud ? 115200 / s->serial_baud : 0, 4);
	kx_sha256_init(&all);
	for (size_t i = 0; i < s->nr_regions; i++) {
		const struct kx_purgatory_region *rg = &s->regions[i];
		unsigned char *q = p + PRM(regions) + i * sizeof(struct kx_purg_region);

		put_le(q + offsetof(struct kx_purg_region, start), rg->start, 8);
		put_le(q + offsetof(struct kx_purg_region, len), rg->len, 8);
		if (!s->verify)
			continue;
		kx_sha256(rg->buf, (size_t)rg->len, q + offsetof(struct kx_purg_region, digest));
		kx_sha256_update(&all, q + offsetof(struct kx_purg_region, digest),
				 KX_PURG_DIGEST_SIZE);
	}
	if (s->verify)
		kx_sha256_final(&all, p + PRM(digest));
	*ret_entry_offset = l.entry;
	return 0;
}
