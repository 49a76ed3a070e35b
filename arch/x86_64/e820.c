// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e820 maps for kexec_load on x86_64: the machine's (from /proc/iomem or the firmware map) and
 * the capture kernel's (what the kernel's own crash_setup_memmap_entries() hands over).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "e820.h"

#define PAGE_SIZE 4096u
#define FIRST_MIB (UINT64_C(1) << 20)

static const struct {
	const char *name;
	uint32_t type;
} type_names[] = {
	/* arch/x86/kernel/e820.c e820_type_to_string(); "Reserved" was "reserved" in old kernels */
	{ "System RAM", KX_E820_RAM },
	{ "Reserved", KX_E820_RESERVED },
	{ "reserved", KX_E820_RESERVED },
	{ "ACPI Tables", KX_E820_ACPI },
	{ "ACPI Non-volatile Storage", KX_E820_NVS },
	{ "Unusable memory", KX_E820_UNUSABLE },
	{ "Persistent Memory", KX_E820_PMEM },
	{ "Persistent Memory (legacy)", KX_E820_PRAM },
	{ "Soft Reserved", KX_E820_SOFT_RESERVED },
};

static uint32_t type_from_name_len(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strlen(type_names[i].name) == len && !memcmp(type_names[i].name, name, len))
			return type_names[i].type;
	return 0;
}

uint32_t kx_e820_type_from_name(const char *name)
{
	return type_from_name_len(name, strlen(name));
}

const char *kx_e820_type_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "Unknown E820 type";
}

int kx_e820_add(struct kx_e820 *m, uint64_t start, uint64_t end, uint32_t type)
{
	if (start > end || type == 0)
		return -EINVAL;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct kx_e820_entry *e;

		if (m->n >= KX_E820_MAX)
			return -E2BIG;
		if (cap > KX_E820_MAX)
			cap = KX_E820_MAX;
		e = realloc(m->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		m->e = e;
		m->cap = cap;
	}
	m->e[m->n++] = (struct kx_e820_entry){ start, end, type };
	return 0;
}

void kx_e820_free(struct kx_e820 *m)
{
	free(m->e);
	*m = (struct kx_e820){ 0 };
}

/* ---- normalize: a sweep over the start and end points of every entry ---------------------- */

struct event {
	uint64_t pos;           /* where coverage changes */
	size_t idx;             /* index of the entry's type in the sorted list of types */
	int delta;              /* +1 the entry starts at pos, -1 it ended at pos - 1 */
};

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void emit(struct kx_e820_entry *out, size_t *n, uint64_t start, uint64_t end,
		 uint32_t type)
{
	if (*n && out[*n - 1].type == type && out[*n - 1].end + 1 == start) {
		out[*n - 1].end = end;
		return;
	}
	out[(*n)++] = (struct kx_e820_entry){ start, end, type };
}

int kx_e820_normalize(struct kx_e820 *m)
{
	struct event *ev = NULL;
	struct kx_e820_entry *out = NULL;
	uint32_t *types = NULL;
	size_t *count = NULL;
	size_t nev = 0, ntypes = 0, nout = 0, active = 0, top = 0, cap = 2 * m->n;

	if (m->n == 0)
		return 0;
	ev = calloc(2 * m->n, sizeof(*ev));
	types = calloc(m->n, sizeof(*types));
	count = calloc(m->n, sizeof(*count));
	out = calloc(cap, sizeof(*out));
	if (!ev || !types || !count || !out) {
		free(ev), free(types), free(count), free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->n; i++)
		types[i] = m->e[i].type;
	qsort(types, m->n, sizeof(*types), cmp_u32);
	for (size_t i = 0; i < m->n; i++)
		if (!ntypes || types[ntypes - 1] != types[i])
			types[ntypes++] = types[i];
	for (size_t i = 0; i < m->n; i++) {
		const uint32_t *t = bsearch(&m->e[i].type, types, ntypes, sizeof(*types), cmp_u32);
		size_t idx = (size_t)(t - types);

		ev[nev++] = (struct event){ m->e[i].start, idx, +1 };
		if (m->e[i].end != UINT64_MAX)  /* else it covers the rest of the address space */
			ev[nev++] = (struct event){ m->e[i].end + 1, idx, -1 };
	}
	qsort(ev, nev, sizeof(*ev), cmp_event);

	for (size_t i = 0; i < nev;) {
		uint64_t pos = ev[i].pos;

		for (; i < nev && ev[i].pos == pos; i++) {
			if (ev[i].delta > 0) {
				count[ev[i].idx]++;
				active++;
				if (ev[i].idx > top)
					top = ev[i].idx;
			} else {
				count[ev[i].idx]--;
				active--;
			}
		}
		if (!active)
			continue;
		while (count[top] == 0)         /* the highest type still present wins */
			top--;
		emit(out, &nout, pos, i < nev ? ev[i].pos - 1 : UINT64_MAX, types[top]);
	}
	free(ev), free(types), free(count);
	free(m->e);
	m->e = out;
	m->n = nout;
	m->cap = cap;
	return 0;
}

/* ---- /proc/iomem ------------------------------------------------------------------------- */

typedef bool (*node_pred)(const struct kx_iomem_node *n);

/* true when an ancestor of node i matches: the kernel's resource walk resumes after the end of
 * a match, so it never reports a match inside another one. */
static bool ancestor_matches(const struct kx_iomem *m, size_t i, node_pred pred)
{
	unsigned hops = 0;

	for (int p = m->nodes[i].parent; p >= 0 && (size_t)p < m->n && hops <= KX_IOMEM_MAX_DEPTH;
	     p = m->nodes[p].parent, hops++)
		if (pred(&m->nodes[p]))
			return true;
	return false;
}

static bool is_e820_name(const struct kx_iomem_node *n)
{
	return kx_e820_type_from_name(n->name) != 0;
}

static int check_iomem(const struct kx_iomem *iomem, struct kx_err *err)
{
	if (iomem->hidden)
		return kx_err_set(err, -EACCES, "/proc/iomem shows every address as 0: read it as "
				  "root (CAP_SYS_ADMIN) to build an e820 map");
	return 0;
}

static int add_or_fail(struct kx_e820 *m, uint64_t start, uint64_t end, uint32_t type,
		       struct kx_err *err)
{
	int r = kx_e820_add(m, start, end, type);

	if (r == -E2BIG)
		return kx_err_set(err, r, "more than %u e820 entries: no kernel takes that many",
				  KX_E820_MAX);
	if (r < 0)
		return kx_err_set(err, r, "cannot add e820 entry %llx-%llx",
				  (unsigned long long)start, (unsigned long long)end);
	return 0;
}

static int finish(struct kx_e820 *m, struct kx_e820 *ret, struct kx_err *err)
{
	int r = kx_e820_normalize(m);

	if (r < 0) {
		kx_e820_free(m);
		return kx_err_set(err, r, "out of memory sorting the e820 map");
	}
	*ret = *m;
	return 0;
}

int kx_e820_from_iomem(const struct kx_iomem *iomem, struct kx_e820 *ret, struct kx_err *err)
{
	struct kx_e820 m = { 0 };
	int r = check_iomem(iomem, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < iomem->n; i++) {
		const struct kx_iomem_node *n = &iomem->nodes[i];
		uint32_t type = kx_e820_type_from_name(n->name);

		if (!type || ancestor_matches(iomem, i, is_e820_name))
			continue;
		r = add_or_fail(&m, n->start, n->end, type, err);
		if (r < 0) {
			kx_e820_free(&m);
			return r;
		}
	}
	return finish(&m, ret, err);
}

/* ---- /sys/firmware/memmap ---------------------------------------------------------------- */

/* "0x<hex>" with an optional trailing newline; *bad is the offset of the first bad byte. */
static bool parse_hex(const char *s, uint64_t *ret, size_t *bad)
{
	uint64_t v = 0;
	size_t i = 2, digits = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
		*bad = s[0] == '0' ? 1 : 0;
		return false;
	}
	for (;; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (v >> 60) {                  /* a 17th significant digit */
			*bad = i;
			return false;
		}
		v = v << 4 | d;
		digits++;
	}
	if (!digits || (s[i] == '\n' ? s[i + 1] != '\0' : s[i] != '\0')) {
		*bad = digits && s[i] == '\n' ? i + 1 : i;
		return false;
	}
	*ret = v;
	return true;
}

int kx_e820_from_memmap(const struct kx_memmap_entry *v, size_t n, struct kx_e820 *ret,
			struct kx_err *err)
{
	struct kx_e820 m = { 0 };

	if (n == 0)
		return kx_err_set(err, -ENOENT, "the firmware memory map has no entries: is "
				  "/sys/firmware/memmap there (CONFIG_FIRMWARE_MEMMAP)?");
	for (size_t i = 0; i < n; i++) {
		uint64_t start, end;
		uint32_t type;
		size_t bad = 0, len;
		int r;

		if (!v[i].start || !v[i].end || !v[i].type) {
			kx_e820_free(&m);
			return kx_err_set(err, -EINVAL, "memmap entry %zu lacks its start, end or type",
					  i);
		}
		if (!parse_hex(v[i].start, &start, &bad) || !parse_hex(v[i].end, &end, &bad)) {
			const char *field = parse_hex(v[i].start, &start, &len) ? "end" : "start";

			kx_e820_free(&m);
			return kx_err_at(err, -EBADMSG, bad, "/sys/firmware/memmap/%zu/%s is not "
					 "\"0x<hex>\": bad character at offset %zu", i, field, bad);
		}
		if (start > end) {
			kx_e820_free(&m);
			return kx_err_set(err, -EBADMSG, "/sys/firmware/memmap/%zu ends (0x%llx) before it "
					  "starts (0x%llx)", i, (unsigned long long)end,
					  (unsigned long long)start);
		}
		len = strlen(v[i].type);
		if (len && v[i].type[len - 1] == '\n')
			len--;
		type = type_from_name_len(v[i].type, len);
		if (!type)      /* "Unknown E820 type" and anything newer: keep the next kernel off it */
			type = KX_E820_RESERVED;
		r = add_or_fail(&m, start, end, type, err);
		if (r < 0) {
			kx_e820_free(&m);
			return r;
		}
	}
	return finish(&m, ret, err);
}

/* ---- the capture kernel's map ------------------------------------------------------------ */

static bool is_acpi(const struct kx_iomem_node *n)
{
	return kx_e820_type_from_name(n->name) == KX_E820_ACPI;
}

static bool is_nvs(const struct kx_iomem_node *n)
{
	return kx_e820_type_from_name(n->name) == KX_E820_NVS;
}

static bool is_reserved(const struct kx_iomem_node *n)
{
	return kx_e820_type_from_name(n->name) == KX_E820_RESERVED;
}

static int add_firmware(struct kx_e820 *m, const struct kx_iomem *iomem, struct kx_err *err)
{
	static const struct {
		node_pred pred;
		uint32_t type;
	} kinds[] = {
		{ is_acpi, KX_E820_ACPI },
		{ is_nvs, KX_E820_NVS },
		{ is_reserved, KX_E820_RESERVED },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t i = 0; i < iomem->n; i++) {
			const struct kx_iomem_node *n = &iomem->nodes[i];
			int r;

			if (!kinds[k].pred(n) || ancestor_matches(iomem, i, kinds[k].pred))
				continue;
			r = add_or_fail(m, n->start, n->end, kinds[k].type, err);
			if (r < 0)
				return r;
		}
	return 0;
}

static bool is_ram(const struct kx_iomem_node *n)
{
	return kx_iomem_is_system_ram(n);
}

static int add_low_ram(struct kx_e820 *m, const struct kx_iomem *iomem, struct kx_err *err)
{
	for (size_t i = 0; i < iomem->n; i++) {
		const struct kx_iomem_node *n = &iomem->nodes[i];
		int r;

		if (n->start >= FIRST_MIB || !is_ram(n) || ancestor_matches(iomem, i, is_ram))
			continue;
		r = add_or_fail(m, n->start, n->end < FIRST_MIB ? n->end : FIRST_MIB - 1,
				KX_E820_RAM, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* One crash range as RAM, minus the excluded ranges, without pieces smaller than a page. */
static int add_crash_range(struct kx_e820 *m, const struct kx_crash_range *c,
			   const struct kx_ranges *exclude, struct kx_err *err)
{
	struct kx_ranges left = { 0 };
	int r = kx_ranges_add(&left, c->start, c->end);

	for (size_t i = 0; r == 0 && exclude && i < exclude->n; i++)
		r = kx_ranges_subtract(&left, exclude->r[i].start, exclude->r[i].end);
	if (r < 0) {
		kx_ranges_free(&left);
		return kx_err_set(err, r, "out of memory splitting the crash range %llx-%llx",
				  (unsigned long long)c->start, (unsigned long long)c->end);
	}
	for (size_t i = 0; r == 0 && i < left.n; i++)
		if (kx_range_size(&left.r[i]) >= PAGE_SIZE)
			r = add_or_fail(m, left.r[i].start, left.r[i].end, KX_E820_RAM, err);
	kx_ranges_free(&left);
	return r;
}

int kx_e820_capture(const struct kx_iomem *iomem, const struct kx_crashmem *cm,
		    const struct kx_ranges *exclude, struct kx_e820 *ret, struct kx_err *err)
{
	struct kx_e820 m = { 0 };
	int r = check_iomem(iomem, err);

	if (r < 0)
		return r;
	if (cm->main < 0)
		return kx_err_set(err, -ENOENT, "no memory is reserved for a crash kernel: boot with "
				  "crashkernel=256M (or larger) on the kernel command line");
	r = add_low_ram(&m, iomem, err);
	if (r == 0)
		r = add_firmware(&m, iomem, err);
	for (size_t i = 0; r == 0 && i < cm->ncrash; i++)
		r = add_crash_range(&m, &cm->crash[i], exclude, err);
	if (r < 0) {
		kx_e820_free(&m);
		return r;
	}
	return finish(&m, ret, err);
}
