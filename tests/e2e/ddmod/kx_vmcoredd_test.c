// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-ext lab: in a kdump capture kernel, add device dumps with known contents to /proc/vmcore,
 * as a driver such as cxgb4 does with vmcore_add_device_dump().  Needs
 * CONFIG_PROC_VMCORE_DEVICE_DUMP.  Byte k of the dump with ordinal i is
 *	((k >> 12) * 131 + k * 7 + i * 29 + 1) & 0xff
 * (the pattern tests/tools/mkvmcore writes), so the host can rebuild every dump and compare.
 * The last one (huge_mb, default 512 MiB) is larger than a 256M crashkernel can hold: the kernel
 * must refuse it and /proc/vmcore must not list it.
 */
#include <linux/crash_dump.h>
#include <linux/module.h>
#include <linux/string.h>

static unsigned int huge_mb = 512;
module_param(huge_mb, uint, 0444);
MODULE_PARM_DESC(huge_mb, "size of the dump that must not fit, in MiB (0: none)");

struct kx_dump {
	struct vmcoredd_data data;
	unsigned int ordinal;
};

static int kx_fill(struct vmcoredd_data *data, void *buf)
{
	struct kx_dump *d = container_of(data, struct kx_dump, data);
	u8 *p = buf;
	u32 k;

	for (k = 0; k < data->size; k++)
		p[k] = (u8)(((k >> 12) * 131 + k * 7 + d->ordinal * 29 + 1) & 0xff);
	return 0;
}

/* 44 characters: fills dump_name without a NUL (the kernel keeps what fits with its NUL) */
#define NAME44 "kxtest-name-exactly-forty-four-chars-long-44"

static struct kx_dump dumps[] = {
	{ .data = { .dump_name = "kxtest-small", .size = 4000 } },
	{ .data = { .dump_name = "kxtest-1m", .size = 1 << 20 } },
	{ .data = { .size = 12345 } },	/* NAME44, set at init */
	{ .data = { .dump_name = "kxtest-odd", .size = 100001 } },
	{ .data = { .dump_name = "kxtest-huge" } },	/* huge_mb */
};

static int __init kx_vmcoredd_init(void)
{
	unsigned int i;
	int added = 0;

	if (!is_kdump_kernel()) {
		pr_info("kx_vmcoredd_test: not a kdump kernel\n");
		return -ENODEV;
	}
	BUILD_BUG_ON(sizeof(NAME44) - 1 != VMCOREDD_MAX_NAME_BYTES);
	memcpy(dumps[2].data.dump_name, NAME44, VMCOREDD_MAX_NAME_BYTES);
	dumps[4].data.size = huge_mb << 20;
	for (i = 0; i < ARRAY_SIZE(dumps); i++) {
		struct kx_dump *d = &dumps[i];
		int ret;

		if (!d->data.size)
			continue;
		d->ordinal = i;
		d->data.vmcoredd_callback = kx_fill;
		ret = vmcore_add_device_dump(&d->data);
		pr_info("KX_VMCOREDD add ordinal=%u size=%u rc=%d\n", i, d->data.size, ret);
		if (!ret)
			added++;
	}
	pr_info("KX_VMCOREDD added=%d\n", added);
	return 0;
}

static void __exit kx_vmcoredd_exit(void)
{
}

module_init(kx_vmcoredd_init);
module_exit(kx_vmcoredd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kexec-ext lab: device dumps with known contents");
