// SPDX-License-Identifier: GPL-2.0-or-later
/* The structured log (3.5-5.9) and the legacy byte buffer; facts in printk.c's header comment. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk-priv.h"
#include "vmcoreinfo.h"

/* ---------------------------------------------------------------- structured */

int pk_structured_init(struct kx_printk_iter *it, struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	int r;

	if ((r = pk_pointer(it, l->log_buf, 0, "the pointer log_buf (SYMBOL(log_buf))", &it->buf_addr,
			 err)) < 0 ||
	    (r = pk_rd(it, l->log_buf_len, 0, 4, "log_buf_len", &it->buf_len, err)) < 0 ||
	    (r = pk_rd(it, l->log_first_idx, 0, 4, "log_first_idx", &it->first_idx, err)) < 0 ||
	    (r = pk_rd(it, l->log_next_idx, 0, 4, "log_next_idx", &it->next_idx, err)) < 0)
		return r;
	if (it->buf_len < l->log_size || it->buf_len > LOG_BUF_LEN_MAX)
		return kx_err_set(err, -EBADMSG, "log_buf_len is %" PRIu64 " (at SYMBOL(log_buf_len)="
				  "%" PRIx64 "); the kernel's log is %" PRIu64 " bytes to 2 GiB",
				  it->buf_len, l->log_buf_len, l->log_size);
	if (it->first_idx > it->buf_len - l->log_size || it->next_idx > it->buf_len - l->log_size)
		return kx_err_set(err, -EBADMSG, "log_first_idx %" PRIu64 " or log_next_idx %" PRIu64
				  " leaves no room for a record header in the %" PRIu64 "-byte "
				  "log_buf", it->first_idx, it->next_idx, it->buf_len);
	if (it->buf_addr > UINT64_MAX - it->buf_len)
		return kx_err_set(err, -EBADMSG, "log_buf 0x%" PRIx64 " is too high for %" PRIu64
				  " bytes", it->buf_addr, it->buf_len);
	it->idx = it->first_idx;
	it->done = it->first_idx == it->next_idx;
	return 0;
}

static int structured_fail(struct kx_printk_iter *it, int r)
{
	it->done = true;
	return r;
}

int pk_structured_next(struct kx_printk_iter *it, struct kx_printk_record *rec,
			   struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	uint64_t m, len, text_len, dict_len, ts, c;
	unsigned char fl[2];
	int r;

	if (it->done)
		return 0;
	if (it->idx == it->next_idx) {
		it->done = true;
		return 0;
	}
	m = it->buf_addr + it->idx;
	if (it->buf_len - it->idx < l->log_size)
		return structured_fail(it, pk_bad(it, err, m,
			"record at log_buf index %" PRIu64 ": no room for its header before the end "
			"of the %" PRIu64 "-byte log_buf", it->idx, it->buf_len));
	if ((r = pk_rd(it, m, l->log_len, 2, "a log record header", &len, err)) < 0 ||
	    (r = pk_rd(it, m, l->log_ts_nsec, 8, "a log record header", &ts, err)) < 0)
		return structured_fail(it, r);
	if (len == 0) {
		/* the end of the buffer: the walk continues at offset 0 */
		bool live_contiguous = it->first_idx < it->next_idx;

		if (it->wrapped || live_contiguous)
			return structured_fail(it, pk_bad(it, err, m,
				"zero-length record at log_buf index %" PRIu64 " wraps the log %s "
				"(log_first_idx %" PRIu64 ", log_next_idx %" PRIu64 ")", it->idx,
				it->wrapped ? "a second time: a cycle" : "where it can't wrap",
				it->first_idx, it->next_idx));
		it->wrapped = true;
		*rec = (struct kx_printk_record){ .wrap_marker = true, .ts_nsec = ts, .has_ts = true,
						  .level = -1, .facility = -1, .addr = m,
						  .text = it->buf };
		it->idx = 0;
		return 1;
	}
	if (len < l->log_size || len > it->buf_len - it->idx ||
	    ((it->wrapped || it->first_idx < it->next_idx) && it->idx < it->next_idx &&
	     len > it->next_idx - it->idx) ||
	    ((it->wrapped || it->first_idx < it->next_idx) && it->idx > it->next_idx))
		return structured_fail(it, pk_bad(it, err, m + l->log_len,
			"record at log_buf index %" PRIu64 " has len %" PRIu64 ", which %s", it->idx,
			len, len < l->log_size ? "is shorter than its header" :
			len > it->buf_len - it->idx ? "runs past the end of log_buf" :
			"runs past log_next_idx"));
	if ((r = pk_rd(it, m, l->log_text_len, 2, "a log record header", &text_len, err)) < 0 ||
	    (r = pk_rd(it, m, l->log_dict_len, 2, "a log record header", &dict_len, err)) < 0)
		return structured_fail(it, r);
	*rec = (struct kx_printk_record){ .seq = it->seq++, .ts_nsec = ts, .has_ts = true,
					  .level = -1, .facility = -1, .addr = m, .text = it->buf };
	it->idx += len;
	if (l->has_caller) {
		if ((r = pk_rd(it, m, l->log_caller_id, 4, "a log record header", &c, err)) < 0)
			return structured_fail(it, r);
		rec->has_caller = true;
		rec->caller_id = (uint32_t)c;
	}
	if (l->has_level) {
		if ((r = pk_rd_bytes(it, m, l->log_dict_len + 2, fl, 2, "a log record header", err)) < 0)
			return structured_fail(it, r);
		rec->facility = fl[0];
		rec->level = l->big_endian ? fl[1] & 7 : fl[1] >> 5;
	}
	if (text_len + dict_len > len - l->log_size) {
		it->errors++;
		return pk_bad(it, err, m + l->log_text_len,
				 "record at log_buf index %" PRIu64 ": text_len %" PRIu64 " + dict_len %"
				 PRIu64 " runs past its len %" PRIu64, m - it->buf_addr, text_len,
				 dict_len, len);
	}
	if ((r = pk_rd_bytes(it, m, l->log_size, it->buf, (size_t)text_len, "a record's text", err)) < 0)
		return structured_fail(it, r);
	rec->text_len = (size_t)text_len;
	return 1;
}

/* ---------------------------------------------------------------- legacy */

int pk_legacy_init(struct kx_printk_iter *it, struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	uint64_t end;
	int r;

	if ((r = pk_pointer(it, l->log_buf, 0, "the pointer log_buf (SYMBOL(log_buf))", &it->buf_addr,
			 err)) < 0 ||
	    (r = pk_rd(it, l->log_buf_len, 0, 4, "log_buf_len", &it->buf_len, err)) < 0 ||
	    (r = pk_rd(it, l->log_end, 0, 4, "log_end", &end, err)) < 0)
		return r;
	if (!it->buf_len || it->buf_len > LOG_BUF_LEN_MAX || (it->buf_len & (it->buf_len - 1)))
		return kx_err_set(err, -EBADMSG, "log_buf_len is %" PRIu64 " (at SYMBOL(log_buf_len)="
				  "%" PRIx64 "); the kernel's is a power of two up to 2 GiB",
				  it->buf_len, l->log_buf_len);
	if (it->buf_addr > UINT64_MAX - it->buf_len)
		return kx_err_set(err, -EBADMSG, "log_buf 0x%" PRIx64 " is too high for %" PRIu64
				  " bytes", it->buf_addr, it->buf_len);
	/* log_end counts every character ever logged; the buffer holds the last log_buf_len */
	it->end = end;
	it->pos = end - (end < it->buf_len ? end : it->buf_len);
	it->done = it->pos == it->end;
	return 0;
}

/* Fill buf with stream bytes [pos, ...) past what is held. */
static int legacy_fill(struct kx_printk_iter *it, struct kx_err *err)
{
	while (it->have < KX_PRINTK_TEXT_MAX && it->pos < it->end) {
		uint64_t at = it->pos & (it->buf_len - 1);
		uint64_t n = KX_PRINTK_TEXT_MAX - it->have;
		int r;

		if (n > it->end - it->pos)
			n = it->end - it->pos;
		if (n > it->buf_len - at)
			n = it->buf_len - at;
		r = pk_rd_bytes(it, it->buf_addr, at, it->buf + it->have, (size_t)n, "the log buffer", err);
		if (r < 0)
			return r;
		it->have += (size_t)n;
		it->pos += n;
	}
	return 0;
}

/* "<N>" and "[%5lu.%06lu] " prefixes of a legacy line */
void pk_legacy_parse(struct kx_printk_record *rec)
{
	const unsigned char *p = rec->text, *e = rec->text + rec->text_len;
	uint64_t sec = 0, usec = 0;
	unsigned v = 0;
	int digits = 0;

	if (p + 3 <= e && p[0] == '<' && p[1] >= '0' && p[1] <= '9') {
		const unsigned char *q = p + 1;

		while (q < e && *q >= '0' && *q <= '9' && v < 100000)
			v = v * 10 + (unsigned)(*q++ - '0');
		if (q < e && *q == '>') {
			rec->level = (int)(v & 7);
			rec->facility = (int)(v >> 3);
			p = q + 1;
		}
	}
	if (p < e && *p == '[') {
		const unsigned char *q = p + 1;

		while (q < e && *q == ' ')
			q++;
		while (q < e && *q >= '0' && *q <= '9' && sec < UINT64_MAX / 100)
			sec = sec * 10 + (uint64_t)(*q++ - '0');
		if (q < e && *q == '.') {
			q++;
			while (q < e && *q >= '0' && *q <= '9' && digits < 6) {
				usec = usec * 10 + (uint64_t)(*q++ - '0');
				digits++;
			}
			if (digits == 6 && q < e && *q == ']' && sec <= UINT64_MAX / 1000000000 - 1) {
				rec->has_ts = true;
				rec->ts_nsec = sec * 1000000000 + usec * 1000;
				p = q + 1;
				if (p < e && *p == ' ')
					p++;
			}
		}
	}
	rec->text = p;
	rec->text_len = (size_t)(e - p);
	if (rec->text_len && p[rec->text_len - 1] == '\n')
		rec->text_len--;
}

int pk_legacy_next(struct kx_printk_iter *it, struct kx_printk_record *rec, struct kx_err *err)
{
	unsigned char *nl;
	size_t n;
	int r;

	if (it->done)
		return 0;
	if (it->used) {
		memmove(it->buf, it->buf + it->used, it->have - it->used);
		it->have -= it->used;
		it->used = 0;
	}
	r = legacy_fill(it, err);
	if (r < 0) {
		it->done = true;
		return r;
	}
	if (!it->have) {
		it->done = true;
		return 0;
	}
	nl = memchr(it->buf, '\n', it->have);
	n = nl ? (size_t)(nl - it->buf) + 1 : it->have;
	*rec = (struct kx_printk_record){ .seq = it->seq++, .level = -1, .facility = -1, .raw = true,
					  .addr = it->buf_addr, .text = it->buf, .text_len = n };
	it->used = n;
	return 1;
}

