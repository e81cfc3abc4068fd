// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * channel_demo: two sender threads stream log lines through a logbuf channel
 * to a receiver thread, which prints a sample and what it moved, how fast.
 *
 *   channel_demo [records per sender]   (default 2000000)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logbuf.h"

struct sender_arg {
	struct logbuf_sender *tx;
	int id;
	long n;
};

static void *sender(void *p)
{
	struct sender_arg *a = p;
	char line[128];
	long i;

	for (i = 0; i < a->n; i++) {
		int len = snprintf(line, sizeof(line),
				   "sender %d: event %ld, value %ld", a->id, i,
				   i * 7 % 1000);

		if (logbuf_send(a->tx, line, len))
			break;
	}
	logbuf_sender_free(a->tx);	/* the last one disconnects */
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	struct sender_arg a[2];
	struct logbuf_receiver *rx;
	struct logbuf_sender *tx;
	unsigned long records = 0, bytes = 0;
	pthread_t th[2];
	const void *d;
	double t0, dt;
	size_t len;
	int err, i;

	err = logbuf_channel_new(1 << 20, LOGBUF_RING_MPSC, &tx, &rx);
	if (err) {
		fprintf(stderr, "channel_demo: %s\n", strerror(-err));
		return 1;
	}
	t0 = now();
	for (i = 0; i < 2; i++) {
		a[i] = (struct sender_arg){
			.tx = i ? logbuf_sender_clone(tx) : tx, .id = i, .n = n,
		};
		pthread_create(&th[i], NULL, sender, &a[i]);
	}
	while (!(err = logbuf_recv(rx, &d, &len, 1000))) {
		if (records < 3 || records % (n / 2 + 1) == 0)
			printf("  received: %.*s\n", (int)len, (const char *)d);
		records++;
		bytes += len;
	}
	dt = now() - t0;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	logbuf_receiver_free(rx);
	printf("moved %lu records, %lu payload bytes in %.3f s: %.1f M records/s, %.1f MB/s\n",
	       records, bytes, dt, records / dt / 1e6, bytes / dt / 1e6);
	printf("ended with: %s (every sender gone)\n", strerror(-err));
	return err == -EPIPE && records == 2UL * n ? 0 : 1;
}
