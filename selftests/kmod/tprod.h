/* SPDX-License-Identifier: GPL-2.0 */
/* Driving logbuf_testprod (kmod/tests/logbuf_testprod.c) from a selftest. */
#ifndef _LOGBUF_TPROD_H
#define _LOGBUF_TPROD_H

#include "kring.h"
#include "../../kmod/tests/testprod.h"

static inline int have_testprod(void)
{
	return !access(LOGBUF_TEST_DEV, R_OK | W_OK);
}

static inline uint64_t ring_id(int fd)
{
	struct logbuf_info info = { .size = sizeof(info) };

	return ioctl(fd, LOGBUF_IOC_INFO, &info) ? 0 : info.id;
}

/* Run the test module's producers on the ring of @cfd; 0 or -errno. */
static inline int produce(int cfd, struct logbuf_test_produce *a)
{
	int dev = open(LOGBUF_TEST_DEV, O_RDWR | O_CLOEXEC), err = 0;

	if (dev < 0)
		return -errno;
	a->size = sizeof(*a);
	a->ring_id = ring_id(cfd);
	if (ioctl(dev, LOGBUF_TEST_IOC_PRODUCE, a))
		err = -errno;
	close(dev);
	return err;
}

#endif /* _LOGBUF_TPROD_H */
