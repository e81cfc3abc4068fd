// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * xproc_ring: a ring between two processes through /dev/logbuf.
 *
 * The parent creates a ring in kernel memory and forks.  The child keeps
 * the producer end and sends numbered lines; the parent keeps the consumer
 * end, parks in logbuf_recv() while nothing is there, and sees the child
 * leave (-EPIPE) once everything it sent was received.  No system call per
 * record on either side while the ring has room and records.
 *
 *   xproc_ring [records]   (default 100000; needs the logbuf module)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <logbuf.h>

static int child(int prod_fd, long n)
{
	struct logbuf_sender *tx = logbuf_sender_open(prod_fd);
	char line[64];
	long i;

	close(prod_fd);		/* the sender holds its own reference */
	if (!tx) {
		perror("xproc_ring: logbuf_sender_open");
		return 1;
	}
	for (i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line), "line %ld from pid %d",
				   i, (int)getpid());
		int err = logbuf_send(tx, line, len);

		if (err) {
			fprintf(stderr, "xproc_ring: send: %s\n", strerror(-err));
			return 1;
		}
	}
	logbuf_sender_free(tx);	/* the last sender: the receiver sees EPIPE */
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 100000, got = 0;
	LOGBUF_OPTS(logbuf_dev_opts, opts, .flags = 0);
	struct logbuf_receiver *rx;
	int prod_fd, cons_fd, err, status;
	const void *data;
	char want[64];
	size_t len;
	pid_t pid;

	err = logbuf_dev_create_opts(1 << 16, &opts, &prod_fd, &cons_fd);
	if (err) {
		fprintf(stderr, "xproc_ring: /dev/logbuf: %s%s\n", strerror(-err),
			err == -ENOENT ? " (is the logbuf module loaded?)" : "");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("xproc_ring: fork");
		return 1;
	}
	if (pid == 0) {
		close(cons_fd);
		_exit(child(prod_fd, n));
	}
	close(prod_fd);		/* else the producer end never closes */
	rx = logbuf_receiver_open(cons_fd);
	close(cons_fd);
	if (!rx) {
		perror("xproc_ring: logbuf_receiver_open");
		return 1;
	}
	while ((err = logbuf_recv(rx, &data, &len, 5000)) == 0) {
		int wlen = snprintf(want, sizeof(want), "line %ld from pid %d",
				    got, (int)pid);

		if (len != (size_t)wlen || memcmp(data, want, len)) {
			fprintf(stderr, "xproc_ring: record %ld: '%.*s'\n", got,
				(int)len, (const char *)data);
			return 1;
		}
		logbuf_recv_done(rx);
		got++;
	}
	logbuf_receiver_free(rx);
	waitpid(pid, &status, 0);
	printf("received %ld of %ld lines in order; sender gone: %s\n", got, n,
	       err == -EPIPE ? "yes" : strerror(-err));
	return !(err == -EPIPE && got == n && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0);
}
