// SPDX-License-Identifier: GPL-2.0
/*
 * Any trace event as a source (LOGBUF_IOC_ATTACH_EVENTS): events a test
 * drives exactly arrive, every one, decoded by their published formats
 * (libtraceevent) with the right field values; the pid, thread and CPU
 * filters drop exactly what they should, in the kernel; several events at
 * once; a ring per CPU; attach and detach while events fire on every CPU;
 * bad arguments, and an unprivileged caller, are refused.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <event-parse.h>
#include <tracefs.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

#define MARK		4200000		/* getpgid() of pids that cannot exist */
#define CALLS		100

static struct tep_handle *tep;

/* The id of @sys:@name, from its format (libtracefs), or -1. */
static int event_id(const char *sys, const char *name)
{
	const char *systems[] = { "syscalls", "sched", NULL };
	struct tep_event *ev;

	if (!tep)
		tep = tracefs_local_events_system(NULL, systems);
	ev = tep ? tep_find_event_by_name(tep, sys, name) : NULL;
	return ev ? ev->id : -1;
}

/* A numeric field of a raw record, by name, through its format. */
static int64_t field(const struct logbuf_ev_raw *e, const char *name)
{
	struct tep_event *ev = tep_find_event(tep, e->id);
	struct tep_format_field *f = ev ? tep_find_field(ev, name) : NULL;
	unsigned long long v;

	if (!f || (unsigned int)f->offset + f->size > e->raw_size ||
	    tep_read_number_field(f, (void *)e->raw, &v))
		return INT64_MIN;
	return f->size == 4 ? (int32_t)v : (int64_t)v;
}

FIXTURE(ev) {
	int cfd;
	struct logbuf_receiver *rx;
	int getpgid_id, fork_id, getppid_id;
};

FIXTURE_SETUP(ev)
{
	int pfd = 0;

	self->cfd = -1;
	self->rx = NULL;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (geteuid())
		SKIP(return, "needs CAP_PERFMON or CAP_SYS_ADMIN");
	self->getpgid_id = event_id("syscalls", "sys_enter_getpgid");
	self->getppid_id = event_id("syscalls", "sys_enter_getppid");
	self->fork_id = event_id("sched", "sched_process_fork");
	if (self->getpgid_id < 0 || self->fork_id < 0 || self->getppid_id < 0)
		SKIP(return, "no syscall or sched events in tracefs");
	ASSERT_EQ(0, kr_create(256 * PG, LOGBUF_CREATE_KERNEL_PROD, &pfd,
			       &self->cfd));
	self->rx = logbuf_receiver_open(self->cfd);
	ASSERT_NE(NULL, self->rx);
}

FIXTURE_TEARDOWN(ev)
{
	if (self->rx)
		logbuf_receiver_free(self->rx);
	if (self->cfd >= 0)
		close(self->cfd);
}

/* The harness runs a test after a setup that skipped: do nothing then. */
#define NEED_RING()	do { if (self->cfd < 0) return; } while (0)

struct att {
	uint32_t ids[4];
	uint32_t nr;
	int32_t tgid, tid;
	const uint8_t *cpus;
	uint32_t cpus_size;
	const int *ring_fds;
	uint32_t nr_rings;
};

static int attach(int cfd, const struct att *t)
{
	struct logbuf_attach_events a = {
		.size = sizeof(a), .nr_ids = t->nr,
		.ids = (uintptr_t)t->ids, .tgid = t->tgid, .tid = t->tid,
		.cpus = (uintptr_t)t->cpus, .cpus_size = t->cpus_size,
		.ring_fds = (uintptr_t)t->ring_fds, .nr_rings = t->nr_rings,
	};

	return ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &a) ? -errno : 0;
}

static int detach(int cfd)
{
	struct att t = { 0 };

	return attach(cfd, &t);
}

struct tally {
	int id;			/* count records of this event */
	uint32_t tid;		/* ... made by this thread (0: any) */
	int n;
	int marked;		/* getpgid(MARK + i): i in order */
	int bad;		/* a record that breaks the rules */
	uint32_t cpus_seen;	/* bit per CPU of counted records */
};

/* Every record well-formed; count those of @t->id. */
static void drain(struct __test_metadata *_metadata,
		  struct logbuf_receiver *rx, struct tally *t)
{
	const void *d;
	size_t len;

	while (!logbuf_recv(rx, &d, &len, 0)) {
		const struct logbuf_ev_raw *e = d;
		int64_t pid;

		ASSERT_LE(sizeof(*e), len);
		ASSERT_EQ(len, e->ev.size);
		ASSERT_EQ(LOGBUF_EV_RAW, e->ev.type);
		ASSERT_LE(e->raw_size, len - sizeof(*e));
		ASSERT_EQ(0, len % 8);
		/* The raw part starts with the event's own type. */
		ASSERT_EQ(e->id, *(const uint16_t *)e->raw);
		if ((int)e->id != t->id || (t->tid && e->ev.pid != t->tid))
			continue;
		t->n++;
		if (e->ev.cpu < 32)
			t->cpus_seen |= 1u << e->ev.cpu;
		pid = field(e, "pid");
		if (pid >= MARK && pid < MARK + 100000) {
			if (pid - MARK == t->marked % 10000)
				t->marked++;
			else
				t->bad++;
		}
	}
}

TEST_F(ev, every_marked_call_arrives_decoded)
{
	struct att a = { .ids = { self->getpgid_id }, .nr = 1 };
	struct tally t = { .id = self->getpgid_id,
			   .tid = syscall(SYS_gettid) };
	struct logbuf_stats st;
	int i;

	NEED_RING();
	ASSERT_EQ(0, attach(self->cfd, &a));
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	ASSERT_EQ(0, detach(self->cfd));
	ASSERT_EQ(0, kr_stats(self->cfd, &st));
	EXPECT_EQ(0, st.dropped);
	drain(_metadata, self->rx, &t);
	EXPECT_EQ(CALLS, t.n);
	EXPECT_EQ(CALLS, t.marked);
	EXPECT_EQ(0, t.bad);
}

TEST_F(ev, forks_of_this_process_only)
{
	struct att a = { .ids = { self->fork_id }, .nr = 1,
			 .tgid = getpid() };
	pid_t kids[20];
	const void *d;
	size_t len;
	int i, found = 0, other = 0, status;

	NEED_RING();
	ASSERT_EQ(0, attach(self->cfd, &a));
	for (i = 0; i < 20; i++) {
		kids[i] = fork();
		ASSERT_LE(0, kids[i]);
		if (!kids[i]) {
			/* A fork of the child is another process's. */
			if (!fork())
				_exit(0);
			wait(NULL);
			_exit(0);
		}
		ASSERT_EQ(kids[i], waitpid(kids[i], &status, 0));
	}
	ASSERT_EQ(0, detach(self->cfd));
	while (!logbuf_recv(self->rx, &d, &len, 0)) {
		const struct logbuf_ev_raw *e = d;

		ASSERT_EQ(self->fork_id, (int)e->id);
		if (e->ev.tgid != (uint32_t)getpid()) {
			other++;
			continue;
		}
		EXPECT_EQ(getpid(), field(e, "parent_pid"));
		for (i = 0; i < 20; i++)
			found += field(e, "child_pid") == kids[i];
	}
	EXPECT_EQ(20, found);
	EXPECT_EQ(0, other);
}

struct caller {
	pid_t tid;
	int go;
};

static void *other_thread(void *arg)
{
	struct caller *c = arg;
	int i;

	c->tid = syscall(SYS_gettid);
	__atomic_store_n(&c->go, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&c->go, __ATOMIC_ACQUIRE) != 2)
		usleep(100);
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	return NULL;
}

TEST_F(ev, a_thread_filter_drops_the_others)
{
	struct att a = { .ids = { self->getpgid_id }, .nr = 1 };
	struct tally t = { .id = self->getpgid_id };
	struct caller c = { 0 };
	pthread_t th;
	int i;

	NEED_RING();
	ASSERT_EQ(0, pthread_create(&th, NULL, other_thread, &c));
	while (!__atomic_load_n(&c.go, __ATOMIC_ACQUIRE))
		usleep(100);
	a.tid = c.tid;
	ASSERT_EQ(0, attach(self->cfd, &a));
	__atomic_store_n(&c.go, 2, __ATOMIC_RELEASE);
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + 50000 + i));
	pthread_join(th, NULL);
	ASSERT_EQ(0, detach(self->cfd));
	drain(_metadata, self->rx, &t);
	/* Only the other thread's calls, every one of them. */
	EXPECT_EQ(CALLS, t.n);
	EXPECT_EQ(CALLS, t.marked);
	EXPECT_EQ(0, t.bad);
}

static int pin_to(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

TEST_F(ev, a_cpu_filter_traces_only_those_cpus)
{
	uint8_t cpus[8] = { 0 };
	struct att a = { .ids = { self->getpgid_id }, .nr = 1,
			 .cpus = cpus, .cpus_size = sizeof(cpus) };
	struct tally t = { .id = self->getpgid_id,
			   .tid = syscall(SYS_gettid) };
	int i, want;

	NEED_RING();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU");
	want = 1;
	cpus[0] = 1u << want;
	ASSERT_EQ(0, attach(self->cfd, &a));
	ASSERT_EQ(0, pin_to(0));
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + 70000 + i));
	ASSERT_EQ(0, pin_to(want));
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	ASSERT_EQ(0, detach(self->cfd));
	drain(_metadata, self->rx, &t);
	EXPECT_EQ(CALLS, t.n);
	EXPECT_EQ(CALLS, t.marked);
	EXPECT_EQ(1u << want, t.cpus_seen);
}

TEST_F(ev, several_events_at_once)
{
	struct att a = { .ids = { self->getpgid_id, self->getppid_id,
				  self->fork_id }, .nr = 3,
			 .tgid = getpid() };
	int n[3] = { 0 }, i, status;
	const void *d;
	size_t len;

	NEED_RING();
	ASSERT_EQ(0, attach(self->cfd, &a));
	for (i = 0; i < 30; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	for (i = 0; i < 40; i++)
		syscall(SYS_getppid);
	for (i = 0; i < 5; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid)
			_exit(0);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
	}
	ASSERT_EQ(0, detach(self->cfd));
	while (!logbuf_recv(self->rx, &d, &len, 0)) {
		const struct logbuf_ev_raw *e = d;

		if (e->ev.pid != (uint32_t)syscall(SYS_gettid))
			continue;
		n[0] += (int)e->id == self->getpgid_id &&
			field(e, "pid") >= MARK && field(e, "pid") < MARK + 30;
		n[1] += (int)e->id == self->getppid_id;
		n[2] += (int)e->id == self->fork_id;
	}
	EXPECT_EQ(30, n[0]);
	EXPECT_EQ(40, n[1]);
	EXPECT_EQ(5, n[2]);
}

TEST_F(ev, a_ring_per_cpu)
{
	int pfd, cfds[2], cpu, i, ncpu = sysconf(_SC_NPROCESSORS_CONF);
	struct logbuf_receiver *rx[2];
	struct att a = { .ids = { self->getpgid_id }, .nr = 1 };

	NEED_RING();
	if (ncpu != 2)
		SKIP(return, "written for 2 CPUs, not %d", ncpu);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, kr_create(64 * PG, LOGBUF_CREATE_KERNEL_PROD,
				       &pfd, &cfds[i]));
		rx[i] = logbuf_receiver_open(cfds[i]);
		ASSERT_NE(NULL, rx[i]);
	}
	a.ring_fds = cfds;
	a.nr_rings = 2;
	ASSERT_EQ(0, attach(self->cfd, &a));
	for (cpu = 0; cpu < 2; cpu++) {
		ASSERT_EQ(0, pin_to(cpu));
		for (i = 0; i < CALLS; i++)
			syscall(SYS_getpgid, (pid_t)(MARK + i));
	}
	ASSERT_EQ(0, detach(self->cfd));
	for (cpu = 0; cpu < 2; cpu++) {
		struct tally t = { .id = self->getpgid_id,
				   .tid = syscall(SYS_gettid) };

		drain(_metadata, rx[cpu], &t);
		EXPECT_EQ(CALLS, t.n);
		EXPECT_EQ(CALLS, t.marked);
		EXPECT_EQ(1u << cpu, t.cpus_seen);
		logbuf_receiver_free(rx[cpu]);
		close(cfds[cpu]);
	}
}

TEST_F(ev, bad_arguments_are_refused)
{
	struct att a = { .ids = { 0xfffff }, .nr = 1 };
	uint8_t none[8] = { 0 }, far[8] = { 0 };
	struct logbuf_attach_events big = { .size = sizeof(big) };
	int pfd = -1, cfd = -1;

	NEED_RING();
	/* No such event: perf says EINVAL. */
	EXPECT_EQ(-EINVAL, attach(self->cfd, &a));
	a.ids[0] = self->getpgid_id;
	/* Too many events. */
	big.nr_ids = LOGBUF_EVENTS_MAX + 1;
	big.ids = (uintptr_t)a.ids;
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &big));
	EXPECT_EQ(EINVAL, errno);
	big.nr_ids = 1;
	big.__reserved = 1;
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &big));
	EXPECT_EQ(EINVAL, errno);
	/* Ids the kernel cannot read. */
	big.__reserved = 0;
	big.ids = 8;
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &big));
	EXPECT_EQ(EFAULT, errno);
	/* An empty CPU set, a CPU that is not online, a size alone. */
	a.cpus = none;
	a.cpus_size = sizeof(none);
	EXPECT_EQ(-EINVAL, attach(self->cfd, &a));
	far[7] = 0x80;	/* CPU 63 */
	a.cpus = far;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 64)
		EXPECT_EQ(-EINVAL, attach(self->cfd, &a));
	a.cpus = NULL;
	EXPECT_EQ(-EINVAL, attach(self->cfd, &a));
	a.cpus_size = 0;
	/* A process that does not exist. */
	a.tgid = 4194303;
	EXPECT_EQ(-ESRCH, attach(self->cfd, &a));
	a.tgid = -5;
	EXPECT_EQ(-EINVAL, attach(self->cfd, &a));
	a.tgid = 0;
	/* Once; then busy. */
	ASSERT_EQ(0, attach(self->cfd, &a));
	EXPECT_EQ(-EBUSY, attach(self->cfd, &a));
	ASSERT_EQ(0, detach(self->cfd));
	ASSERT_EQ(0, detach(self->cfd));	/* detaching twice is fine */
	/* Not on a ring user space produces into. */
	ASSERT_EQ(0, kr_create(PG, 0, &pfd, &cfd));
	EXPECT_EQ(-EOPNOTSUPP, attach(cfd, &a));
	EXPECT_EQ(-EOPNOTSUPP, attach(pfd, &a));
	close(pfd);
	close(cfd);
}

TEST_F(ev, unprivileged_gets_eperm_and_no_data)
{
	struct att a = { .ids = { self->getpgid_id }, .nr = 1 };
	const void *d;
	size_t len;
	pid_t pid;
	int status;

	NEED_RING();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(attach(self->cfd, &a) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	syscall(SYS_getpgid, (pid_t)MARK);
	EXPECT_EQ(-EAGAIN, logbuf_try_recv(self->rx, &d, &len));
}

/* Attach and detach over and over while every CPU makes calls. */
TEST_F_TIMEOUT(ev, attach_detach_while_events_fire, 180)
{
	struct att a = { .ids = { self->getpgid_id, self->fork_id }, .nr = 2 };
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), cpu, i, status;
	pid_t kids[8];

	NEED_RING();
	if (ncpu > 8)
		ncpu = 8;
	for (cpu = 0; cpu < ncpu; cpu++) {
		kids[cpu] = fork();
		ASSERT_LE(0, kids[cpu]);
		if (!kids[cpu]) {
			pin_to(cpu);
			for (;;)
				syscall(SYS_getpgid, (pid_t)MARK);
		}
	}
	for (i = 0; i < 30; i++) {
		const void *d;
		size_t len;

		ASSERT_EQ(0, attach(self->cfd, &a));
		usleep(1000);
		ASSERT_EQ(0, detach(self->cfd));
		while (!logbuf_recv(self->rx, &d, &len, 0))
			ASSERT_EQ(len, ((const struct logbuf_ev *)d)->size);
	}
	for (cpu = 0; cpu < ncpu; cpu++) {
		kill(kids[cpu], SIGKILL);
		ASSERT_EQ(kids[cpu], waitpid(kids[cpu], &status, 0));
	}
}

/* A ring with events attached, used, then closed: 0 or -errno. */
static __attribute__((noinline)) int attach_and_close(const struct att *a)
{
	int pfd = -1, cfd = -1, err;

	err = kr_create(16 * PG, LOGBUF_CREATE_KERNEL_PROD, &pfd, &cfd);
	if (err)
		return err;
	err = attach(cfd, a);
	syscall(SYS_getpgid, (pid_t)MARK);
	if (close(cfd))
		err = -errno;
	syscall(SYS_getpgid, (pid_t)MARK);
	return err;
}

/* Closing the consumer end with events attached detaches them. */
TEST_F(ev, closing_the_ring_detaches)
{
	struct att a = { .ids = { self->getpgid_id }, .nr = 1 };
	int i;

	NEED_RING();
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, attach_and_close(&a));
}

/* Write @s to tracefs file @path (relative to the tracing directory). */
static int tracefs_put(const char *path, const char *s)
{
	char full[512];
	int fd, n;

	snprintf(full, sizeof(full), "%s/%s", tracefs_tracing_dir(), path);
	fd = open(full, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * The event's own filter expression, from a trace instance: exactly the
 * calls it lets through arrive; a new filter applies at once; the
 * instance cannot go while attached; bad instance names are refused.
 * Making the instance takes more than the harness's default 30 s on a
 * debug kernel under emulation.
 */
TEST_F_TIMEOUT(ev, the_events_own_filter_from_an_instance, 300)
{
	struct att a = { .ids = { self->getpgid_id }, .nr = 1 };
	struct tally t = { .id = self->getpgid_id,
			   .tid = syscall(SYS_gettid) };
	struct logbuf_attach_events ae = {
		.size = sizeof(ae), .nr_ids = 1, .ids = (uintptr_t)a.ids,
	};
	char inst[64], dir[256], filt[192], expr[64], longname[300];
	int i;

	NEED_RING();
	snprintf(inst, sizeof(inst), "lbtest-%d", getpid());
	snprintf(dir, sizeof(dir), "%s/instances/%s", tracefs_tracing_dir(),
		 inst);
	snprintf(filt, sizeof(filt),
		 "instances/%s/events/syscalls/sys_enter_getpgid/filter", inst);
	/* No such instance, an empty name, a name too long. */
	ae.instance = (uintptr_t)inst;
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae));
	EXPECT_EQ(ENOENT, errno);
	ae.instance = (uintptr_t)"";
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae));
	EXPECT_EQ(EINVAL, errno);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ae.instance = (uintptr_t)longname;
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae));
	EXPECT_EQ(E2BIG, errno);

	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(expr, sizeof(expr), "pid >= %d", MARK + 50);
	ASSERT_EQ(0, tracefs_put(filt, expr));
	ae.instance = (uintptr_t)inst;
	ASSERT_EQ(0, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae));
	/* Held: the instance cannot be removed under the attachment. */
	EXPECT_EQ(-1, rmdir(dir));
	EXPECT_EQ(EBUSY, errno);
	for (i = 0; i < 100; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	t.marked = 50;	/* expect 50 .. 99, in order */
	drain(_metadata, self->rx, &t);
	EXPECT_EQ(50, t.n);
	EXPECT_EQ(100, t.marked);
	EXPECT_EQ(0, t.bad);
	/* A new filter applies to the next event. */
	snprintf(expr, sizeof(expr), "pid < %d", MARK + 3);
	ASSERT_EQ(0, tracefs_put(filt, expr));
	memset(&t, 0, sizeof(t));
	t.id = self->getpgid_id;
	t.tid = syscall(SYS_gettid);
	for (i = 0; i < 100; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	drain(_metadata, self->rx, &t);
	EXPECT_EQ(3, t.n);
	EXPECT_EQ(3, t.marked);
	EXPECT_EQ(0, t.bad);
	ASSERT_EQ(0, detach(self->cfd));
	EXPECT_EQ(0, rmdir(dir));
}

/*
 * The flight recorder on a trace event: 3000 marked calls through a 4 KiB
 * overwrite ring (dozens of laps); afterwards the ring holds the newest
 * calls, consecutive, ending with the last one, nothing torn.
 */
TEST_F(ev, flight_recorder_keeps_the_newest_calls)
{
	struct att a = { .ids = { self->getpgid_id }, .nr = 1,
			 .tgid = getpid() };
	uint64_t buf[LOGBUF_EV_RAW_MAX / 8 + 8];
	struct logbuf_ow_cursor c = { 0 };
	const struct logbuf_ev_raw *e = (const void *)buf;
	int pfd = 0, cfd = -1, i, n = 0, first = -1, last = -1;
	struct logbuf_stats st;
	struct logbuf_ring *r;
	int64_t pid;
	size_t len;

	NEED_RING();
	ASSERT_EQ(0, kr_create(PG, LOGBUF_CREATE_KERNEL_PROD |
			       LOGBUF_CREATE_OVERWRITE, &pfd, &cfd));
	ASSERT_EQ(0, attach(cfd, &a));
	for (i = 0; i < 3000; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	ASSERT_EQ(0, detach(cfd));
	ASSERT_EQ(0, kr_stats(cfd, &st));
	EXPECT_EQ(0, st.dropped);
	EXPECT_GT(st.tail, 20 * PG);
	r = logbuf_ring_open(cfd);
	ASSERT_NE(NULL, r);
	while (!logbuf_ow_read(r, &c, buf, sizeof(buf), &len)) {
		ASSERT_EQ(len, e->ev.size);
		ASSERT_EQ(LOGBUF_EV_RAW, e->ev.type);
		ASSERT_EQ(self->getpgid_id, (int)e->id);
		pid = field(e, "pid");
		ASSERT_LE(MARK, pid);
		if (first < 0)
			first = pid - MARK;
		else
			ASSERT_EQ(last + 1, pid - MARK);
		last = pid - MARK;
		n++;
	}
	TH_LOG("%d records kept: calls %d .. %d; %llu bytes overwritten",
	       n, first, last, (unsigned long long)c.lost);
	EXPECT_EQ(2999, last);
	EXPECT_GE(n, 20);
	EXPECT_EQ(0, c.torn);
	EXPECT_EQ(st.tail, c.pos);
	logbuf_ring_free(r);
	close(cfd);
}

TEST_HARNESS_MAIN
