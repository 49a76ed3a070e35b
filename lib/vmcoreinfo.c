// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmcoreinfo.h"

int kx_vmcoreinfo_get(const char *text, size_t len, const char *key, char *ret, size_t size)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t linelen = (size_t)(eol - p);

		/* the note may carry a trailing NUL: a line ends there too */
		const char *nul = memchr(p, '\0', linelen);
		if (nul)
			linelen = (size_t)(nul - p);
		if (linelen > klen && p[klen] == '=' && !memcmp(p, key, klen)) {
			size_t vlen = linelen - klen - 1;

			if (vlen + 1 > size)
				return -ENOBUFS;
			memcpy(ret, p + klen + 1, vlen);
			ret[vlen] = '\0';
			return 0;
		}
		if (nul)
			break;
		p = eol + 1;
	}
	return -ENOENT;
}

int kx_vmcoreinfo_get_u64(const char *text, size_t len, const char *key, int base, uint64_t *ret)
{
	char val[64], *e;
	unsigned long long v;
	int r;

	r = kx_vmcoreinfo_get(text, len, key, val, sizeof(val));
	if (r < 0)
		return r;
	if (base == 0)
		/* the kernel prints SYMBOL() and KERNELOFFSET with %lx; some NUMBER()s with 0x%llx */
		base = !strncmp(key, "SYMBOL(", 7) || !strcmp(key, "KERNELOFFSET") ||
		       !strncmp(val, "0x", 2) ? 16 : 10;
	if (!val[0] || val[0] == '-' || val[0] == '+' || val[0] == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(val, &e, base);
	if (errno || *e)
		return -EINVAL;
	*ret = v;
	return 0;
}

int kx_vmcoreinfo_get_i64(const char *text, size_t len, const char *key, int64_t *ret)
{
	char val[64], *e;
	long long v;
	int r;

	r = kx_vmcoreinfo_get(text, len, key, val, sizeof(val));
	if (r < 0)
		return r;
	if (!val[0] || val[0] == ' ' || val[0] == '+')
		return -EINVAL;
	errno = 0;
	v = strtoll(val, &e, strncmp(val, "0x", 2) && strncmp(val, "-0x", 3) ? 10 : 16);
	if (errno || *e)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* ---- reading the note from a vmcore (the includes stay here, next to their only user) ---- */
#include "err.h"
#include "notes.h"
#include "vmcore.h"

int kx_vmcoreinfo_read(struct kx_vmcore *v, char **ret, size_t *ret_len, struct kx_err *err)
{
	struct kx_note_iter it;
	struct kx_note n;
	struct kx_err walk;
	char *text;
	int r;

	kx_err_clear(&walk);
	kx_note_iter_init(&it, v);
	while ((r = kx_note_iter_next(&it, &n, &walk)) != 0) {
		if (r < 0)
			continue;       /* a damaged note: the walk goes on with the next segment */
		if (!kx_note_is_vmcoreinfo(&n))
			continue;
		if (n.descsz > KX_VMCOREINFO_MAX)
			return kx_err_at(err, -EFBIG, n.offset, "the VMCOREINFO note is %u bytes, more "
					 "than the %d a kernel writes", n.descsz, KX_VMCOREINFO_MAX);
		text = malloc((size_t)n.descsz + 1);
		if (!text)
			return kx_err_set(err, -ENOMEM, "out of memory");
		r = kx_vmcore_pread(v, text, n.descsz, n.desc_offset, err);
		if (r < 0) {
			free(text);
			return r;
		}
		text[n.descsz] = '\0';
		*ret = text;
		*ret_len = n.descsz;
		return 0;
	}
	if (walk.code && walk.has_offset)
		return kx_err_at(err, -ENOENT, walk.offset, "no VMCOREINFO note found, and the notes "
				 "are damaged: %s", walk.msg);
	if (walk.code)
		return kx_err_set(err, -ENOENT, "no VMCOREINFO note found, and the notes are damaged: "
				  "%s", walk.msg);
	return kx_err_set(err, -ENOENT, "the vmcore has no VMCOREINFO note, which names the kernel "
			  "log (a dump of a kernel without CONFIG_CRASH_CORE, or not a Linux vmcore?)");
}
