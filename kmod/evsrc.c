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
 *
 * Filter expressions (tracefs syntax) come from a trace instance the caller
 * names: the kernel compiles what is written to the instance's
 * events/<system>/<event>/filter, and the handler runs it on the raw
 * sample with filter_match_preds(), as perf's own tracepoint filter does.
 * The kernel exports no other way to compile a filter.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/perf_event.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/trace_events.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include "logbuf.h"
#include "logbuf_api.h"

static DEFINE_MUTEX(logbuf_evsrc_lock);	/* attach and detach */

struct logbuf_evsrc;

/**
 * struct logbuf_evctx - one event of an attachment: its counters' context
 * @src: the attachment.
 * @file: the event's file in the caller's trace instance, whose filter
 *	applies; NULL without an instance.  Held with trace_get_event_file().
 */
struct logbuf_evctx {
	struct logbuf_evsrc *src;
	struct trace_event_file *file;
};

/**
 * struct logbuf_evsrc - trace events attached to one ring
 * @set: the rings they write into.
 * @tgid: only events of this process (0: any).
 * @tid: only events of this thread (0: any).
 * @toobig: events bigger than LOGBUF_EV_RAW_MAX (dropped).
 * @ctx: one per event id.
 * @nr_ids: entries in @ctx.
 * @nr: counters in @ev.
 * @ev: one counter per event and CPU.
 */
struct logbuf_evsrc {
	struct logbuf_set *set;
	pid_t tgid;
	pid_t tid;
	atomic64_t toobig;
	struct logbuf_evctx *ctx;
	unsigned int nr_ids;
	unsigned int nr;
	struct perf_event *ev[];
};

/*
 * The instance's filter for the event, if one is set: as ftrace's own
 * event_trigger_unlock_commit() checks it.  A filter that is replaced is
 * freed after tracepoint_synchronize_unregister(), which waits for us: we
 * run with preemption disabled.
 */
static bool logbuf_evsrc_filtered_out(struct trace_event_file *file,
				      void *rec)
{
	struct event_filter *filter;

	if (!file || !(READ_ONCE(file->flags) & EVENT_FILE_FL_FILTERED))
		return false;
	filter = rcu_dereference_sched(file->filter);
	return filter && !filter_match_preds(filter, rec);
}

/*
 * The overflow handler: in the context the event fired in (any, NMI
 * included), preemption disabled, perf's recursion guard held.
 */
static void logbuf_evsrc_overflow(struct perf_event *event,
				  struct perf_sample_data *data,
				  struct pt_regs *regs)
{
	struct logbuf_evctx *ctx = event->overflow_handler_context;
	struct logbuf_evsrc *src = ctx->src;
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
	if (logbuf_evsrc_filtered_out(ctx->file, raw->frag.data))
		return;
	total = ALIGN(sizeof(*e) + size, 8);
	e = logbuf_set_reserve(src->set, &r, total, &c);
	if (!e)
		return;
	e->ev.ts_ns = ktime_get_mono_fast_ns();
	e->ev.type = LOGBUF_EV_RAW;
	e->ev.size = total;
	e->ev.cpu = raw_smp_processor_id();
	e->ev.pid = logbuf_set_pid(src->set, t);
	e->ev.tgid = logbuf_set_tgid(src->set, t);
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
	for (i = 0; src->ctx && i < src->nr_ids; i++)
		if (src->ctx[i].file)
			trace_put_event_file(src->ctx[i].file);
	kfree(src->ctx);
	if (src->set)
		logbuf_set_free(src->set);
	kfree(src);
}

/*
 * The event's file in trace instance @instance, named from the counter's
 * event (perf found it by id).  The instance and the event stay while we
 * hold the file.
 */
/*
 * May the caller use the event in the instance?  Only if it may write the
 * event's filter file there, as tracefs shows it to the caller at
 * /sys/kernel/tracing: the lookup runs as the caller (its mounts, its
 * credentials), so a caller who may not look inside tracefs pins nothing
 * and learns nothing about which instances exist (-EACCES for any name).
 * Nobody else has a say in the filter the handler runs.
 */
static int logbuf_evsrc_may_use(const char *instance, const char *system,
				const char *event)
{
	struct path path;
	char *name;
	int err;

	name = kasprintf(GFP_KERNEL,
			 "/sys/kernel/tracing/instances/%s/events/%s/%s/filter",
			 instance, system, event);
	if (!name)
		return -ENOMEM;
	err = kern_path(name, LOOKUP_FOLLOW, &path);
	kfree(name);
	if (err)
		return err;
	err = path_permission(&path, MAY_WRITE);
	path_put(&path);
	return err;
}

static int logbuf_evsrc_file(struct logbuf_evctx *ctx, const char *instance,
			     struct perf_event *ev)
{
	struct trace_event_call *call = ev->tp_event;
	struct trace_event_file *file;
	int err;

	if (!call || !call->class || !call->class->system)
		return -EINVAL;
	err = logbuf_evsrc_may_use(instance, call->class->system,
				   trace_event_name(call));
	if (err)
		return err;
	file = trace_get_event_file(instance, call->class->system,
				    trace_event_name(call));
	if (IS_ERR(file))
		return PTR_ERR(file);
	ctx->file = file;
	return 0;
}

/* Detach every event of @ks (detach, or its consumer end's release). */
void logbuf_evsrc_detach(struct logbuf_ksrc *ks)
{
	struct logbuf_evsrc *src;

	mutex_lock(&logbuf_evsrc_lock);
	src = ks->evsrc;
	ks->evsrc = NULL;
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
		 const u32 *ids, const struct cpumask *mask,
		 const char *instance)
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
	src->ctx = kcalloc(a->nr_ids, sizeof(*src->ctx), GFP_KERNEL_ACCOUNT);
	if (!src->ctx) {
		kfree(src);
		return ERR_PTR(-ENOMEM);
	}
	src->nr_ids = a->nr_ids;
	src->tgid = a->tgid;
	src->tid = a->tid;
	src->set = logbuf_set_new(r, a->ring_fds, a->nr_rings,
				  LOGBUF_EV_RAW);
	if (IS_ERR(src->set)) {
		long err = PTR_ERR(src->set);

		src->set = NULL;
		kfree(src->ctx);
		kfree(src);
		return ERR_PTR(err);
	}
	/*
	 * Counters are made disabled: an event's filter must be in place
	 * before its first sample, and the counter is what names the event
	 * (perf looked it up by id).  Everything is enabled at the end.
	 */
	attr.disabled = 1;
	for (i = 0; i < a->nr_ids; i++) {
		bool first = true;

		src->ctx[i].src = src;
		attr.config = ids[i];
		for_each_cpu(cpu, mask) {
			struct perf_event *ev;
			int err = 0;

			ev = perf_event_create_kernel_counter(&attr, cpu, NULL,
						logbuf_evsrc_overflow,
						&src->ctx[i]);
			if (IS_ERR(ev))
				err = PTR_ERR(ev);
			else
				src->ev[k++] = ev;
			if (!err && first && instance)
				err = logbuf_evsrc_file(&src->ctx[i], instance,
							ev);
			first = false;
			if (err) {
				src->nr = k;
				logbuf_evsrc_free(src);
				return ERR_PTR(err);
			}
		}
	}
	for (i = 0; i < k; i++)
		perf_event_enable(src->ev[i]);
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
 * @end: the consumer end; the events are its own (@end->src).
 * @uarg: struct logbuf_attach_events.
 *
 * Return: 0; -EPERM without CAP_PERFMON or CAP_SYS_ADMIN; -EBUSY if
 * events are attached already; -EINVAL for a bad count, CPU set, filter,
 * ring set, instance name that is empty or not a name ("/", "." or ".."),
 * or an id that names no trace event (perf's answer); -ENOENT for an
 * instance that does not exist (or tracefs not at /sys/kernel/tracing);
 * -EACCES if the caller may not write the event's filter file in the
 * instance; -E2BIG
 * for an instance name of LOGBUF_INSTANCE_MAX bytes or more; -ESRCH,
 * -EBADF, -EFAULT, -ENOMEM.
 */
long logbuf_evsrc_ioctl(struct logbuf_end *end, void __user *uarg)
{
	struct logbuf_kring *r = end->ring;
	struct logbuf_attach_events a;
	struct logbuf_evsrc *src;
	char *instance = NULL;
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
	if (a.__reserved || a.tgid < 0 || a.tid < 0)
		return -EINVAL;
	if (!a.nr_ids) {
		logbuf_evsrc_detach(&end->src);
		return 0;
	}
	if (a.nr_ids > LOGBUF_EVENTS_MAX)
		return -EINVAL;
	err = logbuf_evsrc_pid(a.tgid, &a.tgid);
	if (!err)
		err = logbuf_evsrc_pid(a.tid, &a.tid);
	if (err)
		return err;
	if (a.instance) {
		instance = strndup_user(u64_to_user_ptr(a.instance),
					LOGBUF_INSTANCE_MAX);
		if (IS_ERR(instance))
			return PTR_ERR(instance) == -EINVAL ? -E2BIG :
							      PTR_ERR(instance);
		/* A name, never a path (the permission check walks one). */
		if (!*instance || strchr(instance, '/') ||
		    !strcmp(instance, ".") || !strcmp(instance, "..")) {
			kfree(instance);
			return -EINVAL;
		}
	}
	ids = memdup_user(u64_to_user_ptr(a.ids), a.nr_ids * sizeof(*ids));
	if (IS_ERR(ids)) {
		kfree(instance);
		return PTR_ERR(ids);
	}
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL)) {
		kfree(ids);
		kfree(instance);
		return -ENOMEM;
	}
	/* One attachment per ring; counters are made under the lock. */
	mutex_lock(&logbuf_evsrc_lock);
	if (end->src.evsrc) {
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
		src = logbuf_evsrc_new(r, &a, ids, mask, instance);
		err = PTR_ERR_OR_ZERO(src);
	}
	if (!err)
		end->src.evsrc = src;
out:
	mutex_unlock(&logbuf_evsrc_lock);
	free_cpumask_var(mask);
	kfree(ids);
	kfree(instance);
	return err;
}
