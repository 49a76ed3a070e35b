// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <dlfcn.h>
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "kdump.h"
#include "machine.h"

/* disk_dump_header fields (64-bit layout: struct timeval is 16 bytes, 8-aligned) */
#define H_VERSION        8
#define H_UTSNAME        12
#define UTS_LEN          65
#define H_STATUS         424
#define H_BLOCK_SIZE     428
#define H_SUB_HDR_SIZE   432
#define H_BITMAP_BLOCKS  436
#define H_MAX_MAPNR      440
#define H_NR_CPUS        460
#define H_SIZE           464
/* kdump_sub_header fields and the header_version that added them */
#define S_PHYS_BASE      0
#define S_DUMP_LEVEL     8
#define S_SPLIT          12     /* v2 */
#define S_START_PFN      16
#define S_END_PFN        24
#define S_OFF_VMCOREINFO 32     /* v3 */
#define S_SIZE_VMCOREINFO 40
#define S_OFF_NOTE       48     /* v4 */
#define S_SIZE_NOTE      56
#define S_OFF_ERASEINFO  64     /* v5 */
#define S_SIZE_ERASEINFO 72
#define S_START_PFN_64   80     /* v6 */
#define S_END_PFN_64     88
#define S_MAX_MAPNR_64   96
#define S_SIZE           104
#define DESC_SIZE        24

#define MIN_BLOCK        512
#define MAX_BLOCK        (256 * 1024)
#define CHUNK_BYTES      (64 * 1024)    /* bitmap bytes read at once; one rank checkpoint each */
#define PAGE_CACHE       8      /* decompressed pages kept (printk walks 3-4 areas at once) */
#define MAX_MAPNR_CAP    (1ull << 52)   /* 2^64 bytes of 4 KiB pages */

struct kx_kdump {
	int fd;
	uint64_t file_size;
	struct kx_kdump_info info;
	/* second bitmap: rank (set bits before) at the start of each chunk, built on first use */
	uint64_t *rank;
	size_t nchunks;
	uint64_t total;
	unsigned char *chunk;           /* the bitmap chunk last read */
	size_t chunk_idx, chunk_len;
	bool chunk_valid;
	unsigned char *cbuf, *page;     /* compressed input, page being decompressed */
	struct {                        /* a few decompressed pages, least recently used replaced */
		unsigned char *data;
		uint64_t pfn, used;     /* used 0: empty */
	} cache[PAGE_CACHE];
	uint64_t tick;
	uint64_t preads;
};

static uint32_t get32(const struct kx_kdump *k, const unsigned char *p)
{
	if (k->info.big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get64(const struct kx_kdump *k, const unsigned char *p)
{
	uint64_t a = get32(k, p), b = get32(k, p + 4);

	return k->info.big_endian ? a << 32 | b : b << 32 | a;
}

static int rd(struct kx_kdump *k, void *buf, size_t len, uint64_t off, const char *what,
	      struct kx_err *err)
{
	size_t done = 0;

	if (off > k->file_size || len > k->file_size - off)
		return kx_err_at(err, -EBADMSG, off, "truncated: %s (%zu bytes at 0x%" PRIx64 ") runs "
				 "past the end of the file at 0x%" PRIx64, what, len, off, k->file_size);
	while (done < len) {
		ssize_t n = pread(k->fd, (char *)buf + done, len - done, (off_t)(off + done));

		k->preads++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kx_err_at(err, -errno, off + done, "read error: %s", strerror(errno));
		}
		if (n == 0)
			return kx_err_at(err, -EBADMSG, off + done, "truncated: file ended in %s at "
					 "0x%" PRIx64, what, off);
		done += (size_t)n;
	}
	return 0;
}

bool kx_kdump_is(const void *head, size_t len)
{
	return len >= 8 && !memcmp(head, KX_KDUMP_SIGNATURE, 8);
}

uint32_t kx_kdump_supported(void)
{
	uint32_t s = 0;
#ifdef HAVE_ZLIB
	s |= KX_KDUMP_ZLIB;
#endif
#ifdef HAVE_LZO
	s |= KX_KDUMP_LZO;
#endif
#ifdef HAVE_SNAPPY
	s |= KX_KDUMP_SNAPPY;
#endif
#ifdef HAVE_ZSTD
	s |= KX_KDUMP_ZSTD;
#endif
	return s;
}

static void uts_field(const unsigned char *h, int field, char *out)
{
	memcpy(out, h + H_UTSNAME + field * UTS_LEN, UTS_LEN);
	out[UTS_LEN] = '\0';
}

/* [off, off + size) must lie in the file (0/0 is "absent"). */
static int check_area(struct kx_kdump *k, uint64_t off, uint64_t size, uint64_t field_off,
		      const char *what, struct kx_err *err)
{
	if (!size)
		return 0;
	if (off > k->file_size || size > k->file_size - off)
		return kx_err_at(err, -EBADMSG, field_off, "kdump sub-header: %s (%" PRIu64 " bytes at "
				 "0x%" PRIx64 ") runs past the end of the file at 0x%" PRIx64, what,
				 size, off, k->file_size);
	return 0;
}

static int read_headers(struct kx_kdump *k, struct kx_err *err)
{
	struct kx_kdump_info *in = &k->info;
	const struct kx_machine *m;
	unsigned char h[H_SIZE], s[S_SIZE];
	uint32_t v;
	uint64_t sub, blocks;
	int r;

	r = rd(k, h, sizeof(h), 0, "the kdump-compressed header", err);
	if (r < 0)
		return r;
	v = get32(k, h + H_VERSION);
	if (v == 0 || v > 64) {
		in->big_endian = true;
		v = get32(k, h + H_VERSION);
	}
	if (v == 0 || v > 64)
		return kx_err_at(err, -EBADMSG, H_VERSION, "kdump-compressed header_version is %u in "
				 "either byte order: not a header makedumpfile writes",
				 get32(&(struct kx_kdump){ .info.big_endian = false }, h + H_VERSION));
	in->header_version = (int)v;
	uts_field(h, 2, in->release);
	uts_field(h, 4, in->machine);
	m = kx_machine_by_name(in->machine);
	if (m && m->word_size == 4)
		return kx_err_at(err, -EPROTONOSUPPORT, H_UTSNAME + 4 * UTS_LEN, "kdump-compressed "
				 "dump of a 32-bit kernel (%s): only 64-bit layouts are read; convert "
				 "it with 'makedumpfile -E' to an ELF vmcore", in->machine);
	in->e_machine = m ? m->em : EM_NONE;
	in->status = get32(k, h + H_STATUS);
	in->block_size = get32(k, h + H_BLOCK_SIZE);
	in->sub_hdr_size = get32(k, h + H_SUB_HDR_SIZE);
	in->bitmap_blocks = get32(k, h + H_BITMAP_BLOCKS);
	in->max_mapnr = get32(k, h + H_MAX_MAPNR);
	in->nr_cpus = (int)get32(k, h + H_NR_CPUS);
	if (in->block_size < MIN_BLOCK || in->block_size > MAX_BLOCK ||
	    (in->block_size & (in->block_size - 1)))
		return kx_err_at(err, -EBADMSG, H_BLOCK_SIZE, "kdump-compressed header: block_size %u "
				 "is not a power of two between %d and %d", in->block_size, MIN_BLOCK,
				 MAX_BLOCK);
	if (in->sub_hdr_size == 0)
		return kx_err_at(err, -EBADMSG, H_SUB_HDR_SIZE, "kdump-compressed header: "
				 "sub_hdr_size is 0 (no kdump sub-header)");
	sub = in->block_size;
	r = rd(k, s, sizeof(s), sub, "the kdump sub-header", err);
	if (r < 0)
		return r;
	in->phys_base = get64(k, s + S_PHYS_BASE);
	in->dump_level = (int)get32(k, s + S_DUMP_LEVEL);
	in->start_pfn = 0;
	in->end_pfn = in->max_mapnr;
	if (v >= 2) {
		in->split = get32(k, s + S_SPLIT) != 0;
		if (in->split) {
			in->start_pfn = get64(k, s + S_START_PFN);
			in->end_pfn = get64(k, s + S_END_PFN);
		}
	}
	if (v >= 3) {
		in->offset_vmcoreinfo = get64(k, s + S_OFF_VMCOREINFO);
		in->size_vmcoreinfo = get64(k, s + S_SIZE_VMCOREINFO);
	}
	if (v >= 4) {
		in->offset_note = get64(k, s + S_OFF_NOTE);
		in->size_note = get64(k, s + S_SIZE_NOTE);
	}
	if (v >= 5) {
		in->offset_eraseinfo = get64(k, s + S_OFF_ERASEINFO);
		in->size_eraseinfo = get64(k, s + S_SIZE_ERASEINFO);
	}
	if (v >= 6) {
		in->max_mapnr = get64(k, s + S_MAX_MAPNR_64);
		if (in->split) {
			in->start_pfn = get64(k, s + S_START_PFN_64);
			in->end_pfn = get64(k, s + S_END_PFN_64);
		} else {
			in->end_pfn = in->max_mapnr;
		}
	}
	if (in->max_mapnr > MAX_MAPNR_CAP)
		return kx_err_at(err, -EBADMSG, v >= 6 ? sub + S_MAX_MAPNR_64 : H_MAX_MAPNR,
				 "kdump-compressed header: max_mapnr %" PRIu64 " is beyond any machine",
				 in->max_mapnr);
	if (in->start_pfn > in->end_pfn || in->end_pfn > in->max_mapnr)
		return kx_err_at(err, -EBADMSG, sub + (v >= 6 ? S_START_PFN_64 : S_START_PFN),
				 "kdump sub-header: split part pfns [%" PRIu64 ", %" PRIu64 ") are not "
				 "within [0, max_mapnr %" PRIu64 ")", in->start_pfn, in->end_pfn,
				 in->max_mapnr);
	if ((r = check_area(k, in->offset_vmcoreinfo, in->size_vmcoreinfo, sub + S_OFF_VMCOREINFO,
			    "VMCOREINFO", err)) < 0 ||
	    (r = check_area(k, in->offset_note, in->size_note, sub + S_OFF_NOTE, "the notes",
			    err)) < 0 ||
	    (r = check_area(k, in->offset_eraseinfo, in->size_eraseinfo, sub + S_OFF_ERASEINFO,
			    "eraseinfo", err)) < 0)
		return r;

	blocks = 1 + (uint64_t)in->sub_hdr_size;
	in->bitmap_offset = blocks * in->block_size;
	in->bitmap_len = (uint64_t)in->bitmap_blocks * in->block_size;
	in->desc_offset = in->bitmap_offset + in->bitmap_len;
	if (in->bitmap_len / 2 < (in->max_mapnr + 7) / 8)
		return kx_err_at(err, -EBADMSG, H_BITMAP_BLOCKS, "kdump-compressed header: %u bitmap "
				 "blocks (%" PRIu64 " bytes per bitmap) can't hold max_mapnr %" PRIu64
				 " bits", in->bitmap_blocks, in->bitmap_len / 2, in->max_mapnr);
	if (!in->split &&
	    (in->bitmap_offset > k->file_size || in->bitmap_len > k->file_size - in->bitmap_offset))
		return kx_err_at(err, -EBADMSG, H_BITMAP_BLOCKS, "truncated: the bitmaps (%" PRIu64
				 " bytes at 0x%" PRIx64 ") run past the end of the file at 0x%" PRIx64,
				 in->bitmap_len, in->bitmap_offset, k->file_size);
	if (in->split) {
		/* a part needs the second bitmap for its own pfns only (makedumpfile writes no
		 * more for a part without pages); bytes past the end of the file read as 0 */
		uint64_t b2 = in->bitmap_offset + in->bitmap_len / 2, need = (in->end_pfn + 7) / 8;

		if (in->end_pfn > in->start_pfn && (b2 > k->file_size || need > k->file_size - b2))
			return kx_err_at(err, -EBADMSG, H_BITMAP_BLOCKS, "truncated: the second bitmap "
					 "of this part (pfns up to 0x%" PRIx64 ", %" PRIu64 " bytes at 0x%"
					 PRIx64 ") runs past the end of the file at 0x%" PRIx64,
					 in->end_pfn, need, b2, k->file_size);
	}
	return 0;
}

int kx_kdump_open(int fd, uint64_t file_size, struct kx_kdump **ret, struct kx_err *err)
{
	struct kx_kdump *k = calloc(1, sizeof(*k));
	int r;

	if (!k)
		return kx_err_set(err, -ENOMEM, "out of memory");
	k->fd = fd;
	k->file_size = file_size;
	r = read_headers(k, err);
	if (r < 0) {
		free(k);
		return r;
	}
	k->chunk = malloc(CHUNK_BYTES);
	k->cbuf = malloc(k->info.block_size);
	k->page = malloc(k->info.block_size);
	for (unsigned i = 0; i < PAGE_CACHE; i++)
		if (k->page && !(k->cache[i].data = malloc(k->info.block_size)))
			k->page = (free(k->page), NULL);
	if (!k->chunk || !k->cbuf || !k->page) {
		kx_kdump_close(k);
		return kx_err_set(err, -ENOMEM, "out of memory");
	}
	*ret = k;
	return 0;
}

void kx_kdump_close(struct kx_kdump *k)
{
	if (!k)
		return;
	free(k->rank);
	free(k->chunk);
	free(k->cbuf);
	free(k->page);
	for (unsigned i = 0; i < PAGE_CACHE; i++)
		free(k->cache[i].data);
	free(k);
}

const struct kx_kdump_info *kx_kdump_info(const struct kx_kdump *k)
{
	return &k->info;
}

uint64_t kx_kdump_preads(const struct kx_kdump *k)
{
	return k->preads;
}

/* bytes of the second bitmap */
static uint64_t bitmap2_bytes(const struct kx_kdump *k)
{
	return (k->info.max_mapnr + 7) / 8;
}

static int load_chunk(struct kx_kdump *k, size_t idx, struct kx_err *err)
{
	uint64_t start = (uint64_t)idx * CHUNK_BYTES, n = bitmap2_bytes(k) - start, at;
	size_t n_file;
	int r;

	if (k->chunk_valid && k->chunk_idx == idx)
		return 0;
	if (n > CHUNK_BYTES)
		n = CHUNK_BYTES;
	n_file = (size_t)n;
	k->chunk_valid = false;
	at = k->info.bitmap_offset + k->info.bitmap_len / 2 + start;
	if (k->info.split) {
		uint64_t have = at >= k->file_size ? 0 : k->file_size - at;

		memset(k->chunk, 0, (size_t)n);
		if (have < n)
			n_file = (size_t)have;
	}
	r = rd(k, k->chunk, n_file, at, "the second bitmap", err);
	if (r < 0)
		return r;
	/* bits past max_mapnr in the last byte don't count */
	if (start + n == bitmap2_bytes(k) && k->info.max_mapnr % 8)
		k->chunk[n - 1] &= (unsigned char)((1u << (k->info.max_mapnr % 8)) - 1);
	k->chunk_idx = idx;
	k->chunk_len = (size_t)n;
	k->chunk_valid = true;
	return 0;
}

static uint64_t popcount_bytes(const unsigned char *p, size_t n)
{
	uint64_t c = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		c += (unsigned)__builtin_popcountll(w);
	}
	for (; i < n; i++)
		c += (unsigned)__builtin_popcount(p[i]);
	return c;
}

/* One pass over the second bitmap: the rank at each chunk start. */
static int build_rank(struct kx_kdump *k, struct kx_err *err)
{
	uint64_t sum = 0, bytes;
	size_t n;

	if (k->rank)
		return 0;
	bytes = bitmap2_bytes(k);
	if (k->info.split) {
		/* bits past the end of the file are 0: no chunks for them (the header may claim
		 * a bitmap far larger than the file) */
		uint64_t b2 = k->info.bitmap_offset + k->info.bitmap_len / 2;
		uint64_t have = b2 >= k->file_size ? 0 : k->file_size - b2;

		if (bytes > have)
			bytes = have;
	}
	n = (size_t)((bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
	k->rank = calloc(n ? n : 1, sizeof(*k->rank));
	if (!k->rank)
		return kx_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int r = load_chunk(k, i, err);

		if (r < 0) {
			free(k->rank);
			k->rank = NULL;
			return r;
		}
		k->rank[i] = sum;
		sum += popcount_bytes(k->chunk, k->chunk_len);
	}
	k->nchunks = n;
	k->total = sum;
	return 0;
}

/* Set bits of the second bitmap before pfn (ret_rank) and whether pfn's own bit is set. */
static int rank_at(struct kx_kdump *k, uint64_t pfn, uint64_t *ret_rank, bool *ret_set,
		   struct kx_err *err)
{
	uint64_t byte = pfn / 8;
	size_t idx = (size_t)(byte / CHUNK_BYTES), at;
	int r;

	r = build_rank(k, err);
	if (r < 0)
		return r;
	if (pfn >= k->info.max_mapnr || idx >= k->nchunks) {
		*ret_rank = k->total;
		*ret_set = false;
		return 0;
	}
	r = load_chunk(k, idx, err);
	if (r < 0)
		return r;
	at = (size_t)(byte % CHUNK_BYTES);
	*ret_set = k->chunk[at] >> (pfn % 8) & 1;
	*ret_rank = k->rank[idx] + popcount_bytes(k->chunk, at) +
		    (unsigned)__builtin_popcount(k->chunk[at] & ((1u << (pfn % 8)) - 1));
	return 0;
}

#ifdef HAVE_SNAPPY
/*
 * libsnappy is C++ and brings libstdc++ along: loading it at every start costs more than reading a
 * whole kernel log, and snappy pages are rare (Debian's makedumpfile can't even write them).  So it
 * is opened the first time a snappy page is met.
 */
static snappy_status (*snappy_length_fn)(const char *, size_t, size_t *);
static snappy_status (*snappy_uncompress_fn)(const char *, size_t, char *, size_t *);

static bool snappy_load(void)
{
	static int state;       /* 0 not tried, 1 loaded, -1 not available */
	void *h;

	if (state)
		return state > 0;
	state = -1;
	h = dlopen("libsnappy.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	*(void **)&snappy_length_fn = dlsym(h, "snappy_uncompressed_length");
	*(void **)&snappy_uncompress_fn = dlsym(h, "snappy_uncompress");
	if (snappy_length_fn && snappy_uncompress_fn)
		state = 1;
	return state > 0;
}
#endif

static int decompress(struct kx_kdump *k, uint32_t flags, uint32_t size, uint64_t at,
		      struct kx_err *err)
{
	uint32_t bs = k->info.block_size;
	const char *name = flags & KX_KDUMP_ZLIB ? "zlib" : flags & KX_KDUMP_LZO ? "lzo" :
			   flags & KX_KDUMP_SNAPPY ? "snappy" : "zstd";
	uint64_t out = 0;
	bool ok = false;

	if (!(flags & kx_kdump_supported()))
		return kx_err_at(err, -EPROTONOSUPPORT, at, "page at 0x%" PRIx64 " is %s-compressed, "
				 "which this build can't decompress (rebuild with the %s library)", at,
				 name, name);
#ifdef HAVE_ZLIB
	if (flags & KX_KDUMP_ZLIB) {
		uLongf len = bs;

		ok = uncompress(k->page, &len, k->cbuf, size) == Z_OK;
		out = len;
	}
#endif
#ifdef HAVE_LZO
	if (flags & KX_KDUMP_LZO) {
		lzo_uint len = bs;

		ok = lzo1x_decompress_safe(k->cbuf, size, k->page, &len, NULL) == LZO_E_OK;
		out = len;
	}
#endif
#ifdef HAVE_SNAPPY
	if (flags & KX_KDUMP_SNAPPY) {
		size_t len = 0;

		if (!snappy_load())
			return kx_err_at(err, -EPROTONOSUPPORT, at, "page at 0x%" PRIx64 " is "
					 "snappy-compressed and libsnappy.so.1 can't be loaded: %s "
					 "(apt-get install libsnappy1v5)", at, dlerror());
		if (snappy_length_fn((const char *)k->cbuf, size, &len) == SNAPPY_OK && len == bs)
			ok = snappy_uncompress_fn((const char *)k->cbuf, size, (char *)k->page,
						  &len) == SNAPPY_OK;
		out = len;
	}
#endif
#ifdef HAVE_ZSTD
	if (flags & KX_KDUMP_ZSTD) {
		size_t len = ZSTD_decompress(k->page, bs, k->cbuf, size);

		ok = !ZSTD_isError(len);
		out = ok ? len : 0;
	}
#endif
	if (!ok)
		return kx_err_at(err, -EBADMSG, at, "page data at 0x%" PRIx64 " (%u bytes, %s) does not "
				 "decompress to one %u-byte page (corrupt, or larger than a page)", at,
				 size, name, bs);
	if (out != bs)
		return kx_err_at(err, -EBADMSG, at, "page data at 0x%" PRIx64 " (%s) decompresses to "
				 "%" PRIu64 " bytes, not one %u-byte page", at, name, out, bs);
	return 0;
}

int kx_kdump_page(struct kx_kdump *k, uint64_t pfn, const unsigned char **ret, struct kx_err *err)
{
	const struct kx_kdump_info *in = &k->info;
	unsigned char d[DESC_SIZE];
	uint64_t idx, doff, off;
	uint32_t size, flags;
	bool set;
	int r;

	unsigned slot = 0;

	for (unsigned i = 0; i < PAGE_CACHE; i++) {
		if (k->cache[i].used && k->cache[i].pfn == pfn) {
			k->cache[i].used = ++k->tick;
			*ret = k->cache[i].data;
			return 0;
		}
		if (k->cache[i].used < k->cache[slot].used)
			slot = i;
	}
	if (pfn < in->start_pfn || pfn >= in->end_pfn)
		return kx_err_set(err, -ENODATA, "pfn 0x%" PRIx64 " is not in this file%s", pfn,
				  in->split ? " (one part of a split dump: another part holds it)" : "");
	r = rank_at(k, pfn, &idx, &set, err);
	if (r < 0)
		return r;
	if (!set)
		return kx_err_set(err, -ENODATA, "pfn 0x%" PRIx64 " was not dumped (excluded by dump "
				  "level %d, or not memory)", pfn, in->dump_level);
	if (in->split && in->start_pfn) {
		/* a part's descriptors start with its own first dumped pfn */
		uint64_t base;
		bool ignore;

		r = rank_at(k, in->start_pfn, &base, &ignore, err);
		if (r < 0)
			return r;
		idx -= base;
	}
	if (idx > (UINT64_MAX - in->desc_offset) / DESC_SIZE)
		return kx_err_at(err, -EBADMSG, in->desc_offset, "page descriptor %" PRIu64 " is past "
				 "any file", idx);
	doff = in->desc_offset + idx * DESC_SIZE;
	r = rd(k, d, sizeof(d), doff, "a page descriptor", err);
	if (r < 0)
		return r;
	off = get64(k, d);
	size = get32(k, d + 8);
	flags = get32(k, d + 12);
	if (size == 0 || size > in->block_size)
		return kx_err_at(err, -EBADMSG, doff, "page descriptor of pfn 0x%" PRIx64 ": size %u "
				 "is not in (0, %u]", pfn, size, in->block_size);
	if (off > k->file_size || size > k->file_size - off)
		return kx_err_at(err, -EBADMSG, doff, "truncated: page descriptor of pfn 0x%" PRIx64
				 " points at %u bytes at 0x%" PRIx64 ", past the end of the file at 0x%"
				 PRIx64, pfn, size, off, k->file_size);
	flags &= KX_KDUMP_ZLIB | KX_KDUMP_LZO | KX_KDUMP_SNAPPY | KX_KDUMP_ZSTD;
	if (flags & (flags - 1))
		return kx_err_at(err, -EBADMSG, doff + 12, "page descriptor of pfn 0x%" PRIx64 " names "
				 "more than one compression (flags 0x%x)", pfn, flags);
	if (!flags) {
		if (size != in->block_size)
			return kx_err_at(err, -EBADMSG, doff, "page descriptor of pfn 0x%" PRIx64 ": "
					 "uncompressed page of %u bytes, not %u", pfn, size,
					 in->block_size);
		r = rd(k, k->page, size, off, "page data", err);
	} else {
		r = rd(k, k->cbuf, size, off, "page data", err);
		if (r == 0)
			r = decompress(k, flags, size, off, err);
	}
	if (r < 0)
		return r;
	/* the page is good: it replaces the least recently used one */
	{
		unsigned char *t = k->cache[slot].data;

		k->cache[slot].data = k->page;
		k->page = t;
	}
	k->cache[slot].pfn = pfn;
	k->cache[slot].used = ++k->tick;
	*ret = k->cache[slot].data;
	return 0;
}

int kx_kdump_count(struct kx_kdump *k, uint64_t *ret_pages, uint64_t *ret_first,
		   uint64_t *ret_last, struct kx_err *err)
{
	uint64_t first = UINT64_MAX, last = 0, end, pages;
	int r = build_rank(k, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < k->nchunks && first == UINT64_MAX; i++) {
		r = load_chunk(k, i, err);
		if (r < 0)
			return r;
		for (size_t b = 0; b < k->chunk_len; b++)
			if (k->chunk[b]) {
				first = ((uint64_t)i * CHUNK_BYTES + b) * 8 +
					(unsigned)__builtin_ctz(k->chunk[b]);
				break;
			}
	}
	for (size_t i = k->nchunks; i-- > 0 && first != UINT64_MAX && !last;) {
		r = load_chunk(k, i, err);
		if (r < 0)
			return r;
		for (size_t b = k->chunk_len; b-- > 0;)
			if (k->chunk[b]) {
				last = ((uint64_t)i * CHUNK_BYTES + b) * 8 + 7 -
				       (unsigned)(__builtin_clz(k->chunk[b]) - 24);
				break;
			}
	}
	pages = k->total;
	if (k->info.split) {
		/* a part's bitmap may have bits of the other parts: count its own range only */
		uint64_t lo, hi;
		bool ignore;

		if ((r = rank_at(k, k->info.start_pfn, &lo, &ignore, err)) < 0 ||
		    (r = rank_at(k, k->info.end_pfn, &hi, &ignore, err)) < 0)
			return r;
		pages = hi - lo;
		first = pages ? k->info.start_pfn : UINT64_MAX;
		last = pages ? k->info.end_pfn - 1 : 0;
	}
	end = k->info.desc_offset + pages * DESC_SIZE;
	if (pages && (pages > k->file_size / DESC_SIZE || end > k->file_size))
		return kx_err_at(err, -EBADMSG, k->info.desc_offset, "truncated: %" PRIu64 " page "
				 "descriptors at 0x%" PRIx64 " run past the end of the file at 0x%"
				 PRIx64, pages, k->info.desc_offset, k->file_size);
	*ret_pages = pages;
	*ret_first = first == UINT64_MAX ? 0 : first;
	*ret_last = last;
	return 0;
}

int kx_kdump_verify(struct kx_kdump *k, struct kx_err *err)
{
	enum { BATCH = 2048 };
	const struct kx_kdump_info *in = &k->info;
	uint64_t pages, first, last, done = 0;
	unsigned char *buf;
	int r = kx_kdump_count(k, &pages, &first, &last, err);

	if (r < 0)
		return r;
	buf = malloc(BATCH * DESC_SIZE);
	if (!buf)
		return kx_err_set(err, -ENOMEM, "out of memory");
	while (done < pages && r == 0) {
		size_t n = pages - done < BATCH ? (size_t)(pages - done) : BATCH;
		uint64_t at = in->desc_offset + done * DESC_SIZE;

		r = rd(k, buf, n * DESC_SIZE, at, "page descriptors", err);
		for (size_t i = 0; i < n && r == 0; i++) {
			const unsigned char *d = buf + i * DESC_SIZE;
			uint64_t off = get64(k, d);
			uint32_t size = get32(k, d + 8);
			uint32_t flags = get32(k, d + 12) &
					 (KX_KDUMP_ZLIB | KX_KDUMP_LZO | KX_KDUMP_SNAPPY | KX_KDUMP_ZSTD);

			if (size == 0 || size > in->block_size || (!flags && size != in->block_size))
				r = kx_err_at(err, -EBADMSG, at + i * DESC_SIZE, "page descriptor %"
					      PRIu64 ": size %u is not a valid page size (block size %u, "
					      "flags 0x%x)", done + i, size, in->block_size, flags);
			else if (off > k->file_size || size > k->file_size - off)
				r = kx_err_at(err, -EBADMSG, at + i * DESC_SIZE, "truncated: page "
					      "descriptor %" PRIu64 " points at %u bytes at 0x%" PRIx64
					      ", past the end of the file at 0x%" PRIx64, done + i, size,
					      off, k->file_size);
			else if (flags & (flags - 1))
				r = kx_err_at(err, -EBADMSG, at + i * DESC_SIZE + 12, "page descriptor %"
					      PRIu64 " names more than one compression (flags 0x%x)",
					      done + i, flags);
		}
		done += n;
	}
	free(buf);
	return r;
}
