// SPDX-License-Identifier: GPL-2.0-or-later
/* kexec --estimate: the crash kernel memory a kernel and initrd need, from their load plan. */
#include <errno.h>
#include <stdio.h>

#include "output.h"
#include "plan.h"
#include "units.h"

#define MiB (UINT64_C(1) << 20)

int kexec_do_estimate(struct kexec_ctx *c, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	struct kexec_plan p;
	struct kexec_budget *b = &p.budget;
	char s[4][32];
	int r;

	if (!c->arch)
		return kx_err_set(err, -ENOTSUP, "estimating on %s is not supported",
				  c->sys.arch[0] ? c->sys.arch : "this architecture");
	r = plan_build(c, &p, err);
	if (r < 0) {
		if (o->json) {
			struct kx_json j;

			kx_json_init(&j, stdout);
			kx_json_object_begin(&j, NULL);
			kx_json_string(&j, "action", "estimate");
			kx_out_json_error_member(&j, err);
			kx_json_object_end(&j);
		}
		plan_free(&p);
		return r;
	}
	if (o->json) {
		struct kx_json j;

		kx_json_init(&j, stdout);
		kx_json_object_begin(&j, NULL);
		kx_json_string(&j, "action", "estimate");
		kx_json_string(&j, "kernel", p.kernel.path);
		kx_json_string(&j, "initrd", p.has_initrd ? p.initrd.path : NULL);
		budget_json_members(b, &j);
		kx_json_object_end(&j);
	} else {
		printf("crash kernel memory for %s%s%s\n", p.kernel.path,
		       p.has_initrd ? " with " : "", p.has_initrd ? p.initrd.path : "");
		printf("reserved         %s (crashkernel=, the \"Crash kernel\" ranges of /proc/iomem)\n",
		       kx_format_size(b->reserved, s[0], 32));
		printf("kernel           %s (the image's init_size)\n",
		       kx_format_size(b->kernel, s[0], 32));
		if (p.has_initrd) {
			printf("initrd           %s\n", kx_format_size(b->initrd, s[0], 32));
			printf("initrd unpacked  %s (%s)\n", kx_format_size(b->initrd_unpacked, s[0], 32),
			       b->initrd_format);
		}
		printf("boot data        %s (elfcorehdr, purgatory, boot parameters)\n",
		       kx_format_size(b->boot_data, s[0], 32));
		printf("runtime          %s (fixed allowance)\n",
		       kx_format_size(b->runtime, s[0], 32));
		printf("device dumps     %s (%s from %s: %zu device%s", kx_format_size(b->b.total, s[0], 32),
		       b->spec, b->spec_from, b->b.n, b->b.n == 1 ? "" : "s");
		for (size_t i = 0; i < b->b.n; i++) {
			char label[128];

			printf("%s%s %s", i ? ", " : ": ",
			       kx_dd_device_label(&b->b.items[i].dev, label, sizeof(label)),
			       kx_format_size(b->b.items[i].size, s[1], 32));
		}
		printf(")\n");
		printf("needed           %s\n", kx_format_size(b->needed, s[0], 32));
		printf("recommended      crashkernel=%lluM\n",
		       (unsigned long long)(b->recommended / MiB));
		if (b->fits)
			printf("fits             yes, %s to spare\n",
			       kx_format_size(b->reserved - b->needed, s[0], 32));
		else
			printf("fits             no, %s short\n",
			       kx_format_size(b->needed - b->reserved, s[0], 32));
	}
	plan_free(&p);
	return 0;
}
