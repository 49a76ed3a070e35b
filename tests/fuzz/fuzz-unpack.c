// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: kernel image unpacking (lib/unpack.h).  Each input is unpacked as it is,
 * in a buffer of exactly its size so that ASan sees any read past the end, with an 8 MiB
 * output limit (fuzzing keeps every allocation small).  Checked: a success has a kernel of
 * at most the limit and layers that chain (each layer's output is the next one's input), a
 * failure fills the error and leaves ret alone, and detection agrees with kx_unpack.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_unpacked u, poison;
	struct kx_err e;
	unsigned char *copy;
	int r;

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	kx_err_clear(&e);
	memset(&u, 0x5a, sizeof(u));
	memset(&poison, 0x5a, sizeof(poison));
	r = kx_unpack(copy, size, LIMIT, &u, &e);
	if (r < 0) {
		if (!e.code || !e.msg[0] || memcmp(&u, &poison, sizeof(u)))
			abort();        /* an error without words, or ret touched */
	} else {
		if (r != 0 || u.nlayers > KX_UNPACK_MAX_LAYERS)
			abort();
		if (u.nlayers == 0 && (u.kernel || kx_pack_detect(copy, size) != KX_PACK_NONE))
			abort();
		if (u.nlayers && (!u.kernel || u.kernel_len > LIMIT ||
				  u.layer[u.nlayers - 1].out_size != u.kernel_len ||
				  u.layer[0].kind != kx_pack_detect(copy, size)))
			abort();
		/* the innermost output is not packed any more */
		if (u.nlayers && kx_pack_detect(u.kernel, u.kernel_len) != KX_PACK_NONE)
			abort();
		if (u.cmdline && strlen(u.cmdline) > size)
			abort();
		kx_unpacked_free(&u);
	}
	free(copy);
	return 0;
}
