/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_UDEVDEV_H
#define KX_UDEVDEV_H
/*
 * The devices that could write a device dump: every device bound to a driver, enumerated with
 * libudev (so a umockdev testbed stands in for sysfs in tests), with its driver, its PCI address
 * (its own, or its nearest PCI ancestor's: virtio_blk's virtio1 sits on a PCI function) and the
 * network interface it drives where there is one.  The edge over lib/devdump.c.
 */
#include <stddef.h>

#include "devdump.h"
#include "err.h"

/* Sorted by PCI address, then driver, then sysname.  -errno with err on failure. */
int kx_udev_devices(struct kx_dd_device **ret, size_t *ret_n, struct kx_err *err);

#endif
