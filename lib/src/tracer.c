// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Tracers: typed events from every thread of a program, one single-producer
 * ring per thread, no compare-and-swap and no barrier per event.
 *
 * A thread's first event on a tracer makes its ring (a kernel ring from
 * LOGBUF_IOC_TRACER_RING, or a heap ring for an in-process tracer).  The
 * thread finds it again through one thread-local cache entry; the rings of
 * a thread and of a tracer are kept on two lists under one mutex, which
 * only the slow paths take: a thread's first event, thread exit, fork,
 * logbuf_tracer_close() and the in-process drain's walk.
 *
 * Fork: the child's handler closes every inherited ring without touching
 * it (its mappings are MADV_DONTFORK: the child has none), so a child can
 * never write into its parent's rings nor keep them open; its first event
 * makes its own ring.  Exec closes everything (O_CLOEXEC).  Thread exit
 * frees the thread's rings; the kernel drains what they hold, then lets
 * them go.
 *
 * A collected tracer (struct logbuf_tracer_opts @collector) makes kernel
 * rings with both ends in user space, keeps each producer end and sends
 * the consumer end, and each declaration, to the collector (collect.h).
 * Its events carry a CLOCK_MONOTONIC stamp, for the collector's merge.  A
 * forked child connects again on its first event, as a program of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "logbuf.h"
#include <logbuf/tevent.h>
#include "internal.h"
#include "collect.h"

#define TRACER_DEFAULT_RING	(256U << 10)

struct lb_thread;

/**
 * struct lb_tring - one thread's ring of one tracer
 * @tnode: in its tracer's list.
 * @hnode: in its thread's list.
 * @tracer: the tracer.
 * @thr: the thread's record.
 * @ring: the ring.
 * @p: its producer.
 * @c: heap tracers: its consumer (the drain's).
 * @tid: the thread.
 * @full: events this thread found its ring full for (its own line: no
 *	shared counter on the full path).
 */
struct lb_tring {
	struct lb_tring *tnext, **tprev;
	struct lb_tring *hnext, **hprev;
	struct logbuf_tracer *tracer;
	struct lb_thread *thr;
	struct logbuf_ring *ring;
	struct logbuf_producer *p;
	struct logbuf_consumer *c;
	pid_t tid;
	_Atomic uint64_t full;
};

/* A thread's rings, freed by its key's destructor. */
struct lb_thread {
	struct lb_tring *rings;
};

/*
 * The thread-local cache: the ring of the tracer used last (serial 0:
 * none; tracers' serials start at 1).
 */
struct lb_cache {
	uint64_t serial;
	struct lb_tring *tr;
};

/*
 * An event's encoder, compiled once by logbuf_event_new(): for each field
 * its op (LB_OP_*: an integer's bytes, or a string or bytes) and bound,
 * in two small arrays the emit loop reads from one cache line.
 */
#define LB_OP_STR	0x10
#define LB_OP_BYTES	0x20

struct logbuf_event {
	struct logbuf_tracer *tracer;
	uint32_t id;
	unsigned int nf;
	unsigned int nstr;
	bool stamp;		/* a collected tracer's: the time first */
	bool all64;		/* every field a 64-bit integer: one copy */
	bool allint;		/* every field an integer: 8-byte stores */
	size_t fixed;
	uint8_t op[LOGBUF_TEV_FIELDS_MAX];
	uint16_t n[LOGBUF_TEV_FIELDS_MAX];
	char name[LOGBUF_TEV_FULL_MAX];
	struct logbuf_tev_field f[LOGBUF_TEV_FIELDS_MAX];
	char spec[LOGBUF_TEV_SPEC_MAX];	/* as declared, for a collector */
};

struct logbuf_tracer {
	uint64_t serial;
	int fd;
	int sock;		/* a collected tracer's connection, or -1 */
	char *collector;	/* its path, to connect again after fork() */
	uint32_t flags;
	uint64_t capacity;
	struct lb_tring *rings;
	unsigned int nr_ev;
	struct logbuf_event *ev[64];
	_Atomic uint64_t full;
	_Atomic uint64_t errors;
	_Atomic uint64_t records;
};

static pthread_mutex_t lb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t lb_once = PTHREAD_ONCE_INIT;
static pthread_key_t lb_key;
static struct logbuf_tracer *lb_tracers[64];	/* for the fork handler */
static uint64_t lb_serial;
/* initial-exec: no __tls_get_addr() call on the hot path in the .so */
static __thread struct lb_cache lb_cache
	__attribute__((tls_model("initial-exec")));

static void lb_unlink_thread(struct lb_tring *tr)
{
	if (!tr->thr)
		return;
	*tr->hprev = tr->hnext;
	if (tr->hnext)
		tr->hnext->hprev = tr->hprev;
	tr->thr = NULL;
}

static void lb_unlink(struct lb_tring *tr)
{
	atomic_fetch_add_explicit(&tr->tracer->full,
				  atomic_load_explicit(&tr->full,
						       memory_order_relaxed),
				  memory_order_relaxed);
	*tr->tprev = tr->tnext;
	if (tr->tnext)
		tr->tnext->tprev = tr->tprev;
	lb_unlink_thread(tr);
}

/* Free a ring: its open claim is aborted; the kernel drains the rest. */
static void lb_tring_free(struct lb_tring *tr)
{
	logbuf_producer_free(tr->p);
	logbuf_consumer_free(tr->c);
	logbuf_ring_free(tr->ring);
	free(tr);
}

static void lb_thread_exit(void *arg)
{
	struct lb_thread *thr = arg;
	struct lb_tring *tr;

	pthread_mutex_lock(&lb_lock);
	while ((tr = thr->rings)) {
		if (tr->c) {
			/*
			 * A heap ring: what it holds is the in-process drain's
			 * to read; the drain frees it once it is empty.
			 */
			lb_unlink_thread(tr);
			logbuf_producer_free(tr->p);
			tr->p = NULL;
			continue;
		}
		lb_unlink(tr);
		lb_tring_free(tr);
	}
	pthread_mutex_unlock(&lb_lock);
	free(thr);
}

static void lb_prepare(void)
{
	pthread_mutex_lock(&lb_lock);
}

static void lb_parent(void)
{
	pthread_mutex_unlock(&lb_lock);
}

/*
 * In the child, alone: close every ring inherited from the parent without
 * touching its memory (not mapped here: MADV_DONTFORK), so the parent's
 * rings end when the parent's threads are done with them.
 */
static void lb_child(void)
{
	struct lb_tring *tr;
	unsigned int i;

	for (i = 0; i < sizeof(lb_tracers) / sizeof(lb_tracers[0]); i++) {
		if (!lb_tracers[i])
			continue;
		/* The parent's connection: the child makes its own. */
		if (lb_tracers[i]->sock >= 0) {
			close(lb_tracers[i]->sock);
			lb_tracers[i]->sock = -1;
		}
		while ((tr = lb_tracers[i]->rings)) {
			*tr->tprev = tr->tnext;
			if (tr->tnext)
				tr->tnext->tprev = tr->tprev;
			tr->thr = NULL;
			if (tr->ring->fd >= 0)
				close(tr->ring->fd);
			/* The records and handles are the parent's: leak
			 * nothing we could free safely, touch nothing else. */
			free(tr->p);
			free(tr->c);
			free(tr->ring);
			free(tr);
		}
	}
	/* Every thread's list held only those: the one left starts over. */
	if (pthread_getspecific(lb_key)) {
		free(pthread_getspecific(lb_key));
		pthread_setspecific(lb_key, NULL);
	}
	/*
	 * The child's one thread is the one that forked: its cached ring was
	 * the parent's, freed above.  Its next event makes its own.
	 */
	lb_cache.serial = 0;
	lb_cache.tr = NULL;
	pthread_mutex_unlock(&lb_lock);
}

/*
 * Take ownership of the ring's lines a little ahead of the producer: the
 * consumer zeroed them a lap ago, so they sit modified in its cache, and a
 * store into one waits for the line to cross over.  Prefetched for writing
 * LB_PREFETCH bytes ahead (about a dozen events), that transfer overlaps
 * the events before it: event_bench measured p50 19.5-21 ns instead of
 * 50-64 ns with one thread (2-vCPU AMD EPYC, 2026-12-05, the drain then
 * spinning).  PREFETCHW only where CPUID says it exists (the kernel's
 * prefetchw() does the same).
 */
#define LB_PREFETCH	1024

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static bool lb_prfchw;

static void lb_prefetch_init(void)
{
	unsigned int a, b, c, d;

	/* CPUID 0x80000001 ECX bit 8: 3DNowPrefetch (PREFETCHW). */
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		lb_prfchw = c & (1U << 8);
}

static inline void lb_prefetchw(const void *p)
{
	if (lb_prfchw)
		__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
	else
		__builtin_prefetch(p, 1, 3);
}
#else
static void lb_prefetch_init(void)
{
}

static inline void lb_prefetchw(const void *p)
{
	__builtin_prefetch(p, 1, 3);
}
#endif

static void lb_init(void)
{
	lb_prefetch_init();
	pthread_key_create(&lb_key, lb_thread_exit);
	pthread_atfork(lb_prepare, lb_parent, lb_child);
}

/*
 * One message to @t's collector, with @fd passed if it is >= 0.  Only the
 * slow paths send (a declaration, a thread's first event).  A collector
 * that does not read its socket makes them wait, once its queue is full
 * (net.unix.max_dgram_qlen messages), for LB_SEND_WAIT_MS at most, then
 * fail with EAGAIN: a stuck collector never holds a thread for good.
 */
#define LB_SEND_WAIT_MS	1000

static int lb_send(struct logbuf_tracer *t, uint16_t type, uint32_t id,
		   const char *name, const char *fields, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct lb_msg m = {
		.magic = LB_MSG_MAGIC, .version = LB_MSG_VERSION,
		.type = type, .id = id,
	};
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int wait_ms = LB_SEND_WAIT_MS;
	struct cmsghdr *cm;

	if (name)
		snprintf(m.name, sizeof(m.name), "%s", name);
	if (fields)
		snprintf(m.fields, sizeof(m.fields), "%s", fields);
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	for (;;) {
		struct pollfd pfd = { .fd = t->sock, .events = POLLOUT };
		ssize_t n = sendmsg(t->sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n == (ssize_t)sizeof(m))
			return 0;
		if (n >= 0) {
			errno = EPROTO;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -1;	/* EPIPE: the collector is gone */
		if (wait_ms <= 0 || poll(&pfd, 1, wait_ms) <= 0) {
			errno = EAGAIN;
			return -1;
		}
		wait_ms = 0;	/* writable (or hung up): one more try */
	}
}

/*
 * Connect @t to its collector and declare its events there; with lb_lock
 * held, or before @t is shared.  Return: 0, or -1 with errno.
 */
static int lb_connect(struct logbuf_tracer *t)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	unsigned int i;
	int err;

	if (strlen(t->collector) >= sizeof(a.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	strcpy(a.sun_path, t->collector);
	t->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (t->sock < 0)
		return -1;
	if (connect(t->sock, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	for (i = 0; i < t->nr_ev; i++)
		if (lb_send(t, LB_MSG_EVENT, i, t->ev[i]->name,
			    t->ev[i]->spec, -1))
			goto out;
	return 0;
out:
	err = errno;
	close(t->sock);
	t->sock = -1;
	errno = err;
	return -1;
}

struct logbuf_tracer *logbuf_tracer_open(const struct logbuf_tracer_opts *opts)
{
	struct logbuf_tracer_new a = { .size = sizeof(a) };
	struct logbuf_tracer *t;
	unsigned int i;
	int err = __logbuf_opts_check(opts, sizeof(*opts)), dev;
	uint64_t cap = LOGBUF_OPTS_GET(opts, ring_capacity, 0);
	uint32_t flags = LOGBUF_OPTS_GET(opts, flags, 0);
	const char *coll = LOGBUF_OPTS_GET(opts, collector, NULL);

	if (!err && (flags & ~(LOGBUF_TRACER_HEAP | LOGBUF_TRACER_WAIT)))
		err = -EOPNOTSUPP;
	if (!err && coll && (flags & LOGBUF_TRACER_HEAP))
		err = -EINVAL;
	if (!cap)
		cap = TRACER_DEFAULT_RING;
	if (!err && (cap < 4096 || cap > LOGBUF_MAX_CAPACITY ||
		     (cap & (cap - 1))))
		err = -EINVAL;
	if (err) {
		errno = -err;
		return NULL;
	}
	pthread_once(&lb_once, lb_init);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->flags = flags;
	t->capacity = cap;
	t->fd = -1;
	t->sock = -1;
	if (coll) {
		t->collector = strdup(coll);
		if (!t->collector || lb_connect(t))
			goto out_free;
	} else if (!(flags & LOGBUF_TRACER_HEAP)) {
		dev = open("/dev/logbuf", O_RDWR | O_CLOEXEC);
		if (dev < 0)
			goto out_free;
		err = ioctl(dev, LOGBUF_IOC_TRACER, &a);
		close(dev);
		if (err)
			goto out_free;
		t->fd = a.fd;
	}
	pthread_mutex_lock(&lb_lock);
	for (i = 0; i < sizeof(lb_tracers) / sizeof(lb_tracers[0]); i++)
		if (!lb_tracers[i])
			break;
	if (i == sizeof(lb_tracers) / sizeof(lb_tracers[0])) {
		pthread_mutex_unlock(&lb_lock);
		errno = EMFILE;
		goto out_close;
	}
	lb_tracers[i] = t;
	t->serial = ++lb_serial;
	pthread_mutex_unlock(&lb_lock);
	return t;

out_close:
	if (t->fd >= 0)
		close(t->fd);
	if (t->sock >= 0)
		close(t->sock);
out_free:
	err = errno;
	free(t->collector);
	free(t);
	errno = err;
	return NULL;
}

void logbuf_tracer_close(struct logbuf_tracer *t)
{
	struct lb_tring *tr;
	unsigned int i;

	if (!t)
		return;
	pthread_mutex_lock(&lb_lock);
	while ((tr = t->rings)) {
		lb_unlink(tr);
		lb_tring_free(tr);
	}
	for (i = 0; i < sizeof(lb_tracers) / sizeof(lb_tracers[0]); i++)
		if (lb_tracers[i] == t)
			lb_tracers[i] = NULL;
	pthread_mutex_unlock(&lb_lock);
	for (i = 0; i < t->nr_ev; i++)
		free(t->ev[i]);
	if (t->fd >= 0)
		close(t->fd);
	if (t->sock >= 0)
		close(t->sock);
	free(t->collector);
	free(t);
}

struct logbuf_event *logbuf_event_new(struct logbuf_tracer *t,
				      const char *name, const char *fields)
{
	struct logbuf_event *ev;
	struct logbuf_event_new a = { .size = sizeof(a) };
	unsigned int i;
	int n;

	if (!t || !name || !fields || logbuf_tev_name_ok(name) ||
	    strnlen(fields, LOGBUF_TEV_SPEC_MAX) == LOGBUF_TEV_SPEC_MAX) {
		errno = EINVAL;
		return NULL;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return NULL;
	n = logbuf_tev_parse(fields, ev->f);
	if (n < 0) {
		free(ev);
		errno = -n;
		return NULL;
	}
	ev->nf = n;
	ev->tracer = t;
	ev->fixed = sizeof(struct logbuf_tev);
	snprintf(ev->spec, sizeof(ev->spec), "%s", fields);
	if (t->collector) {
		ev->stamp = true;
		ev->fixed += LB_STAMP_SIZE;
	}
	ev->all64 = true;
	/* The 8-byte store of a narrower field needs its low bytes first. */
	ev->allint = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	for (i = 0; i < ev->nf; i++) {
		ev->n[i] = ev->f[i].n;
		ev->op[i] = ev->f[i].type == LOGBUF_TEV_INT ? ev->f[i].size :
			    ev->f[i].type == LOGBUF_TEV_STR ? LB_OP_STR :
							      LB_OP_BYTES;
		if (ev->op[i] != 8)
			ev->all64 = false;
		if (ev->op[i] > 8)
			ev->allint = false;
		if (ev->f[i].type == LOGBUF_TEV_INT)
			ev->fixed += ev->f[i].size;
		else if (ev->f[i].type == LOGBUF_TEV_BYTES)
			ev->fixed += ev->f[i].n;
		else
			ev->fixed += 2, ev->nstr++;
	}
	if (t->fd >= 0) {
		a.name = (uintptr_t)name;
		a.fields = (uintptr_t)fields;
		a.full_name = (uintptr_t)ev->name;
		if (ioctl(t->fd, LOGBUF_IOC_EVENT_NEW, &a)) {
			n = errno;
			free(ev);
			errno = n;
			return NULL;
		}
		ev->id = a.id;
	} else {
		snprintf(ev->name, sizeof(ev->name), "%s", name);
	}
	pthread_mutex_lock(&lb_lock);
	for (i = 0; i < t->nr_ev; i++) {
		if (t->fd >= 0 ? t->ev[i]->id == ev->id :
				 !strcmp(t->ev[i]->name, ev->name))
			break;
	}
	if (i < t->nr_ev && t->fd < 0 &&
	    (t->ev[i]->nf != ev->nf ||
	     memcmp(t->ev[i]->f, ev->f, ev->nf * sizeof(ev->f[0])))) {
		/* The same name with other fields, as the kernel refuses. */
		free(ev);
		ev = NULL;
		errno = EEXIST;
	} else if (i < t->nr_ev) {
		/* Declared again: the same event, the same handle. */
		free(ev);
		ev = t->ev[i];
	} else if (t->nr_ev == sizeof(t->ev) / sizeof(t->ev[0])) {
		free(ev);
		ev = NULL;
		errno = ENOSPC;
	} else {
		if (t->fd < 0)
			ev->id = t->nr_ev;
		t->ev[t->nr_ev++] = ev;
		/*
		 * A collector learns of it before any record of it: a forked
		 * child's connection declares every event when it is made.
		 */
		if (t->collector &&
		    (t->sock < 0 ? lb_connect(t) :
		     lb_send(t, LB_MSG_EVENT, ev->id, ev->name, ev->spec, -1))) {
			n = errno;
			t->ev[--t->nr_ev] = NULL;
			free(ev);
			ev = NULL;
			errno = n;
		}
	}
	pthread_mutex_unlock(&lb_lock);
	return ev;
}

const char *logbuf_event_name(const struct logbuf_event *ev)
{
	return ev->name;
}

/*
 * A collected tracer's ring for @tr's thread: a kernel ring whose consumer
 * end goes to the collector.  Return: 0 or an errno.
 */
static int lb_collected_ring(struct logbuf_tracer *t, struct lb_tring *tr)
{
	int prod, cons, err;

	if (t->sock < 0 && lb_connect(t))
		return errno;
	err = -logbuf_dev_create(t->capacity, 0, &prod, &cons);
	if (err)
		return err;
	err = lb_send(t, LB_MSG_RING, (uint32_t)tr->tid, NULL, NULL, cons) ?
	      errno : 0;
	close(cons);
	if (!err) {
		tr->ring = logbuf_ring_open(prod);
		err = errno;
	}
	close(prod);
	return err;
}

/*
 * The calling thread's ring of @t: made on its first event.  Out of line,
 * as lb_full(): the emit path stays small enough for the claim to inline.
 */
static __attribute__((noinline, cold)) struct lb_tring *
lb_tring_get(struct logbuf_tracer *t)
{
	struct logbuf_tracer_ring a = { .size = sizeof(a) };
	struct lb_thread *thr;
	struct lb_tring *tr;
	int err = 0;

	pthread_mutex_lock(&lb_lock);
	thr = pthread_getspecific(lb_key);
	if (!thr) {
		thr = calloc(1, sizeof(*thr));
		if (!thr || pthread_setspecific(lb_key, thr)) {
			free(thr);
			err = ENOMEM;
			goto out;
		}
	}
	for (tr = thr->rings; tr; tr = tr->hnext)
		if (tr->tracer == t)
			goto found;
	tr = calloc(1, sizeof(*tr));
	if (!tr) {
		err = ENOMEM;
		goto out;
	}
	tr->tracer = t;
	tr->thr = thr;
	tr->tid = (pid_t)syscall(SYS_gettid);
	if (t->fd >= 0) {
		a.capacity = t->capacity;
		if (ioctl(t->fd, LOGBUF_IOC_TRACER_RING, &a)) {
			err = errno;
			goto out_free;
		}
		tr->ring = logbuf_ring_open(a.prod_fd);
		err = errno;
		close(a.prod_fd);
	} else if (t->collector) {
		err = lb_collected_ring(t, tr);
	} else {
		tr->ring = logbuf_ring_new(t->capacity, 0);
		err = errno;
		if (tr->ring) {
			tr->c = logbuf_consumer_new(tr->ring);
			err = errno;
		}
	}
	if (!tr->ring || ((t->flags & LOGBUF_TRACER_HEAP) && !tr->c))
		goto out_free;
	/* A child never sees (nor writes) its parent's rings. */
	madvise(tr->ring->map, tr->ring->map_len, MADV_DONTFORK);
	tr->p = logbuf_producer_new(tr->ring);
	if (!tr->p) {
		err = errno;
		goto out_free;
	}
	tr->tnext = t->rings;
	tr->tprev = &t->rings;
	if (t->rings)
		t->rings->tprev = &tr->tnext;
	t->rings = tr;
	tr->hnext = thr->rings;
	tr->hprev = &thr->rings;
	if (thr->rings)
		thr->rings->hprev = &tr->hnext;
	thr->rings = tr;
found:
	lb_cache.serial = t->serial;
	lb_cache.tr = tr;
	pthread_mutex_unlock(&lb_lock);
	return tr;

out_free:
	logbuf_consumer_free(tr->c);
	logbuf_ring_free(tr->ring);
	free(tr);
out:
	pthread_mutex_unlock(&lb_lock);
	errno = err ? err : ENOMEM;
	return NULL;
}

/* Full: ring (the kernel drains now), try again, wait if asked to. */
static __attribute__((noinline, cold)) int
lb_full(struct logbuf_tracer *t, struct lb_tring *tr, size_t len, void **dst)
{
	const struct timespec pause = { .tv_nsec = 50 * 1000 };
	int err;

	/* Only this thread writes it: a relaxed load and store, no lock. */
	atomic_store_explicit(&tr->full,
			      atomic_load_explicit(&tr->full,
						   memory_order_relaxed) + 1,
			      memory_order_relaxed);
	for (;;) {
		/*
		 * The kernel drains a ring this full in the doorbell's
		 * system call, on this thread (kmod/tracer.c): try again.
		 */
		if (tr->ring->fd >= 0 &&
		    ioctl(tr->ring->fd, LOGBUF_IOC_DOORBELL) && errno == EPIPE)
			return -EPIPE;
		err = logbuf_claim(tr->p, len, dst);
		if (err != -EAGAIN)
			return err;
		if (!(t->flags & LOGBUF_TRACER_WAIT))
			return -EAGAIN;
		nanosleep(&pause, NULL);
	}
}

/* The fields of a record from the caller's values, as the event says. */
static inline void lb_encode(const struct logbuf_event *ev,
			     const uint64_t *v, const uint16_t *lens,
			     unsigned char *d)
{
	unsigned int i, k = 0;

	memcpy(d, &ev->id, sizeof(uint32_t));
	d += sizeof(uint32_t);
	if (ev->stamp) {
		struct timespec ts;
		uint64_t ns;

		/* The vDSO's clock: no system call where it has one. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ns = (uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec;
		memcpy(d, &ns, LB_STAMP_SIZE);
		d += LB_STAMP_SIZE;
	}
	if (ev->all64) {
		/* Eight-byte moves: no call to memcpy() for a short copy. */
		for (i = 0; i < ev->nf; i++)
			memcpy(d + 8 * i, &v[i], 8);
		return;
	}
	i = 0;
	if (ev->allint) {
		/*
		 * Integers only: each one an eight-byte store of its value's
		 * low bytes first (little-endian), the next field overwriting
		 * the excess.  The last field goes through the switch: its
		 * excess would fall outside the claim.
		 */
		for (; i + 1 < ev->nf; i++) {
			memcpy(d, &v[i], 8);
			d += ev->op[i];
		}
	}
	for (; i < ev->nf; i++) {
		const void *s = (const void *)(uintptr_t)v[i];
		uint32_t v32 = (uint32_t)v[i];
		uint16_t v16 = (uint16_t)v[i], n;

		switch (ev->op[i]) {
		case 8:
			memcpy(d, &v[i], 8);
			d += 8;
			break;
		case 4:
			memcpy(d, &v32, 4);
			d += 4;
			break;
		case 2:
			memcpy(d, &v16, 2);
			d += 2;
			break;
		case 1:
			*d++ = (unsigned char)v[i];
			break;
		case LB_OP_STR:
			n = lens[k++];
			memcpy(d, &n, 2);
			if (n)
				memcpy(d + 2, s, n);
			d += 2 + n;
			break;
		default:
			if (s)
				memcpy(d, s, ev->n[i]);
			else
				memset(d, 0, ev->n[i]);
			d += ev->n[i];
			break;
		}
	}
}

/* flatten: the claim and the commit inline here, whatever the heuristics. */
__attribute__((flatten))
int logbuf_emitv(struct logbuf_event *ev, const uint64_t *v, unsigned int n)
{
	uint16_t lens[LOGBUF_TEV_FIELDS_MAX];
	struct lb_tring *tr = lb_cache.tr;
	struct logbuf_tracer *t;
	unsigned int i, k;
	size_t len;
	void *dst;
	int err;

	if (__logbuf_unlikely(!ev || n != ev->nf || (n && !v)))
		return -EINVAL;
	t = ev->tracer;
	if (__logbuf_unlikely(lb_cache.serial != t->serial)) {
		tr = lb_tring_get(t);
		if (!tr)
			return -errno;
	}
	len = ev->fixed;
	if (ev->nstr) {
		for (i = 0, k = 0; i < n; i++) {
			const char *s = (const char *)(uintptr_t)v[i];

			if (ev->op[i] != LB_OP_STR)
				continue;
			lens[k] = s ? strnlen(s, ev->n[i] - 1) : 0;
			len += lens[k++];
		}
	}
	/* A tracer's rings are SPSC, and a claim never stays open here. */
	err = __logbuf_spsc_claim(&tr->p->rv, &tr->p->ps, len, &dst);
	if (__logbuf_unlikely(err)) {
		if (err == -EAGAIN)
			err = lb_full(t, tr, len, &dst);
		if (err)
			return err;
	}
	lb_encode(ev, v, lens, dst);
	/* The commit: one release store (proto.h). */
	__logbuf_commit(&tr->p->rv, &tr->p->ps);
	lb_prefetchw(__logbuf_hdr_at(&tr->p->rv, tr->p->ps.tail + LB_PREFETCH));
	lb_prefetchw(__logbuf_hdr_at(&tr->p->rv,
				     tr->p->ps.tail + LB_PREFETCH + 64));
	/*
	 * A plain load, no barrier after the commit: pairs with the kernel's
	 * arming (set WAITING, full barrier, look again) only up to the store
	 * buffer; a record both sides miss is found by the armed tracer's slow
	 * tick (model/doorbell.pml).  Heap rings have no doorbell: their
	 * drain polls.
	 */
	if (__logbuf_unlikely(__logbuf_load(&tr->p->rv.meta->state) &
			      LOGBUF_STATE_WAITING) && tr->ring->fd >= 0)
		ioctl(tr->ring->fd, LOGBUF_IOC_DOORBELL);
	return 0;
}

int logbuf_tracer_drain(struct logbuf_tracer *t, logbuf_tracer_fn fn,
			void *ctx, unsigned int max)
{
	const struct logbuf_tev *h;
	struct lb_tring *tr, *next;
	unsigned int n = 0;
	const void *data;
	size_t len;
	int err = 0;

	if (!(t->flags & LOGBUF_TRACER_HEAP))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&lb_lock);
	for (tr = t->rings; tr && n < max; tr = next) {
		next = tr->tnext;
		if (!tr->p && logbuf_read(tr->c, &data, &len) == -EAGAIN) {
			/* Its thread is gone and it is empty. */
			lb_unlink(tr);
			lb_tring_free(tr);
			continue;
		}
		while (n < max && !logbuf_read(tr->c, &data, &len)) {
			h = data;
			if (len < sizeof(*h) || h->event >= t->nr_ev) {
				atomic_fetch_add_explicit(&t->errors, 1,
							  memory_order_relaxed);
			} else {
				err = fn(ctx, t->ev[h->event], tr->tid,
					 (const char *)data + sizeof(*h),
					 len - sizeof(*h));
			}
			logbuf_release(tr->c);
			atomic_fetch_add_explicit(&t->records, 1,
						  memory_order_relaxed);
			n++;
			if (err)
				goto out;
		}
	}
out:
	pthread_mutex_unlock(&lb_lock);
	return err ? err : (int)n;
}

void logbuf_tracer_stats(const struct logbuf_tracer *t,
			 struct logbuf_tracer_stats *st)
{
	struct logbuf_tracer_stats s = { .sz = sizeof(s) };
	struct logbuf_stats k = { .size = sizeof(k) };
	size_t sz = st->sz < sizeof(s) ? st->sz : sizeof(s);
	struct lb_tring *tr;

	pthread_mutex_lock(&lb_lock);
	s.full = atomic_load_explicit(&t->full, memory_order_relaxed);
	for (tr = t->rings; tr; tr = tr->tnext)
		s.full += atomic_load_explicit(&tr->full, memory_order_relaxed);
	pthread_mutex_unlock(&lb_lock);
	if (t->fd >= 0) {
		/* The kernel's counts: every ring of this tracer, done or not. */
		if (!ioctl(t->fd, LOGBUF_IOC_STATS, &k)) {
			s.rings = k.capacity;
			s.records = k.records_consumed;
			s.skips = k.skips;
			s.lost = k.lost;
			s.errors = k.errors;
		}
	} else {
		s.errors = atomic_load_explicit(&t->errors,
						memory_order_relaxed);
		s.records = atomic_load_explicit(&t->records,
						 memory_order_relaxed);
		pthread_mutex_lock(&lb_lock);
		for (tr = t->rings; tr; tr = tr->tnext)
			s.rings++;
		pthread_mutex_unlock(&lb_lock);
	}
	memcpy(st, &s, sz);
}
