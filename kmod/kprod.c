// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel as a ring's producer: reserve, write, submit or discard, from
 * any context (process, softirq, hardirq, NMI).  Claims are one
 * compare-and-swap on a tail that lives in kernel memory; the consumer's
 * head is read as untrusted input: a consumer that lies about it can only
 * lose or garble its own records, never make the kernel write outside the
 * data area.  When the ring is full the record is dropped and counted,
 * except in overwrite rings (logbuf/overwrite.h), where it takes the place
 * of the oldest records and the consumer is not even looked at.
 */
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include "logbuf.h"
#include "logbuf_api.h"
#include <logbuf/overwrite.h>

/**
 * struct logbuf_kprod - kernel producers' side of one ring
 * @ring: the ring.
 * @prod: the real producer words (tail); the shared page gets copies.
 * @rv: the ring view producers use: the ring's, but with @prod.
 * @head: a recent consumer head (a stale value only means less room).
 * @wake: wakes the consumer, or arms @timer, from any context.
 * @timer: wakes the consumer @wakeup_ns after the record that armed it.
 * @pend: LOGBUF_WAKE_*: the wake-up already on its way, if any.
 * @due_tail: the tail at the last wake-up: records before it are due, the
 *	consumer's poll() reports them.
 * @force: a forced wake-up is pending.
 * @wakeup_ns: the wake-up bound (0: wake at once).
 * @wakeup_bytes: unread bytes that wake at once.
 * @key: an overwrite ring's stamp key (logbuf_meta.ow_key); there @rv.prod
 *	is the shared page, whose tail is the claim position (the consumer
 *	maps it read-only), and @prod and @head are unused.
 */
struct logbuf_kprod {
	struct logbuf_kring *ring;
	struct logbuf_prod prod;
	struct logbuf_rv rv;
	u64 head;
	struct irq_work wake;
	struct hrtimer timer;
	atomic_t pend;
	atomic64_t due_tail;
	atomic_t force;
	u64 wakeup_ns;
	u32 wakeup_bytes;
	u64 key;
};

/*
 * The wake-up on its way to a parked consumer (@pend).  Producers only
 * raise it, with a compare-and-swap, and queue the irq_work on each
 * raise; the wake-up itself puts it back to IDLE.  So one irq_work per
 * sleep of the consumer, two when the ring fills up meanwhile, never one
 * per record.
 */
enum {
	LOGBUF_WAKE_IDLE,	/* none: the next record that sees WAITING raises */
	LOGBUF_WAKE_TIMED,	/* @timer is armed, or the irq_work will arm it */
	LOGBUF_WAKE_NOW,	/* the irq_work will wake the consumer */
};

static unsigned int logbuf_wakeup_us = 10000;
module_param_named(wakeup_us, logbuf_wakeup_us, uint, 0644);
MODULE_PARM_DESC(wakeup_us,
		 "Kernel-producer rings: longest a parked consumer sleeps past a record, in us (default 10000; 0: at once; at most 10 s)");

static bool logbuf_kring_overwrite(const struct logbuf_kring *r)
{
	return r->flags & LOGBUF_RING_OVERWRITE;
}

/*
 * Wake the consumer if it waits.  @pend goes back to IDLE first, with a
 * full barrier: a producer that still read the old value (and so did not
 * raise it) committed before that read, behind a full barrier of its own
 * (logbuf_kprod_notify()); the consumer woken below re-checks the ring
 * after this one, so it sees that record.  A producer that reads IDLE
 * raises a wake-up of its own.
 */
static void logbuf_kprod_do_wake(struct logbuf_kprod *kp)
{
	struct logbuf_kring *r = kp->ring;

	/* Fully ordered: pairs with smp_mb() in logbuf_kprod_notify(). */
	atomic_xchg(&kp->pend, LOGBUF_WAKE_IDLE);
	/* Before the wake-up: the woken poll reports what came until now. */
	atomic64_set(&kp->due_tail, READ_ONCE(kp->prod.tail));
	if (logbuf_kring_test_clear_waiting(r) | atomic_xchg(&kp->force, 0)) {
		atomic64_inc(&r->wakeups);
		wake_up_interruptible_poll(&r->wq, EPOLLIN | EPOLLRDNORM);
	}
}

/*
 * irq_work: hardirq context (a kernel thread on PREEMPT_RT), on the CPU
 * that queued it.  Runs after every raise of @pend: a raise that finds
 * the work already queued is seen by that run (irq_work_claim()).
 */
static void logbuf_kprod_wake(struct irq_work *work)
{
	struct logbuf_kprod *kp = container_of(work, struct logbuf_kprod, wake);

	if (atomic_read(&kp->pend) == LOGBUF_WAKE_TIMED &&
	    !atomic_read(&kp->force)) {
		/*
		 * Raised from IDLE by the first record since the last
		 * wake-up: the bound counts from about there.  The timer
		 * is idle or running its last expiry (which set IDLE
		 * before this raise): starting it again is right.
		 */
		hrtimer_start(&kp->timer,
			      ns_to_ktime(READ_ONCE(kp->wakeup_ns)),
			      HRTIMER_MODE_REL);
		return;
	}
	/* NOW (or a stale run after a wake-up): the timer has no job left. */
	hrtimer_try_to_cancel(&kp->timer);
	logbuf_kprod_do_wake(kp);
}

static enum hrtimer_restart logbuf_kprod_timer(struct hrtimer *t)
{
	logbuf_kprod_do_wake(container_of(t, struct logbuf_kprod, timer));
	return HRTIMER_NORESTART;
}

/**
 * logbuf_kprod_set_wakeup() - set a kernel-producer ring's wake-up policy
 * @r: the ring, just created (no producer yet).
 * @us: the bound, 0 .. LOGBUF_WAKEUP_MAX_US; 0 wakes at once.
 * @bytes: unread bytes that wake at once, 0 .. capacity (0: capacity / 4).
 */
void logbuf_kprod_set_wakeup(struct logbuf_kring *r, u32 us, u32 bytes)
{
	struct logbuf_kprod *kp = r->kp;

	if (!kp)
		return;
	WRITE_ONCE(kp->wakeup_ns, (u64)min_t(u32, us, LOGBUF_WAKEUP_MAX_US) *
		   NSEC_PER_USEC);
	WRITE_ONCE(kp->wakeup_bytes, bytes && bytes <= r->capacity ?
		   bytes : r->capacity / 4);
}

/**
 * logbuf_kprod_get_wakeup() - a ring's wake-up policy, for LOGBUF_IOC_INFO
 * @r: the ring.
 * @us: out: the bound in microseconds (0: at once).
 * @bytes: out: unread bytes that wake at once; 0 where nobody is woken
 *	(no kernel producer, or an overwrite ring, read on demand).
 */
void logbuf_kprod_get_wakeup(struct logbuf_kring *r, u32 *us, u32 *bytes)
{
	struct logbuf_kprod *kp = logbuf_kring_overwrite(r) ? NULL : r->kp;

	*us = kp ? div_u64(READ_ONCE(kp->wakeup_ns), NSEC_PER_USEC) : 0;
	*bytes = kp ? READ_ONCE(kp->wakeup_bytes) : 0;
}

int logbuf_kprod_new(struct logbuf_kring *r)
{
	struct logbuf_kprod *kp = kzalloc(sizeof(*kp), GFP_KERNEL_ACCOUNT);

	if (!kp)
		return -ENOMEM;
	kp->ring = r;
	kp->rv = r->rv;
	kp->rv.prod = &kp->prod;
	if (logbuf_kring_overwrite(r)) {
		/* The meta page is the kernel's: no user writes it. */
		kp->key = r->rv.meta->ow_key;
		kp->rv.prod = r->rv.prod;
	}
	init_irq_work(&kp->wake, logbuf_kprod_wake);
	hrtimer_setup(&kp->timer, logbuf_kprod_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
	r->kp = kp;
	logbuf_kprod_set_wakeup(r, READ_ONCE(logbuf_wakeup_us), 0);
	return 0;
}

/* The last reference is gone: no producer can queue the work again. */
void logbuf_kprod_free(struct logbuf_kring *r)
{
	if (!r->kp)
		return;
	/* The work arms the timer, the timer queues nothing: this order. */
	irq_work_sync(&r->kp->wake);
	hrtimer_cancel(&r->kp->timer);
	kfree(r->kp);
}

/* A record a kernel producer could not write: one more in the count. */
void logbuf_kring_drop(struct logbuf_kring *r)
{
	/* Visible to the consumer in its mapping and in the statistics. */
	WRITE_ONCE(r->rv.prod->dropped, atomic64_inc_return(&r->dropped));
}

/*
 * The consumer published a head no honest consumer can have (the tail is
 * more than a ring ahead of it).  Mark the ring broken from any context:
 * the state words are atomics, and the wake-up of the consumer's poll goes
 * through the irq_work (waking a queue takes its lock, not NMI-safe).
 */
static void logbuf_kprod_broken(struct logbuf_kring *r)
{
	if (atomic_fetch_or(LOGBUF_STATE_BROKEN, &r->kstate) &
	    LOGBUF_STATE_BROKEN)
		return;
	atomic64_inc(&r->errors);
	atomic_or(LOGBUF_STATE_BROKEN, (atomic_t *)&r->rv.meta->state);
	atomic_set(&r->kp->force, 1);
	atomic_set(&r->kp->pend, LOGBUF_WAKE_NOW);
	irq_work_queue(&r->kp->wake);
}

/**
 * logbuf_reserve() - reserve space for a record in a kernel-producer ring
 * @r: the ring (from logbuf_kring_get()).
 * @len: payload bytes, 1 .. capacity / 2 - 8 (- 16 in overwrite rings).
 * @c: out: the reservation, for logbuf_submit() or logbuf_discard().
 *
 * Lock-free: safe in any context, NMI included, and against any number of
 * concurrent producers.  A successful reservation disables preemption until
 * logbuf_submit() or logbuf_discard() (as ring_buffer_lock_reserve() does):
 * the consumer waits at the oldest open reservation, and in an overwrite
 * ring every producer drops while the oldest record is still open a lap
 * later, so a reservation must never be held across a preemption.  The
 * caller may therefore call this from preemptible context (syscall
 * tracepoints run preemptible from Linux 6.13), but must not sleep, fault
 * or block before it submits or discards.
 *
 * Return: @len writable bytes, or NULL if the record was dropped (ring
 * full, consumer gone, ring broken, or a bad @len); drops are counted.
 * Preemption is left as it was when NULL is returned.
 */
void *logbuf_reserve(struct logbuf_kring *r, u32 len, struct logbuf_kclaim *c)
{
	return __logbuf_reserve(r, len, c, true);
}
EXPORT_SYMBOL_GPL(logbuf_reserve);

/*
 * logbuf_reserve(), with the drop counted or not: a loss record that finds
 * no room is not an event lost (its count stays for the next one).
 */
void *__logbuf_reserve(struct logbuf_kring *r, u32 len,
		       struct logbuf_kclaim *c, bool count_drop)
{
	struct logbuf_kprod *kp = r->kp;
	struct logbuf_pstate ps = { 0 };
	void *data;
	int err;

	if (atomic_read(&r->kstate) &
	    (LOGBUF_STATE_NO_CONS | LOGBUF_STATE_BROKEN)) {
		if (count_drop)
			logbuf_kring_drop(r);
		return NULL;
	}
	/* Enabled again by logbuf_submit() or logbuf_discard(). */
	preempt_disable_notrace();
	if (logbuf_kring_overwrite(r)) {
		/* Never looks at the consumer: no cached head to keep. */
		err = __logbuf_ow_claim(&kp->rv, kp->key, &ps, len, &data);
		/* Also when the claim then failed: they are gone. */
		if (ps.passed)
			atomic64_add(ps.passed, &r->overwritten);
	} else {
		ps.head = READ_ONCE(kp->head);
		err = __logbuf_mpsc_claim(&kp->rv, &ps, len, &data);
		if (!err)
			WRITE_ONCE(kp->head, ps.head);
	}
	if (err) {
		preempt_enable_notrace();
		if (err == -EBADMSG)
			logbuf_kprod_broken(r);
		if (count_drop)
			logbuf_kring_drop(r);
		return NULL;
	}
	c->pos = ps.pos;
	c->len = ps.len;
	return data;
}

/*
 * Unread bytes as a parked consumer left them: our tail against the head
 * it published.  The head is the consumer's word (untrusted): a lying one
 * only changes when it is woken.
 */
static bool logbuf_kprod_urgent(struct logbuf_kprod *kp)
{
	u64 unread = READ_ONCE(kp->prod.tail) - READ_ONCE(kp->rv.cons->head);

	return !READ_ONCE(kp->wakeup_ns) ||
	       unread >= READ_ONCE(kp->wakeup_bytes);
}

/*
 * The consumer sleeps and a record is committed: make sure a wake-up is
 * on its way, at once if the ring is filling up, else within the bound.
 * Only a raise of @pend queues the irq_work: while one is on its way the
 * cost per record is one load.
 */
static void logbuf_kprod_raise(struct logbuf_kprod *kp)
{
	int old = atomic_read(&kp->pend), want, i;

	if (old == LOGBUF_WAKE_NOW)
		return;
	want = logbuf_kprod_urgent(kp) ? LOGBUF_WAKE_NOW : LOGBUF_WAKE_TIMED;
	/*
	 * A failed exchange reloads @old: a wake-up that reset it to IDLE
	 * meanwhile makes us raise again, which is what our record needs.
	 * Bounded: after a few lost races, wake at once.
	 */
	for (i = 0; i < 4 && old < want; i++) {
		if (atomic_try_cmpxchg(&kp->pend, &old, want)) {
			irq_work_queue(&kp->wake);
			return;
		}
	}
	if (old < want) {
		atomic_set(&kp->pend, LOGBUF_WAKE_NOW);
		irq_work_queue(&kp->wake);
	}
}

/**
 * logbuf_kprod_poll_due() - may the consumer's poll report what it found?
 * @r: the ring; its consumer end's poll found records at the head.
 *
 * Under a wake-up bound, records are reported to a poller once a wake-up
 * came after them (they lie before @due_tail), or when they reach the
 * fill level: a consumer that asks early sleeps until then instead of
 * taking a handful of records per system call.  (A consumer that traces
 * its own system calls would otherwise never sleep: its poll's own record
 * is always there.)  Other rings: always.
 */
bool logbuf_kprod_poll_due(struct logbuf_kring *r)
{
	struct logbuf_kprod *kp = r->kp;
	u64 head;

	if (!kp || logbuf_kring_overwrite(r))
		return true;
	/* The consumer's word: a liar only changes what it is told. */
	head = READ_ONCE(kp->rv.cons->head);
	return (s64)(atomic64_read(&kp->due_tail) - head) > 0 ||
	       logbuf_kprod_urgent(kp);
}

/**
 * logbuf_kprod_poll_hold() - the poller sleeps on records not yet due
 * @r: the ring; WAITING is already up (with its full barrier).
 *
 * Makes sure a wake-up is on its way for them, within the bound.  The
 * poller arms the timer itself (process context), on its own CPU: while
 * records keep coming the consumer wakes on its own timer and producers
 * never queue the irq_work (they find @pend raised).  Only a ring that
 * ran empty costs a producer the irq_work that arms it.
 */
void logbuf_kprod_poll_hold(struct logbuf_kring *r)
{
	struct logbuf_kprod *kp = r->kp;
	int old = LOGBUF_WAKE_IDLE;

	/*
	 * From IDLE only: a raised @pend has its irq_work or timer coming.
	 * Ours to arm, then: the irq_work arms only after a raise from IDLE
	 * by a producer, and @pend stays raised until the timer fires.
	 */
	if (atomic_try_cmpxchg(&kp->pend, &old, LOGBUF_WAKE_TIMED))
		hrtimer_start(&kp->timer, ns_to_ktime(READ_ONCE(kp->wakeup_ns)),
			      HRTIMER_MODE_REL);
}

static void logbuf_kprod_notify(struct logbuf_kring *r, u32 flags)
{
	struct logbuf_kprod *kp = r->kp;

	/*
	 * An overwrite ring is read on demand and its shared tail is the
	 * real one, moved by the claim: nothing to publish, nobody to wake.
	 */
	if (logbuf_kring_overwrite(r))
		return;
	/* For observers only: the consumer follows headers. */
	WRITE_ONCE(r->rv.prod->tail, READ_ONCE(kp->prod.tail));
	if (flags & LOGBUF_F_NO_WAKEUP)
		return;
	if (flags & LOGBUF_F_FORCE_WAKEUP) {
		atomic_set(&kp->force, 1);
		atomic_set(&kp->pend, LOGBUF_WAKE_NOW);
		irq_work_queue(&kp->wake);
		return;
	}
	/*
	 * Pairs with the barrier after setting WAITING in the consumer end's
	 * poll: either its look at the ring sees our commit, or we see
	 * WAITING.  No wake-up while the consumer is awake.  And with the
	 * exchange of @pend in logbuf_kprod_do_wake(): if we read @pend
	 * before that reset, the consumer it wakes sees our commit.
	 */
	smp_mb();
	if (!(READ_ONCE(r->rv.meta->state) & LOGBUF_STATE_WAITING))
		return;
	logbuf_kprod_raise(kp);
}

/**
 * logbuf_submit() - commit a reservation
 * @r: the ring.
 * @c: the reservation from logbuf_reserve().
 * @flags: LOGBUF_F_NO_WAKEUP or LOGBUF_F_FORCE_WAKEUP, or 0 to wake the
 *	consumer only if it sleeps.
 *
 * Enables preemption again (logbuf_reserve() disabled it).
 *
 * Context: any, NMI included.
 */
void logbuf_submit(struct logbuf_kring *r, struct logbuf_kclaim *c, u32 flags)
{
	struct logbuf_pstate ps = { .pos = c->pos, .len = c->len };

	/* The commit word is at the same place in either header. */
	__logbuf_commit(&r->kp->rv, &ps);
	/* Disabled by logbuf_reserve(). */
	preempt_enable_notrace();
	logbuf_kprod_notify(r, flags);
}
EXPORT_SYMBOL_GPL(logbuf_submit);

/**
 * logbuf_discard() - give a reservation up; it becomes a skip record
 * @r: the ring.
 * @c: the reservation from logbuf_reserve().
 * @flags: as for logbuf_submit().
 *
 * Enables preemption again (logbuf_reserve() disabled it).
 *
 * Context: any, NMI included.
 */
void logbuf_discard(struct logbuf_kring *r, struct logbuf_kclaim *c,
		    u32 flags)
{
	struct logbuf_pstate ps = { .pos = c->pos, .len = c->len };

	if (logbuf_kring_overwrite(r))
		__logbuf_ow_abort(&r->kp->rv, &ps);
	else
		__logbuf_abort(&r->kp->rv, &ps);
	/* Disabled by logbuf_reserve(). */
	preempt_enable_notrace();
	logbuf_kprod_notify(r, flags);
}
EXPORT_SYMBOL_GPL(logbuf_discard);

/**
 * logbuf_output() - reserve, copy and submit one record
 * @r: the ring.
 * @data: payload.
 * @len: its length.
 * @flags: as for logbuf_submit().
 *
 * Context: any, NMI included.
 * Return: 0, or -ENOSPC if the record was dropped (and counted).
 */
int logbuf_output(struct logbuf_kring *r, const void *data, u32 len,
		  u32 flags)
{
	struct logbuf_kclaim c;
	void *dst = logbuf_reserve(r, len, &c);

	if (!dst)
		return -ENOSPC;
	memcpy(dst, data, len);
	logbuf_submit(r, &c, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(logbuf_output);

/**
 * logbuf_kring_get() - find a kernel-producer ring by id and hold it
 * @ring_id: the ring's id (LOGBUF_IOC_INFO).
 *
 * Context: process context.
 * Return: the ring, or NULL if there is none or the kernel does not produce
 * into it.  Release with logbuf_kring_put().
 */
struct logbuf_kring *logbuf_kring_get(u64 ring_id)
{
	struct logbuf_kring *r = logbuf_kring_find(ring_id);

	if (r && !r->kp) {
		logbuf_kring_put(r);
		r = NULL;
	}
	return r;
}
EXPORT_SYMBOL_GPL(logbuf_kring_get);
