// SPDX-License-Identifier: GPL-2.0
/*
 * In-process tracers (LOGBUF_TRACER_HEAP): the same per-thread rings and
 * record encoding as kernel tracers, drained by logbuf_tracer_drain().
 * Every event of every thread comes back with its fields, in its thread's
 * order; exited threads' rings are drained, then freed; a forked child
 * never writes into its parent's rings; bad declarations are refused.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "logbuf/tevent.h"

#define NTHREADS	4
#define PER_THREAD	50000

struct seen {
	pid_t tid[NTHREADS];
	uint32_t next[NTHREADS];
	uint64_t bad;
	uint64_t total;
};

/* Decode "u32 seq; u64 v; char s[16]; u8 k[2]; s16 d" and check it. */
static int check(void *ctx, const struct logbuf_event *ev, int32_t tid,
		 const void *fields, size_t len)
{
	struct seen *s = ctx;
	const unsigned char *p = fields;
	uint32_t seq;
	uint64_t v;
	uint16_t n;
	int16_t d;
	char str[16];
	int k;

	for (k = 0; k < NTHREADS && s->tid[k] != tid; k++)
		;
	if (k == NTHREADS || len < 4 + 8 + 2) {
		s->bad++;
		return 0;
	}
	memcpy(&seq, p, 4);
	memcpy(&v, p + 4, 8);
	memcpy(&n, p + 12, 2);
	if (n > 15 || len != 4 + 8 + 2 + n + 2 + 2u) {
		s->bad++;
		return 0;
	}
	memcpy(str, p + 14, n);
	str[n] = 0;
	memcpy(&d, p + 14 + n + 2, 2);
	if (seq != s->next[k] || v != (uint64_t)seq << 20 ||
	    strcmp(str, seq % 2 ? "odd" : "even") ||
	    p[14 + n] != 0xab || p[15 + n] != (seq & 0xff) ||
	    d != -(int16_t)(seq & 0x7fff))
		s->bad++;
	s->next[k] = seq + 1;
	s->total++;
	return 0;
}

struct thr {
	struct logbuf_event *ev;
	pid_t tid;
	int ready;
};

static void *producer(void *arg)
{
	struct thr *t = arg;
	unsigned char key[2];
	uint32_t i;
	int err;

	t->tid = (pid_t)syscall(SYS_gettid);
	__atomic_store_n(&t->ready, 1, __ATOMIC_RELEASE);
	for (i = 0; i < PER_THREAD; i++) {
		key[0] = 0xab;
		key[1] = i & 0xff;
		do
			err = logbuf_emit(t->ev, i, (uint64_t)i << 20,
					  i % 2 ? "odd" : "even", key,
					  -(int)(i & 0x7fff));
		while (err == -EAGAIN);
		if (err)
			return (void *)1;
	}
	return NULL;
}

TEST(heap_tracer_delivers_every_event_in_order)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .flags = LOGBUF_TRACER_HEAP,
		    .ring_capacity = 1 << 14);
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	struct logbuf_tracer *t = logbuf_tracer_open(&o);
	struct thr th[NTHREADS];
	pthread_t pt[NTHREADS];
	struct seen s;
	void *ret;
	int i, n;

	ASSERT_NE(NULL, t);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < NTHREADS; i++) {
		th[i].ev = logbuf_event_new(t, "tt",
			"u32 seq; u64 v; char s[16]; u8 k[2]; s16 d");
		ASSERT_NE(NULL, th[i].ev);
		th[i].ready = 0;
		ASSERT_EQ(0, pthread_create(&pt[i], NULL, producer, &th[i]));
		while (!__atomic_load_n(&th[i].ready, __ATOMIC_ACQUIRE))
			sched_yield();
		s.tid[i] = th[i].tid;
	}
	/* Drain while they run, and after they are gone. */
	while (s.total < (uint64_t)NTHREADS * PER_THREAD) {
		n = logbuf_tracer_drain(t, check, &s, 4096);
		ASSERT_LE(0, n);
		if (!n)
			sched_yield();
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(pt[i], &ret);
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(0, s.bad);
	for (i = 0; i < NTHREADS; i++)
		EXPECT_EQ(PER_THREAD, s.next[i]);
	/* The exited threads' rings are empty: the next drain frees them. */
	EXPECT_EQ(0, logbuf_tracer_drain(t, check, &s, 4096));
	logbuf_tracer_stats(t, &st);
	EXPECT_EQ(0, st.rings);
	EXPECT_EQ((uint64_t)NTHREADS * PER_THREAD, st.records);
	EXPECT_EQ(0, st.errors);
	logbuf_tracer_close(t);
}

static int count(void *ctx, const struct logbuf_event *ev, int32_t tid,
		 const void *fields, size_t len)
{
	uint32_t seq;

	memcpy(&seq, fields, 4);
	/* The parent's events only: 0 .. 9 then 20 .. 29. */
	if (tid != getpid() || (seq >= 10 && seq < 20))
		return -EPROTO;
	(*(int *)ctx)++;
	return 0;
}

/* The child's events go to rings of its own, never its parent's. */
TEST(fork_child_never_writes_parent_rings)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .flags = LOGBUF_TRACER_HEAP);
	struct logbuf_tracer *t = logbuf_tracer_open(&o);
	struct logbuf_event *ev;
	int i, n = 0, status;
	pid_t pid;

	ASSERT_NE(NULL, t);
	ev = logbuf_event_new(t, "fk", "u32 seq");
	ASSERT_NE(NULL, ev);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, logbuf_emit(ev, i));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_tracer_stats st = { .sz = sizeof(st) };
		int m = 0;

		/* The child starts with no ring at all. */
		logbuf_tracer_stats(t, &st);
		if (st.rings)
			_exit(1);
		for (i = 10; i < 20; i++)
			if (logbuf_emit(ev, i))
				_exit(2);
		logbuf_tracer_stats(t, &st);
		if (st.rings != 1)
			_exit(3);
		/* ... and reads back only its own ten. */
		if (logbuf_tracer_drain(t, count, &m, 100) != -EPROTO)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	for (i = 20; i < 30; i++)
		ASSERT_EQ(0, logbuf_emit(ev, i));
	EXPECT_EQ(20, logbuf_tracer_drain(t, count, &n, 100));
	EXPECT_EQ(20, n);
	logbuf_tracer_close(t);
}

/* "char a[4]; char b[]" emitted as ("abcdef", NULL). */
static int strcheck(void *ctx, const struct logbuf_event *ev, int32_t tid,
		    const void *fields, size_t len)
{
	static const unsigned char want[] = { 3, 0, 'a', 'b', 'c', 0, 0 };

	if (len != sizeof(want) || memcmp(fields, want, len))
		((struct seen *)ctx)->bad++;
	return 0;
}

TEST(declarations)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .flags = LOGBUF_TRACER_HEAP);
	struct logbuf_tev_field f[LOGBUF_TEV_FIELDS_MAX];
	struct logbuf_tracer *t = logbuf_tracer_open(&o);
	LOGBUF_OPTS(logbuf_tracer_opts, bad_flag, .flags = 1U << 7);
	LOGBUF_OPTS(logbuf_tracer_opts, bad_cap, .ring_capacity = 5000);
	char many[LOGBUF_TEV_SPEC_MAX];
	struct logbuf_event *ev;
	struct seen s;
	int i;

	ASSERT_NE(NULL, t);
	EXPECT_EQ(3, logbuf_tev_parse(" u8 a ;s64 b;char c[] ; ", f));
	EXPECT_EQ(1, f[0].size);
	EXPECT_EQ(8, f[1].size);
	EXPECT_EQ(1, f[1].is_signed);
	EXPECT_EQ(LOGBUF_TEV_STR, f[2].type);
	EXPECT_EQ(0, logbuf_tev_parse("", f));
	EXPECT_EQ(-EINVAL, logbuf_tev_parse("u8 a[0]", f));
	EXPECT_EQ(-EINVAL, logbuf_tev_parse("char a[07]", f));
	EXPECT_EQ(-EINVAL, logbuf_tev_parse("u32 a;; u32 b u32 c", f));
	many[0] = 0;
	for (i = 0; i <= LOGBUF_TEV_FIELDS_MAX; i++) {
		sprintf(many + strlen(many), "u8 f%d;", i);
	}
	EXPECT_EQ(-E2BIG, logbuf_tev_parse(many, f));
	EXPECT_EQ(NULL, logbuf_event_new(t, "x", "u32 pid"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, logbuf_event_new(t, "x-y", "u32 a"));
	EXPECT_EQ(NULL, logbuf_event_new(t, NULL, "u32 a"));
	/* Options: an unknown flag, a capacity that is no power of two. */
	EXPECT_EQ(NULL, logbuf_tracer_open(&bad_flag));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(NULL, logbuf_tracer_open(&bad_cap));
	EXPECT_EQ(EINVAL, errno);
	/* A string cut to its bound, NULL as empty. */
	ev = logbuf_event_new(t, "s", "char a[4]; char b[]");
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, logbuf_emit(ev, "abcdef", NULL));
	memset(&s, 0, sizeof(s));
	EXPECT_EQ(1, logbuf_tracer_drain(t, strcheck, &s, 10));
	EXPECT_EQ(0, s.bad);
	logbuf_tracer_close(t);
}

struct wide {
	unsigned int calls;
	size_t len;
	unsigned char f[256];
};

static int keep(void *ctx, const struct logbuf_event *ev, int32_t tid,
		const void *fields, size_t len)
{
	struct wide *w = ctx;

	(void)ev, (void)tid;
	w->calls++;
	w->len = len;
	if (len <= sizeof(w->f))
		memcpy(w->f, fields, len);
	return 0;
}

/*
 * logbuf_emit() counts its arguments: a count other than the declared one
 * is -EINVAL and writes nothing; 0 and 16 fields, every width, and the
 * all-64-bit copy encode as struct logbuf_tev says.
 */
TEST(emit_counts_and_widths)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .flags = LOGBUF_TRACER_HEAP);
	struct logbuf_tracer *t = logbuf_tracer_open(&o);
	struct logbuf_event *none, *all64, *mixed, *sixteen;
	uint64_t want64[3] = { 1, UINT64_MAX, 1ULL << 40 };
	char spec[LOGBUF_TEV_SPEC_MAX] = "";
	struct wide w;
	int16_t s16;
	int32_t s32;
	uint64_t u;
	int i;

	ASSERT_NE(NULL, t);
	none = logbuf_event_new(t, "none", "");
	all64 = logbuf_event_new(t, "all64", "u64 a; s64 b; u64 c");
	mixed = logbuf_event_new(t, "mixed",
				 "u8 a; s16 b; u32 c; s32 d; u64 e; u8 k[3]");
	for (i = 0; i < LOGBUF_TEV_FIELDS_MAX; i++)
		sprintf(spec + strlen(spec), "u16 f%d;", i);
	sixteen = logbuf_event_new(t, "sixteen", spec);
	ASSERT_NE(NULL, none);
	ASSERT_NE(NULL, all64);
	ASSERT_NE(NULL, mixed);
	ASSERT_NE(NULL, sixteen);

	/* Wrong counts, and an array that is not there. */
	EXPECT_EQ(-EINVAL, logbuf_emit(all64, 1, 2));
	EXPECT_EQ(-EINVAL, logbuf_emit(none, 1));
	EXPECT_EQ(-EINVAL, logbuf_emit(mixed));
	EXPECT_EQ(-EINVAL, logbuf_emitv(all64, NULL, 3));
	EXPECT_EQ(-EINVAL, logbuf_emitv(NULL, want64, 3));
	memset(&w, 0, sizeof(w));
	EXPECT_EQ(0, logbuf_tracer_drain(t, keep, &w, 10));

	EXPECT_EQ(0, logbuf_emit(none));
	EXPECT_EQ(1, logbuf_tracer_drain(t, keep, &w, 10));
	EXPECT_EQ(0, w.len);

	EXPECT_EQ(0, logbuf_emit(all64, 1, -1, 1ULL << 40));
	EXPECT_EQ(1, logbuf_tracer_drain(t, keep, &w, 10));
	ASSERT_EQ(24, w.len);
	EXPECT_EQ(0, memcmp(w.f, want64, 24));

	EXPECT_EQ(0, logbuf_emit(mixed, 0x1ff, -2, 0xdeadbeef, -3,
				 1ULL << 63, "xyz"));
	EXPECT_EQ(1, logbuf_tracer_drain(t, keep, &w, 10));
	ASSERT_EQ(1 + 2 + 4 + 4 + 8 + 3, w.len);
	EXPECT_EQ(0xff, w.f[0]);
	memcpy(&s16, w.f + 1, 2);
	EXPECT_EQ(-2, s16);
	memcpy(&s32, w.f + 3, 4);
	EXPECT_EQ((int32_t)0xdeadbeef, s32);
	memcpy(&s32, w.f + 7, 4);
	EXPECT_EQ(-3, s32);
	memcpy(&u, w.f + 11, 8);
	EXPECT_EQ(1ULL << 63, u);
	EXPECT_EQ(0, memcmp(w.f + 19, "xyz", 3));

	EXPECT_EQ(0, logbuf_emit(sixteen, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
				 11, 12, 13, 14, 0x10015));
	EXPECT_EQ(1, logbuf_tracer_drain(t, keep, &w, 10));
	ASSERT_EQ(32, w.len);
	for (i = 0; i < 15; i++)
		EXPECT_EQ(i, w.f[2 * i] | w.f[2 * i + 1] << 8);
	EXPECT_EQ(0x15, w.f[30] | w.f[31] << 8);
	EXPECT_EQ(4, w.calls);	/* four events, and nothing from the refused */
	logbuf_tracer_close(t);
}

/*
 * A collector's formatter on records the encoder wrote: every width and
 * sign, a string with quotes, a backslash and a control byte, bytes in
 * hex; cut like snprintf(); a record that does not match is -EBADMSG.  A
 * name declared again: the same handle, or EEXIST with other fields.
 */
TEST(collected_format_and_redeclaration)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .flags = LOGBUF_TRACER_HEAP);
	static const char spec[] = "s8 a; u16 b; s32 c; u64 d; char e[8]; u8 f[3]";
	static const char want[] = "a=-5 b=65535 c=-70000 d=1099511627776 "
				   "e=\"q\\\"\\\\\\x0a\" f=01abff";
	struct logbuf_tracer *t = logbuf_tracer_open(&o);
	static const unsigned char bytes[3] = { 0x01, 0xab, 0xff };
	struct logbuf_collected e = { .event = "fmt", .fields = spec };
	struct logbuf_event *ev;
	struct wide w = { 0 };
	char buf[256];

	ASSERT_NE(NULL, t);
	ev = logbuf_event_new(t, "fmt", spec);
	ASSERT_NE(NULL, ev);
	EXPECT_EQ(ev, logbuf_event_new(t, "fmt", spec));
	EXPECT_EQ(NULL, logbuf_event_new(t, "fmt", "u32 a"));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(0, logbuf_emit(ev, -5, 65535, -70000, 1ULL << 40, "q\"\\\n",
				 bytes));
	ASSERT_EQ(1, logbuf_tracer_drain(t, keep, &w, 10));
	e.data = w.f;
	e.len = w.len;
	EXPECT_EQ((int)strlen(want), logbuf_collected_format(&e, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
	EXPECT_EQ((int)strlen(want), logbuf_collected_format(&e, buf, 10));
	EXPECT_STREQ("a=-5 b=65", buf);
	e.len--;
	EXPECT_EQ(-EBADMSG, logbuf_collected_format(&e, buf, sizeof(buf)));
	e.len += 2;
	EXPECT_EQ(-EBADMSG, logbuf_collected_format(&e, buf, sizeof(buf)));
	logbuf_tracer_close(t);
}

TEST_HARNESS_MAIN
