// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/logbuf: lock-free rings of variable-length records in kernel memory,
 * mapped into user space.  See Documentation/userspace-api/logbuf.rst.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <logbuf/version.h>
#include "logbuf.h"

unsigned long logbuf_max_capacity = 64UL << 20;
module_param_named(max_capacity, logbuf_max_capacity, ulong, 0644);
MODULE_PARM_DESC(max_capacity,
		 "Largest ring data area in bytes (default 64 MiB, at most 1 GiB)");

static int logbuf_check_create(const struct logbuf_create *c)
{
	u64 max = min_t(u64, READ_ONCE(logbuf_max_capacity),
			LOGBUF_MAX_CAPACITY);

	if (c->flags & ~LOGBUF_CREATE_ALL)
		return -EOPNOTSUPP;
	if (c->prod_fd || c->cons_fd || c->__reserved)
		return -EINVAL;
	if (c->capacity < PAGE_SIZE || !is_power_of_2(c->capacity) ||
	    c->capacity > max)
		return -EINVAL;
	/* A wake-up policy is for kernel producers' rings only. */
	if (!(c->flags & LOGBUF_CREATE_WAKEUP) &&
	    (c->wakeup_us || c->wakeup_bytes))
		return -EINVAL;
	if ((c->flags & LOGBUF_CREATE_WAKEUP) &&
	    (!(c->flags & LOGBUF_CREATE_KERNEL_PROD) ||
	     c->wakeup_us > LOGBUF_WAKEUP_MAX_US ||
	     c->wakeup_bytes > c->capacity))
		return -EINVAL;
	/* Somebody in user space must be at one end at least. */
	if ((c->flags & LOGBUF_CREATE_KERNEL_CONS) &&
	    (c->flags & LOGBUF_CREATE_KERNEL_PROD))
		return -EINVAL;
	/* Only kernel producers can overwrite: they never trust a reader. */
	if ((c->flags & LOGBUF_CREATE_OVERWRITE) &&
	    !(c->flags & LOGBUF_CREATE_KERNEL_PROD))
		return -EINVAL;
	return 0;
}

/* Make both end files, then publish both fds at once, or neither. */
static long logbuf_create(struct logbuf_create __user *uarg)
{
	struct file *files[2] = { NULL, NULL };
	int fds[2] = { -1, -1 }, i, fflags, oflags;
	struct logbuf_create c;
	struct logbuf_kring *r;
	u32 kends, ring_flags;
	long err;

	err = logbuf_copy_in(&c, sizeof(c), uarg, LOGBUF_CREATE_SIZE_VER0);
	if (err)
		return err;
	err = logbuf_check_create(&c);
	if (err)
		return err;

	kends = c.flags & (LOGBUF_CREATE_KERNEL_CONS | LOGBUF_CREATE_KERNEL_PROD);
	ring_flags = c.flags & LOGBUF_RING_ALL;
	if (kends & LOGBUF_CREATE_KERNEL_PROD)
		ring_flags |= LOGBUF_RING_MPSC;	/* kernel producers are many */
	if (c.flags & LOGBUF_CREATE_OVERWRITE)
		ring_flags |= LOGBUF_RING_OVERWRITE;
	r = logbuf_kring_create(c.capacity, ring_flags, kends);
	if (IS_ERR(r))
		return PTR_ERR(r);
	if (c.flags & LOGBUF_CREATE_WAKEUP)
		logbuf_kprod_set_wakeup(r, c.wakeup_us, c.wakeup_bytes);
	fflags = c.flags & LOGBUF_CREATE_NONBLOCK ? O_NONBLOCK : 0;
	oflags = c.flags & LOGBUF_CREATE_NO_CLOEXEC ? 0 : O_CLOEXEC;
	for (i = 0; i < 2; i++) {
		if ((!i && (kends & LOGBUF_CREATE_KERNEL_PROD)) ||
		    (i && (kends & LOGBUF_CREATE_KERNEL_CONS)))
			continue;	/* that end is the kernel's */
		files[i] = logbuf_end_file(r, i ? LOGBUF_ROLE_CONS :
						  LOGBUF_ROLE_PROD, fflags);
		if (IS_ERR(files[i])) {
			err = PTR_ERR(files[i]);
			files[i] = NULL;
			goto out_put;
		}
		fds[i] = get_unused_fd_flags(oflags);
		if (fds[i] < 0) {
			err = fds[i];
			goto out_put;
		}
	}
	if (put_user(fds[0], &uarg->prod_fd) ||
	    put_user(fds[1], &uarg->cons_fd)) {
		err = -EFAULT;
		goto out_put;
	}
	for (i = 0; i < 2; i++)
		if (files[i])
			fd_install(fds[i], files[i]);
	logbuf_kring_put(r);
	return 0;

out_put:
	for (i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			put_unused_fd(fds[i]);
		if (files[i])
			fput(files[i]);
	}
	if (r->kc)
		logbuf_kcons_abandon(r);
	logbuf_kring_put(r);
	return err;
}

static long logbuf_dev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	switch (cmd) {
	case LOGBUF_IOC_CREATE:
		return logbuf_create((struct logbuf_create __user *)arg);
	case LOGBUF_IOC_TRACER:
		return logbuf_tracer_create((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations logbuf_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= logbuf_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice logbuf_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "logbuf",
	.fops	= &logbuf_dev_fops,
	.mode	= 0666,
	.groups	= logbuf_dev_groups,
};

/* Kernel consumers drain here; destroying it at exit waits for them. */
struct workqueue_struct *logbuf_wq;

static int __init logbuf_init(void)
{
	int err;

	/* Per-CPU: each ring's drain stays on the CPU that created it. */
	logbuf_wq = alloc_workqueue("logbuf", LOGBUF_WQ_PERCPU, 0);
	if (!logbuf_wq)
		return -ENOMEM;
	err = logbuf_tev_init();
	if (err)
		goto out_wq;
	err = logbuf_evsrc_init();
	if (err)
		goto out_tev;
	err = misc_register(&logbuf_misc);
	if (err)
		goto out_evsrc;
	return 0;

out_evsrc:
	logbuf_evsrc_exit();
out_tev:
	logbuf_tev_exit();
out_wq:
	destroy_workqueue(logbuf_wq);
	return err;
}

static void __exit logbuf_exit(void)
{
	misc_deregister(&logbuf_misc);
	/* No attachment is left: no hotplug instance either. */
	logbuf_evsrc_exit();
	destroy_workqueue(logbuf_wq);
	/* No ring, tracer or drain is left: the typed events can go. */
	logbuf_tev_exit();
}

module_init(logbuf_init);
module_exit(logbuf_exit);

MODULE_DESCRIPTION("logbuf: lock-free record rings shared with user space");
MODULE_VERSION(LOGBUF_VERSION_STRING);
MODULE_LICENSE("GPL");
