// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "arm64/arm64.h"
#include "ppc64/ppc64.h"
#include "s390/s390.h"
#include "x86_64/x86_64.h"

/* One entry per arch/ directory. */
static const struct kx_arch_ops *const arches[] = {
	&kx_arch_x86_64,
	&kx_arch_arm64,
	&kx_arch_s390,
	&kx_arch_ppc64le,
	&kx_arch_ppc64,
};

/* Any name of the machine table (uname -m, kernel.arch, aliases) finds the arch of its row. */
const struct kx_arch_ops *kx_arch_find(const char *machine)
{
	const struct kx_machine *m = kx_machine_by_name(machine);

	for (size_t i = 0; m && i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(arches[i]->machine, m->name))
			return arches[i];
	return NULL;
}


const struct kx_arch_ops *kx_arch_for_image(const struct kx_file *kernel)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		struct kx_image_info info;
		struct kx_err e;

		kx_err_clear(&e);
		if (!arches[i]->image_untellable && arches[i]->probe_image(kernel, NULL, &info, &e) == 0)
			return arches[i];
	}
	return NULL;
}

const char *kx_arch_names(void)
{
	static char names[256];
	size_t len = 0;

	if (names[0])
		return names;
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		int n = snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
				 arches[i]->name);

		if (n < 0 || (size_t)n >= sizeof(names) - len)
			break;
		len += (size_t)n;
	}
	return names;
}

void kx_kload_free(struct kx_kload *k)
{
	for (size_t i = 0; i < k->nowned; i++)
		free(k->owned[i]);
	free(k->cmdline);
	free(k->memmap);
	memset(k, 0, sizeof(*k));
}
