/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * logbuf_testprod: kernel test producers for the selftests and benchmarks,
 * driven through /dev/logbuf-test (root only).  Not part of logbuf's ABI:
 * the module is built with the selftests and never installed.
 */
#ifndef _LOGBUF_TESTPROD_H
#define _LOGBUF_TESTPROD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define LOGBUF_TEST_DEV		"/dev/logbuf-test"

/* logbuf_test_produce.flags */
#define LOGBUF_TEST_HARDIRQ	(1U << 0)	/* produce from hrtimer callbacks */
#define LOGBUF_TEST_OUTPUT	(1U << 1)	/* logbuf_output(), not reserve */
#define LOGBUF_TEST_NO_WAKEUP	(1U << 2)	/* submit with LOGBUF_F_NO_WAKEUP */
#define LOGBUF_TEST_FORCE_WAKEUP (1U << 3)	/* ... LOGBUF_F_FORCE_WAKEUP */
#define LOGBUF_TEST_ALL		((1U << 4) - 1)

#define LOGBUF_TEST_MAX_THREADS	64
#define LOGBUF_TEST_MAX_RECORDS	(1ULL << 24)	/* per thread */
#define LOGBUF_TEST_MAX_LEN	(1U << 16)
#define LOGBUF_TEST_IRQ_MAX_LEN	4096		/* hardirq mode */

/**
 * struct logbuf_test_produce - argument of LOGBUF_TEST_IOC_PRODUCE
 * @size: sizeof(struct logbuf_test_produce) as the caller knows it.
 * @flags: LOGBUF_TEST_* bits.
 * @threads: kernel threads, 1 .. LOGBUF_TEST_MAX_THREADS.
 * @min_len: smallest payload, at least 16 (the self-check header).
 * @max_len: largest payload, at most LOGBUF_TEST_MAX_LEN
 *	(LOGBUF_TEST_IRQ_MAX_LEN in hardirq mode); a length the ring cannot
 *	take is a dropped record.
 * @discard_every: 0, or N: every Nth attempt is reserved, written, then
 *	given up with logbuf_discard() (a skip record, and a sequence gap).
 * @cpus: CPUs to run on (bit n: CPU n); thread i takes the i-th set bit,
 *	round robin.  0: any CPU.
 * @records: attempts per thread, 1 .. LOGBUF_TEST_MAX_RECORDS.
 * @ring_id: the kernel-producer ring (LOGBUF_IOC_INFO's id).
 * @produced: out: records committed.
 * @dropped: out: records dropped (ring full, consumer gone, bad length).
 * @discarded: out: records discarded.
 *
 * Thread t writes records whose payload starts with four __u32: t, the
 * attempt number (a dropped or discarded record leaves a gap), the payload
 * length, and the FNV-1a hash of the bytes after them; byte i of those is
 * (t * 131 + seq * 7 + i) & 0xff (selftests/common/testrec.h).  The ioctl
 * returns when all are done, or -EINTR on a signal (threads stopped).
 */
struct logbuf_test_produce {
	__u32 size;
	__u32 flags;
	__u32 threads;
	__u32 min_len;
	__u32 max_len;
	__u32 discard_every;
	__u64 cpus;
	__u64 records;
	__u64 ring_id;
	__u64 produced;
	__u64 dropped;
	__u64 discarded;
};

#define LOGBUF_TEST_IOC_PRODUCE	_IOWR(0xb7, 0x40, struct logbuf_test_produce)

#endif /* _LOGBUF_TESTPROD_H */
