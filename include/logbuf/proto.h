/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The logbuf ring protocol: claim, commit, abort, read, release, for SPSC and
 * MPSC producers and the single consumer.
 *
 * This file is compiled both by liblogbuf (C11 atomics) and by the kernel
 * module (smp_load_acquire() and friends) through logbuf/atomic.h, so that a
 * record written by one world is read by the other with the very same code.
 * Documentation/userspace-api/logbuf.rst gives the whole protocol and the
 * pairing of every ordered access; the comments here name the partner.
 *
 * Nothing here trusts the contents of the ring: a header read from shared
 * memory is bounds-checked before it is followed, so a corrupt ring yields
 * -EBADMSG and never an access outside [data, data + capacity).
 */
#ifndef _LOGBUF_PROTO_H
#define _LOGBUF_PROTO_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <uapi/linux/logbuf.h>
#else
#include <errno.h>
#include <stddef.h>
#include <linux/logbuf.h>
#endif
#include "atomic.h"

/**
 * struct logbuf_rv - one side's view of a ring: where its parts live
 * @meta: description and state (kernel-written when mapped).
 * @cons: the consumer's words; @cons->head is the consumer position.
 * @prod: the producers' words; @prod->tail is the claim position.
 * @data: the data area, @mask + 1 bytes.
 * @mask: capacity - 1.
 */
struct logbuf_rv {
	struct logbuf_meta *meta;
	struct logbuf_cons *cons;
	struct logbuf_prod *prod;
	unsigned char *data;
	__u64 mask;
};

/**
 * struct logbuf_pstate - a producer's private state
 * @tail: SPSC: the producer's own copy of the tail (the shared one is only
 *	published for observers).  MPSC: unused.
 * @head: the last consumer position this producer loaded (acquire).
 * @pos: position of the record header of the open claim.
 * @len: payload length of the open claim, 0 if none.
 * @passed: overwrite rings: committed records of others that this
 *	producer's claims overwrote (overwrite.h adds to it; the owner
 *	resets it).
 */
struct logbuf_pstate {
	__u64 tail;
	__u64 head;
	__u64 pos;
	__u32 len;
	__u32 passed;
};

/**
 * struct logbuf_cstate - the consumer's private state
 * @head: the consumer's own copy of its position.
 * @pub: the head as last published; [@pub, @head) is consumed but not yet
 *	zeroed nor given back to the producers.
 * @len: payload length of the record handed out by read, 0 if none.
 * @records: records consumed since the last publish.
 * @bytes: payload bytes consumed since the last publish.
 * @skips: skip records passed over since the last publish.
 */
struct logbuf_cstate {
	__u64 head;
	__u64 pub;
	__u32 len;
	__u32 __pad;
	__u64 records;
	__u64 bytes;
	__u64 skips;
};

/* Bytes a record of @len payload bytes takes, header and padding included. */
static inline __u64 logbuf_total(__u64 len)
{
	return (LOGBUF_HDR_SIZE + len + LOGBUF_ALIGN - 1) &
	       ~(__u64)(LOGBUF_ALIGN - 1);
}

/*
 * Largest payload that always fits: a record never wraps, so in the worst
 * case (tail at half the ring) it needs the padding up to the end plus its
 * own size.  Anything larger could wait forever: -E2BIG.
 */
static inline __u64 logbuf_max_len(__u64 mask)
{
	return (mask + 1) / 2 - LOGBUF_HDR_SIZE;
}

static inline struct logbuf_hdr *__logbuf_hdr_at(const struct logbuf_rv *r,
					       __u64 pos)
{
	return (struct logbuf_hdr *)(r->data + (pos & r->mask));
}

/*
 * Bytes to advance the tail by to place @total bytes at @t; *@pad is the
 * skip needed first when the record would cross the end of the array.
 */
static inline __u64 __logbuf_need(__u64 mask, __u64 t, __u64 total,
				  __u64 *pad)
{
	__u64 contig = mask + 1 - (t & mask);

	*pad = total <= contig ? 0 : contig;
	return *pad + total;
}

/*
 * Is [t, t + need) free?  The cached head is refreshed only when it says no.
 * A head from shared memory may be anything: if it is ahead of t the
 * subtraction wraps to a huge value and the answer is "no room".
 *
 * Return: 1 (room), 0 (full right now), or -EBADMSG when t is more than a
 * ring ahead of a head loaded after it.  That never happens with honest
 * peers: t was the tail when it was loaded, the head only grows, and the
 * tail is never more than a ring ahead of the head (a claim needs room).
 * A head ahead of t is honest for MPSC (other producers and the consumer
 * moved on since t was loaded) and reads as "no room": the caller's CAS or
 * retry reloads t.
 */
static inline int __logbuf_room(const struct logbuf_rv *r, __u64 *head,
				__u64 t, __u64 need)
{
	__u64 ahead;

	if (t + need - *head <= r->mask + 1)
		return 1;
	/*
	 * Pairs with the store-release of cons->head in
	 * __logbuf_publish_head(): the consumer zeroed the space before
	 * publishing it, and this producer writes into it only after this load.
	 */
	*head = __logbuf_load_acquire(&r->cons->head);
	ahead = t - *head;
	if (__logbuf_unlikely(ahead > r->mask + 1 && (__s64)ahead > 0))
		return -EBADMSG;
	return t + need - *head <= r->mask + 1;
}

/*
 * A tail read from shared memory: every in-bounds access of a claim follows
 * from its alignment (the padding to the end of the array is then a whole
 * number of headers, and a header never straddles the end).
 */
static inline bool __logbuf_tail_ok(__u64 t)
{
	return !(t % LOGBUF_ALIGN);
}

static inline int __logbuf_check_len(const struct logbuf_rv *r, __u64 len)
{
	if (__logbuf_unlikely(!len))
		return -EINVAL;
	if (__logbuf_unlikely(len > logbuf_max_len(r->mask)))
		return -E2BIG;
	return 0;
}

/* Publish the wrap padding at @t and return where the record goes. */
static inline __u64 __logbuf_put_pad(const struct logbuf_rv *r, __u64 t,
				     __u64 pad)
{
	if (pad) {
		/* Pairs with the load-acquire of len in __logbuf_peek(). */
		__logbuf_store_release(&__logbuf_hdr_at(r, t)->len,
				 (__u32)(LOGBUF_SKIP | pad));
	}
	return t + pad;
}

/**
 * __logbuf_spsc_claim() - claim space for a record, single producer
 * @r: the ring.
 * @ps: the producer's state.
 * @len: payload bytes, 1 .. logbuf_max_len().
 * @data: out: where to write the payload.
 *
 * Only one producer may use an SPSC ring at a time.  The claim is open until
 * __logbuf_commit() or __logbuf_abort().  @ps->tail is private; whoever
 * initialises it from the shared tail checks it with __logbuf_tail_ok().
 *
 * Return: 0, -EINVAL for a zero length, -E2BIG for a record that can never
 * fit, -EAGAIN when the ring is full right now, -EBADMSG when the consumer's
 * head is impossible.
 */
static inline int __logbuf_spsc_claim(const struct logbuf_rv *r,
				    struct logbuf_pstate *ps, __u64 len,
				    void **data)
{
	__u64 total, need, pad, t = ps->tail;
	int err = __logbuf_check_len(r, len);

	if (__logbuf_unlikely(err))
		return err;
	total = logbuf_total(len);
	need = __logbuf_need(r->mask, t, total, &pad);
	err = __logbuf_room(r, &ps->head, t, need);
	if (__logbuf_unlikely(err <= 0)) {
		if (err < 0)
			return err;
		__logbuf_store(&r->prod->full, __logbuf_load(&r->prod->full) + 1);
		return -EAGAIN;
	}
	t = __logbuf_put_pad(r, t, pad);
	/* For recovery only: see __logbuf_skip_dead(). */
	__logbuf_store(&__logbuf_hdr_at(r, t)->claim, (__u32)total);
	ps->pos = t;
	ps->len = (__u32)len;
	ps->tail = t + total;
	/* For observers only (poll, statistics): the consumer follows headers. */
	__logbuf_store(&r->prod->tail, ps->tail);
	*data = __logbuf_hdr_at(r, t) + 1;
	return 0;
}

/**
 * __logbuf_mpsc_claim() - claim space for a record, one of several producers
 * @r: the ring.
 * @ps: this producer's state (one per thread).
 * @len: payload bytes, 1 .. logbuf_max_len().
 * @data: out: where to write the payload.
 *
 * Thread-safe against other producers with their own @ps.  The tail moves by
 * compare-and-swap; at the wrap the padding and the record are claimed by the
 * same swap, so no other producer can slip in between.
 *
 * Return: as __logbuf_spsc_claim(); -EBADMSG also for an unaligned tail (a
 * hostile co-producer wrote it).
 */
static inline int __logbuf_mpsc_claim(const struct logbuf_rv *r,
				    struct logbuf_pstate *ps, __u64 len,
				    void **data)
{
	__u64 total, need, pad, t;
	int err = __logbuf_check_len(r, len);

	if (__logbuf_unlikely(err))
		return err;
	total = logbuf_total(len);
	/* Producers order nothing through the tail: relaxed load and CAS. */
	t = __logbuf_load(&r->prod->tail);
	do {
		/*
		 * Any producer process may write the tail: an unaligned one
		 * would put our header across the end of the data area.
		 */
		if (__logbuf_unlikely(!__logbuf_tail_ok(t)))
			return -EBADMSG;
		need = __logbuf_need(r->mask, t, total, &pad);
		err = __logbuf_room(r, &ps->head, t, need);
		if (__logbuf_unlikely(err <= 0)) {
			if (err < 0)
				return err;
			__logbuf_add(&r->prod->full, 1);
			return -EAGAIN;
		}
	} while (!__logbuf_cas(&r->prod->tail, &t, t + need));
	t = __logbuf_put_pad(r, t, pad);
	/* For recovery only: see __logbuf_skip_dead(). */
	__logbuf_store(&__logbuf_hdr_at(r, t)->claim, (__u32)total);
	ps->pos = t;
	ps->len = (__u32)len;
	*data = __logbuf_hdr_at(r, t) + 1;
	return 0;
}

/**
 * __logbuf_commit() - publish the open claim as a record
 * @r: the ring.
 * @ps: the producer's state.
 *
 * Does nothing without an open claim.
 */
static inline void __logbuf_commit(const struct logbuf_rv *r,
				 struct logbuf_pstate *ps)
{
	/*
	 * The commit word: pairs with the load-acquire of len in
	 * __logbuf_peek(), which then sees the whole payload.
	 */
	if (ps->len)
		__logbuf_store_release(&__logbuf_hdr_at(r, ps->pos)->len, ps->len);
	ps->len = 0;
}

/**
 * __logbuf_abort() - give up the open claim; it becomes a skip record
 * @r: the ring.
 * @ps: the producer's state.
 */
static inline void __logbuf_abort(const struct logbuf_rv *r,
				struct logbuf_pstate *ps)
{
	if (!ps->len)
		return;
	/* Pairs with the load-acquire of len in __logbuf_peek(). */
	__logbuf_store_release(&__logbuf_hdr_at(r, ps->pos)->len,
			 (__u32)(LOGBUF_SKIP | logbuf_total(ps->len)));
	__logbuf_add(&r->prod->aborts, 1);
	ps->len = 0;
}

/*
 * Give [pub, head) back to the producers: zero it, so that it reads "not
 * committed" on the next lap, then publish the new head and the statistics.
 * Consumer only.  At most one ring is zeroed, whatever the ring held.
 */
static inline void __logbuf_publish_head(const struct logbuf_rv *r,
					 struct logbuf_cstate *cs)
{
	__u64 n = cs->head - cs->pub, off = cs->pub & r->mask, first;

	if (!n)
		return;
	if (n > r->mask + 1)
		n = r->mask + 1;
	first = r->mask + 1 - off < n ? r->mask + 1 - off : n;
	memset(r->data + off, 0, first);
	if (n > first)
		memset(r->data, 0, n - first);
	/* Statistics: the consumer is their only writer. */
	__logbuf_store(&r->cons->records,
		       __logbuf_load(&r->cons->records) + cs->records);
	__logbuf_store(&r->cons->bytes,
		       __logbuf_load(&r->cons->bytes) + cs->bytes);
	__logbuf_store(&r->cons->skips,
		       __logbuf_load(&r->cons->skips) + cs->skips);
	cs->records = 0;
	cs->bytes = 0;
	cs->skips = 0;
	/*
	 * Pairs with the load-acquire of cons->head in __logbuf_room(): the
	 * zeroes written before this store are seen by a producer that loads
	 * the new head, and its writes come after ours.
	 */
	__logbuf_store_release(&r->cons->head, cs->head);
	cs->pub = cs->head;
}

/*
 * Publishing the head is what a waiting producer needs, but each publish
 * moves the consumer's cache line to the producer that polls it: give space
 * back in eighths of the ring, and whenever the ring runs empty.
 */
static inline void __logbuf_maybe_publish(const struct logbuf_rv *r,
					  struct logbuf_cstate *cs)
{
	if (cs->head - cs->pub >= (r->mask + 1) / 8)
		__logbuf_publish_head(r, cs);
}

#define LOGBUF_HDR_EMPTY	0
#define LOGBUF_HDR_RECORD	1
#define LOGBUF_HDR_SKIP		2

/*
 * Classify the commit word @l of a header that has @room bytes up to the end
 * of the array.  Return: LOGBUF_HDR_EMPTY (not committed), LOGBUF_HDR_RECORD,
 * LOGBUF_HDR_SKIP, or -EBADMSG for what no well-behaved producer writes.
 */
static inline int __logbuf_hdr_kind(__u32 l, __u64 room)
{
	__u64 n = l & LOGBUF_LEN_MASK;

	if (!l)
		return LOGBUF_HDR_EMPTY;
	if (__logbuf_likely(!(l & LOGBUF_SKIP)))
		return logbuf_total(l) <= room ? LOGBUF_HDR_RECORD : -EBADMSG;
	if (n < LOGBUF_HDR_SIZE || n % LOGBUF_ALIGN || n > room)
		return -EBADMSG;
	return LOGBUF_HDR_SKIP;
}

/*
 * Prefetch what follows the header's own cache line, up to the record's
 * end (4 KiB at most): the lines a producer on another core just wrote.  A
 * consumer that checks a record's first and last bytes, or copies it, then
 * waits for these misses together instead of one after another; on the
 * seed crate's workload (8..=1024-byte records) this took the consumer from
 * about 65% of a plain copy between the cores to about 100% (make bench).
 * Records that fit in the header's line take no prefetch.  Integer
 * arithmetic: every address stays inside the record (the caller checked
 * that it fits before the end of the array), and prefetch never faults.
 */
#define LOGBUF_PREFETCH_LINE	64
#define LOGBUF_PREFETCH_MAX	4096

static inline void __logbuf_prefetch_record(const struct logbuf_hdr *h,
					    __u32 len)
{
	unsigned long p = ((unsigned long)h | (LOGBUF_PREFETCH_LINE - 1)) + 1;
	unsigned long e = (unsigned long)h + LOGBUF_HDR_SIZE + len;

	if (e - p > LOGBUF_PREFETCH_MAX)
		e = p + LOGBUF_PREFETCH_MAX;
	for (; p < e; p += LOGBUF_PREFETCH_LINE)
		__logbuf_prefetch((const void *)p);
}

/**
 * __logbuf_peek_max() - find the oldest committed record, bounded
 * @r: the ring.
 * @cs: the consumer's state.
 * @data: out: the payload.
 * @len: out: its length.
 * @max: skip bytes to pass over at most (at least one skip is passed).
 *
 * Skip records in front of it are zeroed and released on the way.  At most
 * @max bytes of skips are passed over per call, so a producer that writes
 * skips forever cannot keep the caller here; the caller then gets -EAGAIN
 * with a committed skip at the head, and its next call goes on.
 *
 * Return: 0, -EAGAIN when no committed record waits (or @max bytes of skips
 * were passed), -EBADMSG when the header at the head is impossible (the
 * ring is corrupt; nothing is touched).
 */
static inline int __logbuf_peek_max(const struct logbuf_rv *r,
				    struct logbuf_cstate *cs,
				    const void **data, __u32 *len, __u64 max)
{
	__u64 skipped = 0;

	for (;;) {
		__u64 off = cs->head & r->mask;
		__u64 room = r->mask + 1 - off;
		struct logbuf_hdr *h = __logbuf_hdr_at(r, cs->head);
		/*
		 * The commit word: pairs with the store-release in
		 * __logbuf_commit(), __logbuf_abort() or __logbuf_put_pad().
		 */
		__u32 l = __logbuf_load_acquire(&h->len);
		int kind = __logbuf_hdr_kind(l, room);
		__u64 n;

		if (kind == LOGBUF_HDR_EMPTY)
			break;
		if (__logbuf_likely(kind == LOGBUF_HDR_RECORD)) {
			/* More than the header's line: e > p in the helper. */
			if (__logbuf_unlikely(l > LOGBUF_PREFETCH_LINE -
						  LOGBUF_HDR_SIZE))
				__logbuf_prefetch_record(h, l);
			*data = h + 1;
			*len = l;
			cs->len = l;
			return 0;
		}
		if (__logbuf_unlikely(kind < 0))
			return kind;
		n = l & LOGBUF_LEN_MASK;
		cs->head += n;
		cs->skips++;
		skipped += n;
		__logbuf_maybe_publish(r, cs);
		if (skipped >= max)
			break;
	}
	/*
	 * Nothing to read: publish before the caller may sleep, so that the
	 * kernel's poll() looks at the real head, never at a consumed record.
	 */
	__logbuf_publish_head(r, cs);
	return -EAGAIN;
}

/**
 * __logbuf_peek() - find the oldest committed record
 * @r: the ring.
 * @cs: the consumer's state.
 * @data: out: the payload.
 * @len: out: its length.
 *
 * As __logbuf_peek_max() with one ring of skips at most.
 *
 * Return: 0, -EAGAIN when no committed record waits, -EBADMSG when the
 * header at the head is impossible (the ring is corrupt; nothing is touched).
 */
static inline int __logbuf_peek(const struct logbuf_rv *r,
				struct logbuf_cstate *cs, const void **data,
				__u32 *len)
{
	return __logbuf_peek_max(r, cs, data, len, r->mask + 1);
}

/* Advance past the record handed out by __logbuf_peek(). */
static inline void __logbuf_drop(struct logbuf_cstate *cs)
{
	cs->head += logbuf_total(cs->len);
	cs->records++;
	cs->bytes += cs->len;
	cs->len = 0;
}

/**
 * __logbuf_advance() - release the record returned by __logbuf_peek()
 * @r: the ring.
 * @cs: the consumer's state.
 *
 * The space goes back to the producers, zeroed, with the next publish (at
 * least every eighth of the ring, and whenever the ring is found empty).
 * Does nothing when no record is held.
 */
static inline void __logbuf_advance(const struct logbuf_rv *r,
				    struct logbuf_cstate *cs)
{
	if (!cs->len)
		return;
	__logbuf_drop(cs);
	__logbuf_maybe_publish(r, cs);
}

/**
 * __logbuf_skip_dead() - step over a claim that can never be committed
 * @r: the ring.
 * @cs: the consumer's state.
 * @tail: the producers' tail, read after every producer was gone.
 *
 * Call only when no producer can write the ring any more (the kernel set
 * LOGBUF_STATE_NO_PROD: every producer end and mapping is gone), after
 * __logbuf_peek() found nothing.  Then [head, @tail) is final: a zero
 * header at the head is a claim whose producer died.  Its claim word says
 * how long it is; if that word is missing or impossible, nothing behind the
 * head can be located, and everything up to @tail is dropped.  A committed
 * header at the head means the look stopped at its byte bound
 * (__logbuf_peek_max()), not at an empty head: look again.
 *
 * Return: > 0 to call __logbuf_peek() again (the bytes of a dead claim
 * skipped, or 1 for a committed header at the head), 0 if the ring is
 * really empty, -ENODATA if the claim word was unusable and [head, @tail)
 * was dropped (the caller counts the loss), -EBADMSG if @tail itself is
 * impossible (nothing done).
 */
static inline __s64 __logbuf_skip_dead(const struct logbuf_rv *r,
				       struct logbuf_cstate *cs, __u64 tail)
{
	__u64 off = cs->head & r->mask, room = r->mask + 1 - off;
	struct logbuf_hdr *h = __logbuf_hdr_at(r, cs->head);
	__u64 left = tail - cs->head, n;

	if (!left)
		return 0;
	if (__logbuf_load(&h->len))
		return 1;
	n = __logbuf_load(&h->claim);
	if (left > r->mask + 1 || tail % LOGBUF_ALIGN)
		return -EBADMSG;	/* a lying tail: drop nothing */
	if (n < LOGBUF_HDR_SIZE + LOGBUF_ALIGN || n % LOGBUF_ALIGN ||
	    n > room || n > left) {
		cs->head = tail;
		__logbuf_publish_head(r, cs);
		return -ENODATA;
	}
	cs->head += n;
	cs->skips++;
	__logbuf_publish_head(r, cs);
	return n;
}

#endif /* _LOGBUF_PROTO_H */
