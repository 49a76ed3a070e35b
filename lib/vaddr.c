// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kdump.h"
#include "vaddr.h"
#include "vmcoreinfo.h"

#define SEG_CACHE 8
/*
 * The read cache: 32 blocks of 4 KiB.  Small blocks, because a dump cut into many small PT_LOADs
 * (makedumpfile -E with pages excluded) puts neighbouring addresses far apart in the file: with
 * 64 KiB blocks, 200k PT_LOADs of 39 bytes took 1.07 s, with these 0.22 s (bench/
 * vmcore-dmesg-loads.sh); one 32 MiB ring in one PT_LOAD reads within noise of the large blocks.
 */
#define BLOCKS 32
#define BLOCK_SIZE 4096
#define PHDR_CHUNK 64                   /* program headers read at once on a miss */
#define TABLE_MIN 64                    /* up to this many PT_LOADs: scanned on a miss */
#define TABLE_MAX (1u << 18)            /* more: scanned too (the table's memory is bounded) */
#define X86_64_START_KERNEL_MAP 0xffffffff80000000ull
#define X86_64_KERNEL_IMAGE_SIZE (1ull << 30)

struct seg {
	uint64_t start, end;            /* [start, end) by vaddr or paddr */
	uint64_t offset, filesz;
};

/* The PT_LOADs sorted by start (then header order), with the largest end up to each: a miss is
 * a binary search, and the walk back stops where no earlier segment reaches the address. */
struct tseg {
	struct seg s;
	uint64_t maxend;
	size_t index;                   /* program header number: the first one wins */
};

struct seg_table {
	struct tseg *v;
	size_t n;
};

struct block {
	uint64_t offset;
	size_t len;
	uint64_t used;                  /* LRU tick; 0 = empty */
	unsigned char *data;
};

struct kx_vaddr {
	struct kx_vmcore *v;
	struct kx_kdump *kdump;         /* kdump-compressed: memory by page frame, no PT_LOADs */
	uint64_t file_size;
	bool ktext;                     /* x86_64 kernel image window */
	uint64_t ktext_end, phys_base;
	bool direct;                    /* NUMBER(PAGE_OFFSET) */
	bool pgt;                       /* x86_64 SYMBOL(init_top_pgt): walk the page tables */
	uint64_t pgt_va, sme_mask;
	int pgt_levels;
	struct { uint64_t va, size, pa; } tlb[SEG_CACHE];      /* recent page-table walks */
	unsigned tlb_next;
	uint64_t page_offset, phys_offset;
	struct seg vcache[SEG_CACHE], pcache[SEG_CACHE];
	int tables;                     /* 0 not built yet, 1 built, -1 scanning instead */
	struct seg_table vtab, ptab;
	unsigned vnext, pnext, vn, pn;
	struct block blocks[BLOCKS];
	uint64_t tick, preads;
};

static void vaddr_fallback(struct kx_vaddr *a, const char *vi, size_t len)
{
	int64_t phys_base;
	uint64_t v;

	if (!vi)
		return;

	/* phys_base is signed: negative when the kernel runs below its link address (KASLR); the
	 * unsigned additions below wrap to the right physical address either way */
	if (kx_vmcore_info(a->v)->machine == EM_X86_64 &&
	    kx_vmcoreinfo_get_i64(vi, len, "NUMBER(phys_base)", &phys_base) == 0) {
		a->phys_base = (uint64_t)phys_base;
		a->ktext = true;
		a->ktext_end = X86_64_START_KERNEL_MAP + X86_64_KERNEL_IMAGE_SIZE;
		if (kx_vmcoreinfo_get_u64(vi, len, "NUMBER(KERNEL_IMAGE_SIZE)", 0, &v) == 0 && v &&
		    v <= UINT64_MAX - X86_64_START_KERNEL_MAP)
			a->ktext_end = X86_64_START_KERNEL_MAP + v;
	}
	if (a->ktext && (kx_vmcoreinfo_get_u64(vi, len, "SYMBOL(init_top_pgt)", 16, &a->pgt_va) == 0 ||
			 kx_vmcoreinfo_get_u64(vi, len, "SYMBOL(init_level4_pgt)", 16, &a->pgt_va) == 0)) {
		a->pgt = true;
		a->pgt_levels = kx_vmcoreinfo_get_u64(vi, len, "NUMBER(pgtable_l5_enabled)", 0, &v) == 0
				&& v ? 5 : 4;
		if (kx_vmcoreinfo_get_u64(vi, len, "NUMBER(sme_mask)", 0, &v) == 0)
			a->sme_mask = v;
	}
	if (kx_vmcoreinfo_get_u64(vi, len, "NUMBER(PAGE_OFFSET)", 0, &a->page_offset) == 0) {
		a->direct = true;
		if (kx_vmcoreinfo_get_u64(vi, len, "NUMBER(phys_ram_base)", 0, &v) == 0 ||
		    kx_vmcoreinfo_get_u64(vi, len, "NUMBER(PHYS_OFFSET)", 0, &v) == 0)
			a->phys_offset = v;
	}
}

int kx_vaddr_open(struct kx_vmcore *v, const char *vmcoreinfo, size_t len, struct kx_vaddr **ret,
		  struct kx_err *err)
{
	struct kx_vaddr *a = calloc(1, sizeof(*a));

	if (!a)
		return kx_err_set(err, -ENOMEM, "out of memory");
	a->v = v;
	a->kdump = kx_vmcore_kdump(v);
	a->file_size = kx_vmcore_info(v)->file_size;
	for (unsigned i = 0; i < BLOCKS; i++) {
		a->blocks[i].data = malloc(BLOCK_SIZE);
		if (!a->blocks[i].data) {
			kx_vaddr_close(a);
			return kx_err_set(err, -ENOMEM, "out of memory");
		}
	}
	vaddr_fallback(a, vmcoreinfo, len);
	*ret = a;
	return 0;
}

void kx_vaddr_close(struct kx_vaddr *a)
{
	if (!a)
		return;
	for (unsigned i = 0; i < BLOCKS; i++)
		free(a->blocks[i].data);
	free(a->vtab.v);
	free(a->ptab.v);
	free(a);
}

uint64_t kx_vaddr_preads(const struct kx_vaddr *a)
{
	return a->preads + (a->kdump ? kx_kdump_preads(a->kdump) : 0);
}

static bool seg_has(const struct seg *s, uint64_t addr)
{
	return addr >= s->start && addr < s->end;
}

/* Program header p as a segment by p_vaddr (by_va) or p_paddr; false when not a PT_LOAD. */
static bool phdr_seg(const struct kx_vaddr *a, const unsigned char *p, bool by_va, struct seg *ret)
{
	bool is64 = kx_vmcore_info(a->v)->elfclass == ELFCLASS64;
	uint64_t off, va, pa, filesz, memsz, start;

	if (kx_vmcore_u32(a->v, p) != PT_LOAD)
		return false;
	if (is64) {
		off = kx_vmcore_u64(a->v, p + 8);
		va = kx_vmcore_u64(a->v, p + 16);
		pa = kx_vmcore_u64(a->v, p + 24);
		filesz = kx_vmcore_u64(a->v, p + 32);
		memsz = kx_vmcore_u64(a->v, p + 40);
	} else {
		off = kx_vmcore_u32(a->v, p + 4);
		va = kx_vmcore_u32(a->v, p + 8);
		pa = kx_vmcore_u32(a->v, p + 12);
		filesz = kx_vmcore_u32(a->v, p + 16);
		memsz = kx_vmcore_u32(a->v, p + 20);
	}
	start = by_va ? va : pa;
	if (filesz > memsz)
		memsz = filesz;
	if (memsz > UINT64_MAX - start)
		memsz = UINT64_MAX - start;
	*ret = (struct seg){ .start = start, .end = start + memsz, .offset = off, .filesz = filesz };
	return true;
}

/*
 * Every PT_LOAD, PHDR_CHUNK program headers per read, to visit(a, index, p, ctx) until it
 * returns non-zero (that value is returned); 0 at the end, <0 on a read error.
 */
static int each_phdr(struct kx_vaddr *a, int (*visit)(struct kx_vaddr *, size_t,
						      const unsigned char *, void *),
		     void *ctx, struct kx_err *err)
{
	const struct kx_vmcore_info *info = kx_vmcore_info(a->v);
	unsigned char raw[PHDR_CHUNK * sizeof(Elf64_Phdr)];
	size_t ent = info->phentsize;

	for (size_t i = 0; i < info->phnum; i += PHDR_CHUNK) {
		size_t n = info->phnum - i < PHDR_CHUNK ? info->phnum - i : PHDR_CHUNK;
		int r = kx_vmcore_pread(a->v, raw, n * ent, info->phoff + i * ent, err);

		a->preads++;
		if (r < 0)
			return r;
		for (size_t k = 0; k < n; k++) {
			r = visit(a, i + k, raw + k * ent, ctx);
			if (r)
				return r;
		}
	}
	return 0;
}

struct scan_ctx {
	uint64_t addr;
	bool by_va;
	struct seg *ret;
};

static int scan_visit(struct kx_vaddr *a, size_t index, const unsigned char *p, void *ctx)
{
	struct scan_ctx *c = ctx;
	struct seg s;

	(void)index;
	if (!phdr_seg(a, p, c->by_va, &s) || c->addr < s.start || c->addr >= s.end)
		return 0;
	*c->ret = s;
	return 1;
}

static int count_visit(struct kx_vaddr *a, size_t index, const unsigned char *p, void *ctx)
{
	struct seg s;

	(void)index;
	if (phdr_seg(a, p, false, &s) && ++*(size_t *)ctx > TABLE_MAX)
		return 1;
	return 0;
}

static int fill_visit(struct kx_vaddr *a, size_t index, const unsigned char *p, void *ctx)
{
	struct seg s;

	(void)ctx;
	if (phdr_seg(a, p, true, &s))
		a->vtab.v[a->vtab.n++] = (struct tseg){ .s = s, .index = index };
	if (phdr_seg(a, p, false, &s))
		a->ptab.v[a->ptab.n++] = (struct tseg){ .s = s, .index = index };
	return 0;
}

static int tseg_cmp(const void *x, const void *y)
{
	const struct tseg *p = x, *q = y;

	if (p->s.start != q->s.start)
		return p->s.start < q->s.start ? -1 : 1;
	return p->index < q->index ? -1 : p->index > q->index;
}

static void table_sort(struct seg_table *t)
{
	qsort(t->v, t->n, sizeof(*t->v), tseg_cmp);
	for (size_t i = 0; i < t->n; i++)
		t->v[i].maxend = i && t->v[i - 1].maxend > t->v[i].s.end ? t->v[i - 1].maxend
									   : t->v[i].s.end;
}

/* Build the tables on the first miss when there are more than TABLE_MIN PT_LOADs (and at
 * most TABLE_MAX); otherwise, or without memory, misses scan. */
static int build_tables(struct kx_vaddr *a, struct kx_err *err)
{
	size_t n = 0;
	int r;

	a->tables = -1;
	r = each_phdr(a, count_visit, &n, err);
	if (r < 0)
		return r;
	if (r > 0 || n <= TABLE_MIN)
		return 0;
	a->vtab.v = malloc(n * sizeof(*a->vtab.v));
	a->ptab.v = malloc(n * sizeof(*a->ptab.v));
	if (a->vtab.v && a->ptab.v)
		r = each_phdr(a, fill_visit, NULL, err);
	if (!a->vtab.v || !a->ptab.v || r < 0 || a->vtab.n != n) {
		free(a->vtab.v);
		free(a->ptab.v);
		a->vtab = a->ptab = (struct seg_table){ 0 };
		return r < 0 ? r : 0;
	}
	table_sort(&a->vtab);
	table_sort(&a->ptab);
	a->tables = 1;
	return 0;
}

/* The first PT_LOAD in header order that holds addr: 1 found, 0 not. */
static int table_find(const struct seg_table *t, uint64_t addr, struct seg *ret)
{
	size_t lo = 0, hi = t->n;
	const struct tseg *best = NULL;

	while (lo < hi) {               /* lo: the first segment starting after addr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].s.start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0 && t->v[i].maxend > addr;)
		if (addr < t->v[i].s.end && (!best || t->v[i].index < best->index))
			best = &t->v[i];
	if (!best)
		return 0;
	*ret = best->s;
	return 1;
}

/* Find the PT_LOAD for addr by p_vaddr (by_va) or p_paddr.  1 found, 0 not, <0 error. */
static int scan(struct kx_vaddr *a, uint64_t addr, bool by_va, struct seg *ret, struct kx_err *err)
{
	int r;

	if (a->kdump)
		return 0;               /* no PT_LOADs: memory is found by page frame */
	if (!a->tables && (r = build_tables(a, err)) < 0)
		return r;
	if (a->tables > 0)
		return table_find(by_va ? &a->vtab : &a->ptab, addr, ret);
	return each_phdr(a, scan_visit, &(struct scan_ctx){ addr, by_va, ret }, err);
}

/* Cached lookup.  1 found, 0 not, <0 error. */
static int find(struct kx_vaddr *a, uint64_t addr, bool by_va, struct seg *ret, struct kx_err *err)
{
	struct seg *cache = by_va ? a->vcache : a->pcache;
	unsigned *n = by_va ? &a->vn : &a->pn, *next = by_va ? &a->vnext : &a->pnext;
	int r;

	for (unsigned i = 0; i < *n; i++)
		if (seg_has(&cache[i], addr)) {
			*ret = cache[i];
			return 1;
		}
	r = scan(a, addr, by_va, ret, err);
	if (r <= 0)
		return r;
	cache[*next] = *ret;
	*next = (*next + 1) % SEG_CACHE;
	if (*n < SEG_CACHE)
		(*n)++;
	return 1;
}

static void loc_from(const struct seg *s, uint64_t addr, struct kx_vaddr_loc *loc)
{
	uint64_t rel = addr - s->start;

	/* p_offset + rel past 2^64 is past the end of any file: the read reports it */
	loc->offset = s->offset > UINT64_MAX - rel ? UINT64_MAX : s->offset + rel;
	loc->file_bytes = rel < s->filesz ? s->filesz - rel : 0;
	loc->zero_bytes = (s->end - addr) - loc->file_bytes;
}

static int paddr_loc(struct kx_vaddr *a, uint64_t pa, const char *what, struct kx_vaddr_loc *loc,
		     struct kx_err *err)
{
	struct seg s;
	int r = find(a, pa, false, &s, err);

	if (r < 0)
		return r;
	if (r == 0)
		return kx_err_set(err, -EBADMSG, "%s at physical address 0x%" PRIx64 " is in no PT_LOAD "
				  "segment: the dump does not hold that memory (left out by the "
				  "dump filter?)", what, pa);
	loc_from(&s, pa, loc);
	loc->paddr = pa;
	loc->has_paddr = true;
	return 0;
}

static int mem_read(struct kx_vaddr *a, uint64_t addr, bool by_va, void *out, size_t len,
		    const char *what, struct kx_err *err);

/* x86_64 page-table walk from init_top_pgt (4 or 5 levels, 1 GiB and 2 MiB pages).  1 mapped,
 * 0 not present, <0 error. */
static int pgt_walk(struct kx_vaddr *a, uint64_t va, uint64_t *ret, struct kx_err *err)
{
	const uint64_t addr_mask = 0x000ffffffffff000ull & ~a->sme_mask;
	uint64_t table = a->pgt_va - X86_64_START_KERNEL_MAP + a->phys_base;

	for (unsigned i = 0; i < SEG_CACHE; i++)
		if (a->tlb[i].size && va - a->tlb[i].va < a->tlb[i].size) {
			*ret = a->tlb[i].pa + (va - a->tlb[i].va);
			return 1;
		}

	for (int level = a->pgt_levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		unsigned char raw[8];
		uint64_t e;
		int r;

		r = mem_read(a, (table & addr_mask) + ((va >> shift) & 511) * 8, false, raw, 8,
			     "page table entry", err);
		if (r < 0)
			return r;
		e = kx_vmcore_u64(a->v, raw);
		if (!(e & 1))
			return 0;
		if (level == 1 || ((level == 2 || level == 3) && (e & 0x80))) {
			uint64_t size = 1ull << shift;

			*ret = ((e & addr_mask) & ~(size - 1)) | (va & (size - 1));
			a->tlb[a->tlb_next].va = va & ~(size - 1);
			a->tlb[a->tlb_next].size = size;
			a->tlb[a->tlb_next].pa = *ret & ~(size - 1);
			a->tlb_next = (a->tlb_next + 1) % SEG_CACHE;
			return 1;
		}
		table = e;
	}
	return 0;
}

/* The physical address of va from VMCOREINFO (no PT_LOAD holds it, or there are none). */
static int va_to_pa(struct kx_vaddr *a, uint64_t va, const char *what, uint64_t *ret,
		    struct kx_err *err)
{
	int r;

	if (a->ktext && va >= X86_64_START_KERNEL_MAP && va < a->ktext_end)
		*ret = va - X86_64_START_KERNEL_MAP + a->phys_base;
	else if (a->direct && va >= a->page_offset)
		*ret = va - a->page_offset + a->phys_offset;
	else if (a->pgt && (r = pgt_walk(a, va, ret, err)) != 0)
		return r < 0 ? r : 0;
	else
		return kx_err_set(err, -EBADMSG, "%s at 0x%" PRIx64 " is in no %s, and VMCOREINFO has "
				  "no %s to find its physical address", what, va,
				  a->kdump ? "mapping a kdump-compressed dump describes"
					   : "PT_LOAD segment",
				  a->pgt ? "page-table mapping for it (SYMBOL(init_top_pgt))" :
				  a->ktext || a->direct ? "direct-map or kernel-image range holding it"
							: "NUMBER(PAGE_OFFSET) or NUMBER(phys_base)");
	return 0;
}

int kx_vaddr_translate(struct kx_vaddr *a, uint64_t va, const char *what, struct kx_vaddr_loc *ret,
		       struct kx_err *err)
{
	struct kx_vaddr_loc loc = { 0 };
	struct seg s;
	uint64_t pa;
	int r;

	r = find(a, va, true, &s, err);
	if (r < 0)
		return r;
	if (r > 0) {
		loc_from(&s, va, &loc);
		*ret = loc;
		return 0;
	}
	r = va_to_pa(a, va, what, &pa, err);
	if (r < 0)
		return r;
	if (a->kdump) {
		*ret = (struct kx_vaddr_loc){ .paddr = pa, .has_paddr = true, .fallback = true };
		return 0;
	}
	r = paddr_loc(a, pa, what, &loc, err);
	if (r < 0)
		return r;
	loc.fallback = true;
	*ret = loc;
	return 0;
}

/* File bytes [off, off + len) through the block cache. */
static int file_read(struct kx_vaddr *a, uint64_t off, unsigned char *buf, size_t len,
		     struct kx_err *err)
{
	if (off > a->file_size || len > a->file_size - off || len >= BLOCK_SIZE) {
		a->preads++;
		return kx_vmcore_pread(a->v, buf, len, off, err);
	}
	while (len) {
		uint64_t start = off & ~(uint64_t)(BLOCK_SIZE - 1);
		struct block *b = NULL, *victim = &a->blocks[0];
		size_t at, n;

		for (unsigned i = 0; i < BLOCKS; i++) {
			if (a->blocks[i].used && a->blocks[i].offset == start) {
				b = &a->blocks[i];
				break;
			}
			if (a->blocks[i].used < victim->used)
				victim = &a->blocks[i];
		}
		if (!b) {
			size_t want = a->file_size - start < BLOCK_SIZE ? (size_t)(a->file_size - start)
									  : BLOCK_SIZE;
			int r;

			b = victim;
			b->used = 0;
			a->preads++;
			r = kx_vmcore_pread(a->v, b->data, want, start, err);
			if (r < 0)
				return r;
			b->offset = start;
			b->len = want;
		}
		b->used = ++a->tick;
		at = (size_t)(off - start);
		n = b->len - at < len ? b->len - at : len;
		memcpy(buf, b->data + at, n);
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* kdump-compressed: page by page through the page descriptors (one page decompressed at a time). */
static int kdump_read(struct kx_vaddr *a, uint64_t addr, bool by_va, unsigned char *buf,
		      size_t len, const char *what, struct kx_err *err)
{
	uint64_t bs = kx_kdump_info(a->kdump)->block_size;

	while (len) {
		const unsigned char *page;
		struct kx_err e;
		uint64_t pa, at, n;
		int r;

		if (by_va) {
			r = va_to_pa(a, addr, what, &pa, err);
			if (r < 0)
				return r;
		} else {
			pa = addr;
		}
		kx_err_clear(&e);
		r = kx_kdump_page(a->kdump, pa / bs, &page, &e);
		if (r == -ENODATA)
			return kx_err_set(err, -EBADMSG, "%s at physical address 0x%" PRIx64 " is not "
					  "in the dump: %s", what, pa, e.msg);
		if (r < 0) {
			if (err && !err->code)
				*err = e;
			return r;
		}
		at = pa % bs;
		n = bs - at < len ? bs - at : len;
		memcpy(buf, page + at, (size_t)n);
		buf += n;
		len -= (size_t)n;
		if (len && addr > UINT64_MAX - n)
			return kx_err_set(err, -EBADMSG, "%s: %zu bytes past 0x%" PRIx64 " wrap the "
					  "address space", what, len, addr);
		addr += n;
	}
	return 0;
}

static int mem_read(struct kx_vaddr *a, uint64_t addr, bool by_va, void *out, size_t len,
		    const char *what, struct kx_err *err)
{
	unsigned char *buf = out;

	if (a->kdump)
		return kdump_read(a, addr, by_va, buf, len, what, err);
	while (len) {
		struct kx_vaddr_loc loc;
		uint64_t n;
		int r;

		r = by_va ? kx_vaddr_translate(a, addr, what, &loc, err)
			  : paddr_loc(a, addr, what, &loc, err);
		if (r < 0)
			return r;
		if (loc.file_bytes) {
			n = loc.file_bytes < len ? loc.file_bytes : len;
			r = file_read(a, loc.offset, buf, (size_t)n, err);
			if (r < 0)
				return r;
		} else {
			n = loc.zero_bytes < len ? loc.zero_bytes : len;
			memset(buf, 0, (size_t)n);
		}
		if (!n)
			return kx_err_set(err, -EBADMSG, "%s at 0x%" PRIx64 ": empty segment", what, addr);
		buf += n;
		len -= (size_t)n;
		if (len && addr > UINT64_MAX - n)
			return kx_err_set(err, -EBADMSG, "%s: %zu bytes past 0x%" PRIx64 " wrap the "
					  "address space", what, len, addr);
		addr += n;
	}
	return 0;
}

int kx_vaddr_read(struct kx_vaddr *a, uint64_t va, void *buf, size_t len, const char *what,
		  struct kx_err *err)
{
	return mem_read(a, va, true, buf, len, what, err);
}

int kx_paddr_read(struct kx_vaddr *a, uint64_t pa, void *buf, size_t len, const char *what,
		  struct kx_err *err)
{
	return mem_read(a, pa, false, buf, len, what, err);
}
