// SPDX-License-Identifier: GPL-2.0
/*
 * Typed events through a tracer: declared events are real trace events
 * with a format file; what threads emit lands in the trace buffer field by
 * field, from threads that exit, from a forked child (in its own ring),
 * from a program killed right after its commits or in the middle of a
 * claim; a hist trigger counts by a field; trace-cmd decodes them; a user
 * without privileges gets events of its own and cannot take another's; a
 * lying producer's records are counted and skipped.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "logbuf/tevent.h"
#include "kring.h"

#define TRACEFS	"/sys/kernel/tracing"
#define SYNTH	TRACEFS "/events/synthetic"

static int tfs_write(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int ev_enable(const char *name, int on)
{
	char path[256];

	snprintf(path, sizeof(path), SYNTH "/%s/enable", name);
	return tfs_write(path, on ? "1" : "0");
}

static void tracing_setup(void)
{
	if (access(TRACEFS "/trace", R_OK))
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	tfs_write(TRACEFS "/trace_clock", "global");
	tfs_write(TRACEFS "/trace", "");
}

/* Lines of the trace that are events @name ("<name>: "), into @out. */
static int trace_lines(const char *name, char ***out)
{
	char pat[96], line[4096], **v = NULL;
	int n = 0;
	FILE *f = fopen(TRACEFS "/trace", "r");

	if (!f)
		return -1;
	snprintf(pat, sizeof(pat), " %s: ", name);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, pat))
			continue;
		if (out) {
			v = realloc(v, (n + 1) * sizeof(*v));
			v[n] = strdup(line);
		}
		n++;
	}
	fclose(f);
	if (out)
		*out = v;
	return n;
}

static void free_lines(char **v, int n)
{
	while (n-- > 0)
		free(v[n]);
	free(v);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/*
 * Wait until @n events @name are in the trace.  The deadline only keeps a
 * broken module from hanging the run; nothing is measured against it.
 */
static int wait_lines(const char *name, int n)
{
	uint64_t end = now_ms() + 60000;
	int got;

	do {
		got = trace_lines(name, NULL);
		if (got >= n)
			return got;
		usleep(20000);
	} while (now_ms() < end);
	return got;
}

static int tracer_stats(int fd, struct logbuf_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, LOGBUF_IOC_STATS, st) ? -errno : 0;
}

/* A tracer fd of our own, and its event. */
static int raw_tracer(void)
{
	struct logbuf_tracer_new a = { .size = sizeof(a) };
	int dev = open(DEV, O_RDWR | O_CLOEXEC), err;

	if (dev < 0)
		return -errno;
	err = ioctl(dev, LOGBUF_IOC_TRACER, &a) ? -errno : a.fd;
	close(dev);
	return err;
}

static int raw_event(int tfd, const char *name, const char *fields,
		     char *full)
{
	struct logbuf_event_new a = {
		.size = sizeof(a), .name = (uintptr_t)name,
		.fields = (uintptr_t)fields, .full_name = (uintptr_t)full,
	};

	return ioctl(tfd, LOGBUF_IOC_EVENT_NEW, &a) ? -errno : (int)a.id;
}

static struct logbuf_producer *raw_ring(int tfd, struct logbuf_ring **rp)
{
	struct logbuf_tracer_ring a = { .size = sizeof(a), .capacity = 65536 };

	if (ioctl(tfd, LOGBUF_IOC_TRACER_RING, &a))
		return NULL;
	*rp = logbuf_ring_open(a.prod_fd);
	close(a.prod_fd);
	return *rp ? logbuf_producer_new(*rp) : NULL;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

FIXTURE(tev) {
	struct logbuf_tracer *t;
};

FIXTURE_SETUP(tev)
{
	if (!kr_have_dev())
		SKIP(return, "no /dev/logbuf");
	if (geteuid())
		SKIP(return, "needs root to read the trace");
	tracing_setup();
	if (access(TRACEFS "/synthetic_events", F_OK))
		SKIP(return, "kernel without synthetic events");
	self->t = logbuf_tracer_open(NULL);
	ASSERT_NE(NULL, self->t);
}

FIXTURE_TEARDOWN(tev)
{
	logbuf_tracer_close(self->t);
}

/*
 * Check a format file's fields against the layout kmod/tevent.c writes:
 * after the common fields (8 bytes; 12 on PREEMPT_RT, which adds
 * common_preempt_lazy_count), rounded up to 8, field i (of @name) is at
 * base + 8 i with @size[i] bytes (0: a __data_loc, which the module writes as 8
 * bytes, the high 4 zero, and the kernel shows as 4 or 8).  Return how
 * many fields differ.
 */
static int check_layout(struct __test_metadata *_metadata, const char *fmt,
			const char *const *name, const int *size)
{
	int i, off, sz, bad = 0, common_end = 0, base;
	const char *p, *c, *end;
	char want[64];

	for (p = strstr(fmt, "field:"); p; p = strstr(p + 1, "field:")) {
		const char *q = strstr(p, "offset:");

		if (!q || sscanf(q, "offset:%d; size:%d;", &off, &sz) != 2)
			return 99;
		/* "field:unsigned char common_flags;": the name's "common_". */
		end = strchr(p, ';');
		c = strstr(p, " common_");
		if (c && end && c < end && off + sz > common_end)
			common_end = off + sz;
	}
	base = (common_end + 7) & ~7;
	if (common_end < 8) {
		TH_LOG("common fields end at %d", common_end);
		bad++;
	}
	for (i = 0; name[i]; i++) {
		snprintf(want, sizeof(want), " %s;", name[i]);
		p = strstr(fmt, want);
		if (!p || sscanf(strstr(p, "offset:"), "offset:%d; size:%d;",
				 &off, &sz) != 2) {
			TH_LOG("no field %s", name[i]);
			bad++;
			continue;
		}
		if (off != base + 8 * i ||
		    (size[i] ? sz != size[i] : sz != 4 && sz != 8)) {
			TH_LOG("%s: offset %d size %d, the module writes %d, %d",
			       name[i], off, sz, base + 8 * i, size[i]);
			bad++;
		}
	}
	return bad;
}

TEST_F(tev, declared_event_has_a_format)
{
	struct logbuf_event *ev, *again;
	char buf[8192];
	size_t n;
	FILE *f;

	ev = logbuf_event_new(self->t, "lbt_fmt",
			      "u32 status; u64 lat_ns; char path[]; "
			      "char comm[16]; u8 key[4]; s16 delta");
	ASSERT_NE(NULL, ev);
	EXPECT_STREQ("lbt_fmt", logbuf_event_name(ev));
	f = fopen(SYNTH "/lbt_fmt/format", "r");
	ASSERT_NE(NULL, f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "name: lbt_fmt"));
	EXPECT_NE(NULL, strstr(buf, "field:pid_t pid;"));
	EXPECT_NE(NULL, strstr(buf, "field:pid_t tid;"));
	EXPECT_NE(NULL, strstr(buf, "field:u32 status;"));
	EXPECT_NE(NULL, strstr(buf, "field:u64 lat_ns;"));
	EXPECT_NE(NULL, strstr(buf, "char[] path;"));
	EXPECT_NE(NULL, strstr(buf, "char[] comm;"));
	EXPECT_NE(NULL, strstr(buf, "char[] key;"));
	/* s16 is s32 in the trace buffer (signed printing). */
	EXPECT_NE(NULL, strstr(buf, "field:s32 delta;"));
	/*
	 * The layout the module writes entries in (kmod/tevent.c): after the
	 * common header (rounded up to 8), one 8-byte slot per field, an
	 * integer of its size or a __data_loc.
	 */
	EXPECT_EQ(0, check_layout(_metadata, buf, (const char *const []){
		"pid", "tid", "status", "lat_ns", "path", "comm", "key",
		"delta", NULL }, (const int []){ 4, 4, 4, 8, 0, 0, 0, 4 }));
	/* Declared again, identically: the same event. */
	again = logbuf_event_new(self->t, "lbt_fmt",
				 "u32 status; u64 lat_ns; char path[]; "
				 "char comm[16]; u8 key[4]; s16 delta");
	EXPECT_EQ(ev, again);
}

TEST_F(tev, bad_declarations_are_refused)
{
	static const char *const bad[] = {
		"u33 x", "char x", "u32 pid", "u32 tid", "u32 common_x",
		"u32 a; u32 a", "u8 k[65]", "char s[1]", "char s[257]",
		"s8 k[4]", "u32 x[4]", "u32", "u32 x y", "u32 1x",
		"char a[]; char b[]; char c[]",
	};
	char name[80];
	int tfd = raw_tracer(), i;

	ASSERT_LE(0, tfd);
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		snprintf(name, sizeof(name), "lbt_bad%d", i);
		errno = 0;
		EXPECT_EQ(NULL, logbuf_event_new(self->t, name, bad[i]))
			TH_LOG("accepted \"%s\"", bad[i]);
		/* The kernel's own check, past the library's. */
		EXPECT_GT(0, raw_event(tfd, name, bad[i], NULL))
			TH_LOG("kernel accepted \"%s\"", bad[i]);
		snprintf(name, sizeof(name), SYNTH "/lbt_bad%d", i);
		EXPECT_NE(0, access(name, F_OK));
	}
	EXPECT_EQ(-EINVAL, raw_event(tfd, "1bad", "u32 x", NULL));
	EXPECT_EQ(-EINVAL, raw_event(tfd, "a/b", "u32 x", NULL));
	EXPECT_EQ(-EINVAL, raw_event(tfd, "", "u32 x", NULL));
	memset(name, 'a', 60);
	name[60] = 0;
	EXPECT_EQ(-EINVAL, raw_event(tfd, name, "u32 x", NULL));
	/* Same name, other fields. */
	EXPECT_LE(0, raw_event(tfd, "lbt_bad_other", "u32 x", NULL));
	EXPECT_EQ(-EEXIST, raw_event(tfd, "lbt_bad_other", "u64 x", NULL));
	close(tfd);
}

struct emitter {
	struct logbuf_event *ev;
	int n;
	pid_t tid;
};

static void *emit_thread(void *arg)
{
	struct emitter *e = arg;
	char path[32];
	int i;

	e->tid = gettid_();
	for (i = 0; i < e->n; i++) {
		snprintf(path, sizeof(path), "/p/%d", i);
		while (logbuf_emit(e->ev, i, (uint64_t)i * 1000, path, "comm",
				   "\x01\x02\xab\xff", i % 1000) == -EAGAIN)
			usleep(1000);
	}
	return NULL;
}

/* Declare @name, enable it, run @nr threads of @n events each to the end. */
static int run_emitters(struct logbuf_tracer *t, const char *name,
			struct emitter *e, int nr, int n)
{
	pthread_t th[8];
	int i;

	for (i = 0; i < nr; i++) {
		e[i].ev = logbuf_event_new(t, name,
					   "u32 seq; u64 lat_ns; char path[]; "
					   "char comm[16]; u8 key[4]; s16 delta");
		if (!e[i].ev)
			return -1;
		e[i].n = n;
	}
	if (ev_enable(name, 1))
		return -1;
	for (i = 0; i < nr; i++)
		if (pthread_create(&th[i], NULL, emit_thread, &e[i]))
			return -1;
	for (i = 0; i < nr; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* Every event of two threads lands, in each thread's order, whole. */
TEST_F(tev, events_land_with_their_fields)
{
	struct emitter e[2];
	char **lines, want[160];
	int i, n, next[2] = { 0, 0 };

	ASSERT_EQ(0, run_emitters(self->t, "lbt_land", e, 2, 2000));
	n = wait_lines("lbt_land", 4000);
	ev_enable("lbt_land", 0);
	ASSERT_EQ(4000, n);
	n = trace_lines("lbt_land", &lines);
	TH_LOG("%s", lines[0]);
	for (i = 0; i < n; i++) {
		int k = strstr(lines[i], "tid=") &&
			atoi(strstr(lines[i], "tid=") + 4) == e[1].tid;
		int s = next[k]++;

		snprintf(want, sizeof(want),
			 "pid=%d tid=%d seq=%d lat_ns=%llu path=/p/%d comm=comm key=0102abff delta=%d",
			 getpid(), e[k].tid, s, (unsigned long long)s * 1000,
			 s, s % 1000);
		if (!strstr(lines[i], want)) {
			TH_LOG("line %d: %s want %s", i, lines[i], want);
			break;
		}
	}
	EXPECT_EQ(n, i);
	EXPECT_EQ(2000, next[0]);
	EXPECT_EQ(2000, next[1]);
	free_lines(lines, n);
}

/* A hist trigger counts the program's events by one of its fields. */
TEST_F(tev, hist_trigger_counts_by_field)
{
	struct logbuf_event *ev;
	char line[512], *p;
	int i, c200 = -1, c404 = -1;
	FILE *f;

	ev = logbuf_event_new(self->t, "lbt_hist", "u32 status; char path[]");
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, tfs_write(SYNTH "/lbt_hist/trigger", "hist:keys=status"));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, logbuf_emit(ev, i < 3 ? 200 : 404, "/x"));
	/* The trigger counts without the event enabled: poll its file. */
	for (i = 0; i < 3000 && (c200 != 3 || c404 != 2); i++) {
		usleep(20000);
		f = fopen(SYNTH "/lbt_hist/hist", "r");
		ASSERT_NE(NULL, f);
		while (fgets(line, sizeof(line), f)) {
			p = strstr(line, "hitcount:");
			if (!strstr(line, "status:") || !p)
				continue;
			if (strstr(line, " 200 "))
				c200 = atoi(p + 9);
			else if (strstr(line, " 404 "))
				c404 = atoi(p + 9);
		}
		fclose(f);
	}
	tfs_write(SYNTH "/lbt_hist/trigger", "!hist:keys=status");
	EXPECT_EQ(3, c200);
	EXPECT_EQ(2, c404);
}

/* trace-cmd reads the program's fields from its own recording. */
/*
 * trace-cmd extract reads every event's format: more than the harness's
 * default 30 s on a debug kernel under emulation, where a run killed at
 * 30 s left the tests after it finding no events.
 */
TEST_F_TIMEOUT(tev, trace_cmd_decodes_fields, 300)
{
	struct logbuf_event *ev;
	char cmd[256], line[1024];
	int found = 0;
	FILE *p;

	if (access("/usr/bin/trace-cmd", X_OK))
		SKIP(return, "trace-cmd not installed");
	ev = logbuf_event_new(self->t, "lbt_tc",
			      "u32 status; char path[]; s16 delta");
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, ev_enable("lbt_tc", 1));
	ASSERT_EQ(0, logbuf_emit(ev, 418, "/teapot", -5));
	ASSERT_EQ(1, wait_lines("lbt_tc", 1));
	ev_enable("lbt_tc", 0);
	snprintf(cmd, sizeof(cmd),
		 "trace-cmd extract -o /tmp/lbt_tc.dat 2>&1 && "
		 "trace-cmd report -i /tmp/lbt_tc.dat 2>&1");
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		if (!strstr(line, " sys_") && !strstr(line, "sched_"))
			TH_LOG("trace-cmd: %s", line);
		if (strstr(line, "lbt_tc:") &&
		    strstr(line, "status=418") && strstr(line, "path=/teapot") &&
		    strstr(line, "delta=-5")) {
			found = 1;
		}
	}
	pclose(p);
	unlink("/tmp/lbt_tc.dat");
	EXPECT_EQ(1, found);
}

static void drop_to(uid_t uid)
{
	struct rlimit rl = { 16 << 20, 16 << 20 };

	setrlimit(RLIMIT_MEMLOCK, &rl);
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		_exit(90);
}

/*
 * A user without privileges: its events are its own ("u<uid>_"), work
 * end to end, cannot be redeclared with other fields, and are limited.
 */
TEST_F(tev, unprivileged_user_has_its_own_events)
{
	int go[2], ready[2], status;
	char c, name[64];
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_tracer *t;
		struct logbuf_event *ev;
		int i;

		close(go[1]);
		close(ready[0]);
		drop_to(65534);
		t = logbuf_tracer_open(NULL);
		if (!t)
			_exit(1);
		ev = logbuf_event_new(t, "lbt_user", "u32 n; char who[16]");
		if (!ev || strcmp(logbuf_event_name(ev), "u65534_lbt_user"))
			_exit(2);
		/* Its own name again, other fields: refused. */
		if (logbuf_event_new(t, "lbt_user", "u64 n") || errno != EEXIST)
			_exit(3);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(4);
		for (i = 0; i < 10; i++)
			if (logbuf_emit(ev, i, "nobody"))
				_exit(5);
		logbuf_tracer_close(t);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	/* EOF here: the child failed before it was ready (its status says). */
	if (read(ready[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		ASSERT_EQ(0, WEXITSTATUS(status));
	}
	ASSERT_EQ(0, ev_enable("u65534_lbt_user", 1));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(10, wait_lines("u65534_lbt_user", 10));
	ev_enable("u65534_lbt_user", 0);

	/* Another user, the same name: an event of its own. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_tracer *t;
		struct logbuf_event *ev;

		drop_to(65533);
		t = logbuf_tracer_open(NULL);
		ev = t ? logbuf_event_new(t, "lbt_user", "u64 other") : NULL;
		_exit(ev && !strcmp(logbuf_event_name(ev),
				    "u65533_lbt_user") ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* The per-user limit. */
	ASSERT_EQ(0, tfs_write("/sys/module/logbuf/parameters/max_events_per_user",
			       "2"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_tracer *t;

		drop_to(65532);
		t = logbuf_tracer_open(NULL);
		if (!t || !logbuf_event_new(t, "lbt_l1", "u32 a") ||
		    !logbuf_event_new(t, "lbt_l2", "u32 a"))
			_exit(1);
		if (logbuf_event_new(t, "lbt_l3", "u32 a") || errno != ENOSPC)
			_exit(2);
		/* One it has already is not a new one. */
		_exit(logbuf_event_new(t, "lbt_l1", "u32 a") ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	tfs_write("/sys/module/logbuf/parameters/max_events_per_user", "32");
	EXPECT_EQ(0, WEXITSTATUS(status));
	snprintf(name, sizeof(name), SYNTH "/u65532_lbt_l3");
	EXPECT_NE(0, access(name, F_OK));
}

/* Wait until the tracer has no ring left (every one drained and done). */
/* In a child: report the first check that fails, by its line, and exit. */
#define CHILD_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "# line %d: %s\n", __LINE__,	\
				#cond);					\
			_exit(1);					\
		}							\
	} while (0)

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/*
 * A lying caller without privileges: each malformed tracer ioctl gets its
 * own errno, nothing it names by a bad pointer is made, and a tracer fd
 * does nothing but what a tracer does.
 */
TEST_F(tev, unprivileged_malformed_tracer_ioctls)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_tracer_new tn = { .size = sizeof(tn) };
		struct logbuf_tracer_ring tr;
		struct logbuf_event_new en;
		struct logbuf_stats st;
		void *bad = (void *)8;
		char buf[8];
		int dev, tfd;

		drop_to(65534);
		dev = open(DEV, O_RDWR | O_CLOEXEC);
		CHILD_CHECK(dev >= 0);
		CHILD_CHECK(xioctl(dev, LOGBUF_IOC_TRACER, bad) == -EFAULT);
		tn.size = 4;
		CHILD_CHECK(xioctl(dev, LOGBUF_IOC_TRACER, &tn) == -EINVAL);
		tn = (struct logbuf_tracer_new){ .size = sizeof(tn),
						 .flags = 1U << 31 };
		CHILD_CHECK(xioctl(dev, LOGBUF_IOC_TRACER, &tn) == -EOPNOTSUPP);
		tn = (struct logbuf_tracer_new){ .size = sizeof(tn), .fd = 3 };
		CHILD_CHECK(xioctl(dev, LOGBUF_IOC_TRACER, &tn) == -EINVAL);
		tn = (struct logbuf_tracer_new){ .size = sizeof(tn),
						 .__reserved[1] = 1 };
		CHILD_CHECK(xioctl(dev, LOGBUF_IOC_TRACER, &tn) == -EINVAL);
		tn = (struct logbuf_tracer_new){ .size = sizeof(tn) };
		CHILD_CHECK(xioctl(dev, LOGBUF_IOC_TRACER, &tn) == 0);
		tfd = tn.fd;
		close(dev);

		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_TRACER_RING, bad) == -EFAULT);
		{
			static const uint64_t caps[] = {
				0, 2048, 4096 + 8, 3 << 12, 1ULL << 40,
				~0ULL,
			};
			unsigned int i;

			for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
				tr = (struct logbuf_tracer_ring){
					.size = sizeof(tr), .capacity = caps[i] };
				CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_TRACER_RING,
						   &tr) == -EINVAL);
			}
		}
		tr = (struct logbuf_tracer_ring){ .size = sizeof(tr),
			.capacity = 4096, .flags = 1U << 31 };
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_TRACER_RING, &tr) ==
			    -EOPNOTSUPP);
		tr = (struct logbuf_tracer_ring){ .size = sizeof(tr),
			.capacity = 4096, .prod_fd = 3 };
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_TRACER_RING, &tr) == -EINVAL);
		tr = (struct logbuf_tracer_ring){ .size = sizeof(tr),
			.capacity = 4096, .__pad = 1 };
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_TRACER_RING, &tr) == -EINVAL);

		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_EVENT_NEW, bad) == -EFAULT);
		en = (struct logbuf_event_new){ .size = sizeof(en),
			.name = (uintptr_t)bad, .fields = (uintptr_t)"u32 a" };
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_EVENT_NEW, &en) == -EFAULT);
		en = (struct logbuf_event_new){ .size = sizeof(en),
			.name = (uintptr_t)"lbt_mal", .fields = (uintptr_t)bad };
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_EVENT_NEW, &en) == -EFAULT);
		CHILD_CHECK(access(SYNTH "/u65534_lbt_mal", F_OK));
		en = (struct logbuf_event_new){ .size = sizeof(en), .id = 1,
			.name = (uintptr_t)"lbt_mal", .fields = (uintptr_t)"u32 a" };
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_EVENT_NEW, &en) == -EINVAL);
		en = (struct logbuf_event_new){ .size = sizeof(en),
			.__reserved = 1, .name = (uintptr_t)"lbt_mal",
			.fields = (uintptr_t)"u32 a" };
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_EVENT_NEW, &en) == -EINVAL);
		CHILD_CHECK(access(SYNTH "/u65534_lbt_mal", F_OK));

		/* Not a ring, not the device. */
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_DOORBELL, NULL) == -ENOTTY);
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_TRACER, &tn) == -ENOTTY);
		CHILD_CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, tfd, 0) ==
			    MAP_FAILED);
		CHILD_CHECK(read(tfd, buf, sizeof(buf)) < 0);
		CHILD_CHECK(write(tfd, buf, sizeof(buf)) < 0);
		memset(&st, 0, sizeof(st));
		st.size = 4;
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_STATS, &st) == -EINVAL);
		st.size = sizeof(st);
		CHILD_CHECK(xioctl(tfd, LOGBUF_IOC_STATS, &st) == 0);
		CHILD_CHECK(st.capacity == 0 && st.records_consumed == 0);
		close(tfd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static int wait_rings_done(int tfd, struct logbuf_stats *st)
{
	uint64_t end = now_ms() + 60000;

	do {
		if (tracer_stats(tfd, st))
			return -1;
		if (!st->capacity)
			return 0;
		usleep(20000);
	} while (now_ms() < end);
	return -1;
}

/*
 * A thread that fills its ring faster than the tick drains it is never
 * refused: the doorbell it rings on a full ring drains that ring in its
 * own system call, and the event goes in on the second try.  Without that
 * drain the emit returns -EAGAIN until the next tick.
 */
TEST_F(tev, full_ring_is_drained_by_its_producer)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .ring_capacity = 4096);
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	struct logbuf_tracer *t;
	struct logbuf_event *ev;
	int i, refused = 0;

	t = logbuf_tracer_open(&o);
	ASSERT_NE(NULL, t);
	ev = logbuf_event_new(t, "lbt_full", "u32 seq; char text[32]");
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, ev_enable("lbt_full", 1));
	for (i = 0; i < 5000; i++) {
		int err = logbuf_emit(ev, i, "0123456789abcdefghijklmnopqrst");

		if (err == -EAGAIN) {
			refused++;
			i--;
			continue;
		}
		ASSERT_EQ(0, err);
	}
	EXPECT_EQ(0, refused);
	EXPECT_EQ(5000, wait_lines("lbt_full", 5000));
	logbuf_tracer_stats(t, &st);
	/* The ring (4 KiB) was full: the path above was taken. */
	EXPECT_LT(0, st.full);
	EXPECT_EQ(5000, st.records);
	EXPECT_EQ(0, st.errors);
	TH_LOG("full %llu times, refused %d", (unsigned long long)st.full,
	       refused);
	ev_enable("lbt_full", 0);
	logbuf_tracer_close(t);
}

/* SIGKILL right after the last commit: every committed event lands. */
TEST_F(tev, killed_after_commit_loses_nothing)
{
	int tfd, id, status, i;
	pid_t pid;

	tfd = raw_tracer();
	ASSERT_LE(0, tfd);
	id = raw_event(tfd, "lbt_crash", "u32 seq", NULL);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, ev_enable("lbt_crash", 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_tracer *t = logbuf_tracer_open(NULL);
		struct logbuf_event *ev = t ?
			logbuf_event_new(t, "lbt_crash", "u32 seq") : NULL;

		/* Its own tracer; the kernel's rings outlive the process. */
		for (i = 0; ev && i < 1000; i++)
			while (logbuf_emit(ev, i) == -EAGAIN)
				;
		raise(SIGKILL);
		_exit(1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(1000, wait_lines("lbt_crash", 1000));
	ev_enable("lbt_crash", 0);
	close(tfd);
}

/*
 * SIGKILL in the middle of a claim, after 100 commits: the 100 land, the
 * half-written one is skipped and counted.
 */
TEST_F(tev, killed_mid_claim_skips_the_half_record)
{
	struct logbuf_stats st;
	int tfd, id, status;
	pid_t pid;

	tfd = raw_tracer();
	ASSERT_LE(0, tfd);
	id = raw_event(tfd, "lbt_half", "u32 seq; u32 more", NULL);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, ev_enable("lbt_half", 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct logbuf_ring *r;
		struct logbuf_producer *p = raw_ring(tfd, &r);
		uint32_t rec[3] = { (uint32_t)id, 0, 7 };
		void *d;
		int i;

		for (i = 0; p && i < 100; i++) {
			rec[1] = i;
			if (logbuf_write(p, rec, sizeof(rec)))
				_exit(2);
		}
		if (!p || logbuf_claim(p, sizeof(rec), &d))
			_exit(3);
		memcpy(d, rec, 4);	/* half of it */
		raise(SIGKILL);
		_exit(1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, wait_rings_done(tfd, &st));
	EXPECT_EQ(100, trace_lines("lbt_half", NULL));
	EXPECT_EQ(100, st.records_consumed);
	EXPECT_EQ(1, st.skips);
	EXPECT_EQ(0, st.errors);
	EXPECT_EQ(0, st.lost);
	ev_enable("lbt_half", 0);
	close(tfd);
}

/* A forked child writes into a ring of its own, never its parent's. */
TEST_F(tev, fork_child_gets_its_own_ring)
{
	struct logbuf_event *ev;
	char **lines, want[64];
	int i, n, status, parent = 0, child = 0;
	pid_t pid;

	ev = logbuf_event_new(self->t, "lbt_fork", "u32 seq");
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, ev_enable("lbt_fork", 1));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, logbuf_emit(ev, i));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 100; i < 110; i++)
			if (logbuf_emit(ev, i))
				_exit(1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	for (i = 10; i < 20; i++)
		ASSERT_EQ(0, logbuf_emit(ev, i));
	n = wait_lines("lbt_fork", 30);
	ev_enable("lbt_fork", 0);
	ASSERT_EQ(30, n);
	n = trace_lines("lbt_fork", &lines);
	for (i = 0; i < n; i++) {
		int seq = atoi(strstr(lines[i], "seq=") + 4);

		snprintf(want, sizeof(want), "pid=%d tid=%d ",
			 seq >= 100 ? pid : getpid(),
			 seq >= 100 ? pid : getpid());
		EXPECT_NE(NULL, strstr(lines[i], want))
			TH_LOG("%s", lines[i]);
		if (seq >= 100)
			child++;
		else
			parent++;
	}
	EXPECT_EQ(20, parent);
	EXPECT_EQ(10, child);
	free_lines(lines, n);
}

/* Threads that exit give their rings back once the kernel drained them. */
TEST_F(tev, exited_threads_rings_are_drained_and_freed)
{
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	struct emitter e[4];
	uint64_t end;

	ASSERT_EQ(0, run_emitters(self->t, "lbt_exit", e, 4, 100));
	EXPECT_EQ(400, wait_lines("lbt_exit", 400));
	ev_enable("lbt_exit", 0);
	/* Deadline against a hang only. */
	for (end = now_ms() + 60000; now_ms() < end; usleep(20000)) {
		logbuf_tracer_stats(self->t, &st);
		if (!st.rings)
			break;
	}
	EXPECT_EQ(0, st.rings);
	EXPECT_EQ(400, st.records);
	EXPECT_EQ(0, st.errors);
}

/*
 * A lying producer: records with an unknown event, too short, a string
 * longer than declared, bytes left over.  Each is counted and skipped;
 * the valid one after them lands; the ring is not broken.
 */
TEST_F(tev, lying_records_are_counted_and_skipped)
{
	struct logbuf_stats st;
	struct logbuf_ring *r;
	struct logbuf_producer *p;
	unsigned char rec[64];
	int tfd, id, status, nl;
	char **lines;
	pid_t pid;

	tfd = raw_tracer();
	ASSERT_LE(0, tfd);
	id = raw_event(tfd, "lbt_lie", "u32 v; char s[8]", NULL);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, ev_enable("lbt_lie", 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t bad_id = 99, v = 5;
		uint16_t n;

		p = raw_ring(tfd, &r);
		if (!p)
			_exit(1);
		/* unknown event */
		memcpy(rec, &bad_id, 4);
		memcpy(rec + 4, &v, 4);
		n = 0;
		memcpy(rec + 8, &n, 2);
		logbuf_write(p, rec, 10);
		/* too short */
		memcpy(rec, &id, 4);
		logbuf_write(p, rec, 6);
		/* string of 8 in a char[8] (7 at most) */
		n = 8;
		memcpy(rec + 8, &n, 2);
		memcpy(rec + 10, "12345678", 8);
		logbuf_write(p, rec, 18);
		/* bytes left over */
		n = 2;
		memcpy(rec + 8, &n, 2);
		logbuf_write(p, rec, 16);
		/* string length past the record */
		n = 7;
		memcpy(rec + 8, &n, 2);
		logbuf_write(p, rec, 12);
		/* valid */
		n = 2;
		memcpy(rec + 8, &n, 2);
		logbuf_write(p, rec, 12);
		/* valid, a NUL inside the string ends it */
		n = 4;
		memcpy(rec + 8, &n, 2);
		memcpy(rec + 10, "x\0yz", 4);
		logbuf_write(p, rec, 14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, wait_rings_done(tfd, &st));
	EXPECT_EQ(7, st.records_consumed);
	EXPECT_EQ(5, st.errors);
	nl = trace_lines("lbt_lie", &lines);
	ASSERT_EQ(2, nl);
	EXPECT_NE(NULL, strstr(lines[0], "v=5 s=12"));
	EXPECT_NE(NULL, strstr(lines[1], "v=5 s=x"));
	EXPECT_EQ(NULL, strstr(lines[1], "yz"));
	free_lines(lines, nl);
	ev_enable("lbt_lie", 0);
	close(tfd);
}

TEST_HARNESS_MAIN
