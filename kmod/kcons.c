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

/*
 * One work run delivers at most this many records and walks at most this
 * many bytes of the ring (records and skips); then the work requeues
 * itself, and the worker lets others run before it comes back.  The byte
 * bound is what keeps a producer that writes nothing but 8-byte skips from
 * holding the CPU: every step of the drain is paid for by bytes it walks.
 */
#define LOGBUF_DRAIN_RECORDS	256
#define LOGBUF_DRAIN_BYTES	(256U << 10)

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
 * @tr: @tr.tracer is the tracer whose ticks drain this ring (tracer.c),
 *	or NULL: the drain is then this consumer's own work, queued by
 *	doorbells.
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
	struct logbuf_tracer_ring_ctx tr;
};

static void logbuf_deliver(struct logbuf_kring *r, struct logbuf_kcons *kc,
			   const void *data, u32 len)
{
	if (kc->tr.tracer)
		kc->tr.ops->record(r, &kc->tr, data, len);
	else if (kc->ops)
		kc->ops->record(kc->priv, r->id, data, len);
	else
		trace_logbuf_record(r->id, r->uid, data, len);
}

/*
 * No record at the head.  @gone: NO_PROD was seen (acquire) before the
 * look that found the head empty, so that look saw every commit there will
 * ever be (Documentation/userspace-api/logbuf.rst, "The last record").
 * Then step over dead claims (DRAIN_MORE: look again), or finish.  Without
 * @gone and with @arm, announce the sleep and look again: DRAIN_MORE if a
 * record came in between, else DRAIN_IDLE until the doorbell or the last
 * producer's close queues the work again.  Without @arm (a tracer's tick),
 * DRAIN_IDLE at once: the tracer arms all its rings together, and only
 * after a tick that found nothing (tracer.c).
 */
static enum logbuf_drain_next logbuf_kcons_idle(struct logbuf_kring *r,
						struct logbuf_kcons *kc,
						bool gone, bool arm)
{
	u64 head = kc->cs.head;
	s64 n;

	if (gone) {
		/* > 0 also when the look stopped at its byte bound. */
		n = __logbuf_skip_dead(&r->rv, &kc->cs,
				       READ_ONCE(r->rv.prod->tail));
		if (n > 0)
			return DRAIN_MORE;
		if (n == -ENODATA) {
			atomic64_add(kc->cs.head - head, &r->lost);
			WRITE_ONCE(r->rv.cons->lost, atomic64_read(&r->lost));
		}
		return n == -EBADMSG ? DRAIN_BROKEN : DRAIN_DONE;
	}
	if (!arm)
		return DRAIN_IDLE;
	/* Pairs with the producers' barrier in logbuf_ring_notify(). */
	logbuf_kring_set_waiting(r);
	return logbuf_kring_ready(r) > 0 ? DRAIN_MORE : DRAIN_IDLE;
}

/**
 * logbuf_kcons_drain() - deliver what the ring holds, within one budget
 * @r: a kernel-consumer ring.
 * @arm: when the ring is empty, set WAITING and look again (a doorbell
 *	ring); false for a tracer's tick: a tracer arms all its rings at
 *	once, after a tick that found nothing (tracer.c).
 * @records: out: records delivered.
 *
 * Context: process context, @r->kc->lock held, the consumer not done.
 * Return: what to do next; DRAIN_MORE when the budget ran out first.
 */
enum logbuf_drain_next logbuf_kcons_drain(struct logbuf_kring *r, bool arm,
					  unsigned int *records)
{
	enum logbuf_drain_next next = DRAIN_MORE;
	struct logbuf_kcons *kc = r->kc;
	u64 start = kc->cs.head;
	const void *data;
	u32 len, st;
	int err;

	*records = 0;
	while (next == DRAIN_MORE) {
		if (*records >= LOGBUF_DRAIN_RECORDS ||
		    kc->cs.head - start >= LOGBUF_DRAIN_BYTES)
			break;
		/*
		 * Pairs with the full barrier before NO_PROD is set in
		 * logbuf_kring_set_state(): NO_PROD seen here means every
		 * commit of every producer is visible to the look below.
		 */
		st = atomic_read_acquire(&r->kstate);
		if (st & LOGBUF_STATE_BROKEN) {
			next = DRAIN_BROKEN;
			break;
		}
		err = __logbuf_peek_max(&r->rv, &kc->cs, &data, &len,
					LOGBUF_DRAIN_BYTES);
		if (!err) {
			logbuf_deliver(r, kc, data, len);
			__logbuf_advance(&r->rv, &kc->cs);
			(*records)++;
			continue;
		}
		if (err == -EBADMSG) {
			atomic64_inc(&r->errors);
			pr_debug("ring %llu: corrupt record header\n", r->id);
			logbuf_kring_set_state(r, LOGBUF_STATE_BROKEN);
			next = DRAIN_BROKEN;
			break;
		}
		next = logbuf_kcons_idle(r, kc, st & LOGBUF_STATE_NO_PROD, arm);
	}
	__logbuf_publish_head(&r->rv, &kc->cs);
	return next;
}

/**
 * logbuf_kcons_settle() - after a drain: is this consumer finished?
 * @r: the ring.
 * @next: what logbuf_kcons_drain() returned, not DRAIN_MORE.
 *
 * Context: @r->kc->lock held.
 * Return: true if the consumer is done now; the caller then drops the
 * consumer's ring reference, after unlocking.
 */
bool logbuf_kcons_settle(struct logbuf_kring *r, enum logbuf_drain_next next)
{
	/*
	 * Done only on the evidence of a look made after NO_PROD was seen:
	 * no producer can ever commit again and nothing committed is left.
	 * (A broken ring is never read again.)
	 */
	if (next == DRAIN_DONE ||
	    (next == DRAIN_BROKEN &&
	     (atomic_read(&r->kstate) & LOGBUF_STATE_NO_PROD))) {
		r->kc->done = true;
		return true;
	}
	return false;
}

/* The kernel consumer of @r, if not done (held by the caller). */
bool logbuf_kcons_lock(struct logbuf_kring *r)
{
	mutex_lock(&r->kc->lock);
	if (!r->kc->done)
		return true;
	mutex_unlock(&r->kc->lock);
	return false;
}

void logbuf_kcons_unlock(struct logbuf_kring *r)
{
	mutex_unlock(&r->kc->lock);
}

/**
 * logbuf_kcons_drain_now() - drain a tracer's ring in the caller's context
 * @r: the ring; the caller holds a reference (its producer end).
 *
 * A producer that found its ring full drains it itself, one budget's
 * worth (LOGBUF_DRAIN_RECORDS, LOGBUF_DRAIN_BYTES), on its own CPU: under
 * overload the drain then runs on every producer's CPU, as trace_marker's
 * writes do, at one system call per budget.  If the tick holds the ring,
 * this waits for it (one budget at most) rather than have the producer
 * spin in and out of the kernel on a ring that stays full.  Whether the
 * ring is done stays the tick's to decide (logbuf_kcons_settle()).
 *
 * Context: process context; may sleep.
 */
void logbuf_kcons_drain_now(struct logbuf_kring *r)
{
	unsigned int n;

	if (!logbuf_kcons_lock(r))
		return;
	logbuf_kcons_drain(r, false, &n);
	logbuf_kcons_unlock(r);
}

/* Bytes committed or claimed past the drain's head (a hint: racy). */
u64 logbuf_kcons_backlog(struct logbuf_kring *r)
{
	return READ_ONCE(r->rv.prod->tail) - r->kc->cs.head;
}

static void logbuf_kcons_work(struct work_struct *work)
{
	struct logbuf_kcons *kc = container_of(work, struct logbuf_kcons, work);
	struct logbuf_kring *r = kc->ring;
	enum logbuf_drain_next next;
	bool finished = false;
	unsigned int records;

	if (!logbuf_kcons_lock(r))
		goto out_put;
	next = logbuf_kcons_drain(r, true, &records);
	if (next == DRAIN_MORE)
		/* Out of budget with records left: let others run, go on. */
		logbuf_kcons_kick(r);
	else
		finished = logbuf_kcons_settle(r, next);
	logbuf_kcons_unlock(r);
	if (finished)
		logbuf_kring_put(r);
out_put:
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

	if (r->kc->tr.tracer) {
		/* A tracer's ring: the tracer's tick drains it, now. */
		r->kc->tr.ops->kick(r->kc->tr.tracer);
		return;
	}

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
	if (r->kc && r->kc->tr.tracer)
		r->kc->tr.ops->put(r->kc->tr.tracer);
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

/* The tracer part of @r's kernel consumer. */
struct logbuf_tracer_ring_ctx *logbuf_kcons_tracer_ctx(struct logbuf_kring *r)
{
	return &r->kc->tr;
}
