// SPDX-License-Identifier: GPL-2.0
/*
 * A program with a known call chain for logbuf(1)'s probe and stack tests:
 * main -> a -> b -> c -> getpgid(base + i), N times, each function out of
 * line and returning through its caller (no tail calls), and a USDT probe
 * logbuf_test:tick(i, 3 * i) with a semaphore in c.
 *
 * Usage: probe_chain N BASE [go]
 * Without "go" it waits for a line on stdin before the first call, so that
 * a tracer can attach to it first.  It prints how many of the calls found
 * the probe's semaphore set (a tracer attached to the USDT probe).
 */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sdt.h>
#include <sys/syscall.h>

unsigned short logbuf_test_tick_semaphore __attribute__((section(".probes")));

static long base;
static long enabled;

/* Each returns a value its caller uses: the call is never a jump. */
__attribute__((noinline)) long c(long i)
{
	if (logbuf_test_tick_semaphore)
		enabled++;
	DTRACE_PROBE2(logbuf_test, tick, i, 3 * i);
	return syscall(SYS_getpgid, base + i) < 0 ? 2 * i : -1;
}

__attribute__((noinline)) long b(long i)
{
	return c(i) + 1;
}

__attribute__((noinline)) long a(long i)
{
	return b(i) + 1;
}

int main(int argc, char **argv)
{
	long n, i, sum = 0;
	char line[16];

	if (argc < 3) {
		fprintf(stderr, "usage: probe_chain N BASE [go]\n");
		return 2;
	}
	n = atol(argv[1]);
	base = atol(argv[2]);
	if (argc < 4 || strcmp(argv[3], "go")) {
		printf("ready %d\n", (int)getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	for (i = 0; i < n; i++)
		sum += a(i);
	/* c returns 2i, b 2i + 1, a 2i + 2. */
	printf("calls %ld sum %ld enabled %ld\n", n, sum, enabled);
	return sum == n * (n + 1) ? 0 : 1;
}
