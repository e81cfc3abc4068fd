// SPDX-License-Identifier: GPL-2.0
/*
 * The overwrite-ring protocol (logbuf/overwrite.h) in process memory: the
 * kernel's producer half run by threads here, against liblogbuf's reader.
 * Every record is self-checking (selftests/common/testrec.h): a torn record
 * fails its checksum.  The reader must never return one, however often the
 * producers overtake it; a naive reader (no check after the copy) run
 * against the same producers shows that they do tear records.  Built a
 * second time with ThreadSanitizer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "../common/scale.h"
#include "../common/testrec.h"

#define KEY	0x5eed5eed12345679ULL
#define MAXREC	300

/* A ring as the kernel lays it out: producer page, then the data. */
struct owring {
	struct logbuf_rv rv;
	struct logbuf_prod *prod;	/* a page, as in the kernel */
	unsigned char *data;
};

static void ow_init(struct owring *o, uint64_t cap)
{
	o->prod = aligned_alloc(4096, 4096);
	o->data = aligned_alloc(4096, cap);
	memset(o->prod, 0, 4096);
	memset(o->data, 0, cap);
	o->rv.prod = o->prod;
	o->rv.data = o->data;
	o->rv.mask = cap - 1;
}

static void ow_fini(struct owring *o)
{
	free(o->prod);
	free(o->data);
}

/*
 * Producer: one self-checking record, stored word by word (relaxed).
 * -EAGAIN: dropped, the oldest record was still being written.
 */
static int ow_put(struct owring *o, uint32_t len, uint32_t id, uint32_t seq,
		   bool give_up)
{
	uint64_t words[MAXREC / 8 + 1], *dst;
	struct logbuf_pstate ps = { 0 };
	void *data;
	uint32_t i;
	int err;

	tr_fill(words, len, id, seq);
	err = __logbuf_ow_claim(&o->rv, KEY, &ps, len, &data);
	if (err)
		return err;
	dst = data;
	for (i = 0; i < (len + 7) / 8; i++)
		__atomic_store_n(&dst[i], words[i], __ATOMIC_RELAXED);
	if (give_up)
		__logbuf_ow_abort(&o->rv, &ps);
	else
		__logbuf_commit(&o->rv, &ps);
	return 0;
}

static int ow_get(struct owring *o, struct logbuf_ow_cursor *c, void *buf,
		  uint32_t *len)
{
	return __logbuf_ow_read(&o->rv, KEY, c, buf, MAXREC, len);
}

static uint32_t len_of(uint32_t seq)
{
	return TESTREC_MIN + (seq * 37) % (MAXREC - TESTREC_MIN + 1);
}

TEST(unlapped_ring_reads_back_every_record)
{
	struct logbuf_ow_cursor c = { 0 };
	unsigned char buf[MAXREC];
	struct owring o;
	uint32_t seq, len, n = 0, got, returned = 0, committed = 0;

	ow_init(&o, 1 << 16);
	/* Fill to just under one lap: nothing overwritten. */
	for (seq = 0; o.prod->tail + logbuf_ow_total(MAXREC) * 2 < 1 << 16;
	     seq++) {
		ASSERT_EQ(0, ow_put(&o, len_of(seq), 1, seq, seq % 5 == 4));
		committed += seq % 5 != 4;
	}
	while (!ow_get(&o, &c, buf, &len)) {
		ASSERT_EQ(0, tr_check(buf, len));
		memcpy(&got, buf + 4, 4);
		if (n % 5 == 4)
			n++;	/* aborted: a skip record */
		ASSERT_EQ(n, got);
		n++;
		returned++;
	}
	EXPECT_EQ(committed, returned);
	EXPECT_EQ(0, c.torn);
	EXPECT_EQ(0, c.lost);
	EXPECT_EQ(c.pos, o.prod->tail);
	EXPECT_EQ(-EAGAIN, ow_get(&o, &c, buf, &len));
	ow_fini(&o);
}

TEST(overrun_ring_keeps_the_newest_records)
{
	struct logbuf_ow_cursor c = { 0 };
	unsigned char buf[MAXREC];
	uint32_t seq, len, got, first = 0, last = 0, n = 0;
	uint64_t cap = 4096;
	struct owring o;

	ow_init(&o, cap);
	/* Fifty laps of records of every length, wraps everywhere. */
	for (seq = 0; o.prod->tail < 50 * cap; seq++)
		ASSERT_EQ(0, ow_put(&o, len_of(seq), 2, seq, false));
	while (!ow_get(&o, &c, buf, &len)) {
		ASSERT_EQ(0, tr_check(buf, len));
		memcpy(&got, buf + 4, 4);
		if (!n)
			first = got;
		else
			ASSERT_EQ(last + 1, got);
		last = got;
		n++;
	}
	/* The last record is the newest; the ring holds most of a lap. */
	EXPECT_EQ(seq - 1, last);
	EXPECT_GT(n, 0);
	EXPECT_GT(first, 0);
	EXPECT_EQ(0, c.torn);
	EXPECT_GE(c.lost, 49 * cap);
	/* Nothing whole is passed over: the reader started at ow_head. */
	EXPECT_EQ(o.prod->ow_head, c.lost);
	EXPECT_LE(o.prod->tail - c.lost, cap);
	EXPECT_GE(o.prod->tail - c.lost, cap - 2 * logbuf_ow_total(MAXREC));
	ow_fini(&o);
}

TEST(seek_to_the_last_bytes)
{
	struct logbuf_ow_cursor c = { 0 };
	unsigned char buf[MAXREC];
	uint64_t cap = 1 << 16, t;
	uint32_t seq, len, n = 0;
	struct owring o;

	ow_init(&o, cap);
	for (seq = 0; o.prod->tail < 3 * cap + 123; seq++)
		ASSERT_EQ(0, ow_put(&o, len_of(seq), 3, seq, false));
	t = o.prod->tail;
	__logbuf_ow_seek(&o.rv, KEY, &c, t, 4096);
	EXPECT_GE(c.pos, t - 4096);
	EXPECT_LE(c.pos, t - 4096 + logbuf_ow_total(MAXREC));
	while (!ow_get(&o, &c, buf, &len)) {
		ASSERT_EQ(0, tr_check(buf, len));
		n++;
	}
	EXPECT_GT(n, 4096 / logbuf_ow_total(MAXREC) / 2);
	EXPECT_EQ(t, c.pos);
	ow_fini(&o);
}

TEST(bad_inputs)
{
	struct logbuf_ow_cursor c = { 0 };
	struct logbuf_pstate ps = { 0 };
	unsigned char buf[MAXREC];
	struct logbuf_ow_hdr *h;
	struct owring o;
	uint32_t len;
	void *d;

	ow_init(&o, 4096);
	EXPECT_EQ(-EINVAL, __logbuf_ow_claim(&o.rv, KEY, &ps, 0, &d));
	EXPECT_EQ(-E2BIG, __logbuf_ow_claim(&o.rv, KEY, &ps,
					    logbuf_ow_max_len(4095) + 1, &d));
	EXPECT_EQ(0, __logbuf_ow_claim(&o.rv, KEY, &ps,
				       logbuf_ow_max_len(4095), &d));
	/* Claimed, not committed: nothing to read yet. */
	EXPECT_EQ(-EAGAIN, ow_get(&o, &c, buf, &len));
	__logbuf_commit(&o.rv, &ps);
	/* Too big for the buffer: said so, the cursor stays. */
	EXPECT_EQ(-EMSGSIZE, ow_get(&o, &c, buf, &len));
	EXPECT_EQ(0, c.pos);
	/* A header of this lap no producer writes: corrupt, not torn. */
	h = (struct logbuf_ow_hdr *)o.data;
	h->len = 3000;
	EXPECT_EQ(-EBADMSG, ow_get(&o, &c, buf, &len));
	/* A stamp of another key or position: not this lap's record. */
	h->len = 8;
	h->stamp = 0 ^ (KEY + 1);
	EXPECT_EQ(-EAGAIN, ow_get(&o, &c, buf, &len));
	EXPECT_EQ(0, c.torn);
	ow_fini(&o);
}

/* Producers overtaking a reader, many times over. */
struct race {
	struct owring o;
	int stop;
	uint64_t written[2];
	uint64_t dropped[2];
};

static void *producer(void *arg)
{
	struct race *r = arg;
	static int ids;
	uint32_t id = __atomic_fetch_add(&ids, 1, __ATOMIC_RELAXED) % 2;
	uint32_t seq = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		if (ow_put(&r->o, len_of(seq), id, seq, seq % 17 == 16))
			r->dropped[id]++;
		seq++;
	}
	r->written[id] = seq;
	return NULL;
}

/*
 * The naive reader: the same walk, but it trusts what it copied.  Returns
 * the records whose checksum fails; it must see some, or the race below
 * proves nothing.
 */
static uint64_t naive_read_all(struct owring *o, struct logbuf_ow_cursor *c,
			       uint64_t *seen)
{
	uint64_t bad = 0, p, t, cap = o->rv.mask + 1;
	unsigned char buf[MAXREC];
	struct logbuf_ow_hdr *h;
	uint64_t contig, total;
	uint32_t l, i;

	t = __atomic_load_n(&o->prod->tail, __ATOMIC_ACQUIRE);
	if (t - c->pos > cap)
		__logbuf_ow_seek(&o->rv, KEY, c, t, cap);
	for (p = c->pos; p != t && t - p <= cap;) {
		contig = cap - (p & o->rv.mask);
		if (contig < LOGBUF_OW_MIN_TOTAL) {
			p += contig;
			continue;
		}
		h = (struct logbuf_ow_hdr *)(o->data + (p & o->rv.mask));
		l = __atomic_load_n(&h->len, __ATOMIC_ACQUIRE);
		/*
		 * Naive about tearing, not about memory: a length that does
		 * not fit the buffer or the array ends the walk.
		 */
		total = l & LOGBUF_SKIP ? l & LOGBUF_LEN_MASK :
					  logbuf_ow_total(l);
		if (!l || total > contig || total < LOGBUF_OW_MIN_TOTAL ||
		    (!(l & LOGBUF_SKIP) && l > MAXREC))
			break;
		if (!(l & LOGBUF_SKIP)) {
			for (i = 0; i < l; i += 8) {
				uint64_t w = __atomic_load_n(
					(uint64_t *)(h + 1) + i / 8,
					__ATOMIC_RELAXED);
				memcpy(buf + i, &w, l - i < 8 ? l - i : 8);
			}
			bad += tr_check(buf, l) != 0;
			++*seen;
		}
		p += total;
	}
	c->pos = p;
	return bad;
}

static void race(struct __test_metadata *_metadata, bool naive,
		 uint64_t *bad, uint64_t *seen, struct logbuf_ow_cursor *c)
{
	unsigned char buf[MAXREC];
	uint32_t last[2] = { 0, 0 }, len, got[2];
	struct timespec t0, t1;
	struct race r = { 0 };
	long ms;
	pthread_t th[2];
	int i, err;

	ow_init(&r.o, 4096);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, producer, &r));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (naive) {
			*bad += naive_read_all(&r.o, c, seen);
			continue;
		}
		err = ow_get(&r.o, c, buf, &len);
		if (err == -EAGAIN)
			continue;
		ASSERT_EQ(0, err);
		if (tr_check(buf, len))
			++*bad;
		++*seen;
		memcpy(got, buf, 8);	/* id, seq */
		ASSERT_LT(got[0], 2);
		/* Per producer, never backwards, never twice. */
		if (last[got[0]])
			ASSERT_GT(got[1], last[got[0]]);
		last[got[0]] = got[1];
		clock_gettime(CLOCK_MONOTONIC, &t1);
		/*
		 * 400 ms; the control goes on up to four times as long
		 * until it has seen a tear (a busy machine may delay one).
		 */
	} while ((clock_gettime(CLOCK_MONOTONIC, &t1),
		  ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		       (t1.tv_nsec - t0.tv_nsec) / 1000000,
		  ms < 400 * SCALE || (naive && !*bad && ms < 1600 * SCALE)));
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	TH_LOG("%s reader: %llu records read, %llu torn (detected: %llu), "
	       "%llu bytes overwritten unread, %llu records written, "
	       "%llu dropped (oldest still being written)",
	       naive ? "naive" : "checking", (unsigned long long)*seen,
	       (unsigned long long)*bad, (unsigned long long)c->torn,
	       (unsigned long long)c->lost,
	       (unsigned long long)(r.written[0] + r.written[1]),
	       (unsigned long long)(r.dropped[0] + r.dropped[1]));
	ow_fini(&r.o);
}

TEST(producers_overtaking_the_reader_never_yield_a_torn_record)
{
	struct logbuf_ow_cursor c = { 0 };
	uint64_t bad = 0, seen = 0;

	race(_metadata, false, &bad, &seen, &c);
	EXPECT_EQ(0, bad);
	EXPECT_GT(seen, 100);
	/* The ring was overtaken: records were lost, by design, counted. */
	EXPECT_GT(c.lost, 4096);
}

TEST(a_reader_that_does_not_check_returns_torn_records)
{
	struct logbuf_ow_cursor c = { 0 };
	uint64_t bad = 0, seen = 0;

	race(_metadata, true, &bad, &seen, &c);
	/*
	 * The control: the same producers do tear what a reader copies
	 * (a 4 KiB ring, two writers, a reader without the tail check).
	 */
	EXPECT_GT(bad, 0);
}

TEST_HARNESS_MAIN
