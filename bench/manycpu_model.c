// SPDX-License-Identifier: GPL-2.0
/*
 * manycpu_model: what one shared tail costs kernel producers on 64-256 CPUs,
 * against one ring per CPU, on a 2-CPU machine that cannot show it.
 *
 * 1. Calibrate on this machine: the cost of an uncontended locked
 *    compare-and-swap (t_hit), of a full barrier (t_mb), and of moving a
 *    cache line from one core to the other (t_x, half a ping-pong round
 *    trip).
 * 2. Check the simulator against the real protocol where this machine can
 *    measure it: liblogbuf's MPSC claim + commit of 8-byte records from one
 *    and from two pinned producers (no consumer: the ring is big enough for
 *    the window), against the simulator's prediction for 1 and 2 CPUs from
 *    the calibrated costs.
 * 3. Simulate N = 1..256 producers, each tracing back to back with w ns of
 *    its own work per event (tracepoint, record fill), through the kernel
 *    producer's path as the code has it:
 *      read the tail, CAS it (retry on failure: the failed CAS returns the
 *      new tail), store the cached consumer head (kp->head), write the
 *      record (its first line may hold the end of another CPU's record),
 *      store the observers' copy of the tail in the shared page, full
 *      barrier, read the consumer's state word;
 *    as the same path would be with the head stored only when it changes,
 *    and with one ring per CPU (every line stays in its CPU's cache).
 *    Cache lines are modelled as owner + copies (MESI without the E/S
 *    distinction): an access that finds no valid copy in its CPU pays t_x,
 *    and transfers of one line are served one at a time (a line is in one
 *    place).  CPUs run in simulated time, the earliest first.
 *
 *   manycpu_model [--secs S] [--json FILE]
 *
 * The simulation checks its books (the tails moved once per event counted)
 * and exits non-zero if they do not balance.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logbuf.h"
#include "bench.h"

#define MAXCPU		256
#define REC		80	/* a syscall record: 8 header + 72 */

/* ---- 1. calibration ---------------------------------------------------- */

struct calib {
	double t_hit, t_mb, t_x;
};

static double measure_local_cas(long n)
{
	_Alignas(CL) _Atomic uint64_t v = 0;
	double t0 = now();
	long i;

	for (i = 0; i < n; i++) {
		uint64_t e = atomic_load_explicit(&v, memory_order_relaxed);

		atomic_compare_exchange_strong(&v, &e, e + 1);
	}
	if (atomic_load(&v) != (uint64_t)n)
		exit(1);
	return (now() - t0) / n * 1e9;
}

static double measure_mb(long n)
{
	_Alignas(CL) volatile uint64_t v = 0;
	double t0 = now();
	long i;

	for (i = 0; i < n; i++) {
		v = v + 1;
		atomic_thread_fence(memory_order_seq_cst);
	}
	return (now() - t0) / n * 1e9 - 0.3;	/* minus the plain add */
}

struct pp {
	_Alignas(CL) _Atomic uint64_t ball;
	long n;
};

static void *pong(void *arg)
{
	struct pp *p = arg;
	uint64_t i;

	pin(1);
	for (i = 1; i < 2 * (uint64_t)p->n; i += 2) {
		while (atomic_load_explicit(&p->ball, memory_order_acquire) != i)
			;
		atomic_store_explicit(&p->ball, i + 1, memory_order_release);
	}
	return NULL;
}

/* Half a round trip of one line between CPU 0 and CPU 1. */
static double measure_transfer(long n)
{
	struct pp p = { .n = n };
	pthread_t th;
	uint64_t i;
	double t0;

	pin(0);
	pthread_create(&th, NULL, pong, &p);
	/* Let the other thread start before timing. */
	atomic_store(&p.ball, 0);
	t0 = now();
	for (i = 0; i < 2 * (uint64_t)n; i += 2) {
		while (atomic_load_explicit(&p.ball, memory_order_acquire) != i)
			;
		atomic_store_explicit(&p.ball, i + 1, memory_order_release);
	}
	while (atomic_load(&p.ball) != 2 * (uint64_t)n)
		;
	t0 = now() - t0;
	pthread_join(th, NULL);
	unpin();
	return t0 / (2.0 * n) * 1e9;
}

/* ---- 2. the real protocol, 1 and 2 producers --------------------------- */

struct real {
	struct logbuf_ring *r;
	_Alignas(CL) atomic_int go;
	_Alignas(CL) atomic_int stop;
	long budget;
	long done[2];
};

struct rarg {
	struct real *rl;
	int cpu;
};

static void *real_prod(void *arg)
{
	struct rarg *a = arg;
	struct logbuf_producer *p = logbuf_producer_new(a->rl->r);
	uint64_t x = a->cpu;
	long i;

	if (!p)
		exit(1);
	pin(a->cpu);
	while (!atomic_load(&a->rl->go))
		;
	for (i = 0; i < a->rl->budget &&
	     !atomic_load_explicit(&a->rl->stop, memory_order_relaxed); i++) {
		void *d;

		if (logbuf_claim(p, 8, &d))
			exit(1);	/* the ring is sized never to fill */
		memcpy(d, &x, 8);
		logbuf_commit(p);
	}
	a->rl->done[a->cpu] = i;
	logbuf_producer_free(p);
	return NULL;
}

/*
 * Records per second, all producers together, from @np pinned threads
 * running at the same time for @secs (a 512 MiB ring holds them all).
 */
static double measure_real(int np, double secs)
{
	struct real rl = { .budget = (512l << 20) / 16 / 2 - 1024 };
	struct timespec ts = { 0, (long)(secs * 1e9) };
	struct rarg a[2];
	pthread_t th[2];
	double t0;
	int i;

	rl.r = logbuf_ring_new(512u << 20, LOGBUF_RING_MPSC);
	if (!rl.r)
		exit(1);
	for (i = 0; i < np; i++) {
		a[i] = (struct rarg){ &rl, i };
		pthread_create(&th[i], NULL, real_prod, &a[i]);
	}
	usleep(20000);	/* both threads waiting at the start line */
	t0 = now();
	atomic_store(&rl.go, 1);
	nanosleep(&ts, NULL);
	atomic_store(&rl.stop, 1);
	t0 = now() - t0;
	for (i = 0; i < np; i++)
		pthread_join(th[i], NULL);
	logbuf_ring_free(rl.r);
	for (i = 0; i < np; i++)
		if (rl.done[i] >= rl.budget) {
			fprintf(stderr, "manycpu_model: the ring filled; "
				"shorten --secs\n");
			exit(1);
		}
	return (rl.done[0] + (np == 2 ? rl.done[1] : 0)) / t0;
}

/* ---- 3. the simulator -------------------------------------------------- */

enum line_id { L_TAIL, L_KPHEAD, L_OBS, L_STATE, NLINES };

struct line {
	int owner;		/* last CPU to hold it exclusively */
	uint64_t epoch;		/* bumps at every exclusive acquisition */
	int readers;		/* other CPUs that copied it since */
	double busy;		/* transfers of this line end no earlier */
	uint64_t version;	/* L_TAIL: the tail, in records */
};

enum mode { SHARED, SHARED_HEAD_IF_CHANGED, PER_CPU, SHARED_USER };

struct sim {
	enum mode mode;
	int n;
	double w;		/* each event's own work, ns */
	struct calib c;
	struct line lines[MAXCPU][NLINES];	/* [0] only when shared */
	uint64_t copy[MAXCPU][NLINES];		/* epoch of a CPU's copy */
	int last_writer[4096];			/* per record line, mod */
	uint64_t events, cas_fail, transfers;
};

static struct line *sim_line(struct sim *s, int cpu, int l)
{
	return &s->lines[s->mode == PER_CPU ? cpu : 0][l];
}

/*
 * One access by @cpu at time @t, a locked read-modify-write if @excl is 2;
 * returns when it is done.  A plain load or store that hits costs 1 ns.
 */
static double sim_access(struct sim *s, int cpu, int l, int excl, double t)
{
	struct line *ln = sim_line(s, cpu, l);
	int valid = s->copy[cpu][l] == ln->epoch + 1;

	if (valid && (!excl || (ln->owner == cpu && !ln->readers)))
		return t + (excl == 2 ? s->c.t_hit : 1);
	t = (t > ln->busy ? t : ln->busy) + s->c.t_x;
	ln->busy = t;
	s->transfers++;
	if (excl) {
		/* Every other copy is gone. */
		ln->epoch++;
		ln->owner = cpu;
		ln->readers = 0;
	} else if (ln->owner != cpu) {
		ln->readers++;
	}
	s->copy[cpu][l] = ln->epoch + 1;
	return t;
}

/* One event of @cpu starting at @t; returns when the CPU is free again. */
static double sim_event(struct sim *s, int cpu, double t)
{
	struct line *tail = sim_line(s, cpu, L_TAIL);
	uint64_t seen;
	unsigned int rl;

	t += s->w;
	t = sim_access(s, cpu, L_TAIL, 0, t);
	seen = tail->version;
	for (;;) {
		t = sim_access(s, cpu, L_TAIL, 2, t);
		if (tail->version == seen)
			break;
		s->cas_fail++;
		seen = tail->version;	/* the failed CAS returns it */
	}
	tail->version++;
	if (s->mode == SHARED_USER)
		goto record;
	if (s->mode != SHARED_HEAD_IF_CHANGED)
		t = sim_access(s, cpu, L_KPHEAD, 1, t);
record:
	/* The record's first line may hold the previous record's end. */
	rl = (unsigned int)((seen * REC) / CL) % 4096;
	if (s->mode != PER_CPU && (seen * REC) % CL &&
	    s->last_writer[rl] != cpu) {
		t += s->c.t_x;
		s->transfers++;
	}
	if (s->mode != PER_CPU)
		s->last_writer[(unsigned int)(((seen + 1) * REC - 1) / CL) %
			       4096] = cpu;
	if (s->mode == SHARED_USER)
		return t + 1;	/* the commit store */
	t = sim_access(s, cpu, L_OBS, 1, t);
	t += s->c.t_mb;
	t = sim_access(s, cpu, L_STATE, 0, t);
	s->events++;
	return t;
}

/* Events per second, all CPUs together, over @simsecs of simulated time. */
static double simulate(struct sim *s, double simsecs)
{
	static double next[MAXCPU];
	static int heap[MAXCPU];	/* CPUs, the earliest next[] on top */
	double end = simsecs * 1e9;
	uint64_t done = 0;
	int i;

	for (i = 0; i < s->n; i++) {
		next[i] = i * 0.37;	/* not all at once, in this order */
		heap[i] = i;
	}
	for (;;) {
		int c = heap[0], at = 0;

		if (next[c] >= end)
			break;
		next[c] = sim_event(s, c, next[c]);
		done++;
		/* Sift the CPU down to its new place. */
		for (;;) {
			int l = 2 * at + 1, m = at;

			if (l < s->n && next[heap[l]] < next[heap[m]])
				m = l;
			if (l + 1 < s->n && next[heap[l + 1]] < next[heap[m]])
				m = l + 1;
			if (m == at)
				break;
			heap[at] = heap[m];
			heap[m] = c;
			at = m;
		}
	}
	if (s->mode == SHARED_USER)
		s->events = done;
	/* The books: every event moved the (or its CPU's) tail once. */
	{
		uint64_t tails = 0;
		int nt = s->mode == PER_CPU ? s->n : 1;

		for (i = 0; i < nt; i++)
			tails += s->lines[i][L_TAIL].version;
		if (tails != done || s->events != done) {
			fprintf(stderr, "manycpu_model: books do not balance "
				"(%llu tail moves, %llu events)\n",
				(unsigned long long)tails,
				(unsigned long long)done);
			exit(1);
		}
	}
	return done / simsecs;
}

static double run_sim(enum mode m, int n, double w, const struct calib *c,
		      double simsecs, double *fail, double *xfer)
{
	struct sim *s = calloc(1, sizeof(*s));
	double rate;
	int i, l;

	if (!s)
		exit(1);
	s->mode = m;
	s->n = n;
	s->w = w;
	s->c = *c;
	for (i = 0; i < MAXCPU; i++)
		for (l = 0; l < NLINES; l++)
			s->lines[i][l].owner = -1;
	for (i = 0; i < 4096; i++)
		s->last_writer[i] = -1;
	rate = simulate(s, simsecs);
	*fail = (double)s->cas_fail / (s->events ? s->events : 1);
	*xfer = (double)s->transfers / (s->events ? s->events : 1);
	free(s);
	return rate;
}

int main(int argc, char **argv)
{
	static const int ns[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
	static const double ws[] = { 100, 1000 };
	static const double txs[] = { 0, 100, 250 };
	const char *json_path = NULL;
	double fit, secs = 1, real1[3], real2[3], lo, hi, m1, m2, p1, p2, f, x;
	struct calib c, cr[3];
	FILE *js = NULL;
	int i, j, k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--secs") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json_path = argv[++i];
		else {
			fprintf(stderr, "usage: manycpu_model [--secs S] "
				"[--json FILE]\n");
			return 2;
		}
	}
	if (secs <= 0 || secs > 60)
		secs = 1;

	/* 1 and 2: three rounds each, alternating, medians. */
	for (k = 0; k < 3; k++) {
		cr[k].t_hit = measure_local_cas((long)(secs * 2e7));
		cr[k].t_mb = measure_mb((long)(secs * 2e7));
		cr[k].t_x = measure_transfer((long)(secs * 1e6));
		real1[k] = measure_real(1, secs > 0.2 ? 0.2 : secs);
		real2[k] = measure_real(2, secs > 0.2 ? 0.2 : secs);
	}
	{
		double a[3], b[3], d[3];

		for (k = 0; k < 3; k++) {
			a[k] = cr[k].t_hit;
			b[k] = cr[k].t_mb;
			d[k] = cr[k].t_x;
		}
		c.t_hit = median(a, 3, &lo, &hi);
		printf("calibration (this machine, medians of 3):\n"
		       "  t_hit  locked CAS, line in this core   %6.1f ns "
		       "(%.1f..%.1f)\n", c.t_hit, lo, hi);
		c.t_mb = median(b, 3, &lo, &hi);
		printf("  t_mb   full barrier                    %6.1f ns "
		       "(%.1f..%.1f)\n", c.t_mb, lo, hi);
		c.t_x = median(d, 3, &lo, &hi);
		printf("  t_x    line from the other core        %6.1f ns "
		       "(%.1f..%.1f)\n", c.t_x, lo, hi);
	}
	m1 = median(real1, 3, &lo, &hi);
	printf("\ncheck against the real protocol (liblogbuf MPSC, 8-byte "
	       "records, no consumer):\n"
	       "  1 producer   measured %6.1f M rec/s (%.1f..%.1f)\n",
	       m1 / 1e6, lo / 1e6, hi / 1e6);
	m2 = median(real2, 3, &lo, &hi);
	/*
	 * The simulator's w: the single producer's time less its CAS.  The
	 * ping-pong t_x includes a spinning reader's detection delay and a
	 * core keeps a line for a few operations once it has it, which the
	 * model does not know; so t_x for the extrapolation is fitted to the
	 * one contended case this machine can measure (2 producers), by
	 * bisection, and the ping-pong value is only shown.
	 */
	{
		double w = 1e9 / m1 - c.t_hit, a = 1, b = 4 * c.t_x;
		struct calib cf = c;

		if (w < 0)
			w = 0;
		for (k = 0; k < 30; k++) {
			cf.t_x = (a + b) / 2;
			if (run_sim(SHARED_USER, 2, w, &cf, 0.02, &f, &x) > m2)
				a = cf.t_x;
			else
				b = cf.t_x;
		}
		p1 = run_sim(SHARED_USER, 1, w, &cf, 0.02, &f, &x);
		p2 = run_sim(SHARED_USER, 2, w, &cf, 0.02, &f, &x);
		cf.t_x = c.t_x;
		printf("  2 producers  measured %6.1f M rec/s (%.1f..%.1f); "
		       "simulated with the ping-pong t_x: %.1f\n"
		       "  fitted t_x (the simulator gives the measured 2-"
		       "producer rate): %.1f ns (simulated 1 producer %.1f, "
		       "2: %.1f M rec/s)\n", m2 / 1e6, lo / 1e6, hi / 1e6,
		       run_sim(SHARED_USER, 2, w, &cf, 0.02, &f, &x) / 1e6,
		       (a + b) / 2, p1 / 1e6, p2 / 1e6);
		fit = (a + b) / 2;
	}
	if (json_path) {
		js = fopen(json_path, "w");
		if (!js) {
			perror(json_path);
			return 1;
		}
		fprintf(js, "{\"t_hit_ns\":%.2f,\"t_mb_ns\":%.2f,"
			"\"t_x_pingpong_ns\":%.2f,\"t_x_fitted_ns\":%.2f,"
			"\"real_1p\":%.0f,\"real_2p\":%.0f,"
			"\"sim_1p\":%.0f,\"sim_2p\":%.0f,\"rows\":[", c.t_hit,
			c.t_mb, c.t_x, fit, m1, m2, p1, p2);
	}

	/* 3. t_x: this machine's (fitted), then slower lines. */
	for (k = 0; k < 3; k++) {
		struct calib ck = c;

		ck.t_x = txs[k] ? txs[k] : fit;
		for (j = 0; j < 2; j++) {
			printf("\nkernel producers, %.0f ns of work per event, "
			       "t_x %.0f ns: M events/s all CPUs (producer "
			       "ns/event beyond the work)\n"
			       "  CPUs  shared ring now        shared, head "
			       "if changed   one ring per CPU   per-CPU/now\n",
			       ws[j], ck.t_x);
			for (i = 0; i < (int)(sizeof(ns) / sizeof(ns[0])); i++) {
				double r0, r1, r2, f0, x0, f1, x1, f2, x2;
				double simsecs = 0.002;

				r0 = run_sim(SHARED, ns[i], ws[j], &ck, simsecs,
					     &f0, &x0);
				r1 = run_sim(SHARED_HEAD_IF_CHANGED, ns[i],
					     ws[j], &ck, simsecs, &f1, &x1);
				r2 = run_sim(PER_CPU, ns[i], ws[j], &ck,
					     simsecs, &f2, &x2);
				printf("  %4d  %8.2f (%7.0f)    %8.2f (%7.0f)"
				       "    %8.2f (%5.0f)   %6.1fx\n", ns[i],
				       r0 / 1e6, ns[i] * 1e9 / r0 - ws[j],
				       r1 / 1e6, ns[i] * 1e9 / r1 - ws[j],
				       r2 / 1e6, ns[i] * 1e9 / r2 - ws[j],
				       r2 / r0);
				if (js)
					fprintf(js, "%s{\"t_x_ns\":%.1f,"
						"\"work_ns\":%.0f,\"cpus\":%d,"
						"\"shared\":%.0f,"
						"\"shared_head_if_changed\":"
						"%.0f,\"per_cpu\":%.0f,"
						"\"cas_fail_per_event\":%.3f}",
						k || j || i ? "," : "",
						ck.t_x, ws[j], ns[i], r0, r1,
						r2, f0);
			}
		}
	}
	if (js) {
		fprintf(js, "]}\n");
		fclose(js);
	}
	return 0;
}
