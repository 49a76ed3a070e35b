// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vaddr.h"
#include "vmcoreinfo.h"

#define SEG_CACHE 8
#define BLOCKS 4
#define BLOCK_SIZE (64 * 1024)
#define PHDR_CHUNK 64                   /* program headers read at once on a miss */
#define X86_64_START_KERNEL_MAP 0xffffffff80000000ull
#define X86_64_KERNEL_IMAGE_SIZE (1ull << 30)

struct seg {
	uint64_t start, end;            /* [start, end) by vaddr or paddr */
	uint64_t offset, filesz;
};

struct block {
	uint64_t offset;
	size_t len;
	uint64_t used;                  /* LRU tick; 0 = empty */
	unsigned char *data;
};

struct kx_vaddr {
	struct kx_vmcore *v;
	uint64_t file_size;
	bool ktext;                     /* x86_64 kernel image window */
	uint64_t ktext_end, phys_base;
	bool direct;                    /* NUMBER(PAGE_OFFSET) */
	uint64_t page_offset, phys_offset;
	struct seg vcache[SEG_CACHE], pcache[SEG_CACHE];
	unsigned vnext, pnext, vn, pn;
	struct block blocks[BLOCKS];
	uint64_t tick, preads;
};

static void vaddr_fallback(struct kx_vaddr *a, const char *vi, size_t len)
{
	uint64_t v;

	if (!vi)
		return;
	if (kx_vmcore_info(a->v)->machine == EM_X86_64 &&
	    kx_vmcoreinfo_get_u64(vi, len, "NUMBER(phys_base)", 0, &a->phys_base) == 0) {
		a->ktext = true;
		a->ktext_end = X86_64_START_KERNEL_MAP + X86_64_KERNEL_IMAGE_SIZE;
		if (kx_vmcoreinfo_get_u64(vi, len, "NUMBER(KERNEL_IMAGE_SIZE)", 0, &v) == 0 && v &&
		    v <= UINT64_MAX - X86_64_START_KERNEL_MAP)
			a->ktext_end = X86_64_START_KERNEL_MAP + v;
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
	free(a);
}

uint64_t kx_vaddr_preads(const struct kx_vaddr *a)
{
	return a->preads;
}

static bool seg_has(const struct seg *s, uint64_t addr)
{
	return addr >= s->start && addr < s->end;
}

/* Scan the PT_LOADs for addr by p_vaddr (by_va) or p_paddr.  1 found, 0 not, <0 error. */
static int scan(struct kx_vaddr *a, uint64_t addr, bool by_va, struct seg *ret, struct kx_err *err)
{
	const struct kx_vmcore_info *info = kx_vmcore_info(a->v);
	bool is64 = info->elfclass == ELFCLASS64;
	unsigned char raw[PHDR_CHUNK * sizeof(Elf64_Phdr)];
	size_t ent = info->phentsize;

	for (size_t i = 0; i < info->phnum; i += PHDR_CHUNK) {
		size_t n = info->phnum - i < PHDR_CHUNK ? info->phnum - i : PHDR_CHUNK;
		int r = kx_vmcore_pread(a->v, raw, n * ent, info->phoff + i * ent, err);

		a->preads++;
		if (r < 0)
			return r;
		for (size_t k = 0; k < n; k++) {
			const unsigned char *p = raw + k * ent;
			uint64_t off, va, pa, filesz, memsz, start;

			if (kx_vmcore_u32(a->v, p) != PT_LOAD)
				continue;
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
			if (addr < start || addr - start >= memsz)
				continue;
			*ret = (struct seg){ .start = start, .end = start + memsz, .offset = off,
					     .filesz = filesz };
			return 1;
		}
	}
	return 0;
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
	if (a->ktext && va >= X86_64_START_KERNEL_MAP && va < a->ktext_end)
		pa = va - X86_64_START_KERNEL_MAP + a->phys_base;
	else if (a->direct && va >= a->page_offset)
		pa = va - a->page_offset + a->phys_offset;
	else
		return kx_err_set(err, -EBADMSG, "%s at 0x%" PRIx64 " is in no PT_LOAD segment, and "
				  "VMCOREINFO has no %s to find its physical address", what, va,
				  a->ktext || a->direct ? "direct-map or kernel-image range holding it"
							: "NUMBER(PAGE_OFFSET) or NUMBER(phys_base)");
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

static int mem_read(struct kx_vaddr *a, uint64_t addr, bool by_va, void *out, size_t len,
		    const char *what, struct kx_err *err)
{
	unsigned char *buf = out;

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
