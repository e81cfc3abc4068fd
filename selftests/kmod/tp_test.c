// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint sources: known workloads must show up in the streams, as the
 * documented binary records; attaching needs CAP_PERFMON or CAP_SYS_ADMIN.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

FIXTURE(tp) {
	int cfd;
	struct logbuf_receiver *rx;
};

FIXTURE_SETUP(tp)
{
	int pfd = 0;

	self->cfd = -1;
	self->rx = NULL;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (geteuid())
		SKIP(return, "needs CAP_PERFMON or CAP_SYS_ADMIN");
	ASSERT_EQ(0, kr_create(256 * PG, LOGBUF_CREATE_KERNEL_PROD, &pfd,
			       &self->cfd));
	self->rx = logbuf_receiver_open(self->cfd);
	ASSERT_NE(NULL, self->rx);
}

FIXTURE_TEARDOWN(tp)
{
	logbuf_receiver_free(self->rx);
	if (self->cfd >= 0)
		close(self->cfd);
}

static int attach(int cfd, uint32_t events)
{
	struct logbuf_attach a = { .size = sizeof(a), .events = events };

	return ioctl(cfd, LOGBUF_IOC_ATTACH, &a) ? -errno : 0;
}

/* Every record of the stream must be well-formed; count those @match takes. */
static int drain(struct __test_metadata *_metadata,
		 struct logbuf_receiver *rx,
		 int (*match)(const struct logbuf_ev *ev, void *ctx), void *ctx)
{
	const void *d;
	size_t len;
	int n = 0;

	while (!logbuf_recv(rx, &d, &len, 0)) {
		const struct logbuf_ev *ev = d;

		ASSERT_LE(sizeof(*ev), len);
		ASSERT_EQ(len, ev->size);
		ASSERT_TRUE(ev->type == LOGBUF_EV_SCHED_SWITCH ||
			    ev->type == LOGBUF_EV_EXEC ||
			    ev->type == LOGBUF_EV_SYS_ENTER);
		n += match(ev, ctx);
	}
	return n;
}

struct exec_want {
	pid_t pid;
	const char *file;
};

static int is_exec(const struct logbuf_ev *ev, void *ctx)
{
	const struct logbuf_ev_exec *e = (const void *)ev;
	const struct exec_want *w = ctx;

	return ev->type == LOGBUF_EV_EXEC && e->ev.pid == (uint32_t)w->pid &&
	       e->filename_len == strlen(w->file) &&
	       !memcmp(e->filename, w->file, e->filename_len);
}

TEST_F(tp, exec_of_a_known_binary)
{
	struct exec_want w = { .file = "/bin/true" };
	int status;

	if (access(w.file, X_OK))
		w.file = "/usr/bin/true";
	ASSERT_EQ(0, attach(self->cfd, LOGBUF_EV_EXEC));
	w.pid = fork();
	ASSERT_LE(0, w.pid);
	if (!w.pid) {
		execl(w.file, "true", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(w.pid, waitpid(w.pid, &status, 0));
	ASSERT_EQ(0, status);
	EXPECT_EQ(1, drain(_metadata, self->rx, is_exec, &w));
}

struct sys_want {
	pid_t tid;
	uint64_t base;
	int next;
};

static int is_getpgid(const struct logbuf_ev *ev, void *ctx)
{
	const struct logbuf_ev_syscall *e = (const void *)ev;
	struct sys_want *w = ctx;

	if (ev->type != LOGBUF_EV_SYS_ENTER || e->ev.pid != (uint32_t)w->tid ||
	    e->id != SYS_getpgid)
		return 0;
	/* Each call's argument, in order. */
	if (e->args[0] != w->base + w->next)
		return 0;
	w->next++;
	return 1;
}

TEST_F(tp, a_known_number_of_syscalls)
{
	struct sys_want w = { .tid = syscall(SYS_gettid), .base = 3000000 };
	struct logbuf_stats st;
	int i;

	ASSERT_EQ(0, attach(self->cfd, LOGBUF_EV_SYS_ENTER));
	/* getpgid() of pids that do not exist: rare, and marked by argument. */
	for (i = 0; i < 100; i++)
		syscall(SYS_getpgid, (pid_t)(w.base + i));
	ASSERT_EQ(0, attach(self->cfd, 0));
	ASSERT_EQ(0, kr_stats(self->cfd, &st));
	ASSERT_EQ(0, st.dropped);
	EXPECT_EQ(100, drain(_metadata, self->rx, is_getpgid, &w));
}

static int is_my_switch(const struct logbuf_ev *ev, void *ctx)
{
	const struct logbuf_ev_switch *e = (const void *)ev;

	return ev->type == LOGBUF_EV_SCHED_SWITCH &&
	       e->prev_pid == *(uint32_t *)ctx && e->next_pid != e->prev_pid &&
	       !strncmp(e->prev_comm, "tp_test", 7);
}

TEST_F(tp, sched_switch_of_a_sleeper)
{
	uint32_t tid = syscall(SYS_gettid);
	int i;

	ASSERT_EQ(0, attach(self->cfd, LOGBUF_EV_SCHED_SWITCH));
	for (i = 0; i < 10; i++)
		usleep(2000);	/* each sleep switches us out */
	ASSERT_EQ(0, attach(self->cfd, 0));
	EXPECT_LE(10, drain(_metadata, self->rx, is_my_switch, &tid));
}

TEST_F(tp, attach_errors)
{
	struct logbuf_attach a = { .size = sizeof(a), .events = 1U << 20 };
	int pfd = -1, cfd = -1;
	pid_t pid;
	int status;

	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH, &a));
	EXPECT_EQ(EOPNOTSUPP, errno);
	a.events = LOGBUF_EV_EXEC;
	a.__reserved = 1;
	EXPECT_EQ(-1, ioctl(self->cfd, LOGBUF_IOC_ATTACH, &a));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, attach(self->cfd, LOGBUF_EV_EXEC));
	EXPECT_EQ(-EBUSY, attach(self->cfd, LOGBUF_EV_SYS_ENTER));
	/* Not on a ring user space produces into. */
	ASSERT_EQ(0, kr_create(PG, 0, &pfd, &cfd));
	EXPECT_EQ(-EOPNOTSUPP, attach(cfd, LOGBUF_EV_EXEC));
	close(pfd);
	close(cfd);
	/* Without privilege: EPERM. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(attach(self->cfd, 0) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
}

TEST_HARNESS_MAIN
