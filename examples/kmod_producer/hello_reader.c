// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * hello_reader: the user half of the logbuf_hello example.  Creates a ring
 * whose producer is the kernel, prints its id (for insmod logbuf_hello.ko
 * ring=<id>), then prints what the kernel writes until "bye" or a timeout.
 *
 *   hello_reader [timeout seconds]   (default 60; needs the logbuf module)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <logbuf.h>

int main(int argc, char **argv)
{
	int timeout_ms = (argc > 1 ? atoi(argv[1]) : 60) * 1000;
	LOGBUF_OPTS(logbuf_dev_opts, opts, .flags = LOGBUF_CREATE_KERNEL_PROD);
	struct logbuf_info info = { .size = sizeof(info) };
	struct logbuf_receiver *rx;
	int prod_fd, cons_fd, err;
	long records = 0;
	const void *data;
	size_t len;

	err = logbuf_dev_create_opts(1 << 16, &opts, &prod_fd, &cons_fd);
	if (err) {
		fprintf(stderr, "hello_reader: /dev/logbuf: %s\n", strerror(-err));
		return 1;
	}
	if (ioctl(cons_fd, LOGBUF_IOC_INFO, &info)) {
		perror("hello_reader: LOGBUF_IOC_INFO");
		return 1;
	}
	rx = logbuf_receiver_open(cons_fd);
	close(cons_fd);
	if (!rx) {
		perror("hello_reader: logbuf_receiver_open");
		return 1;
	}
	printf("ring %llu\n", (unsigned long long)info.id);
	fflush(stdout);
	while ((err = logbuf_recv(rx, &data, &len, timeout_ms)) == 0) {
		/* Kernel records: print them as text, at most len bytes. */
		int bye = len == 3 && !memcmp(data, "bye", 3);

		printf("%.*s\n", (int)strnlen(data, len), (const char *)data);
		logbuf_recv_done(rx);
		records++;
		if (bye)
			break;
	}
	logbuf_receiver_free(rx);
	fprintf(stderr, "hello_reader: %ld records%s\n", records,
		err ? " (timed out before bye)" : "");
	return err ? 1 : 0;
}
