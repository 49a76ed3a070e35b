// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the kdump-compressed reader on arbitrary bytes.  The input becomes a memfd so
 * that the real open/pread path runs; then the notes are walked, --check's verification runs, and
 * a few pages (the first 64 pfns and some far ones) are read and decompressed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kdump.h"
#include "notes.h"
#include "vmcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_vmcore *v = NULL;
	struct kx_note_iter it;
	struct kx_note n;
	struct kx_err err;
	char path[64];
	int fd, r;
	unsigned guard = 0;

	fd = memfd_create("fuzz-kdump", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kx_err_clear(&err);
	if (kx_vmcore_open(path, &v, &err) == 0) {
		struct kx_kdump *k = kx_vmcore_kdump(v);

		kx_note_iter_init(&it, v);
		kx_err_clear(&err);
		while ((r = kx_note_iter_next(&it, &n, &err)) != 0) {
			if (++guard > 1000000)
				abort();
			if (r > 0 && kx_note_is_vmcoredd(&n)) {
				struct kx_vmcoredd dd;

				kx_note_vmcoredd(v, &n, &dd, &err);
			}
			kx_err_clear(&err);
		}
		if (k) {
			const struct kx_kdump_info *ki = kx_kdump_info(k);
			const unsigned char *page;
			uint64_t pages, first, last;

			kx_err_clear(&err);
			kx_kdump_verify(k, &err);
			kx_err_clear(&err);
			if (kx_kdump_count(k, &pages, &first, &last, &err) == 0) {
				kx_err_clear(&err);
				kx_kdump_page(k, first, &page, &err);
				kx_err_clear(&err);
				kx_kdump_page(k, last, &page, &err);
			}
			for (uint64_t pfn = 0; pfn < 64; pfn++) {
				kx_err_clear(&err);
				if (kx_kdump_page(k, pfn, &page, &err) == 0 &&
				    (page[0] | page[ki->block_size - 1]) == 0x100)
					abort();        /* touch both ends of the page */
			}
			kx_err_clear(&err);
			kx_kdump_page(k, ki->max_mapnr ? ki->max_mapnr - 1 : 0, &page, &err);
		}
		kx_vmcore_close(v);
	}
	close(fd);
	return 0;
}
