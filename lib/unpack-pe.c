// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PE/COFF containers a kernel comes in (lib/unpack.h): a UKI gives its .linux section
 * (and keeps .initrd, .cmdline, .uname); an arm64 zboot image gives its payload, decompressed
 * with the codec its header names.  A bzImage or an arm64 Image with an EFI stub is a PE
 * too, and is neither.  Every offset and size read here is checked against the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unpack-priv.h"

/*
 * The zboot header (drivers/firmware/efi/libstub/zboot-header.S): "MZ" at 0, "zimg" at 4,
 * le32 payload offset at 8 and size at 12 (the size leaves out the le32 of the uncompressed
 * size that Makefile.zboot appends to every payload but gzip's), the compression name
 * (NUL-terminated: gzip, lzma, xzkern, zstd22, lz4, lzo) from 24 up to 0x38.
 */
#define ZB_MAGIC        4
#define ZB_PAYLOAD_OFF  8
#define ZB_PAYLOAD_SIZE 12
#define ZB_COMP         24
#define ZB_COMP_END     0x38

/* PE/COFF: e_lfanew at 0x3c; "PE\0\0", then the 20-byte COFF header (NumberOfSections at
 * +6, SizeOfOptionalHeader at +20 from the signature), the optional header, the table of
 * 40-byte section headers: Name[8], VirtualSize, VirtualAddress, SizeOfRawData,
 * PointerToRawData. */
#define PE_LFANEW       0x3c
#define PE_NSECT        6
#define PE_OPTSIZE      20
#define PE_COFF_END     24
#define SEC_SIZE        40
#define SEC_VSIZE       8
#define SEC_RAWSIZE     16
#define SEC_RAWPTR      20

/* The section table of a PE file, or false when buf is no PE or the table is not inside it. */
static bool pe_table(const unsigned char *p, size_t len, uint64_t *ret_table, unsigned *ret_n,
		     bool *ret_truncated)
{
	uint64_t pe, table;
	unsigned n;

	*ret_truncated = false;
	if (len < PE_LFANEW + 4 || p[0] != 'M' || p[1] != 'Z')
		return false;
	pe = kx_le32(p + PE_LFANEW);
	if (!up_in_bounds(len, pe, PE_COFF_END) || memcmp(p + pe, "PE\0\0", 4))
		return false;
	n = kx_le16(p + pe + PE_NSECT);
	table = pe + PE_COFF_END + kx_le16(p + pe + PE_OPTSIZE);
	if (!up_in_bounds(len, table, (uint64_t)n * SEC_SIZE)) {
		*ret_truncated = true;
		return false;
	}
	*ret_table = table;
	*ret_n = n;
	return true;
}

/* Name[8] is NUL-padded, without a NUL when 8 long (".cmdline") */
static bool sec_is(const unsigned char *sec, const char *name)
{
	size_t n = strlen(name);

	return !memcmp(sec, name, n) && up_all_zero(sec + n, 8 - n);
}

static bool has_linux_section(const unsigned char *p, size_t len)
{
	uint64_t table;
	unsigned n;
	bool truncated;

	if (!pe_table(p, len, &table, &n, &truncated))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (sec_is(p + table + (uint64_t)i * SEC_SIZE, ".linux"))
			return true;
	return false;
}

enum kx_pack up_pe_detect(const unsigned char *p, size_t len)
{
	if (len >= ZB_COMP_END && p[0] == 'M' && p[1] == 'Z' && !memcmp(p + ZB_MAGIC, "zimg", 4))
		return KX_PACK_ZBOOT;
	if (has_linux_section(p, len))
		return KX_PACK_UKI;
	return KX_PACK_NONE;
}

/* A PE header whose section table runs past the end is malformed, not "nothing to unpack" */
int up_pe_check(struct unpacker *u, const unsigned char *p, size_t len)
{
	uint64_t table;
	unsigned n;
	bool trunc;

	if (!pe_table(p, len, &table, &n, &trunc) && trunc)
		return up_fail(u, -ENOEXEC, PE_LFANEW,
			       "the PE section table (%u entries, after the header at offset %u) "
			       "runs past the end of the %zu-byte image: the file is cut short",
			       kx_le16(p + kx_le32(p + PE_LFANEW) + PE_NSECT),
			       kx_le32(p + PE_LFANEW), len);
	return 0;
}

/* ---- arm64 zboot ---------------------------------------------------------------------- */

static const struct {
	const char *comp;       /* the name in the zboot header */
	enum kx_pack kind;
	const char *layer;
} zboot_comp[] = {
	{ "gzip", KX_PACK_GZIP, "zboot (gzip)" },
	{ "lzma", KX_PACK_LZMA, "zboot (lzma)" },
	{ "xzkern", KX_PACK_XZ, "zboot (xz)" },
	{ "xz", KX_PACK_XZ, "zboot (xz)" },
	{ "zstd22", KX_PACK_ZSTD, "zboot (zstd)" },
	{ "zstd", KX_PACK_ZSTD, "zboot (zstd)" },
};

/* The payload of a zboot image, decompressed */
int up_zboot(struct unpacker *u, const unsigned char *p, size_t len, struct kx_unpack_layer *l,
	     unsigned char **ret_out, size_t *ret_len)
{
	uint32_t off = kx_le32(p + ZB_PAYLOAD_OFF), size = kx_le32(p + ZB_PAYLOAD_SIZE);
	const char *comp = (const char *)p + ZB_COMP;
	size_t n = strnlen(comp, ZB_COMP_END - ZB_COMP);
	int r;

	l->name = "zboot";
	if (n == ZB_COMP_END - ZB_COMP)
		return up_fail(u, -ENOEXEC, ZB_COMP, "the compression name at offset %d has no NUL "
			       "before offset %d: not a zboot image", ZB_COMP, ZB_COMP_END);
	if (!up_in_bounds(len, off, size) || size == 0)
		return up_fail(u, -ENOEXEC, ZB_PAYLOAD_OFF,
			       "payload offset %u + size %u (header offsets %d, %d) runs past the "
			       "end of the %zu-byte image: the file is cut short or not a zboot "
			       "image", off, size, ZB_PAYLOAD_OFF, ZB_PAYLOAD_SIZE, len);
	for (size_t i = 0; i < sizeof(zboot_comp) / sizeof(zboot_comp[0]); i++) {
		if (strlen(zboot_comp[i].comp) != n || memcmp(comp, zboot_comp[i].comp, n))
			continue;
		l->name = zboot_comp[i].layer;
		l->codec = zboot_comp[i].kind;
		l->offset = off;
		l->in_size = size;
		u->off0 = off;
		r = up_decompress(u, zboot_comp[i].kind, p + off, size, ret_out, ret_len);
		u->off0 = 0;
		return r;
	}
	return up_fail(u, strcmp(comp, "lz4") && strcmp(comp, "lzo") ? -ENOEXEC : -ENOTSUP,
		       ZB_COMP, "payload compression \"%.*s\" (offset %d) is not one this kexec "
		       "unpacks (gzip, lzma, xz, zstd): unpack the payload with the tool of that "
		       "name", (int)n, comp, ZB_COMP);
}

/* ---- UKI ------------------------------------------------------------------------------ */

static char *uki_string(const unsigned char *p, size_t n)
{
	size_t len = strnlen((const char *)p, n);
	char *s;

	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' ' ||
		       p[len - 1] == '\t'))
		len--;
	s = malloc(len + 1);
	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

/*
 * A UKI: the sections of profile 0, which the stub boots by default: those before the first
 * .profile section and those of the first profile, which override them.  Every section's data
 * (PointerToRawData, and VirtualSize when set, else SizeOfRawData: raw data is padded to the
 * file alignment) must lie inside the file.  ret_off, ret_len: .linux.
 */
int up_uki(struct unpacker *u, const unsigned char *p, size_t len, uint64_t *ret_off,
	   size_t *ret_len)
{
	static const char *const want[] = { ".linux", ".initrd", ".cmdline", ".uname" };
	uint64_t table, off[4] = { 0 }, size[4] = { 0 };
	bool found[4] = { false }, trunc;
	unsigned n, profile = 0;

	if (!pe_table(p, len, &table, &n, &trunc))
		return up_fail(u, -ENOEXEC, PE_LFANEW, "no PE section table");
	for (unsigned i = 0; i < n && profile < 2; i++) {
		const unsigned char *s = p + table + (uint64_t)i * SEC_SIZE;
		uint32_t vsize = kx_le32(s + SEC_VSIZE), raw = kx_le32(s + SEC_RAWSIZE);

		if (sec_is(s, ".profile")) {
			profile++;
			continue;
		}
		for (unsigned w = 0; w < 4; w++) {
			if (!sec_is(s, want[w]))
				continue;
			off[w] = kx_le32(s + SEC_RAWPTR);
			size[w] = vsize && vsize < raw ? vsize : raw;
			found[w] = true;
			if (!up_in_bounds(len, off[w], size[w]))
				return up_fail(u, -ENOEXEC, table + (uint64_t)i * SEC_SIZE,
					       "section %s (header at offset %llu) has its %llu "
					       "bytes at offset %llu, past the end of the %zu-byte "
					       "file: the file is cut short", want[w],
					       (unsigned long long)(table + (uint64_t)i * SEC_SIZE),
					       (unsigned long long)size[w],
					       (unsigned long long)off[w], len);
		}
	}
	if (!found[0] || !size[0])
		return up_fail(u, -ENOEXEC, table, "no .linux data in the sections of profile 0 "
			       "(the table at offset %llu): not a bootable UKI",
			       (unsigned long long)table);
	if (found[1] && size[1]) {
		u->res.initrd = malloc(size[1]);
		if (!u->res.initrd)
			return up_fail(u, -ENOMEM, off[1], "no memory for the .initrd section");
		memcpy(u->res.initrd, p + off[1], size[1]);
		u->res.initrd_len = size[1];
	}
	if (found[2] && !(u->res.cmdline = uki_string(p + off[2], size[2])))
		return up_fail(u, -ENOMEM, off[2], "no memory for the .cmdline section");
	if (found[3] && !(u->res.uname = uki_string(p + off[3], size[3])))
		return up_fail(u, -ENOMEM, off[3], "no memory for the .uname section");
	*ret_off = off[0];
	*ret_len = size[0];
	return 0;
}
