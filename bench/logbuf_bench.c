// SPDX-License-Identifier: GPL-2.0
/*
 * logbuf_bench: throughput and latency of liblogbuf's rings against peers
 * measured in the same run: Concurrency Kit's ck_ring (SPSC, pointers to
 * pre-allocated payloads), liburcu's wfcqueue (MPSC, a malloc'd node per
 * message, as its users use it) and a pipe().
 *
 * The machine is shared and noisy: every candidate runs in short windows,
 * the candidates alternate round after round, and the table gives the
 * median and the spread (min..max) of the rounds.  Compare ratios within
 * one run, not numbers across runs.
 *
 *   logbuf_bench [--rounds N] [--window-ms MS] [--json FILE]
 */
#define _GNU_SOURCE
#define _LGPL_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ck_ring.h>
#include <urcu/wfcqueue.h>
#include <x86intrin.h>

#include "logbuf.h"
#include "bench.h"

#define MAXP		4
#define RAND_SIZE	0	/* size 0: random 8..1024 bytes */
#define LAT_SAMPLES	(1 << 20)

/* Shared benchmark state: every word on its own cache line. */
struct run {
	_Alignas(CL) atomic_int go;
	_Alignas(CL) atomic_int stop;
	_Alignas(CL) atomic_int ready;
	_Alignas(CL) uint64_t msgs;	/* consumer only */
	uint64_t bytes;
	_Alignas(CL) double t0;		/* timer thread only */
	double t1;
};

struct cand;

struct impl {
	void *(*setup)(struct cand *c);
	void (*teardown)(void *q);
	void *(*producer)(void *env);	/* a thread */
	void (*consumer)(void *env);	/* runs in the calling thread */
};

/* Latency samples in TSC cycles, one buffer per side. */
struct lat {
	uint64_t *v;
	size_t n;
};

struct env {
	struct run *r;
	struct cand *c;
	void *q;
	int id;
	struct lat *lat;
};

struct cand {
	const char *name;
	const char *impl_name;
	const struct impl *impl;
	int size;
	int producers;
	int pin;		/* producer on cpu 0, consumer on cpu 1 */
	double rate[MAXROUNDS];
	double gbs[MAXROUNDS];
	int n;
};

static int window_ms = 200;
static uint64_t ring_cap = 1 << 18;
static unsigned char src[1024] __attribute__((aligned(64)));
static volatile uint64_t sink;

static inline uint32_t next_size(uint64_t *seed, int size)
{
	if (size != RAND_SIZE)
		return size;
	*seed ^= *seed << 13;
	*seed ^= *seed >> 7;
	*seed ^= *seed << 17;
	return 8 + *seed % 1017;
}

/* What every consumer does with a payload: read all of it. */
static inline uint64_t touch(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t s = 0, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, b + i, 8);
		s += w;
	}
	for (; i < len; i++)
		s += b[i];
	return s;
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

static inline void backoff(unsigned int *spins)
{
	if (++*spins % 64 == 0)
		sched_yield();
	else
		__builtin_ia32_pause();
}

/* Read the TSC only when latency is being sampled: it costs cycles. */
static inline uint64_t lat_start(const struct lat *l)
{
	return l ? __rdtsc() : 0;
}

static inline void lat_add(struct lat *l, uint64_t t0)
{
	if (l && l->n < LAT_SAMPLES)
		l->v[l->n++] = __rdtsc() - t0;
}

/* ---- logbuf ---------------------------------------------------------- */

static void *lb_setup(struct cand *c)
{
	return logbuf_ring_new(ring_cap, strstr(c->name, "mpsc") ?
				       LOGBUF_RING_MPSC : 0);
}

static void lb_teardown(void *q)
{
	logbuf_ring_free(q);
}

static void *lb_producer(void *arg)
{
	struct env *e = arg;
	struct logbuf_producer *p = logbuf_producer_new(e->q);
	uint64_t seed = 88172645463325252ULL + e->id;
	unsigned int spins = 0;

	if (e->c->pin)
		pin(0);
	wait_go(e->r);
	while (!stopped(e->r)) {
		uint32_t len = next_size(&seed, e->c->size);
		uint64_t t0 = lat_start(e->lat);
		void *w;

		if (logbuf_claim(p, len, &w)) {
			backoff(&spins);
			continue;
		}
		memcpy(w, src, len);
		logbuf_commit(p);
		lat_add(e->lat, t0);
	}
	logbuf_producer_free(p);
	return NULL;
}

static void lb_consumer(void *arg)
{
	struct env *e = arg;
	struct logbuf_consumer *c = logbuf_consumer_new(e->q);
	uint64_t msgs = 0, bytes = 0, s = 0;
	unsigned int spins = 0;

	wait_go(e->r);
	while (!stopped(e->r)) {
		uint64_t t0 = lat_start(e->lat);
		const void *d;
		size_t len;

		if (logbuf_read(c, &d, &len)) {
			backoff(&spins);
			continue;
		}
		s += touch(d, len);
		logbuf_release(c);
		lat_add(e->lat, t0);
		msgs++;
		bytes += len;
	}
	sink = s;
	e->r->msgs = msgs;
	e->r->bytes = bytes;
	logbuf_consumer_free(c);
}

static const struct impl lb_impl = {
	lb_setup, lb_teardown, lb_producer, lb_consumer,
};

/* ---- ck_ring SPSC: pointers to pre-allocated payloads ---------------- */

#define CK_SLOTS	4096	/* 4095 in flight */

struct ckq {
	ck_ring_t ring;
	ck_ring_buffer_t *buf;
	unsigned char *pool;	/* 2 * CK_SLOTS payloads of @stride bytes */
	size_t stride;		/* payload size rounded up to a cache line */
};

static void *ck_setup(struct cand *c)
{
	struct ckq *q = aligned_alloc(CL, sizeof(*q));
	size_t max = c->size;	/* ck_ring runs fixed sizes only */

	ck_ring_init(&q->ring, CK_SLOTS);
	q->stride = (max + CL - 1) / CL * CL;
	q->buf = aligned_alloc(CL, sizeof(*q->buf) * CK_SLOTS);
	q->pool = aligned_alloc(CL, 2 * CK_SLOTS * q->stride);
	memset(q->pool, 0, 2 * CK_SLOTS * q->stride);
	return q;
}

static void ck_teardown(void *p)
{
	struct ckq *q = p;

	free(q->pool);
	free(q->buf);
	free(q);
}

static void *ck_producer(void *arg)
{
	struct env *e = arg;
	struct ckq *q = e->q;
	uint32_t len = e->c->size;
	unsigned int spins = 0;
	uint64_t i = 0;

	if (e->c->pin)
		pin(0);
	wait_go(e->r);
	while (!stopped(e->r)) {
		unsigned int k = i % (2 * CK_SLOTS);
		unsigned char *slot = q->pool + k * q->stride;
		uint64_t t0 = lat_start(e->lat);

		memcpy(slot, src, len);
		while (!ck_ring_enqueue_spsc(&q->ring, q->buf, slot)) {
			if (stopped(e->r))
				return NULL;
			backoff(&spins);
		}
		lat_add(e->lat, t0);
		i++;
	}
	return NULL;
}

static void ck_consumer(void *arg)
{
	struct env *e = arg;
	struct ckq *q = e->q;
	uint64_t msgs = 0, bytes = 0, s = 0;
	unsigned int spins = 0;

	wait_go(e->r);
	while (!stopped(e->r)) {
		uint64_t t0 = lat_start(e->lat);
		/* Fixed-size payloads: the length is known. */
		uint32_t len = e->c->size;
		unsigned char *slot;

		if (!ck_ring_dequeue_spsc(&q->ring, q->buf, &slot)) {
			backoff(&spins);
			continue;
		}
		s += touch(slot, len);
		lat_add(e->lat, t0);
		msgs++;
		bytes += len;
	}
	sink = s;
	e->r->msgs = msgs;
	e->r->bytes = bytes;
}

static const struct impl ck_impl = {
	ck_setup, ck_teardown, ck_producer, ck_consumer,
};

/* ---- liburcu wfcqueue MPSC: a malloc'd node per message -------------- */

struct uq {
	struct cds_wfcq_head head;
	_Alignas(CL) struct cds_wfcq_tail tail;
};

struct unode {
	struct cds_wfcq_node node;
	uint32_t len;
	unsigned char data[];
};

static void *uq_setup(struct cand *c)
{
	struct uq *q = aligned_alloc(CL, sizeof(*q));

	(void)c;
	cds_wfcq_init(&q->head, &q->tail);
	return q;
}

static void uq_teardown(void *p)
{
	struct uq *q = p;
	struct cds_wfcq_node *n;

	while ((n = cds_wfcq_dequeue_blocking(&q->head, &q->tail)))
		free(caa_container_of(n, struct unode, node));
	cds_wfcq_destroy(&q->head, &q->tail);
	free(q);
}

static void *uq_producer(void *arg)
{
	struct env *e = arg;
	struct uq *q = e->q;
	uint64_t seed = 88172645463325252ULL + e->id, sent = 0;
	unsigned int spins = 0;

	if (e->c->pin)
		pin(0);
	wait_go(e->r);
	while (!stopped(e->r)) {
		uint32_t len = next_size(&seed, e->c->size);
		uint64_t t0;
		struct unode *u;

		/* Unbounded queue: do not run too far ahead of the consumer. */
		while (!(sent & 1023) && !stopped(e->r) &&
		       sent > 65536 + atomic_load_explicit(
				(_Atomic uint64_t *)&e->r->msgs,
				memory_order_relaxed) / e->c->producers)
			backoff(&spins);
		t0 = lat_start(e->lat);
		u = malloc(sizeof(*u) + len);
		cds_wfcq_node_init(&u->node);
		u->len = len;
		memcpy(u->data, src, len);
		cds_wfcq_enqueue(&q->head, &q->tail, &u->node);
		lat_add(e->lat, t0);
		sent++;
	}
	return NULL;
}

static void uq_consumer(void *arg)
{
	struct env *e = arg;
	struct uq *q = e->q;
	uint64_t msgs = 0, bytes = 0, s = 0;
	unsigned int spins = 0;

	wait_go(e->r);
	while (!stopped(e->r)) {
		uint64_t t0 = lat_start(e->lat);
		struct cds_wfcq_node *n;
		struct unode *u;

		n = cds_wfcq_dequeue_blocking(&q->head, &q->tail);
		if (!n) {
			backoff(&spins);
			continue;
		}
		u = caa_container_of(n, struct unode, node);
		s += touch(u->data, u->len);
		bytes += u->len;
		free(u);
		lat_add(e->lat, t0);
		/* Published for the producers' backlog limit. */
		atomic_store_explicit((_Atomic uint64_t *)&e->r->msgs, ++msgs,
				      memory_order_relaxed);
	}
	sink = s;
	e->r->msgs = msgs;
	e->r->bytes = bytes;
}

static const struct impl uq_impl = {
	uq_setup, uq_teardown, uq_producer, uq_consumer,
};

/* ---- pipe(): a system call per message ------------------------------- */

static void *pp_setup(struct cand *c)
{
	int *fds = malloc(2 * sizeof(int));

	(void)c;
	if (pipe(fds))
		abort();
	return fds;
}

static void pp_teardown(void *p)
{
	int *fds = p;

	close(fds[0]);
	close(fds[1]);
	free(fds);
}

static void *pp_producer(void *arg)
{
	struct env *e = arg;
	int *fds = e->q;

	if (e->c->pin)
		pin(0);
	wait_go(e->r);
	while (!stopped(e->r)) {
		uint64_t t0 = lat_start(e->lat);

		if (write(fds[1], src, e->c->size) != e->c->size)
			break;
		lat_add(e->lat, t0);
	}
	close(fds[1]);	/* unblocks the reader */
	fds[1] = -1;
	return NULL;
}

static void pp_consumer(void *arg)
{
	struct env *e = arg;
	int *fds = e->q;
	unsigned char buf[1024];
	uint64_t msgs = 0, s = 0;

	wait_go(e->r);
	while (!stopped(e->r)) {
		uint64_t t0 = lat_start(e->lat);
		ssize_t n = read(fds[0], buf, e->c->size);

		if (n <= 0)
			break;
		s += touch(buf, n);
		lat_add(e->lat, t0);
		msgs++;
	}
	sink = s;
	e->r->msgs = msgs;
	e->r->bytes = msgs * e->c->size;
	/* Drain so that the producer's last write returns. */
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
}

static const struct impl pp_impl = {
	pp_setup, pp_teardown, pp_producer, pp_consumer,
};

/* ---- the runner ------------------------------------------------------ */

static void *timer_fn(void *arg)
{
	struct run *r = arg;

	unpin();
	r->t0 = now();
	atomic_store_explicit(&r->go, 1, memory_order_release);
	usleep(window_ms * 1000);
	atomic_store(&r->stop, 1);
	r->t1 = now();
	return NULL;
}

static struct run the_run;

/* One window of @c; @plat/@clat collect latency samples if non-NULL. */
static void run_once(struct cand *c, struct lat *plat, struct lat *clat)
{
	struct run *r = &the_run;
	struct env pe[MAXP], ce;
	pthread_t th[MAXP], timer;
	void *q = c->impl->setup(c);
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < c->producers; i++) {
		pe[i] = (struct env){ r, c, q, i, i ? NULL : plat };
		pthread_create(&th[i], NULL, c->impl->producer, &pe[i]);
	}
	ce = (struct env){ r, c, q, -1, clat };
	if (c->pin)
		pin(1);
	while (atomic_load(&r->ready) < c->producers)
		sched_yield();
	pthread_create(&timer, NULL, timer_fn, r);
	c->impl->consumer(&ce);
	pthread_join(timer, NULL);
	for (i = 0; i < c->producers; i++)
		pthread_join(th[i], NULL);
	unpin();
	c->impl->teardown(q);
	if (c->n < MAXROUNDS) {
		double dt = r->t1 - r->t0;

		c->rate[c->n] = r->msgs / dt;
		c->gbs[c->n] = r->bytes / dt / 1e9;
		c->n++;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(struct lat *l, double p)
{
	if (!l->n)
		return 0;
	return l->v[(size_t)(p * (l->n - 1))];
}

static double tsc_ghz(void)
{
	double t0 = now();
	uint64_t c0 = __rdtsc();

	usleep(100000);
	return (__rdtsc() - c0) / (now() - t0) / 1e9;
}

#define C(n, i, s, p, pn) { .name = n, .impl_name = i, .impl = &s, \
			     .size = p, .producers = pn }

static struct cand cands[] = {
	C("spsc", "logbuf", lb_impl, 8, 1),
	C("spsc", "logbuf", lb_impl, 64, 1),
	C("spsc", "logbuf", lb_impl, 256, 1),
	C("spsc", "logbuf", lb_impl, 1024, 1),
	C("spsc", "logbuf", lb_impl, RAND_SIZE, 1),
	C("spsc", "ck_ring", ck_impl, 64, 1),
	C("spsc", "pipe", pp_impl, 64, 1),
	C("mpsc", "logbuf", lb_impl, 8, 1),
	C("mpsc", "logbuf", lb_impl, 64, 1),
	C("mpsc", "logbuf", lb_impl, 256, 1),
	C("mpsc", "logbuf", lb_impl, 1024, 1),
	C("mpsc", "logbuf", lb_impl, RAND_SIZE, 1),
	C("mpsc", "logbuf", lb_impl, 8, 2),
	C("mpsc", "logbuf", lb_impl, 64, 2),
	C("mpsc", "logbuf", lb_impl, 256, 2),
	C("mpsc", "logbuf", lb_impl, 1024, 2),
	C("mpsc", "logbuf", lb_impl, RAND_SIZE, 2),
	C("mpsc", "logbuf", lb_impl, 64, 4),
	C("mpsc", "logbuf", lb_impl, RAND_SIZE, 4),
	C("mpsc", "urcu-wfcq", uq_impl, 64, 1),
	C("mpsc", "urcu-wfcq", uq_impl, 64, 2),
};

#define NCANDS	(sizeof(cands) / sizeof(cands[0]))

static struct cand *find(const char *name, const char *impl, int size, int np)
{
	unsigned int i;

	for (i = 0; i < NCANDS; i++)
		if (!strcmp(cands[i].name, name) &&
		    !strcmp(cands[i].impl_name, impl) &&
		    cands[i].size == size && cands[i].producers == np)
			return &cands[i];
	return NULL;
}

static double med(struct cand *c)
{
	double lo, hi;

	return c ? median(c->rate, c->n, &lo, &hi) : 0;
}

static void size_str(char *b, size_t n, int size)
{
	if (size == RAND_SIZE)
		snprintf(b, n, "8-1024");
	else
		snprintf(b, n, "%d", size);
}

int main(int argc, char **argv)
{
	const char *json = NULL;
	int rounds = 7, r, i;
	struct lat lat[4];
	unsigned int k;
	double ghz;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--window-ms") && i + 1 < argc)
			window_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cap") && i + 1 < argc)
			ring_cap = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--rounds N] [--window-ms MS] [--json FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAXROUNDS)
		rounds = 7;
	memset(src, 0x5a, sizeof(src));
	/* Two threads on two cores: pin them apart. */
	for (k = 0; k < NCANDS; k++)
		cands[k].pin = cands[k].producers == 1 && sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	ghz = tsc_ghz();
	fprintf(stderr, "logbuf_bench: %zu candidates x %d rounds of %d ms, alternating\n",
		NCANDS, rounds, window_ms);
	for (r = 0; r < rounds; r++) {
		/* Rotate the order each round so no candidate always goes first. */
		for (k = 0; k < NCANDS; k++)
			run_once(&cands[(k + r * 5) % NCANDS], NULL, NULL);
		fprintf(stderr, "  round %d/%d done\n", r + 1, rounds);
	}

	/* Latency: one longer window each, every operation timed. */
	for (i = 0; i < 4; i++) {
		lat[i].v = malloc(LAT_SAMPLES * sizeof(uint64_t));
		lat[i].n = 0;
	}
	{
		struct cand lc = cands[1];	/* logbuf spsc 64 B */
		struct cand kc = cands[5];	/* ck_ring spsc 64 B */

		lc.n = kc.n = 0;
		run_once(&lc, &lat[0], &lat[1]);
		run_once(&kc, &lat[2], &lat[3]);
		for (i = 0; i < 4; i++)
			qsort(lat[i].v, lat[i].n, sizeof(uint64_t), cmp_u64);
	}

	printf("\nThroughput (median of %d rounds of %d ms; spread = min..max)\n",
	       rounds, window_ms);
	printf("%-5s %-10s %8s %4s %12s %20s %9s\n", "ring", "impl", "bytes",
	       "prod", "Mmsg/s", "spread Mmsg/s", "GB/s");
	for (k = 0; k < NCANDS; k++) {
		struct cand *c = &cands[k];
		double lo, hi, m = median(c->rate, c->n, &lo, &hi);
		double glo, ghi, g = median(c->gbs, c->n, &glo, &ghi);
		char sz[16];

		size_str(sz, sizeof(sz), c->size);
		printf("%-5s %-10s %8s %4d %12.2f %9.2f..%-9.2f %9.3f\n",
		       c->name, c->impl_name, sz, c->producers, m / 1e6,
		       lo / 1e6, hi / 1e6, g);
	}
	printf("\nLatency per operation, 64-byte records, SPSC (TSC %.2f GHz)\n", ghz);
	printf("%-8s %-9s %8s %8s %8s %10s %10s %10s\n", "impl", "side",
	       "p50 cyc", "p99 cyc", "p999 cyc", "p50 ns", "p99 ns", "p999 ns");
	for (i = 0; i < 4; i++) {
		printf("%-8s %-9s %8lu %8lu %8lu %10.1f %10.1f %10.1f\n",
		       i < 2 ? "logbuf" : "ck_ring", i % 2 ? "consumer" : "producer",
		       pct(&lat[i], .5), pct(&lat[i], .99), pct(&lat[i], .999),
		       pct(&lat[i], .5) / ghz, pct(&lat[i], .99) / ghz,
		       pct(&lat[i], .999) / ghz);
	}
	printf("\nRatios (medians of this run)\n");
	printf("  logbuf spsc 64 B / ck_ring spsc 64 B       %6.2fx\n",
	       med(find("spsc", "logbuf", 64, 1)) / med(find("spsc", "ck_ring", 64, 1)));
	printf("  logbuf spsc 64 B / pipe 64 B               %6.1fx\n",
	       med(find("spsc", "logbuf", 64, 1)) / med(find("spsc", "pipe", 64, 1)));
	printf("  logbuf mpsc 64 B 2p / urcu wfcq 64 B 2p    %6.2fx\n",
	       med(find("mpsc", "logbuf", 64, 2)) / med(find("mpsc", "urcu-wfcq", 64, 2)));
	printf("  logbuf mpsc 64 B 1p / urcu wfcq 64 B 1p    %6.2fx\n",
	       med(find("mpsc", "logbuf", 64, 1)) / med(find("mpsc", "urcu-wfcq", 64, 1)));
	printf("  oversubscribed: mpsc 64 B 2p (3 threads) / 1p (2 threads)  %5.0f%%\n",
	       100 * med(find("mpsc", "logbuf", 64, 2)) / med(find("mpsc", "logbuf", 64, 1)));
	printf("  oversubscribed: mpsc 8-1024 B 2p / 1p                      %5.0f%%\n",
	       100 * med(find("mpsc", "logbuf", RAND_SIZE, 2)) /
	       med(find("mpsc", "logbuf", RAND_SIZE, 1)));

	if (json && (f = fopen(json, "w"))) {
		fprintf(f, "{\n  \"window_ms\": %d, \"rounds\": %d, \"tsc_ghz\": %.3f,\n  \"throughput\": [\n",
			window_ms, rounds, ghz);
		for (k = 0; k < NCANDS; k++) {
			struct cand *c = &cands[k];
			double lo, hi, m = median(c->rate, c->n, &lo, &hi);
			double glo, ghi, g = median(c->gbs, c->n, &glo, &ghi);

			fprintf(f, "    {\"ring\": \"%s\", \"impl\": \"%s\", \"bytes\": %d, \"producers\": %d, "
				"\"msgs_per_s\": %.0f, \"msgs_min\": %.0f, \"msgs_max\": %.0f, \"gb_per_s\": %.4f, "
				"\"gb_min\": %.4f, \"gb_max\": %.4f}%s\n",
				c->name, c->impl_name, c->size, c->producers, m, lo, hi, g, glo, ghi,
				k + 1 < NCANDS ? "," : "");
		}
		fprintf(f, "  ],\n  \"latency_cycles\": [\n");
		for (i = 0; i < 4; i++)
			fprintf(f, "    {\"impl\": \"%s\", \"side\": \"%s\", \"samples\": %zu, \"p50\": %lu, \"p99\": %lu, \"p999\": %lu}%s\n",
				i < 2 ? "logbuf" : "ck_ring", i % 2 ? "consumer" : "producer",
				lat[i].n, pct(&lat[i], .5), pct(&lat[i], .99), pct(&lat[i], .999),
				i < 3 ? "," : "");
		fprintf(f, "  ]\n}\n");
		fclose(f);
		fprintf(stderr, "logbuf_bench: results in %s\n", json);
	}
	return 0;
}
