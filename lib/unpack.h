/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_UNPACK_H
#define KX_UNPACK_H
/*
 * Kernel image unpacking, in one place: a buffer in, the kernel the loader can take out.
 * Pure: no file I/O, no printing.  Distributions ship kernels in layers that nest:
 *   UKI (PE/COFF with .linux, .initrd, .cmdline, .uname sections)
 *     .linux: arm64 zboot (PE with "zimg" at offset 4 and a compressed payload)
 *       payload: gzip, xz ("xzkern"), lzma or zstd ("zstd22")
 *   or a whole file compressed with gzip, xz, lzma (legacy .lzma), bzip2 or zstd.
 * kx_unpack() peels every layer until the bytes are none of these, and returns that.
 * Every size read from the file is checked against the buffer it points into, and each
 * decompressed output is capped by the caller's limit.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum kx_pack {
	KX_PACK_NONE,   /* nothing we unpack: an Image, a bzImage (PE with an EFI stub), an ELF… */
	KX_PACK_GZIP,
	KX_PACK_XZ,
	KX_PACK_LZMA,   /* legacy .lzma ("lzma_alone"): 13-byte header, then the LZMA stream */
	KX_PACK_BZIP2,
	KX_PACK_ZSTD,
	KX_PACK_ZBOOT,
	KX_PACK_UKI,
};

/* Layers peeled, at most this many: a UKI, a zboot, a compression and one spare. */
#define KX_UNPACK_MAX_LAYERS 4
/* The limit kx_unpack() applies when passed 0: no kernel Image of today comes near it. */
#define KX_UNPACK_DEFAULT_LIMIT (512ULL << 20)

struct kx_unpack_layer {
	enum kx_pack kind;
	enum kx_pack codec;     /* the compression it undid: kind for a compressed file, the
				   payload's for a zboot, KX_PACK_NONE for a UKI */
	const char *name;       /* static: "gzip", "zboot (gzip)", "UKI" */
	uint64_t offset;        /* where its packed bytes start in its input (the outer layer's
				   output, or the file for the first layer): 0 for a compressed
				   file, the payload offset of a zboot, the .linux section of a UKI */
	uint64_t in_size;       /* packed bytes it was given (a compressed file's trailing
				   padding included; a zboot's payload size; .linux's size) */
	uint64_t out_size;      /* bytes it gave the next layer */
};

struct kx_unpacked {
	struct kx_unpack_layer layer[KX_UNPACK_MAX_LAYERS];
	size_t nlayers;         /* outermost first; 0: the input is the kernel, nothing was made */
	unsigned char *kernel;  /* malloc'd, set only when nlayers > 0 */
	size_t kernel_len;
	unsigned char *initrd;  /* the UKI's .initrd (a malloc'd copy), NULL if none */
	size_t initrd_len;
	char *cmdline;          /* the UKI's .cmdline, NUL-terminated, trailing NULs and
				   whitespace (newlines) trimmed, NULL if none */
	char *uname;            /* the UKI's .uname, same form, NULL if none */
};

/*
 * What the first bytes of an image are; KX_PACK_NONE for anything else.  A PE file is a UKI
 * only when it has a .linux section and a zboot only when it has "zimg" at offset 4: a
 * bzImage or an arm64 Image with an EFI stub is a PE too, and is NONE.  Pass the whole file
 * (or at least its first 4 KiB, where the PE section table of every UKI lies); a section
 * table past `len` is not read.
 */
enum kx_pack kx_pack_detect(const unsigned char *head, size_t len);

/*
 * Peel every layer of buf.  limit (0: KX_UNPACK_DEFAULT_LIMIT) caps each decompressed output.
 * Returns 0 and fills *ret (nlayers 0 when there was nothing to unpack; free it with
 * kx_unpacked_free() either way), or, with *ret untouched and err describing it:
 *   -ENOEXEC  malformed input (truncated, a size past the end, corrupt data, too deep, an
 *             output past limit), naming the layer and the offset in that layer's input;
 *   -ENOTSUP  a codec this build lacks, naming the library ("this kexec was built without
 *             liblzma: …") or a zboot compression nobody here decodes (lz4, lzo);
 *   -ENOMEM.
 */
int kx_unpack(const unsigned char *buf, size_t len, uint64_t limit, struct kx_unpacked *ret,
	      struct kx_err *err);

/* Free what kx_unpack() filled and zero it; a zeroed struct is fine too. */
void kx_unpacked_free(struct kx_unpacked *u);

/* Whether this build decodes kind (built with its library); NONE, ZBOOT and UKI are always. */
bool kx_pack_supported(enum kx_pack kind);

/* "gzip", "xz", "lzma", "bzip2", "zstd", "zboot", "UKI", "none". */
const char *kx_pack_name(enum kx_pack kind);

#endif
