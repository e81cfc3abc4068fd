// SPDX-License-Identifier: GPL-2.0
/*
 * The producer's cost of one 64-byte typed event (seven u64 and a u32),
 * natively: logbuf_emit() on per-thread rings (an in-process tracer: heap
 * rings of the same protocol and encoding a kernel tracer maps) against
 * logbuf_try_send() on one MPSC channel (the compare-and-swap and the
 * barrier per record this wave removes), spdlog's asynchronous logger,
 * LTTng-UST (when bench/lttng-run.sh gives it a session) and, when tracefs
 * is writable (mounted at /sys/kernel/tracing when it is not, as trace-cmd
 * does), a write() to trace_marker.  A drain thread empties logbuf's
 * rings as a backend would; the peers bring their own.
 *
 * Per candidate and producer-thread count: events per second over a
 * window (no clock read per event); in other windows, the mean cost of
 * 16 calls in a row timed with the TSC (its p50: single calls are below
 * the timer's granularity here) and single calls (p99, p99.9), the timer's
 * own cost subtracted.  Candidates alternate within each round; medians
 * and spread over rounds are printed.
 *
 * Usage: event_bench [rounds] [window_ms] [drain_idle_us]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <x86intrin.h>

#include "logbuf.h"
#include "bench.h"
#include "peers.h"

#define BINS		65536	/* cycles, one bin each */
#define MAXTHREADS	4

#define BATCH		16	/* calls per timed batch */

enum kind { EMIT, MPSC, SPDLOG, LTTNG, MARKER, NKINDS };
static const char *const names[] = { "emit (per-thread)", "mpsc try_send",
				     "spdlog async", "lttng-ust",
				     "trace_marker" };

struct run {
	enum kind kind;
	int nthreads;
	int timed;
	atomic_int go;
	atomic_int stop;
	struct logbuf_event *ev;
	struct logbuf_sender *tx;
	int marker;
	uint64_t count[MAXTHREADS];
	uint64_t *hist[MAXTHREADS];	/* single calls */
	uint64_t *bhist[MAXTHREADS];	/* batch means */
};

static struct logbuf_tracer *tracer;
static struct logbuf_receiver *rx;
static atomic_int drain_stop;
static double overhead_cycles;

static int one(struct run *r, struct logbuf_sender *tx, uint64_t i)
{
	static const char line[64] = "typed event, sixty-four bytes of text, as a log line\n";
	uint64_t rec[8] = { i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i };

	switch (r->kind) {
	case EMIT:
		return logbuf_emit(r->ev, i, i + 1, i + 2, i + 3, i + 4, i + 5,
				   i + 6, (uint32_t)i);
	case MPSC:
		return logbuf_try_send(tx, rec, 64);
	case SPDLOG:
		return spdlog_peer_log(i);
	case LTTNG:
		return lttng_peer_log(i);
	default:
		return write(r->marker, line, 64) == 64 ? 0 : -errno;
	}
}

struct targ {
	struct run *r;
	int idx;
};

static void *producer(void *arg)
{
	struct targ *a = arg;
	struct run *r = a->r;
	struct logbuf_sender *tx = r->tx ? logbuf_sender_clone(r->tx) : NULL;
	uint64_t i = 0, n = 0, *h = r->hist[a->idx], *bh = r->bhist[a->idx];
	unsigned long long t0, t1;
	unsigned int aux;
	int k, bad;

	while (!atomic_load(&r->go))
		;
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		if (r->timed) {
			/* Accepted events only: a full ring is not a cost. */
			t0 = __rdtscp(&aux);
			if (!one(r, tx, i++)) {
				t1 = __rdtscp(&aux);
				h[t1 - t0 < BINS ? t1 - t0 : BINS - 1]++;
			}
			bad = 0;
			t0 = __rdtscp(&aux);
			for (k = 0; k < BATCH; k++)
				bad |= one(r, tx, i++);
			t1 = __rdtscp(&aux);
			if (!bad) {
				t1 = (t1 - t0 + BATCH / 2) / BATCH;
				bh[t1 < BINS ? t1 : BINS - 1]++;
			}
		} else if (!one(r, tx, i++)) {
			n++;
		}
	}
	r->count[a->idx] = n;
	logbuf_sender_free(tx);
	return NULL;
}

static int nop(void *ctx, const struct logbuf_event *ev, int32_t tid,
	       const void *f, size_t len)
{
	(void)ctx, (void)ev, (void)tid, (void)f, (void)len;
	return 0;
}

/*
 * The backend: drains logbuf's rings as long as it finds events, and
 * sleeps DRAIN_IDLE_US when it finds none, as Quill's backend does by
 * default (BackendOptions::sleep_duration, 100 us) and as logbuf's own
 * consumers do (the kernel's tick, a collector's 2 ms): a drain that
 * spins on an empty ring keeps reading the line the producer writes next,
 * and the producer then pays for that line's transfer on every event.
 * 0 (the first argument after the window): spin, as this bench did before.
 */
static long drain_idle_us = 100;

static void *drain(void *arg)
{
	const struct timespec idle = { .tv_nsec = drain_idle_us * 1000 };
	const void *d;
	size_t len;

	(void)arg;
	while (!atomic_load(&drain_stop)) {
		int n = logbuf_tracer_drain(tracer, nop, NULL, 4096), m = 0;

		while (!logbuf_try_recv(rx, &d, &len)) {
			logbuf_recv_done(rx);
			m++;
		}
		if (n > 0 || m > 0)
			continue;
		if (drain_idle_us)
			nanosleep(&idle, NULL);
		else
			sched_yield();
	}
	return NULL;
}

/* One window; returns events per second (all threads). */
static double window(struct run *r, int ms)
{
	struct targ a[MAXTHREADS];
	pthread_t th[MAXTHREADS];
	uint64_t total = 0;
	double t0, t1;
	int i;

	atomic_store(&r->go, 0);
	atomic_store(&r->stop, 0);
	for (i = 0; i < r->nthreads; i++) {
		a[i].r = r;
		a[i].idx = i;
		pthread_create(&th[i], NULL, producer, &a[i]);
	}
	t0 = now();
	atomic_store(&r->go, 1);
	usleep(ms * 1000);
	atomic_store(&r->stop, 1);
	for (i = 0; i < r->nthreads; i++) {
		pthread_join(th[i], NULL);
		total += r->count[i];
	}
	t1 = now();
	return total / (t1 - t0);
}

static double pct(uint64_t *h, uint64_t n, double p)
{
	uint64_t want = (uint64_t)(n * p), acc = 0;
	int b;

	for (b = 0; b < BINS; b++) {
		acc += h[b];
		if (acc > want)
			return b;
	}
	return BINS;
}

static double ghz(void)
{
	unsigned long long c0 = __rdtsc();
	double t0 = now();

	usleep(200000);
	return (__rdtsc() - c0) / (now() - t0) / 1e9;
}

static void timer_overhead(void)
{
	unsigned long long t0, t1, best = ~0ULL;
	unsigned int aux;
	int i;

	for (i = 0; i < 100000; i++) {
		t0 = __rdtscp(&aux);
		t1 = __rdtscp(&aux);
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	overhead_cycles = best;
}

/* The histogram's percentile, in ns, the timer's cost taken out. */
static double pct_ns(uint64_t *h, double p, double ghz_, double over)
{
	uint64_t n = 0;
	int b;

	for (b = 0; b < BINS; b++)
		n += h[b];
	return n ? (pct(h, n, p) - over) / ghz_ : 0;
}

static void merge_hists(uint64_t **h, int n)
{
	int i, b;

	for (i = 1; i < n; i++)
		for (b = 0; b < BINS; b++)
			h[0][b] += h[i][b];
}

int main(int argc, char **argv)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .flags = LOGBUF_TRACER_HEAP,
		    .ring_capacity = 1 << 18);
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	int ms = argc > 2 ? atoi(argv[2]) : 300;

	if (argc > 3)
		drain_idle_us = atol(argv[3]);
	if (drain_idle_us < 0 || drain_idle_us > 999999)
		drain_idle_us = 100;
	static const int nts[] = { 1, 2, 4 };
	static double tput[NKINDS][3][MAXROUNDS], q[NKINDS][3][3][MAXROUNDS];
	double g, lo, hi, d, p50[NKINDS];
	int have[NKINDS] = { [EMIT] = 1, [MPSC] = 1 };
	int k, ti, rd, i;
	struct logbuf_sender *tx;
	pthread_t dth;
	struct run r;

	if (rounds > MAXROUNDS)
		rounds = MAXROUNDS;
	tracer = logbuf_tracer_open(&o);
	if (!tracer ||
	    logbuf_channel_new(1 << 18, LOGBUF_RING_MPSC, &tx, &rx)) {
		perror("setup");
		return 1;
	}
	memset(&r, 0, sizeof(r));
	r.ev = logbuf_event_new(tracer, "bench",
				"u64 a; u64 b; u64 c; u64 d; u64 e; u64 f; u64 g; u32 h");
	r.marker = open("/sys/kernel/tracing/trace_marker", O_WRONLY);
	/* As trace-cmd does: tracefs at its place, if root and not there. */
	if (r.marker < 0 && errno == ENOENT &&
	    !mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		r.marker = open("/sys/kernel/tracing/trace_marker", O_WRONLY);
	if (r.marker < 0)
		r.marker = open("/sys/kernel/debug/tracing/trace_marker",
				O_WRONLY);
	have[MARKER] = r.marker >= 0;
	have[SPDLOG] = !spdlog_peer_init();
	have[LTTNG] = lttng_peer_enabled();
	for (i = 0; i < MAXTHREADS; i++) {
		r.hist[i] = calloc(BINS, sizeof(uint64_t));
		r.bhist[i] = calloc(BINS, sizeof(uint64_t));
	}
	pthread_create(&dth, NULL, drain, NULL);
	g = ghz();
	timer_overhead();
	printf("# event_bench: 64-byte events (7 x u64 + u32), %d rounds of "
	       "%d ms windows, TSC %.2f GHz, timer %.0f cycles (subtracted)\n",
	       rounds, ms, g, overhead_cycles);
	if (drain_idle_us)
		printf("# logbuf's drain sleeps %ld us when it finds nothing\n",
		       drain_idle_us);
	else
		printf("# logbuf's drain spins (sched_yield) when it finds "
		       "nothing\n");
	if (!have[MARKER])
		printf("# trace_marker: not writable here, left out\n");
	if (!have[LTTNG])
		printf("# lttng-ust: no session records logbuf_bench:event "
		       "(run through bench/lttng-run.sh), left out\n");
	if (!have[SPDLOG])
		printf("# spdlog: could not start its logger, left out\n");
	for (rd = 0; rd < rounds; rd++) {
		for (ti = 0; ti < 3; ti++) {
			for (k = 0; k < NKINDS; k++) {
				if (!have[k])
					continue;
				r.kind = k;
				r.nthreads = nts[ti];
				r.tx = k == MPSC ? tx : NULL;
				r.timed = 0;
				tput[k][ti][rd] = window(&r, ms);
				for (i = 0; i < MAXTHREADS; i++) {
					memset(r.hist[i], 0,
					       BINS * sizeof(uint64_t));
					memset(r.bhist[i], 0,
					       BINS * sizeof(uint64_t));
				}
				r.timed = 1;
				window(&r, ms);
				merge_hists(r.hist, r.nthreads);
				merge_hists(r.bhist, r.nthreads);
				q[k][ti][0][rd] = pct_ns(r.bhist[0], 0.5, g,
							 overhead_cycles / BATCH);
				q[k][ti][1][rd] = pct_ns(r.hist[0], 0.99, g,
							 overhead_cycles);
				q[k][ti][2][rd] = pct_ns(r.hist[0], 0.999, g,
							 overhead_cycles);
			}
		}
	}
	atomic_store(&drain_stop, 1);
	pthread_join(dth, NULL);
	printf("# p50: of the mean of %d calls in a row; p99, p99.9: of "
	       "single calls\n", BATCH);
	printf("%-20s %3s %14s %22s %8s %8s %8s\n", "candidate", "thr",
	       "Mevents/s", "(spread)", "p50 ns", "p99 ns", "p99.9 ns");
	for (ti = 0; ti < 3; ti++) {
		for (k = 0; k < NKINDS; k++) {
			double m;

			if (!have[k])
				continue;
			m = median(tput[k][ti], rounds, &lo, &hi);
			p50[k] = median(q[k][ti][0], rounds, &d, &d);
			printf("%-20s %3d %14.2f %10.2f .. %-9.2f %8.1f %8.1f %8.1f\n",
			       names[k], nts[ti], m / 1e6, lo / 1e6, hi / 1e6,
			       p50[k], median(q[k][ti][1], rounds, &d, &d),
			       median(q[k][ti][2], rounds, &d, &d));
		}
		printf("%-20s %3d p50 against emit:", "", nts[ti]);
		for (k = MPSC; k < NKINDS; k++)
			if (have[k])
				printf(" %s %.1fx", names[k],
				       p50[EMIT] > 0 ? p50[k] / p50[EMIT] : 0);
		printf("\n");
	}
	if (have[SPDLOG])
		spdlog_peer_fini();
	logbuf_sender_free(tx);
	logbuf_receiver_free(rx);
	logbuf_tracer_close(tracer);
	return 0;
}
