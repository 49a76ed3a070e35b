/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_DEVDUMP_H
#define KX_DEVDUMP_H
/*
 * Device-dump budgets: how much of the capture kernel's memory drivers may fill with their own
 * dumps (vmcore_add_device_dump(): cxgb4 puts up to ~32 MiB per adapter there).  Pure: parses a
 * --device-dump-budget SPEC and /etc/kexec/device-dump.conf, and turns a list of devices
 * (lib/udevdev.c enumerates them) into budgeted devices and a total.
 *
 *  SPEC   auto | none | SIZE | MATCH=SIZE[,MATCH=SIZE...]
 *         auto: every device whose driver (or PCI address) the configuration lists, with the
 *         configured size; none: no budget; SIZE: that total, for devices not named;
 *         MATCH=SIZE: every device bound to driver MATCH, or the device at PCI address MATCH
 *         (DDDD:BB:DD.F, or BB:DD.F meaning domain 0000), that size each.
 *  conf   one "MATCH SIZE" per line, or "default SPEC"; '#' starts a comment; blank lines are
 *         ignored.
 *
 * The capture command line carries the result as kexec_dd=<count>:<bytes> (count 0 with bytes
 * > 0: a total for devices not known by name).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KX_DD_MATCH_MAX 64              /* a driver name or PCI address, with its NUL */
#define KX_DD_MAX_RULES 256
#define KX_DD_MAX_DEVICES 4096

enum kx_dd_kind { KX_DD_AUTO, KX_DD_NONE, KX_DD_TOTAL, KX_DD_LIST };

struct kx_dd_rule {
	char match[KX_DD_MATCH_MAX];    /* driver name, or normalized PCI address */
	bool is_pci;
	uint64_t size;
	unsigned line;                  /* conf line, 0 for a SPEC */
};

struct kx_dd_spec {
	enum kx_dd_kind kind;
	uint64_t total;                 /* KX_DD_TOTAL */
	struct kx_dd_rule *rules;       /* KX_DD_LIST */
	size_t n;
};

struct kx_dd_conf {
	struct kx_dd_rule *rules;
	size_t n;
	bool has_default;
	struct kx_dd_spec def;          /* "default SPEC" */
	char def_text[128];             /* that SPEC as written */
};

/* A device as enumerated: bound driver, PCI address ("" when not on PCI), netdev ("" if none). */
struct kx_dd_device {
	char driver[KX_DD_MATCH_MAX];
	char pci[16];
	char netdev[32];
	char sysname[64];
};

struct kx_dd_item {
	struct kx_dd_device dev;
	uint64_t size;
};

struct kx_dd_budget {
	enum kx_dd_kind kind;
	struct kx_dd_item *items;
	size_t n;
	uint64_t total;                 /* Σ items, or the SIZE of KX_DD_TOTAL */
};

/* "0000:02:00.4" or "02:00.4" (hex digits, either case) → "0000:02:00.4" in lower case. */
bool kx_dd_pci_normalize(const char *s, char ret[16]);

/* Parse a SPEC.  -EINVAL with err naming the bad part. */
int kx_dd_spec_parse(const char *s, struct kx_dd_spec *ret, struct kx_err *err);
void kx_dd_spec_free(struct kx_dd_spec *s);

/* Parse a configuration file's text; `name` is used in messages ("NAME:LINE: ...").  -EINVAL. */
int kx_dd_conf_parse(const char *text, const char *name, struct kx_dd_conf *ret,
		     struct kx_err *err);
void kx_dd_conf_free(struct kx_dd_conf *c);

/* Does the spec (or for auto, the configuration) need the list of devices? */
bool kx_dd_needs_devices(const struct kx_dd_spec *s, const struct kx_dd_conf *c);

/*
 * Budget the devices: auto uses conf's rules, a list its own.  A MATCH of a list that matches no
 * device is an error (-ENODEV, naming it and the drivers that are bound), so a typo cannot
 * silently budget nothing; conf rules that match nothing are fine.
 */
int kx_dd_resolve(const struct kx_dd_spec *s, const struct kx_dd_conf *c,
		  const struct kx_dd_device *devs, size_t ndevs, struct kx_dd_budget *ret,
		  struct kx_err *err);
void kx_dd_budget_free(struct kx_dd_budget *b);

/* "cxgb4 0000:02:00.4" (driver, then the PCI address or netdev or sysname). */
char *kx_dd_device_label(const struct kx_dd_device *d, char *buf, size_t size);

/*
 * The last kexec_dd=<count>:<bytes> of a command line.  1 found, 0 absent, -EINVAL malformed.
 */
int kx_dd_cmdline_parse(const char *cmdline, unsigned *ret_count, uint64_t *ret_bytes);

#endif
