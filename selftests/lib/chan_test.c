// SPDX-License-Identifier: GPL-2.0
/* Unit tests of channels: errors, timeouts, parking, disconnection. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "logbuf.h"

FIXTURE(ch) {
	struct logbuf_sender *tx;
	struct logbuf_receiver *rx;
};

FIXTURE_VARIANT(ch) {
	uint32_t flags;
};

FIXTURE_VARIANT_ADD(ch, spsc) { .flags = 0 };
FIXTURE_VARIANT_ADD(ch, mpsc) { .flags = LOGBUF_RING_MPSC };

FIXTURE_SETUP(ch)
{
	ASSERT_EQ(0, logbuf_channel_new(1024, variant->flags, &self->tx,
					&self->rx));
}

FIXTURE_TEARDOWN(ch)
{
	logbuf_sender_free(self->tx);
	logbuf_receiver_free(self->rx);
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

TEST(channel_new_errors)
{
	struct logbuf_sender *tx;
	struct logbuf_receiver *rx;

	EXPECT_EQ(-EINVAL, logbuf_channel_new(1000, 0, &tx, &rx));
	EXPECT_EQ(-EINVAL, logbuf_channel_new(0, 0, &tx, &rx));
	EXPECT_EQ(-EOPNOTSUPP, logbuf_channel_new(1024, 1U << 5, &tx, &rx));
	EXPECT_EQ(-EINVAL, logbuf_channel_new(1024, 0, NULL, &rx));
	EXPECT_EQ(-EINVAL, logbuf_channel_new(1024, 0, &tx, NULL));
}

TEST_F(ch, send_errors)
{
	EXPECT_EQ(-EINVAL, logbuf_try_send(self->tx, "", 0));
	EXPECT_EQ(-EINVAL, logbuf_send(self->tx, "", 0));
	EXPECT_EQ(-E2BIG, logbuf_try_send(self->tx, "", 1024));
	EXPECT_EQ(-E2BIG, logbuf_send(self->tx, "", 1024));
}

TEST_F(ch, try_send_try_recv)
{
	const void *d;
	size_t len;

	EXPECT_EQ(-EAGAIN, logbuf_try_recv(self->rx, &d, &len));
	ASSERT_EQ(0, logbuf_try_send(self->tx, "ping", 4));
	ASSERT_EQ(0, logbuf_try_recv(self->rx, &d, &len));
	EXPECT_EQ(4, len);
	EXPECT_EQ(0, memcmp(d, "ping", 4));
	logbuf_recv_done(self->rx);
	EXPECT_EQ(-EAGAIN, logbuf_try_recv(self->rx, &d, &len));
}

TEST_F(ch, try_send_full)
{
	int n = 0;

	while (!logbuf_try_send(self->tx, "0123456789abcdef", 16))
		n++;
	/* 42 records of 24 bytes; 16 bytes are left before the end. */
	EXPECT_EQ(1024 / 24, n);
	EXPECT_EQ(0, logbuf_try_send(self->tx, "x", 1));
	EXPECT_EQ(-EAGAIN, logbuf_try_send(self->tx, "x", 1));
}

TEST_F(ch, recv_times_out)
{
	const void *d;
	size_t len;
	int64_t t0 = ms_now();

	EXPECT_EQ(-ETIMEDOUT, logbuf_recv(self->rx, &d, &len, 100));
	EXPECT_LE(95, ms_now() - t0);
}

TEST_F(ch, clone_only_for_mpsc)
{
	struct logbuf_sender *tx2 = logbuf_sender_clone(self->tx);

	if (variant->flags & LOGBUF_RING_MPSC) {
		const void *d;
		size_t len;

		ASSERT_NE(NULL, tx2);
		EXPECT_EQ(0, logbuf_try_send(tx2, "c", 1));
		ASSERT_EQ(0, logbuf_try_recv(self->rx, &d, &len));
		logbuf_sender_free(tx2);
	} else {
		EXPECT_EQ(NULL, tx2);
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(ch, receiver_gone_sender_gets_epipe)
{
	logbuf_receiver_free(self->rx);
	self->rx = NULL;
	EXPECT_EQ(-EPIPE, logbuf_try_send(self->tx, "x", 1));
	EXPECT_EQ(-EPIPE, logbuf_send(self->tx, "x", 1));
}

/* A sender blocked on a full ring notices the receiver leaving. */
static void *drop_rx_later(void *arg)
{
	usleep(50000);
	logbuf_receiver_free(arg);
	return NULL;
}

TEST_F(ch, blocked_send_sees_receiver_leave)
{
	pthread_t th;

	while (!logbuf_try_send(self->tx, "0123456789abcdef", 16))
		;
	ASSERT_EQ(0, pthread_create(&th, NULL, drop_rx_later, self->rx));
	self->rx = NULL;
	EXPECT_EQ(-EPIPE, logbuf_send(self->tx, "0123456789abcdef", 16));
	pthread_join(th, NULL);
}

TEST_F(ch, senders_gone_receiver_drains_then_epipe)
{
	struct logbuf_sender *tx2 = NULL;
	const void *d;
	size_t len;

	if (variant->flags & LOGBUF_RING_MPSC) {
		tx2 = logbuf_sender_clone(self->tx);
		ASSERT_NE(NULL, tx2);
	}
	ASSERT_EQ(0, logbuf_try_send(self->tx, "a", 1));
	ASSERT_EQ(0, logbuf_try_send(self->tx, "b", 1));
	logbuf_sender_free(self->tx);
	self->tx = NULL;
	if (tx2) {
		/* One sender left: not disconnected yet. */
		EXPECT_EQ(0, logbuf_recv(self->rx, &d, &len, 0));
		EXPECT_EQ('a', *(const char *)d);
		EXPECT_EQ(0, logbuf_try_send(tx2, "c", 1));
		logbuf_sender_free(tx2);
	} else {
		EXPECT_EQ(0, logbuf_recv(self->rx, &d, &len, 1000));
		EXPECT_EQ('a', *(const char *)d);
	}
	EXPECT_EQ(0, logbuf_recv(self->rx, &d, &len, 1000));
	EXPECT_EQ('b', *(const char *)d);
	if (tx2) {
		EXPECT_EQ(0, logbuf_recv(self->rx, &d, &len, 1000));
		EXPECT_EQ('c', *(const char *)d);
	}
	EXPECT_EQ(-EPIPE, logbuf_recv(self->rx, &d, &len, 1000));
	EXPECT_EQ(-EPIPE, logbuf_try_recv(self->rx, &d, &len));
}

struct later {
	struct logbuf_sender *tx;
	int free_it;
};

static void *send_later(void *arg)
{
	struct later *l = arg;

	usleep(100000);
	if (l->free_it)
		logbuf_sender_free(l->tx);
	else
		logbuf_send(l->tx, "late", 4);
	return NULL;
}

TEST_F(ch, parked_receiver_woken_by_send)
{
	struct later l = { self->tx, 0 };
	const void *d;
	size_t len;
	pthread_t th;
	int64_t t0 = ms_now();

	ASSERT_EQ(0, pthread_create(&th, NULL, send_later, &l));
	ASSERT_EQ(0, logbuf_recv(self->rx, &d, &len, -1));
	EXPECT_EQ(0, memcmp(d, "late", 4));
	/* Woken, not timed out: well under the 10 s a lost wake would cost. */
	EXPECT_GT(5000, ms_now() - t0);
	pthread_join(th, NULL);
}

TEST_F(ch, parked_receiver_woken_by_disconnect)
{
	struct later l = { self->tx, 1 };
	const void *d;
	size_t len;
	pthread_t th;

	self->tx = NULL;
	ASSERT_EQ(0, pthread_create(&th, NULL, send_later, &l));
	EXPECT_EQ(-EPIPE, logbuf_recv(self->rx, &d, &len, 10000));
	pthread_join(th, NULL);
}

static int sum_cb(void *ctx, const void *data, size_t len)
{
	*(size_t *)ctx += len;
	return 0;
}

TEST_F(ch, batch_through_the_consumer)
{
	size_t total = 0;
	int i;

	for (i = 1; i <= 10; i++)
		ASSERT_EQ(0, logbuf_try_send(self->tx, "0123456789", i));
	EXPECT_EQ(10, logbuf_consume(logbuf_receiver_consumer(self->rx),
				     sum_cb, &total, 0));
	EXPECT_EQ(55, total);
}

TEST_F(ch, zero_copy_claim_then_notify)
{
	struct logbuf_producer *p = logbuf_sender_producer(self->tx);
	const void *d;
	size_t len;
	void *w;

	ASSERT_EQ(0, logbuf_claim(p, 3, &w));
	memcpy(w, "abc", 3);
	logbuf_commit(p);
	logbuf_notify(self->tx);
	ASSERT_EQ(0, logbuf_try_recv(self->rx, &d, &len));
	EXPECT_EQ(0, memcmp(d, "abc", 3));
}

TEST_HARNESS_MAIN
