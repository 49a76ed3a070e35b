// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot_params for the 64-bit entry of a bzImage loaded with kexec_load.
 *
 * EFI: the capture kernel boots WITHOUT EFI runtime services.  efi_info stays zero, so the
 * kernel does not see an EFI boot (efi_loader_signature is empty) and never calls into the
 * firmware, whose runtime mappings the crashed kernel may have left in any state; the firmware
 * memory map is not handed over either: the e820 map built here is the whole truth.  What the
 * kernel still needs from the firmware is the ACPI root pointer, and boot_params has a field for
 * it: acpi_rsdp_addr (0x070, Linux 4.20 and later, so 6.1 and 6.12).  The decompressor's
 * get_rsdp_addr() (arch/x86/boot/compressed/acpi.c) takes that field first, before looking at
 * EFI tables or scanning the BIOS area, and the kernel proper's x86_default_get_root_pointer()
 * (x86_init.acpi.get_root_pointer, used by acpi_os_get_root_pointer()) returns it as well.  It
 * is a boot_params field, not a setup_header one (that was the withdrawn protocol 2.14), so no
 * protocol version or flag gates it.  The loader reads the address from /sys/firmware/efi/systab
 * (kx_efi_systab_rsdp) or from the running kernel's own boot_params
 * (kx_x86_bootparams_template_rsdp); on a BIOS machine it may pass 0 and the kernel scans.
 *
 * What the 64-bit entry does not use: it starts after the real-mode setup code and the 32-bit
 * entry, so vid_mode, heap_end_ptr and CAN_USE_HEAP, setup_move_size, realmode_swtch,
 * code32_start and the legacy BIOS data (apm_bios_info, ist_info, hd0/hd1_info, sys_desc_table,
 * edd*) are neither needed nor gathered; they stay as the image has them, or zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootparams.h"

#define PAGE_SIZE 4096u
#define MiB (UINT64_C(1) << 20)
/* x86_64 kernels decompress to 2 MiB aligned addresses (MIN_KERNEL_ALIGN, PMD size). */
#define MIN_KERNEL_ALIGN (2 * MiB)
/* The kernel's own bzImage64 loader never puts a kernel below 1 MiB (MIN_KERNEL_LOAD_ADDR). */
#define MIN_KERNEL_LOAD_ADDR MiB

/* The offsets follow each other exactly as the fields of struct boot_params do. */
_Static_assert(KX_BP_SCREEN_INFO + 0x40 == KX_BP_APM_BIOS_INFO, "screen_info is 0x40 bytes");
_Static_assert(KX_BP_APM_BIOS_INFO + 0x14 + 4 == KX_BP_TBOOT_ADDR, "apm_bios_info + _pad2");
_Static_assert(KX_BP_TBOOT_ADDR + 8 == KX_BP_IST_INFO, "tboot_addr is a u64");
_Static_assert(KX_BP_IST_INFO + 0x10 == KX_BP_ACPI_RSDP_ADDR, "ist_info is 16 bytes");
_Static_assert(KX_BP_ACPI_RSDP_ADDR + 8 + 8 == KX_BP_HD0_INFO, "acpi_rsdp_addr + _pad3");
_Static_assert(KX_BP_HD0_INFO + 16 + 16 + 16 == KX_BP_OLPC_OFW_HEADER, "hd0, hd1, sys_desc");
_Static_assert(KX_BP_OLPC_OFW_HEADER + 16 == KX_BP_EXT_RAMDISK_IMAGE, "olpc_ofw_header");
_Static_assert(KX_BP_EXT_RAMDISK_IMAGE + 4 == KX_BP_EXT_RAMDISK_SIZE, "u32");
_Static_assert(KX_BP_EXT_RAMDISK_SIZE + 4 == KX_BP_EXT_CMD_LINE_PTR, "u32");
_Static_assert(KX_BP_EXT_CMD_LINE_PTR + 4 + 116 == KX_BP_EDID_INFO, "ext_cmd_line_ptr + _pad4");
_Static_assert(KX_BP_EDID_INFO + 0x80 == KX_BP_EFI_INFO, "edid_info is 128 bytes");
_Static_assert(KX_BP_EFI_INFO + 8 * 4 == KX_BP_ALT_MEM_K, "efi_info is 8 u32");
_Static_assert(KX_BP_ALT_MEM_K + 4 + 4 == KX_BP_E820_ENTRIES, "alt_mem_k, scratch");
_Static_assert(KX_BP_E820_ENTRIES + 4 == KX_BP_SECURE_BOOT, "e820, eddbuf, mbr_sig, kbd");
_Static_assert(KX_BP_SECURE_BOOT + 1 + 2 == KX_BP_SENTINEL, "secure_boot + _pad5");
_Static_assert(KX_BP_SENTINEL + 1 + 1 == KX_BP_HDR, "sentinel + _pad6");
_Static_assert(KX_BP_EDD_MBR_SIG_BUF + 16 * 4 == KX_BP_E820_TABLE, "EDD_MBR_SIG_MAX u32");
_Static_assert(KX_BP_E820_TABLE + KX_E820_ZEROPAGE_MAX * KX_E820_ENTRY_SIZE + 48 == KX_BP_EDDBUF,
	       "e820_table + _pad8");
_Static_assert(KX_BP_EDDBUF + 6 * 82 + 276 == KX_BP_SIZE, "eddbuf + _pad9 end the page");
/* struct setup_header */
_Static_assert(KX_HDR_SETUP_SECTS == KX_BP_HDR, "hdr starts with setup_sects");
_Static_assert(KX_HDR_SETUP_SECTS + 1 + 2 + 4 + 2 + 2 + 2 == KX_HDR_BOOT_FLAG, "to boot_flag");
_Static_assert(KX_HDR_BOOT_FLAG + 2 + 2 == KX_HDR_HEADER && KX_HDR_JUMP + 2 == KX_HDR_HEADER,
	       "boot_flag, jump");
_Static_assert(KX_HDR_HEADER + 4 == KX_HDR_VERSION, "header is a u32");
_Static_assert(KX_HDR_VERSION + 2 + 4 + 2 + 2 == KX_HDR_TYPE_OF_LOADER, "to type_of_loader");
_Static_assert(KX_HDR_TYPE_OF_LOADER + 1 == KX_HDR_LOADFLAGS, "u8");
_Static_assert(KX_HDR_LOADFLAGS + 1 + 2 == KX_HDR_CODE32_START, "setup_move_size");
_Static_assert(KX_HDR_CODE32_START + 4 == KX_HDR_RAMDISK_IMAGE, "u32");
_Static_assert(KX_HDR_RAMDISK_IMAGE + 4 == KX_HDR_RAMDISK_SIZE, "u32");
_Static_assert(KX_HDR_RAMDISK_SIZE + 4 + 4 == KX_HDR_HEAP_END_PTR, "bootsect_kludge");
_Static_assert(KX_HDR_HEAP_END_PTR + 2 + 1 + 1 == KX_HDR_CMD_LINE_PTR, "ext_loader_ver/type");
_Static_assert(KX_HDR_CMD_LINE_PTR + 4 + 4 == KX_HDR_KERNEL_ALIGNMENT, "initrd_addr_max");
_Static_assert(KX_HDR_KERNEL_ALIGNMENT + 4 + 1 + 1 == KX_HDR_XLOADFLAGS, "relocatable, min_al");
_Static_assert(KX_HDR_XLOADFLAGS + 2 == KX_HDR_CMDLINE_SIZE, "u16");
_Static_assert(KX_HDR_CMDLINE_SIZE + 4 + 4 + 8 + 4 + 4 == KX_HDR_SETUP_DATA, "subarch, payload");
_Static_assert(KX_HDR_SETUP_DATA + 8 == KX_HDR_PREF_ADDRESS, "u64");
_Static_assert(KX_HDR_PREF_ADDRESS + 8 == KX_HDR_INIT_SIZE, "u64");
_Static_assert(KX_HDR_INIT_SIZE + 4 + 4 == KX_HDR_KERNEL_INFO_OFF, "handover_offset");
_Static_assert(KX_HDR_KERNEL_INFO_OFF + 4 == KX_HDR_END_2_15, "u32");
_Static_assert(KX_HDR_END_2_15 <= KX_BP_EDD_MBR_SIG_BUF, "the header fits before 0x290");

static void put8(unsigned char *b, size_t off, uint8_t v)
{
	b[off] = v;
}

static void put32(unsigned char *b, size_t off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		b[off + i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *b, size_t off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

static uint64_t get64(const unsigned char *b, size_t off)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)b[off + i] << (8 * i);
	return v;
}

static size_t align16(size_t v)
{
	return (v + 15) & ~(size_t)15;
}

/*
 * The setup header runs from 0x1f1 to 0x202 + the byte at 0x201 (boot.rst, "64-bit boot
 * protocol"): the jump at 0x200 skips it.  Returns its end offset or -ENOEXEC.
 */
static long header_end(const unsigned char *head, size_t len, struct kx_err *err)
{
	long end;

	if (len < KX_HDR_HEADER)
		return kx_err_at(err, -ENOEXEC, len, "the image head is %zu bytes, too short for the "
				 "setup header at 0x1f1", len);
	if (head[KX_HDR_JUMP] != 0xeb)
		return kx_err_at(err, -ENOEXEC, KX_HDR_JUMP, "no short jump (0xEB) at offset 0x200: "
				 "the setup header's length is unknown; is this a bzImage?");
	end = KX_HDR_HEADER + (long)(int8_t)head[KX_HDR_JUMP + 1];
	if (end < KX_HDR_KERNEL_INFO_OFF || end > KX_BP_EDD_MBR_SIG_BUF)
		return kx_err_at(err, -ENOEXEC, KX_HDR_JUMP + 1, "the setup header would end at 0x%lx "
				 "(jump at 0x200); a protocol 2.12+ header ends between 0x%x and 0x%x",
				 end, KX_HDR_KERNEL_INFO_OFF, KX_BP_EDD_MBR_SIG_BUF);
	if ((size_t)end > len)
		return kx_err_at(err, -ENOEXEC, len, "the image head is %zu bytes but its setup header "
				 "ends at 0x%lx", len, end);
	return end;
}

/*
 * From the running kernel's boot_params only two things carry over:
 *  - screen_info: the video mode / framebuffer the firmware and boot loader set up, which is
 *    still on screen; without it the capture kernel has no early console on the display
 *    (efifb/simplefb/vgacon are set up from it).  ext_mem_k inside it is an old BIOS memory
 *    size that only counts when there is no e820 map, so it is cleared.
 *  - edid_info: the monitor's EDID that the real-mode setup read through the video BIOS; the
 *    64-bit entry skips that code, so it cannot be read again.
 * Everything else is rewritten (hdr, e820, initrd, command line), describes firmware state
 * handed over on purpose not at all (efi_info, secure_boot: see the top of this file), is
 * legacy BIOS data the capture kernel neither gets nor needs, or is per-boot scratch
 * (alt_mem_k, scratch, kbd_status, sentinel) that must not leak into the next boot.
 */
static int apply_template(unsigned char *bp, const unsigned char *tmpl, size_t len,
			  struct kx_err *err)
{
	if (len != KX_BP_SIZE)
		return kx_err_at(err, -EBADMSG, len < KX_BP_SIZE ? len : KX_BP_SIZE, "the template "
				 "boot_params is %zu bytes, not %u: pass /sys/kernel/boot_params/data "
				 "or none", len, KX_BP_SIZE);
	memcpy(bp + KX_BP_SCREEN_INFO, tmpl + KX_BP_SCREEN_INFO, 0x40);
	bp[KX_BP_EXT_MEM_K] = bp[KX_BP_EXT_MEM_K + 1] = 0;
	memcpy(bp + KX_BP_EDID_INFO, tmpl + KX_BP_EDID_INFO, 0x80);
	return 0;
}

int kx_x86_bootparams_template_rsdp(const unsigned char *tmpl, size_t len, uint64_t *ret,
				    struct kx_err *err)
{
	if (len != KX_BP_SIZE)
		return kx_err_at(err, -EBADMSG, len < KX_BP_SIZE ? len : KX_BP_SIZE, "the template "
				 "boot_params is %zu bytes, not %u", len, KX_BP_SIZE);
	*ret = get64(tmpl, KX_BP_ACPI_RSDP_ADDR);
	return 0;
}

static int check_spec(const struct kx_bootparams_spec *s, struct kx_err *err)
{
	const struct kx_e820 *m = s->e820;
	bool ram = false;
	size_t cmdlen;

	if (!s->bz || !s->head || !s->cmdline || !m)
		return kx_err_set(err, -EINVAL, "boot_params need the image header, its first bytes, "
				  "a command line and an e820 map");
	cmdlen = strlen(s->cmdline);
	if (s->bz->version < KX_BZ_MIN_PROTOCOL)
		return kx_err_set(err, -ENOEXEC, "boot protocol %u.%02u has no 64-bit entry with "
				  "ext_ fields and setup_data (2.12 or later needed)",
				  s->bz->version >> 8, s->bz->version & 0xff);
	if (cmdlen > s->bz->cmdline_size)
		return kx_err_set(err, -E2BIG, "the command line is %zu bytes but this kernel takes "
				  "at most %u (cmdline_size); shorten --append or --command-line",
				  cmdlen, s->bz->cmdline_size);
	if (s->load_addr % PAGE_SIZE)
		return kx_err_set(err, -EINVAL, "boot_params load address 0x%llx is not page aligned",
				  (unsigned long long)s->load_addr);
	if ((s->initrd_size == 0) != (s->initrd_addr == 0) ||
	    s->initrd_addr + s->initrd_size < s->initrd_addr)
		return kx_err_set(err, -EINVAL, "initrd at 0x%llx of %llu bytes is not a range in "
				  "memory", (unsigned long long)s->initrd_addr,
				  (unsigned long long)s->initrd_size);
	for (size_t i = 0; m && i < m->n; i++) {
		if (m->e[i].end - m->e[i].start == UINT64_MAX ||
		    (i && m->e[i].start <= m->e[i - 1].end))
			return kx_err_set(err, -EINVAL, "e820 entry %zu (%llx-%llx) overlaps the one "
					  "before or covers all of memory: normalize the map first",
					  i, (unsigned long long)m->e[i].start,
					  (unsigned long long)m->e[i].end);
		ram |= m->e[i].type == KX_E820_RAM;
	}
	if (!ram)
		return kx_err_set(err, -EINVAL, "the e820 map has no RAM: the kernel would have no "
				  "memory to run in");
	return 0;
}

static void put_e820(unsigned char *b, size_t off, const struct kx_e820_entry *e)
{
	put64(b, off, e->start);
	put64(b, off + 8, e->end - e->start + 1);
	put32(b, off + 16, e->type);
}

int kx_x86_bootparams_build(const struct kx_bootparams_spec *s, struct kx_bootparams *ret,
			    struct kx_err *err)
{
	struct kx_bootparams bp = { 0 };
	const struct kx_e820 *m = s->e820;
	size_t cmdlen, nodes_off, ext, hdr_end;
	long end;
	int r;

	r = check_spec(s, err);
	if (r < 0)
		return r;
	end = header_end(s->head, s->head_len, err);
	if (end < 0)
		return (int)end;
	hdr_end = (size_t)end;
	cmdlen = strlen(s->cmdline);
	ext = m->n > KX_E820_ZEROPAGE_MAX ? m->n - KX_E820_ZEROPAGE_MAX : 0;
	bp.e820_zeropage = (unsigned)(m->n - ext);
	bp.e820_ext = (unsigned)ext;
	bp.nodes = (unsigned)((ext + KX_E820_EXT_PER_NODE - 1) / KX_E820_EXT_PER_NODE);
	nodes_off = align16(KX_BP_SIZE + cmdlen + 1);
	bp.len = nodes_off + bp.nodes * align16(KX_SETUP_DATA_HDR) + ext * KX_E820_ENTRY_SIZE +
		 bp.nodes * 15;
	bp.buf = calloc(1, bp.len);
	if (!bp.buf)
		return kx_err_set(err, -ENOMEM, "out of memory for a %zu byte boot_params buffer",
				  bp.len);

	if (s->tmpl) {
		r = apply_template(bp.buf, s->tmpl, s->tmpl_len, err);
		if (r < 0) {
			free(bp.buf);
			return r;
		}
	}
	/* the header as the image has it, then what a loader writes into it */
	memcpy(bp.buf + KX_BP_HDR, s->head + KX_BP_HDR, hdr_end - KX_BP_HDR);
	bp.hdr_len = hdr_end - KX_BP_HDR;
	put8(bp.buf, KX_HDR_TYPE_OF_LOADER, KX_LOADER_UNDEFINED);
	/* LOADED_HIGH is information for 16-bit loaders, CAN_USE_HEAP is about the real-mode heap,
	 * KASLR_FLAG is the decompressor's own, KEEP_SEGMENTS is obsolete and QUIET_FLAG would hide
	 * the capture kernel's early messages: a kexec loader writes 0, as the kernel's own does. */
	put8(bp.buf, KX_HDR_LOADFLAGS, 0);
	put8(bp.buf, KX_BP_SENTINEL, 0);        /* we built a clean page: nothing to zero out */

	bp.cmdline_addr = s->load_addr + KX_BP_SIZE;
	memcpy(bp.buf + KX_BP_SIZE, s->cmdline, cmdlen + 1);
	put32(bp.buf, KX_HDR_CMD_LINE_PTR, (uint32_t)bp.cmdline_addr);
	put32(bp.buf, KX_BP_EXT_CMD_LINE_PTR, (uint32_t)(bp.cmdline_addr >> 32));

	put32(bp.buf, KX_HDR_RAMDISK_IMAGE, (uint32_t)s->initrd_addr);
	put32(bp.buf, KX_BP_EXT_RAMDISK_IMAGE, (uint32_t)(s->initrd_addr >> 32));
	put32(bp.buf, KX_HDR_RAMDISK_SIZE, (uint32_t)s->initrd_size);
	put32(bp.buf, KX_BP_EXT_RAMDISK_SIZE, (uint32_t)(s->initrd_size >> 32));

	put64(bp.buf, KX_BP_ACPI_RSDP_ADDR, s->acpi_rsdp);

	put8(bp.buf, KX_BP_E820_ENTRIES, (uint8_t)bp.e820_zeropage);
	for (unsigned i = 0; i < bp.e820_zeropage; i++)
		put_e820(bp.buf, KX_BP_E820_TABLE + (size_t)i * KX_E820_ENTRY_SIZE, &m->e[i]);

	/* the rest in SETUP_E820_EXT nodes, each linked from the one before; none: no list (the
	 * image's own header has 0 there, but it is ours to write) */
	put64(bp.buf, KX_HDR_SETUP_DATA, 0);
	{
		size_t off = nodes_off, link = KX_HDR_SETUP_DATA, next_entry = bp.e820_zeropage;

		for (unsigned k = 0; k < bp.nodes; k++) {
			size_t count = m->n - next_entry;

			if (count > KX_E820_EXT_PER_NODE)
				count = KX_E820_EXT_PER_NODE;
			put64(bp.buf, link, s->load_addr + off);
			if (k == 0)
				bp.setup_data_addr = s->load_addr + off;
			put64(bp.buf, off, 0);          /* next: filled by the following node */
			put32(bp.buf, off + 8, KX_SETUP_E820_EXT);
			put32(bp.buf, off + 12, (uint32_t)(count * KX_E820_ENTRY_SIZE));
			for (size_t i = 0; i < count; i++)
				put_e820(bp.buf, off + KX_SETUP_DATA_HDR + i * KX_E820_ENTRY_SIZE,
					 &m->e[next_entry + i]);
			link = off;
			next_entry += count;
			off = align16(off + KX_SETUP_DATA_HDR + count * KX_E820_ENTRY_SIZE);
		}
		bp.len = off;
	}
	*ret = bp;
	return 0;
}

void kx_x86_bootparams_free(struct kx_bootparams *bp)
{
	free(bp->buf);
	*bp = (struct kx_bootparams){ 0 };
}

/* ---- where the kernel goes --------------------------------------------------------------- */

int kx_x86_kernel_place(const struct kx_bzimage *bz, uint64_t file_size,
			struct kx_x86_kernel_place *ret, struct kx_err *err)
{
	struct kx_x86_kernel_place p = { 0 };

	if (file_size <= bz->setup_size)
		return kx_err_set(err, -ENOEXEC, "the image is %llu bytes and has no protected-mode "
				  "part after its %llu bytes of setup code",
				  (unsigned long long)file_size, (unsigned long long)bz->setup_size);
	p.file_offset = bz->setup_size;
	p.bufsz = file_size - bz->setup_size;
	p.memsz = ((uint64_t)bz->init_size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	if (p.memsz < p.bufsz)
		return kx_err_set(err, -ENOEXEC, "init_size 0x%x is smaller than the %llu bytes of "
				  "kernel to load: the header is corrupt", bz->init_size,
				  (unsigned long long)p.bufsz);
	/* The decompressor starts at the load address rounded up to hdr.kernel_alignment, and
	 * never below LOAD_PHYSICAL_ADDR (pref_address): loaded anywhere else, the kernel would
	 * use memory outside [load, load + init_size).  The kernel's own loader uses the same
	 * alignment and minimum. */
	p.align = bz->kernel_alignment > MIN_KERNEL_ALIGN ? bz->kernel_alignment : MIN_KERNEL_ALIGN;
	p.min = bz->pref_address > MIN_KERNEL_LOAD_ADDR ? bz->pref_address : MIN_KERNEL_LOAD_ADDR;
	p.fixed = !bz->relocatable;
	*ret = p;
	return 0;
}

int kx_x86_kernel_check_load(const struct kx_x86_kernel_place *p, uint64_t load,
			     struct kx_err *err)
{
	uint64_t up = (load + p->align - 1) & ~(p->align - 1);

	if (p->fixed && load != p->min)
		return kx_err_set(err, -EINVAL, "this kernel is not relocatable: it must be loaded at "
				  "0x%llx, not 0x%llx", (unsigned long long)p->min,
				  (unsigned long long)load);
	if (load < p->min)
		return kx_err_set(err, -EINVAL, "kernel load address 0x%llx is below 0x%llx, where "
				  "the kernel would move itself to; load it at 0x%llx or above",
				  (unsigned long long)load, (unsigned long long)p->min,
				  (unsigned long long)p->min);
	if (load != up)
		return kx_err_set(err, -EINVAL, "kernel load address 0x%llx is not aligned to 0x%llx "
				  "(kernel_alignment); 0x%llx is", (unsigned long long)load,
				  (unsigned long long)p->align, (unsigned long long)up);
	if (load + p->memsz < load)
		return kx_err_set(err, -EINVAL, "kernel at 0x%llx with init_size 0x%llx wraps "
				  "around the address space", (unsigned long long)load,
				  (unsigned long long)p->memsz);
	return 0;
}

/* ---- /sys/firmware/efi/systab ------------------------------------------------------------ */

int kx_efi_systab_rsdp(const char *buf, size_t len, uint64_t *ret, struct kx_err *err)
{
	uint64_t acpi20 = 0, acpi = 0;
	bool have20 = false, have = false;

	for (size_t pos = 0; pos < len;) {
		const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *eq = memchr(line, '=', n);

		if (n == 0) {
			pos++;
			continue;
		}
		if (!eq || eq == line)
			return kx_err_at(err, -EBADMSG, pos, "/sys/firmware/efi/systab: line at offset "
					 "%zu is not KEY=VALUE", pos);
		if ((eq - line == 6 && !memcmp(line, "ACPI20", 6)) ||
		    (eq - line == 4 && !memcmp(line, "ACPI", 4))) {
			const char *v = eq + 1;
			size_t vlen = n - (size_t)(v - line), i = 2;
			uint64_t a = 0;

			if (vlen < 3 || v[0] != '0' || (v[1] != 'x' && v[1] != 'X'))
				return kx_err_at(err, -EBADMSG, pos + (size_t)(v - line), "/sys/firmware/"
						 "efi/systab: %.*s at offset %zu is not 0x<hex>",
						 (int)(eq - line), line, pos + (size_t)(v - line));
			for (; i < vlen; i++) {
				char c = v[i];
				unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
					     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
					     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;

				if (d == 16 || a >> 60)
					return kx_err_at(err, -EBADMSG, pos + (size_t)(v - line) + i,
							 "/sys/firmware/efi/systab: %.*s has %s at "
							 "offset %zu", (int)(eq - line), line,
							 d == 16 ? "a character that is not hex" :
							 "more than 64 bits",
							 pos + (size_t)(v - line) + i);
				a = a << 4 | d;
			}
			if (a == 0)
				return kx_err_at(err, -EBADMSG, pos, "/sys/firmware/efi/systab: %.*s is 0",
						 (int)(eq - line), line);
			if (eq - line == 6)
				acpi20 = a, have20 = true;
			else
				acpi = a, have = true;
		}
		pos += n + (nl ? 1 : 0);
	}
	if (!have20 && !have)
		return kx_err_set(err, -ENOENT, "/sys/firmware/efi/systab names no ACPI table (no "
				  "ACPI20= or ACPI= line): the capture kernel would find no ACPI");
	*ret = have20 ? acpi20 : acpi;
	return 0;
}
