// SPDX-License-Identifier: GPL-2.0
/*
 * Producers in other processes, lock-free in the kernel's ring: fork, and an
 * end passed over a UNIX socket.  Every record is verified; the consumer
 * ends on "disconnected" once the last producer exits.
 */
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "../common/testrec.h"

FIXTURE(xproc) {
	int pfd, cfd;
};

FIXTURE_VARIANT(xproc) {
	uint32_t flags;
	int producers;
	int records;
	int over_socket;
};

FIXTURE_VARIANT_ADD(xproc, spsc_fork) {
	.flags = 0, .producers = 1, .records = 20000,
};
FIXTURE_VARIANT_ADD(xproc, mpsc_fork) {
	.flags = LOGBUF_RING_MPSC, .producers = 3, .records = 8000,
};
FIXTURE_VARIANT_ADD(xproc, spsc_scm_rights) {
	.flags = 0, .producers = 1, .records = 10000, .over_socket = 1,
};
FIXTURE_VARIANT_ADD(xproc, mpsc_scm_rights) {
	.flags = LOGBUF_RING_MPSC, .producers = 2, .records = 6000,
	.over_socket = 1,
};

FIXTURE_SETUP(xproc)
{
	self->pfd = self->cfd = -1;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(16 * PG, variant->flags, &self->pfd,
			       &self->cfd));
}

FIXTURE_TEARDOWN(xproc)
{
	if (self->pfd >= 0)
		close(self->pfd);
	if (self->cfd >= 0)
		close(self->cfd);
}

static int send_fd(int sock, int fd)
{
	char c = 0;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Producer process: send @n verified records of random sizes, then exit. */
static void produce(int pfd, uint32_t id, int n)
{
	struct logbuf_sender *tx = logbuf_sender_open(pfd);
	uint64_t seed = 0x1234567ULL * (id + 1);
	unsigned char buf[1024];
	int i;

	close(pfd);
	if (!tx)
		_exit(10);
	for (i = 0; i < n; i++) {
		uint32_t len = TESTREC_MIN + tr_rand(&seed) % (1024 - TESTREC_MIN);

		tr_fill(buf, len, id, i);
		if (logbuf_send(tx, buf, len))
			_exit(11);
	}
	logbuf_sender_free(tx);
	_exit(0);
}

TEST_F(xproc, every_record_arrives_once_in_order)
{
	struct tr_book book = { .nprod = variant->producers };
	struct logbuf_receiver *rx;
	struct logbuf_stats st;
	pid_t pids[8];
	int i, err, status;

	for (i = 0; i < variant->producers; i++) {
		int sv[2] = { -1, -1 };

		if (variant->over_socket)
			ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			int fd = self->pfd;

			close(self->cfd);
			if (variant->over_socket) {
				/* Forget the inherited end: use the passed one. */
				close(self->pfd);
				close(sv[0]);
				fd = recv_fd(sv[1]);
				if (fd < 0)
					_exit(12);
			}
			produce(fd, i, variant->records);
		}
		if (variant->over_socket) {
			close(sv[1]);
			ASSERT_EQ(0, send_fd(sv[0], self->pfd));
			close(sv[0]);
		}
	}
	/* The children hold the only producer ends now. */
	close(self->pfd);
	self->pfd = -1;

	rx = logbuf_receiver_open(self->cfd);
	ASSERT_NE(NULL, rx);
	for (;;) {
		const void *d;
		size_t len;

		err = logbuf_recv(rx, &d, &len, 20000);
		if (err)
			break;
		tr_account(&book, d, len);
	}
	EXPECT_EQ(-EPIPE, err);
	for (i = 0; i < variant->producers; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("producer %d status %#x", i, status);
		EXPECT_EQ(variant->records, book.next[i]);
	}
	EXPECT_EQ(0, book.bad);
	EXPECT_EQ(0, book.disorder);
	EXPECT_EQ((uint64_t)variant->records * variant->producers, book.records);
	ASSERT_EQ(0, kr_stats(self->cfd, &st));
	EXPECT_EQ(book.records, st.records_consumed);
	EXPECT_EQ(st.head, st.tail);
	/* The data wrapped around many times. */
	EXPECT_LT(10 * 16 * PG, st.head);
	logbuf_receiver_free(rx);
}

TEST_HARNESS_MAIN
