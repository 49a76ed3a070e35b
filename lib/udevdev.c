// SPDX-License-Identifier: GPL-2.0-or-later
/* Devices bound to a driver, from libudev. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "cleanup.h"
#include "udevdev.h"

static void udev_unrefp(struct udev **u)
{
	if (*u)
		udev_unref(*u);
}

static void enumerate_unrefp(struct udev_enumerate **e)
{
	if (*e)
		udev_enumerate_unref(*e);
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int cmp_dev(const void *a, const void *b)
{
	const struct kx_dd_device *x = a, *y = b;
	int r = strcmp(x->pci, y->pci);

	if (!r)
		r = strcmp(x->driver, y->driver);
	return r ? r : strcmp(x->sysname, y->sysname);
}

/* Network interfaces and the device each sits on, read once. */
struct netdev {
	char *parent;                   /* syspath of the parent device */
	char name[32];
};

static size_t read_netdevs(struct udev *u, struct udev_list_entry *nets, struct netdev **ret)
{
	struct udev_list_entry *e;
	struct netdev *list = NULL;
	size_t n = 0;

	udev_list_entry_foreach(e, nets) {
		struct udev_device *d = udev_device_new_from_syspath(u, udev_list_entry_get_name(e));
		struct udev_device *parent = d ? udev_device_get_parent(d) : NULL;
		struct netdev *nl = parent && n < KX_DD_MAX_DEVICES ?
				    realloc(list, (n + 1) * sizeof(*list)) : NULL;

		if (nl) {
			list = nl;
			list[n].parent = strdup(udev_device_get_syspath(parent));
			copy(list[n].name, sizeof(list[n].name), udev_device_get_sysname(d));
			if (list[n].parent)
				n++;
		}
		if (d)
			udev_device_unref(d);
	}
	*ret = list;
	return n;
}

static void free_netdevs(struct netdev *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].parent);
	free(list);
}

int kx_udev_devices(struct kx_dd_device **ret, size_t *ret_n, struct kx_err *err)
{
	_cleanup_(udev_unrefp) struct udev *u = udev_new();
	_cleanup_(enumerate_unrefp) struct udev_enumerate *all = NULL, *net = NULL;
	struct udev_list_entry *e;
	struct kx_dd_device *devs = NULL;
	struct netdev *netdevs = NULL;
	size_t n = 0, nnet = 0;

	if (!u)
		return kx_err_set(err, -ENOMEM, "cannot start libudev");
	all = udev_enumerate_new(u);
	net = udev_enumerate_new(u);
	if (!all || !net)
		return kx_err_set(err, -ENOMEM, "out of memory");
	if (udev_enumerate_scan_devices(all) < 0)
		return kx_err_set(err, -EIO, "libudev cannot list the devices in /sys");
	if (udev_enumerate_add_match_subsystem(net, "net") == 0 &&
	    udev_enumerate_scan_devices(net) == 0)
		nnet = read_netdevs(u, udev_enumerate_get_list_entry(net), &netdevs);

	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(all)) {
		struct udev_device *d = udev_device_new_from_syspath(u, udev_list_entry_get_name(e));
		const char *drv = d ? udev_device_get_driver(d) : NULL;

		if (drv && n < KX_DD_MAX_DEVICES) {
			struct udev_device *pci = udev_device_get_parent_with_subsystem_devtype(d, "pci",
												NULL);
			const char *sub = udev_device_get_subsystem(d);
			struct kx_dd_device *nd = realloc(devs, (n + 1) * sizeof(*devs));

			if (!nd) {
				udev_device_unref(d);
				free(devs);
				free_netdevs(netdevs, nnet);
				return kx_err_set(err, -ENOMEM, "out of memory");
			}
			devs = nd;
			memset(&devs[n], 0, sizeof(devs[n]));
			copy(devs[n].driver, sizeof(devs[n].driver), drv);
			copy(devs[n].sysname, sizeof(devs[n].sysname), udev_device_get_sysname(d));
			if (sub && !strcmp(sub, "pci"))
				copy(devs[n].pci, sizeof(devs[n].pci), udev_device_get_sysname(d));
			else if (pci)
				copy(devs[n].pci, sizeof(devs[n].pci), udev_device_get_sysname(pci));
			/* the first interface on the device (cxgb4 has one per port) */
			for (size_t i = 0; i < nnet && !devs[n].netdev[0]; i++)
				if (!strcmp(netdevs[i].parent, udev_device_get_syspath(d)))
					copy(devs[n].netdev, sizeof(devs[n].netdev), netdevs[i].name);
			n++;
		}
		if (d)
			udev_device_unref(d);
	}
	free_netdevs(netdevs, nnet);
	if (n)
		qsort(devs, n, sizeof(*devs), cmp_dev);
	*ret = devs;
	*ret_n = n;
	return 0;
}
