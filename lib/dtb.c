// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device trees: validation, the RAM they describe, and the /chosen edit of a crash load.
 * See dtb.h for the rules and where in the kernel they come from.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtb.h"

#define HEADER_SIZE 40u                 /* struct fdt_header, version 17 */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A number of `cells` (1 or 2) big-endian 32-bit cells. */
static uint64_t cells_get(const unsigned char *p, unsigned cells)
{
	return cells == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

static void cells_put(unsigned char *p, uint64_t v, unsigned cells)
{
	for (unsigned i = 0; i < cells * 4; i++)
		p[i] = (unsigned char)(v >> (8 * (cells * 4 - 1 - i)));
}

static uint64_t off_of(const void *blob, const void *p)
{
	return (uint64_t)((const char *)p - (const char *)blob);
}

/*
 * Walk the structure block's tags once, each step moving forward inside the block: libfdt
 * 1.6.1 (Debian 12) steps by a property's length as a signed number, so a property of length
 * -12 brings fdt_next_tag() back to the tag it started from and fdt_check_full() never returns
 * (found by fuzz-fdt).  Only what makes that walk go back or leave the block is refused here;
 * Each property's name must also lie inside the strings block as its header sizes it: libfdt
 * bounds a v16 blob's names by the whole blob only, while fdt_open_into() copies size_dt_strings
 * bytes, so an edit of such a blob would lose names (found by fuzz-fdt).  libfdt checks the
 * rest.  `size` is the structure block's size (v17) or what the blob has after it (v16).
 */
static int walk_struct(const unsigned char *b, uint32_t st, uint32_t size, uint32_t str,
		       uint32_t str_size, struct kx_err *err)
{
	uint32_t o = 0, name;

	while (o <= size && size - o >= 4) {
		uint32_t tag = be32(b + st + o), len;

		switch (tag) {
		case FDT_BEGIN_NODE: {
			const unsigned char *nul = memchr(b + st + o + 4, '\0', size - o - 4);

			if (!nul)
				return kx_err_at(err, -EBADMSG, st + o, "device tree node name has "
						 "no end inside the structure block");
			o = (uint32_t)(nul - (b + st)) + 1;
			break;
		}
		case FDT_PROP:
			if (size - o < 12)
				return kx_err_at(err, -EBADMSG, st + o, "device tree property is cut "
						 "off by the end of the structure block");
			len = be32(b + st + o + 4);
			if (len > size - o - 12)
				return kx_err_at(err, -EBADMSG, st + o + 4, "device tree property "
						 "has length %u (0x%x), more than the %u bytes left in "
						 "the structure block", len, len, size - o - 12);
			name = be32(b + st + o + 8);
			if (name >= str_size || !memchr(b + str + name, '\0', str_size - name))
				return kx_err_at(err, -EBADMSG, st + o + 8, "device tree property "
						 "has its name at %u, outside the %u-byte strings block",
						 name, str_size);
			o += 12 + len;
			break;
		case FDT_END:
			return 0;
		case FDT_END_NODE:
		case FDT_NOP:
			o += 4;
			break;
		default:
			return kx_err_at(err, -EBADMSG, st + o, "device tree structure block is "
					 "malformed: tag 0x%x is not a node, property or end", tag);
		}
		o = (o + 3) & ~3u;
	}
	return kx_err_at(err, -EBADMSG, st, "device tree structure block is malformed: no end "
			 "tag in its %u bytes", size);
}

int kx_fdt_check(const void *blob, size_t len, struct kx_err *err)
{
	const unsigned char *b = blob;
	uint32_t magic, total;
	int r, next;

	if (len < HEADER_SIZE)
		return kx_err_at(err, -EBADMSG, 0, "device tree is %zu bytes, shorter than its "
				 "%u-byte header", len, HEADER_SIZE);
	magic = be32(b);
	if (magic != FDT_MAGIC)
		return kx_err_at(err, -EBADMSG, 0, "not a device tree blob: magic is 0x%08x, "
				 "not 0xd00dfeed", magic);
	total = be32(b + 4);
	if (total > len)
		return kx_err_at(err, -EBADMSG, 4, "device tree totalsize %u is larger than the "
				 "%zu bytes there are (truncated?)", total, len);
	if (total > KX_FDT_SIZE_MAX)
		return kx_err_at(err, -EBADMSG, 4, "device tree totalsize %u is larger than the "
				 "%u bytes a device tree may have here", total, KX_FDT_SIZE_MAX);
	/*
	 * What libfdt's own checks do not stop (found by fuzz-fdt: Debian 12's libfdt 1.6.1 reads
	 * out of bounds in fdt_check_full() on such blobs): versions before 16, whose struct block
	 * has no size to bound it, and blocks that overlap or leave the blob.
	 */
	if (be32(b + 20) < 16 || be32(b + 24) > 17)
		return kx_err_at(err, -EBADMSG, 20, "device tree version %u (compatible with %u) is "
				 "not 16 or 17, the formats this tool reads", be32(b + 20),
				 be32(b + 24));
	{
		uint32_t rsv = be32(b + 16), st = be32(b + 8), st_size = be32(b + 36);
		uint32_t str = be32(b + 12), str_size = be32(b + 32);

		if (rsv < HEADER_SIZE || rsv % 8 || st < rsv + 16 || st % 4 || st > total ||
		    st_size > total - st || str > total || str_size > total - str ||
		    (str < st + st_size && st < str + str_size))
			return kx_err_at(err, -EBADMSG, 8, "device tree blocks overlap or leave the "
					 "blob (memory reservations at %u, structure %u+%u, strings "
					 "%u+%u, total %u)", rsv, st, st_size, str, str_size, total);
		r = walk_struct(b, st, be32(b + 20) >= 17 ? st_size : total - st, str, str_size,
				err);
		if (r < 0)
			return r;
	}
	r = fdt_check_header(blob);
	if (r < 0)
		return kx_err_at(err, -EBADMSG, 0, "device tree header is malformed: %s",
				 fdt_strerror(r));
	r = fdt_check_full(blob, len);
	if (r < 0)
		return kx_err_at(err, -EBADMSG, fdt_off_dt_struct(blob), "device tree structure "
				 "block is malformed: %s", fdt_strerror(r));
	if (fdt_next_tag(blob, 0, &next) != FDT_BEGIN_NODE)
		return kx_err_at(err, -EBADMSG, fdt_off_dt_struct(blob), "device tree has no "
				 "root node");
	return 0;
}

/* The root's #address-cells / #size-cells, or the defaults of the Devicetree Specification
 * (2 and 1) when absent.  Only 1 and 2 are meaningful for memory. */
static int root_cells(const void *blob, const char *name, unsigned dflt, unsigned *ret,
		      struct kx_err *err)
{
	const unsigned char *p;
	uint32_t v;
	int l;

	p = fdt_getprop(blob, 0, name, &l);
	if (!p) {
		*ret = dflt;
		return 0;
	}
	if (l != 4)
		return kx_err_at(err, -EBADMSG, off_of(blob, p), "root %s is %d bytes, not one "
				 "32-bit cell", name, l);
	v = be32(p);
	if (v != 1 && v != 2)
		return kx_err_at(err, -EBADMSG, off_of(blob, p), "root %s is %u: only 1 or 2 "
				 "cells are supported for memory", name, v);
	*ret = v;
	return 0;
}

/* Append [start, end], extending the last range when this one follows it (LMBs come in
 * address order, so a few million of them make a few ranges). */
static int ram_add(struct kx_ranges *l, uint64_t start, uint64_t end)
{
	if (l->n && l->r[l->n - 1].end != UINT64_MAX && l->r[l->n - 1].end + 1 == start) {
		l->r[l->n - 1].end = end;
		return 0;
	}
	return kx_ranges_add(l, start, end);
}

static int ram_add_sized(const void *blob, struct kx_ranges *l, uint64_t base, uint64_t size,
			 const void *at, const char *what, struct kx_err *err)
{
	int r;

	if (!size)
		return 0;
	if (base + (size - 1) < base)
		return kx_err_at(err, -EBADMSG, off_of(blob, at), "%s: range at 0x%llx of size "
				 "0x%llx runs past the end of the address space", what,
				 (unsigned long long)base, (unsigned long long)size);
	r = ram_add(l, base, base + (size - 1));
	if (r == -E2BIG)
		return kx_err_at(err, r, off_of(blob, at), "%s: more than %u memory ranges", what,
				 KX_RANGES_MAX);
	return r;
}

static bool prop_is(const char *p, int l, const char *s)
{
	size_t n = strlen(s);

	return p && ((size_t)l == n + 1 || (size_t)l == n) && !memcmp(p, s, n) &&
	       ((size_t)l == n || p[n] == '\0');
}

static bool is_memory_node(const void *blob, int node)
{
	const char *type, *status, *name;
	int l, sl;

	status = fdt_getprop(blob, node, "status", &sl);
	if (status && !prop_is(status, sl, "okay") && !prop_is(status, sl, "ok"))
		return false;
	type = fdt_getprop(blob, node, "device_type", &l);
	if (type)
		return prop_is(type, l, "memory");
	name = fdt_get_name(blob, node, &l);
	return name && ((l == 6 && !memcmp(name, "memory", 6)) ||
			(l > 7 && !memcmp(name, "memory@", 7)));
}

static int memory_node(const void *blob, int node, struct kx_fdt_memory *m, struct kx_err *err)
{
	unsigned pair = 4 * (m->addr_cells + m->size_cells);
	const char *pname = "linux,usable-memory", *name;
	const unsigned char *p;
	char what[128];
	int l, r;

	p = fdt_getprop(blob, node, pname, &l);
	if (!p) {
		pname = "reg";
		p = fdt_getprop(blob, node, pname, &l);
	}
	if (!p)
		return 0;
	name = fdt_get_name(blob, node, NULL);
	snprintf(what, sizeof(what), "/%s %s", name ? name : "?", pname);
	if (l % (int)pair)
		return kx_err_at(err, -EBADMSG, off_of(blob, p), "%s is %d bytes, not a multiple "
				 "of the %u bytes of one (address, size) pair in %u+%u cells", what,
				 l, pair, m->addr_cells, m->size_cells);
	for (int i = 0; i < l; i += (int)pair) {
		uint64_t base = cells_get(p + i, m->addr_cells);
		uint64_t size = cells_get(p + i + 4 * m->addr_cells, m->size_cells);

		r = ram_add_sized(blob, &m->ram, base, size, p + i, what, err);
		if (r < 0)
			return r;
	}
	m->nodes++;
	return 0;
}

/* One LMB or one v2 set of n LMBs at base with flags. */
static int lmbs_add(const void *blob, struct kx_fdt_memory *m, uint64_t base, uint64_t n,
		    uint32_t flags, const void *at, const char *what, struct kx_err *err)
{
	uint64_t size;

	m->lmbs += n;
	if (flags & KX_DRCONF_MEM_RESERVED)
		m->lmbs_reserved += n;
	if (!(flags & KX_DRCONF_MEM_ASSIGNED))
		return 0;
	m->lmbs_assigned += n;
	if (flags & KX_DRCONF_MEM_RESERVED)
		return 0;
	if (__builtin_mul_overflow(n, m->lmb_size, &size))
		return kx_err_at(err, -EBADMSG, off_of(blob, at), "%s: %llu LMBs of 0x%llx bytes "
				 "overflow 64 bits", what, (unsigned long long)n,
				 (unsigned long long)m->lmb_size);
	return ram_add_sized(blob, &m->ram, base, size, at, what, err);
}

/* The count that starts an ibm,dynamic-memory(-v2) property, checked against the cap and the
 * property's length. */
static int lmb_count(const void *blob, const unsigned char *p, int l, unsigned entry,
		     const char *what, uint32_t *ret, struct kx_err *err)
{
	uint32_t n;

	if (l < 4)
		return kx_err_at(err, -EBADMSG, off_of(blob, p), "%s is %d bytes, too short for "
				 "its count", what, l);
	n = be32(p);
	if (n > KX_FDT_LMB_MAX)
		return kx_err_at(err, -E2BIG, off_of(blob, p), "%s counts %u entries, more than "
				 "the %u accepted", what, n, KX_FDT_LMB_MAX);
	if ((uint64_t)n * entry > (uint64_t)l - 4)
		return kx_err_at(err, -EBADMSG, off_of(blob, p), "%s counts %u entries of %u bytes "
				 "but has only %d bytes after the count", what, n, entry, l - 4);
	*ret = n;
	return 0;
}

static int drconf(const void *blob, int node, struct kx_fdt_memory *m, struct kx_err *err)
{
	unsigned ac = m->addr_cells;
	const unsigned char *p;
	uint32_t n;
	int l, r;

	p = fdt_getprop(blob, node, "ibm,lmb-size", &l);
	if (!p || l < (int)(4 * m->size_cells))
		return kx_err_at(err, -EBADMSG, p ? off_of(blob, p) : fdt_off_dt_struct(blob) +
				 (uint64_t)node, "ibm,dynamic-reconfiguration-memory has no "
				 "ibm,lmb-size of %u cells", m->size_cells);
	m->lmb_size = cells_get(p, m->size_cells);
	if (!m->lmb_size)
		return kx_err_at(err, -EBADMSG, off_of(blob, p), "ibm,lmb-size is 0");

	/* v1 first, as the kernel's walk_drmem_lmbs_early() */
	p = fdt_getprop(blob, node, "ibm,dynamic-memory", &l);
	if (p) {
		unsigned entry = 4 * (ac + 4);

		m->drconf_version = 1;
		r = lmb_count(blob, p, l, entry, "ibm,dynamic-memory", &n, err);
		if (r < 0)
			return r;
		for (uint32_t i = 0; i < n; i++) {
			const unsigned char *e = p + 4 + (size_t)i * entry;

			r = lmbs_add(blob, m, cells_get(e, ac), 1, be32(e + 4 * (ac + 3)), e,
				     "ibm,dynamic-memory", err);
			if (r < 0)
				return r;
		}
		return 0;
	}
	p = fdt_getprop(blob, node, "ibm,dynamic-memory-v2", &l);
	if (p) {
		unsigned entry = 4 * (1 + ac + 3);

		m->drconf_version = 2;
		r = lmb_count(blob, p, l, entry, "ibm,dynamic-memory-v2", &n, err);
		if (r < 0)
			return r;
		for (uint32_t i = 0; i < n; i++) {
			const unsigned char *e = p + 4 + (size_t)i * entry;
			uint32_t seq = be32(e);

			if (m->lmbs + seq > KX_FDT_LMB_MAX)
				return kx_err_at(err, -E2BIG, off_of(blob, e), "ibm,dynamic-memory-v2 "
						 "describes more than the %u LMBs accepted",
						 KX_FDT_LMB_MAX);
			r = lmbs_add(blob, m, cells_get(e + 4, ac), seq, be32(e + 4 * (ac + 3)), e,
				     "ibm,dynamic-memory-v2", err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int kx_fdt_memory(const void *blob, size_t len, struct kx_fdt_memory *ret, struct kx_err *err)
{
	struct kx_fdt_memory m = { 0 };
	int node, r;

	r = kx_fdt_check(blob, len, err);
	if (r < 0)
		return r;
	r = root_cells(blob, "#address-cells", 2, &m.addr_cells, err);
	if (r == 0)
		r = root_cells(blob, "#size-cells", 1, &m.size_cells, err);
	if (r < 0)
		return r;
	fdt_for_each_subnode(node, blob, 0) {
		if (!is_memory_node(blob, node))
			continue;
		r = memory_node(blob, node, &m, err);
		if (r < 0)
			goto fail;
	}
	if (node != -FDT_ERR_NOTFOUND) {
		r = kx_err_at(err, -EBADMSG, fdt_off_dt_struct(blob), "device tree nodes: %s",
			      fdt_strerror(node));
		goto fail;
	}
	node = fdt_path_offset(blob, "/ibm,dynamic-reconfiguration-memory");
	if (node >= 0) {
		r = drconf(blob, node, &m, err);
		if (r < 0)
			goto fail;
	}
	kx_ranges_normalize(&m.ram);
	*ret = m;
	return 0;
fail:
	kx_ranges_free(&m.ram);
	return r == -ENOMEM ? kx_err_set(err, r, "out of memory reading device tree memory") : r;
}

void kx_fdt_memory_free(struct kx_fdt_memory *m)
{
	kx_ranges_free(&m->ram);
}

/* ---- the /chosen edit of a crash load ---------------------------------------------------- */

/* apply() speaks libfdt's error codes; this one is ours: malloc failed */
#define APPLY_ENOMEM (-1000)

struct cells {
	unsigned ac, sc;
};

static int check_fits(const struct cells *c, uint64_t addr, uint64_t size, const char *what,
		      struct kx_err *err)
{
	if ((c->ac == 1 && addr > UINT32_MAX) || (c->sc == 1 && size > UINT32_MAX))
		return kx_err_set(err, -ERANGE, "%s at 0x%llx size 0x%llx does not fit the root's "
				  "%u address and %u size cells", what, (unsigned long long)addr,
				  (unsigned long long)size, c->ac, c->sc);
	return 0;
}

/* Delete the /memreserve/ entry [start, start + size), if there is one. */
static int del_rsv(void *fdt, uint64_t start, uint64_t size)
{
	int n = fdt_num_mem_rsv(fdt);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		uint64_t a, s;
		int r = fdt_get_mem_rsv(fdt, i, &a, &s);

		if (r < 0)
			return r;
		if (a == start && s == size)
			return fdt_del_mem_rsv(fdt, i);
	}
	return 0;
}

static int delprop(void *fdt, int node, const char *name)
{
	int r = fdt_delprop(fdt, node, name);

	return r == -FDT_ERR_NOTFOUND ? 0 : r;
}

/* A property of 1 or 2 cells (linux,initrd-start/-end are written either way), or -1. */
static int64_t prop_number(const void *fdt, int node, const char *name)
{
	int l;
	const unsigned char *p = fdt_getprop(fdt, node, name, &l);

	if (!p || (l != 4 && l != 8))
		return -1;
	return (int64_t)(cells_get(p, (unsigned)l / 4) & INT64_MAX);
}

/* The reservations an earlier crash edit (or the firmware) made for the old elfcorehdr and
 * initrd go with them. */
static int drop_old(void *fdt, int chosen, const struct cells *c)
{
	const unsigned char *p;
	int64_t start, end;
	int l, r;

	p = fdt_getprop(fdt, chosen, "linux,elfcorehdr", &l);
	if (p && l >= (int)(4 * (c->ac + c->sc))) {
		r = del_rsv(fdt, cells_get(p, c->ac), cells_get(p + 4 * c->ac, c->sc));
		if (r < 0)
			return r;
	}
	start = prop_number(fdt, chosen, "linux,initrd-start");
	end = prop_number(fdt, chosen, "linux,initrd-end");
	if (start >= 0 && end > start) {
		uint64_t size = (uint64_t)(end - start);

		/* firmware may have reserved whole pages */
		r = del_rsv(fdt, (uint64_t)start, size);
		if (r == 0)
			r = del_rsv(fdt, (uint64_t)start, (size + 4095) & ~UINT64_C(4095));
		if (r < 0)
			return r;
	}
	r = delprop(fdt, chosen, "linux,elfcorehdr");
	if (r == 0)
		r = delprop(fdt, chosen, "linux,usable-memory-range");
	return r;
}

static int set_pairs(void *fdt, int chosen, const char *name, const struct kx_range *r,
		     size_t n, const struct cells *c)
{
	size_t pair = 4 * (c->ac + c->sc);
	unsigned char *buf = malloc(n * pair);
	int ret;

	if (!buf)
		return APPLY_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		cells_put(buf + i * pair, r[i].start, c->ac);
		cells_put(buf + i * pair + 4 * c->ac, r[i].end - r[i].start + 1, c->sc);
	}
	ret = fdt_setprop(fdt, chosen, name, buf, (int)(n * pair));
	free(buf);
	return ret;
}

/* Apply the edit to fdt (opened into a buffer of its own); libfdt error codes. */
static int apply(void *fdt, const struct kx_fdt_chosen *ch, const struct cells *c)
{
	int chosen, r;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return chosen;
	r = drop_old(fdt, chosen, c);
	if (r < 0)
		return r;
	if (ch->has_initrd) {
		r = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", ch->initrd_start);
		if (r == 0)
			r = fdt_setprop_u64(fdt, chosen, "linux,initrd-end", ch->initrd_end);
	} else {
		r = delprop(fdt, chosen, "linux,initrd-start");
		if (r == 0)
			r = delprop(fdt, chosen, "linux,initrd-end");
	}
	if (r == 0 && ch->has_elfcorehdr) {
		struct kx_range e = { ch->elfcorehdr_addr,
				      ch->elfcorehdr_addr + ch->elfcorehdr_size - 1 };

		r = set_pairs(fdt, chosen, "linux,elfcorehdr", &e, 1, c);
	}
	if (r == 0 && ch->usable && ch->usable->n)
		r = set_pairs(fdt, chosen, "linux,usable-memory-range", ch->usable->r,
			      ch->usable->n, c);
	if (r == 0)
		r = ch->bootargs ? fdt_setprop_string(fdt, chosen, "bootargs", ch->bootargs)
				 : delprop(fdt, chosen, "bootargs");
	if (r == 0)
		r = delprop(fdt, chosen, "kaslr-seed");
	if (r == 0 && ch->has_kaslr_seed)
		r = fdt_setprop_u64(fdt, chosen, "kaslr-seed", ch->kaslr_seed);
	if (r == 0)
		r = delprop(fdt, chosen, "rng-seed");
	if (r == 0 && ch->rng_seed)
		r = fdt_setprop(fdt, chosen, "rng-seed", ch->rng_seed, (int)ch->rng_seed_len);
	if (r == 0 && ch->reserve && ch->has_elfcorehdr)
		r = fdt_add_mem_rsv(fdt, ch->elfcorehdr_addr, ch->elfcorehdr_size);
	if (r == 0 && ch->reserve && ch->has_initrd && ch->initrd_end > ch->initrd_start)
		r = fdt_add_mem_rsv(fdt, ch->initrd_start, ch->initrd_end - ch->initrd_start);
	return r;
}

static int check_request(const struct kx_fdt_chosen *ch, const struct cells *c,
			 struct kx_err *err)
{
	int r = 0;

	if (ch->has_elfcorehdr) {
		if (!ch->elfcorehdr_size ||
		    ch->elfcorehdr_addr + (ch->elfcorehdr_size - 1) < ch->elfcorehdr_addr)
			return kx_err_set(err, -EINVAL, "elfcorehdr at 0x%llx of size 0x%llx is not "
					  "a range", (unsigned long long)ch->elfcorehdr_addr,
					  (unsigned long long)ch->elfcorehdr_size);
		r = check_fits(c, ch->elfcorehdr_addr, ch->elfcorehdr_size, "elfcorehdr", err);
	}
	for (size_t i = 0; r == 0 && ch->usable && i < ch->usable->n; i++) {
		const struct kx_range *u = &ch->usable->r[i];

		if (u->start > u->end || kx_range_size(u) == 0)
			return kx_err_set(err, -EINVAL, "usable memory range %zu is not a range", i);
		r = check_fits(c, u->start, kx_range_size(u), "usable memory range", err);
	}
	if (r == 0 && ch->usable && ch->usable->n > KX_FDT_SIZE_MAX / 16)
		return kx_err_set(err, -E2BIG, "%zu usable memory ranges do not fit a device tree",
				  ch->usable->n);
	if (r == 0 && ch->has_initrd && ch->initrd_end < ch->initrd_start)
		return kx_err_set(err, -EINVAL, "initrd end 0x%llx is below its start 0x%llx",
				  (unsigned long long)ch->initrd_end,
				  (unsigned long long)ch->initrd_start);
	if (r == 0 && ch->rng_seed && ch->rng_seed_len > 4096)
		return kx_err_set(err, -EINVAL, "rng-seed of %zu bytes: at most 4096",
				  ch->rng_seed_len);
	if (r == 0 && ch->bootargs && strlen(ch->bootargs) > KX_FDT_SIZE_MAX / 2)
		return kx_err_set(err, -E2BIG, "bootargs of %zu bytes", strlen(ch->bootargs));
	return r;
}

int kx_fdt_edit_chosen(const void *blob, size_t len, const struct kx_fdt_chosen *ch,
		       void **ret_blob, size_t *ret_len, struct kx_err *err)
{
	struct cells c;
	size_t size;
	void *buf;
	int r;

	r = kx_fdt_check(blob, len, err);
	if (r == 0)
		r = root_cells(blob, "#address-cells", 2, &c.ac, err);
	if (r == 0)
		r = root_cells(blob, "#size-cells", 1, &c.sc, err);
	if (r == 0)
		r = check_request(ch, &c, err);
	if (r < 0)
		return r;

	/* Start from the blob's own size; every time libfdt runs out of room, start over from
	 * the original in a buffer twice as big. */
	for (size = fdt_totalsize(blob);; size = size * 2 > KX_FDT_SIZE_MAX ? KX_FDT_SIZE_MAX
									    : size * 2) {
		buf = malloc(size);
		if (!buf)
			return kx_err_set(err, -ENOMEM, "out of memory for a %zu-byte device tree",
					  size);
		r = fdt_open_into(blob, buf, (int)size);
		if (r == 0)
			r = apply(buf, ch, &c);
		if (r != -FDT_ERR_NOSPACE)
			break;
		free(buf);
		if (size >= KX_FDT_SIZE_MAX)
			return kx_err_set(err, -E2BIG, "the edited device tree would be larger than "
					  "%u bytes", KX_FDT_SIZE_MAX);
	}
	if (r == 0)
		r = fdt_pack(buf);
	if (r < 0) {
		free(buf);
		if (r == APPLY_ENOMEM)
			return kx_err_set(err, -ENOMEM, "out of memory editing /chosen");
		return kx_err_set(err, -EBADMSG, "editing /chosen of the device tree: %s",
				  fdt_strerror(r));
	}
	*ret_blob = buf;
	*ret_len = fdt_totalsize(buf);
	return 0;
}
