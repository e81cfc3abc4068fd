/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the /dev/logbuf selftests. */
#ifndef _LOGBUF_KRING_H
#define _LOGBUF_KRING_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/logbuf.h>

#define DEV		"/dev/logbuf"
#define PG		((uint64_t)sysconf(_SC_PAGESIZE))

/* LOGBUF_IOC_CREATE with @c as given; returns 0 or -errno. */
static inline int kr_create_c(struct logbuf_create *c)
{
	int dev = open(DEV, O_RDWR | O_CLOEXEC), err = 0;

	if (dev < 0)
		return -errno;
	if (ioctl(dev, LOGBUF_IOC_CREATE, c))
		err = -errno;
	close(dev);
	return err;
}

/* LOGBUF_IOC_CREATE with a full, current struct; returns 0 or -errno. */
static inline int kr_create(uint64_t cap, uint32_t flags, int *pfd, int *cfd)
{
	struct logbuf_create c = {
		.size = sizeof(c), .flags = flags, .capacity = cap,
	};
	int err = kr_create_c(&c);

	if (!err) {
		*pfd = c.prod_fd;
		*cfd = c.cons_fd;
	}
	return err;
}

static inline int kr_stats(int fd, struct logbuf_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, LOGBUF_IOC_STATS, st) ? -errno : 0;
}

/*
 * Without /dev/logbuf (the module is not loaded: a kernel tree's
 * run_tests on a machine without it) the whole program is skipped, as
 * kselftest skips one: "1..0 # SKIP", status 4, before any test runs.  A
 * device that is there but refuses us is a failure, not a skip.
 */
__attribute__((constructor)) static void kr_need_dev(void)
{
	if (access(DEV, F_OK) == 0)
		return;
	printf("TAP version 13\n1..0 # SKIP no %s: modprobe logbuf\n", DEV);
	exit(4);
}

static inline int kr_have_dev(void)
{
	return access(DEV, R_OK | W_OK) == 0;
}

#endif /* _LOGBUF_KRING_H */
