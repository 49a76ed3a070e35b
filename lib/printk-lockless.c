// SPDX-License-Identifier: GPL-2.0-or-later
/* The lockless printk ring buffer (5.10+); the facts are in printk.c's header comment. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk-priv.h"
#include "vmcoreinfo.h"

/* ---------------------------------------------------------------- lockless */

int pk_lockless_init(struct kx_printk_iter *it, struct kx_err *err)
{
	const struct kx_printk_layout *l = &it->lay;
	uint64_t rb, dr, tr, count_bits, size_bits, dist;
	unsigned bits = l->word * 8;
	int r;

	if ((r = pk_pointer(it, l->prb, 0, "the pointer prb (SYMBOL(prb))", &rb, err)) < 0)
		return r;
	if (rb > UINT64_MAX - l->desc_ring - STRUCT_MAX || rb > UINT64_MAX - l->text_data_ring - STRUCT_MAX)
		return kx_err_set(err, -EBADMSG, "prb points to 0x%" PRIx64 ", too high for the "
				  "printk_ringbuffer structure", rb);
	dr = rb + l->desc_ring;
	tr = rb + l->text_data_ring;
	if ((r = pk_rd(it, dr, l->count_bits, 4, "prb->desc_ring.count_bits", &count_bits, err)) < 0 ||
	    (r = pk_pointer(it, dr, l->descs, "prb->desc_ring.descs", &it->descs_addr, err)) < 0 ||
	    (r = pk_pointer(it, dr, l->infos, "prb->desc_ring.infos", &it->infos_addr, err)) < 0 ||
	    (r = pk_rd(it, dr, l->head_id + l->counter, l->word, "prb->desc_ring.head_id",
		    &it->head_id, err)) < 0 ||
	    (r = pk_rd(it, dr, l->tail_id + l->counter, l->word, "prb->desc_ring.tail_id",
		    &it->tail_id, err)) < 0 ||
	    (r = pk_rd(it, tr, l->size_bits, 4, "prb->text_data_ring.size_bits", &size_bits, err)) < 0 ||
	    (r = pk_pointer(it, tr, l->data, "prb->text_data_ring.data", &it->data_addr, err)) < 0 ||
	    (r = pk_rd(it, tr, l->head_lpos + l->counter, l->word, "prb->text_data_ring.head_lpos",
		    &it->head_lpos, err)) < 0 ||
	    (r = pk_rd(it, tr, l->tail_lpos + l->counter, l->word, "prb->text_data_ring.tail_lpos",
		    &it->tail_lpos, err)) < 0)
		return r;

	if (count_bits > COUNT_BITS_MAX)
		return pk_bad(it, err, dr + l->count_bits,
				 "prb->desc_ring.count_bits is %" PRIu64 " (OFFSET(prb_desc_ring."
				 "count_bits)=%" PRIu64 "); the kernel has at most 2^%d descriptors",
				 count_bits, l->count_bits, COUNT_BITS_MAX);
	if (size_bits > SIZE_BITS_MAX || size_bits < 4)
		return pk_bad(it, err, tr + l->size_bits,
				 "prb->text_data_ring.size_bits is %" PRIu64 " (OFFSET(prb_data_ring."
				 "size_bits)=%" PRIu64 "); the kernel's text ring is 2^4 to 2^%d bytes",
				 size_bits, l->size_bits, SIZE_BITS_MAX);
	it->count = 1ull << count_bits;
	it->data_size = 1ull << size_bits;
	it->lmask = pk_wmask(it);
	it->id_mask = it->lmask & ~(3ull << (bits - 2));
	if ((it->head_id | it->tail_id) & ~it->id_mask)
		return pk_bad(it, err, dr + l->head_id,
				 "prb->desc_ring head_id 0x%" PRIx64 " or tail_id 0x%" PRIx64
				 " has state bits set: not descriptor ids", it->head_id, it->tail_id);
	dist = (it->head_id - it->tail_id) & it->id_mask;
	if (dist >= it->count)
		return pk_bad(it, err, dr + l->tail_id,
				 "prb->desc_ring tail_id 0x%" PRIx64 " is %" PRIu64 " descriptors behind "
				 "head_id 0x%" PRIx64 ", but the ring holds only %" PRIu64,
				 it->tail_id, dist, it->head_id, it->count);
	if (((it->head_lpos - it->tail_lpos) & it->lmask) > it->data_size)
		return pk_bad(it, err, tr + l->tail_lpos,
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

	if ((r = pk_rd(it, d, l->state_var + l->counter, l->word, "a descriptor's state_var", &sv, err)) < 0)
		return fatal(it, r);
	state = (unsigned)((sv & it->lmask) >> (w * 8 - 2));
	if ((sv & it->id_mask) != id || (state != ST_COMMITTED && state != ST_FINALIZED))
		return 0;
	if ((r = pk_rd(it, d, l->text_blk_lpos + l->lpos_begin, l->word, "a descriptor's text_blk_lpos",
		    &begin, err)) < 0 ||
	    (r = pk_rd(it, d, l->text_blk_lpos + l->lpos_next, l->word, "a descriptor's text_blk_lpos",
		    &next, err)) < 0 ||
	    (r = pk_rd(it, in, l->info_seq, 8, "a record's printk_info", &seq, err)) < 0 ||
	    (r = pk_rd(it, in, l->info_ts_nsec, 8, "a record's printk_info", &ts, err)) < 0 ||
	    (r = pk_rd(it, in, l->info_text_len, 2, "a record's printk_info", &text_len, err)) < 0)
		return fatal(it, r);
	*rec = (struct kx_printk_record){ .seq = seq, .ts_nsec = ts, .has_ts = true,
					  .level = -1, .facility = -1, .addr = d, .text = it->buf };
	if (l->has_caller) {
		uint64_t c;

		if ((r = pk_rd(it, in, l->info_caller_id, 4, "a record's printk_info", &c, err)) < 0)
			return fatal(it, r);
		rec->has_caller = true;
		rec->caller_id = (uint32_t)c;
	}
	if (l->has_level) {
		if ((r = pk_rd_bytes(it, in, l->info_text_len + 2, info, 2, "a record's printk_info",
				  err)) < 0)
			return fatal(it, r);
		rec->facility = info[0];
		rec->level = l->big_endian ? info[1] & 7 : info[1] >> 5;
	}
	if ((seq & (it->count - 1)) != idx)
		return pk_bad(it, err, in + l->info_seq,
				 "descriptor id 0x%" PRIx64 " (index %" PRIu64 ") has printk_info.seq %"
				 PRIu64 ", which belongs to index %" PRIu64, id, idx, seq,
				 seq & (it->count - 1));

	if ((begin & 1) || (next & 1)) {
		/* no data block: an empty line, or text that was lost */
		if (!(begin & 1) || !(next & 1))
			return pk_bad(it, err, d + l->text_blk_lpos,
					 "record %" PRIu64 ": text_blk_lpos begin 0x%" PRIx64 " next 0x%"
					 PRIx64 " mixes a data-less and a real position", seq, begin, next);
		rec->lost = !(begin == NO_LPOS && next == NO_LPOS);
		rec->text_len = 0;
		return 1;
	}
	if (!lpos_live(it, begin) || !lpos_live(it, next) || begin == next)
		return pk_bad(it, err, d + l->text_blk_lpos,
				 "record %" PRIu64 ": text block [0x%" PRIx64 ", 0x%" PRIx64 ") is not "
				 "inside the text ring's [tail_lpos 0x%" PRIx64 ", head_lpos 0x%" PRIx64
				 "]", seq, begin, next, it->tail_lpos, it->head_lpos);
	if ((begin | next) & (w - 1))
		return pk_bad(it, err, d + l->text_blk_lpos,
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
		return pk_bad(it, err, d + l->text_blk_lpos,
				 "record %" PRIu64 ": text block [0x%" PRIx64 ", 0x%" PRIx64 ") spans "
				 "more than one wrap of the %" PRIu64 "-byte ring", seq, begin, next,
				 it->data_size);
	}
	if (blk < w)
		return pk_bad(it, err, d + l->text_blk_lpos,
				 "record %" PRIu64 ": text block [0x%" PRIx64 ", 0x%" PRIx64 ") has no "
				 "room for its id", seq, begin, next);
	if (text_len > blk - w)
		return pk_bad(it, err, in + l->info_text_len,
				 "record %" PRIu64 ": text_len %" PRIu64 " runs past its %" PRIu64
				 "-byte data block at lpos 0x%" PRIx64, seq, text_len, blk - w, begin);
	if ((r = pk_rd_bytes(it, it->data_addr, off + w, it->buf, (size_t)text_len, "a record's text",
			  err)) < 0)
		return fatal(it, r);
	rec->text_len = (size_t)text_len;
	return 1;
}

int pk_lockless_next(struct kx_printk_iter *it, struct kx_printk_record *ret, struct kx_err *err)
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

