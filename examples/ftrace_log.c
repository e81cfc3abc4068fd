// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * ftrace_log: a program logging into ftrace without a system call per line.
 *
 * Each line is a typed event, ftrace_log (u<uid>_ftrace_log without
 * CAP_SYS_ADMIN), with a step number and the text as fields: the module
 * drains the thread's ring into it, next to the kernel's own events in
 * /sys/kernel/tracing/trace.  The program writes into its mapped ring; no
 * compare-and-swap, no barrier, and a system call only to wake an idle
 * drain.  Run it once to declare the event, then:
 *
 *   echo 1 > /sys/kernel/tracing/events/synthetic/ftrace_log/enable
 *   ftrace_log [lines]     (default 10; needs the logbuf module)
 *   grep ftrace_log: /sys/kernel/tracing/trace
 *
 * and, since the step is a field, 'step > 5' > .../ftrace_log/filter.
 * Compare: one write(2) to /sys/kernel/tracing/trace_marker per line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <logbuf.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 10, i;
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	struct logbuf_tracer_stats st = { .sz = sizeof(st) };
	struct logbuf_event *ev;
	struct logbuf_tracer *t;
	int err;

	t = logbuf_tracer_open(NULL);
	if (!t) {
		perror("ftrace_log: logbuf_tracer_open (is logbuf loaded?)");
		return 1;
	}
	ev = logbuf_event_new(t, "ftrace_log",
			      "u32 step; u32 steps; char text[]");
	if (!ev) {
		perror("ftrace_log: logbuf_event_new");
		return 1;
	}
	for (i = 0; i < n; i++) {
		/* No formatting here: the numbers travel as numbers. */
		err = logbuf_emit(ev, i + 1, n, "a line from ftrace_log");
		if (err == -EAGAIN) {		/* full: the drain is kicked */
			nanosleep(&tick, NULL);
			i--;
			continue;
		}
		if (err) {
			fprintf(stderr, "ftrace_log: emit: %s\n", strerror(-err));
			return 1;
		}
	}
	/* The drain is asynchronous: wait (a bounded while) until it is done. */
	for (i = 0; i < 500; i++) {
		logbuf_tracer_stats(t, &st);
		if (st.records >= (unsigned long)n)
			break;
		nanosleep(&tick, NULL);
	}
	printf("%llu of %ld lines are %s events\n",
	       (unsigned long long)st.records, n, logbuf_event_name(ev));
	logbuf_tracer_close(t);
	return st.records == (unsigned long)n ? 0 : 1;
}
