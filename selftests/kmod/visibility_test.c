// SPDX-License-Identifier: GPL-2.0
/*
 * What the module shows to whom: /sys/class/misc/logbuf/rings lists a ring
 * only to its creator's user or to CAP_SYS_ADMIN, decided by who opened the
 * file; records carry thread and process ids as the tracer's pid namespace
 * sees them (0 outside it), as perf does; a CAP_PERFMON caller may take a
 * trace instance only if it may write the event's filter file there.
 */
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

#define RINGS	"/sys/class/misc/logbuf/rings"
#define TRACING	"/sys/kernel/tracing"
#define MARK	4300000		/* getpgid() of pids that cannot exist */
#define NOBODY	65534

static uint64_t ring_id(int fd)
{
	struct logbuf_info in = { .size = sizeof(in) };

	return ioctl(fd, LOGBUF_IOC_INFO, &in) ? 0 : in.id;
}

/* The line of ring @id in the listing read from @fd; 0 if none. */
static int listed(int fd, uint64_t id, unsigned int *uid, int *pid)
{
	char buf[8192], *line;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	unsigned long long rid;

	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (sscanf(line, "%llu %u %d", &rid, uid, pid) == 3 &&
		    rid == id)
			return 1;
	return 0;
}

static int become_nobody(void)
{
	return setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	       setresuid(NOBODY, NOBODY, NOBODY);
}

static int send_fd(int sock, int fd)
{
	char c = 0, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * Root's ring and uid 65534's: the unprivileged user sees its own ring, as
 * itself and with its pid, and not root's; root sees both.  A listing that
 * uid 65534 opened and handed to root still shows root nothing more.
 */
TEST(rings_listing_shows_a_user_its_own_rings_only)
{
	int pfd = -1, cfd = -1, sv[2], ready[2], fd;
	uint64_t mine, theirs;
	unsigned int uid;
	int pid;
	pid_t child;

	if (!kr_have_dev() || access(RINGS, R_OK))
		SKIP(return, "no " DEV);
	if (geteuid())
		SKIP(return, "needs root to play both users");
	ASSERT_EQ(0, kr_create(4 * PG, 0, &pfd, &cfd));
	mine = ring_id(cfd);
	ASSERT_NE(0, mine);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pipe(ready));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		int p = -1, c = -1, l;
		uint64_t id;
		char ch;

		if (become_nobody())
			_exit(2);
		if (kr_create(4 * PG, 0, &p, &c))
			_exit(3);
		id = ring_id(c);
		l = open(RINGS, O_RDONLY);
		if (l < 0)
			_exit(4);
		/* Its own, as itself; root's is not there. */
		if (!listed(l, id, &uid, &pid) || uid != NOBODY ||
		    pid != getpid())
			_exit(5);
		if (listed(l, mine, &uid, &pid))
			_exit(6);
		if (write(sv[1], &id, sizeof(id)) != sizeof(id) ||
		    send_fd(sv[1], l))
			_exit(7);
		/* Keep the ring until root has looked. */
		if (read(ready[0], &ch, 1) != 1)
			_exit(8);
		_exit(0);
	}
	/* The child's ends: a child that fails closes them, and reads end. */
	close(sv[1]);
	close(ready[0]);
	ASSERT_EQ(sizeof(theirs), read(sv[0], &theirs, sizeof(theirs))) {
		TH_LOG("uid 65534's look failed: exit %d", wait_child(child));
	}
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	/* Opened by uid 65534, read by root: still only uid 65534's. */
	EXPECT_FALSE(listed(fd, mine, &uid, &pid));
	EXPECT_TRUE(listed(fd, theirs, &uid, &pid));
	close(fd);
	/* Opened by root: everyone's, with their uid and pid. */
	fd = open(RINGS, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(listed(fd, mine, &uid, &pid));
	EXPECT_EQ(0, uid);
	EXPECT_EQ(getpid(), pid);
	EXPECT_TRUE(listed(fd, theirs, &uid, &pid));
	EXPECT_EQ(NOBODY, uid);
	EXPECT_EQ(child, pid);
	close(fd);
	ASSERT_EQ(1, write(ready[1], "x", 1));
	EXPECT_EQ(0, wait_child(child));
	close(pfd);
	close(cfd);
}

/* The id of syscalls:sys_enter_getpgid, from tracefs; -1 if none. */
static int getpgid_event_id(void)
{
	FILE *f = fopen(TRACING "/events/syscalls/sys_enter_getpgid/id", "r");
	int id = -1;

	if (f) {
		if (fscanf(f, "%d", &id) != 1)
			id = -1;
		fclose(f);
	}
	return id;
}

struct ids {
	int inside, outside, other;	/* records of each kind */
};

/* Tally the marked getpgid() records: @in_ns's calls, and the parent's. */
static void tally(int cfd, struct ids *n, int raw)
{
	struct logbuf_receiver *rx = logbuf_receiver_open(cfd);
	const void *d;
	size_t len;

	if (!rx)
		return;
	while (!logbuf_recv(rx, &d, &len, 0)) {
		const struct logbuf_ev *ev = d;
		int64_t arg;

		if (raw && ev->type == LOGBUF_EV_RAW) {
			const struct logbuf_ev_raw *e = d;
			int64_t v;

			/* sys_enter_getpgid: common fields, nr, then pid */
			if (e->raw_size < 24)
				continue;
			memcpy(&v, e->raw + 16, sizeof(v));
			arg = v;
		} else if (!raw && ev->type == LOGBUF_EV_SYS_ENTER) {
			const struct logbuf_ev_syscall *e = d;

			if (e->id != SYS_getpgid)
				continue;
			arg = (int64_t)e->args[0];
		} else {
			continue;
		}
		if (arg >= MARK && arg < MARK + 10)
			n->inside += ev->pid == 1 && ev->tgid == 1;
		else if (arg >= MARK + 10 && arg < MARK + 20)
			n->outside += ev->pid == 0 && ev->tgid == 0;
		else
			continue;
		if (!(ev->pid == 1 || ev->pid == 0))
			n->other++;
	}
	logbuf_receiver_free(rx);
}

/*
 * A tracer in a pid namespace of its own (pid 1 there): its own calls carry
 * pid and tgid 1, calls of a process outside carry 0, for the syscall
 * source and for any trace event.
 */
TEST(records_carry_ids_as_the_tracers_pid_namespace_sees_them)
{
	int go[2], done[2], evid = getpgid_event_id(), i;
	pid_t child;
	char c;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	if (geteuid())
		SKIP(return, "needs CAP_SYS_ADMIN for a pid namespace");
	if (evid < 0)
		SKIP(return, "no syscalls:sys_enter_getpgid in tracefs");
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	/* The test runs in a process of its own: its next child is pid 1. */
	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct logbuf_attach a = { .size = sizeof(a),
					   .events = LOGBUF_EV_SYS_ENTER };
		uint32_t id = evid;
		struct logbuf_attach_events ae = { .size = sizeof(ae),
			.nr_ids = 1, .ids = (uintptr_t)&id };
		struct ids n[2] = { { 0 } };
		int pfd[2] = { -1, -1 }, cfd[2] = { -1, -1 }, k;

		if (getpid() != 1)
			_exit(2);
		for (k = 0; k < 2; k++)
			if (kr_create(64 * PG, LOGBUF_CREATE_KERNEL_PROD,
				      &pfd[k], &cfd[k]))
				_exit(3);
		if (ioctl(cfd[0], LOGBUF_IOC_ATTACH, &a) ||
		    ioctl(cfd[1], LOGBUF_IOC_ATTACH_EVENTS, &ae))
			_exit(4);
		for (k = 0; k < 10; k++)
			syscall(SYS_getpgid, (pid_t)(MARK + k));
		/* Now the parent, outside. */
		if (write(go[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(5);
		a.events = 0;
		memset(&ae, 0, sizeof(ae));
		ae.size = sizeof(ae);
		if (ioctl(cfd[0], LOGBUF_IOC_ATTACH, &a) ||
		    ioctl(cfd[1], LOGBUF_IOC_ATTACH_EVENTS, &ae))
			_exit(6);
		for (k = 0; k < 2; k++) {
			tally(cfd[k], &n[k], k);
			fprintf(stderr, "# %s: %d calls inside as 1, %d outside as 0, %d other ids\n",
				k ? "any event" : "sys_enter", n[k].inside,
				n[k].outside, n[k].other);
			if (n[k].inside != 10 || n[k].outside != 10 ||
			    n[k].other)
				_exit(7);
		}
		_exit(0);
	}
	ASSERT_EQ(1, read(go[0], &c, 1));
	for (i = 10; i < 20; i++)
		syscall(SYS_getpgid, (pid_t)(MARK + i));
	ASSERT_EQ(1, write(done[1], "x", 1));
	EXPECT_EQ(0, wait_child(child));
}

/* Keep only CAP_PERFMON while becoming uid 65534. */
static int nobody_with_perfmon(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (prctl(PR_SET_KEEPCAPS, 1) || become_nobody())
		return -1;
	d[CAP_PERFMON / 32].permitted = 1U << (CAP_PERFMON % 32);
	d[CAP_PERFMON / 32].effective = 1U << (CAP_PERFMON % 32);
	return syscall(SYS_capset, &h, d);
}

/* A fixture of nothing: TEST_F_TIMEOUT needs one. */
FIXTURE(inst) {};
FIXTURE_SETUP(inst) {}
FIXTURE_TEARDOWN(inst) {}

/*
 * A CAP_PERFMON user who may not write the instance's filter files takes
 * nothing: EACCES, whether the instance exists or not (no probing for
 * names), and the instance can still be removed.  Root may take it.
 * Making an instance makes every event's files: minutes on a debug kernel
 * under emulation, not the harness's default 30 s.
 */
TEST_F_TIMEOUT(inst, a_trace_instance_needs_its_filter_file_writable, 300)
{
	char dir[128], inst[64];
	int evid = getpgid_event_id();
	pid_t child;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	if (geteuid())
		SKIP(return, "needs root to make an instance");
	if (evid < 0)
		SKIP(return, "no syscalls:sys_enter_getpgid in tracefs");
	snprintf(inst, sizeof(inst), "lbvis-%d", getpid());
	snprintf(dir, sizeof(dir), TRACING "/instances/%s", inst);
	ASSERT_EQ(0, mkdir(dir, 0755));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		uint32_t id = evid;
		struct logbuf_attach_events ae = { .size = sizeof(ae),
			.nr_ids = 1, .ids = (uintptr_t)&id,
			.instance = (uintptr_t)inst };
		int pfd = -1, cfd = -1, rc = 0;

		if (nobody_with_perfmon())
			_exit(2);
		if (kr_create(16 * PG, LOGBUF_CREATE_KERNEL_PROD, &pfd, &cfd))
			_exit(3);
		if (!ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae)) {
			/* Taken: show that it pins root's instance. */
			fprintf(stderr, "# uid 65534 took instance %s\n", inst);
			rc = 4;
		} else if (errno != EACCES) {
			fprintf(stderr, "# existing: %s\n", strerror(errno));
			rc = 5;
		}
		ae.instance = (uintptr_t)"lbvis-no-such-instance";
		if (!ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae) ||
		    errno != EACCES) {
			fprintf(stderr, "# missing: %s\n", strerror(errno));
			rc = rc ?: 6;
		}
		ae.instance = (uintptr_t)"..";
		if (!ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae) ||
		    errno != EINVAL)
			rc = rc ?: 7;
		if (rc == 4) {
			/* Root tries to remove its instance meanwhile. */
			if (!rmdir(dir))
				rc = 8;
		}
		_exit(rc);
	}
	EXPECT_EQ(0, wait_child(child));
	/* Nothing held: root removes its instance. */
	EXPECT_EQ(0, rmdir(dir)) {
		TH_LOG("rmdir %s: %s", dir, strerror(errno));
	}
	/* Root may take an instance, and is told when there is none. */
	{
		uint32_t id = evid;
		struct logbuf_attach_events ae = { .size = sizeof(ae),
			.nr_ids = 1, .ids = (uintptr_t)&id,
			.instance = (uintptr_t)inst };
		int pfd = -1, cfd = -1;

		ASSERT_EQ(0, kr_create(16 * PG, LOGBUF_CREATE_KERNEL_PROD,
				       &pfd, &cfd));
		EXPECT_EQ(-1, ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae));
		EXPECT_EQ(ENOENT, errno);
		ASSERT_EQ(0, mkdir(dir, 0755));
		EXPECT_EQ(0, ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae));
		memset(&ae, 0, sizeof(ae));
		ae.size = sizeof(ae);
		EXPECT_EQ(0, ioctl(cfd, LOGBUF_IOC_ATTACH_EVENTS, &ae));
		EXPECT_EQ(0, rmdir(dir));
		close(pfd);
		close(cfd);
	}
}

TEST_HARNESS_MAIN
