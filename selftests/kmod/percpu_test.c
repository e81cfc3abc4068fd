// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint sources into one ring per CPU (struct logbuf_attach.ring_fds):
 * each CPU's events land in its own ring, none lost or duplicated; the
 * descriptors are checked; the attachment holds its rings and lets them go
 * at detach or at the last close; attaching and detaching while events fire
 * on every CPU harms nothing.
 */
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

#define MAXR	64

/* nr_cpu_ids: one more than the last possible CPU. */
static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int a = 0, b = -1;
	char sep;

	if (!f)
		return -1;
	if (fscanf(f, "%d%c%d", &a, &sep, &b) < 1)
		a = -2;
	fclose(f);
	return (b >= 0 ? b : a) + 1;
}

FIXTURE(percpu) {
	int nr;
	int pfd[MAXR], cfd[MAXR];
	struct logbuf_receiver *rx[MAXR];
};

FIXTURE_SETUP(percpu)
{
	int i;

	self->nr = 0;
	memset(self->rx, 0, sizeof(self->rx));
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (geteuid())
		SKIP(return, "needs CAP_PERFMON or CAP_SYS_ADMIN");
	self->nr = possible_cpus();
	ASSERT_LT(0, self->nr);
	if (self->nr > MAXR)
		SKIP(return, "more than %d possible CPUs", MAXR);
	for (i = 0; i < self->nr; i++)
		self->cfd[i] = -1;
	for (i = 0; i < self->nr; i++) {
		ASSERT_EQ(0, kr_create(256 * PG, LOGBUF_CREATE_KERNEL_PROD,
				       &self->pfd[i], &self->cfd[i]));
		self->rx[i] = logbuf_receiver_open(self->cfd[i]);
		ASSERT_NE(NULL, self->rx[i]);
	}
}

/* The harness runs a test after a setup that skipped: do nothing then. */
#define NEED_RINGS()	do { if (!self->nr) return; } while (0)

FIXTURE_TEARDOWN(percpu)
{
	int i;

	for (i = 0; i < self->nr; i++) {
		if (self->rx[i])
			logbuf_receiver_free(self->rx[i]);
		if (self->cfd[i] >= 0)
			close(self->cfd[i]);
	}
}

static int attach_set(int cfd, uint32_t events, const int *fds, uint32_t nr)
{
	struct logbuf_attach a = {
		.size = sizeof(a), .events = events,
		.ring_fds = (uintptr_t)fds, .nr_rings = nr,
	};

	return ioctl(cfd, LOGBUF_IOC_ATTACH, &a) ? -errno : 0;
}

static int pin_to(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

/* getpgid() of pids that cannot exist, marked by CPU and sequence. */
#define MARK(cpu, i)	(4000000 + (cpu) * 10000 + (i))
#define CALLS		200

struct seen {
	uint32_t tid;
	int per_cpu[MAXR];	/* marked calls found, by the CPU they name */
	int wrong;		/* a marked call in another CPU's ring */
	int out_of_order;
};

/* Every record well-formed; count the marked calls of @tid in ring @ring. */
static void drain_ring(struct __test_metadata *_metadata,
		       struct logbuf_receiver *rx, int ring, struct seen *s)
{
	int next = 0;
	const void *d;
	size_t len;

	while (!logbuf_recv(rx, &d, &len, 0)) {
		const struct logbuf_ev_syscall *e = d;
		long m;

		ASSERT_LE(sizeof(e->ev), len);
		ASSERT_EQ(len, e->ev.size);
		if (e->ev.type != LOGBUF_EV_SYS_ENTER ||
		    e->ev.pid != s->tid || e->id != SYS_getpgid)
			continue;
		m = (long)e->args[0] - MARK(0, 0);
		if (m < 0 || m >= MAXR * 10000)
			continue;
		if (m / 10000 != ring || e->ev.cpu != (uint32_t)ring) {
			s->wrong++;
			continue;
		}
		s->out_of_order += m % 10000 != next;
		next = m % 10000 + 1;
		s->per_cpu[ring]++;
	}
}

TEST_F(percpu, each_cpu_into_its_own_ring)
{
	struct seen s = { .tid = syscall(SYS_gettid) };
	struct logbuf_stats st;
	int cpu, i, online = 0;

	NEED_RINGS();
	ASSERT_EQ(0, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER, self->cfd,
				self->nr));
	for (cpu = 0; cpu < self->nr; cpu++) {
		if (pin_to(cpu))
			continue;	/* possible, not online */
		online++;
		for (i = 0; i < CALLS; i++)
			syscall(SYS_getpgid, (pid_t)MARK(cpu, i));
	}
	ASSERT_EQ(0, attach_set(self->cfd[0], 0, NULL, 0));
	ASSERT_LE(1, online);
	for (cpu = 0; cpu < self->nr; cpu++) {
		ASSERT_EQ(0, kr_stats(self->cfd[cpu], &st));
		EXPECT_EQ(0, st.dropped);
		drain_ring(_metadata, self->rx[cpu], cpu, &s);
	}
	EXPECT_EQ(0, s.wrong);
	EXPECT_EQ(0, s.out_of_order);
	for (cpu = 0, i = 0; cpu < self->nr; cpu++) {
		if (s.per_cpu[cpu])
			EXPECT_EQ(CALLS, s.per_cpu[cpu]);
		i += s.per_cpu[cpu];
	}
	EXPECT_EQ(online * CALLS, i);
}

/* Fewer rings than CPUs: CPU c writes into ring c % nr. */
TEST_F(percpu, one_ring_in_a_set_takes_every_cpu)
{
	struct seen s = { .tid = syscall(SYS_gettid) };
	int cpu, i, n = 0, online = 0;
	const void *d;
	size_t len;

	NEED_RINGS();
	/* The set is ring 1 alone (or ring 0 on one CPU), attached from 0. */
	int other = self->nr > 1;
	ASSERT_EQ(0, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				&self->cfd[other], 1));
	for (cpu = 0; cpu < self->nr; cpu++) {
		if (pin_to(cpu))
			continue;
		online++;
		for (i = 0; i < CALLS; i++)
			syscall(SYS_getpgid, (pid_t)MARK(cpu, i));
	}
	ASSERT_EQ(0, attach_set(self->cfd[0], 0, NULL, 0));
	while (!logbuf_recv(self->rx[other], &d, &len, 0)) {
		const struct logbuf_ev_syscall *e = d;

		n += e->ev.type == LOGBUF_EV_SYS_ENTER && e->ev.pid == s.tid &&
		     e->id == SYS_getpgid &&
		     (long)e->args[0] >= MARK(0, 0) &&
		     (long)e->args[0] < MARK(MAXR, 0);
	}
	EXPECT_EQ(online * CALLS, n);
	if (other)	/* the attaching ring is not in the set: empty */
		EXPECT_EQ(-EAGAIN, logbuf_try_recv(self->rx[0], &d, &len));
}

TEST_F(percpu, bad_sets_are_refused)
{
	struct logbuf_attach a = {
		.size = sizeof(a), .events = LOGBUF_EV_SYS_ENTER,
		.ring_fds = (uintptr_t)self->cfd, .nr_rings = self->nr,
	};
	int fds[2], pfd = -1, cfd = -1, big[MAXR + 1];
	int p[2], i;

	NEED_RINGS();
	/* No rings, too many rings, a count without a list. */
	EXPECT_EQ(-EINVAL, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				      self->cfd, 0));
	for (i = 0; i <= self->nr; i++)
		big[i] = self->cfd[0];
	EXPECT_EQ(-EINVAL, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				      big, self->nr + 1));
	EXPECT_EQ(-EINVAL, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				      NULL, 1));
	/* A list the kernel cannot read. */
	EXPECT_EQ(-EFAULT, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				      (const int *)8, 1));
	/* Not a descriptor (also after a good one: the set is undone). */
	fds[0] = -1;
	EXPECT_EQ(-EBADF, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				     fds, 1));
	if (self->nr >= 2) {
		fds[0] = self->cfd[0];
		fds[1] = -1;
		EXPECT_EQ(-EBADF, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
					     fds, 2));
	}
	/* Not a logbuf end; the wrong kind of end. */
	ASSERT_EQ(0, pipe(p));
	fds[0] = p[0];
	EXPECT_EQ(-EINVAL, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				      fds, 1));
	ASSERT_EQ(0, kr_create(PG, 0, &pfd, &cfd));
	fds[0] = cfd;
	EXPECT_EQ(-EINVAL, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				      fds, 1));
	fds[0] = pfd;
	EXPECT_EQ(-EINVAL, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				      fds, 1));
	close(pfd);
	close(cfd);
	close(p[0]);
	close(p[1]);
	/* Padding must be 0. */
	a.__pad = 1;
	EXPECT_EQ(-1, ioctl(self->cfd[0], LOGBUF_IOC_ATTACH, &a));
	EXPECT_EQ(EINVAL, errno);
	/* After all those, a good set still attaches, and only once. */
	ASSERT_EQ(0, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER, self->cfd,
				self->nr));
	EXPECT_EQ(-EBUSY, attach_set(self->cfd[0], LOGBUF_EV_EXEC, self->cfd,
				     self->nr));
	ASSERT_EQ(0, attach_set(self->cfd[0], 0, NULL, 0));
}

/* Binaries built against the 16-byte struct keep their number and work. */
TEST_F(percpu, the_first_struct_still_attaches)
{
	struct { uint32_t size, events; uint64_t reserved; } v0 = {
		.size = sizeof(v0), .events = LOGBUF_EV_SYS_ENTER,
	};
	const void *d;
	size_t len;
	int n = 0;

	NEED_RINGS();
	ASSERT_EQ(16, sizeof(v0));
	ASSERT_EQ(_IOW(LOGBUF_IOC_MAGIC, 0x06, v0), LOGBUF_IOC_ATTACH);
	ASSERT_EQ(0, ioctl(self->cfd[0], LOGBUF_IOC_ATTACH, &v0));
	syscall(SYS_getpgid, (pid_t)MARK(1, 1));
	v0.events = 0;
	ASSERT_EQ(0, ioctl(self->cfd[0], LOGBUF_IOC_ATTACH, &v0));
	while (!logbuf_recv(self->rx[0], &d, &len, 0)) {
		const struct logbuf_ev_syscall *e = d;

		n += e->ev.type == LOGBUF_EV_SYS_ENTER &&
		     e->id == SYS_getpgid && e->args[0] == MARK(1, 1);
	}
	EXPECT_EQ(1, n);
}

TEST_F(percpu, unprivileged_gets_eperm_and_no_data)
{
	const void *d;
	size_t len;
	pid_t pid;
	int status;

	NEED_RINGS();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				 self->cfd, self->nr) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	/* Nothing was attached: a system call later, every ring is empty. */
	syscall(SYS_getpgid, (pid_t)MARK(0, 0));
	for (int i = 0; i < self->nr; i++)
		EXPECT_EQ(-EAGAIN, logbuf_try_recv(self->rx[i], &d, &len));
}

/*
 * A member whose consumer end closes under the running probes keeps its
 * memory (the attachment holds it; its events are dropped), and the other
 * rings go on receiving.
 */
TEST_F(percpu, a_member_may_close_first)
{
	struct seen s = { .tid = syscall(SYS_gettid) };
	int cpu, i, last = self->nr - 1;

	NEED_RINGS();
	if (!last)
		SKIP(return, "one possible CPU");
	ASSERT_EQ(0, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER, self->cfd,
				self->nr));
	logbuf_receiver_free(self->rx[last]);
	self->rx[last] = NULL;
	ASSERT_EQ(0, close(self->cfd[last]));
	self->cfd[last] = -1;
	for (cpu = self->nr - 1; cpu >= 0; cpu--) {
		if (pin_to(cpu))
			continue;
		for (i = 0; i < CALLS; i++)
			syscall(SYS_getpgid, (pid_t)MARK(cpu, i));
	}
	ASSERT_EQ(0, attach_set(self->cfd[0], 0, NULL, 0));
	drain_ring(_metadata, self->rx[0], 0, &s);
	EXPECT_EQ(CALLS, s.per_cpu[0]);
	EXPECT_EQ(0, s.wrong);
}

/* The last close of the attaching end detaches its sources. */
TEST_F(percpu, closing_the_owner_detaches)
{
	const void *d;
	size_t len;
	int i, n = 0;

	NEED_RINGS();
	if (self->nr < 2)
		SKIP(return, "one possible CPU");
	/* Ring 0 attaches; every CPU's events go into ring 1. */
	ASSERT_EQ(0, attach_set(self->cfd[0], LOGBUF_EV_SYS_ENTER,
				&self->cfd[1], 1));
	syscall(SYS_getpgid, (pid_t)MARK(0, 0));
	logbuf_receiver_free(self->rx[0]);
	self->rx[0] = NULL;
	ASSERT_EQ(0, close(self->cfd[0]));
	self->cfd[0] = -1;
	/* Attached until then: the call above is in ring 1. */
	while (!logbuf_recv(self->rx[1], &d, &len, 0)) {
		const struct logbuf_ev_syscall *e = d;

		n += e->ev.type == LOGBUF_EV_SYS_ENTER &&
		     e->id == SYS_getpgid && e->args[0] == MARK(0, 0);
	}
	EXPECT_EQ(1, n);
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getpgid, (pid_t)MARK(0, i));
	EXPECT_EQ(-EAGAIN, logbuf_try_recv(self->rx[1], &d, &len));
}

/*
 * Attach and detach a set over and over while every CPU makes calls (each
 * detach waits for a grace period: slow under emulation).
 */
TEST_F_TIMEOUT(percpu, attach_detach_while_events_fire, 180)
{
	pid_t kids[MAXR];
	int cpu, i, status, n = 0;

	NEED_RINGS();
	for (cpu = 0; cpu < self->nr; cpu++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			if (pin_to(cpu))
				_exit(0);
			for (;;)
				syscall(SYS_getpgid, (pid_t)MARK(cpu, 0));
		}
		kids[n++] = pid;
	}
	for (i = 0; i < 40; i++) {
		ASSERT_EQ(0, attach_set(self->cfd[i % self->nr],
					i % 3 ? LOGBUF_EV_SYS_ENTER :
						LOGBUF_EV_ALL,
					self->cfd, self->nr));
		usleep(500);
		ASSERT_EQ(0, attach_set(self->cfd[i % self->nr], 0, NULL, 0));
		for (cpu = 0; cpu < self->nr; cpu++) {
			const void *d;
			size_t len;

			while (!logbuf_recv(self->rx[cpu], &d, &len, 0))
				ASSERT_EQ(len, ((const struct logbuf_ev *)d)->size);
		}
	}
	for (i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		ASSERT_EQ(kids[i], waitpid(kids[i], &status, 0));
	}
}

TEST_HARNESS_MAIN
