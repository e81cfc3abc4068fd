// SPDX-License-Identifier: GPL-2.0
/*
 * logbuf_recv() with a finite timeout reads the clock only on its way to
 * parking, never while a record waits: where the clock is not in the vDSO
 * (the hpet clocksource, some VMs) each read is a system call, and a
 * consumer of the syscall tracepoint source would then trace itself once
 * per record (issue 10, section 2).
 *
 * The test binary defines clock_gettime() itself, which the static library
 * then calls: it counts the reads and asks the kernel.
 */
#include <errno.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "logbuf.h"
#include "kselftest_harness.h"

static atomic_int counting, reads;

int clock_gettime(clockid_t id, struct timespec *ts)
{
	if (atomic_load(&counting))
		atomic_fetch_add(&reads, 1);
	return syscall(SYS_clock_gettime, id, ts);
}

static double mono_ms(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

TEST(timed_recv_reads_no_clock_while_records_wait)
{
	struct logbuf_sender *tx;
	struct logbuf_receiver *rx;
	const void *d;
	size_t len;
	int i;

	ASSERT_EQ(0, logbuf_channel_new(1 << 16, 0, &tx, &rx));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, logbuf_send(tx, &i, sizeof(i)));
	atomic_store(&reads, 0);
	atomic_store(&counting, 1);
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, logbuf_recv(rx, &d, &len, 1000));
		ASSERT_EQ(sizeof(i), len);
		ASSERT_EQ(0, memcmp(d, &i, sizeof(i)));
	}
	atomic_store(&counting, 0);
	EXPECT_EQ(0, atomic_load(&reads));
	logbuf_sender_free(tx);
	logbuf_receiver_free(rx);
}

TEST(timed_recv_on_an_empty_channel_still_times_out)
{
	struct logbuf_sender *tx;
	struct logbuf_receiver *rx;
	const void *d;
	size_t len;
	double t0;

	ASSERT_EQ(0, logbuf_channel_new(1 << 16, 0, &tx, &rx));
	atomic_store(&reads, 0);
	atomic_store(&counting, 1);
	t0 = mono_ms();
	EXPECT_EQ(-ETIMEDOUT, logbuf_recv(rx, &d, &len, 50));
	EXPECT_GE(mono_ms() - t0, 50);
	atomic_store(&counting, 0);
	/* The deadline came from the clock: it was read. */
	EXPECT_GT(atomic_load(&reads), 0);
	logbuf_sender_free(tx);
	logbuf_receiver_free(rx);
}

TEST_HARNESS_MAIN
