// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64 kexec_load (-c): the segments of a bzImage64 load, laid out and filled by us.
 *
 *   kernel       the protected-mode part of the bzImage (the file past its setup sectors), at
 *                the lowest kernel_alignment boundary of the window.  For a crash load only
 *                those bytes are copied: the rest of init_size (where the kernel decompresses itself) is kept
 *                free of other segments by the layout instead of being a segment the kernel
 *                zeroes while no crash kernel is loaded.
 *   initrd       top down.
 *   elfcorehdr   (crash) top down, with room for the kernel's crash hotplug rewrites.
 *   purgatory    our blob: checks the SHA-256 of the other segments, enters the kernel.
 *   boot_params  the zero page, the command line and e820 setup_data, top down.
 *
 * The new kernel's memory map: for a crash load the capture map (crash ranges as RAM minus the
 * elfcorehdr, low memory, ACPI and reserved ranges), else the firmware's map.  EFI: the capture
 * kernel boots without EFI runtime services (efi_info stays zero) and finds ACPI through the RSDP
 * address in boot_params and acpi_rsdp= — after a crash, calling into firmware is a risk the
 * dump does not need, and the EFI memory map the first kernel was given is not ours to hand on.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootparams.h"
#include "bzimage.h"
#include "cmdline.h"
#include "e820.h"
#include "fileio.h"
#include "iomem.h"
#include "crashmem.h"
#include "kexecsys.h"
#include "purgatory.h"
#include "sysroot.h"
#include "units.h"
#include "vmlinux.h"
#include "x86_64.h"

#define MiB (UINT64_C(1) << 20)
#define PAGE 4096u
/* The lowest address for the kernel: the kernel's default LOAD_PHYSICAL_ADDR. */
#define KERNEL_MIN (16 * MiB)
/* Normal loads: segments go in RAM above this (below it firmware and the old kernel live). */
#define NORMAL_MIN (16 * MiB)

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* The largest top-level System RAM range above NORMAL_MIN: where a normal load goes. */
static int normal_window(const struct kx_iomem *m, uint64_t *ret_start, uint64_t *ret_end)
{
	uint64_t best = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct kx_iomem_node *e = &m->nodes[i];
		uint64_t s = e->start;

		if (e->depth != 0 || strcmp(e->name, "System RAM") || e->end < NORMAL_MIN)
			continue;
		if (s < NORMAL_MIN)
			s = NORMAL_MIN;
		if (e->end - s + 1 > best) {
			best = e->end - s + 1;
			*ret_start = s;
			*ret_end = e->end;
		}
	}
	return best ? 0 : -ENOSPC;
}

/* "kernel 7.6 MiB (+ 55 MiB kept free) at 0x...; initrd ... (does not fit)" for -ENOSPC. */
static int no_room(const struct kx_kload *k, uint64_t start, uint64_t end, bool crash,
		   struct kx_err *err)
{
	char list[sizeof(err->msg)], b[32], w1[32];
	size_t o = 0;
	const char *what = "a segment";

	list[0] = '\0';
	for (size_t i = 0; i < k->segs.n && o < sizeof(list); i++) {
		const struct kx_segment *g = &k->segs.seg[i];
		int n;

		if (!g->placed && !strcmp(what, "a segment"))
			what = g->name;
		if (g->placed)
			n = snprintf(list + o, sizeof(list) - o, "%s%s %s at %#" PRIx64, i ? "; " : "",
				     g->name, kx_format_size(g->memsz, b, sizeof(b)), g->mem);
		else
			n = snprintf(list + o, sizeof(list) - o, "%s%s %s (does not fit)",
				     i ? "; " : "", g->name, kx_format_size(g->memsz, b, sizeof(b)));
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return kx_err_set(err, -ENOSPC, "%s does not fit in the %s %#" PRIx64 "-%#" PRIx64
			  " (%s): %s; %s", what, crash ? "crash kernel region" : "RAM range", start,
			  end, kx_format_size(end - start + 1, w1, sizeof(w1)), list,
			  crash ? "boot with a larger crashkernel= or use a smaller initrd"
				: "use a smaller initrd");
}

/* "ttyS0".."ttyS3" as the PC's standard ports: 0 for another name. */
static uint16_t tty_port(const char *name)
{
	static const uint16_t ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

	if (!strncmp(name, "ttyS", 4) && name[4] >= '0' && name[4] <= '3' &&
	    !(name[5] >= '0' && name[5] <= '9'))
		return ports[name[4] - '0'];
	return 0;
}

/*
 * The serial port purgatory reports a digest mismatch on: --serial (ttyS0-ttyS3 or an I/O port
 * 0x1-0xffff), else the command line's console=ttySN, else COM1.
 */
static int serial_port(const char *serial, const char *cmdline, uint16_t *ret,
		       struct kx_err *err)
{
	const char *p = strstr(cmdline, "console=ttyS");

	if (serial) {
		unsigned long v = 0;
		char *end = NULL;

		if (!strncmp(serial, "0x", 2) || !strncmp(serial, "0X", 2))
			v = strtoul(serial + 2, &end, 16);
		*ret = end && end != serial + 2 && !*end && v && v <= 0xffff ? (uint16_t)v
		       : strlen(serial) == 5 ? tty_port(serial) : 0;
		if (!*ret)
			return kx_err_set(err, -EINVAL, "--serial=%s is not a serial port: give ttyS0 "
					  "to ttyS3 or an I/O port such as 0x3f8", serial);
		return 0;
	}
	*ret = p && tty_port(p + 8) ? tty_port(p + 8) : 0x3f8;
	return 0;
}

struct machine {
	struct kx_iomem iomem;
	bool has_iomem;
	unsigned char template[4096];
	bool has_template;
	uint64_t rsdp;
	struct kx_e820 fwmap;           /* /sys/firmware/memmap, normal loads */
};

static void machine_free(struct machine *m)
{
	if (m->has_iomem)
		kx_iomem_free(&m->iomem);
	kx_e820_free(&m->fwmap);
}

/* /sys/firmware/memmap/N/{start,end,type}: the firmware's map; an empty map when absent. */
#define MEMMAP_MAX 4096
static int read_firmware_memmap(const struct kx_sysroot *s, struct kx_e820 *ret,
				struct kx_err *err)
{
	struct kx_memmap_entry *v;
	char (*text)[3][64];
	size_t n = 0;
	int r = 0;

	v = calloc(MEMMAP_MAX, sizeof(*v));
	text = calloc(MEMMAP_MAX, sizeof(*text));
	if (!v || !text) {
		free(v);
		free(text);
		return kx_err_set(err, -ENOMEM, "out of memory");
	}
	for (; n < MEMMAP_MAX; n++) {
		static const char *const field[] = { "start", "end", "type" };
		char path[64];

		for (int f = 0; f < 3 && r >= 0; f++) {
			snprintf(path, sizeof(path), "/sys/firmware/memmap/%zu/%s", n, field[f]);
			r = kx_sysroot_read(s, path, text[n][f], sizeof(text[n][f]), NULL);
		}
		if (r < 0)
			break;
		text[n][2][strcspn(text[n][2], "\n")] = '\0';
		v[n] = (struct kx_memmap_entry){ text[n][0], text[n][1], text[n][2] };
	}
	r = n ? kx_e820_from_memmap(v, n, ret, err) : 0;
	free(v);
	free(text);
	return r;
}

/* The running kernel's boot_params page (binary, one page): screen_info and EDID; optional. */
static bool read_template(const struct kx_sysroot *s, unsigned char *buf, size_t size)
{
	int fd = kx_sysroot_open(s, "/sys/kernel/boot_params/data", O_RDONLY | O_CLOEXEC);
	long long done;

	if (fd < 0)
		return false;
	done = kx_pread_full(fd, buf, size, 0);
	close(fd);
	return done == (long long)size;
}

static int read_machine(const struct kx_kload_in *in, struct machine *m, struct kx_err *err)
{
	char systab[4096];
	struct kx_err ignored;
	size_t len = 0;
	int r;

	r = kx_read_iomem(in->sysroot, &m->iomem, err);
	if (r < 0)
		return r;
	m->has_iomem = true;
	m->has_template = read_template(in->sysroot, m->template, sizeof(m->template));
	/* booted by EFI: the capture kernel gets the RSDP instead of EFI (see the top) */
	if (kx_sysroot_read(in->sysroot, "/sys/firmware/efi/systab", systab, sizeof(systab),
			    &len) == 0)
		kx_efi_systab_rsdp(systab, len, &m->rsdp, &ignored);
	if (!in->crash)
		return read_firmware_memmap(in->sysroot, &m->fwmap, err);
	return 0;
}

static const struct kx_segment *seg_named(const struct kx_kload *k, const char *name)
{
	for (size_t i = 0; i < k->segs.n; i++)
		if (!strcmp(k->segs.seg[i].name, name))
			return &k->segs.seg[i];
	return NULL;
}

/* Place one more segment; the first failure is kept in *first. */
static void place(struct kx_kload *k, const struct kx_segment *g, uint64_t start, uint64_t end,
		  int *first)
{
	int r = kx_segments_place(&k->segs, g, start, end);

	if (r < 0 && !*first)
		*first = r;
}

/* The new kernel's memory map: the capture memory, or the firmware's (else /proc/iomem's). */
static int memory_map(const struct kx_kload_in *in, const struct machine *m,
		      const struct kx_kload *k, struct kx_e820 *map, struct kx_err *err)
{
	const struct kx_segment *eh = seg_named(k, "elfcorehdr");
	struct kx_ranges keep = { 0 };
	int r = 0;

	if (!in->crash && !m->fwmap.n)
		return kx_e820_from_iomem(&m->iomem, map, err);
	if (!in->crash) {
		for (size_t i = 0; i < m->fwmap.n && r == 0; i++)
			r = kx_e820_add(map, m->fwmap.e[i].start, m->fwmap.e[i].end,
					m->fwmap.e[i].type);
		if (r == 0)
			r = kx_e820_normalize(map);
		return r < 0 ? kx_err_set(err, r, "out of memory") : 0;
	}
	r = kx_ranges_add(&keep, eh->mem, eh->mem + eh->memsz - 1);
	if (r == 0)
		r = kx_e820_capture(&m->iomem, in->mem, &keep, map, err);
	else
		r = kx_err_set(err, r, "out of memory");
	kx_ranges_free(&keep);
	return r;
}

/* One memmap= size or address: in KiB when it is a whole number of them, else in bytes. */
static int put_mem(char *buf, size_t size, uint64_t v)
{
	return v % 1024 ? snprintf(buf, size, "%#" PRIx64, v)
			: snprintf(buf, size, "%" PRIu64 "K", v / 1024);
}

/*
 * --pass-memmap-cmdline: the capture kernel's map as command line words too, for kernels that
 * read it there: memmap=exactmap (forget the firmware's map), then each range as SIZE@START
 * (RAM), SIZE#START (ACPI data and NVS) or SIZE$START (everything else).
 */
static int memmap_words(const struct kx_e820 *map, char **ret, struct kx_err *err)
{
	size_t cap = 32 + map->n * 64, len;
	char *w = malloc(cap);

	if (!w)
		return kx_err_set(err, -ENOMEM, "out of memory");
	len = (size_t)snprintf(w, cap, "memmap=exactmap");
	for (size_t i = 0; i < map->n; i++) {
		const struct kx_e820_entry *e = &map->e[i];
		char sz[24], at[24];
		uint32_t t = e->type;

		put_mem(sz, sizeof(sz), e->end - e->start + 1);
		put_mem(at, sizeof(at), e->start);
		len += (size_t)snprintf(w + len, cap - len, " memmap=%s%c%s", sz,
					t == KX_E820_RAM ? '@' : t == KX_E820_ACPI ||
					t == KX_E820_NVS ? '#' : '$', at);
	}
	*ret = w;
	return 0;
}

static int build(const struct kx_kload_in *in, const struct machine *m, struct kx_kload *k,
		 struct kx_err *err)
{
	size_t head = in->kernel_size < KX_FILE_HEAD ? (size_t)in->kernel_size : KX_FILE_HEAD;
	uint64_t start = in->window_start, end = in->window_end, entry_off, blob_memsz;
	struct kx_purgatory_region regions[KX_PURGATORY_MAX_REGIONS];
	struct kx_bootparams bp = { 0 };
	struct kx_x86_kernel_place kp;
	struct kx_e820 map = { 0 };
	struct kx_segment *kern, *bps, *pur;
	struct kx_bzimage bz;
	const void *blob;
	size_t blob_size, nr = 0;
	char pre[96] = "", *words = NULL;
	uint16_t port;
	void *pcopy;
	int r, first = 0;
	/* a bzImage: its protected-mode part, entered at +0x200 (the 64-bit entry); an ELF
	 * vmlinux: its PT_LOADs as one block, entered at e_entry, with a header we write */
	unsigned char vhead[KX_VMLINUX_HEAD_LEN];
	const unsigned char *kbuf, *hdr = in->kernel;
	uint64_t kentry = 0x200;

	if (kx_x86_is_elf(in->kernel, head)) {
		struct kx_x86_vmlinux v;
		unsigned char *img = NULL;

		r = kx_x86_vmlinux_parse(in->kernel, head, in->kernel_size, &v, err);
		if (r == 0)
			r = kx_x86_vmlinux_image(&v, in->kernel, in->kernel_size, &img, err);
		if (r < 0)
			return r;
		k->owned[k->nowned++] = img;
		kx_x86_vmlinux_header(&v, vhead, &bz);
		kp = (struct kx_x86_kernel_place){ .align = v.align, .min = KERNEL_MIN,
						   .bufsz = v.filesz, .memsz = page_up(v.memsz) };
		kbuf = img;
		hdr = vhead;
		head = sizeof(vhead);
		kentry = v.entry_off;
		k->reserved_what = "the vmlinux's memory size";
	} else {
		r = kx_bzimage_parse(in->kernel, head, in->kernel_size, &bz, err);
		if (r == 0)
			r = kx_x86_kernel_place(&bz, in->kernel_size, &kp, err);
		if (r < 0)
			return r;
		kbuf = in->kernel + kp.file_offset;
	}
	r = kx_x86_purgatory_image(&blob, &blob_size, &blob_memsz);
	if (r < 0)
		return kx_err_set(err, r, "this kexec was built without the x86_64 purgatory, so "
				  "it cannot kexec_load an x86_64 kernel: use -s (kexec_file_load)");
	if (!in->crash && normal_window(&m->iomem, &start, &end) < 0)
		return kx_err_set(err, -ENOSPC, "/proc/iomem lists no System RAM above 16 MiB to "
				  "load the kernel into");
	if (start < in->mem_min || end > in->mem_max) {
		uint64_t s = start > in->mem_min ? start : in->mem_min;
		uint64_t e = end < in->mem_max ? end : in->mem_max;

		if (s > e)
			return kx_err_set(err, -ENOSPC, "--mem-min=%#" PRIx64 " --mem-max=%#" PRIx64
					  " leave nothing of the %s %#" PRIx64 "-%#" PRIx64,
					  in->mem_min, in->mem_max, in->crash ? "crash kernel "
					  "region" : "RAM range", start, end);
		start = s;
		end = e;
	}

	/* the kernel first, bottom up, with its whole decompression range (init_size) reserved */
	kx_segments_init(&k->segs, PAGE);
	k->window_start = start;
	k->window_end = end;
	place(k, &(struct kx_segment){ .name = "kernel", .buf = kbuf,
				       .bufsz = kp.bufsz, .memsz = kp.memsz, .align = kp.align,
				       .min = kp.min > KERNEL_MIN || kp.fixed ? kp.min : KERNEL_MIN,
				       .max = kp.fixed ? kp.min + kp.memsz - 1 : 0 },
	      start, end, &first);
	if (in->initrd)
		place(k, &(struct kx_segment){ .name = "initrd", .buf = in->initrd,
					       .bufsz = in->initrd_size, .align = PAGE,
					       .top_down = true }, start, end, &first);
	if (in->crash)
		place(k, &(struct kx_segment){ .name = "elfcorehdr", .buf = in->elfcorehdr,
					       .bufsz = in->elfcorehdr_size,
					       .memsz = in->elfcorehdr_memsz, .align = PAGE,
					       .top_down = true,
					       .no_digest = in->elfcorehdr_no_digest },
		      start, end, &first);
	place(k, &(struct kx_segment){ .name = "purgatory", .bufsz = blob_size,
				       .memsz = blob_memsz, .align = PAGE, .top_down = true,
				       .no_digest = true }, start, end, &first);
	if (first == -ENOSPC)
		return no_room(k, start, end, in->crash, err);
	if (first < 0)
		return kx_err_set(err, first, "cannot lay out the segments: %s", strerror(-first));

	/* the command line and the memory map, then boot_params around them: built once to
	 * learn its size, placed, built again for its address */
	if (in->crash)
		snprintf(pre, sizeof(pre), "elfcorehdr=%#" PRIx64 " ",
			 seg_named(k, "elfcorehdr")->mem);
	if (m->rsdp)
		snprintf(pre + strlen(pre), sizeof(pre) - strlen(pre), "acpi_rsdp=%#" PRIx64 " ",
			 m->rsdp);
	r = memory_map(in, m, k, &map, err);
	if (r == 0 && in->memmap_cmdline)
		r = memmap_words(&map, &words, err);
	if (r == 0 && asprintf(&k->cmdline, "%s%s%s%s", pre, in->cmdline, words ? " " : "",
			       words ? words : "") < 0) {
		k->cmdline = NULL;
		r = kx_err_set(err, -ENOMEM, "out of memory");
	}
	free(words);
	if (r == 0) {
		struct kx_bootparams_spec spec = {
			.bz = &bz, .head = hdr, .head_len = head,
			.tmpl = m->has_template ? m->template : NULL,
			.tmpl_len = m->has_template ? sizeof(m->template) : 0,
			.load_addr = 0, .cmdline = k->cmdline,
			.initrd_addr = in->initrd ? seg_named(k, "initrd")->mem : 0,
			.initrd_size = in->initrd ? in->initrd_size : 0,
			.acpi_rsdp = m->rsdp, .e820 = &map,
		};

		r = kx_x86_bootparams_build(&spec, &bp, err);
		if (r == 0) {
			place(k, &(struct kx_segment){ .name = "boot_params", .bufsz = bp.len,
						       .align = PAGE, .top_down = true },
			      start, end, &first);
			kx_x86_bootparams_free(&bp);
			if (first == -ENOSPC)
				r = no_room(k, start, end, in->crash, err);
			else if (first < 0)
				r = kx_err_set(err, first, "cannot place boot_params");
		}
		if (r == 0) {
			spec.load_addr = seg_named(k, "boot_params")->mem;
			r = kx_x86_bootparams_build(&spec, &bp, err);
		}
	}
	k->memmap = calloc(map.n ? map.n : 1, sizeof(*k->memmap));
	for (size_t i = 0; k->memmap && i < map.n; i++)
		k->memmap[i] = (struct kx_kload_mem){ map.e[i].start, map.e[i].end,
						      kx_e820_type_name(map.e[i].type) };
	k->memmap_entries = k->memmap ? map.n : 0;
	kx_e820_free(&map);
	if (r < 0)
		return r;
	bps = &k->segs.seg[k->segs.n - 1];
	k->owned[k->nowned++] = bp.buf;
	bps->buf = bp.buf;
	bps->bufsz = bp.len;

	/*
	 * A crash load's kernel segment carries its bytes only; the rest of init_size stays
	 * reserved in the layout, and the kernel takes its control pages and page tables from the
	 * lowest holes of the crash range, next to the kernel's bytes, far from the end of
	 * init_size where the decompressor first copies itself.  A normal load's control pages
	 * come from anywhere in free RAM: there the segment must cover init_size (the kernel
	 * zeroes it; nothing is unloaded meanwhile), or a page table landing there is overwritten
	 * by that copy (seen in the lab: kexec -e triple-faulted, once in four runs).
	 */
	kern = &k->segs.seg[0];
	k->reserved_start = kern->mem;
	k->reserved_end = kern->mem + kern->memsz - 1;
	if (in->crash)
		kern->memsz = page_up(kern->bufsz);
	k->acpi_rsdp = m->rsdp;

	/* purgatory last: its digest covers every other segment as it will be in memory */
	pur = (struct kx_segment *)seg_named(k, "purgatory");
	r = serial_port(in->serial, k->cmdline, &port, err);
	if (r < 0)
		return r;
	pcopy = malloc(blob_size);
	if (!pcopy)
		return kx_err_set(err, -ENOMEM, "out of memory");
	memcpy(pcopy, blob, blob_size);
	k->owned[k->nowned++] = pcopy;
	for (size_t i = 0; i < k->segs.n && in->verify; i++) {
		const struct kx_segment *g = &k->segs.seg[i];

		if (!g->no_digest)
			regions[nr++] = (struct kx_purgatory_region){ .start = g->mem,
								      .len = g->bufsz,
								      .buf = g->buf };
	}
	r = kx_x86_purgatory_patch(pcopy, blob_size, &(struct kx_purgatory_setup){
					   .kernel_entry = kern->mem + kentry,
					   .boot_params = bps->mem, .regions = regions,
					   .nr_regions = nr, .verify = in->verify,
					   .serial_port = port, .serial_baud = in->serial_baud },
				   &entry_off, err);
	if (r < 0)
		return r;
	pur->buf = pcopy;
	k->serial_port = port;
	k->serial_baud = in->serial_baud;
	k->entry = pur->mem + entry_off;
	k->digest_regions = nr;
	return 0;
}

int kx_x86_kexec_load_build(const struct kx_kload_in *in, struct kx_kload *ret,
			    struct kx_err *err)
{
	struct machine m = { 0 };
	int r;

	memset(ret, 0, sizeof(*ret));
	r = read_machine(in, &m, err);
	if (r == 0)
		r = build(in, &m, ret, err);
	machine_free(&m);
	return r;
}
