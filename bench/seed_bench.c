// SPDX-License-Identifier: GPL-2.0
/*
 * seed_bench: the throughput workload of the Rust crate logbuf comes from
 * (nexus-logbuf), run on liblogbuf, next to its ceiling measured in the
 * same run.
 *
 * The workload: a 2 MiB ring; each message's length drawn uniformly from
 * 8..=1024 by a fast PRNG inside the timed loop; the producer copies that
 * many bytes from a buffer filled with 0xAB into its claim and commits.
 * SPSC with the producer tight-spinning (pause) when the ring is full; MPSC
 * with 2 and 4 producers, each either tight-spinning or backing off the way
 * crossbeam's Backoff does (2^step pauses for steps 0..6, then
 * sched_yield(), reset on success).  One consumer drains everything there
 * is (read, check the length and the first and last byte, release), pauses
 * once when it finds nothing, and repeats.  Bytes and messages per second.
 *
 * The ceiling: one thread writes the same byte stream (same lengths, same
 * 0xAB bytes, consecutive 8-byte aligned places in a 2 MiB buffer) while
 * another reads every byte of that buffer: a plain copy from one core to
 * the other, no protocol.  Its rate is the slower of the two.
 *
 * Every candidate runs for a window, the candidates alternate round after
 * round, and the table gives medians and spreads (min..max).
 *
 *   seed_bench [--rounds N] [--secs S] [--json FILE]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logbuf.h"
#include "bench.h"

#define RING_BYTES	(2u << 20)
#define MIN_LEN		8
#define MAX_LEN		1024
#define MAXP		4
#define FILL		0xAB

enum wait { SPIN, BACKOFF };

struct cand {
	const char *name;
	int producers;		/* 0: the ceiling (copy) */
	enum wait wait;
	double rate[MAXROUNDS];
	double gbs[MAXROUNDS];
	int n;
};

struct run {
	_Alignas(CL) atomic_int go;
	_Alignas(CL) atomic_int stop;
	_Alignas(CL) atomic_int ready;
	_Alignas(CL) uint64_t msgs;	/* written by the consumer at the end */
	uint64_t bytes;
	uint64_t bad;
	_Alignas(CL) uint64_t wbytes;	/* ceiling: the writer's bytes */
};

struct env {
	struct run *r;
	struct cand *c;
	void *q;
	int id;
};

static unsigned char src[MAX_LEN] __attribute__((aligned(64)));
static struct run the_run;
static int two_cpus;

/* xorshift64: the message lengths, uniform in MIN_LEN..=MAX_LEN. */
static inline uint32_t next_len(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return MIN_LEN + *s % (MAX_LEN - MIN_LEN + 1);
}

static inline int stopped(struct run *r)
{
	return atomic_load_explicit(&r->stop, memory_order_relaxed);
}

static void wait_go(struct run *r)
{
	atomic_fetch_add(&r->ready, 1);
	while (!atomic_load_explicit(&r->go, memory_order_acquire))
		;
}

/* crossbeam_utils::Backoff::snooze(), and spin-only for SPIN. */
static inline void wait_once(enum wait w, unsigned int *step)
{
	unsigned int i;

	if (w == SPIN) {
		__builtin_ia32_pause();
		return;
	}
	if (*step <= 6) {
		for (i = 0; i < 1u << *step; i++)
			__builtin_ia32_pause();
	} else {
		sched_yield();
	}
	if (*step <= 10)
		++*step;
}

/* ---- liblogbuf --------------------------------------------------------- */

static void *lb_producer(void *arg)
{
	struct env *e = arg;
	struct logbuf_producer *p = logbuf_producer_new(e->q);
	uint64_t seed = 0x9E3779B97F4A7C15ULL * (e->id + 1);
	enum wait w = e->c->wait;
	unsigned int step = 0;

	if (e->c->producers == 1 && two_cpus)
		pin(0);
	wait_go(e->r);
	while (!stopped(e->r)) {
		uint32_t len = next_len(&seed);
		void *d;

		while (logbuf_claim(p, len, &d)) {
			if (stopped(e->r))
				goto out;
			wait_once(w, &step);
		}
		step = 0;
		memcpy(d, src, len);
		logbuf_commit(p);
	}
out:
	logbuf_producer_free(p);
	return NULL;
}

static void lb_consumer(struct env *e)
{
	struct logbuf_consumer *c = logbuf_consumer_new(e->q);
	uint64_t msgs = 0, bytes = 0, bad = 0;

	wait_go(e->r);
	while (!stopped(e->r)) {
		const unsigned char *d;
		size_t len;

		while (!logbuf_read(c, (const void **)&d, &len)) {
			bad += len < MIN_LEN || len > MAX_LEN ||
			       d[0] != FILL || d[len - 1] != FILL;
			logbuf_release(c);
			msgs++;
			bytes += len;
		}
		__builtin_ia32_pause();
	}
	e->r->msgs = msgs;
	e->r->bytes = bytes;
	e->r->bad = bad;
	logbuf_consumer_free(c);
}

/* ---- the ceiling: a copy between two cores, no protocol ---------------- */

static void *copy_writer(void *arg)
{
	struct env *e = arg;
	unsigned char *buf = e->q;
	uint64_t seed = 0x9E3779B97F4A7C15ULL, pos = 0, bytes = 0;

	if (two_cpus)
		pin(0);
	wait_go(e->r);
	while (!stopped(e->r)) {
		uint32_t len = next_len(&seed);

		if (pos + len > RING_BYTES)
			pos = 0;
		memcpy(buf + pos, src, len);
		pos += (len + 7) & ~7u;
		bytes += len;
	}
	e->r->wbytes = bytes;
	return NULL;
}

static void copy_reader(struct env *e)
{
	const unsigned char *buf = e->q;
	uint64_t seed = 0x9E3779B97F4A7C15ULL, pos = 0, bytes = 0, msgs = 0;
	uint64_t s = 0;

	wait_go(e->r);
	while (!stopped(e->r)) {
		uint32_t len = next_len(&seed), i;
		uint64_t w;

		if (pos + len > RING_BYTES)
			pos = 0;
		for (i = 0; i + 8 <= len; i += 8) {
			memcpy(&w, buf + pos + i, 8);
			s += w;
		}
		for (; i < len; i++)
			s += buf[pos + i];
		pos += (len + 7) & ~7u;
		bytes += len;
		msgs++;
	}
	e->r->msgs = msgs;
	e->r->bytes = bytes;
	e->r->bad = s == 1;	/* keeps the reads; a sum of 1 cannot happen */
}

/* ---- rounds ------------------------------------------------------------ */

static double window_s = 5;

static void *timer_fn(void *arg)
{
	struct run *r = arg;

	unpin();
	usleep((useconds_t)(window_s * 1e6));
	atomic_store(&r->stop, 1);
	return NULL;
}

static void *setup(const struct cand *c)
{
	void *q;

	if (c->producers)
		return logbuf_ring_new(RING_BYTES, c->producers > 1 ?
				       LOGBUF_RING_MPSC : 0);
	q = aligned_alloc(4096, RING_BYTES);
	if (q)
		memset(q, 0, RING_BYTES);
	return q;
}

static void run_once(struct cand *c)
{
	struct run *r = &the_run;
	int i, np = c->producers ? c->producers : 1;
	struct env pe[MAXP], ce;
	pthread_t th[MAXP], timer;
	void *q = setup(c);
	uint64_t bytes;
	double t0, dt;

	if (!q) {
		perror("seed_bench: ring");
		exit(1);
	}
	memset(r, 0, sizeof(*r));
	for (i = 0; i < np; i++) {
		pe[i] = (struct env){ r, c, q, i };
		pthread_create(&th[i], NULL,
			       c->producers ? lb_producer : copy_writer, &pe[i]);
	}
	ce = (struct env){ r, c, q, -1 };
	if (np == 1 && two_cpus)
		pin(1);
	while (atomic_load(&r->ready) < np)
		sched_yield();
	pthread_create(&timer, NULL, timer_fn, r);
	t0 = now();
	atomic_store_explicit(&r->go, 1, memory_order_release);
	if (c->producers)
		lb_consumer(&ce);
	else
		copy_reader(&ce);
	dt = now() - t0;
	pthread_join(timer, NULL);
	for (i = 0; i < np; i++)
		pthread_join(th[i], NULL);
	unpin();
	bytes = r->bytes;
	if (c->producers) {
		logbuf_ring_free(q);
		if (r->bad) {
			fprintf(stderr, "seed_bench: %s: %llu bad records\n",
				c->name, (unsigned long long)r->bad);
			exit(1);
		}
	} else {
		free(q);
		if (r->wbytes < bytes)
			bytes = r->wbytes;	/* the slower side */
	}
	if (c->n < MAXROUNDS) {
		c->rate[c->n] = r->msgs / dt;
		c->gbs[c->n] = bytes / dt / 1e9;
		c->n++;
	}
}

static struct cand cands[] = {
	{ .name = "ceiling: copy, no protocol", .producers = 0 },
	{ .name = "logbuf spsc, spin", .producers = 1, .wait = SPIN },
	{ .name = "logbuf mpsc 2p, spin", .producers = 2, .wait = SPIN },
	{ .name = "logbuf mpsc 2p, backoff", .producers = 2, .wait = BACKOFF },
	{ .name = "logbuf mpsc 4p, spin", .producers = 4, .wait = SPIN },
	{ .name = "logbuf mpsc 4p, backoff", .producers = 4, .wait = BACKOFF },
};

#define NCANDS	(int)(sizeof(cands) / sizeof(cands[0]))

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--rounds N] [--secs S] [--json FILE]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *json = NULL;
	int rounds = 3, r, i, k;
	double ceil_g, lo, hi;
	FILE *f;

	for (i = 1; i < argc; i++) {
		char *end = NULL;

		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = strtol(argv[++i], &end, 10);
		else if (!strcmp(argv[i], "--secs") && i + 1 < argc)
			window_s = strtod(argv[++i], &end);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else
			usage(argv[0]);
		if (end && *end)
			usage(argv[0]);
	}
	if (rounds < 1 || rounds > MAXROUNDS || !(window_s > 0 && window_s <= 600))
		usage(argv[0]);
	memset(src, FILL, sizeof(src));
	two_cpus = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	fprintf(stderr, "seed_bench: %d candidates x %d rounds of %g s, alternating\n",
		NCANDS, rounds, window_s);
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < NCANDS; k++)
			run_once(&cands[(k + r) % NCANDS]);
		fprintf(stderr, "  round %d/%d done\n", r + 1, rounds);
	}
	ceil_g = median(cands[0].gbs, cands[0].n, &lo, &hi);
	printf("\nThe seed's workload: 2 MiB ring, 8..=1024-byte messages "
	       "(median of %d rounds of %g s; spread = min..max)\n",
	       rounds, window_s);
	printf("%-28s %8s %16s %9s %16s %11s\n", "candidate", "GB/s",
	       "spread GB/s", "Mmsg/s", "spread Mmsg/s", "/ ceiling");
	for (k = 0; k < NCANDS; k++) {
		struct cand *c = &cands[k];
		double glo, ghi, g = median(c->gbs, c->n, &glo, &ghi);
		double mlo, mhi, m = median(c->rate, c->n, &mlo, &mhi);

		printf("%-28s %8.3f %7.3f..%-7.3f %9.2f %7.2f..%-7.2f %10.0f%%\n",
		       c->name, g, glo, ghi, m / 1e6, mlo / 1e6, mhi / 1e6,
		       100 * g / ceil_g);
	}
	if (json && (f = fopen(json, "w"))) {
		fprintf(f, "{\n  \"workload\": \"nexus-logbuf throughput\", "
			"\"ring_bytes\": %u, \"secs\": %g, \"rounds\": %d,\n"
			"  \"results\": [\n", RING_BYTES, window_s, rounds);
		for (k = 0; k < NCANDS; k++) {
			struct cand *c = &cands[k];
			double glo, ghi, g = median(c->gbs, c->n, &glo, &ghi);
			double mlo, mhi, m = median(c->rate, c->n, &mlo, &mhi);

			fprintf(f, "    {\"name\": \"%s\", \"producers\": %d, "
				"\"gb_per_s\": %.4f, \"gb_min\": %.4f, \"gb_max\": %.4f, "
				"\"msgs_per_s\": %.0f, \"msgs_min\": %.0f, \"msgs_max\": %.0f, "
				"\"of_ceiling\": %.4f}%s\n", c->name, c->producers,
				g, glo, ghi, m, mlo, mhi, g / ceil_g,
				k + 1 < NCANDS ? "," : "");
		}
		fprintf(f, "  ]\n}\n");
		fclose(f);
		fprintf(stderr, "seed_bench: results in %s\n", json);
	}
	return 0;
}
