// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crashmem.h"

const char *kx_crash_role_name(enum kx_crash_role role)
{
	static const char *const names[] = {
		[KX_CRASH_MAIN] = "main", [KX_CRASH_LOW] = "low", [KX_CRASH_CMA] = "cma",
	};

	return (unsigned)role < sizeof(names) / sizeof(names[0]) ? names[role] : "?";
}

static int add_crash(struct kx_crashmem *c, size_t *cap, uint64_t start, uint64_t end,
		     enum kx_crash_role role)
{
	if (c->ncrash == *cap) {
		size_t n = *cap ? *cap * 2 : 4;
		struct kx_crash_range *r;

		if (n > KX_RANGES_MAX)
			return -E2BIG;
		r = realloc(c->crash, n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->crash = r;
		*cap = n;
	}
	c->crash[c->ncrash++] = (struct kx_crash_range){ start, end, role };
	return 0;
}

static int cmp_crash(const void *a, const void *b)
{
	const struct kx_crash_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static bool is_kernel_image_part(const char *name)
{
	return !strcmp(name, "Kernel code") || !strcmp(name, "Kernel rodata") ||
	       !strcmp(name, "Kernel data") || !strcmp(name, "Kernel bss");
}

/* with RAM from elsewhere, an iomem range counts only inside one of its ranges */
static bool inside(const struct kx_ranges *ram, const struct kx_iomem_node *n)
{
	if (!ram)
		return true;
	for (size_t i = 0; i < ram->n; i++)
		if (n->start >= ram->r[i].start && n->end <= ram->r[i].end)
			return true;
	return false;
}

int kx_crashmem_build(const struct kx_iomem *iomem, const struct kx_ranges *arch_exclude,
		      const struct kx_ranges *cma, struct kx_crashmem *ret, struct kx_err *err)
{
	return kx_crashmem_build_ram(iomem, NULL, arch_exclude, cma, ret, err);
}

int kx_crashmem_build_ram(const struct kx_iomem *iomem, const struct kx_ranges *ram,
			  const struct kx_ranges *arch_exclude, const struct kx_ranges *cma,
			  struct kx_crashmem *ret, struct kx_err *err)
{
	struct kx_crashmem c = { .main = -1 };
	size_t cap = 0;
	int r = 0;

	if (iomem->hidden)
		return kx_err_set(err, -EACCES, "/proc/iomem shows every address as 0: it was read "
				  "without CAP_SYS_ADMIN; run as root");

	for (size_t i = 0; ram && i < ram->n && r == 0; i++)
		r = kx_ranges_add(&c.ram, ram->r[i].start, ram->r[i].end);
	for (size_t i = 0; i < iomem->n && r == 0; i++) {
		const struct kx_iomem_node *n = &iomem->nodes[i];

		if (!inside(ram, n)) {
			continue;
		} else if (kx_iomem_is_system_ram(n)) {
			if (!ram)
				r = kx_ranges_add(&c.ram, n->start, n->end);
		} else if (!strcmp(n->name, "Crash kernel")) {
			r = add_crash(&c, &cap, n->start, n->end, KX_CRASH_LOW);
		} else if (is_kernel_image_part(n->name)) {
			if (!strcmp(n->name, "Kernel code") && !c.has_kernel) {
				c.has_kernel = true;
				c.kernel_start = n->start;
				c.kernel_end = n->end;
			} else if (c.has_kernel && n->end > c.kernel_end) {
				c.kernel_end = n->end;
			}
		}
	}
	if (r < 0)
		goto fail_mem;
	kx_ranges_normalize(&c.ram);

	if (c.ncrash) {
		qsort(c.crash, c.ncrash, sizeof(*c.crash), cmp_crash);
		c.main = (int)c.ncrash - 1;
		c.crash[c.main].role = KX_CRASH_MAIN;
		for (size_t i = 0; i < c.ncrash; i++)
			c.crash_total += c.crash[i].end - c.crash[i].start + 1;
	}
	for (size_t i = 0; cma && i < cma->n && r == 0; i++)
		r = add_crash(&c, &cap, cma->r[i].start, cma->r[i].end, KX_CRASH_CMA);
	if (r < 0)
		goto fail_mem;

	for (size_t i = 0; i < c.ncrash && r == 0; i++)
		r = kx_ranges_add(&c.excluded, c.crash[i].start, c.crash[i].end);
	for (size_t i = 0; arch_exclude && i < arch_exclude->n && r == 0; i++)
		r = kx_ranges_add(&c.excluded, arch_exclude->r[i].start, arch_exclude->r[i].end);
	if (r < 0)
		goto fail_mem;
	kx_ranges_normalize(&c.excluded);

	r = kx_ranges_copy(&c.dump, &c.ram);
	for (size_t i = 0; i < c.excluded.n && r == 0; i++)
		r = kx_ranges_subtract(&c.dump, c.excluded.r[i].start, c.excluded.r[i].end);
	if (r < 0)
		goto fail_mem;
	*ret = c;
	return 0;

fail_mem:
	kx_crashmem_free(&c);
	if (r == -E2BIG)
		return kx_err_set(err, -EBADMSG, "/proc/iomem has more than %u memory ranges",
				  KX_RANGES_MAX);
	return kx_err_set(err, r, "out of memory building the crash memory model");
}

void kx_crashmem_free(struct kx_crashmem *c)
{
	kx_ranges_free(&c->ram);
	kx_ranges_free(&c->excluded);
	kx_ranges_free(&c->dump);
	free(c->crash);
	*c = (struct kx_crashmem){ .main = -1 };
}

const struct kx_crash_range *kx_crashmem_main(const struct kx_crashmem *c)
{
	return c->main >= 0 ? &c->crash[c->main] : NULL;
}
