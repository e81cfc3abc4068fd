// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the queue API: rings, producers, consumers, every error. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "../common/testrec.h"

TEST(ring_new_rejects_bad_capacity)
{
	static const uint64_t bad[] = {
		0, 1, 7, 8, 32, 63, 65, 100, 4095, 4097,
		LOGBUF_MAX_CAPACITY * 2, UINT64_MAX,
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(NULL, logbuf_ring_new(bad[i], 0))
			TH_LOG("capacity %llu", (unsigned long long)bad[i]);
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST(ring_new_rejects_unknown_flags)
{
	errno = 0;
	ASSERT_EQ(NULL, logbuf_ring_new(4096, 1U << 7));
	ASSERT_EQ(EOPNOTSUPP, errno);
}

TEST(ring_new_limits_and_accessors)
{
	struct logbuf_ring *r = logbuf_ring_new(LOGBUF_MIN_CAPACITY, 0);

	ASSERT_NE(NULL, r);
	EXPECT_EQ(LOGBUF_MIN_CAPACITY, logbuf_ring_capacity(r));
	EXPECT_EQ(LOGBUF_MIN_CAPACITY / 2 - 8, logbuf_ring_max_len(r));
	EXPECT_EQ(0, logbuf_ring_flags(r));
	EXPECT_EQ(-1, logbuf_ring_fd(r));
	logbuf_ring_free(r);
	r = logbuf_ring_new(1 << 20, LOGBUF_RING_MPSC);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(LOGBUF_RING_MPSC, logbuf_ring_flags(r));
	logbuf_ring_free(r);
}

TEST(free_null_is_noop)
{
	logbuf_ring_free(NULL);
	logbuf_producer_free(NULL);
	logbuf_consumer_free(NULL);
	logbuf_sender_free(NULL);
	logbuf_receiver_free(NULL);
}

FIXTURE(q) {
	struct logbuf_ring *r;
	struct logbuf_producer *p;
	struct logbuf_consumer *c;
};

FIXTURE_VARIANT(q) {
	uint32_t flags;
	uint64_t cap;
};

FIXTURE_VARIANT_ADD(q, spsc) { .flags = 0, .cap = 4096 };
FIXTURE_VARIANT_ADD(q, mpsc) { .flags = LOGBUF_RING_MPSC, .cap = 4096 };
FIXTURE_VARIANT_ADD(q, spsc_tiny) { .flags = 0, .cap = 64 };
FIXTURE_VARIANT_ADD(q, mpsc_tiny) { .flags = LOGBUF_RING_MPSC, .cap = 64 };

FIXTURE_SETUP(q)
{
	self->r = logbuf_ring_new(variant->cap, variant->flags);
	ASSERT_NE(NULL, self->r);
	self->p = logbuf_producer_new(self->r);
	ASSERT_NE(NULL, self->p);
	self->c = logbuf_consumer_new(self->r);
	ASSERT_NE(NULL, self->c);
}

FIXTURE_TEARDOWN(q)
{
	logbuf_consumer_free(self->c);
	logbuf_producer_free(self->p);
	logbuf_ring_free(self->r);
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

TEST_F(q, claim_errors)
{
	void *d;

	EXPECT_EQ(-EINVAL, logbuf_claim(self->p, 0, &d));
	EXPECT_EQ(-E2BIG, logbuf_claim(self->p,
				       logbuf_ring_max_len(self->r) + 1, &d));
	EXPECT_EQ(-E2BIG, logbuf_claim(self->p, SIZE_MAX, &d));
	EXPECT_EQ(-EINVAL, logbuf_write(self->p, "", 0));
}

TEST_F(q, read_empty)
{
	const void *d;
	size_t len;

	EXPECT_EQ(-EAGAIN, logbuf_read(self->c, &d, &len));
	logbuf_release(self->c);	/* nothing held: no-op */
	EXPECT_EQ(-EAGAIN, logbuf_read(self->c, &d, &len));
}

TEST_F(q, write_read_release)
{
	struct logbuf_ring_stats st;
	const void *d, *p;
	size_t len;

	ASSERT_EQ(0, logbuf_write(self->p, "hello", 5));
	ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
	ASSERT_EQ(5, len);
	EXPECT_EQ(0, memcmp(d, "hello", 5));
	/* Reading again before release returns the same record. */
	ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
	EXPECT_EQ(0, memcmp(d, "hello", 5));
	logbuf_release(self->c);
	/* Found empty: the space is given back, zeroed, header included. */
	EXPECT_EQ(-EAGAIN, logbuf_read(self->c, &p, &len));
	EXPECT_TRUE(all_zero((const unsigned char *)d - 8, 16));
	logbuf_ring_stats(self->r, &st);
	EXPECT_EQ(st.tail, st.head);
}

TEST_F(q, claim_is_invisible_until_commit)
{
	const void *d;
	void *w;
	size_t len;

	ASSERT_EQ(0, logbuf_claim(self->p, 3, &w));
	EXPECT_EQ(0, (uintptr_t)w % 8);
	memcpy(w, "abc", 3);
	EXPECT_EQ(-EAGAIN, logbuf_read(self->c, &d, &len));
	logbuf_commit(self->p);
	ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
	EXPECT_EQ(3, len);
	logbuf_release(self->c);
	logbuf_commit(self->p);		/* nothing open: no-op */
	EXPECT_EQ(-EAGAIN, logbuf_read(self->c, &d, &len));
}

TEST_F(q, abort_never_surfaces)
{
	struct logbuf_ring_stats st;
	const void *d;
	void *w;
	size_t len;

	ASSERT_EQ(0, logbuf_claim(self->p, 9, &w));
	logbuf_abort(self->p);
	logbuf_abort(self->p);		/* nothing open: no-op */
	ASSERT_EQ(0, logbuf_write(self->p, "x", 1));
	ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
	EXPECT_EQ(1, len);
	EXPECT_EQ('x', *(const char *)d);
	logbuf_release(self->c);
	/* Found empty: the space and the statistics are published. */
	EXPECT_EQ(-EAGAIN, logbuf_read(self->c, &d, &len));
	logbuf_ring_stats(self->r, &st);
	EXPECT_EQ(1, st.records);
	EXPECT_EQ(1, st.skips);
	EXPECT_EQ(1, st.aborts);
	EXPECT_EQ(st.tail, st.head);
}

TEST_F(q, second_claim_aborts_the_first)
{
	const void *d;
	void *w;
	size_t len;

	ASSERT_EQ(0, logbuf_claim(self->p, 4, &w));
	ASSERT_EQ(0, logbuf_claim(self->p, 2, &w));
	memcpy(w, "ok", 2);
	logbuf_commit(self->p);
	ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
	EXPECT_EQ(2, len);
	EXPECT_EQ(0, memcmp(d, "ok", 2));
}

TEST_F(q, full_then_room_again)
{
	uint64_t max = logbuf_ring_max_len(self->r);
	struct logbuf_ring_stats st;
	const void *d;
	size_t len;
	void *w;

	ASSERT_EQ(0, logbuf_claim(self->p, max, &w));
	memset(w, 0xab, max);
	logbuf_commit(self->p);
	ASSERT_EQ(0, logbuf_claim(self->p, max, &w));
	logbuf_commit(self->p);
	/* Exactly full now: even one byte must wait. */
	EXPECT_EQ(-EAGAIN, logbuf_claim(self->p, 1, &w));
	logbuf_ring_stats(self->r, &st);
	EXPECT_EQ(1, st.full);
	ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
	EXPECT_EQ(max, len);
	EXPECT_EQ(0xab, ((const unsigned char *)d)[max - 1]);
	logbuf_release(self->c);
	EXPECT_EQ(0, logbuf_claim(self->p, 1, &w));
	logbuf_abort(self->p);
}

/* Records from 1 byte to the largest, each verified, over several laps. */
TEST_F(q, every_length_many_laps)
{
	uint64_t max = logbuf_ring_max_len(self->r);
	unsigned char buf[4096];
	uint64_t n, i;

	for (n = 1; n <= max; n++) {
		for (i = 0; i < 3; i++) {
			const void *d;
			size_t len;
			uint64_t k;

			for (k = 0; k < n; k++)
				buf[k] = (unsigned char)(n + i + k);
			ASSERT_EQ(0, logbuf_write(self->p, buf, n));
			ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
			ASSERT_EQ(n, len);
			ASSERT_EQ(0, memcmp(d, buf, n));
			logbuf_release(self->c);
		}
	}
}

/*
 * A fresh ring with its tail moved to @off by consumed filler records; the
 * first claim's address minus 8 gives the start of the data area in *base.
 */
static struct logbuf_ring *ring_at(uint32_t flags, uint64_t cap, uint64_t off,
				   struct logbuf_producer **p,
				   struct logbuf_consumer **c,
				   const unsigned char **base)
{
	static unsigned char filler[LOGBUF_MAX_CAPACITY / 1024];
	struct logbuf_ring *r = logbuf_ring_new(cap, flags);
	uint64_t m = cap / 2;	/* largest total a record may have */
	int first = 1;

	*p = logbuf_producer_new(r);
	*c = logbuf_consumer_new(r);
	while (off) {
		uint64_t t = off > m ? m : off;
		const void *d;
		size_t len;

		if (off - t && off - t < 16)
			t = off - 16;
		if (logbuf_write(*p, filler, t - 8) ||
		    logbuf_read(*c, &d, &len))
			return NULL;
		if (first)
			*base = (const unsigned char *)d - 8;
		first = 0;
		logbuf_release(*c);
		/* Empty again: the consumer gives the space back. */
		if (logbuf_read(*c, &d, &len) != -EAGAIN)
			return NULL;
		off -= t;
	}
	return r;
}

/*
 * Put the tail at every 8-byte offset of the last half of the array.  A
 * record that fits exactly must not wrap; one byte more must leave a skip
 * over the rest, land at offset 0, and the skip must never surface.
 */
TEST_F(q, skip_at_every_alignment_near_the_end)
{
	uint64_t cap = variant->cap;
	uint64_t gap;

	for (gap = 8; gap < cap / 2; gap += 8) {
		struct logbuf_ring_stats st;
		struct logbuf_producer *p;
		struct logbuf_consumer *c;
		const unsigned char *base = NULL;
		struct logbuf_ring *r;
		uint64_t extra;

		/* extra 0: fits exactly before the end; 1: must wrap. */
		for (extra = 0; extra <= 1; extra++) {
			static unsigned char pay[LOGBUF_MAX_CAPACITY / 1024];
			uint64_t n = gap - 8 + extra;
			const void *d;
			size_t len;

			if (!n)	/* a zero-length record does not exist */
				continue;
			r = ring_at(variant->flags, cap, cap - gap, &p, &c, &base);
			ASSERT_NE(NULL, r);
			memset(pay, (int)gap, n);
			ASSERT_EQ(0, logbuf_write(p, pay, n));
			ASSERT_EQ(0, logbuf_read(c, &d, &len));
			EXPECT_EQ(n, len);
			EXPECT_EQ(0, memcmp(d, pay, n));
			EXPECT_EQ(extra ? base + 8 : base + cap - gap + 8,
				  (const unsigned char *)d);
			logbuf_release(c);
			EXPECT_EQ(-EAGAIN, logbuf_read(c, &d, &len));
			logbuf_ring_stats(r, &st);
			EXPECT_EQ(extra, st.skips) TH_LOG("gap %llu",
						(unsigned long long)gap);
			EXPECT_EQ(st.head, st.tail);
			logbuf_consumer_free(c);
			logbuf_producer_free(p);
			logbuf_ring_free(r);
		}
	}
}

static int count_cb(void *ctx, const void *data, size_t len)
{
	uint64_t *sum = ctx;

	*sum += len + *(const unsigned char *)data;
	return 0;
}

static int stop_cb(void *ctx, const void *data, size_t len)
{
	(void)data;
	(void)len;
	return ++*(int *)ctx == 2;
}

TEST_F(q, consume_batches)
{
	uint64_t sum = 0;
	int calls = 0;
	int i;

	/* Three records: the 64-byte ring holds four. */
	for (i = 1; i <= 3; i++)
		ASSERT_EQ(0, logbuf_write(self->p, "\x01\x02\x03\x04\x05", i));
	EXPECT_EQ(2, logbuf_consume(self->c, count_cb, &sum, 2));
	EXPECT_EQ(1 + 1 + 2 + 1, sum);
	for (i = 4; i <= 5; i++)
		ASSERT_EQ(0, logbuf_write(self->p, "\x01\x02\x03\x04\x05", i));
	/* The callback stops the batch after its second record. */
	EXPECT_EQ(2, logbuf_consume(self->c, stop_cb, &calls, 0));
	EXPECT_EQ(1, logbuf_consume(self->c, count_cb, &sum, 0));
	EXPECT_EQ(0, logbuf_consume(self->c, count_cb, &sum, 0));
}

/* Counts calls and stops a runaway batch at 1000 of them. */
static int capped_cb(void *ctx, const void *data, size_t len)
{
	(void)data;
	(void)len;
	return ++*(int *)ctx >= 1000;
}

/*
 * Issue 7, item 1: on an exactly full ring a batch used to come back to its
 * own first record (not yet zeroed) and hand it out again, endlessly; and
 * the head it then published was ahead of the tail, wedging the ring.
 */
TEST_F(q, consume_full_ring_once_around)
{
	uint64_t cap = logbuf_ring_capacity(self->r);
	unsigned int max, n = cap / 16, i, round;
	const void *d;
	size_t len;
	int calls;

	for (round = 0; round < 3; round++) {
		/* 0 = no limit, exactly the ring's count, and more. */
		max = round == 0 ? 0 : round == 1 ? n : 4 * n;
		for (i = 0; i < n; i++)
			ASSERT_EQ(0, logbuf_write(self->p, "abcdefgh", 8));
		ASSERT_EQ(-EAGAIN, logbuf_write(self->p, "x", 1));
		calls = 0;
		EXPECT_EQ((int)n, logbuf_consume(self->c, capped_cb, &calls,
						 max)) TH_LOG("max %u", max);
		EXPECT_EQ((int)n, calls);
		/* Not wedged: the space is back and the ring is empty. */
		EXPECT_EQ(-EAGAIN, logbuf_read(self->c, &d, &len));
		ASSERT_EQ(0, logbuf_write(self->p, "12345678", 8));
		ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
		EXPECT_EQ(8, len);
		EXPECT_EQ(0, memcmp(d, "12345678", 8));
		logbuf_release(self->c);
		EXPECT_EQ(0, logbuf_consume(self->c, capped_cb, &calls, 0));
	}
}

/* A batch walks at most one ring of bytes, however fast producers are. */
static int refill_cb(void *ctx, const void *data, size_t len)
{
	struct logbuf_producer *p = ctx;

	(void)data;
	(void)len;
	/* Every record consumed is replaced at once (room permitting). */
	logbuf_write(p, "abcdefgh", 8);
	logbuf_write(p, "abcdefgh", 8);
	return 0;
}

TEST_F(q, consume_returns_while_producers_keep_up)
{
	uint64_t cap = logbuf_ring_capacity(self->r);
	int i, n;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, logbuf_write(self->p, "abcdefgh", 8));
	n = logbuf_consume(self->c, refill_cb, self->p, 0);
	EXPECT_LT(0, n);
	EXPECT_GE(cap / 16, (uint64_t)n);
}

/*
 * Issue 7, item 2: a producer must not trust the shared tail.  A hostile
 * co-producer of a mapped ring can store any value there; an unaligned tail
 * made the next claim write a header past the end of the data area.
 */
TEST_F(q, hostile_tail_is_ebadmsg_never_a_stray_write)
{
	uint64_t cap = logbuf_ring_capacity(self->r);
	struct logbuf_prod *prod = self->p->rv.prod;
	int i, mpsc = self->p->mpsc;
	struct logbuf_producer *p2;
	void *d;

	for (i = 0; i < 3; i++) {
		static const uint64_t bad[] = { 3, 5, 7 };

		prod->tail = 2 * cap - bad[i];
		if (mpsc) {
			EXPECT_EQ(-EBADMSG, logbuf_claim(self->p, 8, &d));
		} else {
			/* A producer attached now starts from that tail. */
			logbuf_producer_free(self->p);
			errno = 0;
			p2 = logbuf_producer_new(self->r);
			EXPECT_EQ(NULL, p2);
			EXPECT_EQ(EBADMSG, errno);
			logbuf_producer_free(p2);
			/* Still refused: the tail is as bad as before. */
			self->p = logbuf_producer_new(self->r);
			ASSERT_EQ(NULL, self->p);
		}
	}
}

/* A tail more than a ring ahead of the head is a lie too. */
TEST_F(q, tail_beyond_head_plus_capacity_is_ebadmsg)
{
	uint64_t cap = logbuf_ring_capacity(self->r);
	void *d;

	if (!self->p->mpsc)
		SKIP(return, "SPSC keeps its own tail");
	self->p->rv.prod->tail = 4 * cap;
	EXPECT_EQ(-EBADMSG, logbuf_claim(self->p, 8, &d));
	/* The honest value again: back to work. */
	self->p->rv.prod->tail = 0;
	EXPECT_EQ(0, logbuf_claim(self->p, 8, &d));
	logbuf_abort(self->p);
}

TEST_F(q, corrupt_header_is_ebadmsg)
{
	struct logbuf_ring_stats st;
	unsigned char *data;
	const void *d;
	size_t len;
	void *w;

	ASSERT_EQ(0, logbuf_claim(self->p, 8, &w));
	data = (unsigned char *)w - 8;
	logbuf_abort(self->p);
	/* A length running past the end of the array. */
	*(uint32_t *)data = (uint32_t)logbuf_ring_capacity(self->r);
	EXPECT_EQ(-EBADMSG, logbuf_read(self->c, &d, &len));
	EXPECT_EQ(-EBADMSG, logbuf_consume(self->c, count_cb, &len, 0));
	/* Skips that are unaligned, too short or too long. */
	*(uint32_t *)data = LOGBUF_SKIP | 12;
	EXPECT_EQ(-EBADMSG, logbuf_read(self->c, &d, &len));
	*(uint32_t *)data = LOGBUF_SKIP | 0;
	EXPECT_EQ(-EBADMSG, logbuf_read(self->c, &d, &len));
	*(uint32_t *)data = LOGBUF_SKIP | (uint32_t)(logbuf_ring_capacity(self->r) + 8);
	EXPECT_EQ(-EBADMSG, logbuf_read(self->c, &d, &len));
	logbuf_ring_stats(self->r, &st);
	EXPECT_EQ(0, st.head);
}

TEST_F(q, one_consumer_only)
{
	errno = 0;
	EXPECT_EQ(NULL, logbuf_consumer_new(self->r));
	EXPECT_EQ(EBUSY, errno);
}

TEST_F(q, producers_per_shape)
{
	struct logbuf_producer *p2 = logbuf_producer_new(self->r);

	if (variant->flags & LOGBUF_RING_MPSC) {
		ASSERT_NE(NULL, p2);
		EXPECT_EQ(0, logbuf_write(p2, "two", 3));
		EXPECT_EQ(0, logbuf_write(self->p, "one", 3));
		logbuf_producer_free(p2);
	} else {
		EXPECT_EQ(NULL, p2);
		EXPECT_EQ(EBUSY, errno);
		/* After the first goes, a new one may come. */
		logbuf_producer_free(self->p);
		self->p = logbuf_producer_new(self->r);
		EXPECT_NE(NULL, self->p);
	}
}

TEST_F(q, free_aborts_open_claim)
{
	const void *d;
	size_t len;
	void *w;

	ASSERT_EQ(0, logbuf_claim(self->p, 5, &w));
	logbuf_producer_free(self->p);
	self->p = logbuf_producer_new(self->r);
	ASSERT_NE(NULL, self->p);
	ASSERT_EQ(0, logbuf_write(self->p, "after", 5));
	ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
	EXPECT_EQ(0, memcmp(d, "after", 5));
}

/* Mixed commits and aborts of random sizes, many laps, all verified. */
TEST_F(q, random_commits_and_aborts)
{
	uint64_t max = logbuf_ring_max_len(self->r);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	uint32_t seq = 0, want = 0;
	unsigned char buf[4096];
	int i;

	if (max < TESTREC_MIN)
		SKIP(return, "ring too small for test records");
	for (i = 0; i < 200000; i++) {
		uint32_t n = TESTREC_MIN + tr_rand(&seed) % (max - TESTREC_MIN + 1);
		const void *d;
		size_t len;
		void *w;
		int err;

		err = logbuf_claim(self->p, n, &w);
		if (!err) {
			if (tr_rand(&seed) % 4 == 0) {
				logbuf_abort(self->p);
			} else {
				tr_fill(buf, n, 0, seq++);
				memcpy(w, buf, n);
				logbuf_commit(self->p);
			}
		} else {
			ASSERT_EQ(-EAGAIN, err);
		}
		if (err || tr_rand(&seed) % 3 == 0) {
			while (!logbuf_read(self->c, &d, &len)) {
				struct testrec tr;

				ASSERT_EQ(0, tr_check(d, len));
				memcpy(&tr, d, sizeof(tr));
				ASSERT_EQ(want, tr.seq);
				want++;
				logbuf_release(self->c);
			}
		}
	}
	EXPECT_GT(want, 1000);
}

TEST_HARNESS_MAIN
