// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* /dev/logbuf: creating kernel rings. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "logbuf.h"
#include "internal.h"

static int dev_create(struct logbuf_create *c, int *prod_fd, int *cons_fd);

int logbuf_dev_create_opts(uint64_t capacity,
			   const struct logbuf_dev_opts *opts, int *prod_fd,
			   int *cons_fd)
{
	struct logbuf_create c = {
		.size = sizeof(c),
		.flags = LOGBUF_OPTS_GET(opts, flags, 0),
		.capacity = capacity,
		.wakeup_us = LOGBUF_OPTS_GET(opts, wakeup_us, 0),
		.wakeup_bytes = LOGBUF_OPTS_GET(opts, wakeup_bytes, 0),
	};
	int err = __logbuf_opts_check(opts, sizeof(*opts));

	if (!err && LOGBUF_OPTS_GET(opts, __reserved, 0))
		err = -EINVAL;
	if (err)
		return err;
	return dev_create(&c, prod_fd, cons_fd);
}

int logbuf_dev_create(uint64_t capacity, uint32_t flags, int *prod_fd,
		      int *cons_fd)
{
	struct logbuf_create c = {
		.size = sizeof(c),
		.flags = flags,
		.capacity = capacity,
	};

	return dev_create(&c, prod_fd, cons_fd);
}

static int dev_create(struct logbuf_create *c, int *prod_fd, int *cons_fd)
{
	int dev, err = 0;

	if (!prod_fd || !cons_fd)
		return -EINVAL;
	dev = open("/dev/logbuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	if (ioctl(dev, LOGBUF_IOC_CREATE, c))
		err = -errno;
	close(dev);
	if (err)
		return err;
	*prod_fd = c->prod_fd;
	*cons_fd = c->cons_fd;
	return 0;
}
