// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * typed_events: a program's own trace event, with fields the kernel's tools
 * can filter, count and decode.
 *
 * It declares req_done (status, latency, path), emits a few from two
 * threads, and prints the event's name in tracefs: u<uid>_req_done, or
 * req_done when run with CAP_SYS_ADMIN.  Then, as root:
 *
 *   cd /sys/kernel/tracing/events/synthetic/u1000_req_done
 *   cat format
 *   echo 'status >= 500' > filter; echo 1 > enable
 *   echo 'hist:keys=status:vals=lat_ns' > trigger
 *   typed_events 1000; cat hist; grep req_done ../../../trace
 *
 * (The event exists once the program has run once: run it, set up the
 * filter and trigger, run it again.)  Needs the logbuf module.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <logbuf.h>

static struct logbuf_event *req;
static long n;

static void *worker(void *arg)
{
	static const char *const paths[] = { "/", "/index.html", "/api/v1" };
	static const unsigned int status[] = { 200, 200, 404, 500 };
	long i;

	for (i = 0; i < n; i++) {
		uint64_t lat = 1000 + (i * 7919) % 50000;

		/* Full ring: the drain is kicked; try again shortly. */
		while (logbuf_emit(req, status[i % 4], lat,
				   paths[(i + (long)arg) % 3]) == -EAGAIN)
			;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	struct logbuf_tracer *t;
	pthread_t th[2];
	long k;

	n = argc > 1 ? strtol(argv[1], NULL, 0) : 10;
	t = logbuf_tracer_open(NULL);
	if (!t) {
		perror("logbuf_tracer_open (is the logbuf module loaded?)");
		return 1;
	}
	req = logbuf_event_new(t, "req_done",
			       "u32 status; u64 lat_ns; char path[64]");
	if (!req) {
		perror("logbuf_event_new");
		return 1;
	}
	for (k = 0; k < 2; k++)
		pthread_create(&th[k], NULL, worker, (void *)k);
	for (k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	logbuf_tracer_stats(t, &st);
	printf("event: events/synthetic/%s\n", logbuf_event_name(req));
	printf("%llu events drained so far, %llu refused for a full ring\n",
	       (unsigned long long)st.records, (unsigned long long)st.full);
	logbuf_tracer_close(t);
	return 0;
}
