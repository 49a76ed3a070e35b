/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_PURGATORY_CHECK_H
#define KX_PURGATORY_CHECK_H
#include "params.h"

/* See kx_purg_check_fn in params.h. */
int kx_purgatory_check(const struct kx_purg_params *p, char *msg, uint64_t size);

#endif
