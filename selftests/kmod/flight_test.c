// SPDX-License-Identifier: GPL-2.0
/*
 * Overwrite rings (the flight recorder): kernel threads and hrtimer
 * callbacks (logbuf_testprod) overrun a small ring hundreds of times while
 * a reader copies records out with logbuf_ow_read(); every record returned
 * must pass its self-check, in order per producer.  The consumer's mapping
 * is read-only; the flags are checked; an unprivileged user gets no more.
 */
#include <pthread.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "tprod.h"
#include "../common/testrec.h"

#define OWFLAGS	(LOGBUF_CREATE_KERNEL_PROD | LOGBUF_CREATE_OVERWRITE)

TEST(flags)
{
	struct logbuf_info info = { .size = sizeof(info) };
	int pfd = 0, cfd = -1;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	/* Only the kernel may overwrite: user producers wait for room. */
	EXPECT_EQ(-EINVAL, kr_create(PG, LOGBUF_CREATE_OVERWRITE, &pfd, &cfd));
	EXPECT_EQ(-EINVAL, kr_create(PG, LOGBUF_CREATE_OVERWRITE |
				     LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd));
	EXPECT_EQ(-EINVAL, kr_create(PG, LOGBUF_CREATE_OVERWRITE |
				     LOGBUF_RING_MPSC, &pfd, &cfd));
	ASSERT_EQ(0, kr_create(PG, OWFLAGS, &pfd, &cfd));
	EXPECT_EQ(-1, pfd);
	ASSERT_EQ(0, ioctl(cfd, LOGBUF_IOC_INFO, &info));
	EXPECT_EQ(LOGBUF_RING_MPSC | LOGBUF_RING_OVERWRITE, info.ring_flags);
	close(cfd);
}

/* Nothing of an overwrite ring but the consumer page is writable. */
static void read_only(struct __test_metadata *_metadata, int cfd)
{
	struct logbuf_meta *meta;
	struct logbuf_ring *r;
	void *p;

	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, cfd, LOGBUF_PGOFF_DATA * PG));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, cfd, LOGBUF_PGOFF_PROD * PG));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd,
		 LOGBUF_PGOFF_DATA * PG);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PG, PROT_READ | PROT_WRITE));
	/* VM_MAYWRITE is cleared: the answer the documentation gives. */
	EXPECT_EQ(EACCES, errno);
	munmap(p, PG);
	/* The key is there for the reader. */
	meta = mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd, 0);
	ASSERT_NE(MAP_FAILED, meta);
	EXPECT_NE(0, meta->ow_key);
	munmap(meta, PG);
	/* In-place reads would need to zero: refused, the copy reader works. */
	r = logbuf_ring_open(cfd);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(NULL, logbuf_consumer_new(r));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(NULL, logbuf_receiver_open(cfd));
	logbuf_ring_free(r);
}

TEST(the_reader_cannot_write_the_records)
{
	int pfd = 0, cfd = -1, status;
	pid_t pid;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	ASSERT_EQ(0, kr_create(4 * PG, OWFLAGS, &pfd, &cfd));
	read_only(_metadata, cfd);
	close(cfd);
	/* The same for a ring an unprivileged user made. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		if (kr_create(4 * PG, OWFLAGS, &pfd, &cfd))
			_exit(3);
		read_only(_metadata, cfd);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

struct reader {
	struct logbuf_ring *r;
	struct logbuf_ow_cursor c;
	struct tr_book book;
	uint64_t errors;
	volatile int stop;
};

/* Per producer: strictly increasing sequences (gaps are overwrites). */
static void account(struct reader *rd, const void *p, size_t len)
{
	struct testrec t;

	rd->book.records++;
	if (tr_check(p, len)) {
		rd->book.bad++;
		return;
	}
	memcpy(&t, p, sizeof(t));
	if (t.id >= rd->book.nprod || t.seq < rd->book.next[t.id]) {
		rd->book.disorder++;
		return;
	}
	rd->book.next[t.id] = t.seq + 1;
}

static int read_some(struct reader *rd)
{
	unsigned char buf[LOGBUF_TEST_IRQ_MAX_LEN];
	size_t len;
	int err;

	while (!(err = logbuf_ow_read(rd->r, &rd->c, buf, sizeof(buf), &len)))
		account(rd, buf, len);
	if (err != -EAGAIN)
		rd->errors++;
	return err;
}

static void *reader_fn(void *arg)
{
	struct reader *rd = arg;

	while (!rd->stop)
		read_some(rd);
	return NULL;
}

FIXTURE(ow) {
	int cfd;
};

FIXTURE_VARIANT(ow) {
	uint32_t flags;
	uint32_t threads;
	uint64_t records;
	uint32_t discard_every;
	uint32_t spinners;
};

/* 4 threads on 2 CPUs, ~150 bytes a record into 16 KiB: ~2000 laps. */
FIXTURE_VARIANT_ADD(ow, threads) {
	.threads = 4, .records = 50000,
};
FIXTURE_VARIANT_ADD(ow, hardirq) {
	.flags = LOGBUF_TEST_HARDIRQ, .threads = 2, .records = 10000,
};
FIXTURE_VARIANT_ADD(ow, threads_discarding) {
	.threads = 2, .records = 50000, .discard_every = 7,
};
/*
 * Producers preempted and interrupted everywhere: four threads spin beside
 * them.  On sid's kernel booted preempt=full the first overwrite pass
 * marked such rings BROKEN now and then (a producer read a newer lap's
 * bytes as the oldest header); the state must stay clean.
 */
FIXTURE_VARIANT_ADD(ow, threads_among_spinners) {
	.threads = 4, .records = 50000, .spinners = 4,
};

static volatile int spin_stop;

static void *spin_fn(void *arg)
{
	(void)arg;
	while (!spin_stop)
		;
	return NULL;
}

FIXTURE_SETUP(ow)
{
	int pfd = 0;

	self->cfd = -1;
	if (!kr_have_dev() || !have_testprod())
		SKIP(return, "no " DEV " or " LOGBUF_TEST_DEV);
	ASSERT_EQ(0, kr_create(4 * PG, OWFLAGS, &pfd, &self->cfd));
}

FIXTURE_TEARDOWN(ow)
{
	if (self->cfd >= 0)
		close(self->cfd);
}

TEST_F_TIMEOUT(ow, overrun_many_times_no_torn_record, 240)
{
	struct logbuf_test_produce a = {
		.flags = variant->flags, .threads = variant->threads,
		.min_len = 16, .max_len = 300, .cpus = 3,
		.records = variant->records,
		.discard_every = variant->discard_every,
	};
	struct reader rd = { .book.nprod = variant->threads };
	struct reader snap = { .book.nprod = variant->threads };
	struct logbuf_stats st;
	uint64_t tail, laps;
	pthread_t th, spin[4];
	uint32_t i;

	if (self->cfd < 0)
		return;
	rd.r = logbuf_ring_open(self->cfd);
	ASSERT_NE(NULL, rd.r);
	ASSERT_EQ(0, pthread_create(&th, NULL, reader_fn, &rd));
	spin_stop = 0;
	for (i = 0; i < variant->spinners; i++)
		ASSERT_EQ(0, pthread_create(&spin[i], NULL, spin_fn, NULL));
	ASSERT_EQ(0, produce(self->cfd, &a));
	spin_stop = 1;
	for (i = 0; i < variant->spinners; i++)
		pthread_join(spin[i], NULL);
	rd.stop = 1;
	pthread_join(th, NULL);
	ASSERT_EQ(0, kr_stats(self->cfd, &st));
	laps = st.tail / (4 * PG);
	TH_LOG("%llu produced, %llu dropped, %llu discarded, %llu laps; "
	       "reader: %llu records, %llu torn and skipped, %llu bytes "
	       "overwritten before it got there",
	       (unsigned long long)a.produced, (unsigned long long)a.dropped,
	       (unsigned long long)a.discarded, (unsigned long long)laps,
	       (unsigned long long)rd.c.records,
	       (unsigned long long)rd.c.torn, (unsigned long long)rd.c.lost);
	EXPECT_EQ(variant->records * variant->threads,
		  a.produced + a.dropped + a.discarded);
	EXPECT_EQ(a.dropped, st.dropped);
	/* Honest producers never find their own ring broken. */
	EXPECT_EQ(0, st.state & LOGBUF_STATE_BROKEN);
	EXPECT_EQ(0, st.errors);
	EXPECT_GT(laps, 100);
	EXPECT_EQ(0, rd.errors);
	EXPECT_EQ(0, rd.book.bad);
	EXPECT_EQ(0, rd.book.disorder);
	EXPECT_GT(rd.book.records, 0);

	/* Afterwards, a snapshot: the ring's last lap, whole, in order. */
	snap.r = rd.r;
	tail = logbuf_ow_seek(snap.r, &snap.c, 0);
	EXPECT_EQ(st.tail, tail);
	EXPECT_EQ(-EAGAIN, read_some(&snap));
	EXPECT_EQ(tail, snap.c.pos);
	EXPECT_EQ(0, snap.c.torn);
	EXPECT_EQ(0, snap.book.bad);
	EXPECT_EQ(0, snap.book.disorder);
	/* At least half a ring of 300-byte records is there. */
	EXPECT_GE(snap.book.records, 2 * PG / logbuf_ow_total(300));
	/*
	 * Every record committed is in the ring still or was overwritten,
	 * and counted so exactly once (the swap that passed it).
	 */
	TH_LOG("%llu overwritten, %llu in the ring",
	       (unsigned long long)st.overwritten,
	       (unsigned long long)snap.book.records);
	EXPECT_EQ(a.produced, st.overwritten + snap.book.records);
	/* Nothing is left to read twice. */
	EXPECT_EQ(-EAGAIN, read_some(&rd));
	logbuf_ring_free(rd.r);
}

/* A small snapshot: the last 1 KiB only. */
TEST_F(ow, snapshot_of_the_last_bytes)
{
	struct logbuf_test_produce a = {
		.threads = 1, .min_len = 48, .max_len = 48, .records = 1000,
	};
	struct reader snap = { .book.nprod = 1 };
	uint64_t tail;

	if (self->cfd < 0)
		return;
	ASSERT_EQ(0, produce(self->cfd, &a));
	EXPECT_EQ(1000, a.produced);
	snap.r = logbuf_ring_open(self->cfd);
	ASSERT_NE(NULL, snap.r);
	tail = logbuf_ow_seek(snap.r, &snap.c, 1024);
	/* 48 bytes + 16 of header: 64 each, no padding, 16 in 1024 bytes. */
	EXPECT_EQ(1000 * 64, tail);
	EXPECT_EQ(tail - 1024, snap.c.pos);
	EXPECT_EQ(-EAGAIN, read_some(&snap));
	EXPECT_EQ(16, snap.book.records);
	/* They are the newest: 984 .. 999. */
	EXPECT_EQ(1000, snap.book.next[0]);
	EXPECT_EQ(0, snap.book.bad);
	logbuf_ring_free(snap.r);
}

TEST_HARNESS_MAIN
