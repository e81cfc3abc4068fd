// SPDX-License-Identifier: GPL-2.0
/*
 * A collector process: programs' typed events from per-thread kernel rings,
 * handed out in time order (every inversion counted as late), with their
 * fields; rings of exited threads freed; a forked child its own program; a
 * program killed after its commits or in the middle of a claim loses
 * nothing committed; a lying peer's messages, descriptors and records are
 * refused and counted while an honest program beside it loses nothing; a
 * program over the limit refused.  Runs as root and as uid 65534.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "../../lib/src/collect.h"

#define EV_SPEC	"u64 seq; u32 thr; char path[]"
#define NGOT	20000

struct got {
	uint64_t ns;
	int32_t pid;
	int32_t tid;
	uint64_t seq;
	uint32_t ftid;
	char name[LOGBUF_TEV_NAME_MAX + 1];
	char text[128];
};

struct sink {
	unsigned int n;
	unsigned int want;
	struct got *g;
};

static int take(void *ctx, const struct logbuf_collected *e)
{
	struct sink *s = ctx;
	struct got *g;

	if (s->n < NGOT) {
		g = &s->g[s->n];
		g->ns = e->ns;
		g->pid = e->pid;
		g->tid = e->tid;
		snprintf(g->name, sizeof(g->name), "%s", e->event);
		if (!strcmp(e->fields, EV_SPEC) && e->len >= 12) {
			memcpy(&g->seq, e->data, 8);
			memcpy(&g->ftid, (const char *)e->data + 8, 4);
		}
		if (logbuf_collected_format(e, g->text, sizeof(g->text)) < 0)
			snprintf(g->text, sizeof(g->text), "BAD");
	}
	s->n++;
	return s->want && s->n >= s->want;
}

/* Run @c until @s holds @want events (0: any number) or @ms passed. */
static void collect(struct logbuf_collector *c, struct sink *s,
		    unsigned int want, int ms)
{
	struct timespec t0, t1;
	int left = ms;

	s->want = want;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((!want || s->n < want) && left > 0) {
		if (logbuf_collector_run(c, take, s, left) < 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 +
				  (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
}

struct emitter {
	struct logbuf_event *ev;
	unsigned int n;
};

static void *emit_thread(void *arg)
{
	struct emitter *em = arg;
	pid_t tid = gettid();
	unsigned int i;

	for (i = 0; i < em->n; i++)
		while (logbuf_emit(em->ev, (uint64_t)i, (uint32_t)tid,
				   "/index.html") == -EAGAIN)
			usleep(100);
	return NULL;
}

/*
 * In a child: a tracer on @path, @nthreads threads each emitting @n events,
 * then exit (or, with @wait_fd >= 0, say so on it and wait to be killed).
 */
static pid_t spawn_program(const char *path, int nthreads, unsigned int n,
			   int wait_fd)
{
	pid_t pid = fork();
	pthread_t th[8];
	struct emitter em;
	struct logbuf_tracer *t;
	int i;

	if (pid)
		return pid;
	{
		LOGBUF_OPTS(logbuf_tracer_opts, o, .collector = path,
			    .ring_capacity = 64 << 10);

		t = logbuf_tracer_open(&o);
	}
	if (!t)
		_exit(10);
	em.ev = logbuf_event_new(t, "req", EV_SPEC);
	em.n = n;
	if (!em.ev)
		_exit(11);
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, emit_thread, &em))
			_exit(12);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	if (wait_fd >= 0) {
		if (write(wait_fd, "x", 1) != 1)
			_exit(13);
		pause();
	}
	logbuf_tracer_close(t);
	_exit(0);
}

FIXTURE(coll) {
	char path[108];
	struct logbuf_collector *c;
	struct sink s;
};

FIXTURE_SETUP(coll)
{
	if (access(DEV, R_OK | W_OK))
		SKIP(return, "no /dev/logbuf");
	snprintf(self->path, sizeof(self->path), "/tmp/lbcoll-%d.sock",
		 (int)getpid());
	unlink(self->path);
	self->c = logbuf_collector_new(self->path, NULL);
	ASSERT_NE(NULL, self->c);
	self->s.g = calloc(NGOT, sizeof(struct got));
	ASSERT_NE(NULL, self->s.g);
}

FIXTURE_TEARDOWN(coll)
{
	logbuf_collector_free(self->c);
	free(self->s.g);
}

static void stats(struct logbuf_collector *c, struct logbuf_collector_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->sz = sizeof(*st);
	logbuf_collector_stats(c, st);
}

/* 3 threads x 2000 events: all of them, each ring in order, time order. */
TEST_F(coll, threads_events_merged_in_time_order)
{
	struct logbuf_collector_stats st;
	uint64_t next[3] = { 0 };
	int32_t tids[3] = { 0 };
	unsigned int i, k, inv = 0;
	int status;
	pid_t pid;

	pid = spawn_program(self->path, 3, 2000, -1);
	collect(self->c, &self->s, 6000, 60000);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	ASSERT_EQ(6000, self->s.n);
	for (i = 0; i < 6000; i++) {
		struct got *g = &self->s.g[i];

		ASSERT_EQ(pid, g->pid);
		ASSERT_STREQ("req", g->name);
		/* The tid the ring was sent with is the one in the fields. */
		ASSERT_EQ((uint32_t)g->tid, g->ftid);
		for (k = 0; k < 3 && tids[k] && tids[k] != g->tid; k++)
			;
		ASSERT_LT(k, 3);
		tids[k] = g->tid;
		/* Each thread's events in the order it emitted them. */
		ASSERT_EQ(next[k], g->seq);
		next[k]++;
		if (i && g->ns < self->s.g[i - 1].ns)
			inv++;
	}
	ASSERT_EQ(2000, next[0]);
	ASSERT_EQ(2000, next[1]);
	ASSERT_EQ(2000, next[2]);
	EXPECT_NE(NULL, strstr(self->s.g[0].text, "seq=0 thr="));
	EXPECT_NE(NULL, strstr(self->s.g[0].text, " path=\"/index.html\""));
	/* Out of time order only as counted (a thread held past hold_ms). */
	stats(self->c, &st);
	EXPECT_EQ(inv, st.late);
	EXPECT_EQ(6000, st.records);
	EXPECT_EQ(0, st.errors);
	/* The threads are gone: their rings are freed once drained. */
	collect(self->c, &self->s, 6001, 500);
	stats(self->c, &st);
	EXPECT_EQ(0, st.rings);
	EXPECT_EQ(0, st.programs);
}

/* A child forked by a program is a program of its own, in its own rings. */
TEST_F(coll, forked_child_is_its_own_program)
{
	struct logbuf_tracer *t;
	struct logbuf_event *ev;
	int status, i, parent = 0, child = 0;
	pid_t pid, prog;

	prog = fork();
	if (!prog) {
		LOGBUF_OPTS(logbuf_tracer_opts, o, .collector = self->path);

		t = logbuf_tracer_open(&o);
		ev = t ? logbuf_event_new(t, "req", EV_SPEC) : NULL;
		if (!ev || logbuf_emit(ev, 1, 0, "parent"))
			_exit(10);
		pid = fork();
		if (!pid)
			_exit(logbuf_emit(ev, 2, 0, "child") ? 11 : 0);
		if (waitpid(pid, &status, 0) != pid || status)
			_exit(12);
		_exit(logbuf_emit(ev, 3, 0, "parent") ? 13 : 0);
	}
	collect(self->c, &self->s, 3, 30000);
	ASSERT_EQ(prog, waitpid(prog, &status, 0));
	ASSERT_EQ(0, status);
	ASSERT_EQ(3, self->s.n);
	for (i = 0; i < 3; i++) {
		if (self->s.g[i].pid == prog)
			parent++;
		else if (strstr(self->s.g[i].text, "\"child\""))
			child++;
	}
	EXPECT_EQ(2, parent);
	EXPECT_EQ(1, child);
}

/* Killed after its commits: every committed event is handed out. */
TEST_F(coll, killed_program_loses_nothing_committed)
{
	int p[2], status;
	char x;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = spawn_program(self->path, 2, 1500, p[1]);
	/* Collect while it runs: its 64 KiB rings hold fewer than 1500. */
	while (self->s.n < 3000) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };

		collect(self->c, &self->s, 3000, 50);
		if (poll(&pf, 1, 0) == 1)
			break;
	}
	ASSERT_EQ(1, read(p[0], &x, 1));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	collect(self->c, &self->s, 3000, 30000);
	EXPECT_EQ(3000, self->s.n);
	close(p[0]);
	close(p[1]);
}

/* A raw peer: a connection, and messages of its own making. */
static int peer_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return s;
}

static int peer_send(int s, const void *m, size_t len, const int *fds, int nfd)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)m, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (nfd) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(nfd * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfd * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfd * sizeof(int));
	}
	return sendmsg(s, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

static struct lb_msg msg(uint16_t type, uint32_t id, const char *name,
			 const char *fields)
{
	struct lb_msg m = {
		.magic = LB_MSG_MAGIC, .version = LB_MSG_VERSION,
		.type = type, .id = id,
	};

	if (name)
		snprintf(m.name, sizeof(m.name), "%s", name);
	if (fields)
		snprintf(m.fields, sizeof(m.fields), "%s", fields);
	return m;
}

/* One record written straight into a mapped ring: event, stamp, fields. */
static int raw_record(struct logbuf_producer *p, uint32_t event, uint64_t ns,
		      const void *f, size_t len)
{
	unsigned char buf[256];
	struct timespec ts;

	if (ns == 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ns = (uint64_t)ts.tv_sec * 1000000000U + ts.tv_nsec;
	}
	memcpy(buf, &event, 4);
	memcpy(buf + 4, &ns, 8);
	memcpy(buf + 12, f, len);
	return logbuf_write(p, buf, 12 + len);
}

/*
 * One connection per lie: each is refused and counted and ends that
 * connection; the collector goes on, and an honest program running at the
 * same time loses nothing.
 */
TEST_F(coll, lying_peers_are_refused_and_counted)
{
	struct logbuf_collector_stats st;
	struct lb_msg m;
	int s, pfd, cfd, pp[2], fds[2], status, i, lies = 0;
	struct logbuf_ring *r;
	struct logbuf_producer *p;
	unsigned char f[64];
	uint16_t n16;
	uint64_t seq;
	uint32_t tid = 7;
	pid_t pid;

	pid = spawn_program(self->path, 1, 1000, -1);

	/* Too short a message. */
	s = peer_connect(self->path);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, peer_send(s, "hello", 5, NULL, 0));
	lies++;
	/* A bad magic number. */
	s = peer_connect(self->path);
	m = msg(LB_MSG_EVENT, 0, "e", "u32 a");
	m.magic = 1;
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), NULL, 0));
	lies++;
	/* A name without its NUL, and bad fields. */
	s = peer_connect(self->path);
	m = msg(LB_MSG_EVENT, 0, NULL, "u32 a");
	memset(m.name, 'a', sizeof(m.name));
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), NULL, 0));
	lies++;
	s = peer_connect(self->path);
	m = msg(LB_MSG_EVENT, 0, "e", "float a");
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), NULL, 0));
	lies++;
	/* Events out of their order. */
	s = peer_connect(self->path);
	m = msg(LB_MSG_EVENT, 5, "e", "u32 a");
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), NULL, 0));
	lies++;
	/* A ring that is a pipe; a producer end; two descriptors. */
	ASSERT_EQ(0, pipe(pp));
	s = peer_connect(self->path);
	m = msg(LB_MSG_RING, 1, NULL, NULL);
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), pp, 1));
	lies++;
	ASSERT_EQ(0, kr_create(1 << 16, 0, &pfd, &cfd));
	s = peer_connect(self->path);
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), &pfd, 1));
	lies++;
	s = peer_connect(self->path);
	fds[0] = cfd;
	fds[1] = pp[0];
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), fds, 2));
	lies++;
	/* The same ring twice (then its producer goes: it is freed). */
	ASSERT_EQ(0, kr_create(1 << 16, 0, &fds[0], &fds[1]));
	s = peer_connect(self->path);
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), &fds[1], 1));
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), &fds[1], 1));
	lies++;
	close(fds[0]);
	close(fds[1]);
	close(pp[0]);
	close(pp[1]);
	collect(self->c, &self->s, 0, 300);

	/*
	 * A ring with records that lie: an undeclared event, fields that do
	 * not match, a string longer than its bound; then one good record
	 * and one stamped far in the future, both handed out.
	 */
	r = logbuf_ring_open(pfd);
	ASSERT_NE(NULL, r);
	p = logbuf_producer_new(r);
	ASSERT_NE(NULL, p);
	s = peer_connect(self->path);
	m = msg(LB_MSG_EVENT, 0, "req", EV_SPEC);
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), NULL, 0));
	m = msg(LB_MSG_RING, tid, NULL, NULL);
	ASSERT_EQ(0, peer_send(s, &m, sizeof(m), &cfd, 1));
	seq = 99;
	memcpy(f, &seq, 8);
	memcpy(f + 8, &tid, 4);
	n16 = 2;
	memcpy(f + 12, &n16, 2);
	memcpy(f + 14, "ok", 2);
	ASSERT_EQ(0, raw_record(p, 3, 0, f, 16));	/* undeclared */
	ASSERT_EQ(0, raw_record(p, 0, 0, f, 15));	/* short */
	ASSERT_EQ(0, raw_record(p, 0, 0, f, 17));	/* long */
	n16 = 5000;
	memcpy(f + 12, &n16, 2);
	ASSERT_EQ(0, raw_record(p, 0, 0, f, 16));	/* bad length */
	ASSERT_EQ(0, raw_record(p, 0, 0, f, 10));	/* truncated */
	n16 = 2;
	memcpy(f + 12, &n16, 2);
	ASSERT_EQ(0, raw_record(p, 0, 0, f, 16));	/* good */
	ASSERT_EQ(0, raw_record(p, 0, UINT64_MAX - 1, f, 16));	/* future */
	logbuf_producer_free(p);
	logbuf_ring_free(r);
	close(pfd);
	close(cfd);

	collect(self->c, &self->s, 1002, 60000);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	EXPECT_EQ(1002, self->s.n);
	for (i = 0, seq = 0; i < (int)self->s.n && i < NGOT; i++)
		if (self->s.g[i].seq == 99 && self->s.g[i].tid == 7)
			seq++;
	EXPECT_EQ(2, seq);
	close(s);
	collect(self->c, &self->s, 0, 300);
	stats(self->c, &st);
	EXPECT_EQ(lies + 5, st.errors);
	EXPECT_EQ(0, st.rings);
	EXPECT_EQ(0, st.programs);
}

/* Two records and half of one, then say so on @wfd and wait to die. */
static void __attribute__((noreturn, noinline)) mid_claim_child(const char *path,
						      int wfd)
{
	unsigned char f[16] = { 0 };
	struct logbuf_producer *p;
	struct logbuf_ring *r;
	uint16_t two = 2;
	struct lb_msg m;
	int s, pfd = -1, cfd = -1;
	void *dst;

	if (kr_create(1 << 16, 0, &pfd, &cfd))
		_exit(10);
	s = peer_connect(path);
	m = msg(LB_MSG_EVENT, 0, "req", EV_SPEC);
	if (s < 0 || peer_send(s, &m, sizeof(m), NULL, 0))
		_exit(11);
	m = msg(LB_MSG_RING, (uint32_t)getpid(), NULL, NULL);
	if (peer_send(s, &m, sizeof(m), &cfd, 1))
		_exit(12);
	r = logbuf_ring_open(pfd);
	p = r ? logbuf_producer_new(r) : NULL;
	if (!p)
		_exit(13);
	memcpy(f + 12, &two, 2);
	if (raw_record(p, 0, 0, f, 16) || raw_record(p, 0, 0, f, 16))
		_exit(14);
	/* Half a record, never committed. */
	if (logbuf_claim(p, 28, &dst))
		_exit(15);
	memset(dst, 0xab, 10);
	if (write(wfd, "x", 1) != 1)
		_exit(16);
	for (;;)
		pause();
}

/* A claim left open by a thread that died: skipped, counted, not lost. */
TEST_F(coll, killed_mid_claim_skips_the_half_record)
{
	struct logbuf_collector_stats st;
	int status, sync[2];
	pid_t pid;
	char x;

	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	if (!pid)
		mid_claim_child(self->path, sync[1]);
	ASSERT_EQ(1, read(sync[0], &x, 1));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	collect(self->c, &self->s, 2, 30000);
	EXPECT_EQ(2, self->s.n);
	collect(self->c, &self->s, 0, 300);
	stats(self->c, &st);
	EXPECT_EQ(0, st.rings);
	EXPECT_EQ(1, st.skips);
	EXPECT_EQ(0, st.errors);
	close(sync[0]);
	close(sync[1]);
}

static void *emit_once(void *arg)
{
	return (void *)(intptr_t)logbuf_emit((struct logbuf_event *)arg, 1, 2,
					     "x");
}

/*
 * In a child: threads one after another, each emitting once (its first
 * event sends its ring), until one fails.  Exit 0 if that was EAGAIN.
 */
static void __attribute__((noreturn, noinline)) stuck_child(const char *path)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .collector = path,
		    .ring_capacity = 4096);
	struct logbuf_tracer *t = logbuf_tracer_open(&o);
	struct logbuf_event *ev = t ? logbuf_event_new(t, "req", EV_SPEC) : NULL;
	pthread_t th;
	void *ret;
	int i;

	if (!ev)
		_exit(10);
	for (i = 0; i < 1000; i++) {
		if (pthread_create(&th, NULL, emit_once, ev) ||
		    pthread_join(th, &ret))
			_exit(11);
		if ((intptr_t)ret == -EAGAIN)
			_exit(0);
		if (ret)
			_exit(12);
	}
	_exit(13);
}

/*
 * A collector that never reads its socket: a program's threads fill it
 * with their rings, and the next thread's first event fails with EAGAIN
 * after a bounded wait instead of hanging (the harness's timeout would
 * catch a hang).
 */
TEST_F(coll, stuck_collector_fails_a_first_event_not_hangs)
{
	int status;
	pid_t pid;

	pid = fork();
	if (!pid)
		stuck_child(self->path);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
}

/* More programs than max_programs: refused and counted. */
TEST(collector_refuses_programs_over_its_limit)
{
	LOGBUF_OPTS(logbuf_collector_opts, o, .max_programs = 1);
	struct logbuf_collector_stats st = { .sz = sizeof(st) };
	struct logbuf_collector *c;
	struct sink s = { 0 };
	char path[108];
	int a, b;

	if (access(DEV, R_OK | W_OK))
		SKIP(return, "no /dev/logbuf");
	snprintf(path, sizeof(path), "/tmp/lbcoll-lim-%d.sock", (int)getpid());
	unlink(path);
	c = logbuf_collector_new(path, &o);
	ASSERT_NE(NULL, c);
	/* The path is taken. */
	EXPECT_EQ(NULL, logbuf_collector_new(path, NULL));
	EXPECT_EQ(EADDRINUSE, errno);
	a = peer_connect(path);
	b = peer_connect(path);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	s.g = calloc(1, sizeof(struct got) * NGOT);
	collect(c, &s, 0, 200);
	logbuf_collector_stats(c, &st);
	EXPECT_EQ(1, st.programs);
	EXPECT_EQ(1, st.refused);
	close(a);
	close(b);
	logbuf_collector_free(c);
	EXPECT_NE(0, access(path, F_OK));
	free(s.g);
}

/* Options and arguments that are wrong get their errno. */
TEST(collector_bad_arguments)
{
	struct { struct logbuf_collector_opts o; uint64_t more; } big;
	LOGBUF_OPTS(logbuf_tracer_opts, heap, .collector = "/nonexistent/s",
		    .flags = LOGBUF_TRACER_HEAP);
	LOGBUF_OPTS(logbuf_tracer_opts, none, .collector = "/nonexistent/s");
	char longpath[200];

	EXPECT_EQ(NULL, logbuf_collector_new(NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	EXPECT_EQ(NULL, logbuf_collector_new(longpath, NULL));
	EXPECT_EQ(EINVAL, errno);
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.more = 1;
	EXPECT_EQ(NULL, logbuf_collector_new("/tmp/x.sock", &big.o));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(NULL, logbuf_tracer_open(&heap));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, logbuf_tracer_open(&none));
	EXPECT_EQ(ENOENT, errno);
}

TEST_HARNESS_MAIN
