// SPDX-License-Identifier: GPL-2.0
/*
 * Call stacks in trace event records (struct logbuf_ev_stack): every record
 * of an event asked for them carries them where the ABI says, with the
 * user registers of the thread that fired it, a user stack copy that holds
 * what the thread had on its stack, and kernel chains of kernel addresses;
 * depth limits hold; records of events not asked for stay as they were;
 * bad stack arguments are refused with nothing attached; uid 65534 gets
 * EPERM first.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

#define MARK		4300000
#define CALLS		50
#define CANARY		0x6c6f67627566ca11ull

/* An event's id from tracefs, or -1. */
static int event_id(const char *path)
{
	char name[256];
	FILE *f;
	int id = -1;

	snprintf(name, sizeof(name), "/sys/kernel/tracing/events/%s/id", path);
	f = fopen(name, "r");
	if (f) {
		if (fscanf(f, "%d", &id) != 1)
			id = -1;
		fclose(f);
	}
	return id;
}

FIXTURE(st) {
	int cfd;
	struct logbuf_receiver *rx;
	uint32_t getpgid_id, fork_id;
};

FIXTURE_SETUP(st)
{
	int pfd = 0, a, b;

	self->cfd = -1;
	self->rx = NULL;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (geteuid())
		SKIP(return, "needs CAP_PERFMON or CAP_SYS_ADMIN");
	a = event_id("syscalls/sys_enter_getpgid");
	b = event_id("sched/sched_process_fork");
	if (a < 0 || b < 0)
		SKIP(return, "no syscall or sched events in tracefs");
	self->getpgid_id = a;
	self->fork_id = b;
	ASSERT_EQ(0, kr_create(1024 * PG, LOGBUF_CREATE_KERNEL_PROD, &pfd,
			       &self->cfd));
	self->rx = logbuf_receiver_open(self->cfd);
	ASSERT_NE(NULL, self->rx);
}

FIXTURE_TEARDOWN(st)
{
	if (self->rx)
		logbuf_receiver_free(self->rx);
	if (self->cfd >= 0)
		close(self->cfd);
}

#define NEED_RING()	do { if (self->cfd < 0) return; } while (0)

static int attach(int cfd, const uint32_t *ids, uint32_t nr,
		  const uint32_t *stacks, uint32_t depth, uint32_t ustack)
{
	struct logbuf_attach_events a = {
		.size = sizeof(a), .nr_ids = nr, .ids = (uintptr_t)ids,
		.tgid = getpid(), .stacks = (uintptr_t)stacks,
		.stack_depth = depth, .ustack_size = ustack,
	};

	return ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &a) ? -errno : 0;
}

static int detach(int cfd)
{
	struct logbuf_attach_events a = { .size = sizeof(a) };

	return ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &a) ? -errno : 0;
}

/* The stacks of a raw record, checked against the ABI's layout. */
static const struct logbuf_ev_stack *
stack_of(struct __test_metadata *_metadata, const struct logbuf_ev_raw *e,
	 size_t len)
{
	size_t at = (sizeof(*e) + e->raw_size + 7) & ~(size_t)7;
	const struct logbuf_ev_stack *s;

	if (len == at)
		return NULL;
	EXPECT_LE(at + sizeof(*s), len);
	if (at + sizeof(*s) > len)
		return NULL;
	s = (const void *)((const char *)e + at);
	EXPECT_EQ(len, (at + sizeof(*s) + (s->nr_kernel + s->nr_user) * 8 +
			s->ustack_size + 7) & ~(size_t)7);
	EXPECT_LE(s->ustack_valid, s->ustack_size);
	EXPECT_EQ(0, s->__pad);
	return s;
}

static bool kernel_addr(uint64_t a)
{
	return a >= 0xffff800000000000ull;
}

/* A frame with the canary on it, then getpgid() from libc. */
static __attribute__((noinline)) long marked_call(long i)
{
	volatile uint64_t canary[2] = { CANARY, (uint64_t)i };
	long r = syscall(SYS_getpgid, (pid_t)(MARK + i));

	return r + (long)canary[1];
}

TEST_F(st, each_record_carries_its_stacks)
{
	uint32_t ids[] = { self->getpgid_id }, stacks[] = { LOGBUF_STACK_ALL };
	int i, n = 0, canaries = 0, here;
	uint64_t sp_here = (uintptr_t)&here;
	const void *d;
	size_t len;

	NEED_RING();
	ASSERT_EQ(0, attach(self->cfd, ids, 1, stacks, 16, 512));
	for (i = 0; i < CALLS; i++)
		marked_call(i);
	ASSERT_EQ(0, detach(self->cfd));
	while (!logbuf_recv(self->rx, &d, &len, 0)) {
		const struct logbuf_ev_raw *e = d;
		const struct logbuf_ev_stack *s;
		const uint64_t *copy;
		uint32_t j;

		if (e->ev.type != LOGBUF_EV_RAW || e->id != self->getpgid_id)
			continue;
		s = stack_of(_metadata, e, len);
		ASSERT_NE(NULL, s);
		n++;
		EXPECT_EQ(LOGBUF_STACK_ALL, s->flags);
		/* A syscall tracepoint fires with the user registers. */
		EXPECT_EQ(0, s->nr_kernel);
		ASSERT_LE(1, s->nr_user);
		EXPECT_GE(16, s->nr_user);
		EXPECT_EQ(s->uregs[0], s->ips[0]);
		EXPECT_FALSE(kernel_addr(s->uregs[0]));
		/* The stack pointer is on our stack, below our frame. */
		EXPECT_LT(s->uregs[1], sp_here);
		EXPECT_GT(s->uregs[1] + 65536, sp_here);
		EXPECT_EQ(512, s->ustack_size);
		EXPECT_EQ(512, s->ustack_valid);
		/* marked_call()'s locals are in the copy, as it had them. */
		copy = (const uint64_t *)&s->ips[s->nr_kernel + s->nr_user];
		for (j = 0; j + 1 < 512 / 8; j++)
			if (copy[j] == CANARY && copy[j + 1] < CALLS)
				canaries++;
	}
	EXPECT_EQ(CALLS, n);
	EXPECT_EQ(CALLS, canaries);
}

/* sched_process_fork fires in kernel_clone(): a kernel chain under it. */
TEST_F(st, kernel_chains_are_kernel_addresses_within_the_depth)
{
	uint32_t ids[] = { self->fork_id };
	uint32_t stacks[] = { LOGBUF_STACK_KERNEL };
	uint32_t depth[] = { 0, 3 };
	int k, i, n;
	const void *d;
	size_t len;

	NEED_RING();
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, attach(self->cfd, ids, 1, stacks, depth[k], 0));
		for (i = 0; i < 5; i++) {
			pid_t p = fork();

			if (!p)
				_exit(0);
			ASSERT_LT(0, p);
			waitpid(p, NULL, 0);
		}
		ASSERT_EQ(0, detach(self->cfd));
		n = 0;
		while (!logbuf_recv(self->rx, &d, &len, 0)) {
			const struct logbuf_ev_raw *e = d;
			const struct logbuf_ev_stack *s;
			uint32_t j;

			if (e->ev.type != LOGBUF_EV_RAW)
				continue;
			s = stack_of(_metadata, e, len);
			ASSERT_NE(NULL, s);
			n++;
			EXPECT_EQ(LOGBUF_STACK_KERNEL, s->flags);
			EXPECT_EQ(0, s->nr_user);
			EXPECT_EQ(0, s->ustack_size);
			EXPECT_EQ(0, s->uregs[0]);
			/* Tracepoint, kernel_clone(), the syscall, its entry. */
			EXPECT_LE(depth[k] ? depth[k] : 4, s->nr_kernel);
			EXPECT_GE(depth[k] ? depth[k] : LOGBUF_STACK_DEPTH_MAX,
				  s->nr_kernel);
			for (j = 0; j < s->nr_kernel; j++)
				EXPECT_TRUE(kernel_addr(s->ips[j]));
		}
		EXPECT_EQ(5, n);
	}
}

/* Only the event asked for has stacks; the other's records are as before. */
TEST_F(st, stacks_are_per_event)
{
	uint32_t ids[] = { self->getpgid_id, self->fork_id };
	uint32_t stacks[] = { 0, LOGBUF_STACK_USER };
	int with = 0, without = 0;
	const void *d;
	size_t len;
	pid_t p;

	NEED_RING();
	ASSERT_EQ(0, attach(self->cfd, ids, 2, stacks, 0, 0));
	syscall(SYS_getpgid, (pid_t)MARK);
	p = fork();
	if (!p)
		_exit(0);
	ASSERT_LT(0, p);
	waitpid(p, NULL, 0);
	ASSERT_EQ(0, detach(self->cfd));
	while (!logbuf_recv(self->rx, &d, &len, 0)) {
		const struct logbuf_ev_raw *e = d;
		const struct logbuf_ev_stack *s;

		if (e->ev.type != LOGBUF_EV_RAW)
			continue;
		s = stack_of(_metadata, e, len);
		if (e->id == self->getpgid_id) {
			EXPECT_EQ(NULL, s);
			without++;
		} else if (s) {
			/* Frame pointers only: no copy. */
			EXPECT_EQ(LOGBUF_STACK_USER, s->flags);
			EXPECT_EQ(0, s->nr_kernel);
			EXPECT_LE(1, s->nr_user);
			EXPECT_EQ(0, s->ustack_size);
			with++;
		}
	}
	EXPECT_EQ(1, without);
	EXPECT_EQ(1, with);
}

TEST_F(st, bad_stack_arguments_are_refused)
{
	uint32_t ids[] = { self->getpgid_id };
	uint32_t bad[] = { 1u << 2 }, ok[] = { LOGBUF_STACK_ALL };
	struct logbuf_attach_events a = {
		.size = sizeof(a), .nr_ids = 1, .ids = (uintptr_t)ids,
		.stacks = 8,
	};

	NEED_RING();
	EXPECT_EQ(-EINVAL, attach(self->cfd, ids, 1, bad, 0, 0));
	EXPECT_EQ(-EINVAL, attach(self->cfd, ids, 1, ok,
				  LOGBUF_STACK_DEPTH_MAX + 1, 0));
	EXPECT_EQ(-EINVAL, attach(self->cfd, ids, 1, ok, 0, 12));
	EXPECT_EQ(-EINVAL, attach(self->cfd, ids, 1, ok, 0,
				  LOGBUF_USTACK_MAX + 8));
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH_EVENTS, &a));
	EXPECT_EQ(EFAULT, errno);
	/* Nothing was attached: a good attachment still takes. */
	EXPECT_EQ(0, attach(self->cfd, ids, 1, ok, LOGBUF_STACK_DEPTH_MAX,
			    LOGBUF_USTACK_MAX));
	syscall(SYS_getpgid, (pid_t)MARK);
	EXPECT_EQ(0, detach(self->cfd));
}

/*
 * As uid 65534 (the device is 0666): EPERM before anything, also for
 * stack arguments that are bad, and nothing reaches the ring.
 */
TEST_F(st, unprivileged_stacks_get_eperm)
{
	uint32_t ids[] = { self->getpgid_id };
	uint32_t ok[] = { LOGBUF_STACK_ALL }, bad[] = { ~0u };
	const void *d;
	size_t len;
	int status;
	pid_t pid;

	NEED_RING();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(attach(self->cfd, ids, 1, ok, 0, LOGBUF_USTACK_MAX) ==
		      -EPERM && attach(self->cfd, ids, 1, bad, 500, 7) ==
		      -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	syscall(SYS_getpgid, (pid_t)MARK);
	EXPECT_EQ(-EAGAIN, logbuf_try_recv(self->rx, &d, &len));
}

TEST_HARNESS_MAIN
