// SPDX-License-Identifier: GPL-2.0
/*
 * Parking in the kernel: poll, select, epoll (level and edge), timeouts,
 * doorbell wake-ups without loss, and disconnection as with a pipe.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

enum mech { M_POLL, M_SELECT, M_EPOLL_LT, M_EPOLL_ET };

FIXTURE(park) {
	int pfd, cfd, epfd;
	struct logbuf_ring *pr, *cr;
	struct logbuf_producer *p;
	struct logbuf_consumer *c;
};

FIXTURE_VARIANT(park) {
	enum mech mech;
};

FIXTURE_VARIANT_ADD(park, poll) { .mech = M_POLL };
FIXTURE_VARIANT_ADD(park, select) { .mech = M_SELECT };
FIXTURE_VARIANT_ADD(park, epoll_lt) { .mech = M_EPOLL_LT };
FIXTURE_VARIANT_ADD(park, epoll_et) { .mech = M_EPOLL_ET };

FIXTURE_SETUP(park)
{
	struct epoll_event ev = { .events = EPOLLIN };

	self->pfd = self->cfd = self->epfd = -1;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(4 * PG, 0, &self->pfd, &self->cfd));
	self->pr = logbuf_ring_open(self->pfd);
	self->cr = logbuf_ring_open(self->cfd);
	ASSERT_NE(NULL, self->pr);
	ASSERT_NE(NULL, self->cr);
	self->p = logbuf_producer_new(self->pr);
	self->c = logbuf_consumer_new(self->cr);
	ASSERT_NE(NULL, self->p);
	ASSERT_NE(NULL, self->c);
	if (variant->mech >= M_EPOLL_LT) {
		self->epfd = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, self->epfd);
		if (variant->mech == M_EPOLL_ET)
			ev.events |= EPOLLET;
		ASSERT_EQ(0, epoll_ctl(self->epfd, EPOLL_CTL_ADD, self->cfd,
				       &ev));
	}
}

FIXTURE_TEARDOWN(park)
{
	logbuf_consumer_free(self->c);
	logbuf_producer_free(self->p);
	logbuf_ring_free(self->cr);
	logbuf_ring_free(self->pr);
	if (self->epfd >= 0)
		close(self->epfd);
	if (self->pfd >= 0)
		close(self->pfd);
	if (self->cfd >= 0)
		close(self->cfd);
}

/* Wait for the consumer end; return its events (POLLIN...), 0 on timeout. */
static int wait_end(enum mech m, int cfd, int epfd, int timeout_ms)
{
	struct pollfd pfd = { .fd = cfd, .events = POLLIN };
	struct epoll_event ev;
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};
	fd_set rd;
	int n;

	switch (m) {
	case M_POLL:
		n = poll(&pfd, 1, timeout_ms);
		return n > 0 ? pfd.revents : n;
	case M_SELECT:
		FD_ZERO(&rd);
		FD_SET(cfd, &rd);
		n = select(cfd + 1, &rd, NULL, NULL, &tv);
		return n > 0 ? (FD_ISSET(cfd, &rd) ? POLLIN : 0) : n;
	default:
		n = epoll_wait(epfd, &ev, 1, timeout_ms);
		return n > 0 ? (int)ev.events : n;
	}
}

/* Commit one record and ring the doorbell if the consumer parked. */
static void produce_one(struct logbuf_ring *r, struct logbuf_producer *p,
			uint32_t v)
{
	logbuf_write(p, &v, sizeof(v));
	logbuf_ring_notify(r);
}

TEST_F(park, timeout_when_empty)
{
	EXPECT_EQ(0, wait_end(variant->mech, self->cfd, self->epfd, 50));
}

TEST_F(park, readable_after_commit)
{
	produce_one(self->pr, self->p, 7);
	EXPECT_TRUE(wait_end(variant->mech, self->cfd, self->epfd, 1000) &
		    POLLIN);
}

struct waiter {
	enum mech mech;
	int cfd, epfd, events;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;

	w->events = wait_end(w->mech, w->cfd, w->epfd, 10000);
	return NULL;
}

TEST_F(park, doorbell_wakes_sleeper)
{
	struct waiter w = { variant->mech, self->cfd, self->epfd, -1 };
	struct logbuf_stats st;
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, waiter_fn, &w));
	/* Let it park: it has set WAITING once it sleeps. */
	for (int i = 0; i < 1000; i++) {
		ASSERT_EQ(0, kr_stats(self->cfd, &st));
		if (st.sleeps && (st.state & LOGBUF_STATE_WAITING))
			break;
		usleep(1000);
	}
	EXPECT_TRUE(st.state & LOGBUF_STATE_WAITING);
	produce_one(self->pr, self->p, 1);
	pthread_join(th, NULL);
	EXPECT_TRUE(w.events & POLLIN) TH_LOG("events %#x", w.events);
	ASSERT_EQ(0, kr_stats(self->cfd, &st));
	EXPECT_LE(1, st.doorbells);
	EXPECT_LE(1, st.wakeups);
}

TEST_F(park, no_doorbell_while_consumer_awake)
{
	struct logbuf_stats st;
	const void *d;
	size_t len;
	int i;

	/* Never parked: producers see no WAITING and make no system call. */
	for (i = 0; i < 1000; i++) {
		produce_one(self->pr, self->p, i);
		ASSERT_EQ(0, logbuf_read(self->c, &d, &len));
		logbuf_release(self->c);
	}
	ASSERT_EQ(0, kr_stats(self->cfd, &st));
	/*
	 * Registering with epoll polls the end once, which raises WAITING:
	 * that costs exactly one doorbell, then none.
	 */
	EXPECT_EQ(variant->mech >= M_EPOLL_LT ? 1 : 0, st.doorbells);
}

struct pinger {
	struct logbuf_ring *r;
	struct logbuf_producer *p;
	int ack, n;
};

/* Ping-pong: one record, then wait for the consumer's ack. */
static void *pinger_fn(void *arg)
{
	struct pinger *pg = arg;
	char c;
	int i;

	for (i = 0; i < pg->n; i++) {
		produce_one(pg->r, pg->p, i);
		if (read(pg->ack, &c, 1) != 1)
			break;
	}
	return NULL;
}

/*
 * Every record arrives while the consumer parks (or is about to).  A lost
 * wake-up leaves the consumer asleep with a record waiting: the 5 s timeout
 * then fails the test, since the producer sends nothing more until acked.
 */
TEST_F(park, no_lost_wakeup_ping_pong)
{
	struct pinger pg = { self->pr, self->p, -1, 3000 };
	int ack[2], i, got = 0, timeouts = 0;
	pthread_t th;

	ASSERT_EQ(0, pipe(ack));
	pg.ack = ack[0];
	ASSERT_EQ(0, pthread_create(&th, NULL, pinger_fn, &pg));
	for (i = 0; i < pg.n && !timeouts; ) {
		const void *d;
		size_t len;
		int ev;

		while (!logbuf_read(self->c, &d, &len)) {
			ASSERT_EQ(i, *(const uint32_t *)d);
			logbuf_release(self->c);
			i++;
			got++;
			ASSERT_EQ(1, write(ack[1], "a", 1));
		}
		if (i == pg.n)
			break;
		ev = wait_end(variant->mech, self->cfd, self->epfd, 5000);
		if (ev == 0)
			timeouts++;
	}
	EXPECT_EQ(0, timeouts) TH_LOG("lost wake-up after record %d", i);
	EXPECT_EQ(pg.n, got);
	close(ack[1]);
	pthread_join(th, NULL);
	close(ack[0]);
}

TEST_F(park, hangup_after_last_producer_closes)
{
	produce_one(self->pr, self->p, 5);
	logbuf_producer_free(self->p);
	logbuf_ring_free(self->pr);
	self->p = NULL;
	self->pr = NULL;
	close(self->pfd);
	self->pfd = -1;
	EXPECT_TRUE(wait_end(variant->mech, self->cfd, self->epfd, 1000) &
		    (POLLIN | POLLHUP));
	if (variant->mech == M_POLL) {
		struct pollfd p = { .fd = self->cfd, .events = POLLIN };

		ASSERT_EQ(1, poll(&p, 1, 0));
		EXPECT_EQ(POLLIN | POLLHUP, p.revents);
	}
}

/* A producer killed with SIGKILL: its end closes with its death. */
TEST(sigkill_producer_hangs_up)
{
	struct logbuf_receiver *rx;
	int pfd = -1, cfd = -1, ready[2], n = 0, err;
	const void *d;
	size_t len;
	pid_t pid;
	char c;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(4 * PG, 0, &pfd, &cfd));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_sender *tx = logbuf_sender_open(pfd);

		close(pfd);
		close(cfd);
		for (int i = 0; tx && i < 10; i++)
			logbuf_send(tx, "rec", 3);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd);
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	rx = logbuf_receiver_open(cfd);
	ASSERT_NE(NULL, rx);
	/* Everything committed before the death is still delivered. */
	while (!(err = logbuf_recv(rx, &d, &len, 5000)))
		n++;
	EXPECT_EQ(10, n);
	EXPECT_EQ(-EPIPE, err);
	logbuf_receiver_free(rx);
	close(cfd);
	close(ready[0]);
}

TEST(producers_see_closed_consumer)
{
	struct logbuf_ring_stats rs;
	struct pollfd p;
	struct logbuf_sender *tx;
	struct logbuf_ring *r;
	int pfd = -1, cfd = -1;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_RING_MPSC, &pfd, &cfd));
	tx = logbuf_sender_open(pfd);
	r = logbuf_ring_open(pfd);
	ASSERT_NE(NULL, tx);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, logbuf_try_send(tx, "x", 1));
	close(cfd);
	/* The flag in shared memory, */
	logbuf_ring_stats(r, &rs);
	EXPECT_TRUE(rs.state & LOGBUF_STATE_NO_CONS);
	/* the library, */
	EXPECT_EQ(-EPIPE, logbuf_try_send(tx, "x", 1));
	EXPECT_EQ(-EPIPE, logbuf_send(tx, "x", 1));
	/* the doorbell, */
	EXPECT_EQ(-1, ioctl(pfd, LOGBUF_IOC_DOORBELL));
	EXPECT_EQ(EPIPE, errno);
	/* and poll all say so. */
	p = (struct pollfd){ .fd = pfd, .events = POLLOUT };
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLERR);
	logbuf_sender_free(tx);
	logbuf_ring_free(r);
	close(pfd);
}

TEST_HARNESS_MAIN
