// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-dmesg output.  The default is kexec-tools' vmcore-dmesg, byte for byte:
 *  - "[%5lu.%06lu] " (seconds, microseconds), the text, "\n";
 *  - text bytes that are printable ASCII or white space (\t \n \v \f \r) as they are, every
 *    other byte as \xNN (lowercase; a backslash stays a backslash);
 *  - a record whose text was lost (lockless, no data block) as an empty line;
 *  - the empty header that marks a structured log's wrap to offset 0 as an empty record
 *    "[    0.000000] ", as kexec-tools prints it;
 *  - the legacy buffer as its raw bytes; on a terminal, escaped as the other formats' text
 *    (a vmcore's escape sequences are not the terminal's to obey).
 * --seq, --level and --caller add prefixes; the wrap marker is then left out (it is no record).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmesg.h"
#include "output.h"

/* prefixes (< 96 bytes) and up to 4 bytes per text byte, then "\n" */
#define LINE_MAX_BYTES (128 + 4 * KX_PRINTK_TEXT_MAX)

int dmesg_out_init(struct dmesg_out *out, FILE *fp, const struct dmesg_opts *o)
{
	*out = (struct dmesg_out){ .fp = fp, .o = o };
	out->compat = !o->seq && !o->level && !o->caller && !o->json && !o->since_set;
	out->tty = isatty(fileno(fp));
	out->line = malloc(LINE_MAX_BYTES);
	return out->line ? 0 : -ENOMEM;
}

void dmesg_out_free(struct dmesg_out *out)
{
	free(out->line);
	out->line = NULL;
}

void dmesg_out_begin(struct dmesg_out *out, const char *vmcore, enum kx_printk_format f)
{
	if (!out->o->json)
		return;
	kx_json_init(&out->json, out->fp);
	kx_json_object_begin(&out->json, NULL);
	kx_json_string(&out->json, "vmcore", vmcore);
	kx_json_string(&out->json, "format", kx_printk_format_name(f));
	kx_json_array_begin(&out->json, "records");
}

void dmesg_out_end(struct dmesg_out *out, const struct kx_err *err)
{
	if (!out->o->json)
		return;
	kx_json_array_end(&out->json);
	if (err && err->code)
		kx_out_json_error_member(&out->json, err);
	kx_json_object_end(&out->json);
}

/* printable ASCII and the C locale's isspace() */
static bool is_plain(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || (c >= '\t' && c <= '\r');
}

static size_t escape(char *dst, const unsigned char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (is_plain(c)) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	return o;
}

static void json_record(struct dmesg_out *out, const struct kx_printk_record *rec)
{
	struct kx_json *j = &out->json;
	char caller[16];

	kx_json_object_begin(j, NULL);
	kx_json_u64(j, "seq", rec->seq);
	if (rec->has_ts)
		kx_json_u64(j, "ts_nsec", rec->ts_nsec);
	else
		kx_json_null(j, "ts_nsec");
	if (rec->level >= 0)
		kx_json_i64(j, "level", rec->level);
	else
		kx_json_null(j, "level");
	if (rec->facility >= 0)
		kx_json_i64(j, "facility", rec->facility);
	else
		kx_json_null(j, "facility");
	if (rec->has_caller)
		kx_json_string(j, "caller", kx_printk_caller(rec->caller_id, caller, sizeof(caller)));
	else
		kx_json_null(j, "caller");
	kx_json_bool(j, "lost", rec->lost);
	kx_json_bytes(j, "text", rec->body, rec->body_len);
	kx_json_object_end(j);
}

void dmesg_out_record(struct dmesg_out *out, const struct kx_printk_record *rec)
{
	const struct dmesg_opts *o = out->o;
	char *p = out->line;

	if (rec->wrap_marker && !out->compat)
		return;
	if (!rec->wrap_marker && o->since_set && rec->seq < o->since)
		return;
	out->printed++;
	if (o->json) {
		json_record(out, rec);
		return;
	}
	if (o->seq)
		p += sprintf(p, "%" PRIu64 " ", rec->seq);
	if (rec->raw) {
		/* a legacy line: "<N>[time] text\n" as the kernel stored it */
		if (out->tty)
			p += escape(p, rec->text, rec->text_len);
		fwrite(out->line, 1, (size_t)(p - out->line), out->fp);
		if (!out->tty)
			fwrite(rec->text, 1, rec->text_len, out->fp);
		return;
	}
	if (o->level && rec->level >= 0)
		p += sprintf(p, "<%d>", rec->facility << 3 | rec->level);
	p += sprintf(p, "[%5" PRIu64 ".%06" PRIu64 "] ", rec->ts_nsec / 1000000000,
		     rec->ts_nsec % 1000000000 / 1000);
	if (o->caller && rec->has_caller) {
		char id[16];

		p += sprintf(p, "[%6s] ", kx_printk_caller(rec->caller_id, id, sizeof(id)));
	}
	p += escape(p, rec->text, rec->text_len);
	*p++ = '\n';
	fwrite(out->line, 1, (size_t)(p - out->line), out->fp);
}
