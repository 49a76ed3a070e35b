// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 kexec_load (-c) of a crash kernel: the plan, with the device tree edited for the capture
 * kernel.  The rules are in arm64.h; where they come from:
 *
 *   kernel       Documentation/arch/arm64/booting.rst: text_offset bytes above a 2 MiB aligned
 *                base, image_size bytes from the start of the Image free for the kernel.  Only
 *                the file's bytes are copied; the rest of image_size (bss) is kept free by the
 *                layout, as the x86_64 builder does with init_size.
 *   elfcorehdr   arch/arm64/kernel/machine_kexec_file.c: above the kernel, top down, 64 KiB
 *                aligned (the largest page size).
 *   initrd       same file and booting.rst: above the kernel, bottom up, inside the 1 GiB aligned
 *                window of 32 GiB that covers the kernel.
 *   dtb          same file: top down at 2 MiB so that it never crosses a 2 MiB boundary;
 *                booting.rst: at most 2 MiB.
 *
 *   purgatory    arch/arm64/kernel/machine_kexec.c: on a panic the kernel turns the MMU and the
 *                caches off and jumps to the load's entry with x0 = 0 (only its own file loader
 *                knows where a DTB is); booting.rst wants x0 = the DTB, x1-x3 = 0.  So the entry
 *                is a page of six instructions and two literals that set exactly that and branch
 *                to the kernel.  It checks no digest of the segments.
 *
 * Everything goes into the main crash range (crashk_res); a low range (crashkernel=,low) is only
 * handed to the capture kernel as usable memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm64/arm64.h"
#include "crashmem.h"
#include "dtb.h"
#include "fileio.h"
#include "sysroot.h"
#include "units.h"

#define PAGE UINT64_C(4096)
#define KiB (UINT64_C(1) << 10)
#define GiB (UINT64_C(1) << 30)
#define ELFCOREHDR_ALIGN (64 * KiB)
#define FDT_PATH "/sys/firmware/fdt"

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

/* Place one more segment; the first failure is kept in *first. */
static void place(struct kx_kload *k, const struct kx_segment *g, uint64_t start, uint64_t end,
		  int *first)
{
	int r = kx_segments_place(&k->segs, g, start, end);

	if (r < 0 && !*first)
		*first = r;
}

/* "dtb does not fit in the crash kernel region ...: kernel 36 MiB at 0x...; dtb 4 KiB (does not
 * fit); boot with ..." for -ENOSPC, every segment named. */
static int no_room(const struct kx_kload *k, uint64_t start, uint64_t end, struct kx_err *err)
{
	char list[sizeof(err->msg)], b[32], w[32];
	const char *what = NULL;
	size_t o = 0;

	list[0] = '\0';
	for (size_t i = 0; i < k->segs.n && o < sizeof(list); i++) {
		const struct kx_segment *g = &k->segs.seg[i];
		int n;

		if (!g->placed && !what)
			what = g->name;
		n = g->placed ? snprintf(list + o, sizeof(list) - o, "%s%s %s at %#" PRIx64,
					 i ? "; " : "", g->name,
					 kx_format_size(g->memsz, b, sizeof(b)), g->mem)
			      : snprintf(list + o, sizeof(list) - o, "%s%s %s (does not fit)",
					 i ? "; " : "", g->name,
					 kx_format_size(g->memsz, b, sizeof(b)));
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return kx_err_set(err, -ENOSPC, "%s does not fit in the crash kernel region %#" PRIx64
			  "-%#" PRIx64 " (%s): %s; boot with a larger crashkernel= or use a "
			  "smaller initrd", what ? what : "a segment", start, end,
			  kx_format_size(end - start + 1, w, sizeof(w)), list);
}

/* An error about the device tree, with its name in front and the offset kept. */
static int dtb_error(const struct kx_arm64_kload_in *in, const struct kx_err *e, struct kx_err *err)
{
	if (e->has_offset)
		return kx_err_at(err, e->code, e->offset, "the device tree %s: %s", in->dtb_name,
				 e->msg);
	return kx_err_set(err, e->code, "the device tree %s: %s", in->dtb_name, e->msg);
}

/*
 * The capture kernel's usable memory: the main crash range, then the low one (the kernel reads
 * at most two and takes the last as the low range).  Each must be RAM in the device tree, or
 * the capture kernel could not use it.  ret_map gets the intersection, the memory the capture
 * kernel will run in.
 */
static int usable_memory(const struct kx_arm64_kload_in *in, const struct kx_ranges *ram,
			 struct kx_ranges *usable, struct kx_kload *k, struct kx_err *err)
{
	const struct kx_crash_range *main_range = kx_crashmem_main(in->mem);
	int r = kx_ranges_add(usable, main_range->start, main_range->end);

	for (size_t i = 0; r == 0 && i < in->mem->ncrash; i++)
		if (in->mem->crash[i].role == KX_CRASH_LOW) {
			r = kx_ranges_add(usable, in->mem->crash[i].start, in->mem->crash[i].end);
			break;
		}
	if (r < 0)
		return kx_err_set(err, r, "out of memory");
	k->memmap = calloc(usable->n * (ram->n ? ram->n : 1), sizeof(*k->memmap));
	if (!k->memmap)
		return kx_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < usable->n; i++) {
		const struct kx_range *u = &usable->r[i];
		uint64_t covered = 0;

		for (size_t j = 0; j < ram->n; j++) {
			uint64_t s = u->start > ram->r[j].start ? u->start : ram->r[j].start;
			uint64_t e = u->end < ram->r[j].end ? u->end : ram->r[j].end;

			if (s > e)
				continue;
			k->memmap[k->memmap_entries++] = (struct kx_kload_mem){ s, e, "System RAM" };
			covered += e - s + 1;
		}
		if (covered != kx_range_size(u))
			return kx_err_set(err, -EINVAL, "the crash kernel range %#" PRIx64 "-%#" PRIx64
					  " is not all memory in the device tree %s, so the "
					  "capture kernel could not use it: give the machine's own "
					  "device tree (--dtb=FILE, default " FDT_PATH ")",
					  u->start, u->end, in->dtb_name);
	}
	return 0;
}

static int check_image(const struct kx_arm64_kload_in *in, struct kx_arm64_image *h,
		       struct kx_err *err)
{
	size_t head = in->kernel_size < KX_FILE_HEAD ? (size_t)in->kernel_size : KX_FILE_HEAD;
	int r = kx_arm64_image_parse(in->kernel, head, h, err);

	if (r < 0)
		return r;
	if (h->text_offset % PAGE)
		return kx_err_set(err, -ENOEXEC, "the Image's text_offset 0x%" PRIx64 " is not "
				  "page aligned: no segment can start there", h->text_offset);
	if (in->kernel_size > h->image_size)
		return kx_err_set(err, -ENOEXEC, "the Image file is %" PRIu64 " bytes, more than "
				  "the image_size 0x%" PRIx64 " its header says the kernel "
				  "occupies: not an arm64 Image, or a damaged one",
				  in->kernel_size, h->image_size);
	return 0;
}

static const struct kx_segment *seg_named(const struct kx_kload *k, const char *name)
{
	for (size_t i = 0; i < k->segs.n; i++)
		if (!strcmp(k->segs.seg[i].name, name))
			return &k->segs.seg[i];
	return NULL;
}

/* The /chosen edit, then the DTB segment. */
static int place_dtb(const struct kx_arm64_kload_in *in, const struct kx_ranges *usable,
		     uint64_t kmin, struct kx_kload *k, struct kx_err *err)
{
	const struct kx_crash_range *w = kx_crashmem_main(in->mem);
	const struct kx_segment *eh = seg_named(k, "elfcorehdr"), *rd = seg_named(k, "initrd");
	struct kx_fdt_chosen ch = {
		.has_elfcorehdr = true, .elfcorehdr_addr = eh->mem,
		.elfcorehdr_size = in->elfcorehdr_size, .usable = usable, .bootargs = in->cmdline,
		.has_initrd = rd != NULL, .initrd_start = rd ? rd->mem : 0,
		.initrd_end = rd ? rd->mem + in->initrd_size : 0,
		.has_kaslr_seed = in->has_kaslr_seed, .kaslr_seed = in->kaslr_seed,
		.reserve = true,
	};
	struct kx_err e;
	size_t size;
	void *blob;
	int r, first = 0;

	kx_err_clear(&e);
	r = kx_fdt_edit_chosen(in->dtb, in->dtb_size, &ch, &blob, &size, &e);
	if (r < 0)
		return dtb_error(in, &e, err);
	k->owned[k->nowned++] = blob;
	k->dtb = blob;
	k->dtb_size = size;
	if (size > KX_ARM64_DTB_MAX)
		return kx_err_set(err, -E2BIG, "the edited device tree is %zu bytes; an arm64 "
				  "kernel takes at most 2 MiB (booting.rst): give a smaller one "
				  "with --dtb=FILE", size);
	place(k, &(struct kx_segment){ .name = "dtb", .buf = blob, .bufsz = size,
				       .align = KX_ARM64_KIMG_ALIGN, .min = kmin, .top_down = true },
	      w->start, w->end, &first);
	if (first == -ENOSPC)
		return no_room(k, w->start, w->end, err);
	return first < 0 ? kx_err_set(err, first, "cannot place the device tree") : 0;
}

/*
 * The entry page: x0 = the DTB, x1 = x2 = x3 = 0, branch to the kernel.  Data accesses run
 * with the MMU off (Device memory: no unaligned access), so both literals are 8-byte aligned.
 */
static const uint32_t purgatory_code[] = {
	0x580000c0,     /* ldr x0, [pc + 0x18]   the DTB */
	0xaa1f03e1,     /* mov x1, xzr */
	0xaa1f03e2,     /* mov x2, xzr */
	0xaa1f03e3,     /* mov x3, xzr */
	0x58000090,     /* ldr x16, [pc + 0x10]  the kernel's entry, at 0x20 */
	0xd61f0200,     /* br x16 */
};
#define PURGATORY_DTB 0x18
#define PURGATORY_ENTRY 0x20

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Place the entry page; its literals are filled in once the kernel's entry is known. */
static int place_purgatory(struct kx_kload *k, uint64_t kmin, unsigned char **ret_page,
			   struct kx_err *err)
{
	unsigned char *page;
	int first = 0;

	if (k->nowned >= KX_KLOAD_OWNED_MAX)
		return kx_err_set(err, -ENOMEM, "out of memory");
	page = calloc(1, PAGE);
	if (!page)
		return kx_err_set(err, -ENOMEM, "out of memory");
	k->owned[k->nowned++] = page;
	*ret_page = page;
	for (size_t i = 0; i < sizeof(purgatory_code) / sizeof(purgatory_code[0]); i++)
		put_le32(page + 4 * i, purgatory_code[i]);
	place(k, &(struct kx_segment){ .name = "purgatory", .buf = page, .bufsz = PAGE,
				       .align = PAGE, .min = kmin, .top_down = true },
	      k->window_start, k->window_end, &first);
	if (first == -ENOSPC)
		return no_room(k, k->window_start, k->window_end, err);
	return first < 0 ? kx_err_set(err, first, "cannot place the purgatory") : 0;
}

static void fill_purgatory(struct kx_kload *k, unsigned char *page, uint64_t kernel_entry)
{
	const struct kx_segment *g = seg_named(k, "purgatory"), *d = seg_named(k, "dtb");

	put_le64(page + PURGATORY_DTB, d->mem);
	put_le64(page + PURGATORY_ENTRY, kernel_entry);
	k->entry = g->mem;
}

int kx_arm64_kload_layout(const struct kx_arm64_kload_in *in, struct kx_kload *k,
			  struct kx_err *err)
{
	const struct kx_crash_range *w = in->mem ? kx_crashmem_main(in->mem) : NULL;
	struct kx_fdt_memory fm;
	struct kx_ranges usable = { 0 };
	struct kx_arm64_image h;
	struct kx_segment *kern;
	unsigned char *purgatory = NULL;
	uint64_t kmin, base, wmax;
	struct kx_err e;
	int r, first = 0;

	memset(k, 0, sizeof(*k));
	k->purgatory_does = KX_ARM64_PURGATORY_DOES;
	k->reserved_what = "image_size";
	k->dtb_source = in->dtb_name;
	if (!w)
		return kx_err_set(err, -ENOSPC, "no memory is reserved for a crash kernel: "
				  "/proc/iomem has no \"Crash kernel\" range; add crashkernel= to "
				  "the kernel command line and reboot");
	r = check_image(in, &h, err);
	if (r < 0)
		return r;
	kx_err_clear(&e);
	r = kx_fdt_memory(in->dtb, in->dtb_size, &fm, &e);
	if (r < 0)
		return dtb_error(in, &e, err);
	r = usable_memory(in, &fm.ram, &usable, k, err);
	kx_fdt_memory_free(&fm);
	if (r < 0)
		goto out;

	/* the kernel with all of text_offset + image_size, from its 2 MiB aligned base */
	kx_segments_init(&k->segs, PAGE);
	k->window_start = w->start;
	k->window_end = w->end;
	place(k, &(struct kx_segment){ .name = "kernel", .buf = in->kernel,
				       .bufsz = in->kernel_size,
				       .memsz = h.text_offset + page_up(h.image_size),
				       .align = KX_ARM64_KIMG_ALIGN }, w->start, w->end, &first);
	kern = &k->segs.seg[0];
	base = kern->placed ? kern->mem : w->start;
	kmin = base + h.text_offset + page_up(h.image_size);
	/* the 32 GiB window the initrd shares with the kernel */
	wmax = (base & ~(GiB - 1)) + 32 * GiB - 1;
	place(k, &(struct kx_segment){ .name = "elfcorehdr", .buf = in->elfcorehdr,
				       .bufsz = in->elfcorehdr_size,
				       .memsz = in->elfcorehdr_memsz, .align = ELFCOREHDR_ALIGN,
				       .min = kmin, .top_down = true }, w->start, w->end, &first);
	if (in->initrd)
		place(k, &(struct kx_segment){ .name = "initrd", .buf = in->initrd,
					       .bufsz = in->initrd_size, .align = PAGE,
					       .min = kmin, .max = wmax }, w->start, w->end, &first);
	if (first == -ENOSPC) {
		/* the DTB is still listed, with its unedited size, so the message names it */
		place(k, &(struct kx_segment){ .name = "dtb", .bufsz = in->dtb_size,
					       .align = KX_ARM64_KIMG_ALIGN, .min = kmin,
					       .top_down = true }, w->start, w->end, &first);
		r = no_room(k, w->start, w->end, err);
		goto out;
	}
	if (first < 0) {
		r = kx_err_set(err, first, "cannot lay out the segments: %s", strerror(-first));
		goto out;
	}
	r = place_dtb(in, &usable, kmin, k, err);
	if (r == 0)
		r = place_purgatory(k, kmin, &purgatory, err);
	if (r < 0)
		goto out;

	/* the kernel segment carries the file's bytes at base + text_offset; the rest of
	 * image_size stays reserved */
	kern->mem = base + h.text_offset;
	kern->memsz = page_up(in->kernel_size);
	k->reserved_start = kern->mem;
	k->reserved_end = kern->mem + page_up(h.image_size) - 1;
	fill_purgatory(k, purgatory, kern->mem);
	k->cmdline = strdup(in->cmdline);
	if (!k->cmdline)
		r = kx_err_set(err, -ENOMEM, "out of memory");
out:
	kx_ranges_free(&usable);
	return r;
}

/* The running kernel's device tree, as the kernel exports it (binary, sized by the kernel). */
static int read_fdt(const struct kx_sysroot *s, void **ret, size_t *ret_len, struct kx_err *err)
{
	int fd = kx_sysroot_open(s, FDT_PATH, O_RDONLY | O_CLOEXEC);
	long long done = 0;
	struct stat st;
	char *buf;

	if (fd == -ENOENT)
		return kx_err_set(err, fd, "no " FDT_PATH ": this kernel was not booted with a device "
				  "tree (ACPI only?); give one with --dtb=FILE");
	if (fd < 0)
		return kx_err_set(err, fd, "cannot open " FDT_PATH ": %s", strerror(-fd));
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > KX_FDT_SIZE_MAX) {
		close(fd);
		return kx_err_set(err, -EBADMSG, FDT_PATH " is %lld bytes, not a device tree of "
				  "at most %u bytes", (long long)st.st_size, KX_FDT_SIZE_MAX);
	}
	buf = malloc((size_t)st.st_size);
	if (buf)
		done = kx_pread_full(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	if (!buf)
		return kx_err_set(err, -ENOMEM, "out of memory");
	if (done < 0) {
		free(buf);
		return kx_err_set(err, (int)done, "cannot read " FDT_PATH ": %s",
				  strerror((int)-done));
	}
	*ret = buf;
	*ret_len = (size_t)done;        /* short: kx_fdt_check names the truncation */
	return 0;
}

int kx_arm64_kexec_load_build(const struct kx_kload_in *in, struct kx_kload *ret,
			      struct kx_err *err)
{
	struct kx_arm64_kload_in a = {
		.kernel = in->kernel, .kernel_size = in->kernel_size,
		.initrd = in->initrd, .initrd_size = in->initrd_size, .cmdline = in->cmdline,
		.mem = in->mem, .elfcorehdr = in->elfcorehdr,
		.elfcorehdr_size = in->elfcorehdr_size, .elfcorehdr_memsz = in->elfcorehdr_memsz,
		.dtb = in->dtb, .dtb_size = (size_t)in->dtb_size,
		.dtb_name = in->dtb ? in->dtb_name : FDT_PATH,
	};
	void *own = NULL;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!in->crash)
		return kx_err_set(err, -ENOTSUP, "kexec_load (-c) of a kernel to boot into is not "
				  "supported on arm64 in this version: use -s (kexec_file_load)");
	if (!a.dtb) {
		r = read_fdt(in->sysroot, &own, &a.dtb_size, err);
		if (r < 0)
			return r;
		a.dtb = own;
	}
	/* a fresh seed, as the kernel's own crash load gives one when its RNG is ready */
	a.has_kaslr_seed = getrandom(&a.kaslr_seed, sizeof(a.kaslr_seed), GRND_NONBLOCK) ==
			   (ssize_t)sizeof(a.kaslr_seed);
	r = kx_arm64_kload_layout(&a, ret, err);
	free(own);
	return r;
}
