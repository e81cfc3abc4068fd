// SPDX-License-Identifier: GPL-2.0
/*
 * Ring sets: where an event source's records go.  One ring, or several
 * picked by the CPU the event fires on, so that no two CPUs share a tail
 * (LOGBUF_IOC_ATTACH and LOGBUF_IOC_ATTACH_EVENTS, ring_fds).
 */
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "logbuf.h"

/**
 * logbuf_set_kprod_get() - the ring whose consumer end @fd is, if the kernel
 *	produces into it
 * @fd: a file descriptor of the caller.
 *
 * Return: the ring with a reference held (logbuf_kring_put() it), or an
 * ERR_PTR: -EBADF for no such file, -EINVAL for a file that is not the
 * consumer end of a kernel-producer ring.
 */
static struct logbuf_kring *logbuf_set_kprod_get(int fd)
{
	struct logbuf_kring *r = ERR_PTR(-EINVAL);
	struct file *file = fget(fd);
	struct logbuf_end *end;

	if (!file)
		return ERR_PTR(-EBADF);
	if (file->f_op == &logbuf_end_fops) {
		end = file->private_data;
		if (end->role == LOGBUF_ROLE_CONS && end->ring->kp) {
			r = end->ring;
			kref_get(&r->ref);
		}
	}
	fput(file);
	return r;
}

void logbuf_set_free(struct logbuf_set *set)
{
	unsigned int i;

	for (i = 0; i < set->nr; i++)
		if (set->rings[i])
			logbuf_kring_put(set->rings[i]);
	put_pid_ns(set->ns);
	kfree(set);
}

/**
 * logbuf_set_new() - the rings of an attachment
 * @r: the attaching ring.
 * @ring_fds: 0 for @r alone, or a user pointer to @nr_rings consumer-end
 *	descriptors of kernel-producer rings.
 * @nr_rings: 0 with @ring_fds 0, else 1 .. nr_cpu_ids.
 *
 * The set takes the caller's pid namespace: the ids records carry.
 *
 * Context: process context, no locks held (it looks descriptors up).
 * Return: the set, holding a reference on each ring, or an ERR_PTR:
 * -EINVAL, -EFAULT, -EBADF, -ENOMEM.
 */
struct logbuf_set *logbuf_set_new(struct logbuf_kring *r, u64 ring_fds,
				  u32 nr_rings)
{
	const int __user *ufds = u64_to_user_ptr(ring_fds);
	unsigned int i, nr = ring_fds ? nr_rings : 1;
	struct logbuf_set *set;

	if (!nr || nr > nr_cpu_ids || (!ring_fds && nr_rings))
		return ERR_PTR(-EINVAL);
	set = kzalloc(struct_size(set, rings, nr), GFP_KERNEL_ACCOUNT);
	if (!set)
		return ERR_PTR(-ENOMEM);
	set->nr = nr;
	set->ns = get_pid_ns(task_active_pid_ns(current));
	if (!ring_fds) {
		kref_get(&r->ref);
		set->rings[0] = r;
		return set;
	}
	for (i = 0; i < nr; i++) {
		struct logbuf_kring *m;
		int fd;

		if (get_user(fd, ufds + i)) {
			logbuf_set_free(set);
			return ERR_PTR(-EFAULT);
		}
		m = logbuf_set_kprod_get(fd);
		if (IS_ERR(m)) {
			logbuf_set_free(set);
			return ERR_CAST(m);
		}
		set->rings[i] = m;
	}
	return set;
}
