// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/output: column selection, and the same rows as a table, raw, and JSON. */
#include <errno.h>
#include <libsmartcols.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The columns of `vmcore-dd --list`, plus one that is not shown by default. */
enum { COL_INDEX, COL_NAME, COL_SIZE, COL_OFFSET, COL_TYPE_NAME };

static const struct kx_coldef cols[] = {
	[COL_INDEX] = { "INDEX", 3, true, KX_COL_NUM, "device dump number, from 0" },
	[COL_NAME] = { "NAME", 0.3, false, KX_COL_STR, "name the driver gave the dump" },
	[COL_SIZE] = { "SIZE", 6, true, KX_COL_NUM, "data bytes" },
	[COL_OFFSET] = { "OFFSET", 10, true, KX_COL_HEX, "file offset of the data" },
	[COL_TYPE_NAME] = { "TYPE-NAME", 8, false, KX_COL_STR, "note type" },
};

#define DEFAULT_COLS "INDEX,NAME,SIZE,OFFSET"

/* ---- column selection ------------------------------------------------------------------------- */

/* The selection as "INDEX,NAME,…" (or the error), for one comparison per case. */
static void selection(const char *defaults, const char *user, char *buf, size_t size)
{
	struct kx_out o;
	struct kx_err err;
	size_t n = 0;
	int r;

	kx_err_clear(&err);
	r = kx_out_init(&o, cols, N_ELEMS(cols), defaults, user, KX_OUT_TABLE, false, stdout, &err);
	if (r < 0) {
		snprintf(buf, size, "%d: %s", r, err.msg);
	} else {
		buf[0] = '\0';
		for (size_t i = 0; i < o.ncols; i++)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "",
					      cols[o.cols[i]].name);
	}
	kx_out_free(&o);
}

static void init_selects_columns_from_defaults_user_list_or_both(void **state)
{
	static const struct {
		const char *user;
		const char *want;
	} t[] = {
		{ NULL, "INDEX,NAME,SIZE,OFFSET" },
		{ "", "INDEX,NAME,SIZE,OFFSET" },
		{ "name,Offset", "NAME,OFFSET" },
		{ "OFFSET,INDEX", "OFFSET,INDEX" },
		{ "type-name", "TYPE-NAME" },
		{ "NAME,", "NAME" },
		{ "+TYPE-NAME", "INDEX,NAME,SIZE,OFFSET,TYPE-NAME" },
		{ "+type-name,index", "INDEX,NAME,SIZE,OFFSET,TYPE-NAME" },  /* named twice: shown once */
		{ "SIZE,size,SIZE", "SIZE" },
		{ "+", "INDEX,NAME,SIZE,OFFSET" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char got[640];

		selection(DEFAULT_COLS, t[i].user, got, sizeof(got));
		assert_string_equal(got, t[i].want);
	}
}

static void init_rejects_an_unknown_column_by_name(void **state)
{
	static const struct {
		const char *user;
		const char *want;
	} t[] = {
		{ "NAME,BOGUS", "-22: unknown column: BOGUS" },
		{ "+bogus", "-22: unknown column: bogus" },
		{ "NAM", "-22: unknown column: NAM" },
		{ "NAMES", "-22: unknown column: NAMES" },
		{ ",NAME", "-22: unknown column: " },
		{ "NAME,,SIZE", "-22: unknown column: " },
		{ " NAME", "-22: unknown column:  NAME" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(t); i++) {
		char got[640];

		selection(DEFAULT_COLS, t[i].user, got, sizeof(got));
		assert_string_equal(got, t[i].want);
	}
}

static void init_with_nothing_to_show_is_einval(void **state)
{
	char got[640], many[6 * (KX_OUT_MAXCOLS + 1)] = "";

	(void)state;
	selection("", NULL, got, sizeof(got));
	assert_string_equal(got, "-22: no columns selected");

	/* more names than the table has slots: duplicates collapse, so this is one column */
	for (int i = 0; i <= KX_OUT_MAXCOLS; i++)
		strcat(many, i ? ",SIZE" : "SIZE");
	selection(DEFAULT_COLS, many, got, sizeof(got));
	assert_string_equal(got, "SIZE");
}

/* ---- rows ------------------------------------------------------------------------------------- */

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

/* A name with a space, a literal "\x41", an escape sequence, a backslash and UTF-8 "é". */
static const char hostile[] = "a b\\x41\x1b[2J\\z\xc3\xa9";

/* Two device dumps, cells set in an order different from the columns. */
static void emit_two_rows(struct kx_out *o)
{
	kx_out_row_begin(o);
	kx_out_u64(o, COL_OFFSET, 0x2040);
	kx_out_u64(o, COL_INDEX, 0);
	kx_out_u64(o, COL_SIZE, 4032);
	kx_out_str(o, COL_NAME, "cxgb4_0000:02:00.4");
	kx_out_row_end(o);

	kx_out_row_begin(o);
	kx_out_u64(o, COL_INDEX, 1);
	kx_out_bytes(o, COL_NAME, hostile, sizeof(hostile) - 1);
	kx_out_u64(o, COL_SIZE, 123456789);
	kx_out_u64(o, COL_OFFSET, 0x123456);
	kx_out_row_end(o);
}

/* Print in mode with the given columns; returns through the capture. */
static void print_table(struct capture *c, enum kx_out_mode mode, const char *user,
			bool noheadings)
{
	struct kx_out o;
	struct kx_err err;

	kx_err_clear(&err);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, user, mode, noheadings,
				     c->fp, &err), 0);
	assert_int_equal(kx_out_begin(&o, "/var/crash/vmcore", "device_dumps"), 0);
	/* the same layout whether or not the test runs on a terminal */
	if (o.tb)
		scols_table_set_termforce(o.tb, SCOLS_TERMFORCE_NEVER);
	emit_two_rows(&o);
	assert_int_equal(kx_out_end(&o, NULL), 0);
	kx_out_free(&o);
}

static void table_aligns_columns_and_shows_hex_columns_as_0x(void **state)
{
	struct capture c;

	(void)state;
	capture_begin(&c);
	print_table(&c, KX_OUT_TABLE, NULL, false);
	/* non-printables come out as \xNN; a backslash only where it would look like one */
	capture_expect(&c,
		       "INDEX NAME                             SIZE     OFFSET\n"
		       "    0 cxgb4_0000:02:00.4               4032     0x2040\n"
		       "    1 a b\\x5cx41\\x1b[2J\\z\\xc3\\xa9 123456789   0x123456\n");
}

static void table_shows_selected_columns_in_their_order_without_headings(void **state)
{
	struct capture c;

	(void)state;
	capture_begin(&c);
	print_table(&c, KX_OUT_TABLE, "offset,index", true);
	/* widths as with headings: OFFSET's width hint of 10, INDEX as wide as its name */
	capture_expect(&c,
		       "    0x2040     0\n"
		       "  0x123456     1\n");
}

static void raw_output_separates_by_one_space_and_escapes_blanks(void **state)
{
	struct capture c;

	(void)state;
	capture_begin(&c);
	print_table(&c, KX_OUT_RAW, NULL, false);
	capture_expect(&c,
		       "INDEX NAME SIZE OFFSET\n"
		       "0 cxgb4_0000:02:00.4 4032 0x2040\n"
		       "1 a\\x20b\\x5cx41\\x1b[2J\\x5cz\\xc3\\xa9 123456789 0x123456\n");
}

static void json_rows_carry_selected_columns_in_column_order(void **state)
{
	struct capture c;

	(void)state;
	capture_begin(&c);
	print_table(&c, KX_OUT_JSON, "name,offset,index", false);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": \"/var/crash/vmcore\",\n"
		       "   \"device_dumps\": [\n"
		       "      {\"name\": \"cxgb4_0000:02:00.4\", \"offset\": 8256, \"index\": 0},\n"
		       "      {\"name\": \"a b\\\\x41\\u001b[2J\\\\z\xc3\xa9\", \"offset\": 1193046, "
		       "\"index\": 1}\n"
		       "   ]\n"
		       "}\n");
}

static void json_keys_are_lower_case_with_underscores(void **state)
{
	struct capture c;
	struct kx_out o;
	struct kx_err err;

	(void)state;
	capture_begin(&c);
	kx_err_clear(&err);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, "TYPE-NAME", KX_OUT_JSON,
				     false, c.fp, &err), 0);
	assert_int_equal(kx_out_begin(&o, "v", "notes"), 0);
	kx_out_row_begin(&o);
	kx_out_str(&o, COL_TYPE_NAME, "NT_VMCOREDD");
	kx_out_row_end(&o);
	assert_int_equal(kx_out_end(&o, NULL), 0);
	kx_out_free(&o);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": \"v\",\n"
		       "   \"notes\": [\n"
		       "      {\"type_name\": \"NT_VMCOREDD\"}\n"
		       "   ]\n"
		       "}\n");
}

static void json_decoded_fields_follow_the_cells_and_late_cells_are_dropped(void **state)
{
	struct capture c;
	struct kx_out o;
	struct kx_err err;
	struct kx_json *j;

	(void)state;
	capture_begin(&c);
	kx_err_clear(&err);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, "INDEX,SIZE,TYPE-NAME",
				     KX_OUT_JSON, false, c.fp, &err), 0);
	assert_int_equal(kx_out_begin(&o, NULL, "notes"), 0);
	kx_out_row_begin(&o);
	kx_out_u64(&o, COL_SIZE, 336);
	kx_out_u64(&o, COL_SIZE, 999);          /* a cell is set once */
	kx_out_str(&o, COL_TYPE_NAME, "NT_PRSTATUS");
	kx_out_str(&o, COL_TYPE_NAME, "second");
	kx_out_u64(&o, COL_INDEX, 0);
	kx_out_str(&o, COL_NAME, "not selected");
	j = kx_out_json(&o);
	assert_non_null(j);
	kx_json_i64(j, "pid", 4242);
	kx_json_object_begin(j, "regs");
	kx_json_u64(j, "rip", 1);
	kx_json_object_end(j);
	kx_out_u64(&o, COL_INDEX, 7);           /* too late: ignored in JSON */
	kx_out_row_end(&o);
	assert_int_equal(kx_out_end(&o, NULL), 0);
	kx_out_free(&o);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": null,\n"
		       "   \"notes\": [\n"
		       "      {\"index\": 0, \"size\": 336, \"type_name\": \"NT_PRSTATUS\", \"pid\": 4242, "
		       "\"regs\": {\"rip\": 1}}\n"
		       "   ]\n"
		       "}\n");
}

/* vmcore-dd --notes --json leaves its text-only DESCRIPTION column unset: no member for it. */
static void json_rows_leave_out_selected_columns_that_were_not_set(void **state)
{
	struct capture c;
	struct kx_out o;
	struct kx_err err;

	(void)state;
	capture_begin(&c);
	kx_err_clear(&err);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, NULL, KX_OUT_JSON, false,
				     c.fp, &err), 0);
	assert_int_equal(kx_out_begin(&o, "v", "device_dumps"), 0);
	kx_out_row_begin(&o);
	kx_out_u64(&o, COL_SIZE, 5);
	kx_out_row_end(&o);
	kx_out_row_begin(&o);
	kx_out_u64(&o, COL_INDEX, 1);
	kx_out_row_end(&o);
	assert_int_equal(kx_out_end(&o, NULL), 0);
	kx_out_free(&o);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": \"v\",\n"
		       "   \"device_dumps\": [\n"
		       "      {\"size\": 5},\n"
		       "      {\"index\": 1}\n"
		       "   ]\n"
		       "}\n");
}

static void json_end_adds_the_error_with_its_offset_or_null(void **state)
{
	struct capture c;
	struct kx_out o;
	struct kx_err err, e;

	(void)state;
	/* an error with an offset, after an empty list */
	capture_begin(&c);
	kx_err_clear(&err);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, NULL, KX_OUT_JSON, false,
				     c.fp, &err), 0);
	assert_int_equal(kx_out_begin(&o, "/proc/vmcore", "device_dumps"), 0);
	kx_err_clear(&e);
	kx_err_at(&e, -EBADMSG, 0x2040, "truncated: note %d data runs past the end", 3);
	assert_int_equal(kx_out_end(&o, &e), 0);
	kx_out_free(&o);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": \"/proc/vmcore\",\n"
		       "   \"device_dumps\": [],\n"
		       "   \"error\": {\n"
		       "      \"message\": \"truncated: note 3 data runs past the end\",\n"
		       "      \"offset\": 8256\n"
		       "   }\n"
		       "}\n");

	/* an error without one; a cleared error adds nothing */
	capture_begin(&c);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, NULL, KX_OUT_JSON, false,
				     c.fp, &err), 0);
	assert_int_equal(kx_out_begin(&o, "/proc/vmcore", "device_dumps"), 0);
	kx_err_clear(&e);
	kx_err_set(&e, -EIO, "read error: %s", "Input/output error");
	assert_int_equal(kx_out_end(&o, &e), 0);
	kx_out_free(&o);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": \"/proc/vmcore\",\n"
		       "   \"device_dumps\": [],\n"
		       "   \"error\": {\n"
		       "      \"message\": \"read error: Input/output error\",\n"
		       "      \"offset\": null\n"
		       "   }\n"
		       "}\n");

	capture_begin(&c);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, NULL, KX_OUT_JSON, false,
				     c.fp, &err), 0);
	assert_int_equal(kx_out_begin(&o, "/proc/vmcore", "device_dumps"), 0);
	kx_err_clear(&e);
	assert_int_equal(kx_out_end(&o, &e), 0);
	kx_out_free(&o);
	capture_expect(&c, "{\n   \"vmcore\": \"/proc/vmcore\",\n   \"device_dumps\": []\n}\n");
}

static void json_error_document_stands_alone(void **state)
{
	struct capture c;
	struct kx_err e;

	(void)state;
	capture_begin(&c);
	kx_err_clear(&e);
	kx_err_at(&e, -EBADMSG, 0, "not an ELF file (bad magic)");
	kx_out_json_error(c.fp, "/tmp/x \"y\"", &e);
	capture_expect(&c,
		       "{\n"
		       "   \"vmcore\": \"/tmp/x \\\"y\\\"\",\n"
		       "   \"error\": {\n"
		       "      \"message\": \"not an ELF file (bad magic)\",\n"
		       "      \"offset\": 0\n"
		       "   }\n"
		       "}\n");

	/* no path, no message: the errno text */
	capture_begin(&c);
	kx_err_clear(&e);
	e.code = -ENOENT;
	kx_out_json_error(c.fp, NULL, &e);
	capture_expect(&c,
		       "{\n"
		       "   \"error\": {\n"
		       "      \"message\": \"No such file or directory\",\n"
		       "      \"offset\": null\n"
		       "   }\n"
		       "}\n");
}

static void json_writer_is_only_offered_in_json_mode(void **state)
{
	struct kx_out o;
	struct kx_err err;

	(void)state;
	kx_err_clear(&err);
	assert_int_equal(kx_out_init(&o, cols, N_ELEMS(cols), DEFAULT_COLS, NULL, KX_OUT_TABLE, false,
				     stdout, &err), 0);
	assert_null(kx_out_json(&o));
	kx_out_free(&o);
}

static void help_lists_every_column_with_its_text(void **state)
{
	struct capture c;

	(void)state;
	capture_begin(&c);
	kx_out_help(c.fp, cols, 2);
	capture_expect(&c,
		       "        INDEX  device dump number, from 0\n"
		       "         NAME  name the driver gave the dump\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_selects_columns_from_defaults_user_list_or_both),
		cmocka_unit_test(init_rejects_an_unknown_column_by_name),
		cmocka_unit_test(init_with_nothing_to_show_is_einval),
		cmocka_unit_test(table_aligns_columns_and_shows_hex_columns_as_0x),
		cmocka_unit_test(table_shows_selected_columns_in_their_order_without_headings),
		cmocka_unit_test(raw_output_separates_by_one_space_and_escapes_blanks),
		cmocka_unit_test(json_rows_carry_selected_columns_in_column_order),
		cmocka_unit_test(json_keys_are_lower_case_with_underscores),
		cmocka_unit_test(json_decoded_fields_follow_the_cells_and_late_cells_are_dropped),
		cmocka_unit_test(json_rows_leave_out_selected_columns_that_were_not_set),
		cmocka_unit_test(json_end_adds_the_error_with_its_offset_or_null),
		cmocka_unit_test(json_error_document_stands_alone),
		cmocka_unit_test(json_writer_is_only_offered_in_json_mode),
		cmocka_unit_test(help_lists_every_column_with_its_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
