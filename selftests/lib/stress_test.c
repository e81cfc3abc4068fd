// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency stress: producer threads with random sizes, every record
 * self-checking (producer id, sequence, checksum); the consumer verifies no
 * loss, no duplicate, no corruption and per-producer FIFO order.  The same
 * MPSC workload also runs through liburcu's wfcqueue, and the two runs must
 * deliver the same records.  Built a second time with ThreadSanitizer.
 */
#define _LGPL_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <urcu/wfcqueue.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "../common/scale.h"
#include "../common/testrec.h"

#define MAXREC	600

/* What a run delivered, order-independent, to compare two transports. */
struct digest {
	uint64_t records;
	uint64_t bytes;
	uint64_t sums;
};

static void digest_add(struct digest *g, const void *d, size_t len)
{
	struct testrec r;

	memcpy(&r, d, sizeof(r));
	g->records++;
	g->bytes += len;
	g->sums += (uint64_t)r.sum * (r.id + 1);
}

static uint32_t rec_len(uint64_t *seed)
{
	return TESTREC_MIN + tr_rand(seed) % (MAXREC - TESTREC_MIN);
}

/* ---- logbuf queue ---------------------------------------------------- */

struct qprod {
	struct logbuf_ring *r;
	uint32_t id;
	uint32_t n;
	uint64_t full;
	int err;
};

static void *qprod_fn(void *arg)
{
	struct qprod *qp = arg;
	struct logbuf_producer *p = logbuf_producer_new(qp->r);
	uint64_t seed = 0xabcdef12345ULL + qp->id;
	uint32_t i;

	if (!p) {
		qp->err = -errno;
		return NULL;
	}
	for (i = 0; i < qp->n && !qp->err; i++) {
		uint32_t len = rec_len(&seed);
		/* Now and then abort a claim first: it must never surface. */
		int tries = i % 97 == 13 ? 2 : 1;

		while (tries--) {
			void *w;
			int err;

			while ((err = logbuf_claim(p, len, &w)) == -EAGAIN) {
				qp->full++;
				sched_yield();
			}
			if (err) {
				qp->err = err;
				break;
			}
			tr_fill(w, len, qp->id, i);
			if (tries)
				logbuf_abort(p);
			else
				logbuf_commit(p);
		}
	}
	logbuf_producer_free(p);
	return NULL;
}

/* Run @np producers of @n records on a ring; consume and verify here. */
static void run_queue(struct __test_metadata *_metadata, uint32_t flags,
		      uint64_t cap, uint32_t np, uint32_t n, struct digest *g)
{
	struct logbuf_ring *r = logbuf_ring_new(cap, flags);
	struct tr_book book = { .nprod = np };
	struct logbuf_consumer *c;
	struct qprod qp[8];
	pthread_t th[8];
	uint64_t want = (uint64_t)np * n;
	uint32_t i;

	ASSERT_NE(NULL, r);
	c = logbuf_consumer_new(r);
	ASSERT_NE(NULL, c);
	for (i = 0; i < np; i++) {
		qp[i] = (struct qprod){ .r = r, .id = i, .n = n };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, qprod_fn, &qp[i]));
	}
	while (book.records < want) {
		const void *d;
		size_t len;
		int err = logbuf_read(c, &d, &len);

		if (err == -EAGAIN) {
			sched_yield();
			continue;
		}
		ASSERT_EQ(0, err);
		tr_account(&book, d, len);
		if (g)
			digest_add(g, d, len);
		logbuf_release(c);
	}
	for (i = 0; i < np; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, qp[i].err);
		EXPECT_EQ(n, book.next[i]);
	}
	EXPECT_EQ(0, book.bad);
	EXPECT_EQ(0, book.disorder);
	EXPECT_EQ(want, book.records);
	logbuf_consumer_free(c);
	logbuf_ring_free(r);
}

TEST(spsc_one_producer)
{
	run_queue(_metadata, 0, 1 << 14, 1, 400000 / SCALE, NULL);
}

TEST(mpsc_four_producers_small_ring)
{
	run_queue(_metadata, LOGBUF_RING_MPSC, 1 << 12, 4, 100000 / SCALE,
		  NULL);
}

TEST(mpsc_two_producers_large_ring)
{
	run_queue(_metadata, LOGBUF_RING_MPSC, 1 << 20, 2, 200000 / SCALE,
		  NULL);
}

/* ---- the same MPSC workload through liburcu's wfcqueue -------------- */

struct unode {
	struct cds_wfcq_node node;
	uint32_t len;
	unsigned char data[];
};

struct uq {
	struct cds_wfcq_head head;
	struct cds_wfcq_tail tail;
};

struct uprod {
	struct uq *q;
	uint32_t id;
	uint32_t n;
};

static void *uprod_fn(void *arg)
{
	struct uprod *up = arg;
	uint64_t seed = 0xabcdef12345ULL + up->id;
	uint32_t i;

	for (i = 0; i < up->n; i++) {
		uint32_t len = rec_len(&seed);
		struct unode *u = malloc(sizeof(*u) + len);

		if (!u)
			abort();
		cds_wfcq_node_init(&u->node);
		u->len = len;
		tr_fill(u->data, len, up->id, i);
		cds_wfcq_enqueue(&up->q->head, &up->q->tail, &u->node);
	}
	return NULL;
}

/* Dequeue and verify @want records; fold them into @g. */
static void urcu_consume(struct uq *q, uint64_t want, struct tr_book *book,
			 struct digest *g)
{
	while (book->records < want) {
		struct cds_wfcq_node *nd = cds_wfcq_dequeue_blocking(&q->head,
								    &q->tail);
		struct unode *u;

		if (!nd) {
			sched_yield();
			continue;
		}
		u = caa_container_of(nd, struct unode, node);
		tr_account(book, u->data, u->len);
		digest_add(g, u->data, u->len);
		free(u);
	}
}

TEST(mpsc_cross_check_with_urcu_wfcqueue)
{
	const uint32_t np = 3, n = 60000 / SCALE;
	struct digest ours = { 0 }, theirs = { 0 };
	struct tr_book book = { .nprod = np };
	struct uprod up[3];
	pthread_t th[3];
	struct uq q;
	uint32_t i;

	/*
	 * The same producers (ids, seeds, sizes) as the logbuf run; logbuf's
	 * producers also abort now and then, which must change nothing.
	 */
	run_queue(_metadata, LOGBUF_RING_MPSC, 1 << 13, np, n, &ours);
	cds_wfcq_init(&q.head, &q.tail);
	for (i = 0; i < np; i++) {
		up[i] = (struct uprod){ .q = &q, .id = i, .n = n };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, uprod_fn, &up[i]));
	}
	urcu_consume(&q, (uint64_t)np * n, &book, &theirs);
	for (i = 0; i < np; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, book.bad);
	EXPECT_EQ(0, book.disorder);
	EXPECT_EQ(np * n, theirs.records);
	EXPECT_EQ(theirs.records, ours.records);
	EXPECT_EQ(theirs.bytes, ours.bytes);
	EXPECT_EQ(theirs.sums, ours.sums);
	cds_wfcq_destroy(&q.head, &q.tail);
}

/* ---- channels: parking and disconnection under load ----------------- */

struct csend {
	struct logbuf_sender *tx;
	uint32_t id;
	uint32_t n;
	int err;
};

static void *csend_fn(void *arg)
{
	struct csend *cs = arg;
	uint64_t seed = 99 + cs->id;
	unsigned char buf[MAXREC];
	uint32_t i;

	for (i = 0; i < cs->n; i++) {
		uint32_t len = rec_len(&seed);

		tr_fill(buf, len, cs->id, i);
		cs->err = logbuf_send(cs->tx, buf, len);
		if (cs->err)
			break;
		/* Bursts and pauses, so that the receiver parks often. */
		if (tr_rand(&seed) % 64 == 0)
			usleep(tr_rand(&seed) % 200);
	}
	logbuf_sender_free(cs->tx);
	return NULL;
}

static void run_channel(struct __test_metadata *_metadata, uint32_t flags,
			uint32_t np, uint32_t n)
{
	struct tr_book book = { .nprod = np };
	struct logbuf_receiver *rx;
	struct logbuf_sender *tx;
	struct csend cs[4];
	pthread_t th[4];
	uint32_t i;
	int err;

	ASSERT_EQ(0, logbuf_channel_new(1 << 13, flags, &tx, &rx));
	for (i = 0; i < np; i++) {
		cs[i] = (struct csend){
			.tx = i ? logbuf_sender_clone(tx) : tx,
			.id = i, .n = n,
		};
		ASSERT_NE(NULL, cs[i].tx);
	}
	for (i = 0; i < np; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, csend_fn, &cs[i]));
	for (;;) {
		const void *d;
		size_t len;

		/* 10 s: a lost wake-up would show as a timeout. */
		err = logbuf_recv(rx, &d, &len, 10000);
		if (err)
			break;
		tr_account(&book, d, len);
	}
	EXPECT_EQ(-EPIPE, err);
	for (i = 0; i < np; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, cs[i].err);
		EXPECT_EQ(n, book.next[i]);
	}
	EXPECT_EQ(0, book.bad);
	EXPECT_EQ(0, book.disorder);
	EXPECT_EQ((uint64_t)np * n, book.records);
	logbuf_receiver_free(rx);
}

TEST(channel_spsc_parking_then_disconnect)
{
	run_channel(_metadata, 0, 1, 100000 / SCALE);
}

TEST(channel_mpsc_parking_then_disconnect)
{
	run_channel(_metadata, LOGBUF_RING_MPSC, 3, 50000 / SCALE);
}

/* The receiver leaves mid-stream: every sender gets -EPIPE, none hangs. */
static void *csend_until_epipe(void *arg)
{
	struct csend *cs = arg;
	uint32_t i = 0;

	while (!(cs->err = logbuf_send(cs->tx, "0123456789", 10)))
		i++;
	cs->n = i;
	logbuf_sender_free(cs->tx);
	return NULL;
}

TEST(channel_receiver_leaves_mid_stream)
{
	struct logbuf_receiver *rx;
	struct logbuf_sender *tx;
	struct csend cs[3];
	pthread_t th[3];
	int i, got = 0;

	ASSERT_EQ(0, logbuf_channel_new(1 << 12, LOGBUF_RING_MPSC, &tx, &rx));
	for (i = 0; i < 3; i++) {
		cs[i] = (struct csend){ .tx = i ? logbuf_sender_clone(tx) : tx };
		ASSERT_NE(NULL, cs[i].tx);
		ASSERT_EQ(0, pthread_create(&th[i], NULL, csend_until_epipe,
					    &cs[i]));
	}
	while (got < 10000) {
		const void *d;
		size_t len;

		ASSERT_EQ(0, logbuf_recv(rx, &d, &len, 5000));
		got++;
	}
	logbuf_receiver_free(rx);
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(-EPIPE, cs[i].err);
	}
}

TEST_HARNESS_MAIN
