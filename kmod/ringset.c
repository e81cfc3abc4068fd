// SPDX-License-Identifier: GPL-2.0
/*
 * Ring sets: where an event source's records go.  One ring, or several
 * picked by the CPU the event fires on, so that no two CPUs share a tail
 * (LOGBUF_IOC_ATTACH and LOGBUF_IOC_ATTACH_EVENTS, ring_fds).  What a
 * source drops in a ring is counted here and told in the stream by loss
 * records (Documentation/userspace-api/logbuf.rst, "Loss records").
 */
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "logbuf.h"
#include "logbuf_api.h"

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

/*
 * Write one loss record with what @l counts into @r, before the event that
 * found it counted (or at the detach).  Any context.  The record is
 * reserved first, without counting a drop if there is no room: then the
 * count stays for the next try, and false tells the caller so.  Only then
 * is the count taken, with one exchange that pairs with the increments of
 * logbuf_set_lost() (any CPU, any context): each drop is in exactly one
 * record.  If another report took it between our look and our exchange,
 * the reservation becomes a skip record.
 */
static bool logbuf_set_report(struct logbuf_set *set, struct logbuf_kring *r,
			      struct logbuf_loss *l)
{
	struct logbuf_ev_loss *e;
	struct logbuf_kclaim c;
	u64 n;

	e = __logbuf_reserve(r, sizeof(*e), &c, false);
	if (!e)
		return false;
	n = atomic64_xchg(&l->count, 0);
	if (!n) {
		logbuf_discard(r, &c, 0);
		return true;
	}
	e->ev.ts_ns = ktime_get_mono_fast_ns();
	e->ev.type = LOGBUF_EV_LOSS;
	e->ev.size = sizeof(*e);
	e->ev.cpu = raw_smp_processor_id();
	e->ev.pid = 0;
	e->ev.tgid = 0;
	e->lost = n;
	/*
	 * The bounds of the drops we took; a drop that races with us may
	 * leave its first_ns to this record or ours to the next (the
	 * uapi header says so); the count above is exact either way.
	 */
	e->first_ns = atomic64_xchg(&l->first_ns, 0);
	e->last_ns = atomic64_read(&l->last_ns);
	if (!e->first_ns)
		e->first_ns = e->last_ns;
	e->source = set->source;
	e->__pad = 0;
	logbuf_submit(r, &c, 0);
	return true;
}

/* One event of the source dropped in ring @l's (the ring counted it). */
static void logbuf_set_lost(struct logbuf_loss *l)
{
	u64 now = ktime_get_mono_fast_ns();

	atomic64_cmpxchg(&l->first_ns, 0, now);
	atomic64_set(&l->last_ns, now);
	/* Pairs with the exchange in logbuf_set_report(). */
	atomic64_inc(&l->count);
}

/**
 * logbuf_set_reserve() - logbuf_reserve() for a source's event
 * @set: the source's rings.
 * @rp: out: the ring reserved in (of the CPU we run on), for the submit.
 * @len: as for logbuf_reserve().
 * @c: as for logbuf_reserve().
 *
 * The ring of the CPU we run on.  The set is written before the sources
 * that use it are registered and freed only after they are gone (the
 * tracepoint's or perf's synchronization), so a source always sees a
 * whole, live set.  A source may migrate between reading the CPU and
 * reserving (syscall tracepoints are preemptible on newer kernels): the
 * rings are multi-producer and the loss counts atomic, so that costs only
 * locality, never a record or a count.  If the source dropped events in
 * the ring before, a loss record saying so goes first; if that finds no
 * room, the event is dropped too.
 *
 * Context: any, NMI included.
 * Return: as logbuf_reserve(); a drop is counted in the ring and the set.
 */
void *logbuf_set_reserve(struct logbuf_set *set, struct logbuf_kring **rp,
			 u32 len, struct logbuf_kclaim *c)
{
	return logbuf_set_reserve_on(set, raw_smp_processor_id(), rp, len, c);
}

/* logbuf_set_reserve() in the ring of CPU @i, wherever we run. */
void *logbuf_set_reserve_on(struct logbuf_set *set, unsigned int i,
			    struct logbuf_kring **rp, u32 len,
			    struct logbuf_kclaim *c)
{
	struct logbuf_kring *r;
	struct logbuf_loss *l;
	void *e;

	if (unlikely(i >= set->nr))
		i %= set->nr;
	r = set->rings[i];
	l = &set->loss[i];
	*rp = r;
	if (unlikely(atomic64_read(&l->count)) &&
	    !logbuf_set_report(set, r, l)) {
		logbuf_kring_drop(r);
		logbuf_set_lost(l);
		return NULL;
	}
	e = logbuf_reserve(r, len, c);
	if (unlikely(!e))
		logbuf_set_lost(l);
	return e;
}

/*
 * Free @set once no source writes with it; what it still counts goes into
 * a last loss record in each ring that has room for one.
 */
void logbuf_set_free(struct logbuf_set *set)
{
	unsigned int i;

	for (i = 0; i < set->nr; i++) {
		if (!set->rings[i])
			continue;
		if (set->loss && atomic64_read(&set->loss[i].count))
			logbuf_set_report(set, set->rings[i], &set->loss[i]);
		logbuf_kring_put(set->rings[i]);
	}
	put_pid_ns(set->ns);
	kfree(set->loss);
	kfree(set);
}

/**
 * logbuf_set_new() - the rings of an attachment
 * @r: the attaching ring.
 * @ring_fds: 0 for @r alone, or a user pointer to @nr_rings consumer-end
 *	descriptors of kernel-producer rings.
 * @nr_rings: 0 with @ring_fds 0, else 1 .. nr_cpu_ids.
 * @source: struct logbuf_ev_loss.source of the set's loss records.
 *
 * The set takes the caller's pid namespace: the ids records carry.
 *
 * Context: process context, no locks held (it looks descriptors up).
 * Return: the set, holding a reference on each ring, or an ERR_PTR:
 * -EINVAL, -EFAULT, -EBADF, -ENOMEM.
 */
struct logbuf_set *logbuf_set_new(struct logbuf_kring *r, u64 ring_fds,
				  u32 nr_rings, u32 source)
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
	set->source = source;
	set->ns = get_pid_ns(task_active_pid_ns(current));
	set->loss = kcalloc(nr, sizeof(*set->loss), GFP_KERNEL_ACCOUNT);
	if (!set->loss) {
		logbuf_set_free(set);
		return ERR_PTR(-ENOMEM);
	}
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
