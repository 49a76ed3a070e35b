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
