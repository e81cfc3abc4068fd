// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/logbuf ioctl ABI: each subtest hits exactly one error path, plus
 * struct-size versioning and the flags of the created ends.
 */
#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

FIXTURE(dev) {
	int fd;
	struct logbuf_create c;
};

FIXTURE_SETUP(dev)
{
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	self->fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	memset(&self->c, 0, sizeof(self->c));
	self->c.size = sizeof(self->c);
	self->c.capacity = 4 * PG;
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int create(int fd, void *arg)
{
	return ioctl(fd, LOGBUF_IOC_CREATE, arg) ? errno : 0;
}

TEST_F(dev, create_ok_returns_two_cloexec_ends)
{
	ASSERT_EQ(0, create(self->fd, &self->c));
	EXPECT_NE(self->c.prod_fd, self->c.cons_fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->c.prod_fd, F_GETFD));
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->c.cons_fd, F_GETFD));
	EXPECT_EQ(0, fcntl(self->c.cons_fd, F_GETFL) & O_NONBLOCK);
	close(self->c.prod_fd);
	close(self->c.cons_fd);
}

TEST_F(dev, create_flags_no_cloexec_nonblock)
{
	self->c.flags = LOGBUF_CREATE_NO_CLOEXEC | LOGBUF_CREATE_NONBLOCK |
			LOGBUF_RING_MPSC;
	ASSERT_EQ(0, create(self->fd, &self->c));
	EXPECT_EQ(0, fcntl(self->c.prod_fd, F_GETFD));
	EXPECT_EQ(O_NONBLOCK, fcntl(self->c.cons_fd, F_GETFL) & O_NONBLOCK);
	close(self->c.prod_fd);
	close(self->c.cons_fd);
}

TEST_F(dev, unknown_ioctl_enotty)
{
	ASSERT_EQ(-1, ioctl(self->fd, _IO(LOGBUF_IOC_MAGIC, 0x7f)));
	ASSERT_EQ(ENOTTY, errno);
	/* The end ioctls mean nothing on the device itself. */
	ASSERT_EQ(-1, ioctl(self->fd, LOGBUF_IOC_DOORBELL));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(dev, unknown_ioctl_on_end_enotty)
{
	ASSERT_EQ(0, create(self->fd, &self->c));
	EXPECT_EQ(-1, ioctl(self->c.prod_fd, LOGBUF_IOC_CREATE, &self->c));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->c.cons_fd, _IO(LOGBUF_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, bad_pointer_efault)
{
	ASSERT_EQ(EFAULT, create(self->fd, NULL));
	ASSERT_EQ(EFAULT, create(self->fd, (void *)16));
}

TEST_F(dev, short_struct_einval)
{
	self->c.size = LOGBUF_CREATE_SIZE_VER0 - 8;
	ASSERT_EQ(EINVAL, create(self->fd, &self->c));
}

TEST_F(dev, longer_struct_zero_tail_ok)
{
	struct { struct logbuf_create c; uint64_t more[4]; } big;

	memset(&big, 0, sizeof(big));
	big.c = self->c;
	big.c.size = sizeof(big);
	ASSERT_EQ(0, create(self->fd, &big));
	close(big.c.prod_fd);
	close(big.c.cons_fd);
}

TEST_F(dev, longer_struct_nonzero_tail_e2big)
{
	struct { struct logbuf_create c; uint64_t more[4]; } big;

	memset(&big, 0, sizeof(big));
	big.c = self->c;
	big.c.size = sizeof(big);
	big.more[3] = 1;
	ASSERT_EQ(E2BIG, create(self->fd, &big));
}

TEST_F(dev, huge_size_e2big)
{
	self->c.size = 1 << 20;
	ASSERT_EQ(E2BIG, create(self->fd, &self->c));
}

TEST_F(dev, unknown_flag_eopnotsupp)
{
	self->c.flags = 1U << 30;
	ASSERT_EQ(EOPNOTSUPP, create(self->fd, &self->c));
}

TEST_F(dev, reserved_nonzero_einval)
{
	self->c.__reserved = 1;
	ASSERT_EQ(EINVAL, create(self->fd, &self->c));
}

TEST_F(dev, output_fields_nonzero_einval)
{
	self->c.prod_fd = 3;
	ASSERT_EQ(EINVAL, create(self->fd, &self->c));
}

TEST_F(dev, capacity_not_power_of_two_einval)
{
	self->c.capacity = 3 * PG;
	ASSERT_EQ(EINVAL, create(self->fd, &self->c));
}

TEST_F(dev, capacity_below_a_page_einval)
{
	self->c.capacity = PG / 2;
	ASSERT_EQ(EINVAL, create(self->fd, &self->c));
	self->c.capacity = 0;
	ASSERT_EQ(EINVAL, create(self->fd, &self->c));
}

TEST_F(dev, capacity_above_module_limit_einval)
{
	self->c.capacity = 1ULL << 40;
	ASSERT_EQ(EINVAL, create(self->fd, &self->c));
}

FIXTURE(end) {
	int pfd, cfd;
};

FIXTURE_SETUP(end)
{
	self->pfd = self->cfd = -1;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_RING_MPSC, &self->pfd,
			       &self->cfd));
}

FIXTURE_TEARDOWN(end)
{
	if (self->pfd >= 0)
		close(self->pfd);
	if (self->cfd >= 0)
		close(self->cfd);
}

TEST_F(end, info_describes_each_end)
{
	struct logbuf_info pi = { .size = sizeof(pi) }, ci = { .size = sizeof(ci) };

	ASSERT_EQ(0, ioctl(self->pfd, LOGBUF_IOC_INFO, &pi));
	ASSERT_EQ(0, ioctl(self->cfd, LOGBUF_IOC_INFO, &ci));
	EXPECT_EQ(sizeof(pi), pi.size);
	EXPECT_EQ(LOGBUF_ROLE_PROD, pi.role);
	EXPECT_EQ(LOGBUF_ROLE_CONS, ci.role);
	EXPECT_EQ(LOGBUF_RING_MPSC, pi.ring_flags);
	EXPECT_EQ(LOGBUF_VERSION, pi.version);
	EXPECT_EQ(4 * PG, pi.capacity);
	EXPECT_EQ(3 * PG, pi.data_offset);
	EXPECT_EQ(7 * PG, pi.mmap_size);
	EXPECT_EQ(pi.id, ci.id);
}

TEST_F(end, info_short_size_einval)
{
	struct logbuf_info i = { .size = 8 };

	ASSERT_EQ(-1, ioctl(self->pfd, LOGBUF_IOC_INFO, &i));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(end, stats_older_struct_gets_prefix)
{
	struct logbuf_stats st;

	memset(&st, 0xff, sizeof(st));
	st.size = 16;	/* size, state, capacity: the oldest caller */
	ASSERT_EQ(0, ioctl(self->cfd, LOGBUF_IOC_STATS, &st));
	EXPECT_EQ(16, st.size);
	EXPECT_EQ(4 * PG, st.capacity);
	EXPECT_EQ(UINT64_MAX, st.head);	/* untouched beyond 16 bytes */
}

TEST_F(end, stats_newer_struct_gets_ours)
{
	struct { struct logbuf_stats st; uint64_t more[2]; } big;

	memset(&big, 0xff, sizeof(big));
	big.st.size = sizeof(big);
	ASSERT_EQ(0, ioctl(self->pfd, LOGBUF_IOC_STATS, &big));
	EXPECT_EQ(sizeof(big.st), big.st.size);
	EXPECT_EQ(0, big.st.head);
	EXPECT_EQ(UINT64_MAX, big.more[0]);
}

TEST_F(end, stats_bad_pointer_efault)
{
	ASSERT_EQ(-1, ioctl(self->pfd, LOGBUF_IOC_STATS, NULL));
	ASSERT_EQ(EFAULT, errno);
}

TEST_F(end, doorbell_on_consumer_end_ebadf)
{
	ASSERT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_DOORBELL));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(0, ioctl(self->pfd, LOGBUF_IOC_DOORBELL));
}

TEST_F(end, read_write_are_not_supported)
{
	char b[8] = { 0 };

	EXPECT_EQ(-1, read(self->cfd, b, sizeof(b)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->pfd, b, sizeof(b)));
	EXPECT_EQ(EINVAL, errno);
}

TEST(library_dev_create)
{
	struct logbuf_ring *r;
	int pfd = -1, cfd = -1;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	EXPECT_EQ(-EINVAL, logbuf_dev_create(4 * PG, 0, NULL, &cfd));
	EXPECT_EQ(-EINVAL, logbuf_dev_create(3 * PG, 0, &pfd, &cfd));
	EXPECT_EQ(-EOPNOTSUPP, logbuf_dev_create(4 * PG, 1U << 30, &pfd, &cfd));
	ASSERT_EQ(0, logbuf_dev_create(4 * PG, LOGBUF_RING_MPSC, &pfd, &cfd));
	r = logbuf_ring_open(cfd);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(4 * PG, logbuf_ring_capacity(r));
	EXPECT_EQ(LOGBUF_RING_MPSC, logbuf_ring_flags(r));
	EXPECT_LE(0, logbuf_ring_fd(r));
	EXPECT_NE(cfd, logbuf_ring_fd(r));	/* its own reference */
	/* A consumer end makes no producer, and the reverse. */
	EXPECT_EQ(NULL, logbuf_producer_new(r));
	EXPECT_EQ(EPERM, errno);
	logbuf_ring_free(r);
	EXPECT_EQ(NULL, logbuf_ring_open(-1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(NULL, logbuf_ring_open(0));	/* not a logbuf end */
	close(pfd);
	close(cfd);
}

/*
 * A program built against an older header must keep working: every ioctl
 * number is what 0.x first published, whatever its struct has grown to
 * since (the size field versions the struct, never the number).
 */
TEST(ioctl_numbers_never_change)
{
	EXPECT_EQ(0xc028b701u, LOGBUF_IOC_CREATE);
	EXPECT_EQ(0x0000b702u, LOGBUF_IOC_DOORBELL);
	EXPECT_EQ(0xc080b703u, LOGBUF_IOC_STATS);
	EXPECT_EQ(0xc038b704u, LOGBUF_IOC_INFO);
	EXPECT_EQ(0x4010b706u, LOGBUF_IOC_ATTACH);
	EXPECT_EQ(0x4004b707u, LOGBUF_IOC_ATTACH_EVENTS);
	EXPECT_EQ(0xc020b708u, LOGBUF_IOC_TRACER);
	EXPECT_EQ(0xc028b709u, LOGBUF_IOC_TRACER_RING);
	EXPECT_EQ(0xc028b70au, LOGBUF_IOC_EVENT_NEW);
}

TEST_HARNESS_MAIN
