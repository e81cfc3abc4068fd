// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * collector: typed events from other programs, in time order, in a process
 * of one's own instead of the kernel's trace buffer.
 *
 *   collector serve /tmp/app.sock 8 &   # print 8 events, then stop
 *   collector send /tmp/app.sock 4      # 2 threads, 4 events each
 *
 * "send" is any program: it names the collector's socket when it opens its
 * tracer, and declares and emits as usual.  "serve" prints each event with
 * the sender's pid (the kernel's word) and thread, in time order, and what
 * it refused.  Needs the logbuf module (the rings are the kernel's: a
 * sender killed after its commits loses none of them).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <logbuf.h>

static struct logbuf_event *req;
static long n;

static void *worker(void *arg)
{
	long i;

	for (i = 0; i < n; i++)
		if (logbuf_emit(req, i % 3 ? 200 : 503, 1000 * i + (long)arg,
				"/index.html"))
			return (void *)1;
	return NULL;
}

static int send_events(const char *sock)
{
	LOGBUF_OPTS(logbuf_tracer_opts, o, .collector = sock,
		    .flags = LOGBUF_TRACER_WAIT);
	struct logbuf_tracer *t = logbuf_tracer_open(&o);
	pthread_t th[2];
	void *ret[2];
	int i;

	if (!t) {
		perror("logbuf_tracer_open");
		return 1;
	}
	req = logbuf_event_new(t, "req_done",
			       "u32 status; u64 lat_ns; char path[]");
	if (!req) {
		perror("logbuf_event_new");
		return 1;
	}
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], &ret[i]);
	logbuf_tracer_close(t);
	return ret[0] || ret[1];
}

static long left;

static int print_event(void *ctx, const struct logbuf_collected *e)
{
	char fields[512];

	(void)ctx;
	logbuf_collected_format(e, fields, sizeof(fields));
	printf("%llu.%09llu %d/%d %s: %s\n",
	       (unsigned long long)(e->ns / 1000000000),
	       (unsigned long long)(e->ns % 1000000000), (int)e->pid,
	       (int)e->tid, e->event, fields);
	return --left == 0;
}

static int serve(const char *sock)
{
	struct logbuf_collector_stats st = { .sz = sizeof(st) };
	struct logbuf_collector *c = logbuf_collector_new(sock, NULL);
	int err;

	if (!c) {
		perror("logbuf_collector_new");
		return 1;
	}
	/* Until the count is reached, or 60 s. */
	err = logbuf_collector_run(c, print_event, NULL, 60000);
	logbuf_collector_stats(c, &st);
	fprintf(stderr, "%llu events, %llu late, %llu refused\n",
		(unsigned long long)st.records, (unsigned long long)st.late,
		(unsigned long long)st.errors);
	logbuf_collector_free(c);
	return err < 0 || left > 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "serve") && strcmp(argv[1], "send"))) {
		fprintf(stderr, "usage: %s serve|send SOCKET COUNT\n", argv[0]);
		return 2;
	}
	n = left = atol(argv[3]);
	if (n <= 0) {
		fprintf(stderr, "%s: COUNT must be positive\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "serve"))
		return serve(argv[2]);
	return send_events(argv[2]);
}
