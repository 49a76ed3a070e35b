// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86_64 purgatory: the loader-side patcher (arch/x86_64/purgatory.c) on a synthetic blob
 * (every host), and the real blob (x86_64 builds): its header, and its check function run
 * from an executable copy mapped at an address of the kernel's choosing, over regions in host
 * memory.  The part that needs ring 0 (cli, lgdt, far return, the jump) is left to the QEMU lab.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "x86_64/purgatory.h"
#include "x86_64/purgatory/params.h"
#include "x86_64/purgatory/sha256.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t get(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* ---- a synthetic blob: the header and parameter block the real one has, nothing else ---- */
#define FAKE_SIZE   2048
#define FAKE_ENTRY  0x40
#define FAKE_CHECK  0x60
#define FAKE_PARAMS 0x200

static void fake_blob(unsigned char *b)
{
	memset(b, 0xcc, FAKE_SIZE);
	put(b + 0, KX_PURG_MAGIC, 4);
	put(b + 4, KX_PURG_VERSION, 2);
	put(b + 6, KX_PURG_HEADER_SIZE, 2);
	put(b + 8, FAKE_ENTRY, 4);
	put(b + 12, FAKE_PARAMS, 4);
	put(b + 16, KX_PURG_PARAMS_SIZE, 4);
	put(b + 20, FAKE_CHECK, 4);
	put(b + 24, FAKE_SIZE, 4);
	put(b + 28, 0, 4);
	memset(b + FAKE_PARAMS, 0, KX_PURG_PARAMS_SIZE);
	put(b + FAKE_PARAMS, KX_PURG_PARAMS_MAGIC, 4);
}

/* three segments' worth of host data */
static unsigned char seg_a[5000], seg_b[64], seg_c[131072 + 3];

static void fill_segments(void)
{
	for (size_t i = 0; i < sizeof(seg_a); i++)
		seg_a[i] = (unsigned char)(i * 7);
	memset(seg_b, 0x5a, sizeof(seg_b));
	for (size_t i = 0; i < sizeof(seg_c); i++)
		seg_c[i] = (unsigned char)(i ^ (i >> 9));
}

static const struct kx_purgatory_region three[] = {
	{ 0x1000000, sizeof(seg_a), seg_a },
	{ 0x7f000000, sizeof(seg_b), seg_b },
	{ 0x100000000, sizeof(seg_c), seg_c },
};

static void patch_writes_every_field_where_the_header_says(void **state)
{
	static unsigned char b[FAKE_SIZE];
	struct kx_purgatory_setup s = { .kernel_entry = 0x1000200, .boot_params = 0x7ffe000,
					.regions = three, .nr_regions = 3, .verify = true,
					.serial_port = 0x2f8 };
	const unsigned char *p = b + FAKE_PARAMS;
	uint8_t want[32], all[96];
	uint64_t entry = 0;
	struct kx_err err;

	(void)state;
	fill_segments();
	fake_blob(b);
	kx_err_clear(&err);
	assert_int_equal(kx_x86_purgatory_patch(b, sizeof(b), &s, &entry, &err), 0);
	assert_int_equal(entry, FAKE_ENTRY);
	assert_int_equal(get(p + 0, 4), KX_PURG_PARAMS_MAGIC);
	assert_int_equal(get(p + 4, 4), 1);
	assert_int_equal(get(p + 8, 8), 0x1000200);
	assert_int_equal(get(p + 16, 8), 0x7ffe000);
	assert_int_equal(get(p + 24, 2), 0x2f8);
	assert_int_equal(get(p + 26, 2), 3);
	/* the overall digest is SHA-256 of the regions' own digests in order (each byte of the
	 * segments is hashed once) */
	kx_sha256(seg_a, sizeof(seg_a), all);
	kx_sha256(seg_b, sizeof(seg_b), all + 32);
	kx_sha256(seg_c, sizeof(seg_c), all + 64);
	kx_sha256(all, 96, want);
	assert_memory_equal(p + 32, want, 32);
	/* each region: start, len and its own digest */
	for (unsigned i = 0; i < 3; i++) {
		const unsigned char *r = p + 64 + 48 * i;

		assert_int_equal(get(r, 8), three[i].start);
		assert_int_equal(get(r + 8, 8), three[i].len);
		kx_sha256(three[i].buf, three[i].len, want);
		assert_memory_equal(r + 16, want, 32);
	}
	/* unused region slots are zero, nothing outside the parameter block changed */
	for (size_t i = 64 + 48 * 3; i < KX_PURG_PARAMS_SIZE; i++)
		assert_int_equal(p[i], 0);
	for (size_t i = KX_PURG_HEADER_SIZE; i < FAKE_PARAMS; i++)
		assert_int_equal(b[i], 0xcc);
	for (size_t i = FAKE_PARAMS + KX_PURG_PARAMS_SIZE; i < sizeof(b); i++)
		assert_int_equal(b[i], 0xcc);
}

static void patch_without_verify_records_regions_but_no_digests(void **state)
{
	static unsigned char b[FAKE_SIZE];
	struct kx_purgatory_setup s = { .kernel_entry = 0x1000200, .boot_params = 0x7ffe000,
					.regions = three, .nr_regions = 3, .verify = false };
	static const uint8_t zero[32];
	uint64_t entry;

	(void)state;
	fake_blob(b);
	assert_int_equal(kx_x86_purgatory_patch(b, sizeof(b), &s, &entry, NULL), 0);
	assert_int_equal(get(b + FAKE_PARAMS + 4, 4), 0);
	assert_int_equal(get(b + FAKE_PARAMS + 24, 2), 0);         /* serial 0: silent */
	assert_int_equal(get(b + FAKE_PARAMS + 26, 2), 3);
	assert_memory_equal(b + FAKE_PARAMS + 32, zero, 32);
	assert_int_equal(get(b + FAKE_PARAMS + 64 + 48 * 2, 8), 0x100000000);
	assert_memory_equal(b + FAKE_PARAMS + 64 + 48 * 2 + 16, zero, 32);
}

static void patch_refuses_an_unusable_setup_and_leaves_the_copy_alone(void **state)
{
	static struct kx_purgatory_region r17[17];
	static const struct kx_purgatory_region empty[] = { { 0x1000, 0, seg_b } };
	static const struct kx_purgatory_region nobuf[] = { { 0x1000, 16, NULL } };
	static const struct kx_purgatory_region wraps[] = { { UINT64_MAX - 8, 16, seg_b } };
	static const struct {
		uint64_t entry;
		const struct kx_purgatory_region *r;
		size_t nr;
		const char *msg;
	} t[] = {
		{ 0x1000200, r17, 17, "purgatory: 17 regions to verify, at most 16 (one per kexec segment)" },
		{ 0, three, 3, "purgatory: no kernel entry address" },
		{ 0x1000200, empty, 1, "purgatory: region 0 at 0x1000 is empty" },
		{ 0x1000200, nobuf, 1, "purgatory: region 0 at 0x1000 is without a buffer" },
		{ 0x1000200, wraps, 1, "purgatory: region 0 at 0xfffffffffffffff7 of 0x10 bytes "
				       "wraps around the address space" },
	};
	static unsigned char b[FAKE_SIZE], orig[FAKE_SIZE];

	(void)state;
	for (size_t i = 0; i < N_ELEMS(r17); i++)
		r17[i] = (struct kx_purgatory_region){ 0x1000 * (i + 1), 16, seg_b };
	fake_blob(orig);
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct kx_purgatory_setup s = { .kernel_entry = t[i].entry, .boot_params = 0x8000,
						.regions = t[i].r, .nr_regions = t[i].nr,
						.verify = true, .serial_port = 0x3f8 };
		uint64_t entry = 12345;
		struct kx_err err;

		memcpy(b, orig, sizeof(b));
		kx_err_clear(&err);
		assert_int_equal(kx_x86_purgatory_patch(b, sizeof(b), &s, &entry, &err), -EINVAL);
		assert_string_equal(err.msg, t[i].msg);
		assert_int_equal(entry, 12345);
		assert_memory_equal(b, orig, sizeof(b));
	}
}

static void patch_refuses_a_blob_whose_header_is_not_understood(void **state)
{
	static const struct {
		size_t off;
		uint64_t v;
		unsigned n;
		size_t size;
		uint64_t err_off;
		const char *msg;
	} t[] = {
		{ 0, 0, 0, 31, 0, "purgatory blob is 31 bytes, shorter than its 32-byte header; rebuild kexec-ext" },
		{ 0, 0x464c457f, 4, FAKE_SIZE, 0, "purgatory blob has no \"KXPG\" magic (found 0x464c457f); rebuild kexec-ext" },
		{ 4, 2, 2, FAKE_SIZE, 4, "purgatory blob header version 2 size 32, this loader reads version 1 size 32; rebuild kexec-ext" },
		{ 6, 40, 2, FAKE_SIZE, 4, "purgatory blob header version 1 size 40, this loader reads version 1 size 32; rebuild kexec-ext" },
		{ 8, FAKE_SIZE, 4, FAKE_SIZE, 8, "purgatory entry offset 0x800 is outside the 2048-byte blob" },
		{ 8, 4, 4, FAKE_SIZE, 8, "purgatory entry offset 0x4 is outside the 2048-byte blob" },
		{ 20, 0xffffffff, 4, FAKE_SIZE, 20, "purgatory check offset 0xffffffff is outside the 2048-byte blob" },
		{ 16, 64, 4, FAKE_SIZE, 16, "purgatory parameter block is 64 bytes, this loader writes 832; rebuild kexec-ext" },
		{ 12, FAKE_SIZE - KX_PURG_PARAMS_SIZE + 1, 4, FAKE_SIZE, 12,
		  "purgatory parameter block at 0x4c1+0x340 is outside the 2048-byte blob" },
		{ 12, 0xfffffff0, 4, FAKE_SIZE, 12,
		  "purgatory parameter block at 0xfffffff0+0x340 is outside the 2048-byte blob" },
		{ FAKE_PARAMS, 0, 4, FAKE_SIZE, FAKE_PARAMS, "purgatory parameter block has no \"KXPP\" magic; rebuild kexec-ext" },
		{ 24, FAKE_SIZE - 1, 4, FAKE_SIZE, 24, "purgatory memory size 2047 is smaller than the 2048-byte blob" },
	};
	static unsigned char b[FAKE_SIZE], orig[FAKE_SIZE];
	struct kx_purgatory_setup s = { .kernel_entry = 0x1000200, .boot_params = 0x8000,
					.regions = three, .nr_regions = 3, .verify = true };

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		uint64_t entry = 12345;
		struct kx_err err;

		fake_blob(b);
		put(b + t[i].off, t[i].v, t[i].n);
		memcpy(orig, b, sizeof(b));
		kx_err_clear(&err);
		assert_int_equal(kx_x86_purgatory_patch(b, t[i].size, &s, &entry, &err), -EBADMSG);
		assert_string_equal(err.msg, t[i].msg);
		assert_true(err.has_offset);
		assert_int_equal(err.offset, t[i].err_off);
		assert_int_equal(entry, 12345);
		assert_memory_equal(b, orig, sizeof(b));
	}
}

/* ---- the real blob ---------------------------------------------------------------------- */
#ifdef KX_HAVE_PURGATORY_BLOB
static void hex(const uint8_t *d, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

struct mapped {
	unsigned char *base;
	size_t len;
	const struct kx_purg_params *params;
	kx_purg_check_fn *check;
};

/* An executable copy of the blob patched with s, at an address mmap chooses (never 0, the
 * address the blob is linked at). */
static void map_patched(struct mapped *m, const struct kx_purgatory_setup *s)
{
	const void *blob;
	size_t size;
	uint64_t memsz, entry;
	struct kx_err err;
	uintptr_t check;

	assert_int_equal(kx_x86_purgatory_image(&blob, &size, &memsz), 0);
	m->len = (memsz + 4095) & ~(size_t)4095;
	m->base = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m->base != MAP_FAILED);
	memcpy(m->base, blob, size);
	kx_err_clear(&err);
	if (s)
		assert_int_equal(kx_x86_purgatory_patch(m->base, size, s, &entry, &err), 0);
	assert_int_equal(mprotect(m->base, m->len, PROT_READ | PROT_EXEC), 0);
	m->params = (const void *)(m->base + get(m->base + 12, 4));
	check = (uintptr_t)(m->base + get(m->base + 20, 4));
	m->check = (kx_purg_check_fn *)check;
}

static void unmap(struct mapped *m)
{
	munmap(m->base, m->len);
}

static void the_blob_has_the_header_the_loader_reads(void **state)
{
	const unsigned char *b;
	const void *blob;
	size_t size;
	uint64_t memsz;

	(void)state;
	assert_int_equal(kx_x86_purgatory_image(&blob, &size, &memsz), 0);
	b = blob;
	assert_int_equal(get(b, 4), KX_PURG_MAGIC);
	assert_int_equal(get(b + 4, 2), KX_PURG_VERSION);
	assert_int_equal(get(b + 6, 2), KX_PURG_HEADER_SIZE);
	assert_int_equal(get(b + 16, 4), KX_PURG_PARAMS_SIZE);
	/* the stack is inside: the blob is all the memory it uses */
	assert_int_equal(get(b + 24, 4), size);
	assert_int_equal(memsz, size);
	/* the entry starts by disabling interrupts (cli) */
	assert_int_equal(b[get(b + 8, 4)], 0xfa);
	/* unpatched: the parameter block has its magic, COM1 and nothing else */
	assert_int_equal(get(b + get(b + 12, 4), 4), KX_PURG_PARAMS_MAGIC);
	assert_int_equal(get(b + get(b + 12, 4) + 24, 2), KX_PURG_SERIAL_DEFAULT);
	assert_int_equal(get(b + get(b + 12, 4) + 8, 8), 0);
	assert_true(size < 64 * 1024);
}

static void host_entry(void)
{
}

/* three host buffers as the loaded segments: the blob reads them at their host addresses */
static struct kx_purgatory_region host_regions[3];
static struct kx_purgatory_setup host_setup(bool verify)
{
	fill_segments();
	host_regions[0] = (struct kx_purgatory_region){ (uintptr_t)seg_a, sizeof(seg_a), seg_a };
	host_regions[1] = (struct kx_purgatory_region){ (uintptr_t)seg_b, sizeof(seg_b), seg_b };
	host_regions[2] = (struct kx_purgatory_region){ (uintptr_t)seg_c, sizeof(seg_c), seg_c };
	return (struct kx_purgatory_setup){ .kernel_entry = (uintptr_t)host_entry,
					    .boot_params = 0x8000, .regions = host_regions,
					    .nr_regions = 3, .verify = verify,
					    .serial_port = KX_PURG_SERIAL_DEFAULT };
}

static void the_blob_starts_the_kernel_when_every_region_is_intact(void **state)
{
	struct kx_purgatory_setup s = host_setup(true);
	struct mapped m;
	char msg[KX_PURG_MSG_MAX];

	(void)state;
	map_patched(&m, &s);
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(m.check(m.params, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	unmap(&m);
}

static void the_blob_names_the_region_that_changed_after_the_load(void **state)
{
	struct kx_purgatory_setup s = host_setup(true);
	struct mapped m1, m2;
	char msg[KX_PURG_MSG_MAX], want[KX_PURG_MSG_MAX], exp_hex[65], got_hex[65];
	uint8_t d[32];

	(void)state;
	map_patched(&m1, &s);
	map_patched(&m2, &s);           /* a second copy at another address behaves the same */
	kx_sha256(seg_c, sizeof(seg_c), d);
	hex(d, exp_hex);
	seg_c[70000] ^= 0x01;           /* one bit of the third segment flips after the load */
	kx_sha256(seg_c, sizeof(seg_c), d);
	hex(d, got_hex);
	snprintf(want, sizeof(want), "kexec-ext purgatory: segment digest mismatch (region 2 of 3 "
		 "at 0x%llx size 0x20003, expected %s, got %s); not starting the loaded kernel",
		 (unsigned long long)(uintptr_t)seg_c, exp_hex, got_hex);
	assert_int_equal(m1.check(m1.params, msg, sizeof(msg)), -1);
	assert_string_equal(msg, want);
	assert_true(strlen(msg) < KX_PURG_MSG_MAX);
	memset(msg, 0, sizeof(msg));
	assert_int_equal(m2.check(m2.params, msg, sizeof(msg)), -1);
	assert_string_equal(msg, want);
	unmap(&m1);
	unmap(&m2);
}

static void the_blob_refuses_when_the_regions_match_but_the_overall_digest_does_not(void **state)
{
	/* the same regions, listed in another order than the loader hashed them */
	struct kx_purgatory_setup s = host_setup(true);
	struct kx_purg_params p;
	struct mapped m;
	char msg[KX_PURG_MSG_MAX], want[KX_PURG_MSG_MAX], exp_hex[65], got_hex[65];
	struct kx_sha256 c;
	uint8_t d[32];

	(void)state;
	map_patched(&m, &s);
	memcpy(&p, m.params, sizeof(p));
	p.regions[0] = m.params->regions[1];
	p.regions[1] = m.params->regions[0];
	hex(p.digest, exp_hex);
	kx_sha256_init(&c);
	kx_sha256(seg_b, sizeof(seg_b), d);
	kx_sha256_update(&c, d, 32);
	kx_sha256(seg_a, sizeof(seg_a), d);
	kx_sha256_update(&c, d, 32);
	kx_sha256(seg_c, sizeof(seg_c), d);
	kx_sha256_update(&c, d, 32);
	kx_sha256_final(&c, d);
	hex(d, got_hex);
	snprintf(want, sizeof(want), "kexec-ext purgatory: segment digest mismatch (all regions, "
		 "expected %s, got %s); not starting the loaded kernel", exp_hex, got_hex);
	assert_int_equal(m.check(&p, msg, sizeof(msg)), -1);
	assert_string_equal(msg, want);
	unmap(&m);
}

static void the_blob_does_not_look_at_the_regions_when_verify_is_off(void **state)
{
	struct kx_purgatory_setup s = host_setup(false);
	struct mapped m;
	char msg[KX_PURG_MSG_MAX];

	(void)state;
	map_patched(&m, &s);
	seg_a[0] ^= 0xff;
	assert_int_equal(m.check(m.params, msg, sizeof(msg)), 0);
	unmap(&m);
}

static void the_blob_refuses_to_start_when_it_was_never_patched(void **state)
{
	struct mapped m;
	char msg[KX_PURG_MSG_MAX];
	struct kx_purg_params p;

	(void)state;
	map_patched(&m, NULL);
	assert_int_equal(m.check(m.params, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "kexec-ext purgatory: no kernel entry address (the loader did "
			    "not fill the parameter block); not starting the loaded kernel");
	memcpy(&p, m.params, sizeof(p));
	p.kernel_entry = 0x1000200;
	p.magic = 0;
	assert_int_equal(m.check(&p, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "kexec-ext purgatory: parameter block has a bad magic (loader "
			    "and purgatory differ); not starting the loaded kernel");
	p.magic = KX_PURG_PARAMS_MAGIC;
	p.verify = 1;
	p.nr_regions = 17;
	assert_int_equal(m.check(&p, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "kexec-ext purgatory: more than 16 regions to verify (parameter "
			    "block corrupted); not starting the loaded kernel");
	unmap(&m);
}

static void the_blob_cuts_its_message_to_the_buffer_it_is_given(void **state)
{
	struct mapped m;
	char buf[32];

	(void)state;
	map_patched(&m, NULL);
	memset(buf, '#', sizeof(buf));
	assert_int_equal(m.check(m.params, buf + 8, 16), -1);
	assert_memory_equal(buf + 8, "kexec-ext purga", 16);        /* 15 chars and the NUL */
	for (int i = 0; i < 8; i++) {
		assert_int_equal(buf[i], '#');
		assert_int_equal(buf[24 + i], '#');
	}
	assert_int_equal(m.check(m.params, buf, 0), -1);        /* size 0: nothing written */
	assert_int_equal(buf[0], '#');
	unmap(&m);
}
#else
static void the_image_is_unavailable_on_this_host(void **state)
{
	const void *blob = NULL;
	size_t size = 0;
	uint64_t memsz = 0;

	(void)state;
	assert_int_equal(kx_x86_purgatory_image(&blob, &size, &memsz), -ENOTSUP);
	assert_null(blob);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patch_writes_every_field_where_the_header_says),
		cmocka_unit_test(patch_without_verify_records_regions_but_no_digests),
		cmocka_unit_test(patch_refuses_an_unusable_setup_and_leaves_the_copy_alone),
		cmocka_unit_test(patch_refuses_a_blob_whose_header_is_not_understood),
#ifdef KX_HAVE_PURGATORY_BLOB
		cmocka_unit_test(the_blob_has_the_header_the_loader_reads),
		cmocka_unit_test(the_blob_starts_the_kernel_when_every_region_is_intact),
		cmocka_unit_test(the_blob_names_the_region_that_changed_after_the_load),
		cmocka_unit_test(the_blob_refuses_when_the_regions_match_but_the_overall_digest_does_not),
		cmocka_unit_test(the_blob_does_not_look_at_the_regions_when_verify_is_off),
		cmocka_unit_test(the_blob_refuses_to_start_when_it_was_never_patched),
		cmocka_unit_test(the_blob_cuts_its_message_to_the_buffer_it_is_given),
#else
		cmocka_unit_test(the_image_is_unavailable_on_this_host),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
