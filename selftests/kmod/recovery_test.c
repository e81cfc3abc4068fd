// SPDX-License-Identifier: GPL-2.0
/*
 * Producers killed between claim and commit.  Once no producer end remains,
 * the consumer steps over the dead claim (its claim word gives the length)
 * and delivers what other producers committed behind it; what cannot be
 * located is dropped and counted, never delivered corrupt.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "../common/testrec.h"

/* Claim a record, say so on @ready, and wait to be killed. */
static pid_t spawn_stuck_claimer(int pfd, int ready)
{
	pid_t pid = fork();

	if (!pid) {
		struct logbuf_ring *r = logbuf_ring_open(pfd);
		struct logbuf_producer *p = r ? logbuf_producer_new(r) : NULL;
		void *w;

		if (!p || logbuf_claim(p, 100, &w))
			_exit(1);
		memset(w, 0xee, 100);
		if (write(ready, "c", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	return pid;
}

/*
 * Send up to @n records; give up after a second without room (a dead claim
 * wedges the ring while any producer lives).  Report how many were sent on
 * @report.
 */
static pid_t spawn_sender(int pfd, uint32_t id, int n, int report)
{
	pid_t pid = fork();

	if (!pid) {
		struct logbuf_sender *tx = logbuf_sender_open(pfd);
		unsigned char buf[512];
		uint64_t seed = id * 77 + 1;
		int i, waited = 0;

		for (i = 0; tx && i < n && waited < 1000; ) {
			uint32_t len = TESTREC_MIN + tr_rand(&seed) % 400;
			int err;

			tr_fill(buf, len, id, i);
			while ((err = logbuf_try_send(tx, buf, len)) == -EAGAIN &&
			       waited < 1000) {
				usleep(1000);
				waited++;
			}
			if (err)
				break;
			waited = 0;
			i++;
		}
		if (report >= 0 && write(report, &i, sizeof(i)) != sizeof(i))
			_exit(3);
		_exit(tx ? 0 : 1);
	}
	return pid;
}

TEST(dead_claim_is_skipped_and_later_records_arrive)
{
	struct tr_book book = { .nprod = 2 };
	struct logbuf_receiver *rx;
	struct logbuf_stats st;
	int pfd = -1, cfd = -1, ready[2], err, status;
	pid_t stuck, sender;
	const void *d;
	size_t len;
	char c;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(16 * PG, LOGBUF_RING_MPSC, &pfd, &cfd));
	ASSERT_EQ(0, pipe(ready));
	stuck = spawn_stuck_claimer(pfd, ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* Records behind the stuck claim. */
	sender = spawn_sender(pfd, 1, 100, -1);
	close(pfd);
	ASSERT_EQ(sender, waitpid(sender, &status, 0));
	ASSERT_EQ(0, status);
	rx = logbuf_receiver_open(cfd);
	ASSERT_NE(NULL, rx);
	/* Blocked behind the claim while its producer lives. */
	EXPECT_EQ(-ETIMEDOUT, logbuf_recv(rx, &d, &len, 200));
	kill(stuck, SIGKILL);
	waitpid(stuck, NULL, 0);
	while (!(err = logbuf_recv(rx, &d, &len, 5000)))
		tr_account(&book, d, len);
	EXPECT_EQ(-EPIPE, err);
	EXPECT_EQ(100, book.next[1]);
	EXPECT_EQ(0, book.bad);
	EXPECT_EQ(0, book.disorder);
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_LE(1, st.skips);
	EXPECT_EQ(0, st.lost);
	logbuf_receiver_free(rx);
	close(cfd);
	close(ready[0]);
	close(ready[1]);
}

/*
 * Kill a busy producer at random points, 20 times: never a corrupt or
 * duplicated record, never a hang, and the survivor's records all arrive
 * unless the victim died inside the few instructions between taking its
 * claim and writing the claim word, which then shows as lost bytes.
 */
TEST(sigkill_at_random_points)
{
	uint64_t seed = 0x5eed;
	int round, complete = 0, lossy = 0;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	for (round = 0; round < 20; round++) {
		struct tr_book book = { .nprod = 2 };
		struct logbuf_receiver *rx;
		struct logbuf_stats st;
		int pfd = -1, cfd = -1, err, status, rep[2], sent = -1;
		pid_t victim, survivor;
		const void *d;
		size_t len;

		ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_RING_MPSC, &pfd, &cfd));
		ASSERT_EQ(0, pipe(rep));
		victim = spawn_sender(pfd, 0, 1 << 30, -1);
		survivor = spawn_sender(pfd, 1, 300, rep[1]);
		close(pfd);
		close(rep[1]);
		rx = logbuf_receiver_open(cfd);
		ASSERT_NE(NULL, rx);
		/* Consume for a random while, then kill the victim. */
		for (int i = tr_rand(&seed) % 400; i > 0; i--)
			if (!logbuf_recv(rx, &d, &len, 1000))
				tr_account(&book, d, len);
		kill(victim, SIGKILL);
		while (!(err = logbuf_recv(rx, &d, &len, 5000)))
			tr_account(&book, d, len);
		EXPECT_EQ(-EPIPE, err);
		waitpid(victim, NULL, 0);
		ASSERT_EQ(survivor, waitpid(survivor, &status, 0));
		EXPECT_EQ(0, status);
		ASSERT_EQ(sizeof(sent), read(rep[0], &sent, sizeof(sent)));
		close(rep[0]);
		EXPECT_EQ(0, book.bad);
		EXPECT_EQ(0, book.disorder);
		ASSERT_EQ(0, kr_stats(cfd, &st));
		/* Everything the survivor committed arrives, or loss is counted. */
		if (book.next[1] == (uint32_t)sent)
			complete++;
		else
			EXPECT_LT(0, st.lost) TH_LOG("round %d: %u of %d",
						     round, book.next[1], sent);
		lossy += st.lost > 0;
		logbuf_receiver_free(rx);
		close(cfd);
	}
	TH_LOG("%d of 20 rounds complete, %d with lost bytes", complete, lossy);
}

TEST_HARNESS_MAIN
