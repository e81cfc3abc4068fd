// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf log: each line of standard input as a typed event. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logbuf.h"
#include "cli.h"
#include "parse.h"

struct log_opts {
	uint64_t ring_size;
	const char *event;
	const char *collector;
};

static int log_opt(int ch, const char *arg, void *ctx)
{
	struct log_opts *o = ctx;

	if (ch == 'e') {
		o->event = arg;
		return 0;
	}
	if (ch == 'c') {
		o->collector = arg;
		return 0;
	}
	if (ch != 's')
		return -1;
	return parse_size("--ring-size", arg, 4096, LOGBUF_MAX_CAPACITY,
			  &o->ring_size);
}

/*
 * Each line of standard input is one typed event, <event>(u64 line;
 * char text[]), emitted into this thread's ring of a tracer: the kernel
 * drains it into events/synthetic/<name>.  A line longer than a string
 * field holds goes as several events with the same line number: nothing
 * is cut.
 */
int cmd_log(const struct cmd *c, struct cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ring-size", required_argument, NULL, 's' },
		{ "event", required_argument, NULL, 'e' },
		{ "collector", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	struct log_opts o = { .ring_size = 1 << 20, .event = "logbuf_log" };
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	uint64_t lines = 0, bytes = 0, events = 0;
	struct logbuf_tracer *t;
	struct logbuf_event *ev;
	char *line = NULL, buf[LOGBUF_TEV_STR_MAX + 1];
	size_t cap = 0;
	ssize_t n, off;
	int err, i;

	err = parse_opts(c, cli, argc, argv, "s:e:c:", lo, log_opt, &o);
	if (err)
		return err > 0 ? 0 : usage_error(c);
	if (optind != argc)
		return usage_error(c);
	if (o.ring_size & (o.ring_size - 1)) {
		fprintf(stderr, "logbuf: --ring-size: %" PRIu64 " is not a "
			"power of two\n", o.ring_size);
		return 2;
	}
	{
		LOGBUF_OPTS(logbuf_tracer_opts, to, .ring_capacity = o.ring_size,
			    .flags = LOGBUF_TRACER_WAIT,
			    .collector = o.collector);

		t = logbuf_tracer_open(&to);
	}
	if (!t)
		return fail("opening a tracer", errno);
	ev = logbuf_event_new(t, o.event, "u64 line; char text[]");
	if (!ev) {
		err = errno;
		logbuf_tracer_close(t);
		if (err == EINVAL)
			fprintf(stderr, "logbuf: --event: '%s' is not a name "
				"([A-Za-z_][A-Za-z0-9_]*)\n", o.event);
		return fail("declaring the event", err);
	}
	if (o.collector)
		fprintf(stderr, "logbuf: each line becomes a %s event of the "
			"collector at %s\n", logbuf_event_name(ev), o.collector);
	else
		fprintf(stderr, "logbuf: each line becomes a synthetic:%s "
			"event in /sys/kernel/tracing/trace\n",
			logbuf_event_name(ev));
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		if (!n)
			continue;
		lines++;
		bytes += n;
		/* The string field's bound: a long line goes in pieces. */
		for (off = 0; off < n; off += LOGBUF_TEV_STR_MAX) {
			size_t k = n - off < LOGBUF_TEV_STR_MAX ?
				   (size_t)(n - off) : LOGBUF_TEV_STR_MAX;

			memcpy(buf, line + off, k);
			buf[k] = 0;
			/* A NUL in the line ends its text there, as %s. */
			err = logbuf_emit(ev, lines, buf);
			if (err) {
				free(line);
				logbuf_tracer_close(t);
				return fail("emitting", -err);
			}
			events++;
		}
	}
	free(line);
	/* Let the kernel drain before saying how it went (5 s at most). */
	for (i = 0; i < 500 && !o.collector; i++) {
		logbuf_tracer_stats(t, &st);
		if (st.records >= events)
			break;
		nanosleep(&tick, NULL);
	}
	if (cli->json)
		printf("{\"event\":\"%s\",\"lines\":%" PRIu64 ",\"bytes\":%"
		       PRIu64 ",\"events\":%" PRIu64 ",\"drained\":%" PRIu64
		       "}\n", logbuf_event_name(ev), lines, bytes, events,
		       (uint64_t)st.records);
	else if (o.collector)
		fprintf(stderr, "logbuf: %" PRIu64 " lines, %" PRIu64
			" bytes in %" PRIu64 " events, to the collector\n",
			lines, bytes, events);
	else
		fprintf(stderr, "logbuf: %" PRIu64 " lines, %" PRIu64
			" bytes in %" PRIu64 " events, %" PRIu64
			" drained by the kernel\n", lines, bytes, events,
			(uint64_t)st.records);
	logbuf_tracer_close(t);
	return 0;
}
