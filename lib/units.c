// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

/* Decimal, or hex with 0x: a leading zero is not octal ("010" is ten). */
static int base_of(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
}

int kx_parse_u64(const char *s, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base_of(s));
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int kx_parse_size(const char *s, uint64_t *ret_bytes)
{
	static const char suffixes[] = "KMGTPE";
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base_of(s));
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		const char *p = strchr(suffixes, toupper((unsigned char)*end));

		if (!p)
			return -EINVAL;
		shift = 10 * (unsigned)(p - suffixes + 1);
		end++;
		if (!strcasecmp(end, "iB") || !strcasecmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret_bytes = (uint64_t)v << shift;
	return 0;
}

char *kx_format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned i = 0;

	while (i < 6 && bytes >= (1ULL << (10 * (i + 1))))
		i++;
	if (i == 0 || (bytes & ((1ULL << (10 * i)) - 1)) == 0) {
		snprintf(buf, size, "%llu %s", (unsigned long long)(bytes >> (10 * i)), units[i]);
	} else {
		/* one decimal, rounded down so that "1.9 GiB" never claims more than there is */
		unsigned long long whole = bytes >> (10 * i);
		unsigned long long tenths = ((bytes - (whole << (10 * i))) * 10) >> (10 * i);

		snprintf(buf, size, "%llu.%llu %s", whole, tenths, units[i]);
	}
	return buf;
}
