// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * printk buffer walkers.  Kernel facts used here (kernel/printk/printk_ringbuffer.[ch],
 * kernel/printk/printk.c):
 *  - lockless: a descriptor id maps to index id & (2^count_bits - 1) in descs[] and infos[];
 *    state_var holds the id in its low bits and the state in the top two (reserved 0,
 *    committed 1, finalized 2, reusable 3); readers take committed and finalized ones.
 *    A data block is "unsigned long id; char text[]" at lpos & (2^size_bits - 1); lpos >>
 *    size_bits counts the wraps.  A block that does not fit at the end of the ring is stored at
 *    offset 0 and its begin stays in the previous wrap.  lpos values with bit 0 set mean no
 *    data block: 0x3 (both begin and next) an empty line, anything else lost text.
 *    printk_info is { u64 seq; u64 ts_nsec; u16 text_len; u8 facility; u8 flags:5, level:3;
 *    u32 caller_id; ... }: VMCOREINFO gives no offset for facility and level, so they are
 *    taken from the two bytes after text_len when caller_id follows them, as in every kernel
 *    since 5.10.  The first bit-field is in the low bits on little-endian ABIs, in the high
 *    bits on big-endian ones.
 *  - structured: records { u64 ts_nsec; u16 len, text_len, dict_len; u8 facility; u8 flags:5,
 *    level:3; [u32 caller_id] } then text and dictionary, from log_first_idx to log_next_idx;
 *    a header with len 0 marks the wrap to offset 0.
 *  - legacy: characters at log_buf[i & (log_buf_len - 1)], the newest just before log_end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk-priv.h"
#include "vmcoreinfo.h"

const char *kx_printk_format_name(enum kx_printk_format f)
{
	switch (f) {
	case KX_PRINTK_LOCKLESS: return "lockless";
	case KX_PRINTK_STRUCTURED: return "structured";
	case KX_PRINTK_LEGACY: return "legacy";
	}
	return "unknown";
}

char *kx_printk_caller(uint32_t id, char *buf, size_t size)
{
	snprintf(buf, size, "%c%u", id & 0x80000000u ? 'C' : 'T', id & 0x7fffffffu);
	return buf;
}

/* ---------------------------------------------------------------- VMCOREINFO keys */

struct keys {
	const char *text;
	size_t len;
	const char *what;       /* "the lockless ring buffer (SYMBOL(prb), 5.10+)" */
	struct kx_err *err;
};

static int key_get(struct keys *k, const char *key, bool optional, uint64_t *ret)
{
	char val[64];
	int r = kx_vmcoreinfo_get_u64(k->text, k->len, key, 0, ret);

	if (r == -ENOENT && optional)
		return 1;
	if (r == -ENOENT)
		return kx_err_set(k->err, -EBADMSG,
				  "VMCOREINFO names %s but has no %s, which is needed to read it "
				  "(a truncated or damaged VMCOREINFO note?)", k->what, key);
	if (r < 0) {
		if (kx_vmcoreinfo_get(k->text, k->len, key, val, sizeof(val)) < 0)
			snprintf(val, sizeof(val), "(too long)");
		return kx_err_set(k->err, -EBADMSG, "VMCOREINFO %s=%s is not a number", key, val);
	}
	return 0;
}

static int struct_size(struct keys *k, const char *name, uint64_t *ret)
{
	char key[80];
	int r;

	snprintf(key, sizeof(key), "SIZE(%s)", name);
	r = key_get(k, key, false, ret);
	if (r < 0)
		return r;
	if (*ret == 0 || *ret > STRUCT_MAX)
		return kx_err_set(k->err, -EBADMSG, "VMCOREINFO %s=%" PRIu64 " is not a plausible "
				  "structure size (1..%u)", key, *ret, STRUCT_MAX);
	return 0;
}

/* OFFSET(s.f): width bytes at extra + that offset must lie inside a structure of size bytes. */
static int member(struct keys *k, const char *s, const char *f, uint64_t size, uint64_t extra,
		  uint64_t width, bool optional, uint64_t *ret)
{
	char key[96];
	int r;

	snprintf(key, sizeof(key), "OFFSET(%s.%s)", s, f);
	r = key_get(k, key, optional, ret);
	if (r != 0)
		return r;
	if (*ret > size || extra + width > size - *ret)
		return kx_err_set(k->err, -EBADMSG, "VMCOREINFO %s=%" PRIu64 " puts a %" PRIu64
				  "-byte field past the end of struct %s (SIZE(%s)=%" PRIu64 ")",
				  key, *ret, width, s, s, size);
	return 0;
}

static int symbol(struct keys *k, const char *name, bool optional, uint64_t *ret)
{
	char key[64];

	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	return key_get(k, key, optional, ret);
}

static int parse_lockless(struct keys *k, struct kx_printk_layout *l)
{
	uint64_t w = l->word, rb, dr, d, lp, in, tr, al, c = 0;
	int r;

	k->what = "the lockless ring buffer (SYMBOL(prb), kernel 5.10+)";
	if ((r = symbol(k, "prb", false, &l->prb)) < 0 ||
	    (r = struct_size(k, "printk_ringbuffer", &rb)) < 0 ||
	    (r = struct_size(k, "prb_desc_ring", &dr)) < 0 ||
	    (r = struct_size(k, "prb_desc", &d)) < 0 ||
	    (r = struct_size(k, "prb_data_blk_lpos", &lp)) < 0 ||
	    (r = struct_size(k, "printk_info", &in)) < 0 ||
	    (r = struct_size(k, "prb_data_ring", &tr)) < 0)
		return r;
	/* atomic_long_t.counter: 0 everywhere; taken when the kernel says it */
	r = key_get(k, "OFFSET(atomic_long_t.counter)", true, &c);
	if (r < 0)
		return r;
	if (r == 0 && struct_size(k, "atomic_long_t", &al) == 0 && (c > al || al - c < w))
		return kx_err_set(k->err, -EBADMSG, "VMCOREINFO OFFSET(atomic_long_t.counter)=%" PRIu64
				  " does not fit SIZE(atomic_long_t)=%" PRIu64, c, al);
	kx_err_clear(k->err);
	if (c > w * 4)
		return kx_err_set(k->err, -EBADMSG, "VMCOREINFO OFFSET(atomic_long_t.counter)=%"
				  PRIu64 " is not plausible", c);
	l->counter = c;
	l->desc_size = d;
	l->info_size = in;
	if ((r = member(k, "printk_ringbuffer", "desc_ring", rb, 0, dr, false, &l->desc_ring)) < 0 ||
	    (r = member(k, "printk_ringbuffer", "text_data_ring", rb, 0, tr, false,
			&l->text_data_ring)) < 0 ||
	    (r = member(k, "prb_desc_ring", "count_bits", dr, 0, 4, false, &l->count_bits)) < 0 ||
	    (r = member(k, "prb_desc_ring", "descs", dr, 0, w, false, &l->descs)) < 0 ||
	    (r = member(k, "prb_desc_ring", "infos", dr, 0, w, false, &l->infos)) < 0 ||
	    (r = member(k, "prb_desc_ring", "head_id", dr, c, w, false, &l->head_id)) < 0 ||
	    (r = member(k, "prb_desc_ring", "tail_id", dr, c, w, false, &l->tail_id)) < 0 ||
	    (r = member(k, "prb_desc", "state_var", d, c, w, false, &l->state_var)) < 0 ||
	    (r = member(k, "prb_desc", "text_blk_lpos", d, 0, lp, false, &l->text_blk_lpos)) < 0 ||
	    (r = member(k, "prb_data_blk_lpos", "begin", lp, 0, w, false, &l->lpos_begin)) < 0 ||
	    (r = member(k, "prb_data_blk_lpos", "next", lp, 0, w, false, &l->lpos_next)) < 0 ||
	    (r = member(k, "printk_info", "seq", in, 0, 8, false, &l->info_seq)) < 0 ||
	    (r = member(k, "printk_info", "ts_nsec", in, 0, 8, false, &l->info_ts_nsec)) < 0 ||
	    (r = member(k, "printk_info", "text_len", in, 0, 2, false, &l->info_text_len)) < 0 ||
	    (r = member(k, "prb_data_ring", "size_bits", tr, 0, 4, false, &l->size_bits)) < 0 ||
	    (r = member(k, "prb_data_ring", "data", tr, 0, w, false, &l->data)) < 0 ||
	    (r = member(k, "prb_data_ring", "head_lpos", tr, c, w, false, &l->head_lpos)) < 0 ||
	    (r = member(k, "prb_data_ring", "tail_lpos", tr, c, w, false, &l->tail_lpos)) < 0)
		return r;
	r = member(k, "printk_info", "caller_id", in, 0, 4, true, &l->info_caller_id);
	if (r < 0)
		return r;
	l->has_caller = r == 0;
	l->has_level = l->has_caller && l->info_caller_id == l->info_text_len + 4;
	return 0;
}

static int parse_log_common(struct keys *k, struct kx_printk_layout *l)
{
	int r;

	if ((r = symbol(k, "log_buf", false, &l->log_buf)) < 0 ||
	    (r = symbol(k, "log_buf_len", false, &l->log_buf_len)) < 0)
		return r;
	return 0;
}

static int parse_structured(struct keys *k, struct kx_printk_layout *l)
{
	const char *s = "printk_log";
	char key[32];
	uint64_t size;
	int r;

	k->what = "the structured log (SYMBOL(log_first_idx), kernel 3.5-5.9)";
	if ((r = parse_log_common(k, l)) < 0 ||
	    (r = symbol(k, "log_first_idx", false, &l->log_first_idx)) < 0 ||
	    (r = symbol(k, "log_next_idx", false, &l->log_next_idx)) < 0)
		return r;
	/* struct log until 3.10, struct printk_log since 3.11 */
	if (kx_vmcoreinfo_get(k->text, k->len, "SIZE(printk_log)", key, sizeof(key)) == -ENOENT &&
	    kx_vmcoreinfo_get(k->text, k->len, "SIZE(log)", key, sizeof(key)) != -ENOENT)
		s = "log";
	l->log_struct = s;
	if ((r = struct_size(k, s, &size)) < 0 ||
	    (r = member(k, s, "ts_nsec", size, 0, 8, false, &l->log_ts_nsec)) < 0 ||
	    (r = member(k, s, "len", size, 0, 2, false, &l->log_len)) < 0 ||
	    (r = member(k, s, "text_len", size, 0, 2, false, &l->log_text_len)) < 0 ||
	    (r = member(k, s, "dict_len", size, 0, 2, false, &l->log_dict_len)) < 0)
		return r;
	l->log_size = size;
	r = member(k, s, "caller_id", size, 0, 4, true, &l->log_caller_id);
	if (r < 0)
		return r;
	l->has_caller = r == 0;
	l->has_level = l->log_dict_len + 4 <= size &&
		       (!l->has_caller || l->log_caller_id >= l->log_dict_len + 4);
	return 0;
}

static int parse_legacy(struct keys *k, struct kx_printk_layout *l)
{
	int r;

	k->what = "the legacy log buffer (SYMBOL(log_end), before kernel 3.5)";
	if ((r = parse_log_common(k, l)) < 0 || (r = symbol(k, "log_end", false, &l->log_end)) < 0)
		return r;
	r = symbol(k, "logged_chars", true, &l->logged_chars);
	return r < 0 ? r : 0;
}

int kx_printk_layout_parse(const char *vmcoreinfo, size_t len, unsigned word, bool big_endian,
			   struct kx_printk_layout *ret, struct kx_err *err)
{
	struct kx_printk_layout l = { .word = word, .big_endian = big_endian };
	struct keys k = { .text = vmcoreinfo, .len = len, .err = err };
	char val[8];
	int r;

	if (word != 4 && word != 8)
		return kx_err_set(err, -EINVAL, "word size %u: only 4 and 8 are known", word);
	if (kx_vmcoreinfo_get(vmcoreinfo, len, "SYMBOL(prb)", val, 1) != -ENOENT) {
		l.format = KX_PRINTK_LOCKLESS;
		r = parse_lockless(&k, &l);
	} else if (kx_vmcoreinfo_get(vmcoreinfo, len, "SYMBOL(log_first_idx)", val, 1) != -ENOENT) {
		l.format = KX_PRINTK_STRUCTURED;
		r = parse_structured(&k, &l);
	} else if (kx_vmcoreinfo_get(vmcoreinfo, len, "SYMBOL(log_end)", val, 1) != -ENOENT) {
		l.format = KX_PRINTK_LEGACY;
		r = parse_legacy(&k, &l);
	} else {
		return kx_err_set(err, -EBADMSG,
				  "VMCOREINFO names no kernel log: none of SYMBOL(prb) (lockless ring "
				  "buffer, 5.10+), SYMBOL(log_first_idx) (structured log, 3.5-5.9) or "
				  "SYMBOL(log_end) (legacy buffer) is there");
	}
	if (r < 0)
		return r;
	*ret = l;
	return 0;
}


/* ---------------------------------------------------------------- iterator */

int kx_printk_iter_init(struct kx_printk_iter *it, const struct kx_printk_layout *lay,
			const struct kx_printk_mem *mem, struct kx_err *err)
{
	*it = (struct kx_printk_iter){ .lay = *lay, .mem = *mem };
	it->buf = malloc(KX_PRINTK_TEXT_MAX);
	if (!it->buf)
		return kx_err_set(err, -ENOMEM, "out of memory");
	switch (lay->format) {
	case KX_PRINTK_LOCKLESS: return pk_lockless_init(it, err);
	case KX_PRINTK_STRUCTURED: return pk_structured_init(it, err);
	case KX_PRINTK_LEGACY: return pk_legacy_init(it, err);
	}
	return kx_err_set(err, -EINVAL, "unknown printk format %d", lay->format);
}

void kx_printk_iter_free(struct kx_printk_iter *it)
{
	free(it->buf);
	it->buf = NULL;
	it->done = true;
}

int kx_printk_iter_next(struct kx_printk_iter *it, struct kx_printk_record *ret, struct kx_err *err)
{
	int r;

	if (!it->buf || it->done)
		return 0;
	switch (it->lay.format) {
	case KX_PRINTK_LOCKLESS:
		r = pk_lockless_next(it, ret, err);
		break;
	case KX_PRINTK_STRUCTURED:
		r = pk_structured_next(it, ret, err);
		break;
	case KX_PRINTK_LEGACY:
		r = pk_legacy_next(it, ret, err);
		if (r > 0) {
			struct kx_printk_record parsed = *ret;

			pk_legacy_parse(&parsed);
			ret->has_ts = parsed.has_ts;
			ret->ts_nsec = parsed.ts_nsec;
			ret->level = parsed.level;
			ret->facility = parsed.facility;
			ret->body = parsed.text;
			ret->body_len = parsed.text_len;
		}
		return r;
	default:
		return 0;
	}
	if (r > 0) {
		ret->body = ret->text;
		ret->body_len = ret->text_len;
	}
	return r;
}
