// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * A collector: one process draining the tracers of others (collect.h has
 * what they send).  Each connected program is a struct lb_prog with its
 * declarations; each ring it sent is a struct lb_cring holding, once
 * read, its head record.  A round hands out the oldest head of all rings
 * again and again, until the oldest is younger than hold_ms: the merge
 * needs no copy, each record is read in place and released once handed out.
 *
 * Rounds follow the kernel tracer's tick (kmod/tracer.c): while records
 * come, every LB_TICK_BUSY_MS at most, at once while a ring is a quarter
 * full; after an empty round the collector parks in epoll on every ring's
 * consumer end, which sets the ring's WAITING (kmod/end.c), and on the
 * sockets.  A producer tests WAITING with a plain load after its commit
 * (tracer.c), so a record may be missed by both sides; the park's timeout,
 * idle_ms, bounds its delay (model/doorbell.pml).
 *
 * Nothing a program sends is trusted: every message is checked whole and
 * a bad one ends the connection (its rings are still drained); every
 * record is checked against its declaration, and a bad one is counted and
 * skipped; the rings themselves are read by liblogbuf's consumer, which
 * checks every word of shared state it reads.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "logbuf.h"
#include "internal.h"
#include "collect.h"

#define LB_TICK_BUSY_MS		2
#define LB_RINGS_MAX		1024	/* rings of one program */
#define LB_EVENTS_MAX		64	/* events of one program */
#define LB_ROUND_MAX		65536	/* records handed out per round */
#define LB_FUTURE_NS		1000000000ULL

struct lb_cev {
	unsigned int nf;
	struct logbuf_tev_field f[LOGBUF_TEV_FIELDS_MAX];
	char name[LOGBUF_TEV_NAME_MAX + 1];
	char spec[LOGBUF_TEV_SPEC_MAX];
};

/* A connected program; freed when it hung up and its rings are gone. */
struct lb_prog {
	struct lb_prog *next;
	int sock;
	pid_t pid;
	uid_t uid;
	unsigned int nrings;
	unsigned int nr_ev;
	struct lb_cev *ev[LB_EVENTS_MAX];
};

/* One thread's ring, and its head record once read. */
struct lb_cring {
	struct lb_cring *next;
	struct lb_prog *prog;
	struct logbuf_receiver *rx;
	int fd;
	int32_t tid;
	uint64_t id;
	uint64_t capacity;
	uint64_t bytes;		/* handed out this round */
	bool has;
	const void *data;
	size_t len;
	uint64_t ns;
	struct lb_cev *ev;
};

struct logbuf_collector {
	int lsock;
	int ep_ctl;		/* the listener and the programs' sockets */
	int ep_all;		/* ep_ctl and every ring: the idle park */
	struct sockaddr_un addr;
	uint64_t hold_ns;
	int idle_ms;
	unsigned int max_programs;
	unsigned int nprogs;
	unsigned int nrings;
	struct lb_prog *progs;
	struct lb_cring *rings;
	uint64_t last_ns;
	struct logbuf_collector_stats st;
};

static uint64_t lb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec;
}

struct logbuf_collector *
logbuf_collector_new(const char *path, const struct logbuf_collector_opts *opts)
{
	struct epoll_event ee = { .events = EPOLLIN };
	struct logbuf_collector *c;
	int err = __logbuf_opts_check(opts, sizeof(*opts));

	if (!err && (!path || !*path ||
		     strlen(path) >= sizeof(c->addr.sun_path)))
		err = -EINVAL;
	if (err) {
		errno = -err;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	/* 0 is the default, as everywhere in struct logbuf_*_opts. */
	c->hold_ns = LOGBUF_OPTS_GET(opts, hold_ms, 0) * 1000000ULL;
	c->idle_ms = (int)LOGBUF_OPTS_GET(opts, idle_ms, 0);
	c->max_programs = LOGBUF_OPTS_GET(opts, max_programs, 0);
	if (!c->hold_ns)
		c->hold_ns = 10 * 1000000ULL;
	if (c->idle_ms <= 0 || c->idle_ms > 60000)
		c->idle_ms = 100;
	if (!c->max_programs)
		c->max_programs = 64;
	c->ep_ctl = c->ep_all = -1;
	c->addr.sun_family = AF_UNIX;
	strcpy(c->addr.sun_path, path);
	c->lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
			  SOCK_CLOEXEC, 0);
	if (c->lsock < 0)
		goto fail;
	if (bind(c->lsock, (struct sockaddr *)&c->addr, sizeof(c->addr)))
		goto fail;
	if (listen(c->lsock, 64))
		goto fail_unlink;
	c->ep_ctl = epoll_create1(EPOLL_CLOEXEC);
	c->ep_all = epoll_create1(EPOLL_CLOEXEC);
	if (c->ep_ctl < 0 || c->ep_all < 0)
		goto fail_unlink;
	ee.data.ptr = c;
	if (epoll_ctl(c->ep_ctl, EPOLL_CTL_ADD, c->lsock, &ee))
		goto fail_unlink;
	ee.data.ptr = NULL;
	if (epoll_ctl(c->ep_all, EPOLL_CTL_ADD, c->ep_ctl, &ee))
		goto fail_unlink;
	return c;

fail_unlink:
	err = errno;
	unlink(c->addr.sun_path);
	errno = err;
fail:
	err = errno;
	if (c->lsock >= 0)
		close(c->lsock);
	if (c->ep_ctl >= 0)
		close(c->ep_ctl);
	if (c->ep_all >= 0)
		close(c->ep_all);
	free(c);
	errno = err;
	return NULL;
}

static void lb_prog_put(struct logbuf_collector *c, struct lb_prog *p)
{
	struct lb_prog **pp;
	unsigned int i;

	if (p->sock >= 0 || p->nrings)
		return;
	for (pp = &c->progs; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	for (i = 0; i < p->nr_ev; i++)
		free(p->ev[i]);
	free(p);
}

/* The program hung up or broke the protocol: no more messages from it. */
static void lb_prog_hangup(struct logbuf_collector *c, struct lb_prog *p)
{
	if (p->sock < 0)
		return;
	epoll_ctl(c->ep_ctl, EPOLL_CTL_DEL, p->sock, NULL);
	close(p->sock);
	p->sock = -1;
	c->nprogs--;
	lb_prog_put(c, p);
}

static void lb_ring_free(struct logbuf_collector *c, struct lb_cring *r)
{
	struct logbuf_consumer *cons = logbuf_receiver_consumer(r->rx);
	struct lb_cring **pp;
	struct logbuf_ring_stats s;
	struct lb_prog *p = r->prog;

	for (pp = &c->rings; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	logbuf_ring_stats(cons->ring, &s);
	c->st.skips += s.skips;
	epoll_ctl(c->ep_all, EPOLL_CTL_DEL, r->fd, NULL);
	close(r->fd);
	logbuf_receiver_free(r->rx);
	free(r);
	c->nrings--;
	p->nrings--;
	lb_prog_put(c, p);
}

static bool lb_nul_in(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

static int lb_take_event(struct lb_prog *p, const struct lb_msg *m)
{
	struct lb_cev *e;
	int n;

	if (m->id != p->nr_ev || p->nr_ev == LB_EVENTS_MAX ||
	    !lb_nul_in(m->name, sizeof(m->name)) ||
	    !lb_nul_in(m->fields, sizeof(m->fields)) ||
	    logbuf_tev_name_ok(m->name))
		return -EPROTO;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	n = logbuf_tev_parse(m->fields, e->f);
	if (n < 0) {
		free(e);
		return -EPROTO;
	}
	e->nf = (unsigned int)n;
	memcpy(e->name, m->name, sizeof(e->name));
	memcpy(e->spec, m->fields, sizeof(e->spec));
	p->ev[p->nr_ev++] = e;
	return 0;
}

static int lb_take_ring(struct logbuf_collector *c, struct lb_prog *p,
			const struct lb_msg *m, int fd)
{
	struct logbuf_info info = { .size = sizeof(info) };
	struct epoll_event ee = { .events = EPOLLIN };
	struct lb_cring *r;

	if (p->nrings == LB_RINGS_MAX || ioctl(fd, LOGBUF_IOC_INFO, &info) ||
	    info.role != LOGBUF_ROLE_CONS || (info.ring_flags &
					      ~LOGBUF_RING_MPSC))
		return -EPROTO;
	/* The same ring twice would be two consumers of one head. */
	for (r = c->rings; r; r = r->next)
		if (r->id == info.id)
			return -EPROTO;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->rx = logbuf_receiver_open(fd);
	if (!r->rx) {
		free(r);
		return -EPROTO;
	}
	r->fd = fd;
	r->prog = p;
	r->tid = (int32_t)m->id;
	r->id = info.id;
	r->capacity = info.capacity;
	/* Also arms the ring: the kernel's poll sets WAITING. */
	ee.data.ptr = r;
	if (epoll_ctl(c->ep_all, EPOLL_CTL_ADD, fd, &ee)) {
		logbuf_receiver_free(r->rx);
		free(r);
		return -errno;
	}
	r->next = c->rings;
	c->rings = r;
	c->nrings++;
	p->nrings++;
	return 0;
}

/* Every message @p has sent so far.  Return: false if it is gone. */
static bool lb_prog_read(struct logbuf_collector *c, struct lb_prog *p)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct lb_msg m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr mh;
	struct cmsghdr *cm;
	int fds[4], nfd, i, err;
	ssize_t n;

	while (p->sock >= 0) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		n = recvmsg(p->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		if (n <= 0) {
			lb_prog_hangup(c, p);
			return false;
		}
		nfd = 0;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SCM_RIGHTS)
				continue;
			for (i = 0; (size_t)i < (cm->cmsg_len - CMSG_LEN(0)) /
						sizeof(int) && nfd < 4; i++)
				memcpy(&fds[nfd++],
				       CMSG_DATA(cm) + i * sizeof(int),
				       sizeof(int));
		}
		err = -EPROTO;
		if (n == sizeof(m) && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) &&
		    m.magic == LB_MSG_MAGIC && m.version == LB_MSG_VERSION) {
			if (m.type == LB_MSG_EVENT && !nfd)
				err = lb_take_event(p, &m);
			else if (m.type == LB_MSG_RING && nfd == 1)
				err = lb_take_ring(c, p, &m, fds[0]);
		}
		/* A ring taken keeps its descriptor; close all others. */
		for (i = err ? 0 : 1; i < nfd; i++)
			close(fds[i]);
		if (err) {
			c->st.errors++;
			lb_prog_hangup(c, p);
			return false;
		}
	}
	return false;
}

static void lb_accept(struct logbuf_collector *c)
{
	struct epoll_event ee = { .events = EPOLLIN };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct lb_prog *p;
	int s;

	while ((s = accept4(c->lsock, NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (c->nprogs >= c->max_programs ||
		    getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
		    !(p = calloc(1, sizeof(*p)))) {
			c->st.refused++;
			close(s);
			continue;
		}
		p->sock = s;
		p->pid = cred.pid;
		p->uid = cred.uid;
		ee.data.ptr = p;
		if (epoll_ctl(c->ep_ctl, EPOLL_CTL_ADD, s, &ee)) {
			c->st.refused++;
			close(s);
			free(p);
			continue;
		}
		p->next = c->progs;
		c->progs = p;
		c->nprogs++;
	}
}

/* The sockets that have something: @ee from an epoll_wait() on ep_ctl. */
static void lb_control(struct logbuf_collector *c, struct epoll_event *ee,
		       int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (ee[i].data.ptr == c)
			lb_accept(c);
		else
			lb_prog_read(c, ee[i].data.ptr);
	}
}

/* Is @d, @len a record of @e?  The module's own check. */
static bool lb_fields_ok(const struct lb_cev *e, const unsigned char *d,
			 size_t len)
{
	return len <= UINT32_MAX &&
	       !logbuf_tev_locate(e->f, e->nf, d, (uint32_t)len, NULL);
}

/*
 * Read @r's head record, if it has none held, and check it.  Return: 0 one
 * is held or the ring is empty; -EPIPE the ring is done (freed).
 */
static int lb_fill(struct logbuf_collector *c, struct lb_cring *r)
{
	const unsigned char *d;
	struct logbuf_tev h;
	size_t len;
	int err;

	while (!r->has) {
		err = logbuf_try_recv(r->rx, &r->data, &len);
		if (err == -EAGAIN)
			return 0;
		if (err) {
			/* -EPIPE: every producer gone, all read; else broken. */
			if (err != -EPIPE)
				c->st.errors++;
			lb_ring_free(c, r);
			return -EPIPE;
		}
		d = r->data;
		r->len = len;
		if (len < sizeof(h) + LB_STAMP_SIZE)
			goto bad;
		memcpy(&h, d, sizeof(h));
		/* Declared after our last read of its socket? Read it now. */
		if (h.event >= r->prog->nr_ev)
			lb_prog_read(c, r->prog);
		if (h.event >= r->prog->nr_ev)
			goto bad;
		r->ev = r->prog->ev[h.event];
		if (!lb_fields_ok(r->ev, d + sizeof(h) + LB_STAMP_SIZE,
				  len - sizeof(h) - LB_STAMP_SIZE))
			goto bad;
		memcpy(&r->ns, d + sizeof(h), LB_STAMP_SIZE);
		r->has = true;
		break;
bad:
		c->st.errors++;
		logbuf_recv_done(r->rx);
	}
	return 0;
}

/*
 * One round: hand out every held record old enough, oldest first.
 * Return: what @fn returned to stop, or 0; *@seen: records were held
 * or handed out; *@again: a ring was a quarter full, or the round's bound
 * was reached: go on at once.
 */
static int lb_round(struct logbuf_collector *c, logbuf_collect_fn fn,
		    void *ctx, bool *seen, bool *again)
{
	struct logbuf_collected e;
	struct lb_cring *r, *next, *min;
	uint64_t now = lb_now();
	unsigned int n = 0;
	bool future;
	int ret;

	*seen = *again = false;
	for (r = c->rings; r; r = next) {
		next = r->next;
		r->bytes = 0;
		lb_fill(c, r);
	}
	for (;;) {
		min = NULL;
		for (r = c->rings; r; r = r->next)
			if (r->has && (!min || r->ns < min->ns))
				min = r;
		if (!min)
			break;
		*seen = true;
		/*
		 * Younger than hold_ns: others may still show older ones.  A
		 * stamp from the future (a lying program) goes at once.
		 */
		future = min->ns > now + LB_FUTURE_NS;
		if (!future && min->ns + c->hold_ns > now)
			break;
		if (n++ == LB_ROUND_MAX) {
			*again = true;
			break;
		}
		e.ns = min->ns;
		e.pid = min->prog->pid;
		e.uid = min->prog->uid;
		e.tid = min->tid;
		e.event = min->ev->name;
		e.fields = min->ev->spec;
		e.data = (const unsigned char *)min->data +
			 sizeof(struct logbuf_tev) + LB_STAMP_SIZE;
		e.len = min->len - sizeof(struct logbuf_tev) - LB_STAMP_SIZE;
		if (min->ns < c->last_ns)
			c->st.late++;
		else if (!future)
			c->last_ns = min->ns;
		c->st.records++;
		ret = fn(ctx, &e);
		min->has = false;
		min->bytes += min->len + LOGBUF_HDR_SIZE;
		if (min->bytes >= min->capacity / 4)
			*again = true;
		logbuf_recv_done(min->rx);
		lb_fill(c, min);
		if (ret)
			return ret;
	}
	return 0;
}

int logbuf_collector_run(struct logbuf_collector *c, logbuf_collect_fn fn,
			 void *ctx, int timeout_ms)
{
	struct epoll_event ee[64];
	uint64_t end = timeout_ms < 0 ? UINT64_MAX :
		       lb_now() + (uint64_t)timeout_ms * 1000000U;
	bool seen, again;
	int ret, n, ms;
	uint64_t now;

	if (!c || !fn)
		return -EINVAL;
	for (;;) {
		n = epoll_wait(c->ep_ctl, ee, 64, 0);
		if (n > 0)
			lb_control(c, ee, n);
		ret = lb_round(c, fn, ctx, &seen, &again);
		if (ret)
			return ret;
		now = lb_now();
		if (now >= end)
			return 0;
		ms = again ? 0 : seen ? LB_TICK_BUSY_MS : c->idle_ms;
		if (end - now < (uint64_t)ms * 1000000U)
			ms = (int)((end - now + 999999) / 1000000U);
		if (seen || again) {
			/* Busy: the rings are not armed; the sockets are. */
			n = epoll_wait(c->ep_ctl, ee, 64, ms);
			if (n > 0)
				lb_control(c, ee, n);
		} else {
			/* Idle: park on everything (arms every ring). */
			n = epoll_wait(c->ep_all, ee, 64, ms);
		}
		if (n < 0 && errno == EINTR)
			return -EINTR;
		if (n < 0)
			return -errno;
	}
}

static int lb_put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int lb_put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*pos < size ? buf + *pos : NULL,
		      *pos < size ? size - *pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
	return n;
}

int logbuf_collected_format(const struct logbuf_collected *e, char *buf,
			    size_t size)
{
	struct logbuf_tev_field f[LOGBUF_TEV_FIELDS_MAX];
	uint16_t src[LOGBUF_TEV_FIELDS_MAX], n;
	const unsigned char *p;
	size_t pos = 0;
	unsigned int i, k;
	int64_t sv;
	uint64_t v;
	int nf;

	if (size)
		buf[0] = 0;
	nf = logbuf_tev_parse(e->fields, f);
	if (nf < 0 || e->len > UINT32_MAX ||
	    logbuf_tev_locate(f, (unsigned int)nf, e->data, (uint32_t)e->len,
			      src))
		return -EBADMSG;
	for (i = 0; i < (unsigned int)nf; i++) {
		p = (const unsigned char *)e->data + src[i];
		lb_put(buf, size, &pos, "%s%s=", i ? " " : "", f[i].name);
		switch (f[i].type) {
		case LOGBUF_TEV_INT:
			v = 0;
			memcpy(&v, p, f[i].size);
			if (f[i].is_signed) {
				sv = (int64_t)(v << (64 - 8 * f[i].size)) >>
				     (64 - 8 * f[i].size);
				lb_put(buf, size, &pos, "%lld", (long long)sv);
			} else {
				lb_put(buf, size, &pos, "%llu",
				       (unsigned long long)v);
			}
			break;
		case LOGBUF_TEV_STR:
			memcpy(&n, p - 2, 2);
			lb_put(buf, size, &pos, "\"");
			for (k = 0; k < n && p[k]; k++) {
				if (p[k] == '"' || p[k] == '\\')
					lb_put(buf, size, &pos, "\\%c", p[k]);
				else if (p[k] < 0x20 || p[k] >= 0x7f)
					lb_put(buf, size, &pos, "\\x%02x", p[k]);
				else
					lb_put(buf, size, &pos, "%c", p[k]);
			}
			lb_put(buf, size, &pos, "\"");
			break;
		default:
			for (k = 0; k < f[i].n; k++)
				lb_put(buf, size, &pos, "%02x", p[k]);
			break;
		}
	}
	return pos > INT_MAX ? INT_MAX : (int)pos;
}

void logbuf_collector_stats(const struct logbuf_collector *c,
			    struct logbuf_collector_stats *st)
{
	struct logbuf_collector_stats s = c->st;
	size_t sz = st->sz < sizeof(s) ? st->sz : sizeof(s);

	s.sz = sizeof(s);
	s.programs = c->nprogs;
	s.rings = c->nrings;
	memcpy(st, &s, sz);
}

void logbuf_collector_free(struct logbuf_collector *c)
{
	struct lb_prog *p, *pn;

	if (!c)
		return;
	while (c->rings)
		lb_ring_free(c, c->rings);
	for (p = c->progs; p; p = pn) {
		pn = p->next;
		lb_prog_hangup(c, p);
	}
	close(c->lsock);
	close(c->ep_ctl);
	close(c->ep_all);
	unlink(c->addr.sun_path);
	free(c);
}
