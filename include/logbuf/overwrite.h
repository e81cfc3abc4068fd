/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Overwrite rings (the flight recorder): producers that never wait, and a
 * reader that copies a record and then checks that nobody claimed its bytes
 * while it copied.  The kernel module compiles the producer half, liblogbuf
 * the reader half, from this one file (as proto.h).
 *
 * The argument, in short (Documentation/userspace-api/logbuf.rst, "Overwrite
 * rings", has it in full):
 *
 * - The tail is the claim position and moves before any byte of a claim is
 *   written (a barrier after the compare-and-swap).  Byte b of the array is
 *   written for position q only after the tail passed q.  So a reader that
 *   copied the bytes of [p, p + total), then (barrier) loaded the tail and
 *   found it at most p + capacity, copied bytes nobody had started to
 *   overwrite: positions p + capacity and later were not claimed yet.
 * - A header is "this lap's, committed" when its stamp is p ^ key and its
 *   commit word is not 0.  The producer clears the commit word, then
 *   (barrier) writes the stamp, then the payload, then the commit word
 *   (release).  A reader that loads the stamp, then (barrier) the commit
 *   word, and sees this lap's stamp sees the cleared word or the commit:
 *   never an older lap's commit word under a new stamp.
 * - No producer writes into its claim once the claim is overwritten: the
 *   tail may run at most one ring ahead of ow_head, and ow_head passes a
 *   record only after it loaded (acquire) that record's commit, the
 *   producer's last store to it.  A producer that finds the oldest record
 *   still being written (it was stopped for a whole lap) drops its own.
 *   Without this rule a producer delayed by an interrupt or a preempted
 *   vCPU would write into a newer lap's record after the reader checked it.
 * - The key is random per ring and only the consumer's mapping shows it, so
 *   payload bytes of an older lap (which traced programs may choose) cannot
 *   pass for a header.
 */
#ifndef _LOGBUF_OVERWRITE_H
#define _LOGBUF_OVERWRITE_H

#include "proto.h"

/**
 * struct logbuf_ow_cursor - a reader's place in an overwrite ring
 * @pos: position of the next record to read.  A zeroed cursor reads from
 *	the oldest record the ring still holds.
 * @records: records returned.
 * @torn: records that were overwritten while being copied (never returned).
 * @lost: bytes overwritten before the reader got to them, torn records
 *	included.
 */
struct logbuf_ow_cursor {
	__u64 pos;
	__u64 records;
	__u64 torn;
	__u64 lost;
};

/* Bytes a record of @len payload bytes takes in an overwrite ring. */
static inline __u64 logbuf_ow_total(__u64 len)
{
	return (LOGBUF_OW_HDR_SIZE + len + LOGBUF_ALIGN - 1) &
	       ~(__u64)(LOGBUF_ALIGN - 1);
}

/* Largest payload: as logbuf_max_len(), with the bigger header. */
static inline __u64 logbuf_ow_max_len(__u64 mask)
{
	return (mask + 1) / 2 - LOGBUF_OW_HDR_SIZE;
}

static inline struct logbuf_ow_hdr *__logbuf_ow_hdr(const struct logbuf_rv *r,
						    __u64 pos)
{
	return (struct logbuf_ow_hdr *)(r->data + (pos & r->mask));
}

/* Producer: a header for @pos, this lap's, not committed. */
static inline void __logbuf_ow_stamp(const struct logbuf_rv *r, __u64 key,
				     __u64 pos)
{
	struct logbuf_ow_hdr *h = __logbuf_ow_hdr(r, pos);

	__logbuf_store(&h->len, 0);
	/* Pairs with the __logbuf_rmb() between stamp and len in the reader. */
	__logbuf_wmb();
	__logbuf_store(&h->stamp, pos ^ key);
}

/*
 * Is the record at @p committed in this lap?  Its length word in *@l.
 * Loads the stamp, then the commit word: pairs with __logbuf_ow_stamp()'s
 * __logbuf_wmb() (this lap's stamp means the old commit word is gone) and
 * with the producer's store-release of len (a commit means the payload).
 */
static inline int __logbuf_ow_committed(const struct logbuf_rv *r, __u64 key,
					__u64 p, __u32 *l)
{
	const struct logbuf_ow_hdr *h = __logbuf_ow_hdr(r, p);
	__u64 stamp = __logbuf_load(&h->stamp);

	__logbuf_rmb();
	*l = __logbuf_load_acquire(&h->len);
	return stamp == (p ^ key) && *l;
}

/* Bytes the record at @p takes, from its commit word; 0 if impossible. */
static inline __u64 __logbuf_ow_size(const struct logbuf_rv *r, __u64 p,
				     __u32 l)
{
	__u64 contig = r->mask + 1 - (p & r->mask);
	__u64 total = l & LOGBUF_SKIP ? l & LOGBUF_LEN_MASK :
					logbuf_ow_total(l);

	if (total < LOGBUF_OW_MIN_TOTAL || total > contig ||
	    total % LOGBUF_ALIGN ||
	    (!(l & LOGBUF_SKIP) && l > logbuf_ow_max_len(r->mask)))
		return 0;
	return total;
}

/*
 * Producer: move ow_head from @o past the oldest record, if its producer is
 * done with it.  Several producers may try at once: one compare-and-swap
 * wins, the others see the new ow_head.
 *
 * What this producer read at @o is trusted only while the tail is still
 * within a ring of @o: a producer stopped between its loads (an interrupt,
 * preemption, a preempted vCPU) may read the stamp of @o's lap and then a
 * length from a newer lap's bytes, or both from a newer lap's payload,
 * which traced programs choose.  Any claim that wrote such bytes moved the
 * tail past @o + capacity before it wrote them, so one look at the tail
 * after the header settles it, as the reader's seqlock does.  And a record
 * the tail has not passed was never claimed: ow_head never moves past the
 * tail, whatever a header says.  A committed record (not a skip) that this
 * call's compare-and-swap passed adds one to *@passed: an event
 * overwritten, counted by the one producer whose swap won.
 *
 * Return: 0 (passed, or another producer moved ow_head: look again),
 * -EAGAIN when the oldest record is not committed, -EBADMSG when the
 * header at ow_head is one no producer writes.
 */
static inline int __logbuf_ow_pass(const struct logbuf_rv *r, __u64 key,
				   __u64 o, __u32 *passed)
{
	__u64 cap = r->mask + 1, contig = cap - (o & r->mask), size, t;
	int committed;
	__u32 l = LOGBUF_SKIP;

	if (contig < LOGBUF_OW_MIN_TOTAL) {
		size = contig;
	} else {
		committed = __logbuf_ow_committed(r, key, o, &l);
		size = committed ? __logbuf_ow_size(r, o, l) : 0;
		/*
		 * After the header: pairs with the __logbuf_wmb() between a
		 * claim's compare-and-swap of the tail and its first store
		 * (in __logbuf_ow_claim()).  A newer lap's byte seen above
		 * means its claim's tail is seen here.
		 */
		__logbuf_rmb();
		t = __logbuf_load(&r->prod->tail);
		if (t - o > cap)
			return 0;	/* lapped: what we read is not @o's */
		if (!committed)
			return -EAGAIN;
		/*
		 * A committed record was claimed before its commit (whose
		 * load-acquire is above): the tail is past its end.
		 */
		if (__logbuf_unlikely(!size || size > t - o))
			return -EBADMSG;
	}
	/* Only the swap that wins passed the record: count it once. */
	if (__logbuf_cas(&r->prod->ow_head, &o, o + size) &&
	    !(l & LOGBUF_SKIP))
		(*passed)++;
	return 0;
}

/**
 * __logbuf_ow_claim() - claim space in an overwrite ring; never waits
 * @r: the ring; @r->prod->tail is the real claim position.
 * @key: the ring's stamp key.
 * @ps: this producer's state; @ps->passed grows by the records overwritten.
 * @len: payload bytes, 1 .. logbuf_ow_max_len().
 * @data: out: where to write the payload.
 *
 * Thread-safe against other producers.  The space claimed may hold the
 * oldest records: they are overwritten.
 *
 * Return: 0, -EINVAL (@len 0), -E2BIG, -EAGAIN (the oldest record is still
 * being written, or too much contention: drop this one), -EBADMSG (the
 * oldest header is one no producer writes).
 */
static inline int __logbuf_ow_claim(const struct logbuf_rv *r, __u64 key,
				    struct logbuf_pstate *ps, __u64 len,
				    void **data)
{
	__u64 cap = r->mask + 1, total, need, pad, contig, t, o;
	unsigned int tries;
	int err;

	if (__logbuf_unlikely(!len))
		return -EINVAL;
	if (__logbuf_unlikely(len > logbuf_ow_max_len(r->mask)))
		return -E2BIG;
	total = logbuf_ow_total(len);
	/*
	 * Bounded by the claim, not the ring: a claim passes at most its own
	 * bytes of older records (padding included, under 2 * total), at
	 * least 8 bytes a pass; 64 more for races with other producers.
	 * Past that the record is dropped, never spun for.
	 */
	tries = (unsigned int)(2 * total / LOGBUF_ALIGN) + 64;
	t = __logbuf_load(&r->prod->tail);
	for (;;) {
		if (__logbuf_unlikely(!tries--))
			return -EAGAIN;
		/* Less than the smallest record left: the rest is padding. */
		contig = cap - (t & r->mask);
		pad = total <= contig ? 0 : contig;
		need = pad + total;
		o = __logbuf_load(&r->prod->ow_head);
		if (__logbuf_unlikely(o > t)) {
			/* Our tail is stale: others claimed and passed. */
			t = __logbuf_load(&r->prod->tail);
			continue;
		}
		if (t + need - o > cap) {
			err = __logbuf_ow_pass(r, key, o, &ps->passed);
			if (err)
				return err;
			t = __logbuf_load(&r->prod->tail);
			continue;
		}
		/*
		 * ow_head only grows, so at the swap the claim still ends
		 * within a ring of it.
		 */
		if (__logbuf_cas(&r->prod->tail, &t, t + need))
			break;
	}
	/*
	 * The tail moves before any byte of the claim is written: pairs with
	 * the reader's __logbuf_rmb() between its copy and its look at the
	 * tail (seqlock: the tail is the sequence).
	 */
	__logbuf_wmb();
	if (pad >= LOGBUF_OW_MIN_TOTAL) {
		__logbuf_ow_stamp(r, key, t);
		/* Pairs with the load-acquire in __logbuf_ow_committed(). */
		__logbuf_store_release(&__logbuf_ow_hdr(r, t)->len,
				       (__u32)(LOGBUF_SKIP | pad));
	}
	t += pad;
	__logbuf_ow_stamp(r, key, t);
	ps->pos = t;
	ps->len = (__u32)len;
	*data = __logbuf_ow_hdr(r, t) + 1;
	return 0;
}

/*
 * Producer: publish the claim with proto.h's __logbuf_commit(): the commit
 * word is the first of both headers (its store-release pairs with
 * __logbuf_ow_committed()).
 */

/* Producer: give the claim up as a skip record (same pairing). */
static inline void __logbuf_ow_abort(const struct logbuf_rv *r,
				     struct logbuf_pstate *ps)
{
	if (ps->len)
		__logbuf_store_release(&__logbuf_ow_hdr(r, ps->pos)->len,
				       (__u32)(LOGBUF_SKIP |
					       logbuf_ow_total(ps->len)));
	ps->len = 0;
}

#ifndef __KERNEL__
/*
 * Reader: was [p, ...) overwritten, or is being?  Loads the tail after the
 * caller's loads of the record (pairs with the __logbuf_wmb() after the
 * producers' compare-and-swap).
 */
static inline int __logbuf_ow_lapped(const struct logbuf_rv *r, __u64 p)
{
	__logbuf_rmb();
	return __logbuf_load(&r->prod->tail) - p > r->mask + 1;
}

/*
 * Reader: move @c to the oldest record still whole (ow_head), then past
 * the records that begin more than @bytes before @t (0: none), counting
 * what it passes as lost.  Stops early at a record not committed yet.
 */
static inline void __logbuf_ow_seek(const struct logbuf_rv *r, __u64 key,
				    struct logbuf_ow_cursor *c, __u64 t,
				    __u64 bytes)
{
	__u64 cap = r->mask + 1, p = __logbuf_load(&r->prod->ow_head), size;
	unsigned int n = (unsigned int)(cap / LOGBUF_OW_MIN_TOTAL) + 4;
	__u32 l;

	if (!bytes || bytes > cap)
		bytes = cap;
	if (c->pos > p && c->pos <= t)
		p = c->pos;	/* already past it */
	while (t - p > bytes && n--) {
		size = cap - (p & r->mask);
		if (size >= LOGBUF_OW_MIN_TOTAL) {
			if (!__logbuf_ow_committed(r, key, p, &l))
				break;
			size = __logbuf_ow_size(r, p, l);
			if (!size || __logbuf_ow_lapped(r, p)) {
				/* Overtaken while we walked: from ow_head. */
				p = __logbuf_load(&r->prod->ow_head);
				continue;
			}
		}
		p += size;
	}
	if (p > c->pos)
		c->lost += p - c->pos;
	c->pos = p;
}

/**
 * __logbuf_ow_read() - copy the next whole record out of an overwrite ring
 * @r: the ring (the consumer's read-only mapping).
 * @key: logbuf_meta.ow_key.
 * @c: the cursor.
 * @buf: where the payload goes.
 * @size: bytes at @buf.
 * @len: out: payload bytes.
 *
 * Bounded: passes at most one ring of records and skips per call.
 *
 * Return: 0, -EAGAIN (nothing committed at the cursor yet, or producers
 * overtook the reader more often than it could follow), -EMSGSIZE (the
 * record is larger than @size; the cursor stays), -EBADMSG (a header no
 * producer writes, in a ring that was not overtaken).
 */
static inline int __logbuf_ow_read(const struct logbuf_rv *r, __u64 key,
				   struct logbuf_ow_cursor *c, void *buf,
				   __u64 size, __u32 *len)
{
	__u64 cap = r->mask + 1, p, t, total, i, w;
	unsigned int budget = (unsigned int)(cap / LOGBUF_OW_MIN_TOTAL) + 4;
	const __u64 *src;
	__u32 l;

	while (budget--) {
		p = c->pos;
		t = __logbuf_load(&r->prod->tail);
		if (p == t)
			return -EAGAIN;
		if (t - p > cap) {
			/* Overtaken (or a cursor from nowhere): start again. */
			__logbuf_ow_seek(r, key, c, t, 0);
			continue;
		}
		total = cap - (p & r->mask);
		if (total < LOGBUF_OW_MIN_TOTAL) {
			c->pos = p + total;
			continue;
		}
		if (!__logbuf_ow_committed(r, key, p, &l)) {
			if (__logbuf_ow_lapped(r, p))
				continue;
			return -EAGAIN;	/* claimed, not committed yet */
		}
		total = __logbuf_ow_size(r, p, l);
		if (!total) {
			if (__logbuf_ow_lapped(r, p))
				continue;
			return -EBADMSG;
		}
		if (!(l & LOGBUF_SKIP)) {
			if (l > size) {
				if (__logbuf_ow_lapped(r, p))
					continue;
				return -EMSGSIZE;
			}
			/* Word by word, relaxed: a seqlock reader's copy. */
			src = (const __u64 *)(__logbuf_ow_hdr(r, p) + 1);
			for (i = 0; i < l; i += 8) {
				w = __logbuf_load(&src[i / 8]);
				memcpy((unsigned char *)buf + i, &w,
				       l - i < 8 ? l - i : 8);
			}
		}
		if (__logbuf_ow_lapped(r, p)) {
			if (!(l & LOGBUF_SKIP))
				c->torn++;
			continue;
		}
		c->pos = p + total;
		if (l & LOGBUF_SKIP)
			continue;
		c->records++;
		*len = l;
		return 0;
	}
	return -EAGAIN;
}
#endif /* !__KERNEL__ */

#endif /* _LOGBUF_OVERWRITE_H */
