// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s390x: the kernel's kexec_file_load (arch/s390/kernel/kexec_image.c, machine_kexec_file.c,
 * Linux 6.12) takes the image as it is (its probe accepts any file) and lays a crash load out
 * back to back from the start of the crash range: kernel, initrd, purgatory, IPL report, each
 * page aligned.  There is no elfcorehdr segment: the capture kernel builds the ELF header
 * itself, so memory hotplug never needs a reload on s390.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "s390/s390.h"

/* LEGACY_COMMAND_LINE_SIZE: what the kernel allows when the image does not say more */
#define S390_LEGACY_COMMAND_LINE_SIZE 896
/* Estimates of the two segments the kernel makes itself (a few pages each). */
#define PURGATORY_MEMSZ (4 * 4096)
#define IPL_REPORT_MEMSZ 4096

static const char *const image_types[] = { "image", NULL };

static int probe(const struct kx_file *kernel, const char *type, struct kx_image_info *ret,
		 struct kx_err *err)
{
	const unsigned char *b = kernel->head;
	size_t n = kernel->head_len;
	struct kx_image_info info = { .type = image_types[0] };

	if (type && strcmp(type, image_types[0]))
		return kx_err_set(err, -EINVAL, "image type '%s' is not supported on s390x "
				  "(supported: image)", type);
	/* The kernel cannot tell an s390 image from anything else; refuse what is clearly
	 * another architecture's kernel or a compressed file. */
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return kx_err_set(err, -ENOEXEC, "a gzip file, not an s390 kernel image: "
				  "decompress it first");
	if (n >= 20 && !memcmp(b, ELFMAG, SELFMAG) &&
	    !(b[EI_DATA] == ELFDATA2MSB && b[18] == 0 && b[19] == EM_S390))
		return kx_err_set(err, -ENOEXEC, "an ELF file for another machine than s390");
	if (n >= 64 && !memcmp(b + 0x38, "ARM\x64", 4))
		return kx_err_set(err, -ENOEXEC, "an arm64 Image, not an s390 kernel");
	if (n >= 0x206 && !memcmp(b + 0x202, "HdrS", 4))
		return kx_err_set(err, -ENOEXEC, "an x86 bzImage, not an s390 kernel");
	if (!kernel->size)
		return kx_err_set(err, -ENOEXEC, "an empty file");
	info.cmdline_max = S390_LEGACY_COMMAND_LINE_SIZE;
	info.load_bufsz = kernel->size;
	info.load_memsz = kernel->size;
	info.load_align = 4096;
	*ret = info;
	return 0;
}

static uint64_t page_up(uint64_t v)
{
	return (v + 4095) & ~UINT64_C(4095);
}

static int place_at(struct kx_segments *s, const char *name, uint64_t size, uint64_t at,
		    uint64_t start, uint64_t end, int *first)
{
	int r = kx_segments_place(s, &(struct kx_segment){ .name = name, .bufsz = size,
							   .memsz = size, .align = 4096,
							   .min = at, .max = at + page_up(size) - 1 },
				  start, end);

	if (r < 0 && r != -ENOSPC)
		return r;
	if (r < 0 && !*first)
		*first = r;
	return 0;
}

static int file_load_layout(const struct kx_load_request *req, uint64_t start, uint64_t end,
			    struct kx_segments *s)
{
	uint64_t base = req->crash && start <= end ? start : 0, off = 0;
	int r, first = 0;

	kx_segments_init(s, 4096);
	r = place_at(s, "kernel", req->image->load_memsz, base, start, end, &first);
	off = page_up(req->image->load_memsz);
	if (r == 0 && req->has_initrd) {
		r = place_at(s, "initrd", req->initrd_size, base + off, start, end, &first);
		off = page_up(off + req->initrd_size);
	}
	if (r == 0)
		r = place_at(s, "purgatory", PURGATORY_MEMSZ, base + off, start, end, &first);
	off += PURGATORY_MEMSZ;
	if (r == 0)
		r = place_at(s, "ipl_report", IPL_REPORT_MEMSZ, base + off, start, end, &first);
	if (r < 0)
		return r;
	return first == -ENOSPC && start > end ? 0 : first;
}

const struct kx_arch_ops kx_arch_s390 = {
	.name = "s390x",
	.machine = "s390x",
	.image_untellable = true,
	.kexec_arch = 22u << 16,        /* KEXEC_ARCH_S390 = EM_S390 << 16 = 0x160000 */
	.image_types = image_types,
	.page_size = 4096,
	.default_page_offset = 0,       /* identity map at 0 (before 6.10's randomized base) */
	.kernel_text_phdr = false,
	.crash_exclude = NULL,
	.ncrash_exclude = 0,
	.probe_image = probe,
	.file_load_layout = file_load_layout,
};
