/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ARCH_X86_64_H
#define KX_ARCH_X86_64_H
#include "arch.h"

extern const struct kx_arch_ops kx_arch_x86_64;

/* Exposed for unit tests: the estimate of the kernel's boot_params segment for a command line
 * of cmdline_len bytes (incl. NUL). */
uint64_t kx_x86_bootparams_size(uint64_t cmdline_len);

/* kload.c: the kexec_load (-c) segments of a bzImage64 load. */
int kx_x86_kexec_load_build(const struct kx_kload_in *in, struct kx_kload *ret,
			    struct kx_err *err);

#endif
