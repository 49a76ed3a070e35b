// SPDX-License-Identifier: GPL-2.0-or-later
/* Device-dump budgets: SPEC and device-dump.conf parsing, and budgeting a list of devices. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devdump.h"
#include "units.h"

bool kx_dd_pci_normalize(const char *s, char ret[16])
{
	/* DDDD:BB:DD.F or BB:DD.F; the function is one octal digit, the device < 0x20 */
	unsigned dom = 0, bus, dev, fn;
	int n = -1;
	char out[16];

	if (strlen(s) == 12) {
		if (sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) != 4 || n != 12)
			return false;
	} else if (strlen(s) == 7) {
		if (sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) != 3 || n != 7)
			return false;
	} else {
		return false;
	}
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return false;
	if (dev > 0x1f || fn > 7)
		return false;
	snprintf(out, sizeof(out), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	memcpy(ret, out, sizeof(out));
	return true;
}

static bool is_driver_name(const char *s)
{
	if (!*s || strlen(s) >= KX_DD_MATCH_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* One MATCH and SIZE into a rule; what is wrong as a sentence fragment in why. */
static int make_rule(const char *match, const char *size, unsigned line, struct kx_dd_rule *ret,
		     const char **why)
{
	struct kx_dd_rule r = { .line = line };
	char pci[16];

	if (kx_dd_pci_normalize(match, pci)) {
		r.is_pci = true;
		snprintf(r.match, sizeof(r.match), "%s", pci);
	} else if (strchr(match, ':')) {
		*why = "is not a PCI address (DDDD:BB:DD.F)";
		return -EINVAL;
	} else if (is_driver_name(match)) {
		snprintf(r.match, sizeof(r.match), "%s", match);
	} else {
		*why = "is not a driver name (letters, digits, '_', '-') or a PCI address";
		return -EINVAL;
	}
	if (kx_parse_size(size, &r.size) < 0) {
		*why = "has a size that is not one (like 512K, 32M, 1G)";
		return -EINVAL;
	}
	*ret = r;
	return 0;
}

static int add_rule(struct kx_dd_rule **rules, size_t *n, const struct kx_dd_rule *r)
{
	struct kx_dd_rule *nr;

	if (*n >= KX_DD_MAX_RULES)
		return -E2BIG;
	nr = realloc(*rules, (*n + 1) * sizeof(**rules));
	if (!nr)
		return -ENOMEM;
	nr[(*n)++] = *r;
	*rules = nr;
	return 0;
}

int kx_dd_spec_parse(const char *s, struct kx_dd_spec *ret, struct kx_err *err)
{
	struct kx_dd_spec sp = { 0 };
	char *copy, *save = NULL;
	int r = 0;

	if (!strcmp(s, "auto") || !strcmp(s, "none")) {
		*ret = (struct kx_dd_spec){ .kind = s[0] == 'a' ? KX_DD_AUTO : KX_DD_NONE };
		return 0;
	}
	if (!strchr(s, '=')) {
		if (kx_parse_size(s, &sp.total) < 0)
			return kx_err_set(err, -EINVAL, "--device-dump-budget=%s: not auto, none, a "
					  "size (like 64M) or MATCH=SIZE,...", s);
		sp.kind = KX_DD_TOTAL;
		*ret = sp;
		return 0;
	}
	copy = strdup(s);
	if (!copy)
		return kx_err_set(err, -ENOMEM, "out of memory");
	sp.kind = KX_DD_LIST;
	for (char *item = strtok_r(copy, ",", &save); item && r == 0;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		const char *why = "";
		struct kx_dd_rule rule;

		if (!eq) {
			r = kx_err_set(err, -EINVAL, "--device-dump-budget: '%s' is not MATCH=SIZE",
				       item);
			break;
		}
		*eq = '\0';
		if (make_rule(item, eq + 1, 0, &rule, &why) < 0) {
			r = kx_err_set(err, -EINVAL, "--device-dump-budget: '%s=%s': '%s' %s", item,
				       eq + 1, strstr(why, "size") ? eq + 1 : item,
				       strstr(why, "size") ? "is not a size (like 512K, 32M, 1G)"
							   : why);
			break;
		}
		for (size_t i = 0; i < sp.n && r == 0; i++)
			if (!strcmp(sp.rules[i].match, rule.match))
				r = kx_err_set(err, -EINVAL, "--device-dump-budget: %s is given twice",
					       rule.match);
		if (r == 0 && add_rule(&sp.rules, &sp.n, &rule) < 0)
			r = kx_err_set(err, -E2BIG, "--device-dump-budget: more than %d entries",
				       KX_DD_MAX_RULES);
	}
	/* strtok_r skips empty items: "a=1M,,b=2M" and a trailing ',' are mistakes too */
	if (r == 0 && (strstr(s, ",,") || s[0] == ',' || s[strlen(s) - 1] == ','))
		r = kx_err_set(err, -EINVAL, "--device-dump-budget=%s: an empty entry", s);
	if (r == 0 && sp.n == 0)
		r = kx_err_set(err, -EINVAL, "--device-dump-budget=%s: no MATCH=SIZE", s);
	free(copy);
	if (r < 0) {
		kx_dd_spec_free(&sp);
		return r;
	}
	*ret = sp;
	return 0;
}

void kx_dd_spec_free(struct kx_dd_spec *s)
{
	free(s->rules);
	s->rules = NULL;
	s->n = 0;
}

int kx_dd_conf_parse(const char *text, const char *name, struct kx_dd_conf *ret,
		     struct kx_err *err)
{
	struct kx_dd_conf c = { 0 };
	const char *p = text;
	unsigned line = 0;
	int r = 0;

	while (*p && r == 0) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[512], *hash, *w[3] = { NULL, NULL, NULL }, *save = NULL;
		unsigned nw = 0;

		line++;
		if (len >= sizeof(buf)) {
			r = kx_err_set(err, -EINVAL, "%s:%u: line longer than %zu bytes", name, line,
				       sizeof(buf) - 1);
			break;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (nl ? 1 : 0);
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		for (char *t = strtok_r(buf, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
			if (nw < 3)
				w[nw] = t;
			nw++;
		}
		if (nw == 0)
			continue;
		if (nw != 2) {
			r = kx_err_set(err, -EINVAL, "%s:%u: expected \"DRIVER SIZE\", \"PCI-ADDRESS "
				       "SIZE\" or \"default SPEC\", got %u words", name, line, nw);
			break;
		}
		if (!strcmp(w[0], "default")) {
			struct kx_err e;

			kx_err_clear(&e);
			if (c.has_default) {
				r = kx_err_set(err, -EINVAL, "%s:%u: a second \"default\" line", name,
					       line);
				break;
			}
			if (kx_dd_spec_parse(w[1], &c.def, &e) < 0) {
				r = kx_err_set(err, -EINVAL, "%s:%u: %s", name, line, e.msg);
				break;
			}
			c.has_default = true;
			snprintf(c.def_text, sizeof(c.def_text), "%s", w[1]);
		} else {
			struct kx_dd_rule rule;
			const char *why = "";

			if (make_rule(w[0], w[1], line, &rule, &why) < 0) {
				r = kx_err_set(err, -EINVAL, "%s:%u: '%s %s' %s", name, line, w[0],
					       w[1], why);
				break;
			}
			for (size_t i = 0; i < c.n && r == 0; i++)
				if (!strcmp(c.rules[i].match, rule.match))
					r = kx_err_set(err, -EINVAL, "%s:%u: %s is already on line %u",
						       name, line, rule.match, c.rules[i].line);
			if (r == 0 && add_rule(&c.rules, &c.n, &rule) < 0)
				r = kx_err_set(err, -E2BIG, "%s:%u: more than %d entries", name, line,
					       KX_DD_MAX_RULES);
		}
	}
	if (r < 0) {
		kx_dd_conf_free(&c);
		return r;
	}
	*ret = c;
	return 0;
}

void kx_dd_conf_free(struct kx_dd_conf *c)
{
	free(c->rules);
	kx_dd_spec_free(&c->def);
	memset(c, 0, sizeof(*c));
}

bool kx_dd_needs_devices(const struct kx_dd_spec *s, const struct kx_dd_conf *c)
{
	return (s->kind == KX_DD_AUTO && c->n) || s->kind == KX_DD_LIST;
}

static bool rule_matches(const struct kx_dd_rule *r, const struct kx_dd_device *d)
{
	return r->is_pci ? !strcmp(r->match, d->pci) : !strcmp(r->match, d->driver);
}

/* "cxgb4, virtio_net, ..." of the bound drivers, for a message. */
static void driver_names(const struct kx_dd_device *devs, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 1 < size; i++) {
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(devs[k].driver, devs[i].driver);
		if (seen)
			continue;
		int w = snprintf(buf + o, size - o, "%s%s", o ? ", " : "", devs[i].driver);

		if (w < 0 || (size_t)w >= size - o) {
			snprintf(buf + (size > 4 ? size - 4 : 0), size > 4 ? 4 : size, "...");
			return;
		}
		o += (size_t)w;
	}
	if (!o)
		snprintf(buf, size, "none");
}

int kx_dd_resolve(const struct kx_dd_spec *s, const struct kx_dd_conf *c,
		  const struct kx_dd_device *devs, size_t ndevs, struct kx_dd_budget *ret,
		  struct kx_err *err)
{
	struct kx_dd_budget b = { .kind = s->kind };
	const struct kx_dd_rule *rules = s->kind == KX_DD_LIST ? s->rules : c->rules;
	size_t nrules = s->kind == KX_DD_LIST ? s->n : c->n;

	if (s->kind == KX_DD_NONE || s->kind == KX_DD_TOTAL) {
		b.total = s->kind == KX_DD_TOTAL ? s->total : 0;
		*ret = b;
		return 0;
	}
	if (ndevs > KX_DD_MAX_DEVICES)
		ndevs = KX_DD_MAX_DEVICES;
	b.items = calloc(ndevs ? ndevs : 1, sizeof(*b.items));
	if (!b.items)
		return kx_err_set(err, -ENOMEM, "out of memory");
	/* a device takes the first rule naming its PCI address, else the one naming its driver */
	for (size_t i = 0; i < ndevs; i++) {
		const struct kx_dd_rule *hit = NULL;

		for (size_t k = 0; k < nrules && !hit; k++)
			if (rules[k].is_pci && rule_matches(&rules[k], &devs[i]))
				hit = &rules[k];
		for (size_t k = 0; k < nrules && !hit; k++)
			if (!rules[k].is_pci && rule_matches(&rules[k], &devs[i]))
				hit = &rules[k];
		if (!hit)
			continue;
		b.items[b.n++] = (struct kx_dd_item){ .dev = devs[i], .size = hit->size };
		if (b.total + hit->size < b.total) {
			free(b.items);
			return kx_err_set(err, -ERANGE, "device-dump budgets add up past 64 bits");
		}
		b.total += hit->size;
	}
	if (s->kind == KX_DD_LIST) {
		for (size_t k = 0; k < nrules; k++) {
			bool any = false;
			char names[256];

			for (size_t i = 0; i < ndevs && !any; i++)
				any = rule_matches(&rules[k], &devs[i]);
			if (any)
				continue;
			driver_names(devs, ndevs, names, sizeof(names));
			free(b.items);
			if (rules[k].is_pci)
				return kx_err_set(err, -ENODEV, "--device-dump-budget: no device with "
						  "a driver at PCI address %s", rules[k].match);
			return kx_err_set(err, -ENODEV, "--device-dump-budget: no device is bound "
					  "to a driver named '%s' (bound drivers: %s)",
					  rules[k].match, names);
		}
	}
	*ret = b;
	return 0;
}

void kx_dd_budget_free(struct kx_dd_budget *b)
{
	free(b->items);
	memset(b, 0, sizeof(*b));
}

char *kx_dd_device_label(const struct kx_dd_device *d, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", d->driver, d->pci[0] ? d->pci : d->netdev[0] ? d->netdev
										: d->sysname);
	return buf;
}

int kx_dd_cmdline_parse(const char *cmdline, unsigned *ret_count, uint64_t *ret_bytes)
{
	const char *p = cmdline;
	bool found = false, bad = false;
	unsigned long long count = 0, bytes = 0;

	while (*p) {
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		end = p;
		while (*end && *end != ' ' && *end != '\t' && *end != '\n')
			end++;
		if ((size_t)(end - p) >= 9 && !strncmp(p, "kexec_dd=", 9)) {
			char v[64], *e1, *e2;
			size_t len = (size_t)(end - p) - 9;

			found = true;
			bad = len >= sizeof(v);
			if (!bad) {
				memcpy(v, p + 9, len);
				v[len] = '\0';
				errno = 0;
				count = strtoull(v, &e1, 10);
				bad = e1 == v || *e1 != ':' || !isdigit((unsigned char)e1[1]);
				if (!bad) {
					bytes = strtoull(e1 + 1, &e2, 10);
					bad = *e2 || errno || count > KX_DD_MAX_DEVICES;
				}
			}
		}
		p = end;
	}
	if (!found)
		return 0;
	if (bad)
		return -EINVAL;
	*ret_count = (unsigned)count;
	*ret_bytes = bytes;
	return 1;
}
