// SPDX-License-Identifier: GPL-2.0-or-later
/* Device-dump budgets and the capture memory model of a crash load. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "output.h"
#include "plan.h"
#include "udevdev.h"
#include "units.h"

#define CONF_MAX (1u << 20)
#define MiB (UINT64_C(1) << 20)
/* device labels in a refusal message before "and N more" */
#define MSG_MAX_DEVICES 8

static int read_conf(const char *path, bool must_exist, char **ret, struct kx_err *err)
{
	size_t len;
	char *buf;
	int r = kx_read_small_file(AT_FDCWD, path, NULL, CONF_MAX, KX_READ_REGULAR, &buf, &len, err);

	if (r == -ENOENT && !must_exist) {
		kx_err_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	if (memchr(buf, '\0', len)) {
		free(buf);
		return kx_err_set(err, -EINVAL, "%s: not a text file (it has NUL bytes)", path);
	}
	*ret = buf;
	return 1;
}

static int append_param(struct kexec_plan *p, const char *param, struct kx_err *err)
{
	size_t n = strlen(p->cmdline), add = strlen(param);
	char *s = realloc(p->cmdline, n + add + 2);

	if (!s)
		return kx_err_set(err, -ENOMEM, "out of memory");
	if (n)
		s[n++] = ' ';
	memcpy(s + n, param, add + 1);
	p->cmdline = s;
	p->cmdline_len = n + add + 1;
	return 0;
}

int budget_resolve(const struct kexec_ctx *c, struct kexec_plan *p, struct kx_err *err)
{
	const struct kexec_opts *o = c->o;
	struct kexec_budget *b = &p->budget;
	struct kx_dd_conf conf = { 0 };
	struct kx_dd_spec spec = { 0 };
	struct kx_dd_device *devs = NULL;
	const char *path = o->dd_conf;
	size_t ndevs = 0;
	char *text = NULL;
	int r;

	b->active = true;
	if (!path || !*path)
		path = getenv("KEXEC_DEVICE_DUMP_CONF");
	snprintf(b->conf_path, sizeof(b->conf_path), "%s", path && *path ? path
				 : KX_DD_CONF_DEFAULT);
	r = read_conf(b->conf_path, path && *path, &text, err);
	if (r < 0)
		return r;
	b->conf_found = r > 0;
	if (text) {
		r = kx_dd_conf_parse(text, b->conf_path, &conf, err);
		free(text);
		if (r < 0)
			return r;
	}

	if (o->dd_spec) {
		r = kx_dd_spec_parse(o->dd_spec, &spec, err);
		snprintf(b->spec, sizeof(b->spec), "%s", o->dd_spec);
		b->spec_from = "--device-dump-budget";
	} else if (conf.has_default) {
		r = kx_dd_spec_parse(conf.def_text, &spec, err);
		snprintf(b->spec, sizeof(b->spec), "%s", conf.def_text);
		b->spec_from = b->conf_path;
	} else {
		spec.kind = KX_DD_AUTO;
		snprintf(b->spec, sizeof(b->spec), "auto");
		b->spec_from = b->conf_found ? b->conf_path : "default";
	}
	b->shown = o->dd_spec || b->conf_found;
	if (r == 0 && kx_dd_needs_devices(&spec, &conf)) {
		r = kx_udev_devices(&devs, &ndevs, err);
		for (size_t i = 0; r == 0 && i < ndevs; i++)
			kx_debug("device %s: driver %s, PCI %s, netdev %s", devs[i].sysname,
				    devs[i].driver, devs[i].pci[0] ? devs[i].pci : "-",
				    devs[i].netdev[0] ? devs[i].netdev : "-");
	}
	if (r == 0)
		r = kx_dd_resolve(&spec, &conf, devs, ndevs, &b->b, err);
	free(devs);
	kx_dd_spec_free(&spec);
	kx_dd_conf_free(&conf);
	if (r < 0)
		return r;
	if (b->shown && b->b.kind != KX_DD_NONE && p->crash) {
		snprintf(b->cmdline_param, sizeof(b->cmdline_param), "kexec_dd=%zu:%llu", b->b.n,
			 (unsigned long long)b->b.total);
		r = append_param(p, b->cmdline_param, err);
	}
	return r;
}

void budget_free(struct kexec_budget *b)
{
	kx_dd_budget_free(&b->b);
	memset(b, 0, sizeof(*b));
}

/* ---- the unpacked initrd ------------------------------------------------------------------ */

static const struct { const char *name; unsigned char magic[6]; size_t len; } compressors[] = {
	{ "gzip", { 0x1f, 0x8b }, 2 },
	{ "gzip", { 0x1f, 0x9e }, 2 },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6 },
	{ "bzip2", { 'B', 'Z', 'h' }, 3 },
	{ "lzma", { 0x5d, 0, 0 }, 3 },
	{ "lzo", { 0x89, 'L', 'Z', 'O' }, 4 },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4 },
};

static uint64_t hex8(const unsigned char *s, bool *ok)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++) {
		unsigned char ch = s[i];
		unsigned d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			   : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : 16;

		if (d == 16)
			*ok = false;
		v = v * 16 + (d & 15);
	}
	return v;
}

/* The first 4-byte aligned offset at or after off whose 4 bytes are not all zero, or size. */
static uint64_t skip_zeros(int fd, uint64_t off, uint64_t size)
{
	unsigned char buf[4096];

	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);

		if (n < 4)
			return size;
		for (ssize_t i = 0; i + 4 <= n; i += 4)
			if (buf[i] || buf[i + 1] || buf[i + 2] || buf[i + 3])
				return off + (uint64_t)i;
		off += (uint64_t)n & ~UINT64_C(3);
	}
	return size;
}

#define CPIO_HDR 110
#define CPIO_MAX_ENTRIES 4000000u
#define PAGE 4096u

int budget_initrd_unpacked(int fd, uint64_t size, uint64_t *ret, char *what, size_t what_size)
{
	uint64_t off = 0, total = 0, entries = 0;
	unsigned archives = 0;
	unsigned char h[CPIO_HDR];

	while (off < size) {
		ssize_t n = pread(fd, h, sizeof(h), (off_t)off);
		bool ok = true;

		if (n <= 0)
			break;
		/* zeros after an archive (the kernel skips them in 4-byte steps) */
		if (archives && (size_t)n >= 4 && !h[0] && !h[1] && !h[2] && !h[3]) {
			off = skip_zeros(fd, off, size);
			continue;
		}
		if ((size_t)n == sizeof(h) && (!memcmp(h, "070701", 6) || !memcmp(h, "070702", 6))) {
			uint64_t mode = hex8(h + 14, &ok), fsize = hex8(h + 54, &ok);
			uint64_t namesize = hex8(h + 94, &ok);
			char name[11] = "";

			if (!ok || namesize == 0 || namesize > 4096 || ++entries > CPIO_MAX_ENTRIES)
				break;
			if (namesize == 11 && pread(fd, name, 10, (off_t)(off + CPIO_HDR)) == 10 &&
			    !memcmp(name, "TRAILER!!!", 10))
				archives++;
			else if ((mode & 0170000) == 0100000)
				total += (fsize + PAGE - 1) / PAGE * PAGE;
			off += (CPIO_HDR + namesize + 3) / 4 * 4;
			off += (fsize + 3) / 4 * 4;
			continue;
		}
		for (size_t i = 0; i < sizeof(compressors) / sizeof(compressors[0]); i++) {
			if ((size_t)n < compressors[i].len ||
			    memcmp(h, compressors[i].magic, compressors[i].len))
				continue;
			total += (size - off) * BUDGET_INITRD_FACTOR;
			snprintf(what, what_size, "%s%s compressed: %s × %d", off ? "cpio + " : "",
				 compressors[i].name, off ? "the compressed part" : "its size",
				 BUDGET_INITRD_FACTOR);
			*ret = total;
			return 0;
		}
		break;
	}
	if (off >= size && archives) {
		snprintf(what, what_size, "uncompressed cpio: exact");
		*ret = total;
		return 0;
	}
	/* not an initramfs the kernel unpacks: it becomes a ramdisk of its own size */
	total += size > off ? size - off : 0;
	snprintf(what, what_size, "%s", off ? "cpio + unrecognized data: counted at its size"
					     : "not a cpio archive: counted at its size");
	*ret = total;
	return 0;
}

/* ---- the model ----------------------------------------------------------------------------- */

/* "63.6", "40", "0.1": MiB for a message */
static const char *mib(uint64_t v, char *buf, size_t size)
{
	if (v % MiB == 0)
		snprintf(buf, size, "%llu", (unsigned long long)(v / MiB));
	else if (v < MiB / 10)
		snprintf(buf, size, "0.1");
	else
		snprintf(buf, size, "%llu.%llu", (unsigned long long)(v / MiB),
			 (unsigned long long)(v % MiB * 10 / MiB));
	return buf;
}

void budget_model(const struct kexec_ctx *c, struct kexec_plan *p, char *msg, size_t size)
{
	struct kexec_budget *b = &p->budget;
	char s[10][32], devs[320] = "";
	size_t o = 0;

	(void)c;
	msg[0] = '\0';
	b->reserved = p->has_mem ? p->mem.crash_total : 0;
	b->kernel = b->initrd = b->boot_data = 0;
	for (size_t i = 0; i < p->segs.n; i++) {
		const struct kx_segment *g = &p->segs.seg[i];

		/* kexec_load copies only the image's bytes but keeps its init_size free */
		if (!strcmp(g->name, "kernel"))
			b->kernel += p->kload && p->fits ? p->kl.reserved_end - p->kl.reserved_start + 1
							 : g->memsz;
		else if (!strcmp(g->name, "initrd"))
			b->initrd += g->memsz;
		else
			b->boot_data += g->memsz;
	}
	if (p->has_initrd)
		budget_initrd_unpacked(p->initrd.fd, p->initrd.size, &b->initrd_unpacked,
				       b->initrd_format, sizeof(b->initrd_format));
	b->runtime = BUDGET_RUNTIME_ALLOWANCE;
	b->needed = b->kernel + b->initrd + b->boot_data + b->initrd_unpacked + b->runtime +
		    b->b.total;
	b->recommended = (b->needed + BUDGET_ROUND - 1) / BUDGET_ROUND * BUDGET_ROUND;
	b->fits = b->needed <= b->reserved;
	if (b->fits || !b->reserved)
		return;

	for (size_t i = 0; i < b->b.n && o < sizeof(devs); i++) {
		char label[128], v[32];
		int n;

		if (i == MSG_MAX_DEVICES) {
			snprintf(devs + o, sizeof(devs) - o, ", and %zu more", b->b.n - i);
			break;
		}
		n = snprintf(devs + o, sizeof(devs) - o, "%s%s %s", i ? ", " : "",
			     kx_dd_device_label(&b->b.items[i].dev, label, sizeof(label)),
			     mib(b->b.items[i].size, v, sizeof(v)));
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (b->b.kind == KX_DD_TOTAL && b->b.total)
		snprintf(devs, sizeof(devs), "--device-dump-budget=%s", b->spec);
	snprintf(msg, size, "the crash kernel reservation is %s MiB but this load needs %s MiB "
		 "(kernel %s%s%s%s%s + boot data %s + runtime %s + device dumps %s%s%s%s); boot with "
		 "crashkernel=%lluM, or pass a smaller --device-dump-budget= (none: no budget), "
		 "or --load-anyway to load all the same",
		 mib(b->reserved, s[0], 32), mib(b->needed, s[1], 32), mib(b->kernel, s[2], 32),
		 p->has_initrd ? " + initrd " : "", p->has_initrd ? mib(b->initrd, s[3], 32) : "",
		 p->has_initrd ? " + initrd unpacked " : "",
		 p->has_initrd ? mib(b->initrd_unpacked, s[4], 32) : "",
		 mib(b->boot_data, s[5], 32), mib(b->runtime, s[6], 32), mib(b->b.total, s[7], 32),
		 devs[0] ? " [" : "", devs, devs[0] ? "]" : "",
		 (unsigned long long)(b->recommended / MiB));
}

/* ---- output -------------------------------------------------------------------------------- */

static const char *kind_name(enum kx_dd_kind k)
{
	return k == KX_DD_AUTO ? "auto" : k == KX_DD_NONE ? "none" : k == KX_DD_TOTAL ? "total"
										: "list";
}

void budget_print_text(const struct kexec_budget *b, FILE *fp)
{
	char s[8][32];

	if (!b->shown)
		return;
	{
		fprintf(fp, "device dumps  %s (from %s): %zu device%s, %s%s%s\n", b->spec,
			b->spec_from, b->b.n, b->b.n == 1 ? "" : "s",
			kx_format_size(b->b.total, s[0], 32), b->cmdline_param[0] ? "; " : "",
			b->cmdline_param);
		if (b->b.n)
			fprintf(fp, "  %-16s  %-12s  %-16s  %s\n", "DRIVER", "PCI", "NETDEV", "BUDGET");
		for (size_t i = 0; i < b->b.n; i++) {
			const struct kx_dd_device *d = &b->b.items[i].dev;

			fprintf(fp, "  %-16s  %-12s  %-16s  %s\n", d->driver, d->pci[0] ? d->pci : "-",
				d->netdev[0] ? d->netdev : "-",
				kx_format_size(b->b.items[i].size, s[0], 32));
		}
	}
	fprintf(fp, "memory model  %s needed of %s reserved%s: kernel %s + initrd %s + initrd "
		"unpacked %s + boot data %s + runtime %s + device dumps %s; crashkernel=%lluM fits\n",
		kx_format_size(b->needed, s[0], 32), kx_format_size(b->reserved, s[1], 32),
		b->fits ? "" : " (TOO SMALL)", kx_format_size(b->kernel, s[2], 32),
		kx_format_size(b->initrd, s[3], 32), kx_format_size(b->initrd_unpacked, s[4], 32),
		kx_format_size(b->boot_data, s[5], 32), kx_format_size(b->runtime, s[6], 32),
		kx_format_size(b->b.total, s[7], 32), (unsigned long long)(b->recommended / MiB));
}

static void json_model(const struct kexec_budget *b, struct kx_json *j)
{
	char rec[32];

	kx_json_object_begin(j, "memory_model");
	kx_json_u64(j, "reserved", b->reserved);
	kx_json_u64(j, "kernel", b->kernel);
	kx_json_u64(j, "initrd", b->initrd);
	kx_json_u64(j, "initrd_unpacked", b->initrd_unpacked);
	kx_json_string(j, "initrd_estimate", b->initrd_format[0] ? b->initrd_format : NULL);
	kx_json_u64(j, "boot_data", b->boot_data);
	kx_json_u64(j, "runtime", b->runtime);
	kx_json_u64(j, "device_dumps", b->b.total);
	kx_json_u64(j, "needed", b->needed);
	kx_json_bool(j, "fits", b->fits);
	snprintf(rec, sizeof(rec), "%lluM", (unsigned long long)(b->recommended / MiB));
	kx_json_string(j, "recommended_crashkernel", rec);
	kx_json_object_end(j);
}

static void json_budget(const struct kexec_budget *b, struct kx_json *j)
{
	kx_json_object_begin(j, "device_dump_budget");
	kx_json_string(j, "spec", b->spec);
	kx_json_string(j, "kind", kind_name(b->b.kind));
	kx_json_string(j, "from", b->spec_from);
	kx_json_string(j, "config", b->conf_found ? b->conf_path : NULL);
	kx_json_u64(j, "count", b->b.n);
	kx_json_u64(j, "total", b->b.total);
	kx_json_string(j, "cmdline", b->cmdline_param[0] ? b->cmdline_param : NULL);
	kx_json_array_begin(j, "devices");
	for (size_t i = 0; i < b->b.n; i++) {
		const struct kx_dd_device *d = &b->b.items[i].dev;

		kx_json_object_begin(j, NULL);
		kx_json_string(j, "driver", d->driver);
		kx_json_string(j, "pci", d->pci[0] ? d->pci : NULL);
		kx_json_string(j, "netdev", d->netdev[0] ? d->netdev : NULL);
		kx_json_string(j, "sysname", d->sysname);
		kx_json_u64(j, "budget", b->b.items[i].size);
		kx_json_object_end(j);
	}
	kx_json_array_end(j);
	kx_json_object_end(j);
}

void budget_json_members(const struct kexec_budget *b, struct kx_json *j)
{
	json_budget(b, j);
	json_model(b, j);
}

void budget_print_json(const struct kexec_budget *b, struct kx_json *j)
{
	if (b->shown)
		budget_json_members(b, j);
}
