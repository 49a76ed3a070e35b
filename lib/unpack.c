// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel image unpacking (lib/unpack.h).  Three kinds of layer:
 *  - PE/COFF containers: a UKI gives its .linux section (and keeps .initrd, .cmdline,
 *    .uname); an arm64 zboot gives its payload, decompressed with the codec it names.
 *  - whole-buffer compressions, each streamed into one growing buffer capped by the limit.
 * The loop in kx_unpack() peels one layer per turn, at most KX_UNPACK_MAX_LAYERS, so that
 * no input can make it recurse or loop without bound.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

#include "unpack.h"

/*
 * The zboot header (drivers/firmware/efi/libstub/zboot-header.S): "MZ" at 0, "zimg" at 4,
 * le32 payload offset at 8 and size at 12 (the size leaves out the le32 of the uncompressed
 * size that Makefile.zboot appends to every payload but gzip's), the compression name
 * (NUL-terminated: gzip, lzma, xzkern, zstd22, lz4, lzo) from 24 up to 0x38.
 */
#define ZB_MAGIC        4
#define ZB_PAYLOAD_OFF  8
#define ZB_PAYLOAD_SIZE 12
#define ZB_COMP         24
#define ZB_COMP_END     0x38

/* PE/COFF: e_lfanew at 0x3c; "PE\0\0", then the 20-byte COFF header (NumberOfSections at
 * +6, SizeOfOptionalHeader at +20 from the signature), the optional header, the table of
 * 40-byte section headers: Name[8], VirtualSize, VirtualAddress, SizeOfRawData,
 * PointerToRawData. */
#define PE_LFANEW       0x3c
#define PE_NSECT        6
#define PE_OPTSIZE      20
#define PE_COFF_END     24
#define SEC_SIZE        40
#define SEC_VSIZE       8
#define SEC_RAWSIZE     16
#define SEC_RAWPTR      20

#define OUT_FIRST       (64u << 10)     /* first output buffer, before doubling */
#define NO_BASE         UINT64_MAX      /* the layer's input is decompressed: no file offset */

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* [off, off + size) lies inside a buffer of len bytes; no sum that could wrap */
static bool in_bounds(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

const char *kx_pack_name(enum kx_pack kind)
{
	static const char *const names[] = {
		[KX_PACK_NONE] = "none", [KX_PACK_GZIP] = "gzip", [KX_PACK_XZ] = "xz",
		[KX_PACK_LZMA] = "lzma", [KX_PACK_BZIP2] = "bzip2", [KX_PACK_ZSTD] = "zstd",
		[KX_PACK_ZBOOT] = "zboot", [KX_PACK_UKI] = "UKI",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "none";
}

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

/* ---- detection ------------------------------------------------------------------------ */

/*
 * Legacy .lzma has no magic: a properties byte, a le32 dictionary size, a le64 uncompressed
 * size (all ones: unknown, the stream has an end marker), then the range coder, whose first
 * byte is always 0.  Accept only what lzma(1) and the kernel's cmd_lzma write: lc + lp <= 4,
 * a dictionary of 2^n or 2^n + 2^(n-1) bytes from 4 KiB to 1.5 GiB, a size under 256 GiB.
 */
static bool is_lzma(const unsigned char *p, size_t len)
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
	dict = le32(p + 1);
	if (dict < 4096 || dict > 0x60000000u)
		return false;
	low = dict & -dict;
	if (dict != low && dict != low * 3)
		return false;
	for (int i = 7; i >= 0; i--)
		size = size << 8 | p[5 + i];
	return size == UINT64_MAX || size < (1ull << 38);
}

/* The section table of a PE file, or false when buf is no PE or the table is not inside it. */
static bool pe_table(const unsigned char *p, size_t len, uint64_t *ret_table, unsigned *ret_n,
		     bool *ret_truncated)
{
	uint64_t pe, table;
	unsigned n;

	*ret_truncated = false;
	if (len < PE_LFANEW + 4 || p[0] != 'M' || p[1] != 'Z')
		return false;
	pe = le32(p + PE_LFANEW);
	if (!in_bounds(len, pe, PE_COFF_END) || memcmp(p + pe, "PE\0\0", 4))
		return false;
	n = le16(p + pe + PE_NSECT);
	table = pe + PE_COFF_END + le16(p + pe + PE_OPTSIZE);
	if (!in_bounds(len, table, (uint64_t)n * SEC_SIZE)) {
		*ret_truncated = true;
		return false;
	}
	*ret_table = table;
	*ret_n = n;
	return true;
}

/* Name[8] is NUL-padded, without a NUL when 8 long (".cmdline") */
static bool sec_is(const unsigned char *sec, const char *name)
{
	size_t n = strlen(name);

	return !memcmp(sec, name, n) && all_zero(sec + n, 8 - n);
}

static bool has_linux_section(const unsigned char *p, size_t len)
{
	uint64_t table;
	unsigned n;
	bool truncated;

	if (!pe_table(p, len, &table, &n, &truncated))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (sec_is(p + table + (uint64_t)i * SEC_SIZE, ".linux"))
			return true;
	return false;
}

enum kx_pack kx_pack_detect(const unsigned char *p, size_t len)
{
	if (len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return KX_PACK_GZIP;
	if (len >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return KX_PACK_XZ;
	if (len >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return KX_PACK_ZSTD;
	/* "BZh", the block size digit, then a block's or the end's 48-bit magic */
	if (len >= 10 && !memcmp(p, "BZh", 3) && p[3] >= '1' && p[3] <= '9' &&
	    (!memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) ||
	     !memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6)))
		return KX_PACK_BZIP2;
	if (len >= ZB_COMP_END && p[0] == 'M' && p[1] == 'Z' && !memcmp(p + ZB_MAGIC, "zimg", 4))
		return KX_PACK_ZBOOT;
	if (has_linux_section(p, len))
		return KX_PACK_UKI;
	if (is_lzma(p, len))
		return KX_PACK_LZMA;
	return KX_PACK_NONE;
}

/* ---- errors --------------------------------------------------------------------------- */

struct unpacker {
	uint64_t limit;
	struct kx_err *err;
	struct kx_unpacked res;
	uint64_t base;          /* file offset of the current layer's input, or NO_BASE */
	uint64_t off0;          /* offset of the codec's input in the layer's input */
	bool uki_seen;
};

/*
 * "UKI > zboot (gzip): <what> …": the layers peeled so far and the one failing, so that an
 * offset is read against the right input.  The offset is in that layer's input; err's
 * offset is the file offset when the input is a slice of the file.
 */
static int failv(struct unpacker *u, int code, uint64_t off, const char *fmt, va_list ap)
{
	char path[160] = "", msg[400];
	size_t n = 0;

	for (size_t i = 0; i <= u->res.nlayers && i < KX_UNPACK_MAX_LAYERS; i++) {
		const char *name = u->res.layer[i].name;

		if (!name)
			break;
		n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%s", i ? " > " : "", name);
		if (n >= sizeof(path))
			break;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (u->base != NO_BASE)
		return kx_err_at(u->err, code, u->base + off, "%s%s%s", path, *path ? ": " : "", msg);
	return kx_err_set(u->err, code, "%s%s%s", path, *path ? ": " : "", msg);
}

static int fail(struct unpacker *u, int code, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct unpacker *u, int code, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = failv(u, code, off, fmt, ap);
	va_end(ap);
	return r;
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

	return fail(u, -ENOEXEC, at,
		    "inflates past the %llu %s limit at input offset %llu: not a kernel (a kernel "
		    "Image is tens of MiB), or raise the limit", mib ? l >> 20 : l,
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
		return fail(u, -ENOMEM, u->off0 + at, "no memory for %zu bytes of output", cap);
	o->p = p;
	o->cap = cap;
	return 0;
}

static int truncated(struct unpacker *u, const char *codec, size_t in_len)
{
	return fail(u, -ENOEXEC, u->off0 + in_len,
		    "the %s data ends early (truncated) at input offset %llu: the file is cut "
		    "short, copy it again", codec, (unsigned long long)(u->off0 + in_len));
}

static int corrupt(struct unpacker *u, const char *codec, uint64_t at, const char *why)
{
	return fail(u, -ENOEXEC, u->off0 + at,
		    "the %s data is corrupt at input offset %llu (%s): reinstall the kernel",
		    codec, (unsigned long long)(u->off0 + at), why);
}

/* after a complete stream: more of the same kind follows (concatenated), or only padding */
static bool next_member(const unsigned char *in, size_t in_len, size_t pos, enum kx_pack kind)
{
	return pos < in_len && kx_pack_detect(in + pos, in_len - pos) == kind;
}

/* ---- codecs: in, in_len -> o; each streams and stops at limit + 1 ---------------------- */

#ifdef HAVE_ZLIB
/* Members concatenated (gzip -d's rule); then zero padding or trailing bytes are left alone,
 * as gzip -d does ("trailing garbage ignored"): vmlinuz.gz files are padded. */
static int do_gzip(struct unpacker *u, const unsigned char *in, size_t in_len, struct out *o)
{
	z_stream s = { 0 };
	size_t pos = 0;
	int r, z;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
		return fail(u, -ENOMEM, u->off0, "no memory for zlib");
	for (;;) {
		size_t room, avail = in_len - pos;

		r = out_room(u, o, in_len, pos);
		if (r < 0)
			break;
		room = o->cap - o->len;
		s.next_in = (unsigned char *)in + pos;
		s.avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
		s.next_out = o->p + o->len;
		s.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
		z = inflate(&s, Z_NO_FLUSH);
		pos = (size_t)(s.next_in - in);
		o->len = (size_t)(s.next_out - o->p);
		if (z == Z_STREAM_END) {
			if (!next_member(in, in_len, pos, KX_PACK_GZIP))
				break;
			inflateReset(&s);
			continue;
		}
		if (z == Z_MEM_ERROR) {
			r = fail(u, -ENOMEM, u->off0 + pos, "no memory for zlib");
			break;
		}
		if (z != Z_OK && z != Z_BUF_ERROR) {
			r = corrupt(u, "gzip", pos, s.msg ? s.msg : "inflate failed");
			break;
		}
		if (pos == in_len && s.avail_out) {
			r = truncated(u, "gzip", in_len);
			break;
		}
	}
	inflateEnd(&s);
	return r;
}
#endif

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
		return fail(u, -ENOMEM, u->off0, "no memory for liblzma");
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
			r = fail(u, -ENOMEM, u->off0 + s.total_in, "no memory for liblzma");
		else if (z == LZMA_MEMLIMIT_ERROR)
			r = fail(u, -ENOEXEC, u->off0 + s.total_in,
				 "the %s data needs %llu MiB of memory to decode (its dictionary), "
				 "more than an output within the limit ever needs: not a kernel, "
				 "or raise the limit", codec,
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

#ifdef HAVE_BZIP2
static int do_bzip2(struct unpacker *u, const unsigned char *in, size_t in_len, struct out *o)
{
	bz_stream s = { 0 };
	size_t pos = 0;
	int r, z;

	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return fail(u, -ENOMEM, u->off0, "no memory for libbz2");
	for (;;) {
		size_t room, avail = in_len - pos;

		r = out_room(u, o, in_len, pos);
		if (r < 0)
			break;
		room = o->cap - o->len;
		s.next_in = (char *)in + pos;
		s.avail_in = avail > UINT32_MAX ? UINT32_MAX : (unsigned)avail;
		s.next_out = (char *)o->p + o->len;
		s.avail_out = room > UINT32_MAX ? UINT32_MAX : (unsigned)room;
		z = BZ2_bzDecompress(&s);
		pos = (size_t)((const unsigned char *)s.next_in - in);
		o->len = (size_t)((unsigned char *)s.next_out - o->p);
		if (z == BZ_STREAM_END) {
			if (!next_member(in, in_len, pos, KX_PACK_BZIP2))
				break;
			BZ2_bzDecompressEnd(&s);
			if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
				return fail(u, -ENOMEM, u->off0 + pos, "no memory for libbz2");
			continue;
		}
		if (z == BZ_MEM_ERROR) {
			r = fail(u, -ENOMEM, u->off0 + pos, "no memory for libbz2");
			break;
		}
		if (z != BZ_OK) {
			r = corrupt(u, "bzip2", pos, "bad block");
			break;
		}
		if (pos == in_len && s.avail_out) {
			r = truncated(u, "bzip2", in_len);
			break;
		}
	}
	BZ2_bzDecompressEnd(&s);
	return r;
}
#endif

#ifdef HAVE_ZSTD
/* Frames concatenated; after the last, zero padding is allowed */
static int do_zstd(struct unpacker *u, const unsigned char *in, size_t in_len, struct out *o)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, in_len, 0 };
	unsigned wlog = 10;
	int r;

	if (!d)
		return fail(u, -ENOMEM, u->off0, "no memory for libzstd");
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
				r = fail(u, -ENOMEM, u->off0 + ib.pos, "no memory for libzstd");
			else if (ZSTD_getErrorCode(z) == ZSTD_error_frameParameter_windowTooLarge)
				r = fail(u, -ENOEXEC, u->off0 + ib.pos,
					 "the zstd frame at input offset %llu asks for a window of "
					 "more than 2^%u bytes, more than an output within the limit "
					 "ever needs: not a kernel, or raise the limit",
					 (unsigned long long)(u->off0 + ib.pos), wlog);
			else
				r = corrupt(u, "zstd", ib.pos, ZSTD_getErrorName(z));
			break;
		}
		if (z == 0 && (ib.pos == in_len || all_zero(in + ib.pos, in_len - ib.pos)))
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

static const char *const codec_lib[] = {
	[KX_PACK_GZIP] = "zlib (zlib1g-dev)", [KX_PACK_XZ] = "liblzma (liblzma-dev)",
	[KX_PACK_LZMA] = "liblzma (liblzma-dev)", [KX_PACK_BZIP2] = "libbz2 (libbz2-dev)",
	[KX_PACK_ZSTD] = "libzstd (libzstd-dev)",
};

/* Decompress in into a malloc'd *ret_out (shrunk to fit); the codec named by kind */
static int decompress(struct unpacker *u, enum kx_pack kind, const unsigned char *in,
		      size_t in_len, unsigned char **ret_out, size_t *ret_len)
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
		return fail(u, -ENOTSUP, u->off0,
			    "this kexec was built without %s: the %s-compressed data at input "
			    "offset %llu can't be unpacked; rebuild with that package installed, "
			    "or unpack the kernel first with %s -d", codec_lib[kind],
			    kx_pack_name(kind), (unsigned long long)u->off0, kx_pack_name(kind));
	}
	if (r == 0 && o.len > u->limit)
		r = too_big(u, u->off0 + in_len);
	if (r == 0 && o.len == 0)
		r = fail(u, -ENOEXEC, u->off0, "the %s data holds no bytes: not a kernel",
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

/* ---- containers ----------------------------------------------------------------------- */

static const struct {
	const char *comp;       /* the name in the zboot header */
	enum kx_pack kind;
	const char *layer;
} zboot_comp[] = {
	{ "gzip", KX_PACK_GZIP, "zboot (gzip)" },
	{ "lzma", KX_PACK_LZMA, "zboot (lzma)" },
	{ "xzkern", KX_PACK_XZ, "zboot (xz)" },
	{ "xz", KX_PACK_XZ, "zboot (xz)" },
	{ "zstd22", KX_PACK_ZSTD, "zboot (zstd)" },
	{ "zstd", KX_PACK_ZSTD, "zboot (zstd)" },
};

/* The payload of a zboot image, decompressed */
static int zboot(struct unpacker *u, const unsigned char *p, size_t len,
		 struct kx_unpack_layer *l, unsigned char **ret_out, size_t *ret_len)
{
	uint32_t off = le32(p + ZB_PAYLOAD_OFF), size = le32(p + ZB_PAYLOAD_SIZE);
	const char *comp = (const char *)p + ZB_COMP;
	size_t n = strnlen(comp, ZB_COMP_END - ZB_COMP);
	int r;

	l->name = "zboot";
	if (n == ZB_COMP_END - ZB_COMP)
		return fail(u, -ENOEXEC, ZB_COMP, "the compression name at offset %d has no NUL "
			    "before offset %d: not a zboot image", ZB_COMP, ZB_COMP_END);
	if (!in_bounds(len, off, size) || size == 0)
		return fail(u, -ENOEXEC, ZB_PAYLOAD_OFF,
			    "payload offset %u + size %u (header offsets %d, %d) runs past the "
			    "end of the %zu-byte image: the file is cut short or not a zboot image",
			    off, size, ZB_PAYLOAD_OFF, ZB_PAYLOAD_SIZE, len);
	for (size_t i = 0; i < sizeof(zboot_comp) / sizeof(zboot_comp[0]); i++) {
		if (strlen(zboot_comp[i].comp) != n || memcmp(comp, zboot_comp[i].comp, n))
			continue;
		l->name = zboot_comp[i].layer;
		l->offset = off;
		l->in_size = size;
		u->off0 = off;
		r = decompress(u, zboot_comp[i].kind, p + off, size, ret_out, ret_len);
		u->off0 = 0;
		return r;
	}
	return fail(u, strcmp(comp, "lz4") && strcmp(comp, "lzo") ? -ENOEXEC : -ENOTSUP, ZB_COMP,
		    "payload compression \"%.*s\" (offset %d) is not one this kexec unpacks (gzip, "
		    "lzma, xz, zstd): unpack the payload with the tool of that name", (int)n, comp,
		    ZB_COMP);
}

static char *uki_string(const unsigned char *p, size_t n)
{
	size_t len = strnlen((const char *)p, n);
	char *s;

	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' ' ||
		       p[len - 1] == '\t'))
		len--;
	s = malloc(len + 1);
	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

/*
 * A UKI: the sections of profile 0, which the stub boots by default: those before the first
 * .profile section and those of the first profile, which override them.  Every section's data
 * (PointerToRawData, and VirtualSize when set, else SizeOfRawData: raw data is padded to the
 * file alignment) must lie inside the file.  ret_off, ret_len: .linux.
 */
static int uki(struct unpacker *u, const unsigned char *p, size_t len, uint64_t *ret_off,
	       size_t *ret_len)
{
	static const char *const want[] = { ".linux", ".initrd", ".cmdline", ".uname" };
	uint64_t table, off[4] = { 0 }, size[4] = { 0 };
	bool found[4] = { false }, trunc;
	unsigned n, profile = 0;

	if (!pe_table(p, len, &table, &n, &trunc))
		return fail(u, -ENOEXEC, PE_LFANEW, "no PE section table");
	for (unsigned i = 0; i < n && profile < 2; i++) {
		const unsigned char *s = p + table + (uint64_t)i * SEC_SIZE;
		uint32_t vsize = le32(s + SEC_VSIZE), raw = le32(s + SEC_RAWSIZE);

		if (sec_is(s, ".profile")) {
			profile++;
			continue;
		}
		for (unsigned w = 0; w < 4; w++) {
			if (!sec_is(s, want[w]))
				continue;
			off[w] = le32(s + SEC_RAWPTR);
			size[w] = vsize && vsize < raw ? vsize : raw;
			found[w] = true;
			if (!in_bounds(len, off[w], size[w]))
				return fail(u, -ENOEXEC, table + (uint64_t)i * SEC_SIZE,
					    "section %s (header at offset %llu) has its %llu bytes "
					    "at offset %llu, past the end of the %zu-byte file: "
					    "the file is cut short", want[w],
					    (unsigned long long)(table + (uint64_t)i * SEC_SIZE),
					    (unsigned long long)size[w], (unsigned long long)off[w],
					    len);
		}
	}
	if (!found[0] || !size[0])
		return fail(u, -ENOEXEC, table, "no .linux data in the sections of profile 0 "
			    "(the table at offset %llu): not a bootable UKI",
			    (unsigned long long)table);
	if (found[1] && size[1]) {
		u->res.initrd = malloc(size[1]);
		if (!u->res.initrd)
			return fail(u, -ENOMEM, off[1], "no memory for the .initrd section");
		memcpy(u->res.initrd, p + off[1], size[1]);
		u->res.initrd_len = size[1];
	}
	if (found[2] && !(u->res.cmdline = uki_string(p + off[2], size[2])))
		return fail(u, -ENOMEM, off[2], "no memory for the .cmdline section");
	if (found[3] && !(u->res.uname = uki_string(p + off[3], size[3])))
		return fail(u, -ENOMEM, off[3], "no memory for the .uname section");
	*ret_off = off[0];
	*ret_len = size[0];
	return 0;
}

/* ---- the layers ----------------------------------------------------------------------- */

void kx_unpacked_free(struct kx_unpacked *u)
{
	if (!u)
		return;
	free(u->kernel);
	free(u->initrd);
	free(u->cmdline);
	free(u->uname);
	memset(u, 0, sizeof(*u));
}

/* What buf is, and a PE header whose section table runs past the end named as malformed */
static int detect(struct unpacker *u, const unsigned char *p, size_t len, enum kx_pack *ret)
{
	uint64_t table;
	unsigned n;
	bool trunc;

	*ret = kx_pack_detect(p, len);
	if (*ret == KX_PACK_NONE && !pe_table(p, len, &table, &n, &trunc) && trunc)
		return fail(u, -ENOEXEC, PE_LFANEW,
			    "the PE section table (%u entries, after the header at offset %u) runs "
			    "past the end of the %zu-byte image: the file is cut short",
			    le16(p + le32(p + PE_LFANEW) + PE_NSECT), le32(p + PE_LFANEW), len);
	return 0;
}

static int peel(struct unpacker *u, const unsigned char *buf, size_t len)
{
	const unsigned char *cur = buf;
	unsigned char *owned = NULL, *out;
	size_t cur_len = len, out_len;
	enum kx_pack kind;
	int r;

	for (;;) {
		struct kx_unpack_layer *l;

		u->off0 = 0;
		r = detect(u, cur, cur_len, &kind);
		if (r < 0 || kind == KX_PACK_NONE)
			break;
		if (u->res.nlayers == KX_UNPACK_MAX_LAYERS) {
			r = kx_err_set(u->err, -ENOEXEC,
				       "more than %d layers of packing (the next one %s): a kernel "
				       "has at most a UKI, a zboot and a compression",
				       KX_UNPACK_MAX_LAYERS, kx_pack_name(kind));
			break;
		}
		l = &u->res.layer[u->res.nlayers];
		*l = (struct kx_unpack_layer){ .kind = kind, .name = kx_pack_name(kind),
					       .in_size = cur_len };
		if (kind == KX_PACK_UKI) {
			uint64_t off = 0;

			if (u->uki_seen) {
				r = fail(u, -ENOEXEC, 0, "a UKI inside a UKI");
				break;
			}
			r = uki(u, cur, cur_len, &off, &out_len);
			if (r < 0)
				break;
			u->uki_seen = true;
			l->offset = off;
			l->in_size = out_len;
			l->out_size = out_len;
			u->res.nlayers++;
			cur += off;
			cur_len = out_len;
			if (u->base != NO_BASE)
				u->base += off;
			continue;
		}
		if (kind == KX_PACK_ZBOOT)
			r = zboot(u, cur, cur_len, l, &out, &out_len);
		else
			r = decompress(u, kind, cur, cur_len, &out, &out_len);
		if (r < 0)
			break;
		l->out_size = out_len;
		u->res.nlayers++;
		free(owned);
		owned = out;
		cur = out;
		cur_len = out_len;
		u->base = NO_BASE;
	}
	if (r == 0 && u->res.nlayers) {
		if (cur != owned) {     /* a slice: the .linux of a UKI */
			out = malloc(cur_len);
			if (!out) {
				free(owned);
				return kx_err_set(u->err, -ENOMEM, "no memory for the %zu-byte kernel",
						  cur_len);
			}
			memcpy(out, cur, cur_len);
			free(owned);
			owned = out;
		}
		u->res.kernel = owned;
		u->res.kernel_len = cur_len;
		return 0;
	}
	free(owned);
	return r;
}

int kx_unpack(const unsigned char *buf, size_t len, uint64_t limit, struct kx_unpacked *ret,
	      struct kx_err *err)
{
	struct unpacker u = { .limit = limit ? limit : KX_UNPACK_DEFAULT_LIMIT, .err = err };
	int r;

	/* limit + 1 bytes must be a size_t, with room to double */
	if (u.limit > SIZE_MAX / 4)
		u.limit = SIZE_MAX / 4;
	r = peel(&u, buf, len);
	if (r < 0) {
		kx_unpacked_free(&u.res);
		return r;
	}
	*ret = u.res;
	return 0;
}
