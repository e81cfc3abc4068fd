// SPDX-License-Identifier: GPL-2.0
/*
 * Wake-up rules of a parked consumer: a kernel-producer ring's policy
 * (a bound in time and a fill level, LOGBUF_CREATE_WAKEUP), WAITING
 * raised only on the way to sleeping, edge-triggered epoll never left
 * asleep, and a consumer that leaves with a wake-up pending.  The checks
 * on time are lower bounds (a timer never fires early) or the absence of
 * a time-out many times longer than the event waited for: none can fail
 * because the guest is slow.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <time.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "tprod.h"

/* A ring with a wake-up policy; only its consumer end is kept. */
static int create_wakeup(uint64_t cap, uint32_t flags, uint32_t us,
			 uint32_t bytes, int *cfd)
{
	struct logbuf_create c = {
		.size = sizeof(c), .flags = flags, .capacity = cap,
		.wakeup_us = us, .wakeup_bytes = bytes,
	};
	int err = kr_create_c(&c);

	if (!err) {
		*cfd = c.cons_fd;
		if (c.prod_fd >= 0)
			close(c.prod_fd);
	}
	return err;
}

static int info(int fd, struct logbuf_info *in)
{
	memset(in, 0, sizeof(*in));
	in->size = sizeof(*in);
	return ioctl(fd, LOGBUF_IOC_INFO, in) ? -errno : 0;
}

static uint32_t module_wakeup_us(void)
{
	FILE *f = fopen("/sys/module/logbuf/parameters/wakeup_us", "r");
	unsigned int v = ~0u;

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = ~0u;
		fclose(f);
	}
	return v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#define KP	LOGBUF_CREATE_KERNEL_PROD
#define WK	LOGBUF_CREATE_WAKEUP

/* Any user may set a policy on its own kernel-producer ring; bad ones fail. */
TEST(policy_checked_at_create)
{
	uint64_t cap = 16 * PG;
	struct logbuf_info in;
	int cfd = -1, pfd = -1;

	ASSERT_EQ(-EINVAL, create_wakeup(cap, WK, 100, 0, &cfd));
	ASSERT_EQ(-EINVAL, create_wakeup(cap, KP, 100, 0, &cfd));
	ASSERT_EQ(-EINVAL, create_wakeup(cap, KP, 0, 4096, &cfd));
	ASSERT_EQ(-EINVAL, create_wakeup(cap, KP | WK,
					 LOGBUF_WAKEUP_MAX_US + 1, 0, &cfd));
	ASSERT_EQ(-EINVAL, create_wakeup(cap, KP | WK, 100, cap + 8, &cfd));
	ASSERT_EQ(-EINVAL, create_wakeup(cap, LOGBUF_CREATE_KERNEL_CONS | WK,
					 100, 0, &cfd));

	ASSERT_EQ(0, create_wakeup(cap, KP | WK, 250, cap / 2, &cfd));
	ASSERT_EQ(0, info(cfd, &in));
	EXPECT_EQ(250, in.wakeup_us);
	EXPECT_EQ(cap / 2, in.wakeup_bytes);
	close(cfd);

	/* 0 us: every record wakes; 0 bytes: a quarter of the ring. */
	ASSERT_EQ(0, create_wakeup(cap, KP | WK, 0, 0, &cfd));
	ASSERT_EQ(0, info(cfd, &in));
	EXPECT_EQ(0, in.wakeup_us);
	EXPECT_EQ(cap / 4, in.wakeup_bytes);
	close(cfd);

	/* Without the flag: the module's default. */
	ASSERT_EQ(0, create_wakeup(cap, KP, 0, 0, &cfd));
	ASSERT_EQ(0, info(cfd, &in));
	EXPECT_EQ(module_wakeup_us(), in.wakeup_us);
	EXPECT_EQ(cap / 4, in.wakeup_bytes);
	close(cfd);

	/* A ring user space produces into wakes no one through a policy. */
	ASSERT_EQ(0, kr_create(cap, 0, &pfd, &cfd));
	ASSERT_EQ(0, info(cfd, &in));
	EXPECT_EQ(0, in.wakeup_bytes);
	close(pfd);
	close(cfd);
}

/*
 * WAITING only on the way to sleeping: a level-triggered caller told
 * POLLIN is awake and about to drain, so the next commit must not ring
 * the doorbell for it.  An edge-triggered waiter gets WAITING with its
 * POLLIN, as it sleeps next without asking again.
 */
TEST(waiting_raised_only_on_the_way_to_sleep)
{
	struct epoll_event ee = { .events = EPOLLIN };
	struct logbuf_producer *p;
	struct logbuf_ring *r;
	struct pollfd pf;
	struct logbuf_stats st;
	int pfd = -1, cfd = -1, ep, v = 1;

	ASSERT_EQ(0, kr_create(4 * PG, 0, &pfd, &cfd));
	r = logbuf_ring_open(pfd);
	ASSERT_NE(NULL, r);
	p = logbuf_producer_new(r);
	ASSERT_NE(NULL, p);

	/* Empty: the caller would sleep, so WAITING goes up. */
	pf = (struct pollfd){ .fd = cfd, .events = POLLIN };
	ASSERT_EQ(0, poll(&pf, 1, 0));
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_TRUE(st.state & LOGBUF_STATE_WAITING);
	ASSERT_EQ(0, logbuf_write(p, &v, sizeof(v)));
	logbuf_ring_notify(r);	/* the doorbell clears it */
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_FALSE(st.state & LOGBUF_STATE_WAITING);
	EXPECT_EQ(1, st.wakeups);

	/* A record waits: poll() reports it and leaves WAITING down, */
	ASSERT_EQ(1, poll(&pf, 1, 0));
	EXPECT_TRUE(pf.revents & POLLIN);
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_FALSE(st.state & LOGBUF_STATE_WAITING);
	/* so the next commit makes no system call. */
	ASSERT_EQ(0, logbuf_write(p, &v, sizeof(v)));
	logbuf_ring_notify(r);
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_EQ(1, st.doorbells);

	/* Level-triggered epoll: the same. */
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ee));
	ASSERT_EQ(1, epoll_wait(ep, &ee, 1, 0));
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_FALSE(st.state & LOGBUF_STATE_WAITING);
	close(ep);

	/* Edge-triggered: WAITING comes with the POLLIN. */
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ee.events = EPOLLIN | EPOLLET;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ee));
	ASSERT_EQ(1, epoll_wait(ep, &ee, 1, 0));
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_TRUE(st.state & LOGBUF_STATE_WAITING);
	close(ep);

	logbuf_producer_free(p);
	logbuf_ring_free(r);
	close(pfd);
	close(cfd);
}

/* ---- kernel producers (logbuf_testprod, root) ---------------------- */

struct parked {
	int cfd;
	int timeout_ms;
	int revents;
	uint64_t woke_ns;
};

static void *park_fn(void *arg)
{
	struct parked *pk = arg;
	struct pollfd pf = { .fd = pk->cfd, .events = POLLIN };
	int n = poll(&pf, 1, pk->timeout_ms);

	pk->woke_ns = now_ns();
	pk->revents = n > 0 ? pf.revents : n;
	return NULL;
}

/* Wait (10 s at most) until the consumer end's poll has put it to sleep. */
static int wait_asleep(int cfd, uint64_t sleeps)
{
	struct logbuf_stats st;
	int i;

	for (i = 0; i < 10000; i++) {
		if (kr_stats(cfd, &st))
			return -1;
		if (st.sleeps > sleeps && (st.state & LOGBUF_STATE_WAITING))
			return 0;
		usleep(1000);
	}
	return -1;
}

static int produce_n(int cfd, uint32_t len, uint64_t n)
{
	struct logbuf_test_produce a = {
		.threads = 1, .min_len = len, .max_len = len, .records = n,
	};
	int err = produce(cfd, &a);

	return err ? err : a.produced == n ? 0 : -ENOSPC;
}

#define NEED_TESTPROD()							\
	do {								\
		if (!have_testprod())					\
			SKIP(return, "no " LOGBUF_TEST_DEV " (root only)"); \
	} while (0)

/*
 * 50 records into a ring whose consumer sleeps, bound 200 ms, no fill
 * level in reach: one wake-up for all of them, no sooner than the bound.
 */
TEST(records_wait_for_the_bound_and_wake_once)
{
	const uint32_t us = 200000;
	struct parked pk = { .timeout_ms = 10000 };
	struct logbuf_stats st;
	uint64_t t0, n = 0;
	const void *d;
	size_t len;
	struct logbuf_consumer *c;
	struct logbuf_ring *r;
	pthread_t th;

	NEED_TESTPROD();
	ASSERT_EQ(0, create_wakeup(64 * PG, KP | WK, us, 64 * PG, &pk.cfd));
	ASSERT_EQ(0, pthread_create(&th, NULL, park_fn, &pk));
	ASSERT_EQ(0, wait_asleep(pk.cfd, 0));
	t0 = now_ns();
	ASSERT_EQ(0, produce_n(pk.cfd, 64, 50));
	pthread_join(th, NULL);
	EXPECT_TRUE(pk.revents > 0 && (pk.revents & POLLIN))
		TH_LOG("poll: %d", pk.revents);
	/* The first record came after t0; the timer counts from it. */
	EXPECT_LE(t0 + us * 1000ull, pk.woke_ns)
		TH_LOG("woken %.1f ms after the first record, bound %u us",
		       (pk.woke_ns - t0) / 1e6, us);
	ASSERT_EQ(0, kr_stats(pk.cfd, &st));
	EXPECT_EQ(1, st.wakeups);
	r = logbuf_ring_open(pk.cfd);
	ASSERT_NE(NULL, r);
	c = logbuf_consumer_new(r);
	ASSERT_NE(NULL, c);
	while (!logbuf_read(c, &d, &len)) {
		n++;
		logbuf_release(c);
	}
	EXPECT_EQ(50, n);
	logbuf_consumer_free(c);
	logbuf_ring_free(r);
	close(pk.cfd);
}

/*
 * A record committed while nobody waited is not reported to a poller at
 * once: the poller sleeps until the bound has passed (from its poll), then
 * gets it; so a consumer that polls after every few records still gets
 * them in batches.  With the bound at 0 the same poll reports it at once.
 */
TEST(poll_holds_records_until_they_are_due)
{
	const uint32_t us = 200000;
	struct parked pk = { .timeout_ms = 10000 };
	struct logbuf_stats st;
	uint64_t t0;
	pthread_t th;

	NEED_TESTPROD();
	ASSERT_EQ(0, create_wakeup(16 * PG, KP | WK, us, 0, &pk.cfd));
	ASSERT_EQ(0, produce_n(pk.cfd, 32, 1));
	ASSERT_EQ(0, kr_stats(pk.cfd, &st));
	ASSERT_EQ(0, st.wakeups);
	t0 = now_ns();
	ASSERT_EQ(0, pthread_create(&th, NULL, park_fn, &pk));
	pthread_join(th, NULL);
	EXPECT_TRUE(pk.revents > 0 && (pk.revents & POLLIN))
		TH_LOG("poll: %d", pk.revents);
	EXPECT_LE(t0 + us * 1000ull, pk.woke_ns)
		TH_LOG("reported after %.1f ms, bound %u us",
		       (pk.woke_ns - t0) / 1e6, us);
	/* Due now: asking again reports it at once. */
	pk.timeout_ms = 0;
	park_fn(&pk);
	EXPECT_TRUE(pk.revents > 0 && (pk.revents & POLLIN));
	close(pk.cfd);

	ASSERT_EQ(0, create_wakeup(16 * PG, KP | WK, 0, 0, &pk.cfd));
	ASSERT_EQ(0, produce_n(pk.cfd, 32, 1));
	pk.timeout_ms = 0;
	park_fn(&pk);
	EXPECT_TRUE(pk.revents > 0 && (pk.revents & POLLIN));
	close(pk.cfd);
}

/*
 * Bound 10 s, fill level a quarter of the ring.  One record leaves the
 * sleeper asleep: its 300 ms poll runs out (then finds the record) and
 * nobody woke it.  A quarter of the ring wakes the next sleeper, which
 * waits without a time-out, long before the bound: nothing else could
 * wake it before then.
 */
TEST(fill_level_wakes_before_the_bound)
{
	uint64_t cap = 16 * PG, t0;
	struct parked pk = { .timeout_ms = 300 };
	struct logbuf_consumer *c;
	struct logbuf_stats st;
	struct logbuf_ring *r;
	const void *d;
	size_t len;
	pthread_t th;

	NEED_TESTPROD();
	ASSERT_EQ(0, create_wakeup(cap, KP | WK, LOGBUF_WAKEUP_MAX_US, 0,
				   &pk.cfd));
	r = logbuf_ring_open(pk.cfd);
	ASSERT_NE(NULL, r);
	c = logbuf_consumer_new(r);
	ASSERT_NE(NULL, c);
	t0 = now_ns();
	ASSERT_EQ(0, pthread_create(&th, NULL, park_fn, &pk));
	ASSERT_EQ(0, wait_asleep(pk.cfd, 0));
	ASSERT_EQ(0, produce_n(pk.cfd, 64, 1));
	pthread_join(th, NULL);
	ASSERT_EQ(0, kr_stats(pk.cfd, &st));
	EXPECT_EQ(0, st.wakeups) TH_LOG("one record woke the consumer");
	EXPECT_LE(t0 + 300 * 1000000ull, pk.woke_ns);
	ASSERT_EQ(0, logbuf_read(c, &d, &len));
	logbuf_release(c);
	/* Found empty: the consumer publishes its head. */
	ASSERT_EQ(-EAGAIN, logbuf_read(c, &d, &len));

	pk.timeout_ms = -1;
	ASSERT_EQ(0, pthread_create(&th, NULL, park_fn, &pk));
	ASSERT_EQ(0, wait_asleep(pk.cfd, st.sleeps));
	t0 = now_ns();
	/* 72 bytes a record (8 of header): a quarter of the ring and more. */
	ASSERT_EQ(0, produce_n(pk.cfd, 64, cap / 4 / 72 + 1));
	pthread_join(th, NULL);
	EXPECT_TRUE(pk.revents > 0 && (pk.revents & POLLIN))
		TH_LOG("poll: %d", pk.revents);
	EXPECT_GT(t0 + LOGBUF_WAKEUP_MAX_US * 1000ull, pk.woke_ns)
		TH_LOG("woken by the 10 s bound, not by the fill level");
	ASSERT_EQ(0, kr_stats(pk.cfd, &st));
	EXPECT_EQ(1, st.wakeups);
	logbuf_consumer_free(c);
	logbuf_ring_free(r);
	close(pk.cfd);
}

/*
 * logbuf_recv() with a time-out shorter than the bound: poll() holds the
 * record back and runs out, then the library reads the ring again and
 * returns it, no sooner than its time-out and not as -ETIMEDOUT.
 */
struct recv_arg {
	struct logbuf_receiver *rx;
	int err;
	size_t len;
};

static void *recv_fn(void *arg)
{
	struct recv_arg *ra = arg;
	const void *d;

	ra->err = logbuf_recv(ra->rx, &d, &ra->len, 300);
	return NULL;
}

TEST(recv_timeout_still_returns_held_records)
{
	struct recv_arg ra = { 0 };
	uint64_t t0, t1;
	pthread_t th;
	int cfd = -1;

	NEED_TESTPROD();
	ASSERT_EQ(0, create_wakeup(16 * PG, KP | WK, LOGBUF_WAKEUP_MAX_US, 0,
				   &cfd));
	ra.rx = logbuf_receiver_open(cfd);
	ASSERT_NE(NULL, ra.rx);
	t0 = now_ns();
	ASSERT_EQ(0, pthread_create(&th, NULL, recv_fn, &ra));
	ASSERT_EQ(0, wait_asleep(cfd, 0));
	ASSERT_EQ(0, produce_n(cfd, 40, 1));
	pthread_join(th, NULL);
	t1 = now_ns();
	EXPECT_EQ(0, ra.err);
	EXPECT_EQ(40, ra.len);
	EXPECT_LE(t0 + 300 * 1000000ull, t1);
	logbuf_receiver_free(ra.rx);
	close(cfd);
}

/*
 * Edge-triggered epoll with batched wake-ups: epoll does not call the
 * ring's poll again before it sleeps, so a wake-up lost there leaves the
 * consumer asleep for good; the 5 s time-out (the bound is 1 ms) catches
 * it.  Each round, the record arrives while the consumer sleeps or is
 * about to.
 */
TEST(edge_triggered_epoll_never_left_asleep)
{
	struct epoll_event ee = { .events = EPOLLIN | EPOLLET };
	struct logbuf_consumer *c;
	struct logbuf_ring *r;
	int cfd = -1, ep, i, n, got = 0;
	const void *d;
	size_t len;

	NEED_TESTPROD();
	ASSERT_EQ(0, create_wakeup(16 * PG, KP | WK, 1000, 0, &cfd));
	r = logbuf_ring_open(cfd);
	ASSERT_NE(NULL, r);
	c = logbuf_consumer_new(r);
	ASSERT_NE(NULL, c);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	/* A record is there before the consumer first waits. */
	ASSERT_EQ(0, produce_n(cfd, 32, 1));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ee));
	for (i = 0; i < 100; i++) {
		n = epoll_wait(ep, &ee, 1, 5000);
		ASSERT_EQ(1, n) TH_LOG("round %d: asleep with a record "
				       "waiting", i);
		while (!logbuf_read(c, &d, &len)) {
			got++;
			logbuf_release(c);
		}
		/* The next record, after the ring was seen empty. */
		ASSERT_EQ(0, produce_n(cfd, 32, 1));
	}
	EXPECT_EQ(100, got);
	logbuf_consumer_free(c);
	logbuf_ring_free(r);
	close(ep);
	close(cfd);
}

/*
 * The consumer leaves while a timed wake-up is pending: the ring is freed
 * with its timer armed, which must be cancelled, not fire into freed
 * memory (the guest's log check and KASAN in make check-debug see it).
 */
TEST(consumer_leaves_with_a_wakeup_pending)
{
	struct pollfd pf;
	uint64_t id;
	int cfd = -1, i;

	NEED_TESTPROD();
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, create_wakeup(16 * PG, KP | WK, 50000, 0, &cfd));
		pf = (struct pollfd){ .fd = cfd, .events = POLLIN };
		ASSERT_EQ(0, poll(&pf, 1, 0));	/* empty: WAITING */
		id = ring_id(cfd);
		ASSERT_EQ(0, produce_n(cfd, 32, 1));	/* arms the timer */
		close(cfd);
		/* Gone: the test module finds no ring by that id. */
		{
			struct logbuf_test_produce a = {
				.size = sizeof(a), .threads = 1, .min_len = 16,
				.max_len = 16, .records = 1, .ring_id = id,
			};
			int dev = open(LOGBUF_TEST_DEV, O_RDWR | O_CLOEXEC);

			ASSERT_LE(0, dev);
			EXPECT_EQ(-1, ioctl(dev, LOGBUF_TEST_IOC_PRODUCE, &a));
			close(dev);
		}
	}
	usleep(100000);	/* past every bound */
}

TEST_HARNESS_MAIN
