// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Channels: senders that never sleep, a receiver that parks with a timeout,
 * and disconnection seen from both sides.
 *
 * The parking protocol is the same for both kinds of ring (see
 * Documentation/userspace-api/logbuf.rst, "Wake-ups"):
 *
 *   receiver                              sender
 *   set WAITING in meta->state            commit (store-release of len)
 *   full barrier                          full barrier
 *   re-check the ring                     load meta->state
 *   sleep if still empty                  if WAITING: wake
 *
 * Store buffering: with a full barrier on both sides at least one of them
 * sees the other's store, so a record is never left behind a sleeping
 * receiver.  For a process-memory ring the receiver sets WAITING itself and
 * sleeps on a futex; for a kernel ring the kernel's poll() sets it and the
 * wake is the doorbell ioctl.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "logbuf.h"
#include "internal.h"

/* Shared by every handle of one channel in this process. */
struct logbuf_chan {
	atomic_int refs;
	atomic_int senders;
	struct logbuf_ring *ring;
};

struct logbuf_sender {
	struct logbuf_producer *p;
	struct logbuf_chan *ch;
};

struct logbuf_receiver {
	struct logbuf_consumer *c;
	struct logbuf_chan *ch;
};

#define SPINS		64	/* pause loops before parking or yielding */

static uint32_t *state_word(struct logbuf_chan *ch)
{
	return &ch->ring->rv.meta->state;
}

static void state_or(struct logbuf_chan *ch, uint32_t bits)
{
	/* seq_cst read-modify-write: a full barrier on both sides of it. */
	atomic_fetch_or((_Atomic uint32_t *)state_word(ch), bits);
}

static void chan_put(struct logbuf_chan *ch)
{
	if (atomic_fetch_sub(&ch->refs, 1) != 1)
		return;
	logbuf_ring_free(ch->ring);
	free(ch);
}

static struct logbuf_chan *chan_new(struct logbuf_ring *r)
{
	struct logbuf_chan *ch = calloc(1, sizeof(*ch));

	if (!ch)
		return NULL;
	atomic_init(&ch->refs, 1);
	ch->ring = r;
	return ch;
}

static struct logbuf_sender *sender_new(struct logbuf_chan *ch)
{
	struct logbuf_sender *tx = calloc(1, sizeof(*tx));

	if (!tx)
		return NULL;
	tx->p = logbuf_producer_new(ch->ring);
	if (!tx->p) {
		free(tx);
		return NULL;
	}
	atomic_fetch_add(&ch->refs, 1);
	atomic_fetch_add(&ch->senders, 1);
	tx->ch = ch;
	return tx;
}

static struct logbuf_receiver *receiver_new(struct logbuf_chan *ch)
{
	struct logbuf_receiver *rx = calloc(1, sizeof(*rx));

	if (!rx)
		return NULL;
	rx->c = logbuf_consumer_new(ch->ring);
	if (!rx->c) {
		free(rx);
		return NULL;
	}
	atomic_fetch_add(&ch->refs, 1);
	rx->ch = ch;
	return rx;
}

int logbuf_channel_new_opts(uint64_t capacity,
			    const struct logbuf_channel_opts *opts,
			    struct logbuf_sender **tx,
			    struct logbuf_receiver **rx)
{
	int err = __logbuf_opts_check(opts, sizeof(*opts));

	if (!err && LOGBUF_OPTS_GET(opts, __reserved, 0))
		err = -EINVAL;
	if (err)
		return err;
	return logbuf_channel_new(capacity, LOGBUF_OPTS_GET(opts, flags, 0),
				  tx, rx);
}

int logbuf_channel_new(uint64_t capacity, uint32_t flags,
		       struct logbuf_sender **tx, struct logbuf_receiver **rx)
{
	struct logbuf_ring *r;
	struct logbuf_chan *ch;
	int err = -ENOMEM;

	if (!tx || !rx)
		return -EINVAL;
	r = logbuf_ring_new(capacity, flags);
	if (!r)
		return -errno;
	ch = chan_new(r);
	if (!ch) {
		logbuf_ring_free(r);
		return err;
	}
	*tx = sender_new(ch);
	*rx = *tx ? receiver_new(ch) : NULL;
	if (!*rx) {
		err = -errno;
		logbuf_sender_free(*tx);
		*tx = NULL;
	}
	chan_put(ch);
	return *rx ? 0 : err;
}

static struct logbuf_chan *chan_open(int fd)
{
	struct logbuf_ring *r = logbuf_ring_open(fd);
	struct logbuf_chan *ch;

	if (!r)
		return NULL;
	ch = chan_new(r);
	if (!ch)
		logbuf_ring_free(r);
	return ch;
}

struct logbuf_sender *logbuf_sender_open(int fd)
{
	struct logbuf_chan *ch = chan_open(fd);
	struct logbuf_sender *tx;

	if (!ch)
		return NULL;
	tx = sender_new(ch);
	chan_put(ch);
	return tx;
}

struct logbuf_receiver *logbuf_receiver_open(int fd)
{
	struct logbuf_chan *ch = chan_open(fd);
	struct logbuf_receiver *rx;

	if (!ch)
		return NULL;
	rx = receiver_new(ch);
	chan_put(ch);
	return rx;
}

struct logbuf_sender *logbuf_sender_clone(struct logbuf_sender *tx)
{
	if (!(tx->ch->ring->flags & LOGBUF_RING_MPSC)) {
		errno = EINVAL;
		return NULL;
	}
	return sender_new(tx->ch);
}

void logbuf_sender_free(struct logbuf_sender *tx)
{
	struct logbuf_chan *ch;

	if (!tx)
		return;
	ch = tx->ch;
	logbuf_producer_free(tx->p);
	/*
	 * The last sender of a process-memory channel says so.  A kernel ring
	 * learns it when the last producer end is closed.
	 */
	if (atomic_fetch_sub(&ch->senders, 1) == 1 && ch->ring->fd < 0) {
		state_or(ch, LOGBUF_STATE_NO_PROD);
		__logbuf_futex(state_word(ch), FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	}
	free(tx);
	chan_put(ch);
}

void logbuf_receiver_free(struct logbuf_receiver *rx)
{
	struct logbuf_chan *ch;

	if (!rx)
		return;
	ch = rx->ch;
	logbuf_consumer_free(rx->c);
	if (ch->ring->fd < 0)
		state_or(ch, LOGBUF_STATE_NO_CONS);
	free(rx);
	chan_put(ch);
}

struct logbuf_producer *logbuf_sender_producer(struct logbuf_sender *tx)
{
	return tx->p;
}

struct logbuf_consumer *logbuf_receiver_consumer(struct logbuf_receiver *rx)
{
	return rx->c;
}

void logbuf_notify(struct logbuf_sender *tx)
{
	logbuf_ring_notify(tx->ch->ring);
}

int logbuf_try_send(struct logbuf_sender *tx, const void *data, size_t len)
{
	int err;

	if (__logbuf_unlikely(__logbuf_load(state_word(tx->ch)) &
			(LOGBUF_STATE_NO_CONS | LOGBUF_STATE_BROKEN)))
		return -EPIPE;
	err = logbuf_write(tx->p, data, len);
	if (__logbuf_likely(!err))
		logbuf_notify(tx);
	return err;
}

int logbuf_send(struct logbuf_sender *tx, const void *data, size_t len)
{
	unsigned int i;
	int err;

	for (i = 0;; i++) {
		err = logbuf_try_send(tx, data, len);
		if (err != -EAGAIN)
			return err;
		/* Full: let the receiver run; make sure it is awake. */
		if (i == 0)
			logbuf_notify(tx);
		if (i < SPINS)
			__logbuf_cpu_relax();
		else
			sched_yield();
	}
}

/*
 * Nanoseconds: a deadline kept in whole milliseconds truncates its start,
 * and a wait could end up to a millisecond before the timeout.
 */
static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Sleep until a sender may have committed, the state changed, or
 * @timeout_ms passed.  Return: 0, -ETIMEDOUT, -EINTR, -EBADMSG (kernel
 * marked the ring broken).
 */
static int park(struct logbuf_receiver *rx, int timeout_ms)
{
	struct logbuf_chan *ch = rx->ch;
	const void *data;
	__u32 len;
	uint32_t st;
	long ret;

	if (ch->ring->fd >= 0) {
		struct pollfd pfd = { .fd = ch->ring->fd, .events = POLLIN };

		/* The kernel sets WAITING, issues the barrier and re-checks. */
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
		return pfd.revents & POLLERR ? -EBADMSG : 0;
	}
	state_or(ch, LOGBUF_STATE_WAITING);
	/* The fetch-or above is the full barrier: now re-check the ring. */
	st = __logbuf_load(state_word(ch));
	ret = 0;
	if (__logbuf_peek(&rx->c->rv, &rx->c->cs, &data, &len) == -EAGAIN &&
	    !(st & LOGBUF_STATE_NO_PROD)) {
		struct timespec ts, *tsp = NULL;

		if (timeout_ms >= 0) {
			ts.tv_sec = timeout_ms / 1000;
			ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
			tsp = &ts;
		}
		ret = __logbuf_futex(state_word(ch), FUTEX_WAIT_PRIVATE, st, tsp);
		if (ret < 0)
			ret = errno == ETIMEDOUT ? -ETIMEDOUT :
			      errno == EINTR ? -EINTR : 0;
	}
	atomic_fetch_and((_Atomic uint32_t *)state_word(ch), ~LOGBUF_STATE_WAITING);
	return ret;
}

/*
 * Every producer is gone and the head sits at a claim that will never be
 * committed (its producer was killed): step over it, or give up the rest.
 * Return: > 0 if a dead claim was skipped, else <= 0.
 */
static long skip_dead_claim(struct logbuf_receiver *rx)
{
	struct logbuf_consumer *c = rx->c;
	uint64_t head = c->cs.head;
	long n = __logbuf_skip_dead(&c->rv, &c->cs, __logbuf_load(&c->rv.prod->tail));

	if (n == -ENODATA)
		__logbuf_store(&c->rv.cons->lost,
			 __logbuf_load(&c->rv.cons->lost) + (c->cs.head - head));
	return n;
}

int logbuf_recv(struct logbuf_receiver *rx, const void **data, size_t *len,
		int timeout_ms)
{
	/*
	 * The clock is read on the way to parking only: where it is not in
	 * the vDSO, each read is a system call, once per record otherwise.
	 */
	int64_t deadline = 0;
	unsigned int spins = 0;
	uint32_t st;
	int err;

	logbuf_release(rx->c);
	for (;;) {
		err = logbuf_read(rx->c, data, len);
		if (err != -EAGAIN)
			return err;
		/*
		 * Pairs with the fetch-or of NO_PROD by the last sender (or the
		 * kernel's release of the last producer end): everything it
		 * committed before is visible to the read below.
		 */
		st = __logbuf_load_acquire(state_word(rx->ch));
		if (st & (LOGBUF_STATE_NO_PROD | LOGBUF_STATE_BROKEN)) {
			err = logbuf_read(rx->c, data, len);
			if (err != -EAGAIN)
				return err;
			if (st & LOGBUF_STATE_BROKEN)
				return -EBADMSG;
			if (skip_dead_claim(rx) > 0)
				continue;	/* records may follow it */
			return -EPIPE;
		}
		if (!timeout_ms)
			return -EAGAIN;
		if (spins++ < SPINS) {
			__logbuf_cpu_relax();
			continue;
		}
		if (timeout_ms > 0) {
			int64_t left;

			if (!deadline)
				deadline = now_ns() + timeout_ms * 1000000LL;
			left = deadline - now_ns();

			if (left <= 0)
				return -ETIMEDOUT;
			/* Rounded up: never wake before the deadline. */
			left = (left + 999999) / 1000000;
			err = park(rx, left > INT_MAX ? INT_MAX : (int)left);
		} else {
			err = park(rx, -1);
		}
		if (err && err != -ETIMEDOUT)
			return err;
	}
}

int logbuf_try_recv(struct logbuf_receiver *rx, const void **data,
		    size_t *len)
{
	return logbuf_recv(rx, data, len, 0);
}

void logbuf_recv_done(struct logbuf_receiver *rx)
{
	logbuf_release(rx->c);
}
