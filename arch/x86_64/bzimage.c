// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "bzimage.h"
#include "le.h"

/* The kernel_version string: at 0x200 + the field, inside the setup code and the buffer. */
static void version_string(const unsigned char *buf, size_t len, uint64_t setup_size,
			   uint16_t ptr, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	if (!ptr)
		return;
	for (uint64_t i = 0x200u + ptr; i < len && i < setup_size && o + 1 < size; i++) {
		unsigned char c = buf[i];

		if (c == '\0')
			break;
		if (c < 0x20 || c > 0x7e) {     /* not a version string: show nothing */
			out[0] = '\0';
			return;
		}
		out[o++] = (char)c;
		out[o] = '\0';
	}
}

int kx_bzimage_parse(const unsigned char *buf, size_t len, uint64_t file_size,
		     struct kx_bzimage *ret, struct kx_err *err)
{
	struct kx_bzimage b = { 0 };

	if (len < 1024 || file_size < 1024)
		return kx_err_set(err, -ENOEXEC, "not a bzImage: %llu bytes is shorter than the two "
				  "sectors of a boot sector and setup header",
				  (unsigned long long)(len < file_size ? len : file_size));
	if (memcmp(buf + 0x202, "HdrS", 4) != 0)
		return kx_err_set(err, -ENOEXEC, "not a bzImage: no \"HdrS\" boot header at offset "
				  "0x202");
	if (kx_le16(buf + 0x1fe) != 0xaa55)
		return kx_err_set(err, -ENOEXEC, "not a bzImage: no boot sector signature 0xAA55 at "
				  "offset 0x1fe");
	b.version = kx_le16(buf + 0x206);
	if (b.version < KX_BZ_MIN_PROTOCOL)
		return kx_err_set(err, -ENOEXEC, "boot protocol %u.%02u is older than 2.12, which "
				  "kexec_file_load needs (kernel 3.8 or later)", b.version >> 8,
				  b.version & 0xff);
	b.setup_sects = buf[0x1f1] ? buf[0x1f1] : 4;
	b.setup_size = ((uint64_t)b.setup_sects + 1) * 512;
	b.loadflags = buf[0x211];
	b.kernel_alignment = kx_le32(buf + 0x230);
	b.relocatable = buf[0x234];
	b.xloadflags = kx_le16(buf + 0x236);
	b.cmdline_size = kx_le32(buf + 0x238);
	b.payload_offset = kx_le32(buf + 0x248);
	b.payload_length = kx_le32(buf + 0x24c);
	b.pref_address = kx_le64(buf + 0x258);
	b.init_size = kx_le32(buf + 0x260);

	if (!(b.loadflags & KX_BZ_LOADED_HIGH))
		return kx_err_set(err, -ENOEXEC, "a zImage, not a bzImage (LOADED_HIGH is not set)");
	if (!(b.xloadflags & KX_XLF_KERNEL_64))
		return kx_err_set(err, -ENOEXEC, "not a 64-bit kernel (xloadflags 0x%x lacks "
				  "XLF_KERNEL_64)", b.xloadflags);
	if (!(b.xloadflags & KX_XLF_CAN_BE_LOADED_ABOVE_4G))
		return kx_err_set(err, -ENOEXEC, "the kernel cannot be loaded above 4 GiB (xloadflags "
				  "0x%x lacks XLF_CAN_BE_LOADED_ABOVE_4G)", b.xloadflags);
	if (file_size < b.setup_size + 512)
		return kx_err_set(err, -ENOEXEC, "truncated bzImage: %llu bytes, but its setup code "
				  "alone takes %llu", (unsigned long long)file_size,
				  (unsigned long long)b.setup_size);
	if (b.kernel_alignment & (b.kernel_alignment - 1))
		return kx_err_set(err, -ENOEXEC, "kernel_alignment 0x%x is not a power of two",
				  b.kernel_alignment);
	if (b.init_size == 0)
		return kx_err_set(err, -ENOEXEC, "init_size is 0: the header does not say how much "
				  "memory the kernel needs");
	version_string(buf, len, b.setup_size, kx_le16(buf + 0x20e), b.version_string,
		       sizeof(b.version_string));
	*ret = b;
	return 0;
}
