// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/devdump: --device-dump-budget SPECs, device-dump.conf, budgeting devices, kexec_dd=. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "devdump.h"

#define MiB (UINT64_C(1) << 20)
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void test_pci(void **state)
{
	static const struct { const char *in; const char *out; } t[] = {
		{ "0000:02:00.4", "0000:02:00.4" }, { "02:00.4", "0000:02:00.4" },
		{ "0001:AF:1f.7", "0001:af:1f.7" }, { "0000:02:20.0", NULL }, { "02:00.8", NULL },
		{ "0000:02:00", NULL }, { "cxgb4", NULL }, { "0000:0g:00.0", NULL },
		{ "00000:02:00.4", NULL }, { "", NULL }, { "0000:02:00.4x", NULL },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char buf[16] = "untouched";
		bool ok = kx_dd_pci_normalize(t[i].in, buf);

		if (t[i].out) {
			assert_true(ok);
			assert_string_equal(buf, t[i].out);
		} else {
			assert_false(ok);
			assert_string_equal(buf, "untouched");
		}
	}
}

static void test_spec(void **state)
{
	static const struct {
		const char *in;
		int ret;
		enum kx_dd_kind kind;
		size_t n;
		uint64_t total_or_first;
		const char *msg;
	} t[] = {
		{ "auto", 0, KX_DD_AUTO, 0, 0, NULL },
		{ "none", 0, KX_DD_NONE, 0, 0, NULL },
		{ "64M", 0, KX_DD_TOTAL, 0, 64 * MiB, NULL },
		{ "1G", 0, KX_DD_TOTAL, 0, 1024 * MiB, NULL },
		{ "512K", 0, KX_DD_TOTAL, 0, 512 * 1024, NULL },
		{ "cxgb4=32M", 0, KX_DD_LIST, 1, 32 * MiB, NULL },
		{ "cxgb4=32M,0000:03:00.4=16M", 0, KX_DD_LIST, 2, 32 * MiB, NULL },
		{ "03:00.4=1G,virtio_blk=512K", 0, KX_DD_LIST, 2, 1024 * MiB, NULL },
		{ "Auto", -EINVAL, 0, 0, 0, "not auto, none, a size" },
		{ "cxgb4", -EINVAL, 0, 0, 0, "not auto, none, a size" },
		{ "cxgb4=32Q", -EINVAL, 0, 0, 0, "'32Q' is not a size" },
		{ "cxgb4=", -EINVAL, 0, 0, 0, "is not a size" },
		{ "=32M", -EINVAL, 0, 0, 0, "is not a driver name" },
		{ "cx/gb4=32M", -EINVAL, 0, 0, 0, "'cx/gb4' is not a driver name" },
		{ "0000:02:99.4=32M", -EINVAL, 0, 0, 0, "is not a PCI address" },
		{ "cxgb4=32M,,e1000e=1M", -EINVAL, 0, 0, 0, "an empty entry" },
		{ "cxgb4=32M,", -EINVAL, 0, 0, 0, "an empty entry" },
		{ "cxgb4=32M,cxgb4=1M", -EINVAL, 0, 0, 0, "cxgb4 is given twice" },
		{ "02:00.4=1M,0000:02:00.4=2M", -EINVAL, 0, 0, 0, "0000:02:00.4 is given twice" },
		{ "cxgb4=32M,foo", -EINVAL, 0, 0, 0, "'foo' is not MATCH=SIZE" },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_dd_spec s = { .kind = KX_DD_NONE, .total = 77 };
		struct kx_err e;
		int r;

		kx_err_clear(&e);
		r = kx_dd_spec_parse(t[i].in, &s, &e);
		printf("# %s -> %d %s\n", t[i].in, r, e.msg);
		assert_int_equal(r, t[i].ret);
		if (r < 0) {
			assert_non_null(strstr(e.msg, t[i].msg));
			assert_int_equal(s.total, 77);  /* untouched */
			continue;
		}
		assert_int_equal(s.kind, t[i].kind);
		assert_int_equal(s.n, t[i].n);
		if (s.kind == KX_DD_TOTAL)
			assert_int_equal(s.total, t[i].total_or_first);
		if (s.n)
			assert_int_equal(s.rules[0].size, t[i].total_or_first);
		kx_dd_spec_free(&s);
	}
}

static void test_conf(void **state)
{
	static const struct { const char *text; int ret; size_t n; const char *msg; } t[] = {
		{ "", 0, 0, NULL },
		{ "# only a comment\n\n   \n\t# indented\n", 0, 0, NULL },
		{ "cxgb4 32M\n", 0, 1, NULL },
		{ "cxgb4\t32M   # per adapter\r\nvirtio_blk 512K\n0000:02:00.4 1G", 0, 3, NULL },
		{ "default none\ncxgb4 32M\n", 0, 1, NULL },
		{ "# header\n\ncxgb4 32M\nbogus\n", -EINVAL, 0, "t.conf:4: expected" },
		{ "cxgb4 32M extra\n", -EINVAL, 0, "t.conf:1: expected" },
		{ "\n\ncxgb4 lots\n", -EINVAL, 0, "t.conf:3: 'cxgb4 lots' has a size" },
		{ "cxgb4 32M\ncxgb4 16M\n", -EINVAL, 0, "t.conf:2: cxgb4 is already on line 1" },
		{ "default auto\ndefault none\n", -EINVAL, 0, "t.conf:2: a second" },
		{ "default sometimes\n", -EINVAL, 0, "t.conf:1: --device-dump-budget=sometimes" },
		{ "12:34:56 1M\n", -EINVAL, 0, "t.conf:1: '12:34:56 1M' is not a PCI address" },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_dd_conf c = { 0 };
		struct kx_err e;
		int r;

		kx_err_clear(&e);
		r = kx_dd_conf_parse(t[i].text, "t.conf", &c, &e);
		printf("# conf %zu -> %d %s\n", i, r, e.msg);
		assert_int_equal(r, t[i].ret);
		if (r < 0) {
			assert_non_null(strstr(e.msg, t[i].msg));
			continue;
		}
		assert_int_equal(c.n, t[i].n);
		kx_dd_conf_free(&c);
	}
}

static const struct kx_dd_device devs[] = {
	{ .driver = "virtio_blk", .pci = "0000:00:04.0", .sysname = "virtio1" },
	{ .driver = "cxgb4", .pci = "0000:02:00.4", .netdev = "enp2s0f4", .sysname = "0000:02:00.4" },
	{ .driver = "cxgb4", .pci = "0000:03:00.4", .netdev = "enp3s0f4", .sysname = "0000:03:00.4" },
};

static void resolve(const char *spec, const char *conf, int ret, size_t n, uint64_t total,
		    const char *msg)
{
	struct kx_dd_spec s;
	struct kx_dd_conf c = { 0 };
	struct kx_dd_budget b = { .total = 99 };
	struct kx_err e;
	int r;

	kx_err_clear(&e);
	assert_int_equal(kx_dd_spec_parse(spec, &s, &e), 0);
	assert_int_equal(kx_dd_conf_parse(conf, "c", &c, &e), 0);
	r = kx_dd_resolve(&s, &c, devs, N_ELEMS(devs), &b, &e);
	printf("# %s -> %d %s\n", spec, r, e.msg);
	assert_int_equal(r, ret);
	if (r == 0) {
		assert_int_equal(b.n, n);
		assert_int_equal(b.total, total);
	} else {
		assert_non_null(strstr(e.msg, msg));
		assert_int_equal(b.total, 99);
	}
	kx_dd_budget_free(&b);
	kx_dd_spec_free(&s);
	kx_dd_conf_free(&c);
}

static void test_resolve(void **state)
{
	(void)state;
	resolve("auto", "cxgb4 32M\n", 0, 2, 64 * MiB, NULL);
	resolve("auto", "", 0, 0, 0, NULL);
	resolve("auto", "mlx5_core 8M\n", 0, 0, 0, NULL);             /* conf: no match is fine */
	resolve("auto", "cxgb4 32M\n03:00.4 1M\n", 0, 2, 33 * MiB, NULL); /* address wins */
	resolve("none", "cxgb4 32M\n", 0, 0, 0, NULL);
	resolve("100M", "cxgb4 32M\n", 0, 0, 100 * MiB, NULL);
	resolve("virtio_blk=16M", "cxgb4 32M\n", 0, 1, 16 * MiB, NULL);
	resolve("0000:03:00.4=1G", "", 0, 1, 1024 * MiB, NULL);
	resolve("cxgb4=8M,02:00.4=512K", "", 0, 2, 8 * MiB + 512 * 1024, NULL);
	resolve("mlx5_core=8M", "", -ENODEV, 0, 0,
		"no device is bound to a driver named 'mlx5_core' (bound drivers: virtio_blk, cxgb4)");
	resolve("0000:09:00.0=8M", "", -ENODEV, 0, 0, "no device with a driver at PCI address 0000:09:00.0");
}

static void test_cmdline(void **state)
{
	static const struct { const char *in; int ret; unsigned count; uint64_t bytes; } t[] = {
		{ "root=/dev/sda1 ro", 0, 0, 0 },
		{ "kexec_dd=2:67108864", 1, 2, 67108864 },
		{ "irqpoll kexec_dd=0:0 nr_cpus=1", 1, 0, 0 },
		{ "kexec_dd=1:5 kexec_dd=3:9", 1, 3, 9 },                /* the last one counts */
		{ "xkexec_dd=1:5", 0, 0, 0 },
		{ "kexec_dd=", -EINVAL, 0, 0 },
		{ "kexec_dd=1", -EINVAL, 0, 0 },
		{ "kexec_dd=1:", -EINVAL, 0, 0 },
		{ "kexec_dd=a:1", -EINVAL, 0, 0 },
		{ "kexec_dd=1:2x", -EINVAL, 0, 0 },
		{ "kexec_dd=99999:1", -EINVAL, 0, 0 },
		{ "kexec_dd=1:99999999999999999999999", -EINVAL, 0, 0 },
		{ "kexec_dd=1:5\n", 1, 1, 5 },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		unsigned count = 12345;
		uint64_t bytes = 12345;
		int r = kx_dd_cmdline_parse(t[i].in, &count, &bytes);

		printf("# cmdline %zu -> %d\n", i, r);
		assert_int_equal(r, t[i].ret);
		assert_int_equal(count, r == 1 ? t[i].count : 12345);
		assert_int_equal(bytes, r == 1 ? t[i].bytes : 12345);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pci),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
