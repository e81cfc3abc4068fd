// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* /dev/logbuf: creating kernel rings. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "logbuf.h"

int logbuf_dev_create(uint64_t capacity, uint32_t flags, int *prod_fd,
		      int *cons_fd)
{
	struct logbuf_create c = {
		.size = sizeof(c),
		.flags = flags,
		.capacity = capacity,
	};
	int dev, err = 0;

	if (!prod_fd || !cons_fd)
		return -EINVAL;
	dev = open("/dev/logbuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	if (ioctl(dev, LOGBUF_IOC_CREATE, &c))
		err = -errno;
	close(dev);
	if (err)
		return err;
	*prod_fd = c.prod_fd;
	*cons_fd = c.cons_fd;
	return 0;
}
