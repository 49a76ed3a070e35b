// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The next parameter at or after *pos: [*ret_start, *ret_end).  false at the end. */
static bool next_param(const char *s, size_t *pos, size_t *ret_start, size_t *ret_end)
{
	size_t i = *pos;
	bool quoted = false;

	while (s[i] && is_space(s[i]))
		i++;
	if (!s[i])
		return false;
	*ret_start = i;
	for (; s[i]; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && is_space(s[i]))
			break;
	}
	*ret_end = i;
	*pos = i;
	return true;
}

/* Does the parameter in [start, end) have this name (before '=', a leading quote skipped)? */
static bool param_is(const char *s, size_t start, size_t end, const char *name)
{
	size_t n = strlen(name);

	if (s[start] == '"')
		start++;
	if (end - start < n || memcmp(s + start, name, n) != 0)
		return false;
	return start + n == end || s[start + n] == '=' || s[start + n] == '"';
}

static bool is_dashdash(const char *s, size_t start, size_t end)
{
	return end - start == 2 && s[start] == '-' && s[start + 1] == '-';
}

int kx_cmdline_reuse(const char *proc_cmdline, bool crash, char **ret, struct kx_err *err)
{
	size_t len = strlen(proc_cmdline), pos = 0, start, end, out = 0;
	bool kernel_params = true;
	char *buf;

	if (len > KX_CMDLINE_MAX)
		return kx_err_set(err, -E2BIG, "/proc/cmdline is %zu bytes, longer than any kernel "
				  "command line (%u)", len, KX_CMDLINE_MAX);
	buf = malloc(len + 1);
	if (!buf)
		return kx_err_set(err, -ENOMEM, "out of memory");
	while (next_param(proc_cmdline, &pos, &start, &end)) {
		if (kernel_params) {
			if (is_dashdash(proc_cmdline, start, end))
				kernel_params = false;
			else if (param_is(proc_cmdline, start, end, "BOOT_IMAGE") ||
				 (crash && param_is(proc_cmdline, start, end, "crashkernel")))
				continue;
		}
		if (out)
			buf[out++] = ' ';
		memcpy(buf + out, proc_cmdline + start, end - start);
		out += end - start;
	}
	buf[out] = '\0';
	*ret = buf;
	return 0;
}

int kx_cmdline_join(const char *const *parts, size_t nparts, char **ret, struct kx_err *err)
{
	size_t total = 0, out = 0;
	char *buf;

	for (size_t i = 0; i < nparts; i++) {
		if (!parts[i] || !*parts[i])
			continue;
		total += strlen(parts[i]) + 1;
		if (total > KX_CMDLINE_MAX + 1)
			return kx_err_set(err, -E2BIG, "the command line would be longer than %u bytes",
					  KX_CMDLINE_MAX);
	}
	buf = malloc(total + 1);
	if (!buf)
		return kx_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < nparts; i++) {
		size_t n;

		if (!parts[i] || !*parts[i])
			continue;
		if (out)
			buf[out++] = ' ';
		n = strlen(parts[i]);
		memcpy(buf + out, parts[i], n);
		out += n;
	}
	buf[out] = '\0';
	*ret = buf;
	return 0;
}

bool kx_cmdline_has_param(const char *cmdline, const char *name)
{
	size_t pos = 0, start, end;

	while (next_param(cmdline, &pos, &start, &end)) {
		if (is_dashdash(cmdline, start, end))
			return false;
		if (param_is(cmdline, start, end, name))
			return true;
	}
	return false;
}
