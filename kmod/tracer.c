// SPDX-License-Identifier: GPL-2.0
/*
 * Tracers: a program's typed events, one single-producer ring per thread,
 * all drained by the kernel on ticks into the trace buffer.
 *
 * The handshake without a barrier per record (model/doorbell.pml): while
 * any ring of the tracer had records at the last tick, the next tick comes
 * after tick_busy jiffies at most (sooner as rings fill: at once when a
 * ring is a quarter full or a drain ran out of budget) and nobody rings a
 * doorbell.  A tick that finds every ring empty arms them all: sets
 * WAITING, a full barrier, looks again.  A producer commits, then loads
 * WAITING with a plain load; if set, it rings (LOGBUF_IOC_DOORBELL) and the
 * next tick runs at once.  Its commit may still sit in its store buffer
 * when it loads WAITING (no barrier in between), so both sides can miss
 * each other; that is why an armed tracer keeps ticking, every
 * tick_idle_ms, instead of sleeping for good: such a record waits one slow
 * tick at most, and is never lost.
 *
 * Under overload one tick cannot keep up with many threads: a producer
 * that finds its ring full rings too, and if its ring is a quarter full or
 * more the doorbell drains that ring first, in the producer's thread
 * (logbuf_kcons_drain_now()).  The drain then runs on every producing CPU
 * at one system call per budget of records, while a program below the
 * tick's pace never enters the kernel.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <logbuf/tevent.h>
#include "logbuf.h"

static unsigned int logbuf_tick_idle_ms = 100;
module_param_named(tick_idle_ms, logbuf_tick_idle_ms, uint, 0644);
MODULE_PARM_DESC(tick_idle_ms,
		 "Milliseconds between a tracer's looks while it is idle: the bound on a record's wait (default 100, 1 .. 10000)");

/* Rings one tracer drains (threads of a program), events it declares. */
#define LOGBUF_TRACER_RINGS	1024
#define LOGBUF_TRACER_EVENTS	64
/* Longest wait between two busy ticks: rings fill faster than this. */
#define LOGBUF_TICK_BUSY_MAX	(HZ / 50 ?: 1)

/**
 * struct logbuf_tracer - a program's typed events and its threads' rings
 * @ref: the file's, and one per ring (dropped when the ring is freed).
 * @lock: @rings, writers of @ev, the tick's state; taken before any
 *	ring's consumer lock.
 * @rings: struct logbuf_tracer_ring_ctx of the rings not done yet.
 * @nr_rings: how many.
 * @nr_ev: events declared; only grows (release, after @ev[@nr_ev]).
 * @ev: the events, by number; each lives until the module goes.
 * @tick: the drain.
 * @free_work: frees the tracer once its tick cannot run any more.
 * @interval: jiffies to the next tick while busy.
 * @armed: every ring's WAITING was set after an idle tick.
 * @done: counters of the rings that are done (struct logbuf_stats).
 * @ticks: ticks run.
 * @arms: idle ticks that armed the doorbells.
 */
struct logbuf_tracer {
	struct kref ref;
	struct mutex lock;
	struct list_head rings;
	unsigned int nr_rings;
	unsigned int nr_ev;
	struct logbuf_tev_def *ev[LOGBUF_TRACER_EVENTS];
	struct delayed_work tick;
	struct work_struct free_work;
	unsigned long interval;
	bool armed;
	struct logbuf_stats done;
	u64 ticks;
	u64 arms;
};

/* Add @r's counters to @st (the consumer page is the kernel's alone). */
static void logbuf_tracer_add(struct logbuf_stats *st, struct logbuf_kring *r)
{
	st->records_consumed += READ_ONCE(r->rv.cons->records);
	st->bytes_consumed += READ_ONCE(r->rv.cons->bytes);
	st->skips += READ_ONCE(r->rv.cons->skips);
	st->full += READ_ONCE(r->rv.prod->full);
	st->doorbells += atomic64_read(&r->doorbells);
	st->wakeups += atomic64_read(&r->wakeups);
	st->errors += atomic64_read(&r->errors);
	st->lost += atomic64_read(&r->lost);
}

static unsigned long logbuf_tick_idle(void)
{
	unsigned int ms = clamp_t(unsigned int, READ_ONCE(logbuf_tick_idle_ms),
				  1, 10000);

	return max_t(unsigned long, msecs_to_jiffies(ms), 1);
}

/* Records found: the producers are awake; nobody needs to ring. */
static void logbuf_tracer_disarm(struct logbuf_tracer *t)
{
	struct logbuf_tracer_ring_ctx *c;

	if (!t->armed)
		return;
	t->armed = false;
	list_for_each_entry(c, &t->rings, node)
		logbuf_kring_test_clear_waiting(c->ring);
}

/*
 * An idle tick: set every ring's WAITING (each followed by a full barrier,
 * logbuf_kring_set_waiting()), then look at every ring again.  Return true
 * if a record came in meanwhile.  A commit this look misses was made by a
 * producer that may not have seen WAITING either (no barrier on its side):
 * the slow tick finds it (model/doorbell.pml).
 */
static bool logbuf_tracer_arm(struct logbuf_tracer *t)
{
	struct logbuf_tracer_ring_ctx *c;
	bool ready = false;

	list_for_each_entry(c, &t->rings, node)
		logbuf_kring_set_waiting(c->ring);
	t->armed = true;
	list_for_each_entry(c, &t->rings, node)
		ready |= logbuf_kring_ready(c->ring) != 0;
	return ready;
}

static void logbuf_tracer_tick(struct work_struct *work)
{
	struct logbuf_tracer *t = container_of(to_delayed_work(work),
					       struct logbuf_tracer, tick);
	struct logbuf_tracer_ring_ctx *c, *tmp;
	bool more = false, pressed = false, finished;
	enum logbuf_drain_next next;
	unsigned int n, got = 0;
	unsigned long delay;
	LIST_HEAD(done);

	mutex_lock(&t->lock);
	t->ticks++;
	list_for_each_entry_safe(c, tmp, &t->rings, node) {
		struct logbuf_kring *r = c->ring;

		if (!logbuf_kcons_lock(r))
			continue;
		if (logbuf_kcons_backlog(r) >= r->capacity / 4)
			pressed = true;
		next = logbuf_kcons_drain(r, false, &n);
		got += n;
		more |= next == DRAIN_MORE;
		finished = next != DRAIN_MORE && logbuf_kcons_settle(r, next);
		logbuf_kcons_unlock(r);
		if (finished) {
			logbuf_tracer_add(&t->done, r);
			list_move(&c->node, &done);
			t->nr_rings--;
		}
	}
	if (more || pressed) {
		delay = 0;
		t->interval = 1;
		logbuf_tracer_disarm(t);
	} else if (got) {
		delay = t->interval;
		t->interval = min_t(unsigned long, t->interval * 2,
				    LOGBUF_TICK_BUSY_MAX);
		logbuf_tracer_disarm(t);
	} else if (!t->armed) {
		t->arms++;
		delay = logbuf_tracer_arm(t) ? 0 : logbuf_tick_idle();
		t->interval = 1;
	} else {
		delay = logbuf_tick_idle();
	}
	if (t->nr_rings)
		queue_delayed_work(logbuf_wq, &t->tick, delay);
	mutex_unlock(&t->lock);
	/* The consumers' references: may free a ring, and then its tracer. */
	list_for_each_entry_safe(c, tmp, &done, node) {
		list_del_init(&c->node);
		logbuf_kring_put(c->ring);
	}
}

/**
 * logbuf_tracer_kick() - tick now (a doorbell, a ring full, a ring closed)
 * @t: the tracer; the caller holds one of its rings.
 */
static void logbuf_tracer_kick(struct logbuf_tracer *t)
{
	mod_delayed_work(logbuf_wq, &t->tick, 0);
}

static void logbuf_tracer_free_work(struct work_struct *work)
{
	struct logbuf_tracer *t = container_of(work, struct logbuf_tracer,
					       free_work);

	/* No ring is left, so nothing queues it again. */
	cancel_delayed_work_sync(&t->tick);
	kfree(t);
}

static void logbuf_tracer_release_ref(struct kref *ref)
{
	struct logbuf_tracer *t = container_of(ref, struct logbuf_tracer, ref);

	/*
	 * The last ring may be freed by the tick itself, which cannot wait
	 * for itself: free from another work item, on the workqueue the
	 * module's exit destroys (and so waits for).
	 */
	queue_work(logbuf_wq, &t->free_work);
}

static void logbuf_tracer_put(struct logbuf_tracer *t)
{
	kref_put(&t->ref, logbuf_tracer_release_ref);
}

/**
 * logbuf_tracer_record() - one record of a tracer's ring, as its event
 * @r: the ring.
 * @ctx: its tracer part.
 * @data: the record, untrusted.
 * @len: its length.
 *
 * Context: the ring's drain (its consumer lock held): the tracer's tick,
 * or the ring's producer in a doorbell (logbuf_kcons_drain_now()), which
 * does not hold the tracer's lock.  A record that does not decode is
 * counted in the ring's errors and skipped.
 */
static void logbuf_tracer_record(struct logbuf_kring *r,
				 struct logbuf_tracer_ring_ctx *ctx,
				 const void *data, u32 len)
{
	struct logbuf_tracer *t = ctx->tracer;
	/* Pairs with the release in logbuf_tracer_event(): ev[id] is set. */
	u32 nr_ev = smp_load_acquire(&t->nr_ev);
	u32 id;

	if (len < sizeof(struct logbuf_tev))
		goto bad;
	memcpy(&id, data, sizeof(id));
	if (id >= nr_ev)
		goto bad;
	if (logbuf_tev_emit(t->ev[id], ctx->pid, ctx->tid,
			    (const u8 *)data + sizeof(struct logbuf_tev),
			    len - sizeof(struct logbuf_tev)))
		goto bad;
	return;
bad:
	atomic64_inc(&r->errors);
}

/* What the kernel consumer of each of our rings calls (kcons.c). */
static const struct logbuf_drain_ops logbuf_tracer_drain_ops = {
	.record	= logbuf_tracer_record,
	.kick	= logbuf_tracer_kick,
	.put	= logbuf_tracer_put,
};

static long logbuf_tracer_ring(struct logbuf_tracer *t, void __user *uarg)
{
	struct logbuf_tracer_ring_ctx *ctx;
	struct logbuf_tracer_ring a;
	struct logbuf_kring *r;
	struct file *file;
	long err;
	int fd;

	err = logbuf_copy_in(&a, sizeof(a), uarg,
			     offsetofend(struct logbuf_tracer_ring, __pad));
	if (err)
		return err;
	if (a.flags & ~LOGBUF_CREATE_NO_CLOEXEC)
		return -EOPNOTSUPP;
	if (a.prod_fd || a.__pad || a.__reserved[0] || a.__reserved[1])
		return -EINVAL;
	if (a.capacity < PAGE_SIZE || !is_power_of_2(a.capacity) ||
	    a.capacity > min_t(u64, READ_ONCE(logbuf_max_capacity),
			       LOGBUF_MAX_CAPACITY))
		return -EINVAL;
	r = logbuf_kring_create(a.capacity, 0, LOGBUF_CREATE_KERNEL_CONS);
	if (IS_ERR(r))
		return PTR_ERR(r);
	ctx = logbuf_kcons_tracer_ctx(r);
	ctx->ops = &logbuf_tracer_drain_ops;
	ctx->ring = r;
	ctx->pid = task_tgid_nr(current);
	ctx->tid = task_pid_nr(current);
	INIT_LIST_HEAD(&ctx->node);
	file = logbuf_end_file(r, LOGBUF_ROLE_PROD, 0);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out_abandon;
	}
	fd = get_unused_fd_flags(a.flags & LOGBUF_CREATE_NO_CLOEXEC ?
				 0 : O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto out_fput;
	}
	if (put_user(fd, &((struct logbuf_tracer_ring __user *)uarg)->prod_fd)) {
		err = -EFAULT;
		goto out_fd;
	}
	mutex_lock(&t->lock);
	if (t->nr_rings >= LOGBUF_TRACER_RINGS) {
		mutex_unlock(&t->lock);
		err = -ENOSPC;
		goto out_fd;
	}
	kref_get(&t->ref);
	ctx->tracer = t;
	list_add_tail(&ctx->node, &t->rings);
	t->nr_rings++;
	mutex_unlock(&t->lock);
	fd_install(fd, file);
	logbuf_kring_put(r);
	logbuf_tracer_kick(t);
	return 0;

out_fd:
	put_unused_fd(fd);
out_fput:
	fput(file);
out_abandon:
	logbuf_kcons_abandon(r);
	logbuf_kring_put(r);
	return err;
}

static long logbuf_tracer_event(struct logbuf_tracer *t, void __user *uarg)
{
	struct logbuf_event_new a;
	struct logbuf_tev_def *d;
	unsigned int i;
	long err;

	err = logbuf_copy_in(&a, sizeof(a), uarg,
			     offsetofend(struct logbuf_event_new, full_name));
	if (err)
		return err;
	if (a.id || a.__reserved)
		return -EINVAL;
	err = logbuf_tev_declare(u64_to_user_ptr(a.name),
				 u64_to_user_ptr(a.fields),
				 u64_to_user_ptr(a.full_name), &d);
	if (err)
		return err;
	mutex_lock(&t->lock);
	for (i = 0; i < t->nr_ev && t->ev[i] != d; i++)
		;
	if (i == t->nr_ev) {
		if (i < LOGBUF_TRACER_EVENTS) {
			t->ev[i] = d;
			/*
			 * Pairs with the acquire in logbuf_tracer_record(),
			 * which reads @ev without the tracer's lock.
			 */
			smp_store_release(&t->nr_ev, i + 1);
		} else {
			err = -ENOSPC;
		}
	}
	mutex_unlock(&t->lock);
	if (!err && put_user(i, &((struct logbuf_event_new __user *)uarg)->id))
		err = -EFAULT;
	return err;
}

/*
 * LOGBUF_IOC_STATS on a tracer: its rings' counters summed, those done
 * included; @capacity is the number of rings not done, @polls the ticks,
 * @sleeps the idle ticks that armed the doorbells.
 */
static long logbuf_tracer_stats(struct logbuf_tracer *t, void __user *uarg)
{
	struct logbuf_tracer_ring_ctx *c;
	struct logbuf_stats st;

	mutex_lock(&t->lock);
	st = t->done;
	list_for_each_entry(c, &t->rings, node)
		logbuf_tracer_add(&st, c->ring);
	st.capacity = t->nr_rings;
	st.polls = t->ticks;
	st.sleeps = t->arms;
	mutex_unlock(&t->lock);
	return logbuf_copy_out(uarg, &st, sizeof(st),
			       offsetofend(struct logbuf_stats, capacity));
}

static long logbuf_tracer_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct logbuf_tracer *t = file->private_data;

	switch (cmd) {
	case LOGBUF_IOC_TRACER_RING:
		return logbuf_tracer_ring(t, (void __user *)arg);
	case LOGBUF_IOC_EVENT_NEW:
		return logbuf_tracer_event(t, (void __user *)arg);
	case LOGBUF_IOC_STATS:
		return logbuf_tracer_stats(t, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int logbuf_tracer_release(struct inode *inode, struct file *file)
{
	logbuf_tracer_put(file->private_data);
	return 0;
}

static const struct file_operations logbuf_tracer_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= logbuf_tracer_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= logbuf_tracer_release,
	.llseek		= noop_llseek,
};

/**
 * logbuf_tracer_create() - LOGBUF_IOC_TRACER: a new tracer and its fd
 * @uarg: struct logbuf_tracer_new.
 *
 * Return: 0, or a negative errno.
 */
long logbuf_tracer_create(void __user *uarg)
{
	struct logbuf_tracer_new a;
	struct logbuf_tracer *t;
	struct file *file;
	long err;
	int fd;

	err = logbuf_copy_in(&a, sizeof(a), uarg,
			     offsetofend(struct logbuf_tracer_new, __pad));
	if (err)
		return err;
	if (a.flags & ~LOGBUF_CREATE_NO_CLOEXEC)
		return -EOPNOTSUPP;
	if (a.fd || a.__pad || a.__reserved[0] || a.__reserved[1])
		return -EINVAL;
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	kref_init(&t->ref);
	mutex_init(&t->lock);
	INIT_LIST_HEAD(&t->rings);
	INIT_DELAYED_WORK(&t->tick, logbuf_tracer_tick);
	INIT_WORK(&t->free_work, logbuf_tracer_free_work);
	t->interval = 1;
	fd = get_unused_fd_flags(a.flags & LOGBUF_CREATE_NO_CLOEXEC ?
				 0 : O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto out_free;
	}
	file = anon_inode_getfile("[logbuf-tracer]", &logbuf_tracer_fops, t,
				  O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out_fd;
	}
	if (put_user(fd, &((struct logbuf_tracer_new __user *)uarg)->fd)) {
		put_unused_fd(fd);
		fput(file);	/* its release frees the tracer */
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;

out_fd:
	put_unused_fd(fd);
out_free:
	kfree(t);
	return err;
}
