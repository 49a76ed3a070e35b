// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64: bzImage64 kernels, the kernel's kexec_file_load layout (arch/x86/kernel/
 * kexec-bzimage64.c and crash.c, as of Linux 6.12), [0, 1 MiB) left out of crash dumps.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bzimage.h"
#include "vmlinux.h"
#include "x86_64.h"

#define MiB (UINT64_C(1) << 20)

/* Lowest addresses the kernel's bzImage64 loader uses (MIN_*_ADDR in kexec-bzimage64.c). */
#define MIN_PURGATORY_ADDR   0x3000
#define MIN_BOOTPARAM_ADDR   0x3000
#define MIN_KERNEL_LOAD_ADDR 0x100000
#define MIN_INITRD_LOAD_ADDR 0x1000000
/* "elfcorehdr=0x<64-bit> " the kernel puts in front of a crash command line */
#define MAX_ELFCOREHDR_STR_LEN 30
/* KEXEC_CONTROL_PAGE_SIZE of arch/x86/include/asm/kexec.h (x86_64) */
#define KEXEC_CONTROL_PAGE_SIZE 4096
/* The kernel's own purgatory (sha256 check, entry code, a 4 KiB stack): a few pages. */
#define PURGATORY_MEMSZ (5 * 4096)

static const char *const image_types[] = { "bzImage64", "elf-x86_64", NULL };

/* Since 5.13 the kernel reserves [0, 1 MiB) and its own file-load path leaves it out of the
 * dump (handing it to the capture kernel as RAM). */
static const struct kx_range crash_exclude[] = { { 0, MiB - 1 } };

uint64_t kx_x86_bootparams_size(uint64_t cmdline_len)
{
	/* struct boot_params (one page) + command line + "elfcorehdr=..." aligned to 16, then
	 * setup_data headers for EFI (16 + 40), the RNG seed (16 + 32), IMA (16 + 16) and KHO
	 * (16 + 32); the EFI runtime memory map, when there is one, comes on top */
	uint64_t sz = 4096 + ((cmdline_len + MAX_ELFCOREHDR_STR_LEN + 15) & ~UINT64_C(15));

	return sz + 16 + 40 + 16 + 32 + 16 + 16 + 16 + 32;
}

/* An ELF vmlinux (-t elf-x86_64): kexec_load only (vmlinux.h). */
static int probe_vmlinux(const struct kx_file *kernel, struct kx_image_info *ret,
			 struct kx_err *err)
{
	struct kx_image_info info = { .type = image_types[1], .kload_only = true };
	struct kx_x86_vmlinux v;
	int r;

	r = kx_x86_vmlinux_parse(kernel->head, kernel->head_len, kernel->size, &v, err);
	if (r < 0)
		return r;
	info.cmdline_max = 2048;
	info.crash_cmdline_extra = MAX_ELFCOREHDR_STR_LEN;
	info.load_bufsz = v.filesz;
	info.load_memsz = (v.memsz + 4095) & ~UINT64_C(4095);
	info.load_align = v.align;
	info.load_min = MIN_KERNEL_LOAD_ADDR;
	*ret = info;
	return 0;
}

static int probe(const struct kx_file *kernel, const char *type, struct kx_image_info *ret,
		 struct kx_err *err)
{
	struct kx_image_info info = { .type = image_types[0] };
	bool elf = kx_x86_is_elf(kernel->head, kernel->head_len);
	struct kx_bzimage b;
	int r;

	if (type && strcmp(type, image_types[0]) && strcmp(type, image_types[1]))
		return kx_err_set(err, -EINVAL, "image type '%s' is not supported on x86_64 "
				  "(supported: bzImage64, elf-x86_64)", type);
	if (type && !strcmp(type, image_types[1]) && !elf)
		return kx_err_set(err, -ENOEXEC, "-t elf-x86_64: not an ELF file");
	if (elf && type && !strcmp(type, image_types[0]))
		return kx_err_set(err, -ENOEXEC, "-t bzImage64: an ELF vmlinux, not a bzImage "
				  "(-t elf-x86_64 or no -t loads it with -c)");
	if (elf)
		return probe_vmlinux(kernel, ret, err);
	r = kx_bzimage_parse(kernel->head, kernel->head_len, kernel->size, &b, err);
	if (r < 0)
		return r;
	snprintf(info.version, sizeof(info.version), "%s", b.version_string);
	snprintf(info.protocol, sizeof(info.protocol), "%u.%02u", b.version >> 8,
		 b.version & 0xff);
	info.cmdline_max = (uint64_t)b.cmdline_size;
	info.crash_cmdline_extra = MAX_ELFCOREHDR_STR_LEN;
	info.load_bufsz = kernel->size - b.setup_size;
	info.load_memsz = ((uint64_t)b.init_size + 4095) & ~UINT64_C(4095);
	info.load_align = b.kernel_alignment ? b.kernel_alignment : 2 * MiB;
	info.load_min = b.pref_address > MIN_KERNEL_LOAD_ADDR ? b.pref_address
							       : MIN_KERNEL_LOAD_ADDR;
	info.arch_flags = b.xloadflags;
	*ret = info;
	return 0;
}

/*
 * The order and rules of the kernel's kexec_file_load on x86_64: crash_load_segments() adds the
 * elfcorehdr bottom-up, then bzImage64_load() adds purgatory, boot_params + command line, the
 * kernel and the initrd, each top-down.  A crash load searches only the main crash range
 * (crashk_res); a normal load goes anywhere in free RAM, which is not modelled: an empty region
 * (start > end) records the segments unplaced.
 */
static int file_load_layout(const struct kx_load_request *req, uint64_t start, uint64_t end,
			    struct kx_segments *s)
{
	const struct kx_image_info *img = req->image;
	struct kx_segment g;
	int r, first = 0;

	kx_segments_init(s, 4096);
	if (req->crash) {
		g = (struct kx_segment){ .name = "elfcorehdr", .bufsz = req->elfcorehdr_memsz,
					 .memsz = req->elfcorehdr_memsz, .align = 4096 };
		r = kx_segments_place(s, &g, start, end);
		if (r < 0 && r != -ENOSPC)
			return r;
		if (r < 0)
			first = r;
	}
	g = (struct kx_segment){ .name = "purgatory", .bufsz = PURGATORY_MEMSZ,
				 .memsz = PURGATORY_MEMSZ, .align = 4096,
				 .min = MIN_PURGATORY_ADDR, .top_down = true };
	r = kx_segments_place(s, &g, start, end);
	if (r < 0 && !first)
		first = r;
	g = (struct kx_segment){ .name = "boot_params",
				 .bufsz = kx_x86_bootparams_size(req->cmdline_len),
				 .align = 16, .min = MIN_BOOTPARAM_ADDR, .top_down = true };
	r = kx_segments_place(s, &g, start, end);
	if (r < 0 && !first)
		first = r;
	g = (struct kx_segment){ .name = "kernel", .bufsz = img->load_bufsz,
				 .memsz = img->load_memsz, .align = img->load_align,
				 .min = img->load_min, .top_down = true };
	r = kx_segments_place(s, &g, start, end);
	if (r < 0 && !first)
		first = r;
	if (req->has_initrd) {
		g = (struct kx_segment){ .name = "initrd", .bufsz = req->initrd_size,
					 .memsz = req->initrd_size, .align = 4096,
					 .min = MIN_INITRD_LOAD_ADDR, .top_down = true };
		r = kx_segments_place(s, &g, start, end);
		if (r < 0 && !first)
			first = r;
	}
	if (req->crash) {
		/* not a segment: the page the kernel's relocation code runs from, taken from the
		 * first hole of the crash range (kimage_alloc_crash_control_pages) */
		g = (struct kx_segment){ .name = "control_page", .bufsz = 0,
					 .memsz = KEXEC_CONTROL_PAGE_SIZE, .align = 4096 };
		r = kx_segments_place(s, &g, start, end);
		if (r < 0 && !first)
			first = r;
	}
	return first == -ENOSPC && start > end ? 0 : first;
}

const struct kx_arch_ops kx_arch_x86_64 = {
	.name = "x86_64",
	.machine = "x86_64",
	.kexec_arch = 62u << 16,        /* KEXEC_ARCH_X86_64 = EM_X86_64 << 16 = 0x3E0000 */
	.hotplug_flag = 0x4,            /* KEXEC_UPDATE_ELFCOREHDR */
	.image_types = image_types,
	.page_size = 4096,
	.default_page_offset = UINT64_C(0xffff888000000000),
	.kernel_text_phdr = true,
	.crash_exclude = crash_exclude,
	.ncrash_exclude = sizeof(crash_exclude) / sizeof(crash_exclude[0]),
	.probe_image = probe,
	.file_load_layout = file_load_layout,
	.kexec_load_build = kx_x86_kexec_load_build,
};
