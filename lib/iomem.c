// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iomem.h"
#include "strutil.h"

/* Up to 16 hex digits at *p; advances *p.  -1 when there are none or too many. */
static int parse_hex(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;
	unsigned digits = 0;
	int d;

	while (s < end && (d = kx_hexval(*s)) >= 0) {
		if (++digits > 16)
			return -1;
		v = v << 4 | (unsigned)d;
		s++;
	}
	if (!digits)
		return -1;
	*p = s;
	*ret = v;
	return 0;
}

static int grow(struct kx_iomem *m, size_t *cap)
{
	struct kx_iomem_node *nodes;
	size_t c = *cap ? *cap * 2 : 64;

	if (m->n >= KX_IOMEM_MAX_NODES)
		return -E2BIG;
	if (c > KX_IOMEM_MAX_NODES)
		c = KX_IOMEM_MAX_NODES;
	nodes = realloc(m->nodes, c * sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	m->nodes = nodes;
	*cap = c;
	return 0;
}

/* One line (without its newline) into a node; the name is NUL-terminated in place. */
static int parse_line(char *line, char *end, unsigned lineno, uint64_t off, int *stack,
		      struct kx_iomem *m, struct kx_err *err)
{
	const char *p = line;
	struct kx_iomem_node nd = { .line = lineno };
	unsigned spaces = 0;

	while (p < end && *p == ' ')
		p++, spaces++;
	if (spaces % 2)
		return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: odd indentation "
				 "(%u spaces)", lineno, spaces);
	nd.depth = spaces / 2;
	if (nd.depth > KX_IOMEM_MAX_DEPTH)
		return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: nested %u levels deep "
				 "(at most %u)", lineno, nd.depth, KX_IOMEM_MAX_DEPTH);
	if (parse_hex(&p, end, &nd.start) < 0 || p >= end || *p++ != '-' ||
	    parse_hex(&p, end, &nd.end) < 0)
		return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: expected "
				 "\"START-END : NAME\" with hex addresses of at most 16 digits",
				 lineno);
	if (end - p < 3 || memcmp(p, " : ", 3) != 0)
		return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: expected \" : \" and a "
				 "name after the address range", lineno);
	p += 3;
	if (nd.start > nd.end)
		return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: range %llx-%llx ends "
				 "before it starts", lineno, (unsigned long long)nd.start,
				 (unsigned long long)nd.end);
	if (memchr(p, '\0', (size_t)(end - p)))
		return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: NUL byte in the name",
				 lineno);
	*end = '\0';
	nd.name = p;

	if (nd.depth == 0) {
		nd.parent = -1;
	} else {
		const struct kx_iomem_node *parent;

		if (m->n == 0 || nd.depth > m->nodes[m->n - 1].depth + 1)
			return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: indented %u "
					 "levels but the line before is at level %u", lineno,
					 nd.depth, m->n ? m->nodes[m->n - 1].depth : 0);
		nd.parent = stack[nd.depth - 1];
		parent = &m->nodes[nd.parent];
		if (nd.start < parent->start || nd.end > parent->end)
			return kx_err_at(err, -EBADMSG, off, "/proc/iomem line %u: %llx-%llx is not "
					 "inside its parent %llx-%llx (line %u)", lineno,
					 (unsigned long long)nd.start, (unsigned long long)nd.end,
					 (unsigned long long)parent->start,
					 (unsigned long long)parent->end, parent->line);
	}
	stack[nd.depth] = (int)m->n;
	m->nodes[m->n++] = nd;
	return 0;
}

int kx_iomem_parse(const char *buf, size_t len, struct kx_iomem *ret, struct kx_err *err)
{
	struct kx_iomem m = { 0 };
	int stack[KX_IOMEM_MAX_DEPTH + 1];
	size_t cap = 0;
	unsigned lineno = 0;
	bool all_zero = true;
	char *p, *end;
	int r = 0;

	m.text = malloc(len + 1);
	if (!m.text)
		return kx_err_set(err, -ENOMEM, "out of memory for /proc/iomem (%zu bytes)", len);
	if (len)
		memcpy(m.text, buf, len);
	m.text[len] = '\0';
	p = m.text;
	end = m.text + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;

		lineno++;
		if (m.n == cap) {
			r = grow(&m, &cap);
			if (r == -E2BIG) {
				r = kx_err_at(err, -EBADMSG, (uint64_t)(p - m.text), "/proc/iomem has "
					      "more than %u lines", KX_IOMEM_MAX_NODES);
				break;
			}
			if (r < 0) {
				kx_err_set(err, r, "out of memory parsing /proc/iomem");
				break;
			}
		}
		r = parse_line(p, eol, lineno, (uint64_t)(p - m.text), stack, &m, err);
		if (r < 0)
			break;
		if (m.nodes[m.n - 1].start || m.nodes[m.n - 1].end)
			all_zero = false;
		p = nl ? nl + 1 : end;
	}
	if (r < 0) {
		kx_iomem_free(&m);
		return r;
	}
	m.hidden = m.n > 0 && all_zero;
	*ret = m;
	return 0;
}

void kx_iomem_free(struct kx_iomem *m)
{
	free(m->nodes);
	free(m->text);
	*m = (struct kx_iomem){ 0 };
}

bool kx_iomem_is_system_ram(const struct kx_iomem_node *n)
{
	return !strcmp(n->name, "System RAM") || !strncmp(n->name, "System RAM (", 12);
}
