/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency probes: one thread pinned to each CPU sleeps 1 ms at a time and
 * records how late it wakes.  A CPU that the kernel keeps busy without
 * rescheduling (a drain loop, an ioctl, an interrupt storm) shows up as a
 * late wake-up on that CPU, and a probe that cannot run at all shows up
 * when the probes stop: the time since it last checked in counts too.
 */
#ifndef _LOGBUF_LATPROBE_H
#define _LOGBUF_LATPROBE_H

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define LP_MAX_CPUS	8

struct latprobe {
	pthread_t th[LP_MAX_CPUS];
	int ncpu;
	volatile int stop;
	uint64_t worst_ns[LP_MAX_CPUS];
	uint64_t wakeups[LP_MAX_CPUS];
	volatile uint64_t seen_ns[LP_MAX_CPUS];	/* last check-in */
};

struct lp_arg {
	struct latprobe *lp;
	int cpu;
};

static inline uint64_t lp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *lp_run(void *arg)
{
	struct lp_arg a = *(struct lp_arg *)arg;
	struct latprobe *lp = a.lp;
	struct timespec ms = { 0, 1000000 };
	cpu_set_t set;

	free(arg);
	CPU_ZERO(&set);
	CPU_SET(a.cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!lp->stop) {
		uint64_t t0 = lp_now(), t1;
		int64_t late;

		/* From the last check-in: covers the first run, too. */
		late = (int64_t)(t0 - lp->seen_ns[a.cpu]);
		if (late > (int64_t)lp->worst_ns[a.cpu])
			lp->worst_ns[a.cpu] = late;
		/* A signal may end the sleep early: never a negative lateness. */
		nanosleep(&ms, NULL);
		t1 = lp_now();
		late = (int64_t)(t1 - t0) - 1000000;
		if (late > (int64_t)lp->worst_ns[a.cpu])
			lp->worst_ns[a.cpu] = late;
		lp->seen_ns[a.cpu] = t1;
		lp->wakeups[a.cpu]++;
	}
	return NULL;
}

/* Start a probe on each online CPU (up to LP_MAX_CPUS). */
static inline int lp_start(struct latprobe *lp)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	memset(lp, 0, sizeof(*lp));
	lp->ncpu = n > LP_MAX_CPUS ? LP_MAX_CPUS : (int)n;
	for (i = 0; i < lp->ncpu; i++) {
		lp->seen_ns[i] = lp_now();
		struct lp_arg *a = malloc(sizeof(*a));

		if (!a)
			return -1;
		a->lp = lp;
		a->cpu = i;
		if (pthread_create(&lp->th[i], NULL, lp_run, a))
			return -1;
	}
	return 0;
}

/* Stop the probes; return the worst lateness over all CPUs, in ms. */
static inline double lp_stop(struct latprobe *lp)
{
	uint64_t worst = 0, now = lp_now();
	int i;

	/* A probe that has not checked in since: it was kept from running. */
	for (i = 0; i < lp->ncpu; i++) {
		int64_t since = (int64_t)(now - lp->seen_ns[i]) - 2000000;

		if (since > (int64_t)lp->worst_ns[i])
			lp->worst_ns[i] = since;
	}
	lp->stop = 1;
	for (i = 0; i < lp->ncpu; i++) {
		pthread_join(lp->th[i], NULL);
		if (lp->worst_ns[i] > worst)
			worst = lp->worst_ns[i];
	}
	return worst / 1e6;
}

/*
 * No CPU may be kept from its tasks longer than this.  make check-debug
 * loosens it (LOGBUF_MAX_LATE_MS) for KASAN under emulation.
 */
static inline double lp_max_late_ms(void)
{
	const char *s = getenv("LOGBUF_MAX_LATE_MS");

	return s ? atof(s) : 100.0;
}

#define MAX_LATE_MS	lp_max_late_ms()

static void *lp_spin(void *arg)
{
	struct lp_arg a = *(struct lp_arg *)arg;
	cpu_set_t set;

	free(arg);
	CPU_ZERO(&set);
	CPU_SET(a.cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!a.lp->stop)
		;
	return NULL;
}

/*
 * This guest's own lateness: the probes for @ms while a thread spins in
 * user space on every CPU, no module involved.  What emulation, the host
 * and the scheduler do to a CPU-bound guest by themselves, measured in the
 * same run as the window it is compared with.
 */
static inline double lp_baseline(unsigned int ms)
{
	struct latprobe lp, spin = { 0 };
	pthread_t th[LP_MAX_CPUS];
	double late;
	int i, n;

	if (lp_start(&lp))
		return 0;
	n = lp.ncpu;
	for (i = 0; i < n; i++) {
		struct lp_arg *a = malloc(sizeof(*a));

		if (a) {
			a->lp = &spin;
			a->cpu = i;
		}
		if (!a || pthread_create(&th[i], NULL, lp_spin, a)) {
			free(a);
			n = i;
			break;
		}
	}
	usleep(ms * 1000u);
	late = lp_stop(&lp);
	spin.stop = 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return late;
}

/*
 * The bound on a window of @ms that was @late ms late at worst: 100 ms, or
 * four times this guest's baseline over as long a window if that is more
 * (measured only when needed).  The bound of a debug or RT guest under
 * emulation so follows what that guest does anyway, while a CPU held by
 * the kernel for seconds (the old unbounded drain: 5.8 s) fails on any.
 */
static inline double lp_bound(double late, unsigned int ms)
{
	double bound = MAX_LATE_MS, base;

	if (late < bound)
		return bound;
	base = lp_baseline(ms);
	printf("# baseline of this guest over %u ms: %.1f ms late\n", ms,
	       base);
	return 4 * base > bound ? 4 * base : bound;
}

/*
 * Windows a lateness test may run: a window late by more than its bound
 * is run once more before the test fails.  Emulation's own stalls (the
 * host preempts QEMU's one thread for both vCPUs) are rare and random; a
 * defect is late every time.
 */
#define LP_WINDOWS	2

#endif /* _LOGBUF_LATPROBE_H */
