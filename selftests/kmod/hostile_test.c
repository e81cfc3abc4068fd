// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/logbuf as an unprivileged user and a lying peer would use it
 * (scripts/run/vm-guest.sh runs this as uid 65534).  Every test asserts that
 * each call returns with a clean result (a record, an errno, POLLERR, a
 * broken ring), that no CPU is held from its tasks for more than 100 ms
 * (latency probes on every CPU), and the runner checks the kernel log, the
 * taint and rmmod afterwards.
 */
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "latprobe.h"
#include "../common/testrec.h"

/* No state: a fixture only to give the long tests their own timeouts. */
FIXTURE(h) {
	int unused;
};
FIXTURE_SETUP(h)
{
}

FIXTURE_TEARDOWN(h)
{
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* ---- the ioctl surface with random structs and sizes --------------- */

static int errno_ok(int e)
{
	switch (e) {
	case EINVAL: case EFAULT: case ENOTTY: case E2BIG: case EOPNOTSUPP:
	case EPERM: case EBADF: case EPIPE: case ENOMEM: case EMFILE:
	case EACCES:
		return 1;
	}
	return 0;
}

TEST_F_TIMEOUT(h, ioctl_surface_random, 240)
{
	static const unsigned int nrs[] = { 1, 2, 3, 4, 5, 6, 7, 0x40, 0xff };
	int pfd = -1, cfd = -1, kpfd = -1, kcfd = -1, tpfd = -1, tcfd = -1;
	int dev, i, fds[5], weird = 0, w;
	uint64_t seed = 0x1234, calls = 0, t0;
	unsigned char *buf;
	struct logbuf_stats st;
	struct latprobe lp;
	double late, bound;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	/*
	 * Two pages of argument, then a guard page: an output struct the
	 * kernel copies past the end faults there (EFAULT), not on our stack.
	 */
	buf = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, mprotect(buf + 2 * PG, PG, PROT_NONE));
	dev = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_RING_MPSC, &pfd, &cfd));
	ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_CREATE_KERNEL_CONS, &kpfd, &kcfd));
	ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_CREATE_KERNEL_PROD, &tpfd, &tcfd));
	fds[0] = dev;
	fds[1] = pfd;
	fds[2] = cfd;
	fds[3] = kpfd;
	fds[4] = tcfd;
	for (w = 0; w < LP_WINDOWS; w++) {
	t0 = lp_now();
	ASSERT_EQ(0, lp_start(&lp));
	for (i = 0; i < 200000; i++) {
		uint64_t v = tr_rand(&seed);
		unsigned int size = (v >> 8) % 512, nr = nrs[(v >> 20) % 9];
		unsigned int dir = (v >> 24) & 3, cmd;
		int fd = fds[(v >> 28) % 5], ret;
		void *arg = buf;
		unsigned int j;

		for (j = 0; j < 64; j++)
			((uint64_t *)buf)[j] = tr_rand(&seed) &
				(j & 1 ? ~0ull : 0xffffull);
		/* A size field that claims anything from 0 to 8 KiB. */
		*(uint32_t *)buf = (v >> 32) % 3 ? (uint32_t)((v >> 40) % 8192) :
						  (uint32_t)(v >> 32);
		cmd = (v >> 30) & 1 ? _IOC(dir, LOGBUF_IOC_MAGIC, nr, size) :
				      _IOC(dir, LOGBUF_IOC_MAGIC, nr,
					   (unsigned int)(v >> 44) % 0x3fff);
		switch ((v >> 56) % 8) {
		case 0:
			arg = NULL;
			break;
		case 1:
			arg = (void *)0xffffffff81000000ull;	/* kernel */
			break;
		case 2:
			arg = buf + 2 * PG - 4;	/* runs into the guard */
			break;
		}
		ret = ioctl(fd, cmd, arg);
		calls++;
		if (ret < 0) {
			if (!errno_ok(errno)) {
				weird++;
				TH_LOG("cmd %#x on fd %d: errno %d", cmd, fd,
				       errno);
			}
			continue;
		}
		/* A CREATE that went through: its fds are ours to close. */
		if (fd == dev && arg == buf && _IOC_NR(cmd) == 1) {
			struct logbuf_create *c = (void *)buf;

			if (c->prod_fd > 2)
				close(c->prod_fd);
			if (c->cons_fd > 2)
				close(c->cons_fd);
		}
	}
	late = lp_stop(&lp);
	bound = lp_bound(late, (lp_now() - t0) / 1000000);
	TH_LOG("%llu calls, worst lateness %.1f ms (bound %.1f)",
	       (unsigned long long)calls, late, bound);
	if (late < bound)
		break;
	}
	EXPECT_EQ(0, weird);
	EXPECT_GT(bound, late);
	/* The rings still work. */
	EXPECT_EQ(0, kr_stats(cfd, &st));
	for (i = 0; i < 5; i++)
		close(fds[i]);
	close(kcfd);
	close(tpfd);
	munmap(buf, 3 * PG);
}

TEST(tracepoints_need_privilege)
{
	struct logbuf_attach a = { .size = sizeof(a), .events = 1 };
	int pfd = -1, cfd = -1;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	if (!geteuid())
		SKIP(return, "run as root: privilege is not tested");
	ASSERT_EQ(0, kr_create(PG, LOGBUF_CREATE_KERNEL_PROD, &pfd, &cfd));
	EXPECT_EQ(-1, ioctl(cfd, LOGBUF_IOC_ATTACH, &a));
	EXPECT_EQ(EPERM, errno);
	close(cfd);
}

/* ---- a lying producer next to honest ones, kernel consumer --------- */

/* Scribble @n words over the producer page and the data area of @pfd. */
static pid_t scribbler(int pfd, uint64_t cap, uint64_t n, uint64_t seed,
		       int report)
{
	pid_t pid = fork();

	if (!pid) {
		uint64_t words = (PG + cap) / 8, i, done = 0;
		uint64_t *p = mmap(NULL, PG + cap, PROT_READ | PROT_WRITE,
				   MAP_SHARED, pfd, LOGBUF_PGOFF_PROD * PG);

		if (p == MAP_FAILED)
			_exit(1);
		usleep(200000);	/* the honest ones get going first */
		for (i = 0; i < n; i++, done++) {
			uint64_t v = tr_rand(&seed), w = v % words;

			switch (v >> 60) {
			case 0: case 1:
				p[w] = v & 0x7ff;		/* lengths */
				break;
			case 2: case 3:
				p[w] = 0x80000000ull | (v & 0xfff8);
				break;
			case 4:
				p[w] = 0;
				break;
			case 5:			/* the tail, any value */
				p[0] = tr_rand(&seed) & ~(v & 7);
				break;
			case 6:
				if (!(i % 4096))
					ioctl(pfd, LOGBUF_IOC_DOORBELL);
				break;
			default:
				p[w] = tr_rand(&seed);
			}
		}
		if (write(report, &done, sizeof(done)) != sizeof(done))
			_exit(2);
		_exit(0);
	}
	return pid;
}

struct honest {
	int pfd;
	uint32_t id;
	uint64_t sent, eagain, errors;
	volatile int *stop;
};

static void *honest_send(void *arg)
{
	struct honest *h = arg;
	struct logbuf_sender *tx = logbuf_sender_open(h->pfd);
	unsigned char rec[256];
	uint32_t seq = 0;

	if (!tx)
		return NULL;
	while (!*h->stop) {
		uint32_t len = TESTREC_MIN + seq % 200;
		int err;

		tr_fill(rec, len, h->id, seq);
		err = logbuf_try_send(tx, rec, len);
		if (!err) {
			seq++;
			h->sent++;
		} else if (err == -EAGAIN) {
			h->eagain++;
			sched_yield();
		} else {
			/* -EBADMSG (lying tail) or -EPIPE (ring broken). */
			h->errors++;
			if (err != -EBADMSG && err != -EPIPE)
				break;
			usleep(100);
		}
	}
	logbuf_sender_free(tx);
	return NULL;
}

TEST_F_TIMEOUT(h, lying_producer_among_honest_ones_kernel_consumer, 240)
{
	int pfd = -1, cfd = -1, rep[2], i, status, w;
	uint64_t cap = 16 * PG, scribbled, t0;
	struct honest h[2];
	volatile int stop;
	struct logbuf_stats st;
	struct latprobe lp;
	pthread_t th[2];
	double late, bound;
	pid_t pid;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	/* A window: a fresh ring, honest producers, a million scribbles. */
	for (w = 0; w < LP_WINDOWS; w++) {
		scribbled = 0;
		stop = 0;
		t0 = lp_now();
		ASSERT_EQ(0, kr_create(cap, LOGBUF_RING_MPSC |
				       LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd));
		ASSERT_EQ(0, pipe(rep));
		ASSERT_EQ(0, lp_start(&lp));
		for (i = 0; i < 2; i++) {
			h[i] = (struct honest){ .pfd = pfd, .id = i,
						.stop = &stop };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, honest_send,
						    &h[i]));
		}
		/* Over the producer page and every data byte. */
		pid = scribbler(pfd, cap, 1000000, 77, rep[1]);
		ASSERT_LT(0, pid);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
		ASSERT_EQ(sizeof(scribbled),
			  read(rep[0], &scribbled, sizeof(scribbled)));
		stop = 1;
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		late = lp_stop(&lp);
		bound = lp_bound(late, (lp_now() - t0) / 1000000);
		ASSERT_EQ(0, kr_stats(pfd, &st));
		TH_LOG("%llu scribbles; honest sent %llu+%llu, errors "
		       "%llu+%llu; state %#x, errors %llu; worst lateness "
		       "%.1f ms (bound %.1f)",
		       (unsigned long long)scribbled,
		       (unsigned long long)h[0].sent,
		       (unsigned long long)h[1].sent,
		       (unsigned long long)h[0].errors,
		       (unsigned long long)h[1].errors,
		       st.state, (unsigned long long)st.errors, late, bound);
		EXPECT_EQ(1000000, scribbled);
		/* Garbage that bad is found: the ring is broken, and said so. */
		EXPECT_TRUE(st.state & LOGBUF_STATE_BROKEN);
		EXPECT_LE(1, st.errors);
		EXPECT_EQ(-1, ioctl(pfd, LOGBUF_IOC_DOORBELL));
		EXPECT_EQ(EPIPE, errno);
		close(pfd);
		close(cfd);
		close(rep[0]);
		close(rep[1]);
		if (late < bound)
			break;
	}
	EXPECT_GT(bound, late);
}

/*
 * Issue 7, item 4: a ring full of 8-byte skip records, refilled as fast as
 * the kernel consumer drains it, must not hold the drain's CPU.  The ring is
 * made on CPU 0, where its drain runs, and a probe sleeps there.
 */
TEST_F_TIMEOUT(h, skip_flood_does_not_hold_the_drain_cpu, 120)
{
	uint64_t cap = 16ull << 20, i, n, rounds = 0, t0;
	int pfd = -1, cfd = -1, err, w;
	struct latprobe lp;
	uint32_t *data;
	double late, bound;
	time_t end;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	pin(0);
	err = kr_create(cap, LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd);
	if (err == -ENOMEM)
		SKIP(return, "RLIMIT_MEMLOCK below 16 MiB");
	ASSERT_EQ(0, err);
	data = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED, pfd,
		    LOGBUF_PGOFF_DATA * PG);
	ASSERT_NE(MAP_FAILED, data);
	/* The flooder may run anywhere; the probes watch every CPU. */
	pin(1 % sysconf(_SC_NPROCESSORS_ONLN));
	n = cap / 8;
	for (w = 0; w < LP_WINDOWS; w++) {
		t0 = lp_now();
		ASSERT_EQ(0, lp_start(&lp));
		end = time(NULL) + 6;
		while (time(NULL) < end) {
			/* Skip headers everywhere the drain has zeroed. */
			for (i = 0; i < n; i++)
				if (!data[2 * i])
					data[2 * i] = LOGBUF_SKIP | 8;
			ioctl(pfd, LOGBUF_IOC_DOORBELL);
			rounds++;
		}
		late = lp_stop(&lp);
		bound = lp_bound(late, (lp_now() - t0) / 1000000);
		TH_LOG("%llu refills of %llu skips; worst lateness %.1f ms "
		       "(cpu0 %.1f; bound %.1f)", (unsigned long long)rounds,
		       (unsigned long long)n, late, lp.worst_ns[0] / 1e6,
		       bound);
		if (late < bound)
			break;
	}
	EXPECT_GT(bound, late);
	munmap(data, cap);
	close(pfd);
}

/* ---- a lying consumer against honest producers --------------------- */

TEST_F_TIMEOUT(h, lying_consumer_against_honest_producer, 120)
{
	int pfd = -1, cfd = -1, i, status;
	uint64_t cap = 4 * PG, seed = 5, sent = 0, eagain = 0, bad = 0;
	struct logbuf_sender *tx;
	unsigned char rec[128];
	uint64_t *cons, *data;
	pid_t pid;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	ASSERT_EQ(0, kr_create(cap, LOGBUF_RING_MPSC, &pfd, &cfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The consumer: its page (the head) and the data, scribbled. */
		cons = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, cfd,
			    LOGBUF_PGOFF_CONS * PG);
		data = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED, cfd,
			    LOGBUF_PGOFF_DATA * PG);
		if (cons == MAP_FAILED || data == MAP_FAILED)
			_exit(1);
		for (i = 0; i < 1000000; i++) {
			uint64_t v = tr_rand(&seed);

			if (v & 1)
				cons[0] = v >> 1 & ~7ull;	/* the head */
			else if (v & 2)
				cons[0] += 8 * (v >> 60);
			else
				data[(v >> 8) % (cap / 8)] = tr_rand(&seed);
		}
		_exit(0);
	}
	close(cfd);
	tx = logbuf_sender_open(pfd);
	ASSERT_NE(NULL, tx);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		int err;

		tr_fill(rec, sizeof(rec), 0, (uint32_t)sent);
		err = logbuf_try_send(tx, rec, sizeof(rec));
		if (!err)
			sent++;
		else if (err == -EAGAIN)
			eagain++;
		else if (err == -EBADMSG || err == -EPIPE)
			bad++;
		else
			ASSERT_EQ(0, err);
	}
	TH_LOG("sent %llu, full %llu, refused %llu",
	       (unsigned long long)sent, (unsigned long long)eagain,
	       (unsigned long long)bad);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	logbuf_sender_free(tx);
	close(pfd);
}

/* ---- mappings: every way to ask for more than an end may have ------- */

static int sigbus_child(int fd, uint64_t off)
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		volatile uint64_t *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
					    MAP_SHARED, fd, off);

		if (p == MAP_FAILED)
			_exit(3);
		madvise((void *)p, PG, MADV_DONTNEED);
		(void)p[0];	/* refault: no handler, SIGBUS */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

TEST(mapping_abuse)
{
	uint64_t cap = 4 * PG, total = (LOGBUF_PGOFF_DATA) * PG + cap;
	int pfd = -1, cfd = -1, status;
	unsigned char *p, *q;
	pid_t pid;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	ASSERT_EQ(0, kr_create(cap, 0, &pfd, &cfd));
	/* Beyond the ring, private, executable, writable where not ours. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd, total));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, total + PG, PROT_READ, MAP_SHARED,
				   cfd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_PRIVATE, cfd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_EXEC,
				   MAP_SHARED, cfd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, cfd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, pfd, LOGBUF_PGOFF_CONS * PG));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd,
				   (uint64_t)-PG));
	/* Read-only stays read-only: mprotect, then mremap. */
	p = mmap(NULL, total, PROT_READ, MAP_SHARED, pfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(p, PG, PROT_READ | PROT_EXEC));
	/* Growing a mapping past the ring is refused. */
	q = mremap(p, total, total + 4 * PG, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	/* Moving it is fine, and still read-only. */
	q = mremap(p, total, total, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(LOGBUF_MAGIC, ((struct logbuf_meta *)q)->magic);
	EXPECT_EQ(-1, mprotect(q, PG, PROT_READ | PROT_WRITE));
	/* Partial unmaps, then a fork that inherits the rest. */
	EXPECT_EQ(0, munmap(q + PG, PG));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(((struct logbuf_meta *)q)->magic == LOGBUF_MAGIC ? 0 : 1);
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, munmap(q, total));
	/* Dropped pages cannot be faulted back in: SIGBUS, for that process. */
	status = sigbus_child(pfd, LOGBUF_PGOFF_DATA * PG);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("status %#x", status);
	/* The ring is unharmed for everybody else. */
	{
		struct logbuf_sender *tx = logbuf_sender_open(pfd);
		struct logbuf_receiver *rx = logbuf_receiver_open(cfd);
		const void *d;
		size_t len;

		ASSERT_NE(NULL, tx);
		ASSERT_NE(NULL, rx);
		EXPECT_EQ(0, logbuf_send(tx, "still fine", 10));
		EXPECT_EQ(0, logbuf_recv(rx, &d, &len, 1000));
		EXPECT_EQ(10, len);
		logbuf_sender_free(tx);
		logbuf_receiver_free(rx);
	}
	close(pfd);
	close(cfd);
}

/* ---- closing while others poll, ring, map and die ------------------ */

TEST_F_TIMEOUT(h, close_while_busy, 180)
{
	int round;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	for (round = 0; round < 150; round++) {
		int pfd = -1, cfd = -1, kind = round % 3, status;
		uint32_t flags = kind == 1 ? LOGBUF_CREATE_KERNEL_CONS :
				 LOGBUF_RING_MPSC;
		pid_t pid[2];
		int i;

		ASSERT_EQ(0, kr_create(PG, flags, &pfd, &cfd));
		for (i = 0; i < 2; i++) {
			pid[i] = fork();
			ASSERT_LE(0, pid[i]);
			if (pid[i])
				continue;
			if (!i && cfd >= 0) {
				/* Parked in poll on the consumer end. */
				struct pollfd p = { .fd = cfd, .events = POLLIN };

				for (;;)
					poll(&p, 1, 1);
			}
			{
				/* Producing and ringing the doorbell. */
				struct logbuf_sender *tx =
					logbuf_sender_open(pfd);

				for (;;)
					if (!tx || logbuf_try_send(tx, "x", 1) ==
						   -EPIPE)
						ioctl(pfd, LOGBUF_IOC_DOORBELL);
			}
		}
		/* Close our fds while they run, then kill them mid-call. */
		usleep((round * 37) % 3000);
		close(pfd);
		if (cfd >= 0)
			close(cfd);
		usleep((round * 53) % 2000);
		for (i = 0; i < 2; i++) {
			kill(pid[i], SIGKILL);
			ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		}
	}
}

/* ---- bounded memory per user -------------------------------------- */

static long usage_rings(void)
{
	FILE *f = fopen("/sys/class/misc/logbuf/usage", "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "rings %ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

TEST_F_TIMEOUT(h, rings_until_the_memlock_limit_says_no, 60)
{
	/* 16 data pages + 3 control pages per ring; a 1 MiB limit. */
	struct rlimit old, lim = { .rlim_cur = 1 << 20 };
	int pfd[64], cfd[64], n, i, err = 0;
	uint64_t cap = 16 * PG;
	long before, during;
	void *keep;

	if (!kr_have_dev())
		SKIP(return, "no " DEV);
	if (!geteuid())
		SKIP(return, "root has CAP_IPC_LOCK: no limit to hit");
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &old));
	lim.rlim_max = old.rlim_max;
	if (lim.rlim_cur > old.rlim_max)
		lim.rlim_cur = old.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &lim));
	/* Rings of earlier tests may still be draining: let them go. */
	for (i = 0, before = -2; i < 40 && before != usage_rings(); i++) {
		before = usage_rings();
		usleep(500000);
	}
	for (n = 0; n < 64; n++) {
		err = kr_create(cap, 0, &pfd[n], &cfd[n]);
		if (err)
			break;
	}
	during = usage_rings();
	TH_LOG("%d rings of %llu bytes under a %llu-byte limit; "
	       "usage %ld -> %ld", n, (unsigned long long)cap,
	       (unsigned long long)lim.rlim_cur, before, during);
	EXPECT_EQ(-ENOMEM, err);
	ASSERT_LT(0, n);
	EXPECT_GE((uint64_t)lim.rlim_cur, (uint64_t)n * (cap + 3 * PG));
	EXPECT_LE(before + n, during);
	/* A mapping keeps a ring, and its charge, after both fds close. */
	keep = mmap(NULL, PG, PROT_READ, MAP_SHARED, cfd[0], 0);
	ASSERT_NE(MAP_FAILED, keep);
	close(pfd[0]);
	close(cfd[0]);
	EXPECT_EQ(-ENOMEM, kr_create(cap, 0, &pfd[0], &cfd[0]));
	munmap(keep, PG);
	EXPECT_EQ(0, kr_create(cap, 0, &pfd[0], &cfd[0]));
	for (i = 0; i < n; i++) {
		close(pfd[i]);
		close(cfd[i]);
	}
	/* Everything is given back. */
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, kr_create(cap, 0, &pfd[i], &cfd[i]));
	for (i = 0; i < n; i++) {
		close(pfd[i]);
		close(cfd[i]);
	}
	setrlimit(RLIMIT_MEMLOCK, &old);
}

TEST_HARNESS_MAIN
