// SPDX-License-Identifier: GPL-2.0
/*
 * The options structs of the creation functions (LOGBUF_OPTS): NULL means
 * the defaults, an older (shorter) struct gets defaults for what it lacks,
 * a newer (longer) one is accepted only if the bytes this library does not
 * know are zero.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "logbuf.h"
#include "kselftest_harness.h"

/* A program built against a later library: one more field. */
struct ring_opts_v2 {
	struct logbuf_ring_opts v1;
	uint64_t future;
};

TEST(ring_null_opts_is_spsc)
{
	struct logbuf_ring *r = logbuf_ring_new_opts(4096, NULL);

	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, logbuf_ring_flags(r));
	logbuf_ring_free(r);
}

TEST(ring_opts_flags_are_used)
{
	LOGBUF_OPTS(logbuf_ring_opts, o, .flags = LOGBUF_RING_MPSC);
	struct logbuf_ring *r = logbuf_ring_new_opts(4096, &o);

	ASSERT_NE(NULL, r);
	EXPECT_EQ(LOGBUF_RING_MPSC, logbuf_ring_flags(r));
	EXPECT_EQ(4096, logbuf_ring_capacity(r));
	logbuf_ring_free(r);
}

TEST(ring_opts_older_shorter_struct_gets_defaults)
{
	/* Only sz is known to this "old" program; flags lies past it. */
	LOGBUF_OPTS(logbuf_ring_opts, o, .flags = LOGBUF_RING_MPSC);
	struct logbuf_ring *r;

	o.sz = offsetof(struct logbuf_ring_opts, flags);
	r = logbuf_ring_new_opts(4096, &o);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, logbuf_ring_flags(r));
	logbuf_ring_free(r);
}

TEST(ring_opts_newer_struct_with_zero_tail_is_accepted)
{
	struct ring_opts_v2 o;
	struct logbuf_ring *r;

	memset(&o, 0, sizeof(o));
	o.v1.sz = sizeof(o);
	o.v1.flags = LOGBUF_RING_MPSC;
	r = logbuf_ring_new_opts(4096, &o.v1);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(LOGBUF_RING_MPSC, logbuf_ring_flags(r));
	logbuf_ring_free(r);
}

TEST(ring_opts_newer_struct_with_unknown_option_is_e2big)
{
	struct ring_opts_v2 o;

	memset(&o, 0, sizeof(o));
	o.v1.sz = sizeof(o);
	o.future = 1;
	errno = 0;
	EXPECT_EQ(NULL, logbuf_ring_new_opts(4096, &o.v1));
	EXPECT_EQ(E2BIG, errno);
}

TEST(ring_opts_bad_sz_reserved_flags_capacity)
{
	LOGBUF_OPTS(logbuf_ring_opts, o);

	o.sz = 0;
	errno = 0;
	EXPECT_EQ(NULL, logbuf_ring_new_opts(4096, &o));
	EXPECT_EQ(EINVAL, errno);
	o.sz = sizeof(o);
	o.__reserved = 1;
	errno = 0;
	EXPECT_EQ(NULL, logbuf_ring_new_opts(4096, &o));
	EXPECT_EQ(EINVAL, errno);
	o.__reserved = 0;
	o.flags = 1U << 30;
	errno = 0;
	EXPECT_EQ(NULL, logbuf_ring_new_opts(4096, &o));
	EXPECT_EQ(EOPNOTSUPP, errno);
	o.flags = 0;
	errno = 0;
	EXPECT_EQ(NULL, logbuf_ring_new_opts(4095, &o));
	EXPECT_EQ(EINVAL, errno);
}

TEST(channel_opts)
{
	LOGBUF_OPTS(logbuf_channel_opts, o, .flags = LOGBUF_RING_MPSC);
	struct logbuf_receiver *rx;
	struct logbuf_sender *tx, *tx2;
	const void *d;
	size_t len;

	ASSERT_EQ(0, logbuf_channel_new_opts(4096, &o, &tx, &rx));
	/* MPSC: the sender clones. */
	tx2 = logbuf_sender_clone(tx);
	ASSERT_NE(NULL, tx2);
	ASSERT_EQ(0, logbuf_send(tx2, "hi", 2));
	ASSERT_EQ(0, logbuf_recv(rx, &d, &len, 1000));
	EXPECT_EQ(2, len);
	EXPECT_EQ(0, memcmp(d, "hi", 2));
	logbuf_recv_done(rx);
	logbuf_sender_free(tx2);
	logbuf_sender_free(tx);
	logbuf_receiver_free(rx);

	o.__reserved = 7;
	EXPECT_EQ(-EINVAL, logbuf_channel_new_opts(4096, &o, &tx, &rx));
	o.__reserved = 0;
	o.sz = 1;
	EXPECT_EQ(-EINVAL, logbuf_channel_new_opts(4096, &o, &tx, &rx));
	ASSERT_EQ(0, logbuf_channel_new_opts(4096, NULL, &tx, &rx));
	/* SPSC by default: no clones. */
	EXPECT_EQ(NULL, logbuf_sender_clone(tx));
	logbuf_sender_free(tx);
	logbuf_receiver_free(rx);
}

TEST(dev_opts_are_checked_before_the_device)
{
	struct {
		struct logbuf_dev_opts v1;
		uint32_t future;
		uint32_t pad;
	} big;
	LOGBUF_OPTS(logbuf_dev_opts, o);
	int p = -1, c = -1, err;

	memset(&big, 0, sizeof(big));
	big.v1.sz = sizeof(big);
	big.future = 1;
	EXPECT_EQ(-E2BIG, logbuf_dev_create_opts(4096, &big.v1, &p, &c));
	o.__reserved = 1;
	EXPECT_EQ(-EINVAL, logbuf_dev_create_opts(4096, &o, &p, &c));
	/* Valid options reach the device: a ring, or ENOENT without it. */
	o.__reserved = 0;
	err = logbuf_dev_create_opts(4096, &o, &p, &c);
	EXPECT_TRUE(err == 0 || err == -ENOENT) TH_LOG("err %d", err);
	if (!err) {
		close(p);
		close(c);
	}
}

TEST_HARNESS_MAIN
