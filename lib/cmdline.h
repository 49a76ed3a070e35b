/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_CMDLINE_H
#define KX_CMDLINE_H
/*
 * Kernel command lines as the kernel splits them (lib/cmdline.c next_arg): parameters separated
 * by white space, double quotes keep spaces inside one parameter (`foo="a b"`, `"foo=a b"`), a
 * bare `--` ends the kernel's parameters (what follows goes to init).  Pure.
 */
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* The longest command line we build; the kernel's limit is the image's (x86: cmdline_size). */
#define KX_CMDLINE_MAX 65536

/*
 * The running kernel's command line (content of /proc/cmdline) for reuse: BOOT_IMAGE= is
 * dropped (the boot loader's, not the kernel's), and with `crash` every crashkernel= as well
 * (a capture kernel must not reserve memory for another capture kernel).  Parameters after a bare
 * "--" belong to init and are kept as they are.  The result is a new string (free()).
 */
int kx_cmdline_reuse(const char *proc_cmdline, bool crash, char **ret, struct kx_err *err);

/*
 * Join the parts that are non-NULL and non-empty with one space, in order (the reused command line
 * first, then each --append).  The result is a new string; -E2BIG past KX_CMDLINE_MAX.
 */
int kx_cmdline_join(const char *const *parts, size_t nparts, char **ret, struct kx_err *err);

/* Does the command line set kernel parameter `name` (before any "--")?  name without "=". */
bool kx_cmdline_has_param(const char *cmdline, const char *name);

#endif
