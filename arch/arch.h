/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_ARCH_H
#define KX_ARCH_H
/*
 * Everything the loader needs to know about one architecture, behind one table.  Each directory
 * under arch/ defines one `struct kx_arch_ops`; the loader picks the one for the running kernel
 * (/proc/sys/kernel/arch, else uname -m) at run time.  The code in each directory is pure where it
 * can be (image header parsers, segment layouts) and compiles on every host, so every arch is
 * unit tested on x86_64.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "machine.h"
#include "ranges.h"
#include "segments.h"

/* A kernel or initrd file opened by the loader; `head` holds its first bytes. */
struct kx_file {
	const char *path;
	int fd;
	uint64_t size;
	const unsigned char *head;
	size_t head_len;
};

#define KX_FILE_HEAD 65536      /* bytes of the kernel image read for probing */

/* What probing learned about a kernel image. */
struct kx_image_info {
	const char *type;               /* image type name, as -t takes it */
	char version[160];              /* version string embedded in the image, "" if none */
	char protocol[16];              /* boot protocol version ("2.15"), "" if none */
	uint64_t cmdline_max;           /* bytes of command line incl. its NUL the image takes */
	uint64_t crash_cmdline_extra;   /* bytes the kernel adds to a crash command line */
	uint64_t load_bufsz;            /* bytes of the file the kernel loads */
	uint64_t load_memsz;            /* memory the image needs once loaded (decompression) */
	uint64_t load_align;            /* alignment of the image in memory */
	uint64_t load_min;              /* lowest address for the image */
	uint64_t arch_flags;            /* shown in plans (x86: xloadflags) */
	bool kload_only;                /* kexec_file_load does not take it (x86_64 ELF vmlinux):
					   -c only, and what -a uses */
};

/* What a load asks the architecture to lay out. */
struct kx_load_request {
	bool crash;
	const struct kx_image_info *image;
	bool has_initrd;
	uint64_t initrd_size;
	uint64_t cmdline_len;           /* incl. its NUL */
	uint64_t elfcorehdr_memsz;      /* crash: memory the elfcorehdr segment takes */
};

/*
 * A kexec_load (-c): the loader hands the architecture the files and the header it built; the
 * architecture lays out and fills every segment (boot data, purgatory) and names the entry.
 */
struct kx_sysroot;
struct kx_crashmem;

struct kx_kload_in {
	bool crash;
	const struct kx_image_info *image;
	const unsigned char *kernel;    /* the whole image file */
	uint64_t kernel_size;
	const unsigned char *initrd;    /* NULL: no initrd */
	uint64_t initrd_size;
	const char *cmdline;            /* as the user asked; the arch adds elfcorehdr= etc. */
	/* crash: the main crash range and the memory model the capture map is made from */
	uint64_t window_start, window_end;
	const struct kx_crashmem *mem;
	const void *elfcorehdr;         /* crash: the header, elfcorehdr_size bytes */
	uint64_t elfcorehdr_size;
	uint64_t elfcorehdr_memsz;      /* room for the kernel to rewrite it (crash hotplug) */
	bool elfcorehdr_no_digest;      /* hotplug: the kernel rewrites it, purgatory skips it */
	bool verify;                    /* purgatory checks the digest (no -i) */
	const struct kx_sysroot *sysroot;       /* /proc/iomem, firmware tables */
	/* arches that hand the new kernel a device tree (arm64): the one to edit (-c --dtb=FILE);
	   NULL: the arch reads the running kernel's (/sys/firmware/fdt) */
	const void *dtb;
	uint64_t dtb_size;
	const char *dtb_name;           /* for messages: the file it came from */
	/* --mem-min / --mem-max: every segment within [mem_min, mem_max] (0 and UINT64_MAX
	   when not given; the loader checks the layout against them for every arch) */
	uint64_t mem_min, mem_max;
	/* x86_64 purgatory: --serial (ttyS0-3, 0xPORT; NULL: the console= port) and
	   --serial-baud (0: the UART as the first kernel left it) */
	const char *serial;
	unsigned serial_baud;
	bool memmap_cmdline;            /* x86_64 crash: the map as memmap= words too */
};

#define KX_KLOAD_OWNED_MAX 4

/* One entry of the memory map the new kernel is given. */
struct kx_kload_mem {
	uint64_t start, end;            /* inclusive */
	const char *type;               /* the kernel's name: "System RAM", "Reserved", ... */
};

struct kx_kload {
	struct kx_segments segs;        /* in the order given to the kernel; bufs point into the
					   inputs or into owned[] */
	uint64_t entry;                 /* where the kernel jumps: the purgatory */
	char *cmdline;                  /* what the new kernel gets */
	uint64_t window_start, window_end;      /* where the segments were placed */
	uint64_t reserved_start, reserved_end;  /* kept free for the kernel to decompress into */
	struct kx_kload_mem *memmap;    /* the new kernel's memory map (x86: e820) */
	size_t memmap_entries;
	uint64_t acpi_rsdp;             /* handed over without EFI, 0 if none */
	size_t digest_regions;          /* segments purgatory checks (0 with -i) */
	uint16_t serial_port;           /* x86_64: where purgatory reports a mismatch */
	unsigned serial_baud;           /* the rate it programs first, 0: none */
	const char *reserved_what;      /* what reserved_* keeps free ("image_size"); NULL:
					   the x86 kernel's init_size */
	const void *dtb;                /* the edited device tree the new kernel gets (a segment's
					   buf), NULL when the arch hands over none */
	size_t dtb_size;
	const char *dtb_source;         /* the device tree it was made from */
	const char *purgatory_does;     /* non-NULL: what this arch's purgatory does, when it is
					   not the SHA-256 check of digest_regions segments */
	const char *plan_only;          /* non-NULL: this version can show the plan but not load
					   it; the sentence says why and what to do instead */
	void *owned[KX_KLOAD_OWNED_MAX];
	size_t nowned;
};

void kx_kload_free(struct kx_kload *k);

struct kx_arch_ops {
	const char *name;               /* "x86_64" */
	const char *machine;            /* its row of the machine table (lib/machine.h: uname -m
					   name, aliases, e_machine, word size, byte order) */
	uint32_t kexec_arch;            /* KEXEC_ARCH_* in the high 16 bits of kexec_load flags */
	uint32_t hotplug_flag;          /* kexec_load flag asking the kernel to keep the
					   elfcorehdr updated (x86: UPDATE_ELFCOREHDR 0x4, whose
					   6.5-6.9 kernels reject 0x8; else CRASH_HOTPLUG_SUPPORT) */
	const char *const *image_types; /* -t names, NULL-terminated; the first is probed first */
	uint64_t page_size;
	uint64_t default_page_offset;   /* direct map without KASLR, when /proc/kcore is unreadable */
	bool kernel_text_phdr;          /* elfcorehdr has a kernel text PT_LOAD (vaddr of _text) */
	bool image_untellable;          /* probe_image accepts any file (s390: an image has no
					   signature), so an image does not tell this arch */
	const struct kx_range *crash_exclude;   /* left out of every crash dump */
	size_t ncrash_exclude;

	/*
	 * Recognise the image (type NULL: any type this arch loads).  -ENOEXEC with err saying why
	 * the file is not such an image.
	 */
	int (*probe_image)(const struct kx_file *kernel, const char *type,
			   struct kx_image_info *ret, struct kx_err *err);

	/*
	 * Where kexec_file_load will put the segments of this load inside [start, end] (the main
	 * crash range for a crash load), in the kernel's order and with its rules.  Returns 0, or
	 * -ENOSPC when a segment does not fit (segments shows which).
	 */
	int (*file_load_layout)(const struct kx_load_request *req, uint64_t start, uint64_t end,
				struct kx_segments *ret);

	/*
	 * Build the segments of a kexec_load (NULL: the arch has no kexec_load support).  Reads
	 * the arch's firmware inputs through in->sysroot.  -ENOSPC when a segment does not fit
	 * (ret->segs shows which, err lists every segment with the window it had to fit),
	 * -ENOEXEC/-E2BIG/-EINVAL for images and command lines it cannot boot.  On failure ret
	 * still holds what was laid out; kx_kload_free() it either way.
	 */
	int (*kexec_load_build)(const struct kx_kload_in *in, struct kx_kload *ret,
				struct kx_err *err);

	/*
	 * The machine's RAM when the arch does not take it from /proc/iomem's System RAM (NULL:
	 * it does).  ppc64: the device tree.  The crash memory model then uses these ranges with
	 * /proc/iomem's crash kernel and kernel image ranges.  *ret_source names what was read.
	 */
	int (*read_ram)(const struct kx_sysroot *s, struct kx_ranges *ret, const char **ret_source,
			struct kx_err *err);
};

/* The ops for a machine name ("x86_64", "amd64"), or NULL. */
const struct kx_arch_ops *kx_arch_find(const char *machine);
/* The machine table's row of an arch: its e_machine and byte order for the elfcorehdr. */
static inline const struct kx_machine *kx_arch_machine(const struct kx_arch_ops *a)
{
	return kx_machine_by_name(a->machine);
}

/* Names of every supported architecture, for messages: "x86_64". */
const char *kx_arch_names(void);
/* The arch whose probe recognises this kernel image, or NULL (image_untellable arches aside). */
const struct kx_arch_ops *kx_arch_for_image(const struct kx_file *kernel);

#endif
