// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel as producer: kernel threads on several CPUs, and hrtimer
 * callbacks in hardirq context, write self-checking records that a user
 * consumer verifies; drops are counted exactly; the parked consumer is
 * woken from any context.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "tprod.h"
#include "latprobe.h"
#include "../common/testrec.h"

struct drain {
	int cfd;
	struct tr_book book;
	uint64_t gaps;		/* dropped records show as sequence gaps */
	volatile int stop;
	int err;
};

/* Per-producer order with gaps allowed: strictly increasing sequences. */
static void account(struct drain *d, const void *p, size_t len)
{
	struct testrec r;

	d->book.records++;
	if (tr_check(p, len)) {
		d->book.bad++;
		return;
	}
	memcpy(&r, p, sizeof(r));
	if (r.id >= d->book.nprod || r.seq < d->book.next[r.id]) {
		d->book.disorder++;
		return;
	}
	d->gaps += r.seq - d->book.next[r.id];
	d->book.next[r.id] = r.seq + 1;
}

static void *drain_fn(void *arg)
{
	struct drain *d = arg;
	struct logbuf_receiver *rx = logbuf_receiver_open(d->cfd);

	if (!rx) {
		d->err = -errno;
		return NULL;
	}
	for (;;) {
		const void *p;
		size_t len;
		int err = logbuf_recv(rx, &p, &len, 50);

		if (!err) {
			account(d, p, len);
			continue;
		}
		if (err != -ETIMEDOUT) {
			d->err = err;
			break;
		}
		if (d->stop)
			break;
	}
	logbuf_receiver_free(rx);
	return NULL;
}

FIXTURE(kp) {
	int cfd;
};

FIXTURE_VARIANT(kp) {
	uint32_t flags;
	uint32_t threads;
	uint64_t records;
	uint64_t cpus;
	uint32_t discard_every;
};

FIXTURE_VARIANT_ADD(kp, threads_two_cpus) {
	.flags = 0, .threads = 4, .records = 10000, .cpus = 3,
};
FIXTURE_VARIANT_ADD(kp, hardirq_two_cpus) {
	.flags = LOGBUF_TEST_HARDIRQ, .threads = 2, .records = 2000, .cpus = 3,
};
/* logbuf_discard(): every 5th attempt becomes a skip record. */
FIXTURE_VARIANT_ADD(kp, discard_every_fifth) {
	.flags = 0, .threads = 2, .records = 5000, .cpus = 3,
	.discard_every = 5,
};
FIXTURE_VARIANT_ADD(kp, hardirq_discard) {
	.flags = LOGBUF_TEST_HARDIRQ, .threads = 2, .records = 1000,
	.cpus = 3, .discard_every = 3,
};
/* logbuf_output(), and the wake-up flags of logbuf_submit(). */
FIXTURE_VARIANT_ADD(kp, output_force_wakeup) {
	.flags = LOGBUF_TEST_OUTPUT | LOGBUF_TEST_FORCE_WAKEUP, .threads = 2,
	.records = 3000, .cpus = 3,
};
FIXTURE_VARIANT_ADD(kp, output_no_wakeup) {
	.flags = LOGBUF_TEST_OUTPUT | LOGBUF_TEST_NO_WAKEUP, .threads = 2,
	.records = 3000, .cpus = 3,
};

FIXTURE_SETUP(kp)
{
	int pfd = 0;

	self->cfd = -1;
	if (!kr_have_dev() || !have_testprod())
		SKIP(return, "no " DEV " or " LOGBUF_TEST_DEV);
	ASSERT_EQ(0, kr_create(16 * PG, LOGBUF_CREATE_KERNEL_PROD, &pfd,
			       &self->cfd));
	ASSERT_EQ(-1, pfd);
}

FIXTURE_TEARDOWN(kp)
{
	if (self->cfd >= 0)
		close(self->cfd);
}

TEST_F(kp, every_record_verified)
{
	struct drain d = { .cfd = self->cfd, .book.nprod = variant->threads };
	struct logbuf_test_produce a = {
		.flags = variant->flags, .threads = variant->threads,
		.min_len = 16, .max_len = 300, .cpus = variant->cpus,
		.records = variant->records,
		.discard_every = variant->discard_every,
	};
	struct logbuf_stats st;
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, drain_fn, &d));
	ASSERT_EQ(0, produce(self->cfd, &a));
	d.stop = 1;
	pthread_join(th, NULL);
	ASSERT_EQ(0, d.err);
	TH_LOG("%llu produced, %llu dropped, %llu discarded",
	       (unsigned long long)a.produced, (unsigned long long)a.dropped,
	       (unsigned long long)a.discarded);
	EXPECT_EQ(variant->records * variant->threads,
		  a.produced + a.dropped + a.discarded);
	EXPECT_EQ(a.produced, d.book.records);
	EXPECT_EQ(0, d.book.bad);
	EXPECT_EQ(0, d.book.disorder);
	/* A gap in a producer's sequence must be a counted drop or discard. */
	ASSERT_EQ(0, kr_stats(self->cfd, &st));
	EXPECT_EQ(a.dropped, st.dropped);
	EXPECT_GE(a.dropped + a.discarded, d.gaps);
	EXPECT_LT(0, a.produced);
	if (variant->discard_every) {
		EXPECT_LT(0, a.discarded);
		/* Each discard is a skip record the consumer passed over. */
		EXPECT_LE(a.discarded, st.skips);
	}
}

/* The consumer does not read: exactly what fits is kept, the rest counted. */
TEST(drops_counted_exactly)
{
	struct logbuf_test_produce a = {
		.threads = 1, .min_len = 56, .max_len = 56, .records = 1000,
	};
	struct drain d = { .book.nprod = 1, .stop = 1 };
	struct logbuf_prod *prod;
	struct logbuf_stats st;
	int pfd = 0, cfd = -1;

	if (!kr_have_dev() || !have_testprod())
		SKIP(return, "no " DEV " or " LOGBUF_TEST_DEV);
	ASSERT_EQ(0, kr_create(PG, LOGBUF_CREATE_KERNEL_PROD, &pfd, &cfd));
	ASSERT_EQ(0, produce(cfd, &a));
	/* 56 bytes + 8 header: 64 records fill the page exactly. */
	EXPECT_EQ(PG / 64, a.produced);
	EXPECT_EQ(1000 - PG / 64, a.dropped);
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_EQ(a.dropped, st.dropped);
	/* The consumer sees the count in its own mapping too. */
	prod = mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd,
		    LOGBUF_PGOFF_PROD * PG);
	ASSERT_NE(MAP_FAILED, prod);
	EXPECT_EQ(a.dropped, prod->dropped);
	munmap(prod, PG);
	d.cfd = cfd;
	drain_fn(&d);
	EXPECT_EQ(0, d.err);
	EXPECT_EQ(a.produced, d.book.records);
	EXPECT_EQ(0, d.book.bad);
	close(cfd);
}

TEST(test_produce_errors)
{
	struct logbuf_test_produce a = {
		.threads = 1, .min_len = 16, .max_len = 32, .records = 1,
	};
	int pfd = -1, cfd = -1, kcfd = -1, kpfd = 0;

	if (!kr_have_dev() || !have_testprod())
		SKIP(return, "no " DEV " or " LOGBUF_TEST_DEV);
	ASSERT_EQ(0, kr_create(PG, 0, &pfd, &cfd));
	EXPECT_EQ(-ENOENT, produce(cfd, &a));	/* user producers */
	ASSERT_EQ(0, kr_create(PG, LOGBUF_CREATE_KERNEL_PROD, &kpfd, &kcfd));
	a.flags = 1U << 9;
	EXPECT_EQ(-EOPNOTSUPP, produce(kcfd, &a));
	a.flags = 0;
	a.threads = 0;
	EXPECT_EQ(-EINVAL, produce(kcfd, &a));
	a.threads = LOGBUF_TEST_MAX_THREADS + 1;
	EXPECT_EQ(-EINVAL, produce(kcfd, &a));
	a.threads = 1;
	a.min_len = 8;
	EXPECT_EQ(-EINVAL, produce(kcfd, &a));
	a.min_len = 16;
	a.max_len = LOGBUF_TEST_MAX_LEN + 1;
	EXPECT_EQ(-EINVAL, produce(kcfd, &a));
	a.flags = LOGBUF_TEST_HARDIRQ;
	a.max_len = LOGBUF_TEST_IRQ_MAX_LEN + 1;
	EXPECT_EQ(-EINVAL, produce(kcfd, &a));
	a.flags = 0;
	a.max_len = 32;
	a.records = LOGBUF_TEST_MAX_RECORDS + 1;
	EXPECT_EQ(-EINVAL, produce(kcfd, &a));
	a.records = 1;
	EXPECT_EQ(0, produce(kcfd, &a));
	EXPECT_EQ(1, a.produced);
	/* A length the ring cannot take is a counted drop. */
	a.produced = 0;
	a.min_len = a.max_len = PG;
	EXPECT_EQ(0, produce(kcfd, &a));
	EXPECT_EQ(0, a.produced);
	EXPECT_EQ(1, a.dropped);
	close(pfd);
	close(cfd);
	close(kcfd);
}

/*
 * A consumer that lies about its head, as uid 65534, while kernel threads
 * and hrtimer interrupts produce: the kernel writes only inside the data
 * area, every reservation returns, the ring ends broken or intact, and no
 * CPU is kept from its tasks.
 */
TEST(lying_consumer_against_kernel_producers)
{
	struct logbuf_test_produce a = {
		.threads = 2, .min_len = 16, .max_len = 200, .records = 20000,
		.cpus = 3, .discard_every = 7,
	};
	uint64_t cap = 4 * PG;
	struct logbuf_stats st;
	struct latprobe lp;
	int pfd = 0, cfd = -1, status, mode, w;
	double late, bound;
	uint64_t t0;
	pid_t pid;

	if (!kr_have_dev() || !have_testprod())
		SKIP(return, "no " DEV " or " LOGBUF_TEST_DEV);
	for (mode = 0; mode < 2; mode++) {
		/* A window late beyond its bound is run once more. */
		for (w = 0; w < LP_WINDOWS; w++) {
			ASSERT_EQ(0, kr_create(cap, LOGBUF_CREATE_KERNEL_PROD, &pfd,
					       &cfd));
			pid = fork();
			ASSERT_LE(0, pid);
			if (!pid) {
				uint64_t seed = 11, *cons, *data, i;
				volatile uint64_t *tail;

				if (setresgid(65534, 65534, 65534) ||
				    setresuid(65534, 65534, 65534))
					_exit(2);
				cons = mmap(NULL, PG, PROT_READ | PROT_WRITE,
					    MAP_SHARED, cfd, LOGBUF_PGOFF_CONS * PG);
				data = mmap(NULL, cap, PROT_READ | PROT_WRITE,
					    MAP_SHARED, cfd, LOGBUF_PGOFF_DATA * PG);
				tail = mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd,
					    LOGBUF_PGOFF_PROD * PG);
				if (cons == MAP_FAILED || data == MAP_FAILED ||
				    tail == MAP_FAILED)
					_exit(1);
				usleep(20000);	/* the producers get going first */
				for (i = 0;; i++) {
					uint64_t v = tr_rand(&seed);

					/* Mostly plausible lies; an impossible one rarely. */
					if (!(v % (1 << 20)))
						cons[0] = (v >> 12) & ~7ull;
					else if (v & 1)
						cons[0] = (*tail - (v >> 8) % cap) & ~7ull;
					else if (v & 2)
						cons[0] += 8 * (v >> 60);
					else
						data[(v >> 8) % (cap / 8)] = tr_rand(&seed);
					if (!(i % 1024)) {
						struct pollfd p = { .fd = cfd,
								    .events = POLLIN };

						poll(&p, 1, 0);
					}
				}
			}
			t0 = lp_now();
			ASSERT_EQ(0, lp_start(&lp));
			a.flags = mode ? LOGBUF_TEST_HARDIRQ : 0;
			a.records = mode ? 2000 : 20000;
			a.produced = a.dropped = a.discarded = 0;
			ASSERT_EQ(0, produce(cfd, &a));
			late = lp_stop(&lp);
			t0 = (lp_now() - t0) / 1000000;
			kill(pid, SIGKILL);
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			/* The liar is gone: the baseline runs alone. */
			bound = lp_bound(late, t0);
			EXPECT_TRUE(WIFSIGNALED(status)) TH_LOG("liar exited %#x", status);
			ASSERT_EQ(0, kr_stats(cfd, &st));
			TH_LOG("%s: %llu produced, %llu dropped, %llu discarded; state "
			       "%#x, errors %llu; worst lateness %.1f ms (bound %.1f)",
			       mode ? "hardirq" : "threads",
			       (unsigned long long)a.produced,
			       (unsigned long long)a.dropped,
			       (unsigned long long)a.discarded, st.state,
			       (unsigned long long)st.errors, late, bound);
			EXPECT_EQ(a.records * a.threads,
				  a.produced + a.dropped + a.discarded);
			EXPECT_EQ(a.dropped, st.dropped);
			close(cfd);
			if (late < bound)
				break;
		}
		EXPECT_GT(bound, late);
	}
}

/* The test producers are no longer reachable through /dev/logbuf. */
TEST(old_test_produce_ioctl_is_gone)
{
	int pfd = 0, cfd = -1;
	char buf[128] = { 0 };

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(PG, LOGBUF_CREATE_KERNEL_PROD, &pfd, &cfd));
	/*
	 * _IOWR(0xb7, 0x05, 56 bytes): the number it had, with a valid old
	 * struct (size, flags, threads, min_len, max_len, reserved; cpus,
	 * records, produced, dropped): one record from one thread.
	 */
	((uint32_t *)buf)[0] = 56;
	((uint32_t *)buf)[2] = 1;
	((uint32_t *)buf)[3] = 16;
	((uint32_t *)buf)[4] = 16;
	((uint64_t *)buf)[4] = 1;
	EXPECT_EQ(-1, ioctl(cfd, _IOWR(LOGBUF_IOC_MAGIC, 0x05, char[56]), buf));
	EXPECT_EQ(ENOTTY, errno);
	close(cfd);
}

TEST_HARNESS_MAIN
