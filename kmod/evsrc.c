// SPDX-License-Identifier: GPL-2.0
/*
 * Any trace event as a source: for each event id and each chosen CPU, an
 * in-kernel perf counter of type PERF_TYPE_TRACEPOINT with a sample period
 * of 1 and PERF_SAMPLE_RAW, whose overflow handler copies the raw sample
 * (the event's fields as tracefs describes them) into the CPU's ring with
 * the lock-free producer API.  This is the way perf's own buffer receives
 * tracepoint samples, so it is safe wherever a trace event fires, NMI
 * included, and takes no lock; CPUs outside the chosen set have no counter
 * and pay nothing.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/perf_event.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include "logbuf.h"
#include "logbuf_api.h"

static DEFINE_MUTEX(logbuf_evsrc_lock);	/* attach and detach */

/**
 * struct logbuf_evsrc - trace events attached to one ring
 * @set: the rings they write into.
 * @tgid: only events of this process (0: any).
 * @tid: only events of this thread (0: any).
 * @toobig: events bigger than LOGBUF_EV_RAW_MAX (dropped).
 * @nr: counters in @ev.
 * @ev: one counter per event and CPU.
 */
struct logbuf_evsrc {
	struct logbuf_set *set;
	pid_t tgid;
	pid_t tid;
	atomic64_t toobig;
	unsigned int nr;
	struct perf_event *ev[];
};

/*
 * The overflow handler: in the context the event fired in (any, NMI
 * included), preemption disabled, perf's recursion guard held.
 */
static void logbuf_evsrc_overflow(struct perf_event *event,
				  struct perf_sample_data *data,
				  struct pt_regs *regs)
{
	struct logbuf_evsrc *src = event->overflow_handler_context;
	struct task_struct *t = current;
	struct perf_raw_record *raw;
	struct logbuf_ev_raw *e;
	struct logbuf_kring *r;
	struct logbuf_kclaim c;
	u32 size, total;

	if (!(data->sample_flags & PERF_SAMPLE_RAW) || !data->raw)
		return;
	/* Filters first: an unwanted event costs no ring space. */
	if (src->tgid && task_tgid_nr(t) != src->tgid)
		return;
	if (src->tid && task_pid_nr(t) != src->tid)
		return;
	raw = data->raw;
	size = raw->frag.size;
	/* A tracepoint's sample is one fragment; anything else is not ours. */
	if (!perf_raw_frag_last(&raw->frag) || size > LOGBUF_EV_RAW_MAX) {
		atomic64_inc(&src->toobig);
		return;
	}
	total = ALIGN(sizeof(*e) + size, 8);
	r = logbuf_set_ring(src->set);
	e = logbuf_reserve(r, total, &c);
	if (!e)
		return;
	e->ev.ts_ns = ktime_get_mono_fast_ns();
	e->ev.type = LOGBUF_EV_RAW;
	e->ev.size = total;
	e->ev.cpu = raw_smp_processor_id();
	e->ev.pid = task_pid_nr(t);
	e->ev.tgid = task_tgid_nr(t);
	e->id = event->attr.config;
	e->raw_size = size;
	memcpy(e->raw, raw->frag.data, size);
	memset(e->raw + size, 0, total - sizeof(*e) - size);
	logbuf_submit(r, &c, 0);
}

static void logbuf_evsrc_free(struct logbuf_evsrc *src)
{
	unsigned int i;

	for (i = 0; i < src->nr; i++)
		perf_event_release_kernel(src->ev[i]);
	/*
	 * A released counter is off its CPU's list, but a handler that an
	 * interrupt on that CPU found on the list may still be running with
	 * @src (the counter itself is freed by RCU).  Handlers run inside the
	 * tracepoint: wait for every reader the tracepoint machinery knows.
	 */
	if (src->nr)
		tracepoint_synchronize_unregister();
	if (src->set)
		logbuf_set_free(src->set);
	kfree(src);
}

/* Detach every event from @r (detach, or its consumer end's release). */
void logbuf_evsrc_detach(struct logbuf_kring *r)
{
	struct logbuf_evsrc *src;

	mutex_lock(&logbuf_evsrc_lock);
	src = r->evsrc;
	r->evsrc = NULL;
	mutex_unlock(&logbuf_evsrc_lock);
	if (src)
		logbuf_evsrc_free(src);
}

/* The CPUs to trace: the caller's bitmap, or every online CPU. */
static int logbuf_evsrc_cpus(const struct logbuf_attach_events *a,
			     struct cpumask *mask)
{
	unsigned int n = min_t(unsigned int, a->cpus_size,
			       BITS_TO_LONGS(nr_cpu_ids) * sizeof(long));
	u8 *bits;
	int cpu;

	if (!a->cpus) {
		if (a->cpus_size)
			return -EINVAL;
		cpumask_copy(mask, cpu_online_mask);
		return 0;
	}
	if (!a->cpus_size || a->cpus_size > 1024)
		return -EINVAL;
	bits = memdup_user(u64_to_user_ptr(a->cpus), a->cpus_size);
	if (IS_ERR(bits))
		return PTR_ERR(bits);
	cpumask_clear(mask);
	for (cpu = 0; cpu < n * 8 && cpu < nr_cpu_ids; cpu++)
		if (bits[cpu / 8] & (1U << (cpu % 8)))
			cpumask_set_cpu(cpu, mask);
	kfree(bits);
	/* No CPU at all, or one that is not online: say so. */
	if (cpumask_empty(mask) || !cpumask_subset(mask, cpu_online_mask))
		return -EINVAL;
	return 0;
}

static struct logbuf_evsrc *
logbuf_evsrc_new(struct logbuf_kring *r, const struct logbuf_attach_events *a,
		 const u32 *ids, const struct cpumask *mask)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
	};
	unsigned int i, k = 0, nr = a->nr_ids * cpumask_weight(mask);
	struct logbuf_evsrc *src;
	int cpu;

	src = kzalloc(struct_size(src, ev, nr), GFP_KERNEL_ACCOUNT);
	if (!src)
		return ERR_PTR(-ENOMEM);
	src->tgid = a->tgid;
	src->tid = a->tid;
	src->set = logbuf_set_new(r, a->ring_fds, a->nr_rings);
	if (IS_ERR(src->set)) {
		long err = PTR_ERR(src->set);

		src->set = NULL;
		kfree(src);
		return ERR_PTR(err);
	}
	for (i = 0; i < a->nr_ids; i++) {
		attr.config = ids[i];
		for_each_cpu(cpu, mask) {
			struct perf_event *ev;

			ev = perf_event_create_kernel_counter(&attr, cpu, NULL,
						logbuf_evsrc_overflow, src);
			if (IS_ERR(ev)) {
				src->nr = k;
				logbuf_evsrc_free(src);
				return ERR_CAST(ev);
			}
			src->ev[k++] = ev;
		}
	}
	src->nr = k;
	return src;
}

/* @pid as the caller sees it (its pid namespace), as the kernel sees it. */
static int logbuf_evsrc_pid(s32 pid, pid_t *global)
{
	struct pid *p;

	*global = 0;
	if (!pid)
		return 0;
	rcu_read_lock();
	p = find_vpid(pid);
	if (p)
		*global = pid_nr(p);
	rcu_read_unlock();
	return *global ? 0 : -ESRCH;
}

/**
 * logbuf_evsrc_ioctl() - LOGBUF_IOC_ATTACH_EVENTS on a kernel-producer
 *	consumer end
 * @r: the ring.
 * @uarg: struct logbuf_attach_events.
 *
 * Return: 0; -EPERM without CAP_PERFMON or CAP_SYS_ADMIN; -EBUSY if
 * events are attached already; -EINVAL for a bad count, CPU set, filter,
 * ring set, or an id that names no trace event (perf's answer); -ESRCH,
 * -EBADF, -EFAULT, -E2BIG, -ENOMEM.
 */
long logbuf_evsrc_ioctl(struct logbuf_kring *r, void __user *uarg)
{
	struct logbuf_attach_events a;
	struct logbuf_evsrc *src;
	cpumask_var_t mask;
	u32 *ids;
	long err;

	if (!perfmon_capable())
		return -EPERM;
	err = logbuf_copy_in(&a, sizeof(a), uarg,
			     offsetofend(struct logbuf_attach_events,
					 __reserved));
	if (err)
		return err;
	if (a.__reserved[0] || a.__reserved[1] || a.tgid < 0 || a.tid < 0)
		return -EINVAL;
	if (!a.nr_ids) {
		logbuf_evsrc_detach(r);
		return 0;
	}
	if (a.nr_ids > LOGBUF_EVENTS_MAX)
		return -EINVAL;
	err = logbuf_evsrc_pid(a.tgid, &a.tgid);
	if (!err)
		err = logbuf_evsrc_pid(a.tid, &a.tid);
	if (err)
		return err;
	ids = memdup_user(u64_to_user_ptr(a.ids), a.nr_ids * sizeof(*ids));
	if (IS_ERR(ids))
		return PTR_ERR(ids);
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL)) {
		kfree(ids);
		return -ENOMEM;
	}
	/* One attachment per ring; counters are made under the lock. */
	mutex_lock(&logbuf_evsrc_lock);
	if (r->evsrc) {
		err = -EBUSY;
		goto out;
	}
	/*
	 * Counters for the CPUs online now.  Not under cpus_read_lock():
	 * making a tracepoint counter registers a probe, which takes
	 * event_mutex and then the hotplug lock itself (static keys).  A CPU
	 * that goes away meanwhile gets a counter that stays idle, or fails
	 * the attach; either is safe.
	 */
	err = logbuf_evsrc_cpus(&a, mask);
	if (!err) {
		src = logbuf_evsrc_new(r, &a, ids, mask);
		err = PTR_ERR_OR_ZERO(src);
	}
	if (!err)
		r->evsrc = src;
out:
	mutex_unlock(&logbuf_evsrc_lock);
	free_cpumask_var(mask);
	kfree(ids);
	return err;
}
