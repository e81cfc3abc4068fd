// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * ftrace_log: a program logging into ftrace without a system call per line.
 *
 * The ring's consumer is the kernel (LOGBUF_CREATE_KERNEL_CONS): the module
 * drains every committed record into a logbuf:logbuf_record trace event,
 * next to the kernel's own events in /sys/kernel/tracing/trace.  The
 * program writes records straight into the mapped ring; only when the
 * kernel's drain sleeps does a send ring the doorbell.
 *
 *   echo 1 > /sys/kernel/tracing/events/logbuf/logbuf_record/enable
 *   ftrace_log [lines]     (default 10; needs the logbuf module)
 *   grep logbuf_record /sys/kernel/tracing/trace
 *
 * Compare: one write(2) to /sys/kernel/tracing/trace_marker per line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <logbuf.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 10, i;
	LOGBUF_OPTS(logbuf_dev_opts, opts, .flags = LOGBUF_CREATE_KERNEL_CONS);
	struct logbuf_stats st = { .size = sizeof(st) };
	struct logbuf_sender *tx;
	int prod_fd, cons_fd, err;
	char line[80];

	err = logbuf_dev_create_opts(1 << 16, &opts, &prod_fd, &cons_fd);
	if (err) {
		fprintf(stderr, "ftrace_log: /dev/logbuf: %s\n", strerror(-err));
		return 1;
	}
	/* cons_fd is -1: the kernel is the consumer. */
	tx = logbuf_sender_open(prod_fd);
	if (!tx) {
		perror("ftrace_log: logbuf_sender_open");
		return 1;
	}
	for (i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line),
				   "ftrace_log: step %ld of %ld", i + 1, n);

		err = logbuf_send(tx, line, len);
		if (err) {
			fprintf(stderr, "ftrace_log: send: %s\n", strerror(-err));
			return 1;
		}
	}
	/* The drain is asynchronous: wait (a bounded while) until it is done. */
	for (i = 0; i < 500; i++) {
		if (ioctl(prod_fd, LOGBUF_IOC_STATS, &st) ||
		    st.records_consumed >= (unsigned long)n)
			break;
		usleep(10000);
	}
	printf("%llu of %ld lines are trace events\n",
	       (unsigned long long)st.records_consumed, n);
	logbuf_sender_free(tx);
	close(prod_fd);
	return st.records_consumed == (unsigned long)n ? 0 : 1;
}
