// SPDX-License-Identifier: GPL-2.0-or-later
/* The load plan as text (--dry-run, -d) and as JSON (--json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "strutil.h"
#include "units.h"

/* Ranges listed in text before "... N more" (JSON lists all). */
#define TEXT_MAX_RANGES 32

struct flag_name {
	unsigned long bit;
	const char *name;
};

const char *plan_flag_names(unsigned long flags, bool kexec_load, char *buf, size_t size)
{
	static const struct flag_name file_names[] = {
		{ KX_KEXEC_FILE_UNLOAD, "KEXEC_FILE_UNLOAD" },
		{ KX_KEXEC_FILE_ON_CRASH, "KEXEC_FILE_ON_CRASH" },
		{ KX_KEXEC_FILE_NO_INITRAMFS, "KEXEC_FILE_NO_INITRAMFS" },
		{ KX_KEXEC_FILE_DEBUG, "KEXEC_FILE_DEBUG" },
		{ KX_KEXEC_FILE_NO_CMA, "KEXEC_FILE_NO_CMA" },
		{ KX_KEXEC_FILE_FORCE_DTB, "KEXEC_FILE_FORCE_DTB" },
	}, load_names[] = {
		{ KX_KEXEC_ON_CRASH, "KEXEC_ON_CRASH" },
		{ KX_KEXEC_UPDATE_ELFCOREHDR, "KEXEC_UPDATE_ELFCOREHDR" },
		{ KX_KEXEC_CRASH_HOTPLUG, "KEXEC_CRASH_HOTPLUG_SUPPORT" },
		{ KX_KEXEC_DEBUG, "KEXEC_DEBUG" },
	};
	const struct flag_name *names = kexec_load ? load_names : file_names;
	size_t nnames = kexec_load ? sizeof(load_names) / sizeof(load_names[0])
				   : sizeof(file_names) / sizeof(file_names[0]);
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nnames; i++) {
		if (!(flags & names[i].bit))
			continue;
		o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", o ? "|" : "",
				      names[i].name);
	}
	if (kexec_load && (flags >> 16))
		o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%sKEXEC_ARCH %#lx",
				      o ? "|" : "", flags & 0xffff0000ul);
	if (!buf[0])
		snprintf(buf, size, "none");
	return buf;
}

static const char *sz(uint64_t v, char *buf, size_t size)
{
	return kx_format_size(v, buf, size);
}

/* The layers the kernel file was unpacked from, outermost first: "gzip 12.3 MiB -> 38 MiB". */
static void print_unpack(FILE *fp, const struct kexec_plan *p)
{
	char in[32], out[32];

	fprintf(fp, "unpacked      a memfd, not the file (%s), is passed to the kernel:\n",
		sz(p->unpack.packed_size, in, sizeof(in)));
	for (size_t i = 0; i < p->unpack.nlayers; i++) {
		const struct kx_unpack_layer *l = &p->unpack.layer[i];

		fprintf(fp, "  %-12s at %#llx, %s -> %s\n", l->name, (unsigned long long)l->offset,
			sz(l->in_size, in, sizeof(in)), sz(l->out_size, out, sizeof(out)));
	}
	fprintf(fp, "  %-12s %s\n", p->image.type, sz(p->kernel.size, out, sizeof(out)));
}

static void print_ranges(FILE *fp, const struct kx_ranges *l)
{
	char b[32];

	fprintf(fp, "  %-18s  %-18s  %s\n", "START", "END", "SIZE");
	for (size_t i = 0; i < l->n; i++) {
		if (i == TEXT_MAX_RANGES) {
			fprintf(fp, "  ... %zu more (--json lists every range)\n", l->n - i);
			break;
		}
		fprintf(fp, "  %#018llx  %#018llx  %s\n", (unsigned long long)l->r[i].start,
			(unsigned long long)l->r[i].end, sz(kx_range_size(&l->r[i]), b, sizeof(b)));
	}
}

static void print_kload(FILE *fp, const struct kexec_plan *p)
{
	char b[32];

	fprintf(fp, "  kernel %s %#llx-%#llx (%s, %s): %s\n",
		p->kl.reserved_what ? "occupies" : "decompresses in",
		(unsigned long long)p->kl.reserved_start, (unsigned long long)p->kl.reserved_end,
		sz(p->kl.reserved_end - p->kl.reserved_start + 1, b, sizeof(b)),
		p->kl.reserved_what ? p->kl.reserved_what : "init_size",
		p->segs.seg[0].memsz > p->kl.reserved_end - p->kl.reserved_start
			? "the kernel segment, zeroed by the kernel" : "kept free, not copied");
	if (p->kl.dtb)
		fprintf(fp, "device tree   %s, /chosen edited for the new kernel: %zu bytes\n",
			p->kl.dtb_source, p->kl.dtb_size);
	fprintf(fp, "entry         %#llx (%s)\n", (unsigned long long)p->entry,
		p->kl.plan_only ? "the kernel: there is no purgatory" : "purgatory");
	if (p->kl.plan_only)
		fprintf(fp, "purgatory     none: the plan cannot be loaded\n");
	else if (p->kl.purgatory_does)
		fprintf(fp, "purgatory     %s\n", p->kl.purgatory_does);
	else if (p->kl.digest_regions)
		fprintf(fp, "purgatory     checks the SHA-256 of %zu segments%s\n",
			p->kl.digest_regions, plan_hotplug(p) ? " (not the elfcorehdr: the kernel "
			"rewrites it)" : "");
	else
		fprintf(fp, "purgatory     checks nothing (-i)\n");
	if (!p->kl.plan_only && p->kl.serial_port && p->kl.serial_baud)
		fprintf(fp, "              a mismatch is reported on the serial port %#x, set to "
			"%u baud first\n", p->kl.serial_port, p->kl.serial_baud);
	else if (!p->kl.plan_only && p->kl.serial_port)
		fprintf(fp, "              a mismatch is reported on the serial port %#x\n",
			p->kl.serial_port);
	fprintf(fp, "memory map    %zu entries for the new kernel%s\n", p->kl.memmap_entries,
		p->crash ? " (the capture memory)" : "");
	for (size_t i = 0; i < p->kl.memmap_entries; i++) {
		const struct kx_kload_mem *e = &p->kl.memmap[i];

		if (i == TEXT_MAX_RANGES) {
			fprintf(fp, "  ... %zu more (--json lists every entry)\n",
				p->kl.memmap_entries - i);
			break;
		}
		fprintf(fp, "  0x%016llx  0x%016llx  %s\n", (unsigned long long)e->start,
			(unsigned long long)e->end, e->type);
	}
	if (p->kl.acpi_rsdp)
		fprintf(fp, "ACPI RSDP     %#llx, handed over without EFI runtime services\n",
			(unsigned long long)p->kl.acpi_rsdp);
}

static void print_segments(FILE *fp, const struct kexec_plan *p)
{
	char b1[32], b2[32];

	if (p->kload)
		fprintf(fp, "segments      placed by kexec (kexec_load); %s\n",
			p->fits ? "all fit" : "NOT ALL FIT");
	else if (p->placed)
		fprintf(fp, "segments      placed by the kernel (kexec_file_load), as it will choose; "
			"%s\n", p->fits ? "all fit" : "NOT ALL FIT");
	else
		fprintf(fp, "segments      placed by the kernel (kexec_file_load) in free memory\n");
	fprintf(fp, "  %-12s  %-18s  %-18s  %-10s  %s\n", "NAME", "START", "END", "MEMSZ", "BUFSZ");
	for (size_t i = 0; i < p->segs.n; i++) {
		const struct kx_segment *g = &p->segs.seg[i];

		if (g->placed)
			fprintf(fp, "  %-12s  %#018llx  %#018llx  %-10s  %s\n", g->name,
				(unsigned long long)g->mem,
				(unsigned long long)(g->mem + g->memsz - 1),
				sz(g->memsz, b1, sizeof(b1)), sz(g->bufsz, b2, sizeof(b2)));
		else
			fprintf(fp, "  %-12s  %-18s  %-18s  %-10s  %s\n", g->name,
				p->placed ? "(does not fit)" : "-", "-",
				sz(g->memsz, b1, sizeof(b1)), sz(g->bufsz, b2, sizeof(b2)));
	}
	if (p->placed && p->crash)
		fprintf(fp, "  %s of %s used\n", sz(p->needed, b1, sizeof(b1)),
			sz(p->region_end - p->region_start + 1, b2, sizeof(b2)));
	if (p->kload && p->fits)
		print_kload(fp, p);
}

static void print_crash(FILE *fp, const struct kexec_ctx *c, const struct kexec_plan *p)
{
	char b[32], b2[32];

	if (!p->mem.ncrash) {
		fprintf(fp, "crash kernel  none reserved (no crashkernel= on the command line)\n");
	} else {
		for (size_t i = 0; i < p->mem.ncrash; i++) {
			const struct kx_crash_range *r = &p->mem.crash[i];

			fprintf(fp, "%-14s%s at %#llx-%#llx (%s)\n", i ? "" : "crash kernel",
				sz(r->end - r->start + 1, b, sizeof(b)), (unsigned long long)r->start,
				(unsigned long long)r->end, kx_crash_role_name(r->role));
		}
	}
	print_segments(fp, p);
	fprintf(fp, "elfcorehdr    built by %s: %zu program headers (%zu CPU notes, %s%s"
		"%zu memory ranges), %s", p->kload ? "kexec" : "the kernel", p->ehdr_phnum,
		p->kload ? p->ncpus : (size_t)p->ncpus_possible,
		p->has_vmcoreinfo ? "VMCOREINFO, " : "", p->has_text ? "kernel text, " : "",
		p->mem.dump.n, sz(p->ehdr_size, b, sizeof(b)));
	if (p->ehdr_memsz_from == PLAN_EHDR_KERNEL_MAX)
		fprintf(fp, "; %s reserved for crash hotplug updates\n",
			sz(p->ehdr_memsz, b2, sizeof(b2)));
	else
		fprintf(fp, "\n");
	if (p->has_text)
		fprintf(fp, "kernel text   %#llx at physical %#llx, %s\n",
			(unsigned long long)p->text_vaddr, (unsigned long long)p->text_paddr,
			sz(p->text_size, b, sizeof(b)));
	fprintf(fp, "dump covers   %zu ranges, %s of %s System RAM (left out: the crash kernel "
		"ranges%s)\n", p->mem.dump.n, sz(kx_ranges_total(&p->mem.dump), b, sizeof(b)),
		sz(kx_ranges_total(&p->mem.ram), b2, sizeof(b2)),
		c->arch->ncrash_exclude ? " and what the architecture reserves" : "");
	print_ranges(fp, &p->mem.dump);
	budget_print_text(&p->budget, fp);
}

void plan_print_text(const struct kexec_ctx *c, const struct kexec_plan *p, FILE *fp)
{
	char b[32], fl[128];
	const char *cmdline = p->kload && p->kl.cmdline ? p->kl.cmdline : p->cmdline;
	size_t n = strlen(cmdline), esize = 4 * n + 1;
	char *esc = malloc(esize);

	fprintf(fp, "%s plan%s\n", p->crash ? "crash kernel load" : "kernel load",
		c->o->dry_run ? " (dry run: nothing is loaded)" : "");
	fprintf(fp, "syscall       %s, flags %#lx (%s)\n", plan_syscall_name(p->syscall), p->flags,
		plan_flag_names(p->flags, p->kload, fl, sizeof(fl)));
	if (p->crash)
		fprintf(fp, "hotplug       %s\n", plan_hotplug(p)
			? "the kernel keeps the elfcorehdr updated on memory and CPU hotplug"
			: "kexec-hotplug's udev rule reloads on memory and CPU hotplug");
	fprintf(fp, "kernel        %s: %s, %s%s%s%s\n", p->kernel.path, p->image.type,
		p->image.protocol[0] ? "boot protocol " : "", p->image.protocol,
		p->image.protocol[0] ? ", " : "", sz(p->kernel.size, b, sizeof(b)));
	if (p->image.version[0])
		fprintf(fp, "              %s\n", p->image.version);
	if (p->unpack.nlayers)
		print_unpack(fp, p);
	if (p->has_initrd && p->unpack.initrd_from_image)
		fprintf(fp, "initrd        the image's .initrd: %s\n", sz(p->initrd.size, b, sizeof(b)));
	else if (p->has_initrd)
		fprintf(fp, "initrd        %s: %s%s\n", p->initrd.path, sz(p->initrd.size, b, sizeof(b)),
			p->unpack.image_initrd ? " (--initrd: not the image's .initrd)" : "");
	else
		fprintf(fp, "initrd        none\n");
	if (p->unpack.cmdline)
		fprintf(fp, "              the command line below is the image's .cmdline (no --append)\n");
	else if (p->unpack.image_cmdline)
		fprintf(fp, "              the command line below is --append's, not the image's .cmdline\n");
	fprintf(fp, "command line  %s\n", !n ? "(empty)" : esc ? kx_escape(cmdline, n, esc, esize)
								: cmdline);
	fprintf(fp, "              %llu of at most %llu bytes (with the NUL%s)\n",
		(unsigned long long)(n + 1), (unsigned long long)p->image.cmdline_max,
		p->kload ? "" : p->crash ? "; the kernel adds elfcorehdr=" : "");
	free(esc);
	if (p->crash)
		print_crash(fp, c, p);
	else
		print_segments(fp, p);
	for (size_t i = 0; i < p->nwarnings; i++)
		fprintf(fp, "warning       %s\n", p->warnings[i]);
	if (p->refused)
		fprintf(fp, "refused       %s\n", p->refusal.msg);
}

static void json_range(struct kx_json *j, uint64_t start, uint64_t end)
{
	kx_json_object_begin(j, NULL);
	kx_json_u64(j, "start", start);
	kx_json_u64(j, "end", end);
	kx_json_u64(j, "size", end - start + 1);
}

void plan_print_json(const struct kexec_ctx *c, const struct kexec_plan *p, struct kx_json *j)
{
	char fl[128];

	kx_json_string(j, "image", p->crash ? "crash" : "normal");
	kx_json_string(j, "arch", c->arch->name);
	kx_json_string(j, "kernel_release", c->sys.osrelease[0] ? c->sys.osrelease : NULL);
	kx_json_string(j, "syscall", plan_syscall_name(p->syscall));
	kx_json_u64(j, "flags", p->flags);
	kx_json_string(j, "flag_names", plan_flag_names(p->flags, p->kload, fl, sizeof(fl)));
	if (p->crash)
		kx_json_string(j, "hotplug", kx_hotplug_mode_name(p->hotplug_mode));

	kx_json_object_begin(j, "kernel");
	kx_json_string(j, "path", p->kernel.path);
	kx_json_u64(j, "size", p->kernel.size);
	kx_json_string(j, "type", p->image.type);
	kx_json_string(j, "protocol", p->image.protocol);
	kx_json_string(j, "version", p->image.version);
	kx_json_u64(j, "load_memsz", p->image.load_memsz);
	kx_json_u64(j, "alignment", p->image.load_align);
	kx_json_u64(j, "cmdline_max", p->image.cmdline_max);
	/* the layers unpacked into the memfd the kernel gets (none: the file goes as it is) */
	if (p->unpack.nlayers)
		kx_json_array_begin(j, "unpacked");
	for (size_t i = 0; i < p->unpack.nlayers; i++) {
		const struct kx_unpack_layer *l = &p->unpack.layer[i];

		kx_json_object_begin(j, NULL);
		kx_json_string(j, "container", l->name);
		if (l->codec != KX_PACK_NONE)
			kx_json_string(j, "compression", kx_pack_name(l->codec));
		else
			kx_json_null(j, "compression");
		kx_json_u64(j, "offset", l->offset);
		kx_json_u64(j, "in_size", l->in_size);
		kx_json_u64(j, "out_size", l->out_size);
		kx_json_object_end(j);
	}
	if (p->unpack.nlayers) {
		kx_json_array_end(j);
		kx_json_u64(j, "file_size", p->unpack.packed_size);
	}
	kx_json_object_end(j);
	if (p->has_initrd) {
		kx_json_object_begin(j, "initrd");
		kx_json_string(j, "path", p->initrd.path);
		kx_json_u64(j, "size", p->initrd.size);
		if (p->unpack.initrd_from_image)
			kx_json_string(j, "from", "image");
		kx_json_object_end(j);
	} else {
		kx_json_null(j, "initrd");
	}
	kx_json_string(j, "command_line", p->kload && p->kl.cmdline ? p->kl.cmdline : p->cmdline);
	kx_json_u64(j, "command_line_bytes", p->cmdline_len);

	if (p->crash && p->has_mem) {
		kx_json_object_begin(j, "crash_kernel");
		kx_json_u64(j, "total", p->mem.crash_total);
		if (c->sys.has_crash_size)
			kx_json_u64(j, "kexec_crash_size", c->sys.crash_size);
		else
			kx_json_null(j, "kexec_crash_size");
		kx_json_array_begin(j, "ranges");
		for (size_t i = 0; i < p->mem.ncrash; i++) {
			json_range(j, p->mem.crash[i].start, p->mem.crash[i].end);
			kx_json_string(j, "role", kx_crash_role_name(p->mem.crash[i].role));
			kx_json_object_end(j);
		}
		kx_json_array_end(j);
		kx_json_object_end(j);
	}

	/* lists that can be long sit at the top level: one entry per line */
	kx_json_object_begin(j, "layout");
	kx_json_string(j, "placed_by", p->kload ? "kexec" : "kernel");
	if (p->kload && p->fits) {
		kx_json_u64(j, "entry", p->entry);
		kx_json_u64(j, "kernel_reserved_start", p->kl.reserved_start);
		kx_json_u64(j, "kernel_reserved_end", p->kl.reserved_end);
		kx_json_u64(j, "memmap_entries", p->kl.memmap_entries);
		if (p->kl.acpi_rsdp)
			kx_json_u64(j, "acpi_rsdp", p->kl.acpi_rsdp);
		else
			kx_json_null(j, "acpi_rsdp");
		kx_json_u64(j, "digest_segments", p->kl.digest_regions);
		if (p->kl.purgatory_does)
			kx_json_string(j, "purgatory", p->kl.purgatory_does);
		/* x86_64's purgatory: where it reports a mismatch */
		if (p->kl.serial_port) {
			kx_json_u64(j, "purgatory_serial_port", p->kl.serial_port);
			kx_json_u64(j, "purgatory_serial_baud", p->kl.serial_baud);
		}
		if (p->kl.reserved_what)
			kx_json_string(j, "kernel_reserved_for", p->kl.reserved_what);
		if (p->kl.dtb) {
			kx_json_string(j, "device_tree", p->kl.dtb_source);
			kx_json_u64(j, "device_tree_size", p->kl.dtb_size);
		}
		if (p->kl.plan_only) {
			kx_json_bool(j, "loadable", false);
			kx_json_string(j, "not_loadable_because", p->kl.plan_only);
		}
	}
	if (p->placed) {
		kx_json_bool(j, "fits", p->fits);
		kx_json_u64(j, "used", p->needed);
		kx_json_u64(j, "region", p->region_end - p->region_start + 1);
	} else {
		kx_json_null(j, "fits");
		kx_json_u64(j, "used", p->needed);
		kx_json_null(j, "region");
	}
	kx_json_object_end(j);
	kx_json_array_begin(j, "segments");
	for (size_t i = 0; i < p->segs.n; i++) {
		const struct kx_segment *g = &p->segs.seg[i];

		kx_json_object_begin(j, NULL);
		kx_json_string(j, "name", g->name);
		if (g->placed) {
			kx_json_u64(j, "start", g->mem);
			kx_json_u64(j, "end", g->mem + g->memsz - 1);
		} else {
			kx_json_null(j, "start");
			kx_json_null(j, "end");
		}
		kx_json_u64(j, "memsz", g->memsz);
		kx_json_u64(j, "bufsz", g->bufsz);
		if (p->kload)
			kx_json_bool(j, "digest", !g->no_digest && p->kl.digest_regions);
		kx_json_object_end(j);
	}
	kx_json_array_end(j);

	if (p->crash && p->has_mem) {
		char hex[32];

		kx_json_object_begin(j, "elfcorehdr");
		kx_json_string(j, "built_by", p->kload ? "kexec" : "kernel");
		kx_json_u64(j, "machine", kx_arch_machine(c->arch)->em);
		kx_json_u64(j, "cpu_notes", p->kload ? p->ncpus : p->ncpus_possible);
		kx_json_bool(j, "vmcoreinfo", p->has_vmcoreinfo);
		kx_json_bool(j, "kernel_text", p->has_text);
		kx_json_u64(j, "memory_ranges", p->mem.dump.n);
		kx_json_u64(j, "phnum", p->ehdr_phnum);
		kx_json_u64(j, "size", p->ehdr_size);
		kx_json_u64(j, "segment_memsz", p->ehdr_memsz);
		kx_json_string(j, "segment_memsz_from", plan_ehdr_memsz_from_name(p->ehdr_memsz_from));
		/* kernel virtual addresses exceed 2^53: strings, so that no JSON reader rounds them */
		snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)p->page_offset);
		kx_json_string(j, "page_offset", hex);
		kx_json_string(j, "page_offset_from", p->page_offset_default ? "default" : "/proc/kcore");
		if (p->has_text) {
			snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)p->text_vaddr);
			kx_json_string(j, "text_vaddr", hex);
			kx_json_u64(j, "text_paddr", p->text_paddr);
			kx_json_u64(j, "text_size", p->text_size);
		}
		kx_json_object_end(j);

		kx_json_object_begin(j, "memory");
		kx_json_u64(j, "system_ram", kx_ranges_total(&p->mem.ram));
		kx_json_u64(j, "dump_total", kx_ranges_total(&p->mem.dump));
		kx_json_u64(j, "dump_ranges", p->mem.dump.n);
		kx_json_object_end(j);
		kx_json_array_begin(j, "excluded");
		for (size_t i = 0; i < p->mem.excluded.n; i++) {
			json_range(j, p->mem.excluded.r[i].start, p->mem.excluded.r[i].end);
			kx_json_object_end(j);
		}
		kx_json_array_end(j);
		kx_json_array_begin(j, "dump");
		for (size_t i = 0; i < p->mem.dump.n; i++) {
			json_range(j, p->mem.dump.r[i].start, p->mem.dump.r[i].end);
			kx_json_object_end(j);
		}
		kx_json_array_end(j);
	}

	if (p->kload && p->fits) {
		kx_json_array_begin(j, "memory_map");
		for (size_t i = 0; i < p->kl.memmap_entries; i++) {
			json_range(j, p->kl.memmap[i].start, p->kl.memmap[i].end);
			kx_json_string(j, "type", p->kl.memmap[i].type);
			kx_json_object_end(j);
		}
		kx_json_array_end(j);
	}
	if (p->crash)
		budget_print_json(&p->budget, j);
	kx_json_array_begin(j, "warnings");
	for (size_t i = 0; i < p->nwarnings; i++)
		kx_json_string(j, NULL, p->warnings[i]);
	kx_json_array_end(j);
	if (p->refused) {
		kx_json_object_begin(j, "refused");
		kx_json_string(j, "message", p->refusal.msg);
		kx_json_bool(j, "load_anyway", c->o->load_anyway);
		kx_json_object_end(j);
	} else {
		kx_json_null(j, "refused");
	}
}
