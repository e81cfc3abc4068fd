// SPDX-License-Identifier: GPL-2.0
/*
 * fill_kcons CAPACITY: make a kernel-consumer ring, fill it with 8-byte
 * records without ringing the doorbell, print its id and exit.  The last
 * close starts the kernel's final drain of the whole ring; scripts/run/vm-guest.sh
 * then tries rmmod while that drain runs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "logbuf.h"
#include "kring.h"

int main(int argc, char **argv)
{
	uint64_t cap = argc > 1 ? strtoull(argv[1], NULL, 0) : 16 << 20, n = 0;
	struct logbuf_info info = { .size = sizeof(info) };
	struct logbuf_producer *p;
	struct logbuf_ring *r;
	int pfd = -1, cfd = -1, err;

	err = kr_create(cap, LOGBUF_CREATE_KERNEL_CONS, &pfd, &cfd);
	if (err) {
		fprintf(stderr, "create: %d\n", err);
		return 1;
	}
	r = logbuf_ring_open(pfd);
	p = r ? logbuf_producer_new(r) : NULL;
	if (!p || ioctl(pfd, LOGBUF_IOC_INFO, &info)) {
		perror("open");
		return 1;
	}
	while (!logbuf_write(p, "12345678", 8))
		n++;
	printf("ring %llu: %llu records\n", (unsigned long long)info.id,
	       (unsigned long long)n);
	logbuf_producer_free(p);
	logbuf_ring_free(r);
	close(pfd);
	return n ? 0 : 1;
}
