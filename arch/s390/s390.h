/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ARCH_S390_H
#define KX_ARCH_S390_H
#include "arch.h"

extern const struct kx_arch_ops kx_arch_s390;

#endif
