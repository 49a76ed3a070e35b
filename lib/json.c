// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include <stdio.h>

void kx_json_init(struct kx_json *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
	j->first[0] = true;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void kx_json_write_string(FILE *fp, const void *s, size_t len)
{
	const unsigned char *p = s;

	fputc('"', fp);
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '"':  fputs("\\\"", fp); i++; continue;
		case '\\': fputs("\\\\", fp); i++; continue;
		case '\n': fputs("\\n", fp); i++; continue;
		case '\t': fputs("\\t", fp); i++; continue;
		case '\r': fputs("\\r", fp); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_len(p + i, len - i);
		if (n == 0) {
			fprintf(fp, "\\u%04x", c);
			i++;
			continue;
		}
		fwrite(p + i, 1, n, fp);
		i += n;
	}
	fputc('"', fp);
}

static void indent(struct kx_json *j)
{
	fputc('\n', j->fp);
	for (int i = 0; i < j->depth; i++)
		fputs("   ", j->fp);
}

/* Separator, line layout and key before a value at the current depth. */
static void member(struct kx_json *j, const char *key)
{
	bool multiline = j->depth <= 2;

	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->fp);
		if (multiline)
			indent(j);
		else if (!j->first[j->depth])
			fputc(' ', j->fp);
	}
	j->first[j->depth] = false;
	if (key && j->depth > 0 && !j->is_array[j->depth]) {
		kx_json_write_string(j->fp, key, strlen(key));
		fputs(": ", j->fp);
	}
}

static void open_container(struct kx_json *j, const char *key, char c, bool array)
{
	member(j, key);
	fputc(c, j->fp);
	if (j->depth < KX_JSON_DEPTH) {
		j->depth++;
		j->first[j->depth] = true;
		j->is_array[j->depth] = array;
	}
}

static void close_container(struct kx_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0) {
		j->depth--;
		if (j->depth + 1 <= 2 && !empty)
			indent(j);
	}
	fputc(c, j->fp);
	if (j->depth == 0)
		fputc('\n', j->fp);
}

void kx_json_object_begin(struct kx_json *j, const char *key)
{
	open_container(j, key, '{', false);
}

void kx_json_object_end(struct kx_json *j)
{
	close_container(j, '}');
}

void kx_json_array_begin(struct kx_json *j, const char *key)
{
	open_container(j, key, '[', true);
}

void kx_json_array_end(struct kx_json *j)
{
	close_container(j, ']');
}

void kx_json_bytes(struct kx_json *j, const char *key, const void *s, size_t len)
{
	member(j, key);
	kx_json_write_string(j->fp, s, len);
}

void kx_json_string(struct kx_json *j, const char *key, const char *s)
{
	if (!s) {
		kx_json_null(j, key);
		return;
	}
	kx_json_bytes(j, key, s, strlen(s));
}

void kx_json_u64(struct kx_json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->fp, "%" PRIu64, v);
}

void kx_json_i64(struct kx_json *j, const char *key, int64_t v)
{
	member(j, key);
	fprintf(j->fp, "%" PRId64, v);
}

void kx_json_bool(struct kx_json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->fp);
}

void kx_json_null(struct kx_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->fp);
}

/* Errors as JSON: here rather than in output.c so that a tool printing JSON without tables
 * does not pull in libsmartcols. */
void kx_out_json_error_member(struct kx_json *j, const struct kx_err *e)
{
	char text[640];

	kx_json_object_begin(j, "error");
	/* the offset has its own member: the message is the bare text */
	kx_json_string(j, "message", e->msg[0] ? e->msg : kx_err_text(e, text, sizeof(text)));
	if (e->has_offset)
		kx_json_u64(j, "offset", e->offset);
	else
		kx_json_null(j, "offset");
	kx_json_object_end(j);
}

void kx_out_json_error(FILE *fp, const char *vmcore_path, const struct kx_err *e)
{
	struct kx_json j;

	kx_json_init(&j, fp);
	kx_json_object_begin(&j, NULL);
	if (vmcore_path)
		kx_json_string(&j, "vmcore", vmcore_path);
	kx_out_json_error_member(&j, e);
	kx_json_object_end(&j);
	fflush(fp);
}
