// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: device trees through the memory reader and the crash edit of /chosen.
 * Each input is tried twice: as a DTB of its own, and as bytes XORed into a well-formed DTB
 * built here (memory nodes, LMB tables v1 and v2, a /chosen), so that the mutations reach the
 * property parsers even from a corpus of vmcores.  Checked: read ranges are sorted and
 * disjoint, an edited blob passes libfdt's full check, and editing /chosen never changes the
 * RAM the tree describes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char base[4096];
static size_t base_len;

static void cells(unsigned char *p, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p[4 * i] = (unsigned char)(v[i] >> 24);
		p[4 * i + 1] = (unsigned char)(v[i] >> 16);
		p[4 * i + 2] = (unsigned char)(v[i] >> 8);
		p[4 * i + 3] = (unsigned char)v[i];
	}
}

static void prop_cells(void *fdt, const char *name, const uint32_t *v, size_t n)
{
	unsigned char buf[256];

	cells(buf, v, n);
	fdt_property(fdt, name, buf, (int)(4 * n));
}

static void build_base(void)
{
	static const uint32_t two = 2, reg[] = { 0, 0x40000000, 0, 0x40000000 },
		lmb[] = { 0, 0x10000000 },
		v1[] = { 2, 0, 0x80000000, 1, 0, 0, 0x08, 0, 0x90000000, 2, 0, 0, 0x88 },
		v2[] = { 1, 4, 1, 0, 3, 0, 0x08 };
	void *f = base;

	fdt_create(f, sizeof(base));
	fdt_add_reservemap_entry(f, 0x48000000, 0x1000);
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	prop_cells(f, "#address-cells", &two, 1);
	prop_cells(f, "#size-cells", &two, 1);
	fdt_begin_node(f, "memory@40000000");
	fdt_property_string(f, "device_type", "memory");
	prop_cells(f, "reg", reg, 4);
	fdt_end_node(f);
	fdt_begin_node(f, "ibm,dynamic-reconfiguration-memory");
	prop_cells(f, "ibm,lmb-size", lmb, 2);
	prop_cells(f, "ibm,dynamic-memory", v1, 13);
	prop_cells(f, "ibm,dynamic-memory-v2", v2, 7);
	fdt_end_node(f);
	fdt_begin_node(f, "chosen");
	fdt_property_string(f, "bootargs", "console=ttyAMA0");
	fdt_property_u64(f, "linux,initrd-start", 0x48000000);
	fdt_property_u64(f, "linux,initrd-end", 0x48001000);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_finish(f);
	base_len = fdt_totalsize(f);
}

static bool same_ram(const struct kx_fdt_memory *a, const struct kx_fdt_memory *b)
{
	return a->ram.n == b->ram.n &&
	       !memcmp(a->ram.r, b->ram.r, a->ram.n * sizeof(a->ram.r[0]));
}

static void one(const void *blob, size_t len)
{
	static const struct kx_range usable_r[] = { { 0x60000000, 0x6fffffff }, { 0x1000, 0x1fff } };
	static const unsigned char seed[16] = { 1 };
	struct kx_ranges usable = { .r = (struct kx_range *)usable_r, .n = 2, .cap = 2 };
	struct kx_fdt_chosen ch = {
		.has_elfcorehdr = true, .elfcorehdr_addr = 0x6ff00000, .elfcorehdr_size = 0x10000,
		.usable = &usable, .bootargs = "console=ttyAMA0 nr_cpus=1", .has_initrd = true,
		.initrd_start = 0x68000000, .initrd_end = 0x68001000, .has_kaslr_seed = true,
		.kaslr_seed = 7, .rng_seed = seed, .rng_seed_len = sizeof(seed), .reserve = true,
	};
	struct kx_fdt_memory m, after;
	bool have_m;
	size_t olen;
	void *out;

	have_m = kx_fdt_memory(blob, len, &m, NULL) == 0;
	if (have_m)
		for (size_t i = 1; i < m.ram.n; i++)
			if (m.ram.r[i].start <= m.ram.r[i - 1].end)
				abort();        /* not normalized */
	if (kx_fdt_edit_chosen(blob, len, &ch, &out, &olen, NULL) == 0) {
		if (fdt_check_full(out, olen) != 0 || fdt_totalsize(out) != olen)
			abort();
		if (have_m) {
			if (kx_fdt_memory(out, olen, &after, NULL) != 0 || !same_ram(&m, &after))
				abort();        /* the edit changed the RAM */
			kx_fdt_memory_free(&after);
		}
		free(out);
	}
	if (have_m)
		kx_fdt_memory_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;
	size_t off;

	if (!base_len)
		build_base();
	/* as a DTB of its own, in a buffer of exactly its size so ASan sees any overread */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	one(copy, size);
	free(copy);

	/* as a patch of the built-in tree: 2 bytes of offset, then bytes to XOR in */
	if (size < 3)
		return 0;
	copy = malloc(base_len);
	if (!copy)
		return 0;
	memcpy(copy, base, base_len);
	off = ((size_t)data[0] | (size_t)data[1] << 8) % base_len;
	for (size_t i = 2; i < size && off + i - 2 < base_len; i++)
		copy[off + i - 2] ^= data[i];
	one(copy, base_len);
	free(copy);
	return 0;
}
