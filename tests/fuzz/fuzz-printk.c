// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the printk walkers (lib/printk.c) on arbitrary input, two ways.
 *  - An input that starts with the ELF magic is a vmcore: it goes through the whole of
 *    vmcore-dmesg's path (VMCOREINFO note, layout, address translation, walk) from a memfd.
 *  - Any other input is "KXPK", a flags byte (bit 0: 32-bit kernel, bit 1: big-endian), the
 *    VMCOREINFO length (2 bytes, little-endian), the VMCOREINFO text, then a kernel memory image
 *    at the address mkprintk uses (0xffff888001000000, 32-bit 0xc1000000): the walker alone.
 * Every record is touched as vmcore-dmesg touches it; the walk must end, and quickly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "printk.h"
#include "vaddr.h"
#include "vmcore.h"
#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct image {
	const uint8_t *p;
	size_t len;
	uint64_t base;
};

static int image_read(void *ctx, uint64_t addr, void *buf, size_t len, const char *what,
		      struct kx_err *err)
{
	struct image *m = ctx;

	if (addr < m->base || addr - m->base > m->len || len > m->len - (addr - m->base))
		return kx_err_set(err, -14, "%s: not mapped", what);
	memcpy(buf, m->p + (addr - m->base), len);
	return 0;
}

static volatile unsigned sink;

static void walk(const struct kx_printk_layout *lay, const struct kx_printk_mem *mem)
{
	struct kx_printk_iter it;
	struct kx_printk_record rec;
	struct kx_err err;
	unsigned long guard = 0;
	int r;

	kx_err_clear(&err);
	if (kx_printk_iter_init(&it, lay, mem, &err) == 0) {
		while ((r = kx_printk_iter_next(&it, &rec, &err)) != 0) {
			/* each call makes progress: no input can keep the walk going */
			if (++guard > (1ul << 24))
				abort();
			if (r < 0)
				continue;
			for (size_t i = 0; i < rec.text_len; i++)
				sink += rec.text[i];
			for (size_t i = 0; i < rec.body_len; i++)
				sink += rec.body[i];
			sink += (unsigned)rec.level + (unsigned)rec.facility + rec.caller_id;
		}
	}
	kx_printk_iter_free(&it);
}

static void image_mode(const uint8_t *data, size_t size)
{
	struct kx_printk_layout lay;
	struct kx_printk_mem mem;
	struct image m;
	struct kx_err err;
	unsigned word;
	bool big;
	size_t vilen;
	char *vi;

	if (size < 7 || memcmp(data, "KXPK", 4))
		return;
	word = data[4] & 1 ? 4 : 8;
	big = data[4] & 2;
	vilen = (size_t)data[5] | (size_t)data[6] << 8;
	if (vilen > size - 7)
		return;
	/* a heap copy of exactly vilen bytes: a read past it is caught */
	vi = malloc(vilen ? vilen : 1);
	if (!vi)
		return;
	memcpy(vi, data + 7, vilen);
	m = (struct image){ .p = data + 7 + vilen, .len = size - 7 - vilen,
			    .base = word == 8 ? 0xffff888001000000ull : 0xc1000000u };
	mem = (struct kx_printk_mem){ .read = image_read, .ctx = &m };
	kx_err_clear(&err);
	if (kx_printk_layout_parse(vi, vilen, word, big, &lay, &err) == 0)
		walk(&lay, &mem);
	free(vi);
}

static int vmcore_read(void *ctx, uint64_t addr, void *buf, size_t len, const char *what,
		       struct kx_err *err)
{
	return kx_vaddr_read(ctx, addr, buf, len, what, err);
}

static void vmcore_mode(const uint8_t *data, size_t size)
{
	struct kx_vmcore *v = NULL;
	struct kx_vaddr *a = NULL;
	struct kx_printk_layout lay;
	struct kx_printk_mem mem;
	struct kx_err err;
	char path[64], *vi = NULL;
	size_t vilen;
	int fd;

	fd = memfd_create("fuzz-printk", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kx_err_clear(&err);
	if (kx_vmcore_open(path, &v, &err) == 0 &&
	    kx_vmcoreinfo_read(v, &vi, &vilen, &err) == 0 &&
	    kx_printk_layout_parse(vi, vilen, kx_vmcore_info(v)->elfclass == ELFCLASS64 ? 8 : 4,
				   kx_vmcore_info(v)->data == ELFDATA2MSB, &lay, &err) == 0 &&
	    kx_vaddr_open(v, vi, vilen, &a, &err) == 0) {
		mem = (struct kx_printk_mem){ .read = vmcore_read, .ctx = a };
		walk(&lay, &mem);
	}
	kx_vaddr_close(a);
	free(vi);
	kx_vmcore_close(v);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && !memcmp(data, "\177ELF", 4))
		vmcore_mode(data, size);
	else
		image_mode(data, size);
	return 0;
}
