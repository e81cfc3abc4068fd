// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel as a ring's consumer: user space produces, a work item drains
 * the ring in batches into a sink (the logbuf:logbuf_record trace event, or
 * a callback another module attached), and sleeps when the ring is empty.
 *
 * The drain reads shared memory through the same __logbuf_peek() as user
 * consumers, which bounds every header it follows; a header no producer
 * could have written marks the ring broken and stops the drain.
 */
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "logbuf.h"
#include "logbuf_api.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Records per work run; then the work requeues itself and lets others run. */
#define LOGBUF_DRAIN_BUDGET	256

/**
 * struct logbuf_kcons - the kernel consumer of one ring
 * @ring: the ring; the consumer holds a reference until it is done.
 * @work: the drain, on logbuf_wq.
 * @lock: serialises the drain and changes of the sink.
 * @cs: consumer state; the head here is the only one the kernel trusts.
 * @ops: attached sink, or NULL for the trace event.
 * @priv: its argument.
 * @done: the ring reference of the consumer was dropped.
 * @cpu: the CPU the drain runs on while it is online, so that a ring's
 *	trace events stay in one per-CPU trace buffer, in ring order.
 */
struct logbuf_kcons {
	struct logbuf_kring *ring;
	struct work_struct work;
	struct mutex lock;
	struct logbuf_cstate cs;
	const struct logbuf_sink_ops *ops;
	void *priv;
	bool done;
	int cpu;
};

static void logbuf_deliver(struct logbuf_kring *r, struct logbuf_kcons *kc,
			   const void *data, u32 len)
{
	if (kc->ops)
		kc->ops->record(kc->priv, r->id, data, len);
	else
		trace_logbuf_record(r->id, data, len);
}

/*
 * No record at the head.  With producers gone, step over dead claims (true:
 * look again).  Else announce the sleep and look again (true: a record came
 * in between, so go on draining; false: sleep until the doorbell).
 */
static bool logbuf_kcons_idle(struct logbuf_kring *r, struct logbuf_kcons *kc)
{
	u64 head = kc->cs.head;
	s64 n;

	if (atomic_read(&r->kstate) & LOGBUF_STATE_NO_PROD) {
		n = __logbuf_skip_dead(&r->rv, &kc->cs,
				       READ_ONCE(r->rv.prod->tail));
		if (n > 0)
			return true;
		if (n == -ENODATA) {
			atomic64_add(kc->cs.head - head, &r->lost);
			WRITE_ONCE(r->rv.cons->lost, atomic64_read(&r->lost));
		}
		return false;
	}
	/* Pairs with the producers' barrier in logbuf_ring_notify(). */
	logbuf_kring_set_waiting(r);
	return logbuf_kring_ready(r) > 0;
}

enum logbuf_drain_next { DRAIN_MORE, DRAIN_IDLE, DRAIN_STOP };

static void logbuf_kcons_work(struct work_struct *work)
{
	struct logbuf_kcons *kc = container_of(work, struct logbuf_kcons, work);
	enum logbuf_drain_next next = DRAIN_MORE;
	struct logbuf_kring *r = kc->ring;
	bool finished = false;
	const void *data;
	int budget, err;
	u32 len;

	mutex_lock(&kc->lock);
	if (kc->done)
		goto out_unlock;
	for (budget = LOGBUF_DRAIN_BUDGET; budget; budget--) {
		if (atomic_read(&r->kstate) & LOGBUF_STATE_BROKEN) {
			next = DRAIN_STOP;
			break;
		}
		err = __logbuf_peek(&r->rv, &kc->cs, &data, &len);
		if (!err) {
			logbuf_deliver(r, kc, data, len);
			__logbuf_advance(&r->rv, &kc->cs);
			continue;
		}
		if (err == -EBADMSG) {
			atomic64_inc(&r->errors);
			pr_debug("ring %llu: corrupt record header\n", r->id);
			logbuf_kring_set_state(r, LOGBUF_STATE_BROKEN);
			next = DRAIN_STOP;
			break;
		}
		if (!logbuf_kcons_idle(r, kc)) {
			next = DRAIN_IDLE;
			break;
		}
	}
	__logbuf_publish_head(&r->rv, &kc->cs);
	if (next == DRAIN_MORE) {
		/* Out of budget with records left: let others run, go on. */
		logbuf_kcons_kick(r);
	} else if (atomic_read(&r->kstate) & LOGBUF_STATE_NO_PROD) {
		/* No producer can ever write again: the consumer is done. */
		kc->done = true;
		finished = true;
	}
out_unlock:
	mutex_unlock(&kc->lock);
	if (finished)
		logbuf_kring_put(r);
	/* This run's reference (logbuf_kcons_kick()); may free the ring. */
	logbuf_kring_put(r);
}

/**
 * logbuf_kcons_kick() - make the drain run (doorbell, last producer gone)
 * @r: a kernel-consumer ring; the caller holds a reference.
 *
 * A queued run holds a ring reference of its own, so the ring (and the
 * work item inside it) cannot be freed while a run is pending.
 */
void logbuf_kcons_kick(struct logbuf_kring *r)
{
	int cpu = r->kc->cpu;
	bool queued;

	kref_get(&r->ref);
	if (cpu_online(cpu))
		queued = queue_work_on(cpu, logbuf_wq, &r->kc->work);
	else
		queued = queue_work(logbuf_wq, &r->kc->work);
	if (!queued)
		logbuf_kring_put(r);	/* already pending: not the last */
}

/**
 * logbuf_kcons_new() - make @r's kernel consumer; it takes a ring reference
 * @r: the new ring.
 *
 * Return: 0 or -ENOMEM.
 */
int logbuf_kcons_new(struct logbuf_kring *r)
{
	struct logbuf_kcons *kc = kzalloc(sizeof(*kc), GFP_KERNEL_ACCOUNT);

	if (!kc)
		return -ENOMEM;
	kc->ring = r;
	kc->cpu = raw_smp_processor_id();
	mutex_init(&kc->lock);
	INIT_WORK(&kc->work, logbuf_kcons_work);
	kref_get(&r->ref);
	r->kc = kc;
	return 0;
}

/* Free the consumer of a ring being freed (its work cannot be queued). */
void logbuf_kcons_free(struct logbuf_kring *r)
{
	kfree(r->kc);
}

/* Drop the consumer's reference of a ring that never went live. */
void logbuf_kcons_abandon(struct logbuf_kring *r)
{
	bool put;

	mutex_lock(&r->kc->lock);
	put = !r->kc->done;
	r->kc->done = true;
	mutex_unlock(&r->kc->lock);
	if (put)
		logbuf_kring_put(r);
}

/* The kernel-consumer ring @ring_id, held; NULL with *@err if none. */
static struct logbuf_kring *logbuf_kcons_ring(u64 ring_id, int *err)
{
	struct logbuf_kring *r = logbuf_kring_find(ring_id);

	*err = r ? 0 : -ENOENT;
	if (r && !r->kc) {
		logbuf_kring_put(r);
		*err = -EINVAL;
		r = NULL;
	}
	return r;
}

/**
 * logbuf_sink_attach() - send a kernel-consumer ring's records to @ops
 * @ring_id: the ring (LOGBUF_IOC_INFO's id).
 * @ops: the sink; must stay valid until logbuf_sink_detach() returns.
 * @priv: passed to @ops->record.
 *
 * Context: process context.
 * Return: 0; -ENOENT no such ring; -EINVAL the kernel does not consume it;
 * -EBUSY another sink is attached.
 */
int logbuf_sink_attach(u64 ring_id, const struct logbuf_sink_ops *ops,
		       void *priv)
{
	struct logbuf_kring *r;
	int err;

	r = logbuf_kcons_ring(ring_id, &err);
	if (!r)
		return err;
	mutex_lock(&r->kc->lock);
	if (r->kc->ops) {
		err = -EBUSY;
	} else {
		r->kc->priv = priv;
		r->kc->ops = ops;
	}
	mutex_unlock(&r->kc->lock);
	if (!err)
		logbuf_kcons_kick(r);
	logbuf_kring_put(r);
	return err;
}
EXPORT_SYMBOL_GPL(logbuf_sink_attach);

/**
 * logbuf_sink_detach() - send the ring's records to the trace event again
 * @ring_id: the ring.
 *
 * When it returns, the sink is not running and will not be called again.
 * Context: process context.
 * Return: 0, -ENOENT (no such ring, or no sink attached), -EINVAL.
 */
int logbuf_sink_detach(u64 ring_id)
{
	struct logbuf_kring *r;
	int err;

	r = logbuf_kcons_ring(ring_id, &err);
	if (!r)
		return err;
	mutex_lock(&r->kc->lock);
	if (!r->kc->ops)
		err = -ENOENT;
	r->kc->ops = NULL;
	r->kc->priv = NULL;
	mutex_unlock(&r->kc->lock);
	logbuf_kring_put(r);
	return err;
}
EXPORT_SYMBOL_GPL(logbuf_sink_detach);
