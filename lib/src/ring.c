// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Rings: in process memory or mapped from a /dev/logbuf end, and the
 * producer and consumer handles attached to them.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/futex.h>

#include "logbuf.h"
#include "internal.h"

/* Process-memory layout: each owner's words on their own pair of lines. */
#define HEAP_META_OFF	0
#define HEAP_CONS_OFF	128
#define HEAP_PROD_OFF	256
#define HEAP_DATA_OFF	4096

static int capacity_ok(uint64_t cap)
{
	return cap >= LOGBUF_MIN_CAPACITY && cap <= LOGBUF_MAX_CAPACITY &&
	       !(cap & (cap - 1));
}

struct logbuf_ring *logbuf_ring_new_opts(uint64_t capacity,
					 const struct logbuf_ring_opts *opts)
{
	int err = __logbuf_opts_check(opts, sizeof(*opts));

	if (!err && LOGBUF_OPTS_GET(opts, __reserved, 0))
		err = -EINVAL;
	if (err) {
		errno = -err;
		return NULL;
	}
	return logbuf_ring_new(capacity, LOGBUF_OPTS_GET(opts, flags, 0));
}

struct logbuf_ring *logbuf_ring_new(uint64_t capacity, uint32_t flags)
{
	struct logbuf_ring *r;
	unsigned char *mem;

	if (flags & ~LOGBUF_RING_ALL) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	if (!capacity_ok(capacity)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->map_len = HEAP_DATA_OFF + capacity;
	/* Anonymous memory comes zeroed: every header reads "not committed". */
	mem = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->map = mem;
	r->fd = -1;
	r->rv.meta = (struct logbuf_meta *)(mem + HEAP_META_OFF);
	r->rv.cons = (struct logbuf_cons *)(mem + HEAP_CONS_OFF);
	r->rv.prod = (struct logbuf_prod *)(mem + HEAP_PROD_OFF);
	r->rv.data = mem + HEAP_DATA_OFF;
	r->rv.mask = capacity - 1;
	r->rv.meta->magic = LOGBUF_MAGIC;
	r->rv.meta->version = LOGBUF_VERSION;
	r->rv.meta->capacity = capacity;
	r->rv.meta->ring_flags = flags;
	r->rv.meta->data_offset = HEAP_DATA_OFF;
	r->flags = flags;
	return r;
}

/* Map [off, off + len) of the end over the reservation at base + off. */
static int map_fixed(struct logbuf_ring *r, uint64_t off, uint64_t len,
		     int prot)
{
	void *want = (unsigned char *)r->map + off;
	void *p = mmap(want, len, prot, MAP_SHARED | MAP_FIXED, r->fd, off);

	return p == MAP_FAILED ? -errno : 0;
}

/*
 * Reserve the whole mapping read-only, then map writable exactly the pages
 * this end's role may write; the kernel refuses anything more.
 */
static int map_end(struct logbuf_ring *r, const struct logbuf_info *info)
{
	long pg = sysconf(_SC_PAGESIZE);
	int err;

	r->map_len = info->mmap_size;
	r->map = mmap(NULL, r->map_len, PROT_READ, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -errno;
	}
	if (info->role == LOGBUF_ROLE_PROD)
		err = map_fixed(r, LOGBUF_PGOFF_PROD * pg,
				info->mmap_size - LOGBUF_PGOFF_PROD * pg,
				PROT_READ | PROT_WRITE);
	else if (info->ring_flags & LOGBUF_RING_OVERWRITE)
		/* Its reader copies and never writes the data. */
		err = map_fixed(r, LOGBUF_PGOFF_CONS * pg, pg,
				PROT_READ | PROT_WRITE);
	else
		err = map_fixed(r, LOGBUF_PGOFF_CONS * pg, pg,
				PROT_READ | PROT_WRITE) ?:
		      map_fixed(r, info->data_offset, info->capacity,
				PROT_READ | PROT_WRITE);
	if (err)
		return err;
	r->rv.meta = r->map;
	r->rv.cons = (void *)((char *)r->map + LOGBUF_PGOFF_CONS * pg);
	r->rv.prod = (void *)((char *)r->map + LOGBUF_PGOFF_PROD * pg);
	r->rv.data = (unsigned char *)r->map + info->data_offset;
	r->rv.mask = info->capacity - 1;
	return 0;
}

static int info_ok(const struct logbuf_info *info)
{
	long pg = sysconf(_SC_PAGESIZE);

	return info->version == LOGBUF_VERSION &&
	       (info->role == LOGBUF_ROLE_PROD ||
		info->role == LOGBUF_ROLE_CONS) &&
	       capacity_ok(info->capacity) &&
	       info->data_offset == (uint64_t)LOGBUF_PGOFF_DATA * pg &&
	       info->mmap_size == info->data_offset + info->capacity;
}

struct logbuf_ring *logbuf_ring_open(int fd)
{
	struct logbuf_info info = { .size = sizeof(info) };
	struct logbuf_ring *r;
	int err;

	if (ioctl(fd, LOGBUF_IOC_INFO, &info))
		return NULL;
	if (!info_ok(&info)) {
		errno = EPROTO;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (r->fd < 0) {
		err = -errno;
		goto out_free;
	}
	r->role = info.role;
	r->flags = info.ring_flags;
	err = map_end(r, &info);
	if (err)
		goto out_unmap;
	if (r->rv.meta->magic != LOGBUF_MAGIC ||
	    r->rv.meta->capacity != info.capacity) {
		err = -EPROTO;
		goto out_unmap;
	}
	return r;

out_unmap:
	if (r->map)
		munmap(r->map, r->map_len);
	close(r->fd);
out_free:
	free(r);
	errno = -err;
	return NULL;
}

void logbuf_ring_free(struct logbuf_ring *r)
{
	if (!r)
		return;
	munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

uint64_t logbuf_ring_capacity(const struct logbuf_ring *r)
{
	return r->rv.mask + 1;
}

uint64_t logbuf_ring_max_len(const struct logbuf_ring *r)
{
	return logbuf_max_len(r->rv.mask);
}

uint32_t logbuf_ring_flags(const struct logbuf_ring *r)
{
	return r->flags;
}

int logbuf_ring_fd(const struct logbuf_ring *r)
{
	return r->fd;
}

void logbuf_ring_stats(const struct logbuf_ring *r,
		       struct logbuf_ring_stats *st)
{
	const struct logbuf_rv *rv = &r->rv;

	st->head = __logbuf_load(&rv->cons->head);
	st->tail = __logbuf_load(&rv->prod->tail);
	st->records = __logbuf_load(&rv->cons->records);
	st->bytes = __logbuf_load(&rv->cons->bytes);
	st->skips = __logbuf_load(&rv->cons->skips);
	st->full = __logbuf_load(&rv->prod->full);
	st->aborts = __logbuf_load(&rv->prod->aborts);
	st->state = __logbuf_load(&rv->meta->state);
}

struct logbuf_producer *logbuf_producer_new(struct logbuf_ring *r)
{
	struct logbuf_producer *p;
	int zero = 0;

	if (r->role == LOGBUF_ROLE_CONS) {
		errno = EPERM;
		return NULL;
	}
	if (!(r->flags & LOGBUF_RING_MPSC) &&
	    !atomic_compare_exchange_strong(&r->spsc_busy, &zero, 1)) {
		errno = EBUSY;
		return NULL;
	}
	p = __logbuf_cl_zalloc(sizeof(*p));
	if (!p)
		goto out_busy;
	p->rv = r->rv;
	p->ring = r;
	p->mpsc = !!(r->flags & LOGBUF_RING_MPSC);
	/*
	 * An SPSC producer goes on from the shared tail and then keeps its
	 * own copy; any producer process of a mapped ring may have written
	 * it, so it is checked like everything else read from shared memory.
	 * (MPSC producers check the tail on every claim.)
	 */
	p->ps.tail = __logbuf_load(&r->rv.prod->tail);
	p->ps.head = __logbuf_load_acquire(&r->rv.cons->head);
	if (!p->mpsc && !__logbuf_tail_ok(p->ps.tail)) {
		free(p);
		errno = EBADMSG;
		goto out_busy;
	}
	return p;

out_busy:
	if (!(r->flags & LOGBUF_RING_MPSC))
		atomic_store(&r->spsc_busy, 0);
	return NULL;
}

void logbuf_producer_free(struct logbuf_producer *p)
{
	if (!p)
		return;
	__logbuf_abort(&p->rv, &p->ps);
	if (!p->mpsc)
		atomic_store(&p->ring->spsc_busy, 0);
	free(p);
}

struct logbuf_consumer *logbuf_consumer_new(struct logbuf_ring *r)
{
	struct logbuf_consumer *c;
	int zero = 0;

	if (r->role == LOGBUF_ROLE_PROD) {
		errno = EPERM;
		return NULL;
	}
	/* Its records are read with logbuf_ow_read(), never in place. */
	if (r->flags & LOGBUF_RING_OVERWRITE) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	if (!atomic_compare_exchange_strong(&r->cons_busy, &zero, 1)) {
		errno = EBUSY;
		return NULL;
	}
	c = __logbuf_cl_zalloc(sizeof(*c));
	if (!c) {
		atomic_store(&r->cons_busy, 0);
		return NULL;
	}
	c->rv = r->rv;
	c->ring = r;
	c->cs.head = __logbuf_load(&r->rv.cons->head);
	if (c->cs.head % LOGBUF_ALIGN) {
		/* Only a corrupt or hostile consumer page holds this. */
		atomic_store(&r->cons_busy, 0);
		free(c);
		errno = EBADMSG;
		return NULL;
	}
	c->cs.pub = c->cs.head;
	return c;
}

void logbuf_consumer_free(struct logbuf_consumer *c)
{
	if (!c)
		return;
	__logbuf_advance(&c->rv, &c->cs);
	__logbuf_publish_head(&c->rv, &c->cs);
	atomic_store(&c->ring->cons_busy, 0);
	free(c);
}

int logbuf_consume(struct logbuf_consumer *c, logbuf_fn fn, void *ctx,
		   unsigned int max)
{
	const struct logbuf_rv *rv = &c->rv;
	uint64_t start = c->cs.head;
	unsigned int n = 0;
	const void *data;
	__u32 len;
	int err = 0;

	/*
	 * One ring of bytes at most per call: records behind the head are
	 * zeroed only when the head is published, so a batch that went on
	 * past one ring would meet its own first record again.  The space is
	 * given back in eighths on the way (__logbuf_advance()), so producers
	 * keep going while a long batch runs, and the call returns however
	 * fast they are.
	 */
	while ((!max || n < max) && c->cs.head - start <= rv->mask) {
		err = __logbuf_peek(rv, &c->cs, &data, &len);
		if (err)
			break;
		n++;
		err = fn(ctx, data, len);
		__logbuf_advance(rv, &c->cs);
		if (err)
			break;
	}
	if (n)
		__logbuf_publish_head(rv, &c->cs);
	if (!n && err == -EBADMSG)
		return err;
	return n;
}

long __logbuf_futex(uint32_t *uaddr, int op, uint32_t val,
		    const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

void logbuf_ring_notify(struct logbuf_ring *r)
{
	uint32_t *state = &r->rv.meta->state;

	/*
	 * Full barrier between the caller's commit and the load of WAITING:
	 * pairs with the barrier between setting WAITING and re-checking the
	 * ring on the consumer's side (park() in channel.c, the poll handler
	 * in the kernel).  Store buffering: one of the two sees the other.
	 */
	__logbuf_mb();
	if (__logbuf_likely(!(__logbuf_load(state) & LOGBUF_STATE_WAITING)))
		return;
	if (r->fd >= 0) {
		/* The kernel clears WAITING and wakes the poll() sleeper. */
		ioctl(r->fd, LOGBUF_IOC_DOORBELL);
		return;
	}
	atomic_fetch_and((_Atomic uint32_t *)state, ~LOGBUF_STATE_WAITING);
	__logbuf_futex(state, FUTEX_WAKE_PRIVATE, 1, NULL);
}

/* ---- overwrite rings ------------------------------------------------ */

static bool ow_reader(const struct logbuf_ring *r)
{
	return r->role == LOGBUF_ROLE_CONS &&
	       (r->flags & LOGBUF_RING_OVERWRITE);
}

uint64_t logbuf_ow_seek(struct logbuf_ring *r, struct logbuf_ow_cursor *c,
			uint64_t bytes)
{
	uint64_t t;

	if (!ow_reader(r)) {
		errno = EOPNOTSUPP;
		return 0;
	}
	t = __logbuf_load(&r->rv.prod->tail);
	__logbuf_ow_seek(&r->rv, r->rv.meta->ow_key, c, t, bytes);
	return t;
}

int logbuf_ow_read(struct logbuf_ring *r, struct logbuf_ow_cursor *c,
		   void *buf, size_t size, size_t *len)
{
	__u32 l;
	int err;

	if (!ow_reader(r))
		return -EOPNOTSUPP;
	err = __logbuf_ow_read(&r->rv, r->rv.meta->ow_key, c, buf, size, &l);
	if (!err)
		*len = l;
	return err;
}
