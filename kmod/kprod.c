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
#include <linux/irq_work.h>
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
 * @wake: wakes the consumer from any context.
 * @force: a forced wake-up is pending.
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
	atomic_t force;
	u64 key;
};

static bool logbuf_kring_overwrite(const struct logbuf_kring *r)
{
	return r->flags & LOGBUF_RING_OVERWRITE;
}

/* irq_work: hardirq context, on the CPU that queued it. */
static void logbuf_kprod_wake(struct irq_work *work)
{
	struct logbuf_kprod *kp = container_of(work, struct logbuf_kprod, wake);
	struct logbuf_kring *r = kp->ring;

	if (logbuf_kring_test_clear_waiting(r) | atomic_xchg(&kp->force, 0)) {
		atomic64_inc(&r->wakeups);
		wake_up_interruptible_poll(&r->wq, EPOLLIN | EPOLLRDNORM);
	}
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
	r->kp = kp;
	return 0;
}

void logbuf_kprod_free(struct logbuf_kring *r)
{
	if (!r->kp)
		return;
	irq_work_sync(&r->kp->wake);
	kfree(r->kp);
}

static void logbuf_kprod_drop(struct logbuf_kring *r)
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
	struct logbuf_kprod *kp = r->kp;
	struct logbuf_pstate ps = { 0 };
	void *data;
	int err;

	if (atomic_read(&r->kstate) &
	    (LOGBUF_STATE_NO_CONS | LOGBUF_STATE_BROKEN)) {
		logbuf_kprod_drop(r);
		return NULL;
	}
	/* Enabled again by logbuf_submit() or logbuf_discard(). */
	preempt_disable_notrace();
	if (logbuf_kring_overwrite(r)) {
		/* Never looks at the consumer: no cached head to keep. */
		err = __logbuf_ow_claim(&kp->rv, kp->key, &ps, len, &data);
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
		logbuf_kprod_drop(r);
		return NULL;
	}
	c->pos = ps.pos;
	c->len = ps.len;
	return data;
}
EXPORT_SYMBOL_GPL(logbuf_reserve);

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
		irq_work_queue(&kp->wake);
		return;
	}
	/*
	 * Pairs with the barrier after setting WAITING in the consumer end's
	 * poll: either its look at the ring sees our commit, or we see
	 * WAITING.  No wake-up while the consumer is awake.
	 */
	smp_mb();
	if (READ_ONCE(r->rv.meta->state) & LOGBUF_STATE_WAITING)
		irq_work_queue(&kp->wake);
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
