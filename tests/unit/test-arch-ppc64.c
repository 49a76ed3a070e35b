// SPDX-License-Identifier: GPL-2.0-or-later
/* arch/ppc64: ELF vmlinux probing for both byte orders, the unplaced kexec_file_load segments,
 * and RAM read from /sys/firmware/fdt or, without it, from a /proc/device-tree directory. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ppc64/ppc64.h"

static void put_n(unsigned char *p, unsigned n, uint64_t v, bool be)
{
	for (unsigned i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/* A vmlinux head: ELF64 header, two PT_LOADs (0-0x1800000, 0x1800000-0x2400000) and a PT_NOTE. */
static size_t mk_vmlinux(unsigned char *b, size_t size, bool be, uint16_t machine)
{
	memset(b, 0, size);
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	put_n(b + 16, 2, ET_DYN, be);
	put_n(b + 18, 2, machine, be);
	put_n(b + 24, 8, 0xc000000000000000ull, be);
	put_n(b + 32, 8, 64, be);
	put_n(b + 54, 2, 56, be);
	put_n(b + 56, 2, 3, be);
	for (unsigned i = 0; i < 3; i++) {
		unsigned char *ph = b + 64 + 56 * i;

		put_n(ph, 4, i == 2 ? PT_NOTE : PT_LOAD, be);
		put_n(ph + 24, 8, i == 0 ? 0 : 0x1800000, be);
		put_n(ph + 40, 8, i == 0 ? 0x1800000 : i == 1 ? 0xc00000 : 0x100, be);
	}
	return 64 + 56 * 3;
}

static void vmlinux_of_either_byte_order_is_probed_by_its_own_ops(void **state)
{
	unsigned char b[512];
	size_t n;
	struct kx_image_info info;
	struct kx_file f = { .path = "vmlinux", .size = 40u << 20, .head = b };
	struct kx_err e;

	(void)state;
	for (int be = 0; be < 2; be++) {
		const struct kx_arch_ops *own = be ? &kx_arch_ppc64 : &kx_arch_ppc64le;
		const struct kx_arch_ops *other = be ? &kx_arch_ppc64le : &kx_arch_ppc64;

		f.head_len = mk_vmlinux(b, sizeof(b), be, EM_PPC64);
		kx_err_clear(&e);
		assert_int_equal(own->probe_image(&f, NULL, &info, &e), 0);
		assert_string_equal(info.type, "elf-ppc64");
		assert_int_equal(info.load_memsz, 0x2400000);
		assert_int_equal(info.cmdline_max, 2048);
		assert_int_equal(info.crash_cmdline_extra, 30);
		kx_err_clear(&e);
		assert_int_equal(other->probe_image(&f, NULL, &info, &e), -ENOEXEC);
		assert_non_null(strstr(e.msg, be ? "a big-endian vmlinux, but the running kernel is "
					"little endian" : "a little-endian vmlinux, but the running "
					"kernel is big endian"));
	}
	assert_int_equal(kx_arch_ppc64le.kexec_arch, 0x150000);
	assert_int_equal(kx_arch_ppc64le.page_size, 65536);
	(void)n;
}

static void malformed_images_are_refused_with_the_offset(void **state)
{
	unsigned char b[512];
	struct kx_ppc64_image im;
	struct kx_err e;
	size_t n;

	(void)state;
	n = mk_vmlinux(b, sizeof(b), false, EM_X86_64);
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_image_parse(b, n, &im, &e), -ENOEXEC);
	assert_true(e.has_offset);
	assert_int_equal(e.offset, 18);
	assert_non_null(strstr(e.msg, "not EM_PPC64"));

	n = mk_vmlinux(b, sizeof(b), false, EM_PPC64);
	kx_err_clear(&e);                       /* program headers cut off */
	assert_int_equal(kx_ppc64_image_parse(b, 64 + 56, &im, &e), -ENOEXEC);
	assert_int_equal(e.offset, 64);
	put_n(b + 56, 2, 60000, false);         /* absurd phnum */
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_image_parse(b, n, &im, &e), -ENOEXEC);
	assert_int_equal(e.offset, 54);
	n = mk_vmlinux(b, sizeof(b), true, EM_PPC64);
	put_n(b + 64 + 24, 8, UINT64_MAX - 10, true);  /* a PT_LOAD that wraps */
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_image_parse(b, n, &im, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "wraps"));
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_image_parse((const unsigned char *)"\x1f\x8b", 2, &im, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "gzip"));
}

static void file_load_segments_are_listed_unplaced(void **state)
{
	struct kx_image_info info = { .load_memsz = 0x2400000 };
	struct kx_load_request req = { .crash = true, .image = &info, .has_initrd = true,
				       .initrd_size = 5 << 20, .cmdline_len = 100,
				       .elfcorehdr_memsz = 4096 };
	struct kx_segments s;

	(void)state;
	assert_int_equal(kx_arch_ppc64le.file_load_layout(&req, 0x20000000, 0x2fffffff, &s),
			 -ENOTSUP);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.seg[0].name, "kernel");
	assert_string_equal(s.seg[2].name, "elfcorehdr");
	assert_int_equal(s.seg[2].memsz, 65536);        /* a 64 KiB page */
	for (size_t i = 0; i < s.n; i++)
		assert_false(s.seg[i].placed);
	req.crash = req.has_initrd = false;
	assert_int_equal(kx_arch_ppc64le.file_load_layout(&req, 1, 0, &s), -ENOTSUP);
	assert_int_equal(s.n, 3);
}

static void put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void be32s(unsigned char *out, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_n(out + 4 * i, 4, v[i], true);
}

static void ram_comes_from_the_fdt_or_else_the_device_tree_directory(void **state)
{
	static const uint32_t two[] = { 2 }, reg[] = { 0, 0, 0, 0x10000000 },
		lmb_size[] = { 0, 0x10000000 },
		lmbs[] = { 4, 0, 0x00000000, 1, 0, 0xffffffff, 0xc0,
			   0, 0x40000000, 2, 0, 0, 0x08,
			   0, 0x50000000, 3, 0, 0, 0x88,
			   0, 0x60000000, 4, 0, 0, 0x08 };
	char dir[] = "/tmp/kx-ppc64.XXXXXX", cmd[600], dt[300];
	unsigned char buf[256];
	struct kx_sysroot s;
	struct kx_ranges ram;
	const char *source;
	struct kx_err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(kx_sysroot_init(&s, dir), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_read_ram(&s, &ram, &source, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "neither /sys/firmware/fdt nor /proc/device-tree"));

	/* /proc/device-tree: files of raw big-endian cells; other nodes are not read */
	snprintf(dt, sizeof(dt), "%s/proc/device-tree", dir);
	be32s(buf, two, 1);
	put_file(dt, "#address-cells", buf, 4);
	put_file(dt, "#size-cells", buf, 4);
	put_file(dt, "name", "", 1);
	put_file(dt, "memory@0/device_type", "memory", 7);
	be32s(buf, reg, 4);
	put_file(dt, "memory@0/reg", buf, 16);
	be32s(buf, lmb_size, 2);
	put_file(dt, "ibm,dynamic-reconfiguration-memory/ibm,lmb-size", buf, 8);
	be32s(buf, lmbs, sizeof(lmbs) / 4);
	put_file(dt, "ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory", buf, sizeof(lmbs));
	put_file(dt, "cpus/PowerPC,POWER9@0/reg", "garbage", 7);
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_read_ram(&s, &ram, &source, &e), 0);
	assert_string_equal(source, "/proc/device-tree");
	/* boot memory node; LMB 0x40000000 assigned; 0x50000000 reserved; 0x60000000 assigned */
	assert_int_equal(ram.n, 3);
	assert_int_equal(ram.r[0].start, 0);
	assert_int_equal(ram.r[0].end, 0x0fffffff);
	assert_int_equal(ram.r[1].start, 0x40000000);
	assert_int_equal(ram.r[1].end, 0x4fffffff);
	assert_int_equal(ram.r[2].start, 0x60000000);
	assert_int_equal(ram.r[2].end, 0x6fffffff);
	kx_ranges_free(&ram);

	/* a truncated property is an error naming the source */
	put_file(dt, "memory@0/reg", buf, 6);
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_read_ram(&s, &ram, &source, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "/proc/device-tree: "));

	/* /sys/firmware/fdt wins when present */
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/sys/firmware && cp %s/ppc-lmb-v1.dtb "
		 "%s/sys/firmware/fdt", dir, KX_DTB_DIR, dir);
	assert_int_equal(system(cmd), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_ppc64_read_ram(&s, &ram, &source, &e), 0);
	assert_string_equal(source, "/sys/firmware/fdt");
	assert_int_equal(ram.n, 2);
	assert_int_equal(ram.r[1].start, 0x40000000);
	assert_int_equal(ram.r[1].end, 0x5fffffff);
	kx_ranges_free(&ram);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vmlinux_of_either_byte_order_is_probed_by_its_own_ops),
		cmocka_unit_test(malformed_images_are_refused_with_the_offset),
		cmocka_unit_test(file_load_segments_are_listed_unplaced),
		cmocka_unit_test(ram_comes_from_the_fdt_or_else_the_device_tree_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
