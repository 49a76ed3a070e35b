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

#include "printk.h"
#include "vmcoreinfo.h"

#define STRUCT_MAX 65536u               /* no printk structure comes near this */
#define COUNT_BITS_MAX 26               /* log_buf_len <= 2 GiB, 32 bytes per descriptor */
#define SIZE_BITS_MAX 31                /* LOG_BUF_LEN_MAX */
#define LOG_BUF_LEN_MAX (1ull << 31)
#define FAILED_LPOS 0x1
#define NO_LPOS 0x3
#define ST_COMMITTED 1
#define ST_FINALIZED 2

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

/* ---------------------------------------------------------------- memory */

static uint64_t get_int(const struct kx_printk_iter *it, const unsigned char *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (it->lay.big_endian ? 8 * (width - 1 - i) : 8 * i);
	return v;
}

/* Read a member: base + off, width bytes, with overflow checked. */
static int rd(struct kx_printk_iter *it, uint64_t base, uint64_t off, unsigned width,
	      const char *what, uint64_t *ret, struct kx_err *err)
{
	unsigned char b[8];
	int r;

	if (off > UINT64_MAX - base)
		return kx_err_set(err, -EBADMSG, "%s: address 0x%" PRIx64 " + 0x%" PRIx64
				  " overflows", what, base, off);
	r = it->mem.read(it->mem.ctx, base + off, b, width, what, err);
	if (r < 0)
		return r;
	*ret = get_int(it, b, width);
	return 0;
}

static int rd_bytes(struct kx_printk_iter *it, uint64_t addr, uint64_t off, void *buf, size_t len,
		    const char *what, struct kx_err *err)
{
	if (off > UINT64_MAX - addr || len > UINT64_MAX - addr - off)
		return kx_err_set(err, -EBADMSG, "%s: address 0x%" PRIx64 " + 0x%" PRIx64
				  " overflows", what, addr, off);
	return it->mem.read(it->mem.ctx, addr + off, buf, len, what, err);
}

/*
 * A malformed structure at kernel address addr: -EBADMSG, with the file offset of addr when the
 * memory reader can tell it, else the address in the message.
 */
static int bad(struct kx_printk_iter *it, struct kx_err *err, uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(struct kx_printk_iter *it, struct kx_err *err, uint64_t addr, const char *fmt, ...)
{
	char msg[400];
	uint64_t off;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (it->mem.offset && it->mem.offset(it->mem.ctx, addr, &off) == 0)
		return kx_err_at(err, -EBADMSG, off, "%s", msg);
	return kx_err_set(err, -EBADMSG, "%s (kernel address 0x%" PRIx64 ")", msg, addr);
}

/* The crashed kernel's word: 32 or 64 bits. */
static uint64_t wmask(const struct kx_printk_iter *it)
{
	return it->lay.word == 8 ? UINT64_MAX : 0xffffffffu;
}

/* A kernel pointer read from memory: NULL is an error. */
static int pointer(struct kx_printk_iter *it, uint64_t base, uint64_t off, const char *what,
		   uint64_t *ret, struct kx_err *err)
{
	int r = rd(it, base, off, it->lay.word, what, ret, err);

	if (r < 0)
		return r;
	if (!*ret)
		return kx_err_set(err, -EBADMSG, "%s at 0x%" PRIx64 " is NULL", what, base + off);
	return 0;
}

/* ---------------------------------------------------------------- lockless */

static int lockless_init(struct kx_printk_iter *it, struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	uint64_t rb, dr, tr, count_bits, size_bits, dist;
	unsigned bits = l->word * 8;
	int r;

	if ((r = pointer(it, l->prb, 0, "the pointer prb (SYMBOL(prb))", &rb, err)) < 0)
		return r;
	if (rb > UINT64_MAX - l->desc_ring - STRUCT_MAX || rb > UINT64_MAX - l->text_data_ring - STRUCT_MAX)
		return kx_err_set(err, -EBADMSG, "prb points to 0x%" PRIx64 ", too high for the "
				  "printk_ringbuffer structure", rb);
	dr = rb + l->desc_ring;
	tr = rb + l->text_data_ring;
	if ((r = rd(it, dr, l->count_bits, 4, "prb->desc_ring.count_bits", &count_bits, err)) < 0 ||
	    (r = pointer(it, dr, l->descs, "prb->desc_ring.descs", &it->descs_addr, err)) < 0 ||
	    (r = pointer(it, dr, l->infos, "prb->desc_ring.infos", &it->infos_addr, err)) < 0 ||
	    (r = rd(it, dr, l->head_id + l->counter, l->word, "prb->desc_ring.head_id",
		    &it->head_id, err)) < 0 ||
	    (r = rd(it, dr, l->tail_id + l->counter, l->word, "prb->desc_ring.tail_id",
		    &it->tail_id, err)) < 0 ||
	    (r = rd(it, tr, l->size_bits, 4, "prb->text_data_ring.size_bits", &size_bits, err)) < 0 ||
	    (r = pointer(it, tr, l->data, "prb->text_data_ring.data", &it->data_addr, err)) < 0 ||
	    (r = rd(it, tr, l->head_lpos + l->counter, l->word, "prb->text_data_ring.head_lpos",
		    &it->head_lpos, err)) < 0 ||
	    (r = rd(it, tr, l->tail_lpos + l->counter, l->word, "prb->text_data_ring.tail_lpos",
		    &it->tail_lpos, err)) < 0)
		return r;

	if (count_bits > COUNT_BITS_MAX)
		return bad(it, err, dr + l->count_bits,
				 "prb->desc_ring.count_bits is %" PRIu64 " (OFFSET(prb_desc_ring."
				 "count_bits)=%" PRIu64 "); the kernel has at most 2^%d descriptors",
				 count_bits, l->count_bits, COUNT_BITS_MAX);
	if (size_bits > SIZE_BITS_MAX || size_bits < 4)
		return bad(it, err, tr + l->size_bits,
				 "prb->text_data_ring.size_bits is %" PRIu64 " (OFFSET(prb_data_ring."
				 "size_bits)=%" PRIu64 "); the kernel's text ring is 2^4 to 2^%d bytes",
				 size_bits, l->size_bits, SIZE_BITS_MAX);
	it->count = 1ull << count_bits;
	it->data_size = 1ull << size_bits;
	it->lmask = wmask(it);
	it->id_mask = it->lmask & ~(3ull << (bits - 2));
	if ((it->head_id | it->tail_id) & ~it->id_mask)
		return bad(it, err, dr + l->head_id,
				 "prb->desc_ring head_id 0x%" PRIx64 " or tail_id 0x%" PRIx64
				 " has state bits set: not descriptor ids", it->head_id, it->tail_id);
	dist = (it->head_id - it->tail_id) & it->id_mask;
	if (dist >= it->count)
		return bad(it, err, dr + l->tail_id,
				 "prb->desc_ring tail_id 0x%" PRIx64 " is %" PRIu64 " descriptors behind "
				 "head_id 0x%" PRIx64 ", but the ring holds only %" PRIu64,
				 it->tail_id, dist, it->head_id, it->count);
	if (((it->head_lpos - it->tail_lpos) & it->lmask) > it->data_size)
		return bad(it, err, tr + l->tail_lpos,
				 "prb->text_data_ring tail_lpos 0x%" PRIx64 " is more than the ring's %"
				 PRIu64 " bytes behind head_lpos 0x%" PRIx64,
				 it->tail_lpos, it->data_size, it->head_lpos);
	if (it->descs_addr > UINT64_MAX - it->count * l->desc_size ||
	    it->infos_addr > UINT64_MAX - it->count * l->info_size ||
	    it->data_addr > UINT64_MAX - it->data_size)
		return kx_err_set(err, -EBADMSG, "prb->desc_ring.descs, .infos or "
				  "prb->text_data_ring.data is too high for its array");
	it->id = it->tail_id;
	return 0;
}

/* lpos is in [tail_lpos, head_lpos] */
static bool lpos_live(const struct kx_printk_iter *it, uint64_t lpos)
{
	return ((lpos - it->tail_lpos) & it->lmask) <= ((it->head_lpos - it->tail_lpos) & it->lmask);
}

static uint64_t wraps(const struct kx_printk_iter *it, uint64_t lpos)
{
	return (lpos & it->lmask) / it->data_size;
}

/* A read failed: the walk can't go on. */
static int fatal(struct kx_printk_iter *it, int r)
{
	it->done = true;
	return r;
}

/* One descriptor: 1 record, 0 nothing to show, <0 malformed (or unreadable: it->done). */
static int lockless_desc(struct kx_printk_iter *it, uint64_t id, struct kx_printk_record *rec,
			 struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	uint64_t idx = id & (it->count - 1);
	uint64_t d = it->descs_addr + idx * l->desc_size, in = it->infos_addr + idx * l->info_size;
	uint64_t sv, begin, next, seq, ts, text_len, off, blk, w = l->word;
	unsigned char info[8];
	unsigned state;
	int r;

	if ((r = rd(it, d, l->state_var + l->counter, l->word, "a descriptor's state_var", &sv, err)) < 0)
		return fatal(it, r);
	state = (unsigned)((sv & it->lmask) >> (w * 8 - 2));
	if ((sv & it->id_mask) != id || (state != ST_COMMITTED && state != ST_FINALIZED))
		return 0;
	if ((r = rd(it, d, l->text_blk_lpos + l->lpos_begin, l->word, "a descriptor's text_blk_lpos",
		    &begin, err)) < 0 ||
	    (r = rd(it, d, l->text_blk_lpos + l->lpos_next, l->word, "a descriptor's text_blk_lpos",
		    &next, err)) < 0 ||
	    (r = rd(it, in, l->info_seq, 8, "a record's printk_info", &seq, err)) < 0 ||
	    (r = rd(it, in, l->info_ts_nsec, 8, "a record's printk_info", &ts, err)) < 0 ||
	    (r = rd(it, in, l->info_text_len, 2, "a record's printk_info", &text_len, err)) < 0)
		return fatal(it, r);
	*rec = (struct kx_printk_record){ .seq = seq, .ts_nsec = ts, .has_ts = true,
					  .level = -1, .facility = -1, .addr = d, .text = it->buf };
	if (l->has_caller) {
		uint64_t c;

		if ((r = rd(it, in, l->info_caller_id, 4, "a record's printk_info", &c, err)) < 0)
			return fatal(it, r);
		rec->has_caller = true;
		rec->caller_id = (uint32_t)c;
	}
	if (l->has_level) {
		if ((r = rd_bytes(it, in, l->info_text_len + 2, info, 2, "a record's printk_info",
				  err)) < 0)
			return fatal(it, r);
		rec->facility = info[0];
		rec->level = l->big_endian ? info[1] & 7 : info[1] >> 5;
	}
	if ((seq & (it->count - 1)) != idx)
		return bad(it, err, in + l->info_seq,
				 "descriptor id 0x%" PRIx64 " (index %" PRIu64 ") has printk_info.seq %"
				 PRIu64 ", which belongs to index %" PRIu64, id, idx, seq,
				 seq & (it->count - 1));

	if ((begin & 1) || (next & 1)) {
		/* no data block: an empty line, or text that was lost */
		if (!(begin & 1) || !(next & 1))
			return bad(it, err, d + l->text_blk_lpos,
					 "record %" PRIu64 ": text_blk_lpos begin 0x%" PRIx64 " next 0x%"
					 PRIx64 " mixes a data-less and a real position", seq, begin, next);
		rec->lost = !(begin == NO_LPOS && next == NO_LPOS);
		rec->text_len = 0;
		return 1;
	}
	if (!lpos_live(it, begin) || !lpos_live(it, next) || begin == next)
		return bad(it, err, d + l->text_blk_lpos,
				 "record %" PRIu64 ": text block [0x%" PRIx64 ", 0x%" PRIx64 ") is not "
				 "inside the text ring's [tail_lpos 0x%" PRIx64 ", head_lpos 0x%" PRIx64
				 "]", seq, begin, next, it->tail_lpos, it->head_lpos);
	if ((begin | next) & (w - 1))
		return bad(it, err, d + l->text_blk_lpos,
				 "record %" PRIu64 ": text block [0x%" PRIx64 ", 0x%" PRIx64 ") is not "
				 "aligned to %" PRIu64 " bytes", seq, begin, next, w);
	if (wraps(it, begin) == wraps(it, next - 1)) {
		off = begin & (it->data_size - 1);
		blk = (next - begin) & it->lmask;
	} else if (wraps(it, begin + it->data_size) == wraps(it, next - 1)) {
		/* stored at the start of the ring */
		off = 0;
		blk = next & (it->data_size - 1);
	} else {
		return bad(it, err, d + l->text_blk_lpos,
				 "record %" PRIu64 ": text block [0x%" PRIx64 ", 0x%" PRIx64 ") spans "
				 "more than one wrap of the %" PRIu64 "-byte ring", seq, begin, next,
				 it->data_size);
	}
	if (blk < w)
		return bad(it, err, d + l->text_blk_lpos,
				 "record %" PRIu64 ": text block [0x%" PRIx64 ", 0x%" PRIx64 ") has no "
				 "room for its id", seq, begin, next);
	if (text_len > blk - w)
		return bad(it, err, in + l->info_text_len,
				 "record %" PRIu64 ": text_len %" PRIu64 " runs past its %" PRIu64
				 "-byte data block at lpos 0x%" PRIx64, seq, text_len, blk - w, begin);
	if ((r = rd_bytes(it, it->data_addr, off + w, it->buf, (size_t)text_len, "a record's text",
			  err)) < 0)
		return fatal(it, r);
	rec->text_len = (size_t)text_len;
	return 1;
}

static int lockless_next(struct kx_printk_iter *it, struct kx_printk_record *ret, struct kx_err *err)
{
	while (!it->done) {
		uint64_t id = it->id;
		int r;

		if (id == it->head_id)
			it->done = true;
		else
			it->id = (id + 1) & it->id_mask;
		r = lockless_desc(it, id, ret, err);
		if (r < 0 && !it->done)
			it->errors++;   /* this record only: the walk goes on */
		if (r != 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- structured */

static int structured_init(struct kx_printk_iter *it, struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	int r;

	if ((r = pointer(it, l->log_buf, 0, "the pointer log_buf (SYMBOL(log_buf))", &it->buf_addr,
			 err)) < 0 ||
	    (r = rd(it, l->log_buf_len, 0, 4, "log_buf_len", &it->buf_len, err)) < 0 ||
	    (r = rd(it, l->log_first_idx, 0, 4, "log_first_idx", &it->first_idx, err)) < 0 ||
	    (r = rd(it, l->log_next_idx, 0, 4, "log_next_idx", &it->next_idx, err)) < 0)
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

static int structured_next(struct kx_printk_iter *it, struct kx_printk_record *rec,
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
		return structured_fail(it, bad(it, err, m,
			"record at log_buf index %" PRIu64 ": no room for its header before the end "
			"of the %" PRIu64 "-byte log_buf", it->idx, it->buf_len));
	if ((r = rd(it, m, l->log_len, 2, "a log record header", &len, err)) < 0 ||
	    (r = rd(it, m, l->log_ts_nsec, 8, "a log record header", &ts, err)) < 0)
		return structured_fail(it, r);
	if (len == 0) {
		/* the end of the buffer: the walk continues at offset 0 */
		bool live_contiguous = it->first_idx < it->next_idx;

		if (it->wrapped || live_contiguous)
			return structured_fail(it, bad(it, err, m,
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
		return structured_fail(it, bad(it, err, m + l->log_len,
			"record at log_buf index %" PRIu64 " has len %" PRIu64 ", which %s", it->idx,
			len, len < l->log_size ? "is shorter than its header" :
			len > it->buf_len - it->idx ? "runs past the end of log_buf" :
			"runs past log_next_idx"));
	if ((r = rd(it, m, l->log_text_len, 2, "a log record header", &text_len, err)) < 0 ||
	    (r = rd(it, m, l->log_dict_len, 2, "a log record header", &dict_len, err)) < 0)
		return structured_fail(it, r);
	*rec = (struct kx_printk_record){ .seq = it->seq++, .ts_nsec = ts, .has_ts = true,
					  .level = -1, .facility = -1, .addr = m, .text = it->buf };
	it->idx += len;
	if (l->has_caller) {
		if ((r = rd(it, m, l->log_caller_id, 4, "a log record header", &c, err)) < 0)
			return structured_fail(it, r);
		rec->has_caller = true;
		rec->caller_id = (uint32_t)c;
	}
	if (l->has_level) {
		if ((r = rd_bytes(it, m, l->log_dict_len + 2, fl, 2, "a log record header", err)) < 0)
			return structured_fail(it, r);
		rec->facility = fl[0];
		rec->level = l->big_endian ? fl[1] & 7 : fl[1] >> 5;
	}
	if (text_len + dict_len > len - l->log_size) {
		it->errors++;
		return bad(it, err, m + l->log_text_len,
				 "record at log_buf index %" PRIu64 ": text_len %" PRIu64 " + dict_len %"
				 PRIu64 " runs past its len %" PRIu64, m - it->buf_addr, text_len,
				 dict_len, len);
	}
	if ((r = rd_bytes(it, m, l->log_size, it->buf, (size_t)text_len, "a record's text", err)) < 0)
		return structured_fail(it, r);
	rec->text_len = (size_t)text_len;
	return 1;
}

/* ---------------------------------------------------------------- legacy */

static int legacy_init(struct kx_printk_iter *it, struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	uint64_t end;
	int r;

	if ((r = pointer(it, l->log_buf, 0, "the pointer log_buf (SYMBOL(log_buf))", &it->buf_addr,
			 err)) < 0 ||
	    (r = rd(it, l->log_buf_len, 0, 4, "log_buf_len", &it->buf_len, err)) < 0 ||
	    (r = rd(it, l->log_end, 0, 4, "log_end", &end, err)) < 0)
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
		r = rd_bytes(it, it->buf_addr, at, it->buf + it->have, (size_t)n, "the log buffer", err);
		if (r < 0)
			return r;
		it->have += (size_t)n;
		it->pos += n;
	}
	return 0;
}

/* "<N>" and "[%5lu.%06lu] " prefixes of a legacy line */
static void legacy_parse(struct kx_printk_record *rec)
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

static int legacy_next(struct kx_printk_iter *it, struct kx_printk_record *rec, struct kx_err *err)
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

/* ---------------------------------------------------------------- iterator */

int kx_printk_iter_init(struct kx_printk_iter *it, const struct kx_printk_layout *lay,
			const struct kx_printk_mem *mem, struct kx_err *err)
{
	*it = (struct kx_printk_iter){ .lay = *lay, .mem = *mem };
	it->buf = malloc(KX_PRINTK_TEXT_MAX);
	if (!it->buf)
		return kx_err_set(err, -ENOMEM, "out of memory");
	switch (lay->format) {
	case KX_PRINTK_LOCKLESS: return lockless_init(it, err);
	case KX_PRINTK_STRUCTURED: return structured_init(it, err);
	case KX_PRINTK_LEGACY: return legacy_init(it, err);
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
		r = lockless_next(it, ret, err);
		break;
	case KX_PRINTK_STRUCTURED:
		r = structured_next(it, ret, err);
		break;
	case KX_PRINTK_LEGACY:
		r = legacy_next(it, ret, err);
		if (r > 0) {
			struct kx_printk_record parsed = *ret;

			legacy_parse(&parsed);
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
