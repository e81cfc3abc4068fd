// SPDX-License-Identifier: GPL-2.0
/*
 * LOGBUF_IOC_TEST_PRODUCE: kernel threads on chosen CPUs produce
 * self-checking records into a kernel-producer ring, from process context or
 * from hrtimer callbacks (hardirq), for the selftests and the benchmarks.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "logbuf.h"
#include "logbuf_api.h"

#define LOGBUF_TEST_PERIOD_NS	20000	/* hardirq mode: a record per 20 us */

struct logbuf_tworker {
	struct logbuf_kring *ring;
	const struct logbuf_test_produce *args;
	struct task_struct *task;
	struct hrtimer timer;
	struct completion done;
	u32 id;
	u64 seq;
	u64 seed;
	u64 produced;
	u64 dropped;
};

static u64 logbuf_trand(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* One record: the same layout as selftests/common/testrec.h. */
static void logbuf_tproduce_one(struct logbuf_tworker *w)
{
	const struct logbuf_test_produce *a = w->args;
	u32 span = a->max_len - a->min_len + 1;
	u32 len = a->min_len + (u32)(logbuf_trand(&w->seed) % span);
	u32 seq = (u32)w->seq++, i, n = len - 16, h = 2166136261u;
	struct logbuf_kclaim c;
	u32 *hdr;
	u8 *p;

	hdr = logbuf_reserve(w->ring, len, &c);
	if (!hdr) {
		w->dropped++;
		return;
	}
	p = (u8 *)(hdr + 4);
	for (i = 0; i < n; i++) {
		p[i] = (u8)(w->id * 131 + seq * 7 + i);
		h = (h ^ p[i]) * 16777619u;
	}
	hdr[0] = w->id;
	hdr[1] = seq;
	hdr[2] = len;
	hdr[3] = h;
	logbuf_submit(w->ring, &c, 0);
	w->produced++;
}

static enum hrtimer_restart logbuf_ttimer(struct hrtimer *t)
{
	struct logbuf_tworker *w = container_of(t, struct logbuf_tworker,
						timer);

	logbuf_tproduce_one(w);
	if (w->seq >= w->args->records) {
		/* Two waiters: this worker's thread and the ioctl. */
		complete_all(&w->done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, ns_to_ktime(LOGBUF_TEST_PERIOD_NS));
	return HRTIMER_RESTART;
}

static int logbuf_tthread(void *arg)
{
	struct logbuf_tworker *w = arg;

	if (w->args->flags & LOGBUF_TEST_HARDIRQ) {
		hrtimer_start(&w->timer, ns_to_ktime(LOGBUF_TEST_PERIOD_NS),
			      HRTIMER_MODE_REL_PINNED);
		/* kthread_stop() wakes us; a completion wait would not. */
		while (!kthread_should_stop() &&
		       !wait_for_completion_timeout(&w->done, HZ / 10))
			;
		hrtimer_cancel(&w->timer);
	} else {
		while (w->seq < w->args->records && !kthread_should_stop()) {
			logbuf_tproduce_one(w);
			if (!(w->seq & 63))
				cond_resched();
		}
		complete_all(&w->done);
	}
	/* Wait to be stopped, so that the task outlives our use of it. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static int logbuf_tcheck(const struct logbuf_test_produce *a, u64 capacity)
{
	if (a->flags & ~LOGBUF_TEST_ALL)
		return -EOPNOTSUPP;
	if (a->__reserved || a->produced || a->dropped)
		return -EINVAL;
	if (!a->threads || a->threads > LOGBUF_TEST_MAX_THREADS)
		return -EINVAL;
	if (a->min_len < 16 || a->max_len < a->min_len ||
	    a->max_len > logbuf_max_len(capacity - 1))
		return -EINVAL;
	if (!a->records || a->records > (1ULL << 32))
		return -EINVAL;
	if (a->cpus && !(a->cpus & cpumask_bits(cpu_online_mask)[0]))
		return -EINVAL;
	return 0;
}

/* CPU for thread @i: the i-th online CPU in @mask (round robin), or -1. */
static int logbuf_tcpu(u64 mask, u32 i)
{
	unsigned int n = 0, cpu;

	mask &= cpumask_bits(cpu_online_mask)[0];
	if (!mask)
		return -1;
	n = hweight64(mask);
	i %= n;
	for_each_set_bit(cpu, (unsigned long *)&mask, 64)
		if (!i--)
			return cpu;
	return -1;
}

long logbuf_test_produce(struct logbuf_kring *r, void __user *uarg)
{
	struct logbuf_test_produce __user *ua = uarg;
	struct logbuf_test_produce a;
	struct logbuf_tworker *w;
	u32 i, started = 0;
	long err;

	err = logbuf_copy_in(&a, sizeof(a), uarg,
			     offsetofend(struct logbuf_test_produce, dropped));
	if (err)
		return err;
	err = logbuf_tcheck(&a, r->capacity);
	if (err)
		return err;
	w = kcalloc(a.threads, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	for (i = 0; i < a.threads; i++, started++) {
		int cpu = logbuf_tcpu(a.cpus, i);

		w[i].ring = r;
		w[i].args = &a;
		w[i].id = i;
		w[i].seed = 0x9e3779b97f4a7c15ULL * (i + 1);
		init_completion(&w[i].done);
		hrtimer_init(&w[i].timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED);
		w[i].timer.function = logbuf_ttimer;
		w[i].task = kthread_create(logbuf_tthread, &w[i],
					   "logbuf-test/%u", i);
		if (IS_ERR(w[i].task)) {
			err = PTR_ERR(w[i].task);
			break;
		}
		if (cpu >= 0)
			kthread_bind(w[i].task, cpu);
		wake_up_process(w[i].task);
	}
	for (i = 0; i < started; i++) {
		if (!err && wait_for_completion_interruptible(&w[i].done))
			err = -EINTR;	/* stop them all below */
	}
	for (i = 0; i < started; i++) {
		kthread_stop(w[i].task);
		a.produced += w[i].produced;
		a.dropped += w[i].dropped;
	}
	kfree(w);
	if (!err && (put_user(a.produced, &ua->produced) ||
		     put_user(a.dropped, &ua->dropped)))
		err = -EFAULT;
	return err;
}
