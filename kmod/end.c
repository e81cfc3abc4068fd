// SPDX-License-Identifier: GPL-2.0
/*
 * The two ends of a ring, as files: mmap with per-role permissions, poll,
 * the doorbell, statistics, and disconnection on the last close.
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "logbuf.h"

/*
 * May @role write the pages [pgoff, pgoff + n) of @r?  Data pages: both
 * roles, except in overwrite rings, whose consumer only reads.
 */
static bool logbuf_may_write(struct logbuf_kring *r, u32 role,
			     unsigned long pgoff, unsigned long n)
{
	unsigned long own = role == LOGBUF_ROLE_PROD ? LOGBUF_PGOFF_PROD :
						       LOGBUF_PGOFF_CONS;

	if (pgoff >= LOGBUF_PGOFF_DATA)
		return !(r->flags & LOGBUF_RING_OVERWRITE);
	/* The producer page sits right before the data: one range. */
	if (role == LOGBUF_ROLE_PROD && pgoff == LOGBUF_PGOFF_PROD)
		return true;
	return pgoff == own && n == 1;
}

static int logbuf_end_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct logbuf_end *end = file->private_data;
	struct logbuf_kring *r = end->ring;
	unsigned long pgoff = vma->vm_pgoff, n = vma_pages(vma), i;
	int err;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (pgoff >= r->nr_pages || n > r->nr_pages - pgoff)
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (!logbuf_may_write(r, end->role, pgoff, n)) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		/* Read-only for good: mprotect(PROT_WRITE) must fail too. */
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	vm_flags_clear(vma, VM_MAYEXEC);
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	for (i = 0; i < n; i++) {
		err = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     r->pages[pgoff + i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Will the caller sleep on the queue without calling us again once it has
 * drained the ring?  Edge-triggered epoll and io_uring's poll (which asks
 * for EPOLLET unless told IORING_POLL_ADD_LEVEL) do: they come back only
 * when the queue is woken.  poll(), select() and level-triggered epoll
 * call us again before they sleep.
 */
static bool logbuf_poll_edge(poll_table *pt)
{
	return poll_requested_events(pt) & EPOLLET;
}

static __poll_t logbuf_cons_poll(struct logbuf_kring *r, poll_table *pt)
{
	__poll_t mask = 0;
	int ready;

	atomic64_inc(&r->polls);
	/*
	 * An overwrite ring is read on demand (a flight recorder): no
	 * wake-ups, and no head to look at.  Hang-ups are still reported.
	 */
	if (r->flags & LOGBUF_RING_OVERWRITE)
		return 0;
	/*
	 * WAITING is raised only on the way to sleeping: when the ring
	 * looks empty, or for an edge-triggered waiter, which will sleep
	 * after draining without asking us again (the flag must be up
	 * before we report POLLIN).  A level-triggered caller told POLLIN
	 * is awake and draining: raising WAITING for it would make the next
	 * producer wake a consumer that is not asleep.  Records a kernel
	 * producer's wake-up policy holds back count as empty here.
	 */
	ready = logbuf_poll_edge(pt) ? 0 : logbuf_kring_ready(r);
	if (ready > 0 && !logbuf_kprod_poll_due(r))
		ready = 0;
	if (!ready) {
		/*
		 * Announce the sleep, then look: a producer that committed
		 * before seeing WAITING is caught by this look; one that
		 * commits after it sees WAITING and rings.
		 */
		logbuf_kring_set_waiting(r);
		ready = logbuf_kring_ready(r);
		if (ready > 0 && !logbuf_kprod_poll_due(r)) {
			/* Held back: a wake-up is on its way for them. */
			logbuf_kprod_poll_hold(r);
			ready = 0;
		}
		if (!ready)
			atomic64_inc(&r->sleeps);
	}
	if (ready > 0)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (ready < 0 && !(atomic_read(&r->kstate) & LOGBUF_STATE_BROKEN)) {
		atomic64_inc(&r->errors);
		pr_debug("ring %llu: corrupt header at the head\n", r->id);
		logbuf_kring_set_state(r, LOGBUF_STATE_BROKEN);
	}
	return mask;
}

static __poll_t logbuf_end_poll(struct file *file, poll_table *pt)
{
	struct logbuf_end *end = file->private_data;
	struct logbuf_kring *r = end->ring;
	__poll_t mask;
	u32 st;

	poll_wait(file, &r->wq, pt);
	if (end->role == LOGBUF_ROLE_CONS) {
		mask = logbuf_cons_poll(r, pt);
		st = atomic_read(&r->kstate);
		if (st & LOGBUF_STATE_NO_PROD)
			mask |= EPOLLHUP;
	} else {
		/* Producers never wait for room in the kernel. */
		mask = EPOLLOUT | EPOLLWRNORM;
		st = atomic_read(&r->kstate);
		if (st & LOGBUF_STATE_NO_CONS)
			mask = EPOLLERR;
	}
	if (st & LOGBUF_STATE_BROKEN)
		mask |= EPOLLERR;
	return mask;
}

static long logbuf_doorbell(struct logbuf_end *end)
{
	struct logbuf_kring *r = end->ring;
	u32 st = atomic_read(&r->kstate);

	if (end->role != LOGBUF_ROLE_PROD)
		return -EBADF;
	if (st & (LOGBUF_STATE_NO_CONS | LOGBUF_STATE_BROKEN))
		return -EPIPE;
	atomic64_inc(&r->doorbells);
	if (r->kc && logbuf_kcons_tracer_ctx(r)->tracer) {
		/*
		 * A tracer's ring rings when it saw WAITING, or when it is
		 * full: either way its tracer ticks now.  A ring a quarter
		 * full or more (the tick's own mark of pressure) is drained
		 * here first, by its producer's thread.
		 */
		if (logbuf_kring_test_clear_waiting(r))
			atomic64_inc(&r->wakeups);
		if (logbuf_kcons_backlog(r) >= r->capacity / 4)
			logbuf_kcons_drain_now(r);
		logbuf_kcons_kick(r);
	} else if (logbuf_kring_test_clear_waiting(r)) {
		atomic64_inc(&r->wakeups);
		if (r->kc)
			logbuf_kcons_kick(r);
		else
			wake_up_interruptible_poll(&r->wq,
						   EPOLLIN | EPOLLRDNORM);
	}
	return 0;
}

static long logbuf_stats(struct logbuf_end *end, void __user *uarg)
{
	struct logbuf_kring *r = end->ring;
	const struct logbuf_rv *rv = &r->rv;
	struct logbuf_stats st = {
		.state = READ_ONCE(rv->meta->state),
		.capacity = r->capacity,
		/* Untrusted copies: what user space last wrote. */
		.head = READ_ONCE(rv->cons->head),
		.tail = READ_ONCE(rv->prod->tail),
		.records_consumed = READ_ONCE(rv->cons->records),
		.bytes_consumed = READ_ONCE(rv->cons->bytes),
		.skips = READ_ONCE(rv->cons->skips),
		.full = READ_ONCE(rv->prod->full),
		.aborts = READ_ONCE(rv->prod->aborts),
		.doorbells = atomic64_read(&r->doorbells),
		.wakeups = atomic64_read(&r->wakeups),
		.polls = atomic64_read(&r->polls),
		.sleeps = atomic64_read(&r->sleeps),
		.errors = atomic64_read(&r->errors),
		.dropped = atomic64_read(&r->dropped),
		/* The kernel consumer's own count, or the user consumer's. */
		.lost = r->kc ? atomic64_read(&r->lost) :
				READ_ONCE(rv->cons->lost),
		.overwritten = atomic64_read(&r->overwritten),
	};

	return logbuf_copy_out(uarg, &st, sizeof(st),
			       offsetofend(struct logbuf_stats, capacity));
}

static long logbuf_info(struct logbuf_end *end, void __user *uarg)
{
	struct logbuf_kring *r = end->ring;
	struct logbuf_info info = {
		.role = end->role,
		.ring_flags = r->flags,
		.version = LOGBUF_VERSION,
		.capacity = r->capacity,
		.mmap_size = (u64)r->nr_pages << PAGE_SHIFT,
		.data_offset = (u64)LOGBUF_PGOFF_DATA << PAGE_SHIFT,
		.id = r->id,
	};

	logbuf_kprod_get_wakeup(r, &info.wakeup_us, &info.wakeup_bytes);
	return logbuf_copy_out(uarg, &info, sizeof(info),
			       offsetofend(struct logbuf_info, data_offset));
}

static long logbuf_end_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct logbuf_end *end = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case LOGBUF_IOC_DOORBELL:
		return logbuf_doorbell(end);
	case LOGBUF_IOC_STATS:
		return logbuf_stats(end, uarg);
	case LOGBUF_IOC_INFO:
		return logbuf_info(end, uarg);
	case LOGBUF_IOC_ATTACH:
		if (end->role != LOGBUF_ROLE_CONS || !end->ring->kp)
			return -EOPNOTSUPP;
		return logbuf_tp_ioctl(end, uarg);
	case LOGBUF_IOC_ATTACH_EVENTS:
		if (end->role != LOGBUF_ROLE_CONS || !end->ring->kp)
			return -EOPNOTSUPP;
		return logbuf_evsrc_ioctl(end, uarg);
	default:
		return -ENOTTY;
	}
}

static int logbuf_end_release(struct inode *inode, struct file *file)
{
	struct logbuf_end *end = file->private_data;

	/* Nobody reads a kernel-producer ring any more: stop its sources. */
	if (end->role == LOGBUF_ROLE_CONS && end->ring->kp) {
		logbuf_tp_detach_all(&end->src);
		logbuf_evsrc_detach(&end->src);
	}
	/* Each end is one file: its release is the last close of that end. */
	logbuf_kring_set_state(end->ring, end->role == LOGBUF_ROLE_PROD ?
				      LOGBUF_STATE_NO_PROD :
				      LOGBUF_STATE_NO_CONS);
	/* A kernel consumer drains what is left, then lets the ring go. */
	if (end->role == LOGBUF_ROLE_PROD && end->ring->kc)
		logbuf_kcons_kick(end->ring);
	logbuf_kring_put(end->ring);
	kfree(end);
	return 0;
}

const struct file_operations logbuf_end_fops = {
	.owner		= THIS_MODULE,
	.mmap		= logbuf_end_mmap,
	.poll		= logbuf_end_poll,
	.unlocked_ioctl	= logbuf_end_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= logbuf_end_release,
	.llseek		= noop_llseek,
};

/**
 * logbuf_end_file() - make the file of one end; it takes a ring reference
 * @r: the ring.
 * @role: LOGBUF_ROLE_PROD or LOGBUF_ROLE_CONS.
 * @flags: O_NONBLOCK or 0.
 *
 * Return: the file or an ERR_PTR.
 */
struct file *logbuf_end_file(struct logbuf_kring *r, u32 role, int flags)
{
	struct logbuf_end *end;
	struct file *file;

	end = kzalloc(sizeof(*end), GFP_KERNEL_ACCOUNT);
	if (!end)
		return ERR_PTR(-ENOMEM);
	end->ring = r;
	end->role = role;
	kref_get(&r->ref);
	file = anon_inode_getfile(role == LOGBUF_ROLE_PROD ? "[logbuf-prod]" :
							     "[logbuf-cons]",
				  &logbuf_end_fops, end, O_RDWR | flags);
	if (IS_ERR(file)) {
		logbuf_kring_put(r);
		kfree(end);
	}
	return file;
}
