/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * liblogbuf: lock-free rings of variable-length records, in process memory or
 * mapped from /dev/logbuf.
 *
 * Conventions: int-returning functions return 0 (or a count) on success and a
 * negative errno on failure; pointer-returning functions return NULL and set
 * errno.  Every *_free(NULL) is a no-op.  Thread-safety is stated per
 * function; "one thread" means the caller serialises all calls on that
 * object.
 *
 * Queue API (no blocking, no system calls):
 *	ring      logbuf_ring_new()/logbuf_ring_open()/logbuf_ring_free()
 *	producer  logbuf_claim() -> write -> logbuf_commit() | logbuf_abort()
 *	consumer  logbuf_read() -> use -> logbuf_release(), logbuf_consume()
 *
 * Channel API (senders never sleep; receivers park with a timeout):
 *	logbuf_channel_new(), logbuf_send(), logbuf_recv(), ...
 */
#ifndef _LOGBUF_H
#define _LOGBUF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/logbuf.h>
#include "logbuf/proto.h"
#include "logbuf/overwrite.h"
#include "logbuf/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version -------------------------------------------------------- */

/**
 * logbuf_version() - the library's version, as it runs (not as built)
 *
 * Return: "MAJOR.MINOR.PATCH", e.g. "0.2.0".
 */
const char *logbuf_version(void);

/**
 * logbuf_version_major() - the running library's major version
 *
 * Return: its major version (the soname's number).
 */
int logbuf_version_major(void);

/**
 * logbuf_version_minor() - the running library's minor version
 *
 * Return: its minor version.
 */
int logbuf_version_minor(void);

/**
 * logbuf_check_version() - can this library serve a program built for it?
 * @major: the program's LOGBUF_VERSION_MAJOR.
 * @minor: the program's LOGBUF_VERSION_MINOR.
 *
 * Call with LOGBUF_VERSION_MAJOR, LOGBUF_VERSION_MINOR.  True for the same
 * major version (the soname, liblogbuf.so.0 for all of 0.x) and a minor no
 * newer than the library's: within a major version changes only add.
 */
bool logbuf_check_version(int major, int minor);

struct logbuf_ring;

/*
 * The handles below are defined here only so that the hot path can be
 * inlined; their fields are private to the library.  Programs only ever
 * hold pointers the library allocated (logbuf_producer_new(),
 * logbuf_consumer_new()), never embed or allocate a handle, so a later
 * version may append fields at the end without breaking a program built
 * against this one; the fields below keep their offsets within a major
 * version (the soname).
 */
struct logbuf_producer {
	struct logbuf_rv rv;
	struct logbuf_pstate ps;
	struct logbuf_ring *ring;
	int mpsc;
};

struct logbuf_consumer {
	struct logbuf_rv rv;
	struct logbuf_cstate cs;
	struct logbuf_ring *ring;
};

/* ---- options of the creation functions ------------------------------ */

/*
 * Creation functions that will grow options take a size-prefixed options
 * struct (libbpf's OPTS model): @sz is sizeof the struct the program was
 * built with, so that a newer library reads an older program's shorter
 * struct (the fields it lacks take their defaults) and refuses, with
 * E2BIG, a newer program's longer one whose unknown bytes are not zero.
 * NULL options mean all defaults.  In C:
 *
 *	LOGBUF_OPTS(logbuf_ring_opts, o, .flags = LOGBUF_RING_MPSC);
 *	struct logbuf_ring *r = logbuf_ring_new_opts(1 << 20, &o);
 *
 * g++ and clang++ take it too (designated initializers are standard from
 * C++20, an extension of both compilers before); elsewhere, value-initialize
 * and set the fields: ``logbuf_ring_opts o = {}; o.sz = sizeof(o);``.
 */
#define LOGBUF_OPTS(TYPE, NAME, ...)					\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")	\
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ };	\
	_Pragma("GCC diagnostic pop")					\
	typedef int __logbuf_opts_##NAME __attribute__((__unused__))

/**
 * struct logbuf_ring_opts - options of logbuf_ring_new_opts()
 * @sz: sizeof(struct logbuf_ring_opts); LOGBUF_OPTS() sets it.
 * @flags: 0 (SPSC, the default) or LOGBUF_RING_MPSC.
 * @__reserved: must be 0.
 */
struct logbuf_ring_opts {
	size_t sz;
	uint32_t flags;
	uint32_t __reserved;
};

/**
 * struct logbuf_channel_opts - options of logbuf_channel_new_opts()
 * @sz: sizeof(struct logbuf_channel_opts); LOGBUF_OPTS() sets it.
 * @flags: 0 (one sender, the default) or LOGBUF_RING_MPSC (clonable
 *	senders).
 * @__reserved: must be 0.
 */
struct logbuf_channel_opts {
	size_t sz;
	uint32_t flags;
	uint32_t __reserved;
};

/**
 * struct logbuf_dev_opts - options of logbuf_dev_create_opts()
 * @sz: sizeof(struct logbuf_dev_opts); LOGBUF_OPTS() sets it.
 * @flags: LOGBUF_RING_* and LOGBUF_CREATE_* bits (default 0: an SPSC ring
 *	with both ends in user space).
 * @__reserved: must be 0.
 * @wakeup_us: with LOGBUF_CREATE_WAKEUP (and KERNEL_PROD): the longest a
 *	parked consumer sleeps past a record, in microseconds; 0 wakes it at
 *	every record.  At most LOGBUF_WAKEUP_MAX_US.
 * @wakeup_bytes: with LOGBUF_CREATE_WAKEUP: unread bytes that wake a
 *	parked consumer at once (0: a quarter of @capacity).
 *
 * Without LOGBUF_CREATE_WAKEUP a kernel-producer ring gets the module's
 * defaults: 10 ms (its parameter wakeup_us) and a quarter of the ring.
 */
struct logbuf_dev_opts {
	size_t sz;
	uint32_t flags;
	uint32_t __reserved;
	uint32_t wakeup_us;
	uint32_t wakeup_bytes;
};

/* ---- rings ---------------------------------------------------------- */

/**
 * logbuf_ring_new() - make a ring in process memory
 * @capacity: data bytes, a power of two from LOGBUF_MIN_CAPACITY to
 *	LOGBUF_MAX_CAPACITY.
 * @flags: 0 (SPSC) or LOGBUF_RING_MPSC.
 *
 * Return: the ring, or NULL with errno EINVAL (bad capacity), EOPNOTSUPP
 * (unknown flag) or ENOMEM.
 */
struct logbuf_ring *logbuf_ring_new(uint64_t capacity, uint32_t flags);

/**
 * logbuf_ring_new_opts() - make a ring in process memory, with options
 * @capacity: as logbuf_ring_new().
 * @opts: struct logbuf_ring_opts, or NULL for the defaults.
 *
 * Return: the ring, or NULL with errno EINVAL (bad capacity, @opts->sz
 * smaller than a size_t, a reserved field not 0), E2BIG (bytes this
 * library does not know are not 0), EOPNOTSUPP (unknown flag) or ENOMEM.
 */
struct logbuf_ring *logbuf_ring_new_opts(uint64_t capacity,
					 const struct logbuf_ring_opts *opts);

/**
 * logbuf_ring_open() - map one end of a kernel ring
 * @fd: a producer-end or consumer-end file descriptor from LOGBUF_IOC_CREATE
 *	(or logbuf_dev_create()).  The ring keeps its own reference: @fd may be
 *	closed afterwards.
 *
 * Return: the ring, or NULL with errno (EBADF, ENOTTY: not a logbuf end,
 * EPROTO: unknown layout version, or mmap's errno).
 */
struct logbuf_ring *logbuf_ring_open(int fd);

/**
 * logbuf_ring_free() - unmap or free a ring
 * @r: the ring, or NULL.
 *
 * Call it after every producer and consumer of @r was freed.
 */
void logbuf_ring_free(struct logbuf_ring *r);

/**
 * logbuf_ring_capacity() - data capacity of a ring, in bytes
 * @r: the ring.
 *
 * Return: the capacity, a power of two.
 */
uint64_t logbuf_ring_capacity(const struct logbuf_ring *r);
/**
 * logbuf_ring_max_len() - the largest payload a claim may ask for
 * @r: the ring.
 *
 * A record never wraps, so the largest one that always fits is half the
 * ring minus its header.
 *
 * Return: capacity / 2 - 8.
 */
uint64_t logbuf_ring_max_len(const struct logbuf_ring *r);
/**
 * logbuf_ring_flags() - the ring's shape
 * @r: the ring.
 *
 * Return: LOGBUF_RING_* flags (LOGBUF_RING_MPSC or 0).
 */
uint32_t logbuf_ring_flags(const struct logbuf_ring *r);
/**
 * logbuf_ring_fd() - the end file descriptor a mapped ring holds
 * @r: the ring.
 *
 * The library's own duplicate (close-on-exec) of the fd given to
 * logbuf_ring_open(); for poll() or the statistics ioctl.
 *
 * Return: the fd, or -1 for a ring in process memory.
 */
int logbuf_ring_fd(const struct logbuf_ring *r);

/**
 * struct logbuf_ring_stats - what logbuf_ring_stats() reports
 * @head: consumer position.
 * @tail: producer position.
 * @records: records consumed.
 * @bytes: payload bytes consumed.
 * @skips: skip records consumed (wrap padding and aborts).
 * @full: claims refused because the ring was full.
 * @aborts: claims aborted.
 * @state: LOGBUF_STATE_* bits.
 */
struct logbuf_ring_stats {
	uint64_t head;
	uint64_t tail;
	uint64_t records;
	uint64_t bytes;
	uint64_t skips;
	uint64_t full;
	uint64_t aborts;
	uint32_t state;
};

/**
 * logbuf_ring_stats() - a snapshot of the counters in the shared pages
 * @r: the ring; thread-safe.
 * @st: out: the counters (struct logbuf_ring_stats).
 *
 * The counters are written by the producers and the consumer themselves,
 * so they are as trustworthy as those processes; the kernel's own counters
 * of a mapped ring come from the LOGBUF_IOC_STATS ioctl on its fd.
 */
void logbuf_ring_stats(const struct logbuf_ring *r,
		       struct logbuf_ring_stats *st);

/**
 * logbuf_ring_notify() - wake the consumer if it is parked
 * @r: the ring; thread-safe.
 *
 * Call after committing.  Costs a full barrier and a load while the
 * consumer is awake; a futex wake (process-memory ring) or the doorbell
 * ioctl (kernel ring) only when it announced that it sleeps.
 */
void logbuf_ring_notify(struct logbuf_ring *r);

/* ---- producers ------------------------------------------------------ */

/**
 * logbuf_producer_new() - attach a producer to a ring
 * @r: the ring.
 *
 * An MPSC ring takes any number of producers, one per thread.  An SPSC ring
 * of this process takes one at a time (EBUSY for a second).
 *
 * Return: the producer or NULL with errno.
 */
struct logbuf_producer *logbuf_producer_new(struct logbuf_ring *r);
/**
 * logbuf_producer_free() - detach a producer
 * @p: the producer, or NULL (a no-op).
 *
 * An open claim is aborted (it becomes a skip record).
 */
void logbuf_producer_free(struct logbuf_producer *p);

/**
 * logbuf_claim() - claim space for one record
 * @p: the producer; one thread.
 * @len: payload bytes, 1 .. logbuf_ring_max_len().
 * @data: out: @len writable bytes, 8-byte aligned.
 *
 * The claim stays open until logbuf_commit() or logbuf_abort(); a producer
 * holds one claim at a time: claiming again with a claim open aborts the
 * open one.  Never blocks, never makes a system call.
 *
 * Return: 0, -EINVAL (zero length), -E2BIG (can never fit this ring),
 * -EAGAIN (full right now).
 */
static inline int logbuf_claim(struct logbuf_producer *p, size_t len,
			       void **data)
{
	if (__logbuf_unlikely(p->ps.len))
		__logbuf_abort(&p->rv, &p->ps);
	return p->mpsc ? __logbuf_mpsc_claim(&p->rv, &p->ps, len, data) :
			 __logbuf_spsc_claim(&p->rv, &p->ps, len, data);
}

/**
 * logbuf_commit() - publish the open claim as a record
 * @p: the producer; the thread that claimed.
 *
 * One release store: the consumer sees the whole payload once it sees the
 * record.  Does nothing without an open claim.
 */
static inline void logbuf_commit(struct logbuf_producer *p)
{
	__logbuf_commit(&p->rv, &p->ps);
}

/**
 * logbuf_abort() - give up the open claim
 * @p: the producer; the thread that claimed.
 *
 * The space becomes a skip record, which the consumer passes over.  Does
 * nothing without an open claim.
 */
static inline void logbuf_abort(struct logbuf_producer *p)
{
	__logbuf_abort(&p->rv, &p->ps);
}

/**
 * logbuf_write() - claim, copy and commit one record
 * @p: the producer; one thread.
 * @data: payload.
 * @len: its length.
 *
 * Return: as logbuf_claim().
 */
static inline int logbuf_write(struct logbuf_producer *p, const void *data,
			       size_t len)
{
	void *dst;
	int err = logbuf_claim(p, len, &dst);

	if (__logbuf_unlikely(err))
		return err;
	memcpy(dst, data, len);
	__logbuf_commit(&p->rv, &p->ps);
	return 0;
}

/* ---- consumer ------------------------------------------------------- */

/**
 * logbuf_consumer_new() - attach the consumer of a ring
 * @r: the ring.
 *
 * A ring has one consumer (EBUSY for a second in this process).
 *
 * Return: the consumer or NULL with errno.
 */
struct logbuf_consumer *logbuf_consumer_new(struct logbuf_ring *r);
/**
 * logbuf_consumer_free() - detach the consumer
 * @c: the consumer, or NULL (a no-op).
 *
 * A record still held from logbuf_read() is released and the head
 * published.
 */
void logbuf_consumer_free(struct logbuf_consumer *c);

/**
 * logbuf_read() - the oldest committed record
 * @c: the consumer; one thread.
 * @data: out: its payload, valid until logbuf_release().
 * @len: out: its length.
 *
 * Skip records are consumed on the way and never returned.  Calling it again
 * before logbuf_release() returns the same record.
 *
 * Return: 0, -EAGAIN (nothing committed at the head), -EBADMSG (the ring is
 * corrupt: a header no well-behaved producer writes).
 */
static inline int logbuf_read(struct logbuf_consumer *c, const void **data,
			      size_t *len)
{
	__u32 l;
	int err = __logbuf_peek(&c->rv, &c->cs, data, &l);

	if (__logbuf_likely(!err))
		*len = l;
	return err;
}

/**
 * logbuf_release() - done with the record returned by logbuf_read()
 * @c: the consumer; one thread.
 *
 * Its space goes back to the producers, zeroed, in batches: at least every
 * eighth of the ring, and whenever logbuf_read() finds the ring empty (so
 * always before a consumer may sleep).  Does nothing when no record is
 * held.
 */
static inline void logbuf_release(struct logbuf_consumer *c)
{
	__logbuf_advance(&c->rv, &c->cs);
}

/* ---- overwrite rings (flight recorder) ------------------------------ */

/**
 * logbuf_ow_seek() - place a cursor at the oldest record still whole
 * @r: the consumer end of an overwrite ring (LOGBUF_RING_OVERWRITE).
 * @c: the cursor; bytes passed over are added to @c->lost.
 * @bytes: look only at the last @bytes of the ring (0: all of it).
 *
 * Producers keep writing: what the cursor points at may be overwritten
 * before it is read, which logbuf_ow_read() detects.  A cursor already
 * within the span stays where it is.
 *
 * Return: the tail at the time of the call (the records that existed then
 * end there), or 0 with errno EOPNOTSUPP when @r is not an overwrite
 * ring's consumer end.
 */
uint64_t logbuf_ow_seek(struct logbuf_ring *r, struct logbuf_ow_cursor *c,
			uint64_t bytes);

/**
 * logbuf_ow_read() - copy the next whole record out of an overwrite ring
 * @r: the consumer end of an overwrite ring.
 * @c: the cursor (zeroed: from the oldest record still whole).
 * @buf: where the payload goes.
 * @size: bytes at @buf; logbuf_ow_max_len(capacity - 1) always fits.
 * @len: out: payload bytes.
 *
 * Never returns a record that was being overwritten while it was copied:
 * such records are counted in @c->torn and skipped.  Wait-free: a call
 * looks at most at one ring of records.
 *
 * Return: 0, -EAGAIN (nothing new committed), -EMSGSIZE (@size too small;
 * the cursor stays), -EBADMSG (a corrupt ring), -EOPNOTSUPP (not an
 * overwrite ring's consumer end).
 */
int logbuf_ow_read(struct logbuf_ring *r, struct logbuf_ow_cursor *c,
		   void *buf, size_t size, size_t *len);

/* Callback of logbuf_consume(); a non-zero return stops the batch. */
typedef int (*logbuf_fn)(void *ctx, const void *data, size_t len);

/**
 * logbuf_consume() - hand a batch of records to a callback, then free them
 * @c: the consumer; one thread.
 * @fn: called once per record, in order; returning non-zero stops after
 *	that record (which counts as consumed).
 * @ctx: passed to @fn.
 * @max: most records to consume; 0 means as many as one call may take.
 *
 * One call walks at most one ring of bytes (capacity), so it returns
 * however fast producers commit; space goes back to the producers every
 * eighth of the ring on the way and once more at the end.
 *
 * Return: records consumed (0 if none waits), or -EBADMSG if the ring is
 * corrupt before the first record.
 */
int logbuf_consume(struct logbuf_consumer *c, logbuf_fn fn, void *ctx,
		   unsigned int max);

/* ---- channels ------------------------------------------------------- */

struct logbuf_sender;
struct logbuf_receiver;

/**
 * logbuf_channel_new() - make a channel in process memory
 * @capacity: as logbuf_ring_new().
 * @flags: 0 (one sender) or LOGBUF_RING_MPSC (clonable senders).
 * @tx: out: the first sender.
 * @rx: out: the receiver.
 *
 * Return: 0 or -EINVAL, -EOPNOTSUPP, -ENOMEM.
 */
int logbuf_channel_new(uint64_t capacity, uint32_t flags,
		       struct logbuf_sender **tx, struct logbuf_receiver **rx);

/**
 * logbuf_channel_new_opts() - make a channel in process memory, with options
 * @capacity: as logbuf_ring_new().
 * @opts: struct logbuf_channel_opts, or NULL for the defaults.
 * @tx: out: the first sender.
 * @rx: out: the receiver.
 *
 * Return: 0 or -EINVAL, -E2BIG (as logbuf_ring_new_opts()), -EOPNOTSUPP,
 * -ENOMEM.
 */
int logbuf_channel_new_opts(uint64_t capacity,
			    const struct logbuf_channel_opts *opts,
			    struct logbuf_sender **tx,
			    struct logbuf_receiver **rx);

/**
 * logbuf_sender_open() - a sender on the producer end of a kernel ring
 * @fd: producer-end fd; the sender keeps its own reference.
 *
 * Disconnection comes from the kernel: the consumer end closing sets
 * LOGBUF_STATE_NO_CONS.  Return: the sender or NULL with errno.
 */
struct logbuf_sender *logbuf_sender_open(int fd);

/**
 * logbuf_receiver_open() - the receiver on the consumer end of a kernel ring
 * @fd: consumer-end fd; the receiver keeps its own reference.
 *
 * The receiver parks in poll() on the fd.  Return: the receiver or NULL with
 * errno.
 */
struct logbuf_receiver *logbuf_receiver_open(int fd);

/**
 * logbuf_sender_clone() - another sender of the same MPSC channel
 * @tx: a sender; thread-safe.
 *
 * Return: the new sender, or NULL with errno EINVAL (SPSC channel) or ENOMEM.
 */
struct logbuf_sender *logbuf_sender_clone(struct logbuf_sender *tx);

/**
 * logbuf_sender_free() - drop a sender
 * @tx: the sender, or NULL (a no-op).
 *
 * When the last sender of a process-memory channel goes, the receiver
 * drains what was sent and then gets -EPIPE (for a kernel ring: when the
 * last producer end is closed).
 */
void logbuf_sender_free(struct logbuf_sender *tx);

/**
 * logbuf_receiver_free() - drop the receiver
 * @rx: the receiver, or NULL (a no-op).
 *
 * Senders then get -EPIPE.  What was not received is lost.
 */
void logbuf_receiver_free(struct logbuf_receiver *rx);

/**
 * logbuf_try_send() - send one record if there is room now
 * @tx: the sender; one thread.
 * @data: payload.
 * @len: its length.
 *
 * Wakes a parked receiver (a system call only when one is parked).
 *
 * Return: 0, -EINVAL, -E2BIG, -EAGAIN (full), -EPIPE (receiver gone).
 */
int logbuf_try_send(struct logbuf_sender *tx, const void *data, size_t len);

/**
 * logbuf_send() - send one record, waiting for room by spinning and yielding
 * @tx: the sender; one thread.
 * @data: payload.
 * @len: its length.
 *
 * Never sleeps in the kernel and makes no system call while there is room;
 * when the ring is full it spins, then yields the CPU, until the receiver
 * frees space or goes away.
 *
 * Return: 0, -EINVAL, -E2BIG, -EPIPE (receiver gone).
 */
int logbuf_send(struct logbuf_sender *tx, const void *data, size_t len);

/**
 * logbuf_sender_producer() - the producer behind a sender
 * @tx: the sender.
 *
 * For writing in place: logbuf_claim(), write, logbuf_commit(), then
 * logbuf_notify() so that a parked receiver wakes.
 *
 * Return: the producer, owned by @tx.
 */
struct logbuf_producer *logbuf_sender_producer(struct logbuf_sender *tx);

/**
 * logbuf_notify() - wake the receiver if it is parked
 * @tx: the sender; one thread.
 *
 * A full barrier and a load when no receiver is parked; a futex wake or a
 * doorbell ioctl when one is.
 */
void logbuf_notify(struct logbuf_sender *tx);

/**
 * logbuf_recv() - receive one record, parking for a while if none waits
 * @rx: the receiver; one thread.
 * @data: out: the payload, valid until logbuf_recv_done() or the next recv.
 * @len: out: its length.
 * @timeout_ms: how long to park; negative: forever; 0: do not park.
 *
 * Return: 0, -ETIMEDOUT (nothing came in time; -EAGAIN for @timeout_ms 0),
 * -EPIPE (every sender is gone and everything sent was received),
 * -EBADMSG (the ring is corrupt), -EINTR (a signal interrupted the wait).
 */
int logbuf_recv(struct logbuf_receiver *rx, const void **data, size_t *len,
		int timeout_ms);

/**
 * logbuf_try_recv() - receive a record if one waits
 * @rx: the receiver; one thread.
 * @data: out: the payload, valid until the next receive or
 *	logbuf_recv_done().
 * @len: out: its length.
 *
 * logbuf_recv() with a timeout of 0.
 *
 * Return: as logbuf_recv(); -EAGAIN when nothing waits.
 */
int logbuf_try_recv(struct logbuf_receiver *rx, const void **data,
		    size_t *len);

/**
 * logbuf_recv_done() - release the record of the last receive
 * @rx: the receiver; one thread.
 *
 * Optional: the next receive releases it too.
 */
void logbuf_recv_done(struct logbuf_receiver *rx);

/**
 * logbuf_receiver_consumer() - the consumer behind a receiver
 * @rx: the receiver.
 *
 * For logbuf_consume() batches on a channel.
 *
 * Return: the consumer, owned by @rx.
 */
struct logbuf_consumer *logbuf_receiver_consumer(struct logbuf_receiver *rx);

/* ---- /dev/logbuf ---------------------------------------------------- */

/**
 * logbuf_dev_create() - create a kernel ring through /dev/logbuf
 * @capacity: data bytes (power of two, whole pages).
 * @flags: LOGBUF_RING_* and LOGBUF_CREATE_* bits.
 * @prod_fd: out: producer end.
 * @cons_fd: out: consumer end.
 *
 * Return: 0 or -errno (ENOENT when the module is not loaded).
 */
int logbuf_dev_create(uint64_t capacity, uint32_t flags, int *prod_fd,
		      int *cons_fd);

/**
 * logbuf_dev_create_opts() - create a kernel ring, with options
 * @capacity: data bytes (power of two, whole pages).
 * @opts: struct logbuf_dev_opts, or NULL for the defaults.
 * @prod_fd: out: producer end (-1 with LOGBUF_CREATE_KERNEL_PROD).
 * @cons_fd: out: consumer end (-1 with LOGBUF_CREATE_KERNEL_CONS).
 *
 * Return: 0 or -errno: -EINVAL, -E2BIG (as logbuf_ring_new_opts()),
 * -ENOENT (the module is not loaded), or the ioctl's error
 * (Documentation/userspace-api/logbuf.rst).
 */
int logbuf_dev_create_opts(uint64_t capacity,
			   const struct logbuf_dev_opts *opts, int *prod_fd,
			   int *cons_fd);

/* ---- typed events: tracers ----------------------------------------- */

/*
 * A program's typed events, from any of its threads, into the kernel's
 * trace buffer as real trace events (events/synthetic/<name>): each thread
 * gets a single-producer ring of its own on its first event, and an event
 * costs a claim, the copy of its fields and one release store; no
 * compare-and-swap, no barrier, no system call while the kernel's drain is
 * busy.  Five calls:
 *
 *	struct logbuf_tracer *t = logbuf_tracer_open(NULL);
 *	struct logbuf_event *req = logbuf_event_new(t, "req_done",
 *				"u32 status; u64 lat_ns; char path[]");
 *	logbuf_emit(req, 200, lat, "/index.html");
 *	printf("%s\n", logbuf_event_name(req));  // u1000_req_done
 *	logbuf_tracer_close(t);
 *
 * Documentation/userspace-api/logbuf.rst, "Typed events", has the whole
 * path: declarations, who may declare what, delays, fork and exit.
 */
struct logbuf_tracer;
struct logbuf_event;

/* struct logbuf_tracer_opts.flags */
/* An in-process tracer: heap rings, read with logbuf_tracer_drain(). */
#define LOGBUF_TRACER_HEAP	(1U << 0)
/* logbuf_emit() on a full ring waits for room instead of -EAGAIN. */
#define LOGBUF_TRACER_WAIT	(1U << 1)

/**
 * struct logbuf_tracer_opts - options of logbuf_tracer_open()
 * @sz: sizeof(struct logbuf_tracer_opts); LOGBUF_OPTS() sets it.
 * @ring_capacity: bytes of each thread's ring, a power of two of at least
 *	4096 (default 256 KiB); kernel rings are charged to RLIMIT_MEMLOCK.
 * @flags: LOGBUF_TRACER_* (default 0: the kernel drains; a full ring
 *	makes logbuf_emit() return -EAGAIN).
 * @collector: NULL (the default), or the path of a collector's socket
 *	(logbuf_collector_new()): then a process drains this tracer instead
 *	of the kernel, and each event also carries its CLOCK_MONOTONIC time.
 *	A declaration, or a thread's first event, that finds the collector's
 *	socket full waits 1 s at most, then fails with EAGAIN.
 */
struct logbuf_tracer_opts {
	size_t sz;
	uint64_t ring_capacity;
	uint32_t flags;
	const char *collector;
};

/**
 * logbuf_tracer_open() - a tracer for this process's typed events
 * @opts: struct logbuf_tracer_opts, or NULL for the defaults.
 *
 * Return: the tracer, or NULL with errno (ENOENT: the module is not
 * loaded; EINVAL, E2BIG, EOPNOTSUPP: bad options; EMFILE: 64 tracers;
 * with @opts->collector, connect()'s errno, e.g. ECONNREFUSED).
 */
struct logbuf_tracer *logbuf_tracer_open(const struct logbuf_tracer_opts *opts);

/**
 * logbuf_event_new() - declare a typed event (or find it again)
 * @t: the tracer.
 * @name: [A-Za-z_][A-Za-z0-9_]*, at most LOGBUF_TEV_NAME_MAX bytes.
 * @fields: "type name; ...": u8 s8 u16 s16 u32 s32 u64 s64, char name[N],
 *	char name[], u8 name[N] (include/uapi/linux/logbuf.h, struct logbuf_tev).
 *	Every event also has pid and tid, first.
 *
 * Return: the event, owned by @t, or NULL with errno: EINVAL (bad name or
 * fields), E2BIG (too many), EEXIST (the name is another's, or was
 * declared with other fields), ENOSPC (too many events).
 */
struct logbuf_event *logbuf_event_new(struct logbuf_tracer *t,
				      const char *name, const char *fields);

/**
 * logbuf_event_name() - the event's name in tracefs
 * @ev: the event.
 *
 * Return: "u<uid>_<name>" for a program without CAP_SYS_ADMIN, else the
 * name it was declared with: events/synthetic/<this>/.
 */
const char *logbuf_event_name(const struct logbuf_event *ev);

/**
 * logbuf_emitv() - record one event from the calling thread
 * @ev: the event.
 * @v: one value per declared field, in order, each widened to 64 bits: an
 *	integer field takes the low bytes of its value; a string field takes
 *	a const char * (longer strings are cut to the declared bound; NULL is
 *	empty); u8 name[N] takes a const void * to N bytes (NULL: zeroes).
 * @n: how many values: the event's field count.
 *
 * Programs call it through logbuf_emit(ev, ...), which builds @v and @n
 * from its arguments (in C++ a template, in C a macro of at most
 * LOGBUF_TEV_FIELDS_MAX arguments): no va_list, and a wrong count is an
 * error, not a crash.
 *
 * The thread's first event makes its ring (a system call); after that,
 * none while the kernel's drain is busy, one doorbell when it is idle.
 *
 * Return: 0; -EINVAL @n is not the event's field count; -EAGAIN the
 * thread's ring is full (counted; a doorbell makes the kernel drain it in
 * this thread and the event is tried once more; LOGBUF_TRACER_WAIT waits
 * instead); -EPIPE the ring is broken; or the
 * errno of making the ring (-ENOMEM, -EPERM, ...).
 */
int logbuf_emitv(struct logbuf_event *ev, const uint64_t *v, unsigned int n);

#ifndef __cplusplus
#define __logbuf_u64(x)		((uint64_t)(x))
#define __logbuf_m0()
#define __logbuf_m1(a)		__logbuf_u64(a)
#define __logbuf_m2(a, ...)	__logbuf_u64(a), __logbuf_m1(__VA_ARGS__)
#define __logbuf_m3(a, ...)	__logbuf_u64(a), __logbuf_m2(__VA_ARGS__)
#define __logbuf_m4(a, ...)	__logbuf_u64(a), __logbuf_m3(__VA_ARGS__)
#define __logbuf_m5(a, ...)	__logbuf_u64(a), __logbuf_m4(__VA_ARGS__)
#define __logbuf_m6(a, ...)	__logbuf_u64(a), __logbuf_m5(__VA_ARGS__)
#define __logbuf_m7(a, ...)	__logbuf_u64(a), __logbuf_m6(__VA_ARGS__)
#define __logbuf_m8(a, ...)	__logbuf_u64(a), __logbuf_m7(__VA_ARGS__)
#define __logbuf_m9(a, ...)	__logbuf_u64(a), __logbuf_m8(__VA_ARGS__)
#define __logbuf_m10(a, ...)	__logbuf_u64(a), __logbuf_m9(__VA_ARGS__)
#define __logbuf_m11(a, ...)	__logbuf_u64(a), __logbuf_m10(__VA_ARGS__)
#define __logbuf_m12(a, ...)	__logbuf_u64(a), __logbuf_m11(__VA_ARGS__)
#define __logbuf_m13(a, ...)	__logbuf_u64(a), __logbuf_m12(__VA_ARGS__)
#define __logbuf_m14(a, ...)	__logbuf_u64(a), __logbuf_m13(__VA_ARGS__)
#define __logbuf_m15(a, ...)	__logbuf_u64(a), __logbuf_m14(__VA_ARGS__)
#define __logbuf_m16(a, ...)	__logbuf_u64(a), __logbuf_m15(__VA_ARGS__)
#define __logbuf_nth(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, \
		     _13, _14, _15, _16, n, ...) n
/* How many arguments, 0 to 16 (## drops the comma before none). */
#define __logbuf_narg(...)						\
	__logbuf_nth(_, ##__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,	\
		     6, 5, 4, 3, 2, 1, 0)
#define __logbuf_cat(a, b)	a##b
#define __logbuf_xcat(a, b)	__logbuf_cat(a, b)
/**
 * logbuf_emit() - record one event from the calling thread
 * @ev: the event (struct logbuf_event *).
 * @...: one value per declared field, in order: integers of any width for
 *	integer fields, a const char * for strings, a const void * to N bytes
 *	for u8 name[N]; at most LOGBUF_TEV_FIELDS_MAX.
 *
 * logbuf_emitv() on a compound literal of the values, each cast to
 * uint64_t: the caller's stack, no va_list.  In C++ a variadic template
 * does the same, and rejects what is neither an integer nor a pointer.
 *
 * Return: as logbuf_emitv(): 0, -EINVAL (not as many values as fields),
 * -EAGAIN (the thread's ring is full), -EPIPE, or the errno of making the
 * thread's ring.
 */
#define logbuf_emit(ev, ...)						\
	logbuf_emitv((ev), (const uint64_t[]){ 0,			\
		__logbuf_xcat(__logbuf_m, __logbuf_narg(__VA_ARGS__))	\
			(__VA_ARGS__) } + 1, __logbuf_narg(__VA_ARGS__))
#endif

/**
 * logbuf_tracer_close() - close a tracer, its rings and its events
 * @t: the tracer, or NULL.
 *
 * No thread may emit on @t meanwhile or afterwards.  What the rings hold
 * is still drained by the kernel; the events stay declared.
 */
void logbuf_tracer_close(struct logbuf_tracer *t);

/**
 * typedef logbuf_tracer_fn - one event, for logbuf_tracer_drain()
 * @ctx: the caller's.
 * @ev: which event.
 * @tid: the thread that emitted it.
 * @fields: the field values, encoded as in struct logbuf_tev.
 * @len: their bytes.
 *
 * Return: 0 to go on, anything else to stop the drain (returned by it).
 */
typedef int (*logbuf_tracer_fn)(void *ctx, const struct logbuf_event *ev,
				int32_t tid, const void *fields, size_t len);

/**
 * logbuf_tracer_drain() - read an in-process tracer's events
 * @t: a LOGBUF_TRACER_HEAP tracer; one draining thread at a time.
 * @fn: called for each event, ring by ring, in each ring's order.
 * @ctx: passed to @fn.
 * @max: events at most.
 *
 * Return: events read, what @fn returned to stop, or -EOPNOTSUPP (the
 * kernel drains this tracer).
 */
int logbuf_tracer_drain(struct logbuf_tracer *t, logbuf_tracer_fn fn,
			void *ctx, unsigned int max);

/**
 * struct logbuf_tracer_stats - logbuf_tracer_stats()
 * @sz: sizeof, set by the caller.
 * @full: events that found their ring full: refused, waited for, or let
 *	in after the doorbell's drain.
 * @errors: records that did not decode (a lying writer), skipped.
 * @rings: rings of live threads, and of gone ones not drained yet.
 * @records: events the drain took (the kernel's count for a kernel
 *	tracer, the rings of this process's since it opened; in-process:
 *	logbuf_tracer_drain()'s).
 * @skips: skip records passed over: the padding at each wrap of a ring,
 *	and claims left open by a thread that died.
 * @lost: bytes given up behind such a claim when it could not be measured.
 */
struct logbuf_tracer_stats {
	size_t sz;
	uint64_t full;
	uint64_t errors;
	uint64_t rings;
	uint64_t records;
	uint64_t skips;
	uint64_t lost;
};

/**
 * logbuf_tracer_stats() - a tracer's counters
 * @t: the tracer.
 * @st: out: @st->sz bytes of struct logbuf_tracer_stats (set @st->sz
 *	first); a kernel tracer's come from the kernel (LOGBUF_IOC_STATS on
 *	the tracer), rings already freed included.
 */
void logbuf_tracer_stats(const struct logbuf_tracer *t,
			 struct logbuf_tracer_stats *st);

/* ---- typed events: a collector process ----------------------------- */

/*
 * A process that drains other programs' tracers (struct logbuf_tracer_opts
 * @collector): it listens on a Unix socket; each program that connects
 * sends its event declarations and, for each of its threads, the consumer
 * end of that thread's kernel ring.  The collector drains every ring it
 * holds, hands out the events of all of them in the order of their
 * timestamps, and parks in epoll when all are empty.  The rings live in
 * the kernel: what a program committed before it died is still handed
 * out.  Documentation/userspace-api/logbuf.rst, "A collector process".
 */
struct logbuf_collector;

/**
 * struct logbuf_collector_opts - options of logbuf_collector_new()
 * @sz: sizeof(struct logbuf_collector_opts); LOGBUF_OPTS() sets it.
 * @hold_ms: how long an event waits for older ones from other rings
 *	before it is handed out (0: the default, 10): a thread stamps an event just
 *	before it commits it, so a ring may show an event later than another
 *	ring shows a younger one.  An event later than that is still handed
 *	out, and counted (@late of struct logbuf_collector_stats).
 * @idle_ms: when every ring is empty, the longest park (0: the default,
 *	100; at most 60000): the bound on the delay of an event whose
 *	doorbell was missed.
 * @max_programs: programs connected at once (0: the default, 64); more
 *	are refused.
 */
struct logbuf_collector_opts {
	size_t sz;
	uint32_t hold_ms;
	uint32_t idle_ms;
	uint32_t max_programs;
};

/**
 * struct logbuf_collected - one event, handed out by a collector
 * @ns: CLOCK_MONOTONIC when the program emitted it, as the program says.
 * @pid: the program's process (the kernel's word: SO_PEERCRED).
 * @uid: its user (the kernel's word).
 * @tid: the thread whose ring held it, as the program says.
 * @event: the event's name, as declared.
 * @fields: its declaration ("u32 status; char path[]").
 * @data: the field values, encoded as in struct logbuf_tev, checked
 *	against @fields.
 * @len: their bytes.
 */
struct logbuf_collected {
	uint64_t ns;
	int32_t pid;
	uint32_t uid;
	int32_t tid;
	const char *event;
	const char *fields;
	const void *data;
	size_t len;
};

/**
 * typedef logbuf_collect_fn - one event, for logbuf_collector_run()
 * @ctx: the caller's.
 * @e: the event; valid during the call only.
 *
 * Return: 0 to go on, anything else to stop (logbuf_collector_run()
 * returns it).
 */
typedef int (*logbuf_collect_fn)(void *ctx, const struct logbuf_collected *e);

/**
 * logbuf_collector_new() - listen for programs' tracers
 * @path: the socket to make (it must not exist; removed by
 *	logbuf_collector_free()).  Whoever may connect() to it may send
 *	events: set the directory's or the socket's mode accordingly.
 * @opts: struct logbuf_collector_opts, or NULL for the defaults.
 *
 * Return: the collector, or NULL with errno (EINVAL, E2BIG: bad options
 * or a path too long; bind()'s errno, e.g. EADDRINUSE).
 */
struct logbuf_collector *
logbuf_collector_new(const char *path, const struct logbuf_collector_opts *opts);

/**
 * logbuf_collector_run() - collect events for a while
 * @c: the collector; one thread at a time.
 * @fn: called for each event, oldest first.
 * @ctx: passed to @fn.
 * @timeout_ms: how long to run; -1: until @fn stops it.
 *
 * Accepts programs, takes their declarations and rings, drains the rings
 * (on a tick of at most 2 ms while events come, at once for a ring a
 * quarter full, parked in epoll when all are empty) and frees each ring
 * once its thread is gone and it is empty.  A record that does not match
 * its declaration is counted and skipped; a program that breaks the
 * protocol is disconnected, its rings still drained.
 *
 * Return: 0 when @timeout_ms passed, what @fn returned to stop, or
 * -errno (-EINTR: a signal).
 */
int logbuf_collector_run(struct logbuf_collector *c, logbuf_collect_fn fn,
			 void *ctx, int timeout_ms);

/**
 * logbuf_collected_format() - an event's fields as text
 * @e: the event.
 * @buf: out: "name=value name=value ...", NUL-terminated; integers in
 *	decimal, strings quoted with C escapes, bytes in hex.
 * @size: bytes of @buf.
 *
 * Return: the length of the whole text (as snprintf(): @buf holds only
 * @size - 1 bytes of it), or -EBADMSG if @e->data does not match
 * @e->fields.
 */
int logbuf_collected_format(const struct logbuf_collected *e, char *buf,
			    size_t size);

/**
 * struct logbuf_collector_stats - logbuf_collector_stats()
 * @sz: sizeof, set by the caller.
 * @programs: programs connected now.
 * @rings: rings held now.
 * @records: events handed out.
 * @late: events handed out after a younger one had been.
 * @errors: records that did not match their declaration (skipped), and
 *	rings, declarations or messages refused.
 * @refused: programs refused (@max_programs reached).
 * @skips: skip records passed over in rings already freed: the padding at
 *	each wrap, and claims left open by threads that died.
 */
struct logbuf_collector_stats {
	size_t sz;
	uint64_t programs;
	uint64_t rings;
	uint64_t records;
	uint64_t late;
	uint64_t errors;
	uint64_t refused;
	uint64_t skips;
};

/**
 * logbuf_collector_stats() - a collector's counters
 * @c: the collector.
 * @st: out: @st->sz bytes of struct logbuf_collector_stats (set @st->sz
 *	first).
 */
void logbuf_collector_stats(const struct logbuf_collector *c,
			    struct logbuf_collector_stats *st);

/**
 * logbuf_collector_free() - stop collecting
 * @c: the collector, or NULL.
 *
 * Closes the socket, every connection and every ring (what they still
 * hold is not handed out: call logbuf_collector_run() until the programs
 * are done first), and removes the socket's path.
 */
void logbuf_collector_free(struct logbuf_collector *c);

#ifdef __cplusplus
}

/* logbuf_emit(ev, values...) in C++: as the C macro, type-checked. */
template <typename T>
static inline uint64_t __logbuf_u64(T *p)
{
	return (uint64_t)(uintptr_t)p;
}

template <typename T>
static inline uint64_t __logbuf_u64(T x)
{
	return (uint64_t)x;
}

template <typename... A>
static inline int logbuf_emit(struct logbuf_event *ev, A... a)
{
	const uint64_t v[] = { 0, __logbuf_u64(a)... };

	return logbuf_emitv(ev, v + 1, sizeof...(a));
}
#endif

#endif /* _LOGBUF_H */
