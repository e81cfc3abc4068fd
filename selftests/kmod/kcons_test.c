// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel as consumer: user records come out of tracefs as
 * logbuf:logbuf_record events, byte for byte and in order, over many laps,
 * from SPSC and MPSC producers; the drain sleeps and wakes without losing a
 * record; garbage and dead claims are handled.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "logbuf.h"
#include "kring.h"
#include "../common/testrec.h"

#define TRACEFS	"/sys/kernel/tracing"

static int tracefs_write(const char *file, const char *s)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int tracing_ready(void)
{
	if (access(TRACEFS "/trace", R_OK))
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	/*
	 * The drain may move between CPUs from one batch to the next, and
	 * the trace file merges the per-CPU buffers by timestamp: with the
	 * default per-CPU clock (not synchronised under emulation) events can
	 * come out of order.  The global clock keeps the drain's order.
	 */
	tracefs_write("trace_clock", "global");
	return !access(TRACEFS "/events/logbuf/logbuf_record/enable", W_OK);
}

static uint64_t ring_id(int fd)
{
	struct logbuf_info i = { .size = sizeof(i) };

	return ioctl(fd, LOGBUF_IOC_INFO, &i) ? 0 : i.id;
}

/* Wait until the kernel consumer has taken @n records. */
static int wait_consumed(int fd, uint64_t n)
{
	struct logbuf_stats st;
	int i;

	for (i = 0; i < 2000; i++) {
		if (kr_stats(fd, &st))
			return -1;
		if (st.records_consumed >= n)
			return 0;
		usleep(5000);
	}
	return -1;
}

/*
 * The payloads of ring @id's events in the trace, in order, each as
 * "<text>" after "len=N ".  Returns how many, up to @max.
 */
static int read_trace(uint64_t id, char (*out)[128], int max)
{
	char line[4096], key[64];
	int n = 0;
	FILE *f = fopen(TRACEFS "/trace", "r");

	if (!f)
		return -1;
	snprintf(key, sizeof(key), "logbuf_record: ring=%llu uid=",
		 (unsigned long long)id);
	while (fgets(line, sizeof(line), f) && n < max) {
		char *p = strstr(line, key), *sp;

		if (!p)
			continue;
		p = strstr(p, " len=");
		if (!p)
			continue;
		sp = strchr(p + 5, ' ');
		if (!sp)
			continue;
		sp[strcspn(sp, "\n")] = 0;
		snprintf(out[n++], 128, "%s", sp + 1);
	}
	fclose(f);
	return n;
}

FIXTURE(kc) {
	int pfd;
	uint64_t id;
};

FIXTURE_VARIANT(kc) {
	uint32_t flags;
	int producers;
};

FIXTURE_VARIANT_ADD(kc, spsc) { .flags = 0, .producers = 1 };
FIXTURE_VARIANT_ADD(kc, mpsc) { .flags = LOGBUF_RING_MPSC, .producers = 3 };

FIXTURE_SETUP(kc)
{
	int cfd = 0;

	self->pfd = -1;
	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (!tracing_ready())
		SKIP(return, "no tracefs or no logbuf events");
	ASSERT_EQ(0, kr_create(PG, variant->flags | LOGBUF_CREATE_KERNEL_CONS,
			       &self->pfd, &cfd));
	ASSERT_EQ(-1, cfd);
	self->id = ring_id(self->pfd);
	ASSERT_NE(0, self->id);
	ASSERT_EQ(0, tracefs_write("events/logbuf/logbuf_record/enable", "1"));
	ASSERT_EQ(0, tracefs_write("trace", ""));
}

FIXTURE_TEARDOWN(kc)
{
	if (self->pfd >= 0)
		close(self->pfd);
	tracefs_write("events/logbuf/logbuf_record/enable", "0");
}

struct kc_sender {
	struct logbuf_sender *tx;
	int id, n;
};

static void *kc_send(void *arg)
{
	struct kc_sender *s = arg;
	char msg[64];
	int i;

	for (i = 0; i < s->n; i++) {
		int len = snprintf(msg, sizeof(msg), "p%d seq %05d %.*s", s->id,
				   i, i % 23, "abcdefghijklmnopqrstuvwxyz");

		if (logbuf_send(s->tx, msg, len))
			break;
	}
	return NULL;
}

TEST_F(kc, records_reach_ftrace_in_order)
{
	static char got[4000][128];
	struct kc_sender s[3];
	int next[3] = { 0, 0, 0 };
	struct logbuf_stats st;
	pthread_t th[3];
	int i, n, per = 2400 / variant->producers;

	for (i = 0; i < variant->producers; i++) {
		s[i].tx = logbuf_sender_open(self->pfd);
		ASSERT_NE(NULL, s[i].tx);
		s[i].id = i;
		s[i].n = per;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, kc_send, &s[i]));
	}
	for (i = 0; i < variant->producers; i++)
		pthread_join(th[i], NULL);
	ASSERT_EQ(0, wait_consumed(self->pfd, (uint64_t)per * variant->producers));
	n = read_trace(self->id, got, 4000);
	ASSERT_EQ(per * variant->producers, n);
	/* Each producer's records, byte for byte and in its order. */
	for (i = 0; i < n; i++) {
		char want[128];
		int p, seq;

		ASSERT_EQ(2, sscanf(got[i], "p%d seq %d", &p, &seq))
			TH_LOG("line %d: %s", i, got[i]);
		ASSERT_LT(p, variant->producers);
		ASSERT_EQ(next[p], seq);
		snprintf(want, sizeof(want), "p%d seq %05d %.*s", p, seq,
			 seq % 23, "abcdefghijklmnopqrstuvwxyz");
		ASSERT_STREQ(want, got[i]);
		next[p]++;
	}
	ASSERT_EQ(0, kr_stats(self->pfd, &st));
	/* The one-page ring went round many times. */
	EXPECT_LT(15 * PG, st.head);
	EXPECT_EQ(st.head, st.tail);
	for (i = 0; i < variant->producers; i++)
		logbuf_sender_free(s[i].tx);
}

/*
 * One record at a time, each only after the previous one was drained: the
 * drain sleeps between them, and a lost doorbell shows as a timeout.
 */
TEST_F(kc, sleep_and_wake_without_loss)
{
	struct logbuf_sender *tx = logbuf_sender_open(self->pfd);
	struct logbuf_stats st;
	int i;

	ASSERT_NE(NULL, tx);
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(0, logbuf_send(tx, "ping", 4));
		ASSERT_EQ(0, wait_consumed(self->pfd, i + 1))
			TH_LOG("record %d never drained", i);
	}
	ASSERT_EQ(0, kr_stats(self->pfd, &st));
	EXPECT_LE(1, st.doorbells);
	EXPECT_GE(301, st.doorbells);
	logbuf_sender_free(tx);
}

TEST(garbage_marks_kernel_consumer_ring_broken)
{
	struct logbuf_stats st;
	int pfd = -1, cfd = -1, i;
	uint64_t seed = 3, *d;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	ASSERT_EQ(0, kr_create(PG, LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd));
	d = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, pfd,
		 LOGBUF_PGOFF_DATA * PG);
	ASSERT_NE(MAP_FAILED, d);
	for (i = 0; i < 200; i++) {
		d[tr_rand(&seed) % (PG / 8)] = tr_rand(&seed);
		d[0] = 0x7fff0000;	/* a record far past the end */
		ioctl(pfd, LOGBUF_IOC_DOORBELL);
		ASSERT_EQ(0, kr_stats(pfd, &st));
		if (st.state & LOGBUF_STATE_BROKEN)
			break;
		usleep(1000);
	}
	EXPECT_TRUE(st.state & LOGBUF_STATE_BROKEN);
	EXPECT_LE(1, st.errors);
	EXPECT_EQ(-1, ioctl(pfd, LOGBUF_IOC_DOORBELL));
	EXPECT_EQ(EPIPE, errno);
	munmap(d, PG);
	close(pfd);
}

/*
 * A producer killed holding a claim: once no producer end remains, the
 * kernel consumer steps over the dead claim and the records behind it
 * reach the trace.
 */
TEST(sigkill_mid_claim_recovered)
{
	static char got[200][128];
	int pfd = -1, cfd = -1, ready[2], i, n = 0;
	pid_t stuck, sender;
	uint64_t id;
	char c;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (!tracing_ready())
		SKIP(return, "no tracefs or no logbuf events");
	ASSERT_EQ(0, kr_create(4 * PG, LOGBUF_RING_MPSC |
			       LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd));
	id = ring_id(pfd);
	ASSERT_EQ(0, tracefs_write("events/logbuf/logbuf_record/enable", "1"));
	ASSERT_EQ(0, tracefs_write("trace", ""));
	ASSERT_EQ(0, pipe(ready));
	stuck = fork();
	ASSERT_LE(0, stuck);
	if (!stuck) {
		struct logbuf_ring *r = logbuf_ring_open(pfd);
		struct logbuf_producer *p = r ? logbuf_producer_new(r) : NULL;
		void *w;

		if (!p || logbuf_claim(p, 40, &w) || write(ready[1], "c", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	sender = fork();
	ASSERT_LE(0, sender);
	if (!sender) {
		struct logbuf_sender *tx = logbuf_sender_open(pfd);
		char msg[32];

		for (i = 0; tx && i < 50; i++) {
			int len = snprintf(msg, sizeof(msg), "after %d", i);

			if (logbuf_send(tx, msg, len))
				_exit(2);
		}
		_exit(tx ? 0 : 1);
	}
	waitpid(sender, NULL, 0);
	close(pfd);
	usleep(100000);
	/* Nothing can pass the claim while its producer lives. */
	EXPECT_EQ(0, read_trace(id, got, 200));
	kill(stuck, SIGKILL);
	waitpid(stuck, NULL, 0);
	for (i = 0; i < 200 && n < 50; i++) {
		usleep(10000);
		n = read_trace(id, got, 200);
	}
	ASSERT_EQ(50, n);
	for (i = 0; i < n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "after %d", i);
		EXPECT_STREQ(want, got[i]);
	}
	tracefs_write("events/logbuf/logbuf_record/enable", "0");
	close(ready[0]);
	close(ready[1]);
}

/* Send "<tag> <seq>" records until killed, or @n of them; report the count. */
static pid_t spawn_tagged(int pfd, char tag, int n, int report)
{
	pid_t pid = fork();

	if (!pid) {
		struct logbuf_sender *tx = logbuf_sender_open(pfd);
		int i, waited = 0;
		char msg[32];

		for (i = 0; tx && i < n && waited < 1000; ) {
			int len = snprintf(msg, sizeof(msg), "%c %d", tag, i);
			int err = logbuf_try_send(tx, msg, len);

			if (err == -EAGAIN) {
				usleep(1000);
				waited++;
				continue;
			}
			if (err)
				break;
			waited = 0;
			i++;
		}
		if (report >= 0 && write(report, &i, sizeof(i)) != sizeof(i))
			_exit(3);
		_exit(0);
	}
	return pid;
}

/*
 * Kill a busy producer at random points, 10 rounds.  After the last
 * producer end closes, the kernel consumer must finish: every record in
 * the trace well-formed, and each producer's records a gap-free prefix of
 * what it sent (a dead claim that cannot be measured drops the rest, never
 * a record in the middle).
 */
/* Ten rounds that each wait for the trace to settle: slow under KASAN. */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, sigkill_at_random_points, 180)
{
	static char got[4000][128];
	uint64_t seed = 0xfeed;
	int round, complete = 0;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	if (!tracing_ready())
		SKIP(return, "no tracefs or no logbuf events");
	ASSERT_EQ(0, tracefs_write("events/logbuf/logbuf_record/enable", "1"));
	for (round = 0; round < 10; round++) {
		int pfd = -1, cfd = -1, rep[2], sent = -1, next[2] = { 0, 0 };
		int i, n, last = -1, stable = 0;
		pid_t victim, survivor;
		uint64_t id;

		ASSERT_EQ(0, tracefs_write("trace", ""));
		ASSERT_EQ(0, kr_create(2 * PG, LOGBUF_RING_MPSC |
				       LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd));
		id = ring_id(pfd);
		ASSERT_EQ(0, pipe(rep));
		victim = spawn_tagged(pfd, 'v', 1 << 30, -1);
		survivor = spawn_tagged(pfd, 's', 300, rep[1]);
		close(rep[1]);
		close(pfd);
		usleep(tr_rand(&seed) % 30000);
		kill(victim, SIGKILL);
		waitpid(victim, NULL, 0);
		waitpid(survivor, NULL, 0);
		ASSERT_EQ(sizeof(sent), read(rep[0], &sent, sizeof(sent)));
		close(rep[0]);
		/* The drain ends once the ring is final: wait until quiet. */
		for (i = 0; i < 500 && stable < 20; i++) {
			usleep(10000);
			n = read_trace(id, got, 4000);
			stable = n == last ? stable + 1 : 0;
			last = n;
		}
		for (i = 0; i < last; i++) {
			char tag;
			int seq;

			ASSERT_EQ(2, sscanf(got[i], "%c %d", &tag, &seq))
				TH_LOG("round %d: '%s'", round, got[i]);
			ASSERT_TRUE(tag == 'v' || tag == 's');
			ASSERT_EQ(next[tag == 's'], seq)
				TH_LOG("round %d: %c %d", round, tag, seq);
			next[tag == 's']++;
		}
		ASSERT_GE(sent, next[1]);
		complete += next[1] == sent;
	}
	TH_LOG("%d of 10 rounds delivered every survivor record", complete);
	tracefs_write("events/logbuf/logbuf_record/enable", "0");
}

/*
 * Issue 7, item 6: a payload must not forge trace lines.  This one holds a
 * newline and then what reads as another event of pid 1; the trace must show
 * it escaped, on the logbuf_record line, with the writer's uid.
 */
TEST_F(kc, payload_cannot_forge_trace_lines)
{
	static const char forged[] =
		"innocent\n            init-1       [000] .....   "
		"1.000000: sched_process_exec: filename=/bin/sh pid=1 "
		"old_pid=1\r\x1b[2J\x7f\x80\xff";
	struct logbuf_sender *tx = logbuf_sender_open(self->pfd);
	char line[4096], key[64];
	int events = 0, escaped = 0;
	FILE *f;

	ASSERT_NE(NULL, tx);
	ASSERT_EQ(0, logbuf_send(tx, forged, sizeof(forged) - 1));
	ASSERT_EQ(0, wait_consumed(self->pfd, 1));
	f = fopen(TRACEFS "/trace", "r");
	ASSERT_NE(NULL, f);
	snprintf(key, sizeof(key), "logbuf_record: ring=%llu uid=%u ",
		 (unsigned long long)self->id, (unsigned int)getuid());
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		/* The forged event must never stand as a line of its own. */
		EXPECT_EQ(NULL, strstr(line, "sched_process_exec") &&
				!strstr(line, "logbuf_record") ? line : NULL)
			TH_LOG("forged line: %s", line);
		/* No raw control byte reaches the text output. */
		EXPECT_EQ(NULL, strpbrk(line, "\r\x1b\x7f\x80"));
		if (!strstr(line, key))
			continue;
		events++;
		TH_LOG("%s", line);
		if (strstr(line, "innocent\\n ") && strstr(line, "\\r\\e"))
			escaped++;
	}
	fclose(f);
	EXPECT_EQ(1, events);
	EXPECT_EQ(1, escaped);
	logbuf_sender_free(tx);
}

/*
 * A run of skips longer than one drain run may walk (256 KiB), then a
 * record, then the last producer leaves: the final drain must go on past
 * the skips, not take a run that stopped at its bound for an empty ring.
 */
TEST_F(kc, record_behind_a_long_run_of_skips_survives_the_final_drain)
{
	uint64_t cap = 1 << 20, skips = 512 << 10, i;
	struct logbuf_producer *p;
	struct logbuf_ring *r;
	char got[4][128];
	uint32_t *data;
	int pfd = -1, cfd = 0;

	ASSERT_EQ(0, kr_create(cap, LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd));
	data = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED, pfd,
		    LOGBUF_PGOFF_DATA * PG);
	ASSERT_NE(MAP_FAILED, data);
	/* A producer that aborted 128 claims of 4 KiB: skip records. */
	for (i = 0; i < skips; i += 4096)
		data[i / 4] = LOGBUF_SKIP | 4096;
	r = logbuf_ring_open(pfd);
	ASSERT_NE(NULL, r);
	munmap(data, cap);
	/* The tail where those claims ended; then one record, no doorbell. */
	data = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, pfd,
		    LOGBUF_PGOFF_PROD * PG);
	ASSERT_NE(MAP_FAILED, data);
	((struct logbuf_prod *)data)->tail = skips;
	munmap(data, PG);
	p = logbuf_producer_new(r);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, logbuf_write(p, "behind the skips", 16));
	logbuf_producer_free(p);
	logbuf_ring_free(r);
	self->id = ring_id(pfd);
	close(pfd);	/* the last producer: the final drain starts */
	for (i = 0; i < 200; i++) {
		if (read_trace(self->id, got, 4) > 0)
			break;
		usleep(20000);
	}
	ASSERT_EQ(1, read_trace(self->id, got, 4));
	EXPECT_STREQ("behind the skips", got[0]);
}

TEST(flags_and_ends)
{
	struct logbuf_create c = {
		.size = sizeof(c), .capacity = PG,
		.flags = LOGBUF_CREATE_KERNEL_CONS | LOGBUF_CREATE_KERNEL_PROD,
	};
	int dev;

	if (!kr_have_dev())
		SKIP(return, "no " DEV " (module not loaded)");
	dev = open(DEV, O_RDWR);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-1, ioctl(dev, LOGBUF_IOC_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	close(dev);
}

TEST_HARNESS_MAIN
