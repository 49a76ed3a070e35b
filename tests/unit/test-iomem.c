// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/iomem: /proc/iomem as a tree, and every way a hostile file can be wrong. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iomem.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char guest[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-3ffdffff : System RAM\n"
	"  1b000000-1c20ca31 : Kernel code\n"
	"  2b000000-3affffff : Crash kernel\n"
	"40000000-febfffff : PCI Bus 0000:00\n"
	"  fd000000-fdffffff : 0000:00:02.0\n"
	"    fd000000-fdffffff : bochs-drm\n"
	"100000000-1ffffffff : virtio0\n"
	"  100000000-107ffffff : System RAM (virtio_mem)\n"
	"fffffffffffff000-ffffffffffffffff : top";

static void parses_a_guest_as_a_tree(void **state)
{
	struct kx_iomem m;
	struct kx_err e;

	(void)state;
	kx_err_clear(&e);
	assert_int_equal(kx_iomem_parse(guest, strlen(guest), &m, &e), 0);
	assert_int_equal(m.n, 13);
	assert_false(m.hidden);
	assert_string_equal(m.nodes[6].name, "Crash kernel");
	assert_int_equal(m.nodes[6].depth, 1);
	assert_int_equal(m.nodes[6].parent, 4);
	assert_int_equal(m.nodes[6].start, 0x2b000000);
	assert_int_equal(m.nodes[6].end, 0x3affffff);
	assert_int_equal(m.nodes[9].depth, 2);
	assert_int_equal(m.nodes[9].parent, 8);
	assert_int_equal(m.nodes[10].parent, -1);
	assert_true(kx_iomem_is_system_ram(&m.nodes[11]));
	assert_int_equal(m.nodes[11].depth, 1);
	assert_false(kx_iomem_is_system_ram(&m.nodes[0]));
	assert_true(m.nodes[12].end == UINT64_MAX);
	assert_int_equal(m.nodes[12].line, 13);     /* the last line needs no newline */
	kx_iomem_free(&m);
}

static void empty_input_is_an_empty_tree(void **state)
{
	struct kx_iomem m;

	(void)state;
	assert_int_equal(kx_iomem_parse("", 0, &m, NULL), 0);
	assert_int_equal(m.n, 0);
	assert_false(m.hidden);
	kx_iomem_free(&m);
}

static void all_zero_addresses_mean_hidden(void **state)
{
	static const char t[] = "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n"
				"  00000000-00000000 : Crash kernel\n";
	struct kx_iomem m;

	(void)state;
	assert_int_equal(kx_iomem_parse(t, strlen(t), &m, NULL), 0);
	assert_true(m.hidden);
	kx_iomem_free(&m);
}

static void rejects_malformed_lines_naming_the_line(void **state)
{
	static const struct {
		const char *text;
		const char *msg;        /* a part of the message */
		uint64_t offset;
	} t[] = {
		{ "00000000-00000fff : a\n   00000000-000000ff : b\n", "line 2: odd indentation", 22 },
		{ "00000000-00000fff : a\n    00000000-000000ff : b\n", "line 2: indented 2 levels", 22 },
		{ "  00000000-00000fff : a\n", "line 1: indented 1 levels", 0 },
		{ "00000000-00000fff Reserved\n", "line 1: expected \" : \"", 0 },
		{ "00000000 : Reserved\n", "line 1: expected \"START-END : NAME\"", 0 },
		{ "x-1 : a\n", "line 1: expected \"START-END", 0 },
		{ "10000000000000000-1 : a\n", "at most 16 digits", 0 },
		{ "00001000-00000fff : a\n", "line 1: range 1000-fff ends before it starts", 0 },
		{ "00001000-00001fff : a\n  00000000-00001fff : b\n", "is not inside its parent", 22 },
		{ "00001000-00001fff : a\n\n", "line 2: expected", 22 },
		{ "00000000-00000fff : a\n00001000-00001fff : b\0c\n", "NUL byte", 22 },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		/* the NUL case needs its real length */
		size_t len = strlen(t[i].text);
		struct kx_iomem m;
		struct kx_err e;

		if (strstr(t[i].msg, "NUL"))
			len += 1 + strlen(t[i].text + len + 1);
		kx_err_clear(&e);
		assert_int_equal(kx_iomem_parse(t[i].text, len, &m, &e), -EBADMSG);
		if (!strstr(e.msg, t[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, t[i].msg);
		assert_true(e.has_offset);
		assert_int_equal(e.offset, t[i].offset);
	}
}

static void too_deep_nesting_is_refused(void **state)
{
	char buf[4096];
	size_t o = 0;
	struct kx_iomem m;
	struct kx_err e;

	(void)state;
	for (unsigned d = 0; d <= KX_IOMEM_MAX_DEPTH + 1; d++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%*s00000000-ffffffff : l%u\n",
				      (int)(2 * d), "", d);
	kx_err_clear(&e);
	assert_int_equal(kx_iomem_parse(buf, o, &m, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "levels deep"));
}

static void thousands_of_lines_parse(void **state)
{
	size_t cap = 100000 * 48, o = 0;
	char *buf = malloc(cap);
	struct kx_iomem m;

	(void)state;
	assert_non_null(buf);
	for (unsigned i = 0; i < 100000; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%llx-%llx : System RAM\n",
				      (unsigned long long)i << 28,
				      ((unsigned long long)i << 28) + 0xfffffff);
	assert_int_equal(kx_iomem_parse(buf, o, &m, NULL), 0);
	assert_int_equal(m.n, 100000);
	kx_iomem_free(&m);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_guest_as_a_tree),
		cmocka_unit_test(empty_input_is_an_empty_tree),
		cmocka_unit_test(all_zero_addresses_mean_hidden),
		cmocka_unit_test(rejects_malformed_lines_naming_the_line),
		cmocka_unit_test(too_deep_nesting_is_refused),
		cmocka_unit_test(thousands_of_lines_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
