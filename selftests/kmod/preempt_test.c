// SPDX-License-Identifier: GPL-2.0
/*
 * An unprivileged user must not blind a root tracer by getting itself
 * preempted inside a probe.  From Linux 6.13 syscall tracepoints run their
 * probes with preemption enabled; a probe that held a ring reservation
 * across a preemption kept the ring's oldest claim open for as long as the
 * preempted task stayed off the CPU.  A uid 65534 process makes that long
 * on purpose: SCHED_IDLE threads making system calls on a CPU where one of
 * its normal threads spins get the CPU a few ms a second, and are preempted
 * wherever the tick finds them.  Then an ordinary ring fills behind the open
 * claim and an overwrite ring drops every event, for every process.
 *
 * Each test runs the load twice in one guest: one normal thread alone on
 * its CPU, then the same thread with four SCHED_IDLE threads beside it (the
 * trick), and compares the drops of the second window with the first:
 * emulation makes both noisy, the defect makes the second lose nearly
 * every event.  (Normal threads sharing a CPU would not do as the window
 * to compare with: they are preempted inside the probe as well, only for
 * shorter.)  Meaningful on a kernel whose syscall probes run preemptible
 * (>= 6.13 booted preempt=full, as make check boots sid's); on older
 * kernels it passes either way.
 */
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"

#define LOAD_THREADS	5	/* one normal spinner, four SCHED_IDLE */
#define WINDOW_S	3

/* Shared with the load's process. */
struct load {
	atomic_int stop;
	atomic_ullong calls[LOAD_THREADS];
};

struct load_arg {
	struct load *l;
	int idx;
	int idle;
};

static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *load_thread(void *p)
{
	struct load_arg *a = p;
	struct sched_param sp = { 0 };

	pin_self(1);
	/* Any user may lower its own threads' policy to SCHED_IDLE. */
	if (a->idle && sched_setscheduler(0, SCHED_IDLE, &sp))
		_exit(3);
	while (!atomic_load_explicit(&a->l->stop, memory_order_relaxed)) {
		syscall(SYS_getppid);
		atomic_fetch_add_explicit(&a->l->calls[a->idx], 1,
					  memory_order_relaxed);
	}
	return NULL;
}

/* The load, as uid 65534: thread 0 normal, with SCHED_IDLE ones if @idle. */
static pid_t load_start(struct load *l, int idle)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	{
		struct load_arg a[LOAD_THREADS];
		pthread_t th[LOAD_THREADS];
		int i;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		for (i = 0; i < (idle ? LOAD_THREADS : 1); i++) {
			a[i] = (struct load_arg){ l, i, i > 0 };
			if (pthread_create(&th[i], NULL, load_thread, &a[i]))
				_exit(4);
		}
		while (i--)
			pthread_join(th[i], NULL);
		_exit(0);
	}
}

struct reader {
	struct logbuf_receiver *rx[2];
	int nr;
	atomic_int stop;
	uint64_t records;
};

/* Root's consumer, on CPU 0, for rings that have one. */
static void *reader_thread(void *p)
{
	struct reader *rd = p;
	const void *d;
	size_t len;
	int i;

	pin_self(0);
	while (!atomic_load(&rd->stop)) {
		uint64_t before = rd->records;

		/* Every ring in turn, never parked on one while another fills. */
		for (i = 0; i < rd->nr; i++)
			while (!logbuf_recv(rd->rx[i], &d, &len, 0))
				rd->records++;
		if (rd->records == before)
			usleep(100);
	}
	return NULL;
}

static uint64_t dropped(int *cfd, int nr)
{
	struct logbuf_stats st;
	uint64_t n = 0;
	int i;

	for (i = 0; i < nr; i++)
		if (!kr_stats(cfd[i], &st))
			n += st.dropped;
	return n;
}

struct window {
	uint64_t calls, dropped, read;
};

static int run_window(struct load *l, struct reader *rd, int *cfd, int nr,
		      int idle, struct window *w)
{
	uint64_t d0 = dropped(cfd, nr), r0 = rd ? rd->records : 0;
	int i, status;
	pid_t pid;

	memset(l, 0, sizeof(*l));
	pid = load_start(l, idle);
	if (pid < 0)
		return -1;
	sleep(WINDOW_S);
	atomic_store(&l->stop, 1);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	/* Let the reader catch up with what is committed. */
	usleep(200000);
	w->calls = 0;
	for (i = 0; i < LOAD_THREADS; i++)
		w->calls += atomic_load(&l->calls[i]);
	w->dropped = dropped(cfd, nr) - d0;
	w->read = rd ? rd->records - r0 : 0;
	return 0;
}

FIXTURE(pre) {
	int cfd[2];
	int nr;
	struct load *l;
	struct reader rd;
	pthread_t reader;
	int have_reader;
};

FIXTURE_VARIANT(pre) {
	uint64_t capacity;
	uint32_t flags;
	int rings;	/* 1: the ring alone, 2: a ring per CPU */
};

/* A tracer's ring with a reader: 4 MiB. */
FIXTURE_VARIANT_ADD(pre, ordinary_ring) {
	.capacity = 4 << 20, .flags = LOGBUF_CREATE_KERNEL_PROD, .rings = 1,
};

/* A flight recorder: 4 KiB, no reader. */
FIXTURE_VARIANT_ADD(pre, flight_recorder) {
	.capacity = 4 << 10,
	.flags = LOGBUF_CREATE_KERNEL_PROD | LOGBUF_CREATE_OVERWRITE,
	.rings = 1,
};

/* A ring per CPU, with readers. */
FIXTURE_VARIANT_ADD(pre, ring_per_cpu) {
	.capacity = 1 << 20, .flags = LOGBUF_CREATE_KERNEL_PROD, .rings = 2,
};

FIXTURE_SETUP(pre)
{
	struct logbuf_attach a = { .size = sizeof(a),
				   .events = LOGBUF_EV_SYS_ENTER };
	int i, pfd = -1;

	self->nr = 0;
	self->have_reader = 0;
	self->l = MAP_FAILED;
	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	if (geteuid())
		SKIP(return, "the tracer is root's");
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	self->l = mmap(NULL, sizeof(*self->l), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->l);
	for (i = 0; i < variant->rings; i++) {
		ASSERT_EQ(0, kr_create(variant->capacity, variant->flags, &pfd,
				       &self->cfd[i]));
		close(pfd);
		self->nr++;
	}
	if (variant->rings > 1) {
		a.ring_fds = (uintptr_t)self->cfd;
		a.nr_rings = variant->rings;
	}
	ASSERT_EQ(0, ioctl(self->cfd[0], LOGBUF_IOC_ATTACH, &a));
	if (!(variant->flags & LOGBUF_CREATE_OVERWRITE)) {
		memset(&self->rd, 0, sizeof(self->rd));
		for (i = 0; i < self->nr; i++) {
			self->rd.rx[i] = logbuf_receiver_open(self->cfd[i]);
			ASSERT_NE(NULL, self->rd.rx[i]);
		}
		self->rd.nr = self->nr;
		ASSERT_EQ(0, pthread_create(&self->reader, NULL, reader_thread,
					    &self->rd));
		self->have_reader = 1;
	}
}

FIXTURE_TEARDOWN(pre)
{
	struct logbuf_attach a = { .size = sizeof(a) };
	int i;

	if (self->nr)
		ioctl(self->cfd[0], LOGBUF_IOC_ATTACH, &a);
	if (self->have_reader) {
		atomic_store(&self->rd.stop, 1);
		pthread_join(self->reader, NULL);
		for (i = 0; i < self->nr; i++)
			logbuf_receiver_free(self->rd.rx[i]);
	}
	for (i = 0; i < self->nr; i++)
		close(self->cfd[i]);
	if (self->l != MAP_FAILED)
		munmap(self->l, sizeof(*self->l));
}

TEST_F_TIMEOUT(pre, sched_idle_syscalls_do_not_blind_the_tracer, 90)
{
	struct reader *rd = self->have_reader ? &self->rd : NULL;
	struct window base, trick;
	uint64_t bound;

	ASSERT_EQ(0, run_window(self->l, rd, self->cfd, self->nr, 0, &base));
	ASSERT_EQ(0, run_window(self->l, rd, self->cfd, self->nr, 1, &trick));
	TH_LOG("one thread alone: %llu calls, %llu dropped, %llu read",
	       (unsigned long long)base.calls,
	       (unsigned long long)base.dropped,
	       (unsigned long long)base.read);
	TH_LOG("with SCHED_IDLE threads: %llu calls, %llu dropped, %llu read",
	       (unsigned long long)trick.calls,
	       (unsigned long long)trick.dropped,
	       (unsigned long long)trick.read);
	/* The load ran, and the probes saw it. */
	ASSERT_LT(1000, base.calls);
	ASSERT_LT(1000, trick.calls);
	/*
	 * At the level of the load without the trick: twice its drops per
	 * call, plus 2% of the calls and 1000 for emulation's noise.  The
	 * defect drops most events of the window.
	 */
	bound = 2 * base.dropped * trick.calls / base.calls +
		trick.calls / 50 + 1000;
	EXPECT_GE(bound, trick.dropped);
}

TEST_HARNESS_MAIN
