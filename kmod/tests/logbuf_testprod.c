// SPDX-License-Identifier: GPL-2.0
/*
 * logbuf_testprod: kernel threads on chosen CPUs produce self-checking
 * records into a kernel-producer ring through logbuf's exported API
 * (logbuf_reserve()/logbuf_submit()/logbuf_discard()/logbuf_output(), with
 * the wake-up flags), from process context or from hrtimer callbacks
 * (hardirq).  For the selftests and benchmarks only: /dev/logbuf-test is
 * root's (0600, and CAP_SYS_ADMIN is checked), every count, length and
 * duration is bounded, and the threads stop on a signal to the caller.
 */
#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "../logbuf_api.h"
#include "testprod.h"

#define TESTPROD_PERIOD_NS	20000	/* hardirq mode: a record per 20 us */

struct tworker {
	struct logbuf_kring *ring;
	const struct logbuf_test_produce *args;
	struct task_struct *task;
	struct hrtimer timer;
	struct completion done;
	u32 id;
	u32 submit_flags;
	u64 seq;
	u64 seed;
	u64 produced;
	u64 dropped;
	u64 discarded;
	u8 buf[LOGBUF_TEST_IRQ_MAX_LEN];	/* logbuf_output() source */
};

static u64 trand(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* The payload of selftests/common/testrec.h into @p (@len bytes). */
static void tfill(u32 *hdr, u32 id, u32 seq, u32 len)
{
	u8 *p = (u8 *)(hdr + 4);
	u32 i, n = len - 16, h = 2166136261u;

	for (i = 0; i < n; i++) {
		p[i] = (u8)(id * 131 + seq * 7 + i);
		h = (h ^ p[i]) * 16777619u;
	}
	hdr[0] = id;
	hdr[1] = seq;
	hdr[2] = len;
	hdr[3] = h;
}

static void tproduce_one(struct tworker *w)
{
	const struct logbuf_test_produce *a = w->args;
	u32 span = a->max_len - a->min_len + 1;
	u32 len = a->min_len + (u32)(trand(&w->seed) % span);
	u32 seq = (u32)w->seq++;
	struct logbuf_kclaim c;
	u32 *hdr;

	if ((a->flags & LOGBUF_TEST_OUTPUT) && len <= sizeof(w->buf)) {
		tfill((u32 *)w->buf, w->id, seq, len);
		if (logbuf_output(w->ring, w->buf, len, w->submit_flags))
			w->dropped++;
		else
			w->produced++;
		return;
	}
	hdr = logbuf_reserve(w->ring, len, &c);
	if (!hdr) {
		w->dropped++;
		return;
	}
	tfill(hdr, w->id, seq, len);
	if (a->discard_every && !(w->seq % a->discard_every)) {
		logbuf_discard(w->ring, &c, w->submit_flags);
		w->discarded++;
		return;
	}
	logbuf_submit(w->ring, &c, w->submit_flags);
	w->produced++;
}

static enum hrtimer_restart ttimer(struct hrtimer *t)
{
	struct tworker *w = container_of(t, struct tworker, timer);

	tproduce_one(w);
	if (w->seq >= w->args->records) {
		/* Two waiters: this worker's thread and the ioctl. */
		complete_all(&w->done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, ns_to_ktime(TESTPROD_PERIOD_NS));
	return HRTIMER_RESTART;
}

static int tthread(void *arg)
{
	struct tworker *w = arg;

	if (w->args->flags & LOGBUF_TEST_HARDIRQ) {
		hrtimer_start(&w->timer, ns_to_ktime(TESTPROD_PERIOD_NS),
			      HRTIMER_MODE_REL_PINNED);
		/* kthread_stop() wakes us; a completion wait would not. */
		while (!kthread_should_stop() &&
		       !wait_for_completion_timeout(&w->done, HZ / 10))
			;
		hrtimer_cancel(&w->timer);
	} else {
		while (w->seq < w->args->records && !kthread_should_stop()) {
			tproduce_one(w);
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

static int tcheck(const struct logbuf_test_produce *a)
{
	u32 max = a->flags & LOGBUF_TEST_HARDIRQ ? LOGBUF_TEST_IRQ_MAX_LEN :
						  LOGBUF_TEST_MAX_LEN;

	if (a->flags & ~LOGBUF_TEST_ALL)
		return -EOPNOTSUPP;
	if (a->produced || a->dropped || a->discarded)
		return -EINVAL;
	if (!a->threads || a->threads > LOGBUF_TEST_MAX_THREADS)
		return -EINVAL;
	if (a->min_len < 16 || a->max_len < a->min_len || a->max_len > max)
		return -EINVAL;
	if (!a->records || a->records > LOGBUF_TEST_MAX_RECORDS)
		return -EINVAL;
	if (a->cpus && !(a->cpus & cpumask_bits(cpu_online_mask)[0]))
		return -EINVAL;
	return 0;
}

/* CPU for thread @i: the i-th online CPU in @mask (round robin), or -1. */
static int tcpu(u64 mask, u32 i)
{
	unsigned int n, cpu;

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

static u32 tsubmit_flags(u32 flags)
{
	return (flags & LOGBUF_TEST_NO_WAKEUP ? LOGBUF_F_NO_WAKEUP : 0) |
	       (flags & LOGBUF_TEST_FORCE_WAKEUP ? LOGBUF_F_FORCE_WAKEUP : 0);
}

static long tproduce(struct logbuf_test_produce __user *ua)
{
	struct logbuf_test_produce a;
	struct logbuf_kring *r;
	struct tworker *w;
	u32 i, started = 0;
	long err = 0;
	u32 usize;

	if (get_user(usize, &ua->size))
		return -EFAULT;
	if (usize != sizeof(a))
		return -EINVAL;
	if (copy_from_user(&a, ua, sizeof(a)))
		return -EFAULT;
	err = tcheck(&a);
	if (err)
		return err;
	r = logbuf_kring_get(a.ring_id);
	if (!r)
		return -ENOENT;
	w = kvcalloc(a.threads, sizeof(*w), GFP_KERNEL);
	if (!w) {
		logbuf_kring_put(r);
		return -ENOMEM;
	}
	for (i = 0; i < a.threads; i++, started++) {
		int cpu = tcpu(a.cpus, i);

		w[i].ring = r;
		w[i].args = &a;
		w[i].id = i;
		w[i].submit_flags = tsubmit_flags(a.flags);
		w[i].seed = 0x9e3779b97f4a7c15ULL * (i + 1);
		init_completion(&w[i].done);
		hrtimer_setup(&w[i].timer, ttimer, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_PINNED);
		w[i].task = kthread_create(tthread, &w[i], "logbuf-test/%u", i);
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
		a.discarded += w[i].discarded;
	}
	kvfree(w);
	logbuf_kring_put(r);
	if (!err && (put_user(a.produced, &ua->produced) ||
		     put_user(a.dropped, &ua->dropped) ||
		     put_user(a.discarded, &ua->discarded)))
		err = -EFAULT;
	return err;
}

static long testprod_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (cmd != LOGBUF_TEST_IOC_PRODUCE)
		return -ENOTTY;
	return tproduce((struct logbuf_test_produce __user *)arg);
}

static const struct file_operations testprod_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= testprod_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice testprod_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "logbuf-test",
	.fops	= &testprod_fops,
	.mode	= 0600,
};

module_misc_device(testprod_misc);
MODULE_DESCRIPTION("logbuf selftest: kernel test producers");
MODULE_LICENSE("GPL");
