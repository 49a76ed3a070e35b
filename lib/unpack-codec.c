// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The decompressors of lib/unpack (gzip, xz, legacy lzma, bzip2, zstd), each from its
 * library when configure found it.  Every codec streams into one growing buffer that never
 * grows past the caller's limit + 1 bytes: filling that byte is inflating past the limit.
 * gzip and bzip2 have the same shape of API (32-bit windows, one member per stream) and
 * share one loop; liblzma and libzstd take size_t windows and have their own errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif
#ifdef HAVE_BZIP2
#include <bzlib.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#include <zstd_errors.h>
#endif

#include "unpack-priv.h"

#define OUT_FIRST       (64u << 10)     /* first output buffer, before doubling */

bool kx_pack_supported(enum kx_pack kind)
{
	switch (kind) {
	case KX_PACK_GZIP:
#ifdef HAVE_ZLIB
		return true;
#else
		return false;
#endif
	case KX_PACK_XZ:
	case KX_PACK_LZMA:
#ifdef HAVE_LZMA
		return true;
#else
		return false;
#endif
	case KX_PACK_BZIP2:
#ifdef HAVE_BZIP2
		return true;
#else
		return false;
#endif
	case KX_PACK_ZSTD:
#ifdef HAVE_ZSTD
		return true;
#else
		return false;
#endif
	default:
		return true;
	}
}

/*
 * Legacy .lzma has no magic: a properties byte, a le32 dictionary size, a le64 uncompressed
 * size (all ones: unknown, the stream has an end marker), then the range coder, whose first
 * byte is always 0.  Accept only what lzma(1) and the kernel's cmd_lzma write: lc + lp <= 4,
 * a dictionary of 2^n or 2^n + 2^(n-1) bytes from 4 KiB to 1.5 GiB, a size under 256 GiB.
 */
bool up_is_lzma(const unsigned char *p, size_t len)
{
	uint32_t dict, low;
	uint64_t size = 0;
	unsigned props, lc, lp;

	if (len < 14 || p[13] != 0)
		return false;
	props = p[0];
	if (props >= 9 * 5 * 5)
		return false;
	lc = props % 9;
	lp = props / 9 % 5;
	if (lc + lp > 4)
		return false;
	dict = kx_le32(p + 1);
	if (dict < 4096 || dict > 0x60000000u)
		return false;
	low = dict & -dict;
	if (dict != low && dict != low * 3)
		return false;
	for (int i = 7; i >= 0; i--)
		size = size << 8 | p[5 + i];
	return size == UINT64_MAX || size < (1ull << 38);
}

/* ---- the growing output --------------------------------------------------------------- */

struct out {
	unsigned char *p;
	size_t len, cap;
};

static int too_big(struct unpacker *u, uint64_t at)
{
	unsigned long long l = u->limit;
	bool mib = !(l & ((1u << 20) - 1));

	return up_fail(u, -ENOEXEC, at,
		       "inflates past the %llu %s limit at input offset %llu: not a kernel (a "
		       "kernel Image is tens of MiB); if it is one, unpack it first and pass "
		       "what comes out", mib ? l >> 20 : l,
		       mib ? "MiB" : "byte", (unsigned long long)at);
}

/*
 * Room for at least one more byte.  The buffer never grows past limit + 1 bytes: a codec that
 * fills that last byte has inflated past the limit, whatever it would still produce.
 * at: the input offset reached, for the message.
 */
static int out_room(struct unpacker *u, struct out *o, size_t in_len, uint64_t at)
{
	size_t cap, max = (size_t)u->limit + 1;
	unsigned char *p;

	if (o->len > u->limit)
		return too_big(u, u->off0 + at);
	if (o->len < o->cap)
		return 0;
	if (!o->cap)
		cap = in_len < max / 4 ? OUT_FIRST + 4 * in_len : max;
	else
		cap = o->cap < max / 2 ? 2 * o->cap : max;
	if (cap > max)
		cap = max;
	p = realloc(o->p, cap);
	if (!p)
		return up_fail(u, -ENOMEM, u->off0 + at, "no memory for %zu bytes of output", cap);
	o->p = p;
	o->cap = cap;
	return 0;
}

static int truncated(struct unpacker *u, const char *codec, size_t in_len)
{
	return up_fail(u, -ENOEXEC, u->off0 + in_len,
		       "the %s data ends early (truncated) at input offset %llu: the file is cut "
		       "short, copy it again", codec, (unsigned long long)(u->off0 + in_len));
}

static int corrupt(struct unpacker *u, const char *codec, uint64_t at, const char *why)
{
	return up_fail(u, -ENOEXEC, u->off0 + at,
		       "the %s data is corrupt at input offset %llu (%s): reinstall the kernel",
		       codec, (unsigned long long)(u->off0 + at), why);
}

/* ---- gzip and bzip2: one loop over 32-bit windows, members concatenated ---------------- */

enum step { STEP_OK, STEP_END, STEP_NOMEM, STEP_CORRUPT };

/* One decoder call on the windows the loop sets; it advances them and says how it went. */
struct window32 {
	const unsigned char *in;
	unsigned in_avail;
	unsigned char *out;
	unsigned out_avail;
	const char *why;        /* STEP_CORRUPT: the library's words */
};

struct codec32 {
	enum kx_pack kind;
	const char *lib;        /* for "no memory for …" */
	void *s;                /* the library's stream */
	enum step (*step)(void *s, struct window32 *w);
	int (*reset)(void *s);  /* for the next member: 0 or -ENOMEM */
};

static unsigned clamp32(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
}

/*
 * After a stream ends, another member of the same kind may follow (gzip -d's and bzip2 -d's
 * rule); anything else after it, zero padding or trailing bytes, is left alone, as gzip -d
 * does ("trailing garbage ignored"): vmlinuz.gz files are padded.
 */
static int run32(struct unpacker *u, const struct codec32 *c, const unsigned char *in,
		 size_t in_len, struct out *o)
{
	const char *name = kx_pack_name(c->kind);
	size_t pos = 0;

	for (;;) {
		struct window32 w;
		enum step st;
		int r = out_room(u, o, in_len, pos);

		if (r < 0)
			return r;
		w = (struct window32){ in + pos, clamp32(in_len - pos), o->p + o->len,
				       clamp32(o->cap - o->len), NULL };
		st = c->step(c->s, &w);
		pos = (size_t)(w.in - in);
		o->len = (size_t)(w.out - o->p);
		switch (st) {
		case STEP_END:
			if (pos >= in_len || kx_pack_detect(in + pos, in_len - pos) != c->kind)
				return 0;
			if (c->reset(c->s) < 0)
				return up_fail(u, -ENOMEM, u->off0 + pos, "no memory for %s", c->lib);
			continue;
		case STEP_NOMEM:
			return up_fail(u, -ENOMEM, u->off0 + pos, "no memory for %s", c->lib);
		case STEP_CORRUPT:
			return corrupt(u, name, pos, w.why);
		case STEP_OK:
			break;
		}
		if (pos == in_len && w.out_avail)
			return truncated(u, name, in_len);
	}
}

#ifdef HAVE_ZLIB
static enum step gzip_step(void *sp, struct window32 *w)
{
	z_stream *s = sp;
	int z;

	s->next_in = (unsigned char *)w->in;
	s->avail_in = w->in_avail;
	s->next_out = w->out;
	s->avail_out = w->out_avail;
	z = inflate(s, Z_NO_FLUSH);
	w->in = s->next_in;
	w->out = s->next_out;
	w->out_avail = s->avail_out;
	if (z == Z_STREAM_END)
		return STEP_END;
	if (z == Z_MEM_ERROR)
		return STEP_NOMEM;
	if (z != Z_OK && z != Z_BUF_ERROR) {
		w->why = s->msg ? s->msg : "inflate failed";
		return STEP_CORRUPT;
	}
	return STEP_OK;
}

static int gzip_reset(void *s)
{
	return inflateReset(s) == Z_OK ? 0 : -ENOMEM;
}

static int do_gzip(struct unpacker *u, const unsigned char *in, size_t in_len, struct out *o)
{
	z_stream s = { 0 };
	struct codec32 c = { KX_PACK_GZIP, "zlib", &s, gzip_step, gzip_reset };
	int r;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
		return up_fail(u, -ENOMEM, u->off0, "no memory for zlib");
	r = run32(u, &c, in, in_len, o);
	inflateEnd(&s);
	return r;
}
#endif

#ifdef HAVE_BZIP2
static enum step bzip2_step(void *sp, struct window32 *w)
{
	bz_stream *s = sp;
	int z;

	s->next_in = (char *)w->in;
	s->avail_in = w->in_avail;
	s->next_out = (char *)w->out;
	s->avail_out = w->out_avail;
	z = BZ2_bzDecompress(s);
	w->in = (const unsigned char *)s->next_in;
	w->out = (unsigned char *)s->next_out;
	w->out_avail = s->avail_out;
	if (z == BZ_STREAM_END)
		return STEP_END;
	if (z == BZ_MEM_ERROR)
		return STEP_NOMEM;
	if (z != BZ_OK) {
		w->why = "bad block";
		return STEP_CORRUPT;
	}
	return STEP_OK;
}

/* libbz2 has no reset: end the stream and begin another (a stream that failed to begin is
 * NULL inside, and BZ2_bzDecompressEnd leaves such a one alone) */
static int bzip2_reset(void *s)
{
	BZ2_bzDecompressEnd(s);
	return BZ2_bzDecompressInit(s, 0, 0) == BZ_OK ? 0 : -ENOMEM;
}

static int do_bzip2(struct unpacker *u, const unsigned char *in, size_t in_len, struct out *o)
{
	bz_stream s = { 0 };
	struct codec32 c = { KX_PACK_BZIP2, "libbz2", &s, bzip2_step, bzip2_reset };
	int r;

	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return up_fail(u, -ENOMEM, u->off0, "no memory for libbz2");
	r = run32(u, &c, in, in_len, o);
	BZ2_bzDecompressEnd(&s);
	return r;
}
#endif

/* ---- xz and legacy lzma --------------------------------------------------------------- */

#ifdef HAVE_LZMA
static int do_lzma(struct unpacker *u, const unsigned char *in, size_t in_len, struct out *o,
		   bool xz)
{
	lzma_stream s = LZMA_STREAM_INIT;
	const char *codec = xz ? "xz" : "lzma";
	/* a dictionary larger than the output is never used: without a memory limit, a header
	 * could ask for 1.5 GiB whatever the output limit.  But never less than the 64 MiB
	 * dictionary of lzma -9, the kernel's cmd_lzma (xz_wrap.sh's is 32 MiB), which it
	 * writes whatever the size of the kernel; 16 MiB more for the rest of the decoder. */
	uint64_t memlimit = (u->limit > (64u << 20) ? u->limit : (64u << 20)) + (16u << 20);
	lzma_ret z;
	int r;

	z = xz ? lzma_stream_decoder(&s, memlimit, LZMA_CONCATENATED) :
		 lzma_alone_decoder(&s, memlimit);
	if (z != LZMA_OK)
		return up_fail(u, -ENOMEM, u->off0, "no memory for liblzma");
	s.next_in = in;
	s.avail_in = in_len;
	for (;;) {
		r = out_room(u, o, in_len, s.total_in);
		if (r < 0)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		z = lzma_code(&s, LZMA_FINISH);
		o->len = (size_t)(s.next_out - o->p);
		if (z == LZMA_STREAM_END)
			break;
		if (z == LZMA_OK)
			continue;
		if (z == LZMA_MEM_ERROR)
			r = up_fail(u, -ENOMEM, u->off0 + s.total_in, "no memory for liblzma");
		else if (z == LZMA_MEMLIMIT_ERROR)
			r = up_fail(u, -ENOEXEC, u->off0 + s.total_in,
				    "the %s data needs %llu MiB of memory to decode (its "
				    "dictionary), more than an output within the limit ever needs: "
				    "not a kernel; if it is one, unpack it first (xz -d) and pass "
				    "what comes out", codec,
				    (unsigned long long)(lzma_memusage(&s) >> 20));
		else if (z == LZMA_BUF_ERROR)
			r = truncated(u, codec, in_len);
		else
			r = corrupt(u, codec, s.total_in,
				    z == LZMA_FORMAT_ERROR ? "not the format" :
				    z == LZMA_OPTIONS_ERROR ? "unsupported options" : "bad data");
		break;
	}
	lzma_end(&s);
	return r;
}
#endif

/* ---- zstd ----------------------------------------------------------------------------- */

#ifdef HAVE_ZSTD
/* Frames concatenated; after the last, zero padding is allowed */
static int do_zstd(struct unpacker *u, const unsigned char *in, size_t in_len, struct out *o)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, in_len, 0 };
	unsigned wlog = 10;
	int r;

	if (!d)
		return up_fail(u, -ENOMEM, u->off0, "no memory for libzstd");
	/* as for xz: a window larger than the output limit is refused, not allocated (a frame
	 * declares its window; one no larger than its content is exactly the limit's size) */
	while (wlog < 31 && (1ull << wlog) < u->limit)
		wlog++;
	wlog += wlog < 31;
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, (int)wlog);
	for (;;) {
		ZSTD_outBuffer ob;
		size_t z;

		r = out_room(u, o, in_len, ib.pos);
		if (r < 0)
			break;
		ob = (ZSTD_outBuffer){ o->p + o->len, o->cap - o->len, 0 };
		z = ZSTD_decompressStream(d, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(z)) {
			if (ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation)
				r = up_fail(u, -ENOMEM, u->off0 + ib.pos, "no memory for libzstd");
			else if (ZSTD_getErrorCode(z) == ZSTD_error_frameParameter_windowTooLarge)
				r = up_fail(u, -ENOEXEC, u->off0 + ib.pos,
					    "the zstd frame at input offset %llu asks for a window "
					    "of more than 2^%u bytes, more than an output within "
					    "the limit ever needs: not a kernel; if it is one, unpack "
					    "it first (zstd -d) and pass what comes out",
					    (unsigned long long)(u->off0 + ib.pos), wlog);
			else
				r = corrupt(u, "zstd", ib.pos, ZSTD_getErrorName(z));
			break;
		}
		if (z == 0 && (ib.pos == in_len || up_all_zero(in + ib.pos, in_len - ib.pos)))
			break;
		if (z && ib.pos == in_len && ob.pos < ob.size) {
			r = truncated(u, "zstd", in_len);
			break;
		}
	}
	ZSTD_freeDCtx(d);
	return r;
}
#endif

/* ---- one entry ------------------------------------------------------------------------ */

static const char *const codec_lib[] = {
	[KX_PACK_GZIP] = "zlib (zlib1g-dev)", [KX_PACK_XZ] = "liblzma (liblzma-dev)",
	[KX_PACK_LZMA] = "liblzma (liblzma-dev)", [KX_PACK_BZIP2] = "libbz2 (libbz2-dev)",
	[KX_PACK_ZSTD] = "libzstd (libzstd-dev)",
};

int up_decompress(struct unpacker *u, enum kx_pack kind, const unsigned char *in, size_t in_len,
		  unsigned char **ret_out, size_t *ret_len)
{
	struct out o = { 0 };
	unsigned char *p;
	int r;

	switch (kind) {
#ifdef HAVE_ZLIB
	case KX_PACK_GZIP:
		r = do_gzip(u, in, in_len, &o);
		break;
#endif
#ifdef HAVE_LZMA
	case KX_PACK_XZ:
	case KX_PACK_LZMA:
		r = do_lzma(u, in, in_len, &o, kind == KX_PACK_XZ);
		break;
#endif
#ifdef HAVE_BZIP2
	case KX_PACK_BZIP2:
		r = do_bzip2(u, in, in_len, &o);
		break;
#endif
#ifdef HAVE_ZSTD
	case KX_PACK_ZSTD:
		r = do_zstd(u, in, in_len, &o);
		break;
#endif
	default:
		return up_fail(u, -ENOTSUP, u->off0,
			       "this kexec was built without %s: the %s-compressed data at input "
			       "offset %llu can't be unpacked; rebuild with that package installed, "
			       "or unpack the kernel first with %s -d", codec_lib[kind],
			       kx_pack_name(kind), (unsigned long long)u->off0, kx_pack_name(kind));
	}
	if (r == 0 && o.len > u->limit)
		r = too_big(u, u->off0 + in_len);
	if (r == 0 && o.len == 0)
		r = up_fail(u, -ENOEXEC, u->off0, "the %s data holds no bytes: not a kernel",
			    kx_pack_name(kind));
	if (r < 0) {
		free(o.p);
		return r;
	}
	p = realloc(o.p, o.len);
	*ret_out = p ? p : o.p;
	*ret_len = o.len;
	return 0;
}
