// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 (arch/x86_64/purgatory/sha256.c, the host build of the code the purgatory runs):
 * the FIPS 180-2 example messages, the padding boundaries, and that feeding a message in
 * pieces gives the digest of the whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "x86_64/purgatory/sha256.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void hex(const uint8_t *d, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void assert_digest(const void *msg, size_t len, const char *expected)
{
	uint8_t d[32];
	char h[65];

	kx_sha256(msg, len, d);
	hex(d, h);
	assert_string_equal(h, expected);
}

static void digests_the_fips_example_messages(void **state)
{
	(void)state;
	assert_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 448 bits: the padding needs a second block */
	assert_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* 896 bits */
	assert_digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		      "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
		      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void digests_one_million_a_fed_in_uneven_pieces(void **state)
{
	static char a[1024];        /* the longest piece is 1009 bytes */
	struct kx_sha256 c;
	uint8_t d[32];
	char h[65];
	size_t done = 0, piece = 1;

	(void)state;
	memset(a, 'a', sizeof(a));
	kx_sha256_init(&c);
	while (done < 1000000) {
		size_t n = piece < 1000000 - done ? piece : 1000000 - done;

		kx_sha256_update(&c, a, n);
		done += n;
		piece = piece % 997 + 13;       /* 1, 14, 27, ..., 1009: every offset in a block */
	}
	kx_sha256_final(&c, d);
	hex(d, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void pads_correctly_at_every_block_boundary(void **state)
{
	/* lengths where the 0x80 and the 64-bit length do or do not fit the last block
	 * (expected values: Python's hashlib) */
	static const struct {
		size_t len;
		const char *digest;
	} t[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	};
	char a[128];

	(void)state;
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < N_ELEMS(t); i++)
		assert_digest(a, t[i].len, t[i].digest);
}

static void gives_the_same_digest_at_every_split_of_a_200_byte_message(void **state)
{
	uint8_t msg[200], whole[32], parts[32];
	struct kx_sha256 c;

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 37 + 11);
	kx_sha256(msg, sizeof(msg), whole);
	{
		char h[65];

		hex(whole, h);
		assert_string_equal(h, "5e48d64839a8bff5e2471507af6a49f9990817df437857f4a2007df41266e1b5");
	}
	for (size_t split = 0; split <= sizeof(msg); split++) {
		kx_sha256_init(&c);
		kx_sha256_update(&c, msg, split);
		kx_sha256_update(&c, msg + split, sizeof(msg) - split);
		kx_sha256_final(&c, parts);
		if (memcmp(whole, parts, 32))
			fail_msg("digest differs when split at byte %zu", split);
	}
	/* and in three pieces, the middle one crossing a block boundary or not */
	for (size_t s1 = 0; s1 <= sizeof(msg); s1 += 7) {
		for (size_t s2 = s1; s2 <= sizeof(msg); s2 += 5) {
			kx_sha256_init(&c);
			kx_sha256_update(&c, msg, s1);
			kx_sha256_update(&c, msg + s1, s2 - s1);
			kx_sha256_update(&c, msg + s2, sizeof(msg) - s2);
			kx_sha256_final(&c, parts);
			if (memcmp(whole, parts, 32))
				fail_msg("digest differs when split at bytes %zu and %zu", s1, s2);
		}
	}
}

static void starts_a_new_message_after_final(void **state)
{
	struct kx_sha256 c;
	uint8_t first[32], second[32];

	(void)state;
	kx_sha256_init(&c);
	kx_sha256_update(&c, "abc", 3);
	kx_sha256_final(&c, first);
	kx_sha256_update(&c, "abc", 3);
	kx_sha256_final(&c, second);
	assert_memory_equal(first, second, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digests_the_fips_example_messages),
		cmocka_unit_test(digests_one_million_a_fed_in_uneven_pieces),
		cmocka_unit_test(pads_correctly_at_every_block_boundary),
		cmocka_unit_test(gives_the_same_digest_at_every_split_of_a_200_byte_message),
		cmocka_unit_test(starts_a_new_message_after_final),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
