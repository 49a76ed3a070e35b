// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel image unpacking (lib/unpack.h): what a buffer is, and the loop that peels it.
 * Two kinds of layer:
 *  - PE/COFF containers (unpack-pe.c): a UKI gives its .linux section (and keeps .initrd,
 *    .cmdline, .uname); an arm64 zboot gives its payload, decompressed with the codec it names.
 *  - whole-buffer compressions (unpack-codec.c), each streamed into one growing buffer capped
 *    by the limit.
 * The loop in peel() takes one layer per turn, at most KX_UNPACK_MAX_LAYERS, so that no input
 * can make it recurse or loop without bound.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unpack-priv.h"

const char *kx_pack_name(enum kx_pack kind)
{
	static const char *const names[] = {
		[KX_PACK_NONE] = "none", [KX_PACK_GZIP] = "gzip", [KX_PACK_XZ] = "xz",
		[KX_PACK_LZMA] = "lzma", [KX_PACK_BZIP2] = "bzip2", [KX_PACK_ZSTD] = "zstd",
		[KX_PACK_ZBOOT] = "zboot", [KX_PACK_UKI] = "UKI",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "none";
}

/* Magics first (none begins with "MZ"), then the PE containers, then legacy lzma, which has
 * no magic and is only told by the plausibility of its header. */
enum kx_pack kx_pack_detect(const unsigned char *p, size_t len)
{
	enum kx_pack pe;

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
	pe = up_pe_detect(p, len);
	if (pe != KX_PACK_NONE)
		return pe;
	if (up_is_lzma(p, len))
		return KX_PACK_LZMA;
	return KX_PACK_NONE;
}

/*
 * "UKI > zboot (gzip): <what> …": the layers peeled so far and the one failing, so that an
 * offset is read against the right input.  The offset is in that layer's input; err's
 * offset is the file offset when the input is a slice of the file.
 */
int up_fail(struct unpacker *u, int code, uint64_t off, const char *fmt, ...)
{
	char path[160] = "", msg[400];
	size_t n = 0;
	va_list ap;

	for (size_t i = 0; i <= u->res.nlayers && i < KX_UNPACK_MAX_LAYERS; i++) {
		const char *name = u->res.layer[i].name;

		if (!name)
			break;
		n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%s", i ? " > " : "", name);
		if (n >= sizeof(path))
			break;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (u->base != NO_BASE)
		return kx_err_at(u->err, code, u->base + off, "%s%s%s", path, *path ? ": " : "", msg);
	return kx_err_set(u->err, code, "%s%s%s", path, *path ? ": " : "", msg);
}

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

/* The .linux slice of a UKI: the next layer's input, still inside the file */
static int take_uki(struct unpacker *u, struct kx_unpack_layer *l, const unsigned char **cur,
		    size_t *cur_len)
{
	uint64_t off = 0;
	size_t len;
	int r;

	if (u->uki_seen)
		return up_fail(u, -ENOEXEC, 0, "a UKI inside a UKI");
	r = up_uki(u, *cur, *cur_len, &off, &len);
	if (r < 0)
		return r;
	u->uki_seen = true;
	l->offset = off;
	l->in_size = len;
	l->out_size = len;
	*cur += off;
	*cur_len = len;
	if (u->base != NO_BASE)
		u->base += off;
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
		kind = kx_pack_detect(cur, cur_len);
		if (kind == KX_PACK_NONE) {
			r = up_pe_check(u, cur, cur_len);
			break;
		}
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
		if (kind != KX_PACK_UKI && kind != KX_PACK_ZBOOT)
			l->codec = kind;
		if (kind == KX_PACK_UKI) {
			r = take_uki(u, l, &cur, &cur_len);
			if (r < 0)
				break;
			u->res.nlayers++;
			continue;
		}
		if (kind == KX_PACK_ZBOOT)
			r = up_zboot(u, cur, cur_len, l, &out, &out_len);
		else
			r = up_decompress(u, kind, cur, cur_len, &out, &out_len);
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
