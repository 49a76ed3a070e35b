// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/unpack: every input is made here, at test time: a fake arm64 Image (compressible, with
 * some noise so that codecs have work), compressed with the libraries' own encoders, put in a
 * zboot image and a UKI built from their documented layouts (zboot-header.S; PE/COFF), and the
 * bzImage of tests/fixtures/mk-bzimage.sh with the PE header of Debian's vmlinuz-6.1 laid over
 * it (mk-bzimage.sh writes the setup header only).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
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
#endif

#include "unpack.h"

#ifndef KX_BZIMAGE
#error "KX_BZIMAGE must name the bzImage that tests/fixtures/mk-bzimage.sh made"
#endif

#define KiB 1024u
#define MiB (1024u * 1024u)

struct buf {
	unsigned char *p;
	size_t len;
};

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* An arm64 Image: "ARM\x64" at 56, no "MZ" (no EFI stub), then text with noise */
static struct buf image(size_t len)
{
	struct buf b = { calloc(1, len), len };
	uint32_t x = 12345;

	assert_non_null(b.p);
	for (size_t i = 64; i < len; i++) {
		x = x * 1103515245 + 12345;
		b.p[i] = (x >> 16) % 64 ? "kexec unpacks this kernel "[i % 26] : (unsigned char)(x >> 8);
	}
	put32(b.p, 0x14000010);         /* b +64 */
	memcpy(b.p + 56, "ARM\x64", 4);
	return b;
}

static struct buf cat(struct buf a, const void *p, size_t n)
{
	a.p = realloc(a.p, a.len + n + 1);
	assert_non_null(a.p);
	memcpy(a.p + a.len, p, n);
	a.len += n;
	return a;
}

/* ---- encoders ---------------------------------------------------------------------------- */

static struct buf encode(enum kx_pack kind, const unsigned char *in, size_t len)
{
	struct buf o = { malloc(len + len / 2 + 64 * KiB), 0 };
	size_t cap = len + len / 2 + 64 * KiB;

	assert_non_null(o.p);
	switch (kind) {
#ifdef HAVE_ZLIB
	case KX_PACK_GZIP: {
		z_stream s = { 0 };

		assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
					      Z_DEFAULT_STRATEGY), Z_OK);
		s.next_in = (unsigned char *)in;
		s.avail_in = (uInt)len;
		s.next_out = o.p;
		s.avail_out = (uInt)cap;
		assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
		o.len = s.total_out;
		deflateEnd(&s);
		break;
	}
#endif
#ifdef HAVE_LZMA
	case KX_PACK_XZ:
		assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, o.p,
							 &o.len, cap), LZMA_OK);
		break;
	case KX_PACK_LZMA: {
		/* what the kernel's cmd_lzma writes: lzma -9 from a pipe, size unknown */
		lzma_stream s = LZMA_STREAM_INIT;
		lzma_options_lzma opt;

		assert_false(lzma_lzma_preset(&opt, 9));
		assert_int_equal(lzma_alone_encoder(&s, &opt), LZMA_OK);
		s.next_in = in;
		s.avail_in = len;
		s.next_out = o.p;
		s.avail_out = cap;
		assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
		o.len = s.total_out;
		lzma_end(&s);
		break;
	}
#endif
#ifdef HAVE_BZIP2
	case KX_PACK_BZIP2: {
		unsigned n = (unsigned)cap;

		assert_int_equal(BZ2_bzBuffToBuffCompress((char *)o.p, &n, (char *)in, (unsigned)len,
							  9, 0, 0), BZ_OK);
		o.len = n;
		break;
	}
#endif
#ifdef HAVE_ZSTD
	case KX_PACK_ZSTD:
		o.len = ZSTD_compress(o.p, cap, in, len, 19);
		assert_false(ZSTD_isError(o.len));
		break;
#endif
	default:
		fail_msg("no encoder for %s in this build", kx_pack_name(kind));
	}
	return o;
}

static const enum kx_pack codecs[] = {
	KX_PACK_GZIP, KX_PACK_XZ, KX_PACK_LZMA, KX_PACK_BZIP2, KX_PACK_ZSTD,
};
#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

/* ---- containers -------------------------------------------------------------------------- */

struct sec {
	const char *name;
	struct buf data;
	uint32_t vsize;         /* 0: the data's length */
};

/*
 * A PE file: DOS header, "PE\0\0" at pe_off, COFF header (machine), an optional header of
 * 0xa0 bytes (PE32+ magic 0x20b), the section table, then each section's data at the next
 * 512-byte boundary (raw sizes rounded up to 512, as a file alignment would).  head: the
 * first bytes to keep (a zboot header), may be NULL.
 */
static struct buf pe(uint16_t machine, uint32_t pe_off, const unsigned char *head, size_t head_len,
		     const struct sec *s, unsigned n)
{
	size_t table = pe_off + 24 + 0xa0, at = (table + 40 * n + 511) & ~(size_t)511, len = at;
	struct buf b;

	for (unsigned i = 0; i < n; i++)
		len += (s[i].data.len + 511) & ~(size_t)511;
	b.p = calloc(1, len);
	b.len = len;
	assert_non_null(b.p);
	if (head)
		memcpy(b.p, head, head_len);
	b.p[0] = 'M';
	b.p[1] = 'Z';
	put32(b.p + 0x3c, pe_off);
	memcpy(b.p + pe_off, "PE\0\0", 4);
	put16(b.p + pe_off + 4, machine);
	put16(b.p + pe_off + 6, (uint16_t)n);
	put16(b.p + pe_off + 20, 0xa0);
	put16(b.p + pe_off + 24, 0x20b);
	for (unsigned i = 0; i < n; i++) {
		unsigned char *h = b.p + table + 40 * i;
		size_t raw = (s[i].data.len + 511) & ~(size_t)511;

		strncpy((char *)h, s[i].name, 8);
		put32(h + 8, s[i].vsize ? s[i].vsize : (uint32_t)s[i].data.len);
		put32(h + 12, (uint32_t)at);
		put32(h + 16, (uint32_t)raw);
		put32(h + 20, (uint32_t)at);
		memcpy(b.p + at, s[i].data.p, s[i].data.len);
		at += raw;
	}
	return b;
}

/*
 * An arm64 zboot image as zboot-header.S lays it out: "MZ", "zimg" at 4, payload offset and
 * size (le32) at 8 and 12, the compression name at 24, the PE header at 0x40 with sections
 * .text and .data; the payload follows the header, and every compression but gzip has a le32
 * of the uncompressed size appended outside the counted size (Makefile.zboot).
 */
static struct buf zboot(const char *comp, struct buf payload, size_t image_len)
{
	unsigned char head[64] = { 0 }, sz[4];
	struct sec s[2] = { { ".text", { (unsigned char *)"\x1f\x20\x03\xd5", 4 }, 0 },
			    { ".data", payload, 0 } };
	struct buf b;
	size_t off = 0x400;     /* where pe() puts .data: after .text's 512 bytes */

	memcpy(head + 4, "zimg", 4);
	put32(head + 8, (uint32_t)off);
	put32(head + 12, (uint32_t)payload.len);
	strcpy((char *)head + 24, comp);
	put32(head + 0x38, 0x818223cd);         /* LINUX_PE_MAGIC */
	b = pe(0xaa64, 0x40, head, sizeof(head), s, 2);
	assert_memory_equal(b.p + off, payload.p, payload.len);
	if (strcmp(comp, "gzip")) {
		put32(sz, (uint32_t)image_len);
		b.len = off + payload.len;
		b = cat(b, sz, 4);
	}
	return b;
}

static struct buf str(const char *s)
{
	struct buf b = { (unsigned char *)strdup(s), strlen(s) };

	return b;
}

/* A UKI as ukify writes it: .osrel, .cmdline, .uname, .initrd, then .linux last */
static struct buf uki(struct buf linux_, const char *cmdline)
{
	struct sec s[] = {
		{ ".osrel", str("ID=debian\nVERSION_ID=12\n"), 0 },
		{ ".cmdline", cat(str(cmdline), "\0\0\0", 3), 0 },
		{ ".uname", str("6.12.0-test\n"), 0 },
		{ ".initrd", str("070701 an initramfs"), 0 },
		{ ".linux", linux_, 0 },
	};
	struct buf b = pe(0x8664, 0x80, NULL, 0, s, 5);

	for (unsigned i = 0; i < 4; i++)
		free(s[i].data.p);
	return b;
}

/* the offset of .linux's data in a UKI from uki(): its section table entry 4 */
static uint32_t uki_linux_off(const struct buf *u)
{
	return *(const uint32_t *)(u->p + 0x80 + 24 + 0xa0 + 4 * 40 + 20);
}

/* ---- checks ------------------------------------------------------------------------------ */

/* With KX_UNPACK_SEEDS=DIR, every input of up to 1 MiB is also written there: the seeds of
 * tests/fuzz/fuzz-unpack (tests/fuzz/run-fuzz.sh) */
static void save_seed(struct buf in)
{
	static unsigned n;
	const char *dir = getenv("KX_UNPACK_SEEDS");
	char path[4096];
	FILE *f;

	if (!dir || in.len > MiB)
		return;
	snprintf(path, sizeof(path), "%s/unpack-%03u", dir, n++);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(in.p, 1, in.len, f), in.len);
	assert_int_equal(fclose(f), 0);
}

static int unpack(struct buf in, uint64_t limit, struct kx_unpacked *u, struct kx_err *e)
{
	/* an exact-size copy so that ASan sees any read past the end */
	unsigned char *p = malloc(in.len ? in.len : 1);
	int r;

	save_seed(in);

	assert_non_null(p);
	memcpy(p, in.p, in.len);
	kx_err_clear(e);
	memset(u, 0x5a, sizeof(*u));
	r = kx_unpack(p, in.len, limit, u, e);
	free(p);
	return r;
}

static void expect_fail(struct buf in, uint64_t limit, int code, const char *want)
{
	struct kx_unpacked u, poison;
	struct kx_err e;

	assert_int_equal(unpack(in, limit, &u, &e), code);
	memset(&poison, 0x5a, sizeof(poison));
	assert_memory_equal(&u, &poison, sizeof(u));    /* ret untouched */
	if (!strstr(e.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
}

static void expect_kernel(const struct kx_unpacked *u, struct buf want)
{
	assert_non_null(u->kernel);
	assert_int_equal(u->kernel_len, want.len);
	assert_memory_equal(u->kernel, want.p, want.len);
}

static void each_codec_round_trips_and_names_its_layer(void **state)
{
	struct buf img = image(700 * KiB);

	(void)state;
	for (size_t i = 0; i < NCODECS; i++) {
		struct kx_unpacked u;
		struct kx_err e;
		struct buf z;

		if (!kx_pack_supported(codecs[i])) {
			print_message("skip %s: not in this build\n", kx_pack_name(codecs[i]));
			continue;
		}
		z = encode(codecs[i], img.p, img.len);
		assert_int_equal(kx_pack_detect(z.p, z.len), codecs[i]);
		assert_int_equal(unpack(z, 0, &u, &e), 0);
		assert_int_equal(u.nlayers, 1);
		assert_int_equal(u.layer[0].kind, codecs[i]);
		assert_string_equal(u.layer[0].name, kx_pack_name(codecs[i]));
		assert_int_equal(u.layer[0].codec, codecs[i]);
		assert_int_equal(u.layer[0].offset, 0);
		assert_int_equal(u.layer[0].in_size, z.len);
		assert_int_equal(u.layer[0].out_size, img.len);
		expect_kernel(&u, img);
		assert_null(u.initrd);
		assert_null(u.cmdline);
		kx_unpacked_free(&u);
		assert_null(u.kernel);
		free(z.p);
	}
	free(img.p);
}

static void an_image_an_elf_and_a_bzimage_with_its_efi_stub_are_not_packed(void **state)
{
	struct sec s[2] = { { ".text", { (unsigned char *)"abcd", 4 }, 0 },
			    { ".data", { (unsigned char *)"efgh", 4 }, 0 } };
	struct buf img = image(4 * KiB), efi = pe(0xaa64, 0x40, NULL, 0, s, 2);
	struct kx_unpacked u;
	struct kx_err e;
	struct stat st;
	glob_t g;
	int fd;
	struct buf bz;

	(void)state;
	assert_int_equal(kx_pack_detect(img.p, img.len), KX_PACK_NONE);
	assert_int_equal(kx_pack_detect((const unsigned char *)"\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0",
					16), KX_PACK_NONE);
	/* an arm64 Image with an EFI stub is a PE without .linux */
	assert_int_equal(kx_pack_detect(efi.p, efi.len), KX_PACK_NONE);
	assert_int_equal(unpack(efi, 0, &u, &e), 0);
	assert_int_equal(u.nlayers, 0);
	assert_null(u.kernel);
	kx_unpacked_free(&u);

	/* the bzImage of mk-bzimage.sh, with the PE header Debian's vmlinuz-6.1.0-57-amd64
	 * carries: e_lfanew 0x40, machine 0x8664, 4 sections, optional header 0xa0 */
	fd = open(KX_BZIMAGE, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	bz.len = (size_t)st.st_size;
	bz.p = malloc(bz.len);
	assert_int_equal(read(fd, bz.p, bz.len), (ssize_t)bz.len);
	close(fd);
	assert_int_equal(kx_pack_detect(bz.p, bz.len), KX_PACK_NONE);
	{
		static const struct { const char *n; uint32_t v[4]; } t[] = {
			{ ".setup", { 12288, 4096, 12288, 4096 } },
			{ ".compat", { 4096, 16384, 4096, 16384 } },
			{ ".text", { 8220672, 20480, 8220672, 20480 } },
			{ ".data", { 286720, 8241152, 4608, 8241152 } },
		};
		unsigned char *h = bz.p + 0x40 + 24 + 0xa0;

		bz.p[0] = 'M';
		bz.p[1] = 'Z';
		put32(bz.p + 0x3c, 0x40);
		memcpy(bz.p + 0x40, "PE\0\0", 4);
		put16(bz.p + 0x44, 0x8664);
		put16(bz.p + 0x46, 4);
		put16(bz.p + 0x54, 0xa0);
		for (unsigned i = 0; i < 4; i++, h += 40) {
			memset(h, 0, 40);
			memcpy(h, t[i].n, strlen(t[i].n));
			for (unsigned j = 0; j < 4; j++)
				put32(h + 8 + 4 * j, t[i].v[j]);
		}
	}
	assert_memory_equal(bz.p + 0x202, "HdrS", 4);
	assert_int_equal(kx_pack_detect(bz.p, bz.len), KX_PACK_NONE);
	assert_int_equal(unpack(bz, 0, &u, &e), 0);
	assert_int_equal(u.nlayers, 0);
	free(bz.p);

	/* and the real ones, where this machine has them */
	if (glob("/boot/vmlinuz-*", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			unsigned char head[4096];
			ssize_t n;

			fd = open(g.gl_pathv[i], O_RDONLY);
			if (fd < 0)
				continue;
			n = read(fd, head, sizeof(head));
			close(fd);
			if (n > 0 && head[0] == 'M' && head[1] == 'Z')
				assert_int_equal(kx_pack_detect(head, (size_t)n), KX_PACK_NONE);
		}
		globfree(&g);
	}
	free(img.p);
	free(efi.p);
}

static void a_uki_of_a_zboot_of_gzip_peels_to_the_image_with_initrd_and_cmdline(void **state)
{
	struct buf img = image(300 * KiB), gz, zb, u1;
	struct kx_unpacked u;
	struct kx_err e;

	(void)state;
	if (!kx_pack_supported(KX_PACK_GZIP))
		skip();
	gz = encode(KX_PACK_GZIP, img.p, img.len);
	zb = zboot("gzip", gz, img.len);
	assert_int_equal(kx_pack_detect(zb.p, zb.len), KX_PACK_ZBOOT);
	assert_int_equal(unpack(zb, 0, &u, &e), 0);
	assert_int_equal(u.nlayers, 1);
	assert_int_equal(u.layer[0].kind, KX_PACK_ZBOOT);
	assert_string_equal(u.layer[0].name, "zboot (gzip)");
	assert_int_equal(u.layer[0].offset, 0x400);
	assert_int_equal(u.layer[0].in_size, gz.len);
	expect_kernel(&u, img);
	kx_unpacked_free(&u);

	u1 = uki(zb, "console=ttyS0 root=/dev/vda \n");
	assert_int_equal(kx_pack_detect(u1.p, u1.len), KX_PACK_UKI);
	assert_int_equal(unpack(u1, 0, &u, &e), 0);
	assert_int_equal(u.nlayers, 2);
	assert_int_equal(u.layer[0].kind, KX_PACK_UKI);
	assert_string_equal(u.layer[0].name, "UKI");
	assert_int_equal(u.layer[0].offset, uki_linux_off(&u1));
	assert_int_equal(u.layer[0].out_size, zb.len);
	assert_string_equal(u.layer[1].name, "zboot (gzip)");
	expect_kernel(&u, img);
	assert_string_equal(u.cmdline, "console=ttyS0 root=/dev/vda");
	assert_string_equal(u.uname, "6.12.0-test");
	assert_int_equal(u.initrd_len, strlen("070701 an initramfs"));
	assert_memory_equal(u.initrd, "070701 an initramfs", u.initrd_len);
	kx_unpacked_free(&u);
	free(u1.p);
	free(zb.p);
	free(gz.p);
	free(img.p);
}

/* zboot with each codec the kernel writes, and its appended size; and three layers: a UKI whose
 * zboot (xz) payload is itself a gzip'd Image */
static void zboot_takes_each_kernel_codec_and_layers_nest_three_deep(void **state)
{
	static const struct { const char *comp; enum kx_pack kind; const char *name; } z[] = {
		{ "gzip", KX_PACK_GZIP, "zboot (gzip)" }, { "lzma", KX_PACK_LZMA, "zboot (lzma)" },
		{ "xzkern", KX_PACK_XZ, "zboot (xz)" }, { "zstd22", KX_PACK_ZSTD, "zboot (zstd)" },
	};
	struct buf img = image(200 * KiB);
	struct kx_unpacked u;
	struct kx_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		struct buf p, zb;

		if (!kx_pack_supported(z[i].kind))
			continue;
		p = encode(z[i].kind, img.p, img.len);
		zb = zboot(z[i].comp, p, img.len);
		assert_int_equal(unpack(zb, 0, &u, &e), 0);
		assert_int_equal(u.nlayers, 1);
		assert_string_equal(u.layer[0].name, z[i].name);
		assert_int_equal(u.layer[0].codec, z[i].kind);
		assert_int_equal(u.layer[0].in_size, p.len);
		expect_kernel(&u, img);
		kx_unpacked_free(&u);
		free(zb.p);
		free(p.p);
	}
	if (kx_pack_supported(KX_PACK_XZ) && kx_pack_supported(KX_PACK_GZIP)) {
		struct buf gz = encode(KX_PACK_GZIP, img.p, img.len), xz, zb, u1;

		xz = encode(KX_PACK_XZ, gz.p, gz.len);
		zb = zboot("xzkern", xz, gz.len);
		u1 = uki(zb, "quiet");
		assert_int_equal(unpack(u1, 0, &u, &e), 0);
		assert_int_equal(u.nlayers, 3);
		assert_string_equal(u.layer[0].name, "UKI");
		assert_int_equal(u.layer[0].codec, KX_PACK_NONE);
		assert_string_equal(u.layer[1].name, "zboot (xz)");
		assert_int_equal(u.layer[1].codec, KX_PACK_XZ);
		assert_int_equal(u.layer[1].out_size, gz.len);
		assert_string_equal(u.layer[2].name, "gzip");
		assert_int_equal(u.layer[2].codec, KX_PACK_GZIP);
		expect_kernel(&u, img);
		assert_string_equal(u.cmdline, "quiet");
		kx_unpacked_free(&u);
		free(u1.p);
		free(zb.p);
		free(xz.p);
		free(gz.p);
	}
	free(img.p);
}

/* gzip -d's rules: members concatenate; zero padding and trailing bytes after are left alone.
 * zstd frames, bzip2 and xz streams concatenate too. */
static void concatenated_members_join_and_padding_is_ignored(void **state)
{
	struct buf a = image(50 * KiB), b = image(70 * KiB), ab = { NULL, 0 };
	static const unsigned char zeros[4096];

	(void)state;
	b.p[100] = 'X';
	ab = cat(cat(ab, a.p, a.len), b.p, b.len);
	for (size_t i = 0; i < NCODECS; i++) {
		struct buf za, zb, in = { NULL, 0 };
		struct kx_unpacked u;
		struct kx_err e;

		if (!kx_pack_supported(codecs[i]) || codecs[i] == KX_PACK_LZMA)
			continue;       /* .lzma has no multi-stream form */
		za = encode(codecs[i], a.p, a.len);
		zb = encode(codecs[i], b.p, b.len);
		in = cat(cat(cat(in, za.p, za.len), zb.p, zb.len), zeros, sizeof(zeros));
		assert_int_equal(unpack(in, 0, &u, &e), 0);
		expect_kernel(&u, ab);
		kx_unpacked_free(&u);
		if (codecs[i] == KX_PACK_GZIP) {
			in = cat(in, "trailing", 8);
			assert_int_equal(unpack(in, 0, &u, &e), 0);
			expect_kernel(&u, ab);
			kx_unpacked_free(&u);
		}
		free(in.p);
		free(za.p);
		free(zb.p);
	}
	free(ab.p);
	free(a.p);
	free(b.p);
}

/* each codec cut in half: refused, naming the codec and the offset where the data ends */
static void truncated_data_of_each_codec_names_the_offset(void **state)
{
	struct buf img = image(300 * KiB);

	(void)state;
	for (size_t i = 0; i < NCODECS; i++) {
		struct buf z;
		struct kx_unpacked u;
		struct kx_err e;
		char want[96];

		if (!kx_pack_supported(codecs[i]))
			continue;
		z = encode(codecs[i], img.p, img.len);
		z.len /= 2;
		snprintf(want, sizeof(want), "%s: the %s data ends early (truncated) at input offset %zu",
			 kx_pack_name(codecs[i]), kx_pack_name(codecs[i]), z.len);
		expect_fail(z, 0, -ENOEXEC, want);
		assert_int_equal(unpack(z, 0, &u, &e), -ENOEXEC);
		assert_true(e.has_offset);
		assert_int_equal(e.offset, z.len);
		/* corrupt in the middle instead */
		z.len *= 2;
		for (size_t j = z.len / 3; j < z.len / 3 + 64; j++)
			z.p[j] ^= 0xa5;
		assert_int_equal(unpack(z, 0, &u, &e), -ENOEXEC);
		if (!strstr(e.msg, "corrupt") && !strstr(e.msg, "truncated"))
			fail_msg("%s: message \"%s\"", kx_pack_name(codecs[i]), e.msg);
		free(z.p);
	}
	free(img.p);
}

/* a truncated payload inside a zboot inside a UKI: the message walks the layers, the offset
 * is where the layer's input ends, and err's offset is the file offset */
static void truncation_inside_nested_layers_is_named_at_every_layer(void **state)
{
	struct buf img = image(300 * KiB), gz, zb, u1, cut;
	uint32_t loff;
	struct kx_unpacked u;
	struct kx_err e;
	char want[160];

	(void)state;
	if (!kx_pack_supported(KX_PACK_GZIP))
		skip();
	gz = encode(KX_PACK_GZIP, img.p, img.len);
	gz.len -= 1000;
	zb = zboot("gzip", gz, img.len);
	snprintf(want, sizeof(want), "zboot (gzip): the gzip data ends early (truncated) at input "
		 "offset %zu", 0x400 + gz.len);
	expect_fail(zb, 0, -ENOEXEC, want);
	u1 = uki(zb, "x");
	loff = uki_linux_off(&u1);
	snprintf(want, sizeof(want), "UKI > zboot (gzip): the gzip data ends early (truncated) at "
		 "input offset %zu", 0x400 + gz.len);
	expect_fail(u1, 0, -ENOEXEC, want);
	assert_int_equal(unpack(u1, 0, &u, &e), -ENOEXEC);
	assert_int_equal(e.offset, loff + 0x400 + gz.len);

	/* the file cut inside the zboot's payload: the zboot's size runs past its end */
	cut = (struct buf){ zb.p, 0x400 + gz.len / 2 };
	expect_fail(cut, 0, -ENOEXEC, "zboot: payload offset 1024 + size");
	/* the UKI cut inside .linux */
	cut = (struct buf){ u1.p, loff + 100 };
	expect_fail(cut, 0, -ENOEXEC, "UKI: section .linux (header at offset");
	expect_fail(cut, 0, -ENOEXEC, "past the end of the");
	/* cut inside its section table: a PE with a table past the end, named as one */
	cut = (struct buf){ u1.p, 0x80 + 24 + 0xa0 + 40 * 2 };
	expect_fail(cut, 0, -ENOEXEC, "the PE section table (5 entries, after the header at offset 128)");
	free(u1.p);
	free(zb.p);
	free(gz.p);
	free(img.p);
}

static void sizes_and_offsets_past_the_end_are_refused_without_wrapping(void **state)
{
	struct buf img = image(8 * KiB), gz, zb, u1;
	unsigned char *sec;

	(void)state;
	if (!kx_pack_supported(KX_PACK_GZIP))
		skip();
	gz = encode(KX_PACK_GZIP, img.p, img.len);
	zb = zboot("gzip", gz, img.len);
	put32(zb.p + 12, 0xffffffff);
	expect_fail(zb, 0, -ENOEXEC, "size 4294967295 (header offsets 8, 12) runs past the end");
	put32(zb.p + 12, 0x20);
	put32(zb.p + 8, 0xfffffff0);    /* off + size wraps a 32-bit sum */
	expect_fail(zb, 0, -ENOEXEC, "payload offset 4294967280 + size 32");
	put32(zb.p + 8, 0x400);
	put32(zb.p + 12, 0);
	expect_fail(zb, 0, -ENOEXEC, "payload offset 1024 + size 0");
	put32(zb.p + 12, (uint32_t)gz.len);
	memset(zb.p + 24, 'a', 0x38 - 24);
	expect_fail(zb, 0, -ENOEXEC, "has no NUL before offset 56");
	strcpy((char *)zb.p + 24, "lz4");
	expect_fail(zb, 0, -ENOTSUP, "payload compression \"lz4\" (offset 24) is not one this kexec");
	strcpy((char *)zb.p + 24, "brotli");
	expect_fail(zb, 0, -ENOEXEC, "\"brotli\"");

	/* UKI: .linux with an offset that wraps, an absurd size, a section count past the file */
	strcpy((char *)zb.p + 24, "gzip");
	u1 = uki(zb, "x");
	sec = u1.p + 0x80 + 24 + 0xa0 + 4 * 40;
	put32(sec + 20, 0xfffffff0);
	put32(sec + 8, 0x20);
	put32(sec + 16, 0x20);
	expect_fail(u1, 0, -ENOEXEC, "section .linux (header at offset");
	put32(sec + 20, 0x200);
	put32(sec + 8, 0);              /* VirtualSize 0: SizeOfRawData counts */
	put32(sec + 16, 0x7fffffff);
	expect_fail(u1, 0, -ENOEXEC, "has its 2147483647 bytes at offset 512, past the end");
	put16(u1.p + 0x80 + 6, 0xffff);
	expect_fail(u1, 0, -ENOEXEC, "the PE section table (65535 entries");
	put16(u1.p + 0x80 + 6, 5);
	put16(u1.p + 0x80 + 20, 0xffff);
	expect_fail(u1, 0, -ENOEXEC, "the PE section table (5 entries");
	free(u1.p);
	free(zb.p);
	free(gz.p);
	free(img.p);
}

/* profile 0 of a multi-profile UKI: base sections, overridden by the first .profile's; later
 * profiles are not the default boot */
static void a_multi_profile_uki_gives_profile_0(void **state)
{
	struct buf img = image(4 * KiB), gz;
	struct kx_unpacked u;
	struct kx_err e;
	struct sec s[] = {
		{ ".cmdline", str("base"), 0 },
		{ ".linux", { NULL, 0 }, 0 },
		{ ".profile", str("ID=one"), 0 },
		{ ".cmdline", str("profile zero\n"), 0 },
		{ ".profile", str("ID=two"), 0 },
		{ ".cmdline", str("profile one"), 0 },
		{ ".initrd", str("never"), 0 },
	};
	struct buf b;

	(void)state;
	if (!kx_pack_supported(KX_PACK_GZIP))
		skip();
	gz = encode(KX_PACK_GZIP, img.p, img.len);
	s[1].data = gz;
	b = pe(0x8664, 0x80, NULL, 0, s, 7);
	assert_int_equal(unpack(b, 0, &u, &e), 0);
	assert_int_equal(u.nlayers, 2);
	expect_kernel(&u, img);
	assert_string_equal(u.cmdline, "profile zero");
	assert_null(u.initrd);
	assert_null(u.uname);
	kx_unpacked_free(&u);
	for (unsigned i = 0; i < 7; i++)
		if (i != 1)
			free(s[i].data.p);
	free(b.p);
	free(gz.p);
	free(img.p);
}

/* each output is capped: exactly the limit is fine, a byte more is refused with the number */
static void an_output_past_the_limit_is_refused_with_the_limit_and_offset(void **state)
{
	unsigned char *zeros = calloc(1, 4 * MiB + 1);

	(void)state;
	assert_non_null(zeros);
	for (size_t i = 0; i < NCODECS; i++) {
		struct kx_unpacked u;
		struct kx_err e;
		struct buf z;

		if (!kx_pack_supported(codecs[i]))
			continue;
		z = encode(codecs[i], zeros, 4 * MiB);
		if (unpack(z, 4 * MiB, &u, &e))
			fail_msg("%s: %s", kx_pack_name(codecs[i]), e.msg);
		assert_int_equal(u.kernel_len, 4 * MiB);
		kx_unpacked_free(&u);
		free(z.p);
		z = encode(codecs[i], zeros, 4 * MiB + 1);
		expect_fail(z, 4 * MiB, -ENOEXEC, "inflates past the 4 MiB limit at input offset ");
		/* zstd refuses the frame's 4 MiB window first, saying so */
		expect_fail(z, 1000, -ENOEXEC, codecs[i] == KX_PACK_ZSTD ?
			    "asks for a window of more than 2^11 bytes" :
			    "inflates past the 1000 byte limit at input offset ");
		free(z.p);
	}
	free(zeros);
}

/* gzip in gzip four times is the most; a fifth layer is refused, and nothing recurses */
static void more_than_four_layers_are_refused(void **state)
{
	struct buf img = image(2 * KiB), z = img;
	struct kx_unpacked u;
	struct kx_err e;

	(void)state;
	if (!kx_pack_supported(KX_PACK_GZIP))
		skip();
	z.p = malloc(img.len);
	memcpy(z.p, img.p, img.len);
	for (int n = 1; n <= 5; n++) {
		struct buf next = encode(KX_PACK_GZIP, z.p, z.len);

		free(z.p);
		z = next;
		if (n < 5) {
			assert_int_equal(unpack(z, 0, &u, &e), 0);
			assert_int_equal(u.nlayers, (size_t)n);
			expect_kernel(&u, img);
			kx_unpacked_free(&u);
		}
	}
	expect_fail(z, 0, -ENOEXEC, "more than 4 layers of packing (the next one gzip)");
	free(z.p);
	free(img.p);
}

/* .lzma has no magic: only what lzma(1) writes is taken for it */
static void legacy_lzma_detection_is_conservative(void **state)
{
	unsigned char h[16] = { 0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				0, 1, 2 };

	(void)state;
	assert_int_equal(kx_pack_detect(h, sizeof(h)), KX_PACK_LZMA);
	h[3] = 0x81;            /* dictionary 0x810000: not 2^n or 3 * 2^n */
	assert_int_equal(kx_pack_detect(h, sizeof(h)), KX_PACK_NONE);
	h[3] = 0xc0;            /* 3 * 2^22 */
	assert_int_equal(kx_pack_detect(h, sizeof(h)), KX_PACK_LZMA);
	h[13] = 1;              /* the range coder's first byte is 0 */
	assert_int_equal(kx_pack_detect(h, sizeof(h)), KX_PACK_NONE);
	h[13] = 0;
	h[0] = 225;             /* props past 9 * 5 * 5 */
	assert_int_equal(kx_pack_detect(h, sizeof(h)), KX_PACK_NONE);
	h[0] = 0x5d;
	h[12] = 0x7f;           /* a known size of 2^62: absurd */
	assert_int_equal(kx_pack_detect(h, sizeof(h)), KX_PACK_NONE);
	assert_int_equal(kx_pack_detect(h, 13), KX_PACK_NONE);
}

/* a build without a codec names the library it lacks (only such a build has something to
 * check: configure without liblzma-dev, libbz2-dev or libzstd-dev) */
static void a_codec_this_build_lacks_is_named_with_its_library(void **state)
{
	/* each magic padded to the 10 bytes passed below */
	static const struct { enum kx_pack kind; char magic[10]; const char *lib; } t[] = {
		{ KX_PACK_GZIP, "\x1f\x8b\x08\0\0\0\0\0\0\x03", "without zlib (zlib1g-dev)" },
		{ KX_PACK_XZ, "\xfd" "7zXZ\0\0\x04", "without liblzma (liblzma-dev)" },
		{ KX_PACK_BZIP2, "BZh91AY&SY", "without libbz2 (libbz2-dev)" },
		{ KX_PACK_ZSTD, "\x28\xb5\x2f\xfd\0\0\0\0\0\0", "without libzstd (libzstd-dev)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct buf in = { (unsigned char *)t[i].magic, 10 };

		assert_int_equal(kx_pack_detect(in.p, in.len), t[i].kind);
		if (kx_pack_supported(t[i].kind))
			continue;
		print_message("this build lacks %s\n", kx_pack_name(t[i].kind));
		expect_fail(in, 0, -ENOTSUP, t[i].lib);
	}
	assert_true(kx_pack_supported(KX_PACK_NONE) && kx_pack_supported(KX_PACK_UKI) &&
		    kx_pack_supported(KX_PACK_ZBOOT));
#ifdef HAVE_LZMA
	assert_true(kx_pack_supported(KX_PACK_XZ) && kx_pack_supported(KX_PACK_LZMA));
#else
	assert_false(kx_pack_supported(KX_PACK_XZ) || kx_pack_supported(KX_PACK_LZMA));
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_codec_round_trips_and_names_its_layer),
		cmocka_unit_test(an_image_an_elf_and_a_bzimage_with_its_efi_stub_are_not_packed),
		cmocka_unit_test(a_uki_of_a_zboot_of_gzip_peels_to_the_image_with_initrd_and_cmdline),
		cmocka_unit_test(zboot_takes_each_kernel_codec_and_layers_nest_three_deep),
		cmocka_unit_test(concatenated_members_join_and_padding_is_ignored),
		cmocka_unit_test(truncated_data_of_each_codec_names_the_offset),
		cmocka_unit_test(truncation_inside_nested_layers_is_named_at_every_layer),
		cmocka_unit_test(sizes_and_offsets_past_the_end_are_refused_without_wrapping),
		cmocka_unit_test(a_multi_profile_uki_gives_profile_0),
		cmocka_unit_test(an_output_past_the_limit_is_refused_with_the_limit_and_offset),
		cmocka_unit_test(more_than_four_layers_are_refused),
		cmocka_unit_test(legacy_lzma_detection_is_conservative),
		cmocka_unit_test(a_codec_this_build_lacks_is_named_with_its_library),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
