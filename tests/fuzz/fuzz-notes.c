// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the vmcore reader and note walker on arbitrary bytes.  The input becomes a
 * memfd so that the real open/pread path runs; every note found is decoded the way vmcore-dd does
 * (device dump name, prstatus, VMCOREINFO keys) and every program header is read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "notes.h"
#include "vmcore.h"
#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode(struct kx_vmcore *v, const struct kx_note *n)
{
	const struct kx_vmcore_info *info = kx_vmcore_info(v);
	unsigned char buf[4096];
	size_t len = n->descsz < sizeof(buf) ? n->descsz : sizeof(buf);
	struct kx_err err;

	kx_err_clear(&err);
	if (kx_note_is_vmcoredd(n)) {
		struct kx_vmcoredd dd;

		kx_note_vmcoredd(v, n, &dd, &err);
		return;
	}
	(void)kx_note_type_name(n);
	if (n->truncated || kx_vmcore_pread(v, buf, len, n->desc_offset, &err) < 0)
		return;
	if (n->type == KX_NT_PRSTATUS) {
		struct kx_prstatus ps;

		kx_prstatus_decode(info->elfclass, info->data, info->machine, buf, len, &ps);
	} else if (kx_note_is_vmcoreinfo(n)) {
		char val[64];
		uint64_t u;

		kx_vmcoreinfo_get((const char *)buf, len, "OSRELEASE", val, sizeof(val));
		kx_vmcoreinfo_get_u64((const char *)buf, len, "PAGESIZE", 0, &u);
		kx_vmcoreinfo_get_u64((const char *)buf, len, "SYMBOL(prb)", 0, &u);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_vmcore *v = NULL;
	struct kx_note_iter it;
	struct kx_note n;
	struct kx_err err;
	char path[64];
	int fd, r;
	unsigned guard = 0;

	fd = memfd_create("fuzz-vmcore", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kx_err_clear(&err);
	if (kx_vmcore_open(path, &v, &err) == 0) {
		const struct kx_vmcore_info *info = kx_vmcore_info(v);

		/* all of them: the reader bounded phnum by the file's size */
		for (size_t i = 0; i < info->phnum; i++) {
			GElf_Phdr ph;

			kx_err_clear(&err);
			kx_vmcore_phdr(v, i, &ph, &err);
		}
		kx_note_iter_init(&it, v);
		kx_err_clear(&err);
		while ((r = kx_note_iter_next(&it, &n, &err)) != 0) {
			/* every call must make progress: the walk can't loop */
			if (++guard > 1000000)
				abort();
			if (r > 0)
				decode(v, &n);
			kx_err_clear(&err);
		}
		kx_vmcore_close(v);
	}
	close(fd);
	return 0;
}
