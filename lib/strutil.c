// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "strutil.h"

static int is_print(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

char *kx_escape(const void *data, size_t len, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t o = 0;

	if (!size)
		return buf;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		char tmp[4];
		size_t n;

		if (c == '\\') {
			tmp[0] = '\\';
			tmp[1] = '\\';
			n = 2;
		} else if (is_print(c)) {
			tmp[0] = (char)c;
			n = 1;
		} else {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[c >> 4];
			tmp[3] = hex[c & 0xf];
			n = 4;
		}
		if (o + n >= size)
			break;
		memcpy(buf + o, tmp, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

char *kx_safe_filename(const void *name, size_t len, unsigned index, char *buf, size_t size)
{
	const unsigned char *p = name;
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < size; i++) {
		unsigned char c = p[i];

		if (!is_print(c) || c == '/' || c == ' ' || c == '\\')
			c = '_';
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	if (o == 0)
		snprintf(buf, size, "dump%u", index);
	else if (buf[0] == '.')
		buf[0] = '_';
	return buf;
}

int kx_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
