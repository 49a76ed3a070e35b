// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/json: the streaming writer's exact layout and string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Output captured in memory. */
struct capture {
	FILE *fp;
	char *buf;
	size_t len;
};

static void capture_begin(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->buf, &c->len);
	assert_non_null(c->fp);
}

/* Close the stream and compare with want; the buffer is freed first so a failure leaks nothing. */
static void capture_expect(struct capture *c, const char *want)
{
	char got[4096];
	size_t len;
	int r = fclose(c->fp);

	len = c->len;
	snprintf(got, sizeof(got), "%s", c->buf ? c->buf : "(null)");
	free(c->buf);
	assert_int_equal(r, 0);
	assert_true(len < sizeof(got));
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
}

static void top_two_levels_take_one_member_per_line_deeper_ones_one_line(void **state)
{
	struct capture c;
	struct kx_json j;

	(void)state;
	capture_begin(&c);
	kx_json_init(&j, c.fp);
	kx_json_object_begin(&j, NULL);
	kx_json_string(&j, "vmcore", "/proc/vmcore");
	kx_json_array_begin(&j, "device_dumps");
	kx_json_object_begin(&j, NULL);
	kx_json_u64(&j, "index", 0);
	kx_json_string(&j, "name", "cxgb4_0000:02:00.4");
	kx_json_array_begin(&j, "regs");
	kx_json_u64(&j, NULL, 1);
	kx_json_u64(&j, NULL, 2);
	kx_json_array_end(&j);
	kx_json_object_begin(&j, "empty");
	kx_json_object_end(&j);
	kx_json_object_end(&j);
	kx_json_object_begin(&j, NULL);
	kx_json_u64(&j, "index", 1);
	kx_json_object_end(&j);
	kx_json_array_end(&j);
	kx_json_object_begin(&j, "error");
	kx_json_string(&j, "message", "bad");
	kx_json_null(&j, "offset");
	kx_json_object_end(&j);
	kx_json_object_end(&j);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": \"/proc/vmcore\",\n"
		       "   \"device_dumps\": [\n"
		       "      {\"index\": 0, \"name\": \"cxgb4_0000:02:00.4\", \"regs\": [1, 2], \"empty\": {}},\n"
		       "      {\"index\": 1}\n"
		       "   ],\n"
		       "   \"error\": {\n"
		       "      \"message\": \"bad\",\n"
		       "      \"offset\": null\n"
		       "   }\n"
		       "}\n");
}

static void empty_containers_stay_on_one_line(void **state)
{
	struct capture c;
	struct kx_json j;

	(void)state;
	capture_begin(&c);
	kx_json_init(&j, c.fp);
	kx_json_object_begin(&j, NULL);
	kx_json_array_begin(&j, "notes");
	kx_json_array_end(&j);
	kx_json_object_begin(&j, "more");
	kx_json_object_end(&j);
	kx_json_object_end(&j);
	capture_expect(&c, "{\n   \"notes\": [],\n   \"more\": {}\n}\n");

	capture_begin(&c);
	kx_json_init(&j, c.fp);
	kx_json_object_begin(&j, NULL);
	kx_json_object_end(&j);
	capture_expect(&c, "{}\n");

	capture_begin(&c);
	kx_json_init(&j, c.fp);
	kx_json_array_begin(&j, NULL);
	kx_json_array_end(&j);
	capture_expect(&c, "[]\n");
}

static void scalars_print_as_json_numbers_booleans_and_null(void **state)
{
	struct capture c;
	struct kx_json j;

	(void)state;
	capture_begin(&c);
	kx_json_init(&j, c.fp);
	kx_json_array_begin(&j, NULL);
	kx_json_u64(&j, NULL, UINT64_MAX);
	kx_json_i64(&j, NULL, -1);
	kx_json_i64(&j, NULL, INT64_MIN);
	kx_json_bool(&j, NULL, true);
	kx_json_bool(&j, NULL, false);
	kx_json_null(&j, NULL);
	kx_json_string(&j, NULL, NULL);
	kx_json_bytes(&j, NULL, "ab", 0);
	kx_json_array_end(&j);
	capture_expect(&c,
		       "[\n"
		       "   18446744073709551615,\n"
		       "   -1,\n"
		       "   -9223372036854775808,\n"
		       "   true,\n"
		       "   false,\n"
		       "   null,\n"
		       "   null,\n"
		       "   \"\"\n"
		       "]\n");
}

static void keys_are_escaped_like_strings(void **state)
{
	struct capture c;
	struct kx_json j;

	(void)state;
	capture_begin(&c);
	kx_json_init(&j, c.fp);
	kx_json_object_begin(&j, NULL);
	kx_json_i64(&j, "a\"b\n", 5);
	kx_json_object_end(&j);
	capture_expect(&c, "{\n   \"a\\\"b\\n\": 5\n}\n");
}

/* json.h: "Containers nested up to KX_JSON_DEPTH"; the output stays valid JSON at that depth. */
static void nesting_up_to_the_depth_limit_stays_valid_json(void **state)
{
	char want[256], *p = want;
	struct capture c;
	struct kx_json j;

	(void)state;
	capture_begin(&c);
	kx_json_init(&j, c.fp);
	for (int i = 0; i < KX_JSON_DEPTH; i++)
		kx_json_array_begin(&j, NULL);
	kx_json_u64(&j, NULL, 1);
	kx_json_u64(&j, NULL, 2);
	for (int i = 0; i < KX_JSON_DEPTH; i++)
		kx_json_array_end(&j);

	/* two levels one per line, the rest on the third line */
	p += sprintf(p, "[\n   [\n      ");
	for (int i = 2; i < KX_JSON_DEPTH; i++)
		*p++ = '[';
	p += sprintf(p, "1, 2");
	for (int i = 2; i < KX_JSON_DEPTH; i++)
		*p++ = ']';
	sprintf(p, "\n   ]\n]\n");
	capture_expect(&c, want);
}

struct str_case {
	const char *in;
	size_t len;
	const char *out;
};

#define B(s) s, sizeof(s) - 1

static void strings_escape_quotes_backslashes_and_control_bytes(void **state)
{
	static const struct str_case t[] = {
		{ B(""), "\"\"" },
		{ B("plain text"), "\"plain text\"" },
		{ B("say \"hi\""), "\"say \\\"hi\\\"\"" },
		{ B("C:\\dump"), "\"C:\\\\dump\"" },
		{ B("a\nb\tc\rd"), "\"a\\nb\\tc\\rd\"" },
		{ B("\x01\x1b[2J\x1f"), "\"\\u0001\\u001b[2J\\u001f\"" },
		{ B("\x7f"), "\"\\u007f\"" },
		{ B("a\0b"), "\"a\\u0000b\"" },
		{ B("/"), "\"/\"" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct capture c;

		capture_begin(&c);
		kx_json_write_string(c.fp, t[i].in, t[i].len);
		capture_expect(&c, t[i].out);
	}
}

static void strings_pass_valid_utf8_and_escape_each_invalid_byte(void **state)
{
	static const struct str_case t[] = {
		{ B("caf\xc3\xa9"), "\"caf\xc3\xa9\"" },                  /* é, 2 bytes */
		{ B("\xe2\x82\xac"), "\"\xe2\x82\xac\"" },                /* €, 3 bytes */
		{ B("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"" },        /* 😀, 4 bytes */
		{ B("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"" },        /* U+10FFFF, the last */
		{ B("\xff"), "\"\\u00ff\"" },
		{ B("\xc3"), "\"\\u00c3\"" },                             /* lone lead byte at the end */
		{ B("\xc3" "A"), "\"\\u00c3A\"" },                        /* lead byte, no continuation */
		{ B("\xa9"), "\"\\u00a9\"" },                             /* lone continuation byte */
		{ B("\xc0\xaf"), "\"\\u00c0\\u00af\"" },                  /* overlong '/' */
		{ B("\xe0\x80\xaf"), "\"\\u00e0\\u0080\\u00af\"" },       /* overlong, 3 bytes */
		{ B("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"" },       /* surrogate U+D800 */
		{ B("\xf4\x90\x80\x80"), "\"\\u00f4\\u0090\\u0080\\u0080\"" },  /* past U+10FFFF */
		{ B("\xf0\x9f\x98"), "\"\\u00f0\\u009f\\u0098\"" },       /* cut 4-byte sequence */
		{ B("\xc3\xa9\xff\xc3\xa9"), "\"\xc3\xa9\\u00ff\xc3\xa9\"" },  /* resyncs after a bad byte */
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		struct capture c;

		capture_begin(&c);
		kx_json_write_string(c.fp, t[i].in, t[i].len);
		capture_expect(&c, t[i].out);
	}
}

static void a_utf8_sequence_cut_by_len_is_not_read_past_len(void **state)
{
	/* "é" with len 1: the continuation byte lies outside the string */
	struct capture c;

	(void)state;
	capture_begin(&c);
	kx_json_write_string(c.fp, "\xc3\xa9", 1);
	capture_expect(&c, "\"\\u00c3\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_two_levels_take_one_member_per_line_deeper_ones_one_line),
		cmocka_unit_test(empty_containers_stay_on_one_line),
		cmocka_unit_test(scalars_print_as_json_numbers_booleans_and_null),
		cmocka_unit_test(keys_are_escaped_like_strings),
		cmocka_unit_test(nesting_up_to_the_depth_limit_stays_valid_json),
		cmocka_unit_test(strings_escape_quotes_backslashes_and_control_bytes),
		cmocka_unit_test(strings_pass_valid_utf8_and_escape_each_invalid_byte),
		cmocka_unit_test(a_utf8_sequence_cut_by_len_is_not_read_past_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
