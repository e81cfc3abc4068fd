// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile peers: garbage in every byte user space may write.  The kernel
 * must survive with a clean log (the runner checks it), and the honest side
 * must get a clean error: -EBADMSG from the library, POLLERR from poll.
 */
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "../common/testrec.h"

static pid_t spawn_scribbler(int fd, uint64_t pgoff, uint64_t npages,
			     uint64_t seed)
{
	pid_t pid = fork();

	if (!pid) {
		uint64_t *p = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, pgoff * PG);
		uint64_t n = npages * PG / 8;

		if (p == MAP_FAILED)
			_exit(1);
		for (;;) {
			/* Mostly random words, sometimes plausible ones. */
			uint64_t v = tr_rand(&seed), i = v % n;

			switch (v >> 61) {
			case 0:
				p[i] = v & 0xffff;		/* short lengths */
				break;
			case 1:
				p[i] = 0x80000000ULL | (v & 0xfff8);	/* skips */
				break;
			case 2:
				p[i] = 0;
				break;
			default:
				p[i] = tr_rand(&seed);
			}
		}
	}
	return pid;
}

TEST(garbage_producer_gives_consumer_clean_errors)
{
	int pfd = -1, cfd = -1, badmsg = 0, pollerr = 0, records = 0, i;
	struct logbuf_receiver *rx;
	struct logbuf_stats st;
	pid_t pid;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_RING_MPSC, &pfd, &cfd));
	/* Producer page and data: everything a producer may write. */
	pid = spawn_scribbler(pfd, LOGBUF_PGOFF_PROD, 5, 42);
	ASSERT_LT(0, pid);
	close(pfd);
	rx = logbuf_receiver_open(cfd);
	ASSERT_NE(NULL, rx);
	for (i = 0; i < 3000 && !(badmsg && pollerr); i++) {
		struct pollfd p = { .fd = cfd, .events = POLLIN };
		const void *d;
		size_t len;
		int err = logbuf_recv(rx, &d, &len, 5);

		if (!err)
			records++;	/* garbage that parses: must be in bounds */
		else if (err == -EBADMSG)
			badmsg++;
		else
			ASSERT_TRUE(err == -ETIMEDOUT || err == -EAGAIN)
				TH_LOG("recv: %d", err);
		ASSERT_LE(0, poll(&p, 1, 0));
		if (p.revents & POLLERR)
			pollerr++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	TH_LOG("%d records, %d EBADMSG, %d POLLERR", records, badmsg, pollerr);
	EXPECT_LT(0, badmsg);
	EXPECT_LT(0, pollerr);
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_TRUE(st.state & LOGBUF_STATE_BROKEN);
	EXPECT_LE(1, st.errors);
	/* Broken is final: producers are told too. */
	logbuf_receiver_free(rx);
	close(cfd);
}

TEST(garbage_consumer_page_cannot_hurt_the_kernel)
{
	struct pollfd p;
	struct logbuf_stats st;
	int pfd = -1, cfd = -1, i;
	uint64_t seed = 7;
	uint64_t *cons;
	pid_t pid;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(4 * PG, 0, &pfd, &cfd));
	cons = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, cfd,
		    LOGBUF_PGOFF_CONS * PG);
	ASSERT_NE(MAP_FAILED, cons);
	/* A producer scribbling on the data meanwhile. */
	pid = spawn_scribbler(pfd, LOGBUF_PGOFF_DATA, 4, 99);
	ASSERT_LT(0, pid);
	for (i = 0; i < 20000; i++) {
		cons[tr_rand(&seed) % 8] = tr_rand(&seed);
		p = (struct pollfd){ .fd = cfd, .events = POLLIN };
		ASSERT_LE(0, poll(&p, 1, 0));
		ASSERT_EQ(0, kr_stats(cfd, &st));
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* An unaligned head is impossible: the ring is marked broken. */
	cons[0] = 3;
	p = (struct pollfd){ .fd = cfd, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLERR);
	ASSERT_EQ(0, kr_stats(pfd, &st));
	EXPECT_TRUE(st.state & LOGBUF_STATE_BROKEN);
	/* Producers learn it from the doorbell. */
	EXPECT_EQ(-1, ioctl(pfd, LOGBUF_IOC_DOORBELL));
	EXPECT_EQ(EPIPE, errno);
	munmap(cons, PG);
	close(pfd);
	close(cfd);
}

TEST_HARNESS_MAIN
