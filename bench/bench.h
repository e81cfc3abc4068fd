/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks share: the clock, CPU pinning, and the median and
 * spread of a candidate's rounds.
 */
#ifndef LOGBUF_BENCH_H
#define LOGBUF_BENCH_H

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CL		64
#define MAXROUNDS	32

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static inline void unpin(void)
{
	cpu_set_t s;
	int i;

	CPU_ZERO(&s);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values; their minimum and maximum in @lo and @hi. */
static inline double median(const double *v, int n, double *lo, double *hi)
{
	double s[MAXROUNDS];

	if (!n) {
		*lo = *hi = 0;
		return 0;
	}
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	*lo = s[0];
	*hi = s[n - 1];
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

#endif /* LOGBUF_BENCH_H */
