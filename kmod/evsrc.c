// SPDX-License-Identifier: GPL-2.0
/*
 * Any trace event as a source: for each event id and each chosen CPU, an
 * in-kernel perf counter of type PERF_TYPE_TRACEPOINT with a sample period
 * of 1 and PERF_SAMPLE_RAW, whose overflow handler copies the raw sample
 * (the event's fields as tracefs describes them) into the CPU's ring with
 * the lock-free producer API.  This is the way perf's own buffer receives
 * tracepoint samples, so it is safe wherever a trace event fires, NMI
 * included, and takes no lock; CPUs outside the chosen set have no counter
 * and pay nothing.  CPUs that come online later get their counters from a
 * work item the CPU hotplug callbacks queue (a counter cannot be made under
 * the hotplug lock: see logbuf_evsrc_ioctl()), and a marker record says
 * from when they are traced.
 *
 * Filter expressions (tracefs syntax) come from a trace instance the caller
 * names: the kernel compiles what is written to the instance's
 * events/<system>/<event>/filter, and the handler runs it on the raw
 * sample with filter_match_preds(), as perf's own tracepoint filter does.
 * The kernel exports no other way to compile a filter.
 */
#include <linux/capability.h>
#include <linux/cpuhotplug.h>
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
#include <linux/workqueue.h>
#include "logbuf.h"
#include "logbuf_api.h"

static DEFINE_MUTEX(logbuf_evsrc_lock);	/* attach and detach */

struct logbuf_evsrc;

/**
 * struct logbuf_evctx - one event of an attachment: its counters' context
 * @src: the attachment.
 * @file: the event's file in the caller's trace instance, whose filter
 *	applies; NULL without an instance.  Held with trace_get_event_file().
 * @stack: the LOGBUF_STACK_* its records carry.
 */
struct logbuf_evctx {
	struct logbuf_evsrc *src;
	struct trace_event_file *file;
	u32 stack;
};

/**
 * struct logbuf_evsrc - trace events attached to one ring
 * @set: the rings they write into.
 * @tgid: only events of this process (0: any).
 * @tid: only events of this thread (0: any).
 * @toobig: events bigger than LOGBUF_EV_RAW_MAX (dropped).
 * @ctx: one per event id.
 * @nr_ids: entries in @ctx.
 * @ids: the event ids (perf's config).
 * @node: the CPU hotplug instance, once added (@hp).
 * @hp: @node is added.
 * @work: makes and releases counters after a CPU came or went.
 * @lock: serializes changes of @ev (the attach, then @work).
 * @want: the CPUs to trace whenever they are online.
 * @stale: CPUs that went offline since @work last ran (their counters
 *	are out of their CPU's context for good).
 * @ev: @nr_ids counters per CPU, CPU c's at [c * @nr_ids]; NULL where
 *	none.
 * @stack_depth: frames per call chain at most.
 * @ustack: user stack bytes an event with LOGBUF_STACK_USER copies.
 * @stack_area: scratch areas for the chains, if any event has stacks.
 */
struct logbuf_evsrc {
	struct logbuf_set *set;
	pid_t tgid;
	pid_t tid;
	atomic64_t toobig;
	struct logbuf_evctx *ctx;
	unsigned int nr_ids;
	u32 *ids;
	struct hlist_node node;
	bool hp;
	struct work_struct work;
	struct mutex lock;
	cpumask_var_t want;
	cpumask_var_t stale;
	struct perf_event **ev;
	u32 stack_depth;
	u32 ustack;
	struct logbuf_stack_area __percpu *stack_area;
};

/* The dynamic hotplug state of every attachment's instance. */
static enum cpuhp_state logbuf_evsrc_hp;

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
	struct logbuf_stack st;	/* logbuf_stack_take() fills it */
	struct logbuf_kclaim c;
	u32 size, total, at;

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
	at = ALIGN(sizeof(*e) + size, 8);
	total = at;
	st.flags = ctx->stack;
	if (st.flags) {
		st.depth = src->stack_depth;
		st.ustack = src->ustack;
		total += logbuf_stack_take(&st, src->stack_area, regs);
	}
	e = logbuf_set_reserve(src->set, &r, total, &c);
	if (!e)
		goto out;
	e->ev.ts_ns = ktime_get_mono_fast_ns();
	e->ev.type = LOGBUF_EV_RAW;
	e->ev.size = total;
	e->ev.cpu = raw_smp_processor_id();
	e->ev.pid = logbuf_set_pid(src->set, t);
	e->ev.tgid = logbuf_set_tgid(src->set, t);
	e->id = event->attr.config;
	e->raw_size = size;
	memcpy(e->raw, raw->frag.data, size);
	memset(e->raw + size, 0, at - sizeof(*e) - size);
	if (st.flags)
		logbuf_stack_write(&st, (void *)e + at);
	logbuf_submit(r, &c, 0);
out:
	if (st.flags)
		logbuf_stack_put(&st);
}

/* Release CPU @cpu's counters; a handler may still run (see below). */
static void logbuf_evsrc_release_cpu(struct logbuf_evsrc *src,
				     unsigned int cpu)
{
	struct perf_event **ev = &src->ev[cpu * src->nr_ids];
	unsigned int i;

	for (i = 0; i < src->nr_ids; i++) {
		if (ev[i])
			perf_event_release_kernel(ev[i]);
		ev[i] = NULL;
	}
}

static void logbuf_evsrc_free(struct logbuf_evsrc *src)
{
	unsigned int i, cpu;

	/* No callback queues the work after this, and it is not running. */
	if (src->hp)
		cpuhp_state_remove_instance_nocalls(logbuf_evsrc_hp,
						    &src->node);
	cancel_work_sync(&src->work);
	for_each_possible_cpu(cpu)
		if (src->ev)
			logbuf_evsrc_release_cpu(src, cpu);
	/*
	 * A released counter is off its CPU's list, but a handler that an
	 * interrupt on that CPU found on the list may still be running with
	 * @src (the counter itself is freed by RCU).  Handlers run inside the
	 * tracepoint: wait for every reader the tracepoint machinery knows.
	 */
	tracepoint_synchronize_unregister();
	for (i = 0; src->ctx && i < src->nr_ids; i++)
		if (src->ctx[i].file)
			trace_put_event_file(src->ctx[i].file);
	logbuf_stack_free(src->stack_area);
	kfree(src->ctx);
	kfree(src->ids);
	kvfree(src->ev);
	free_cpumask_var(src->want);
	free_cpumask_var(src->stale);
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

/* The CPUs to trace: the caller's bitmap, or every CPU there may be. */
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
		cpumask_copy(mask, cpu_possible_mask);
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

/*
 * Make CPU @cpu's counters, disabled: an event's filter must be in place
 * before its first sample, and the first counter of an event is what
 * names it (perf looked it up by id) for taking the instance's file.
 * All or none.
 */
static int logbuf_evsrc_make_cpu(struct logbuf_evsrc *src, unsigned int cpu,
				 const char *instance)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
		.disabled = 1,
	};
	struct perf_event **ev = &src->ev[cpu * src->nr_ids];
	unsigned int i;
	int err = 0;

	for (i = 0; i < src->nr_ids && !err; i++) {
		attr.config = src->ids[i];
		ev[i] = perf_event_create_kernel_counter(&attr, cpu, NULL,
							 logbuf_evsrc_overflow,
							 &src->ctx[i]);
		if (IS_ERR(ev[i])) {
			err = PTR_ERR(ev[i]);
			ev[i] = NULL;
		} else if (instance && !src->ctx[i].file) {
			err = logbuf_evsrc_file(&src->ctx[i], instance, ev[i]);
		}
	}
	if (err)
		logbuf_evsrc_release_cpu(src, cpu);
	return err;
}

static void logbuf_evsrc_enable_cpu(struct logbuf_evsrc *src,
				    unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < src->nr_ids; i++)
		perf_event_enable(src->ev[cpu * src->nr_ids + i]);
}

/* Tell the reader, in @cpu's ring, from when @cpu is traced or not. */
static void logbuf_evsrc_marker(struct logbuf_evsrc *src, unsigned int cpu,
				bool online)
{
	struct logbuf_ev_cpu *e;
	struct logbuf_kring *r;
	struct logbuf_kclaim c;

	e = logbuf_set_reserve_on(src->set, cpu, &r, sizeof(*e), &c);
	if (!e)
		return;
	e->ev.ts_ns = ktime_get_mono_fast_ns();
	e->ev.type = LOGBUF_EV_CPU;
	e->ev.size = sizeof(*e);
	e->ev.cpu = cpu;
	e->ev.pid = 0;
	e->ev.tgid = 0;
	e->online = online;
	e->__pad = 0;
	logbuf_submit(r, &c, 0);
}

/*
 * After CPUs came or went: a CPU marked stale (it went offline, or came
 * back, since its counters were made: perf took them out of its context
 * for good) loses its counters; a wanted CPU that is online and has none
 * gets them.  A CPU that goes away while we make its counters is marked
 * stale by its callback and handled by the next run.
 */
static void logbuf_evsrc_hotplug(struct work_struct *work)
{
	struct logbuf_evsrc *src = container_of(work, struct logbuf_evsrc,
						work);
	unsigned int cpu;

	mutex_lock(&src->lock);
	for_each_cpu(cpu, src->want) {
		bool had = src->ev[cpu * src->nr_ids];

		if (cpumask_test_and_clear_cpu(cpu, src->stale) && had) {
			logbuf_evsrc_release_cpu(src, cpu);
			logbuf_evsrc_marker(src, cpu, false);
			had = false;
		}
		if (had || !cpu_online(cpu) ||
		    logbuf_evsrc_make_cpu(src, cpu, NULL))
			continue;
		logbuf_evsrc_enable_cpu(src, cpu);
		logbuf_evsrc_marker(src, cpu, true);
	}
	mutex_unlock(&src->lock);
}

/*
 * The hotplug callbacks (CPUHP_AP_ONLINE_DYN: after perf's own state on
 * the way up, before it on the way down).  They only mark the CPU and
 * queue the work: a counter cannot be made or released under the hotplug
 * lock (logbuf_evsrc_ioctl() says why).
 */
static int logbuf_evsrc_cpu_changed(unsigned int cpu, struct hlist_node *node)
{
	struct logbuf_evsrc *src = hlist_entry(node, struct logbuf_evsrc,
					       node);

	if (cpumask_test_cpu(cpu, src->want)) {
		cpumask_set_cpu(cpu, src->stale);
		queue_work(system_unbound_wq, &src->work);
	}
	return 0;
}

int logbuf_evsrc_init(void)
{
	int ret = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN,
					  "logbuf/evsrc:online",
					  logbuf_evsrc_cpu_changed,
					  logbuf_evsrc_cpu_changed);

	if (ret < 0)
		return ret;
	logbuf_evsrc_hp = ret;
	return 0;
}

void logbuf_evsrc_exit(void)
{
	cpuhp_remove_multi_state(logbuf_evsrc_hp);
}

static struct logbuf_evsrc *
logbuf_evsrc_new(struct logbuf_kring *r, const struct logbuf_attach_events *a,
		 const u32 *ids, const u32 *stacks, const struct cpumask *mask,
		 const char *instance)
{
	struct logbuf_evsrc *src;
	unsigned int cpu;
	int err = 0;

	src = kzalloc(sizeof(*src), GFP_KERNEL_ACCOUNT);
	if (!src)
		return ERR_PTR(-ENOMEM);
	mutex_init(&src->lock);
	INIT_WORK(&src->work, logbuf_evsrc_hotplug);
	src->nr_ids = a->nr_ids;
	src->tgid = a->tgid;
	src->tid = a->tid;
	src->ctx = kcalloc(a->nr_ids, sizeof(*src->ctx), GFP_KERNEL_ACCOUNT);
	src->ids = kmemdup(ids, a->nr_ids * sizeof(*ids), GFP_KERNEL_ACCOUNT);
	src->ev = kvcalloc(nr_cpu_ids * a->nr_ids, sizeof(*src->ev),
			   GFP_KERNEL_ACCOUNT);
	if (!src->ctx || !src->ids || !src->ev ||
	    !zalloc_cpumask_var(&src->want, GFP_KERNEL_ACCOUNT) ||
	    !zalloc_cpumask_var(&src->stale, GFP_KERNEL_ACCOUNT)) {
		logbuf_evsrc_free(src);
		return ERR_PTR(-ENOMEM);
	}
	for (cpu = 0; cpu < a->nr_ids; cpu++) {
		src->ctx[cpu].src = src;
		src->ctx[cpu].stack = stacks ? stacks[cpu] : 0;
		if (src->ctx[cpu].stack && !src->stack_area) {
			src->stack_area = logbuf_stack_alloc();
			if (!src->stack_area) {
				logbuf_evsrc_free(src);
				return ERR_PTR(-ENOMEM);
			}
		}
	}
	src->stack_depth = a->stack_depth ?: LOGBUF_STACK_DEPTH_MAX;
	src->ustack = a->ustack_size;
	cpumask_copy(src->want, mask);
	src->set = logbuf_set_new(r, a->ring_fds, a->nr_rings,
				  LOGBUF_EV_RAW);
	if (IS_ERR(src->set)) {
		err = PTR_ERR(src->set);
		src->set = NULL;
		logbuf_evsrc_free(src);
		return ERR_PTR(err);
	}
	/*
	 * The hotplug instance first: a CPU that comes or goes from now on
	 * queues the work, which waits for @lock and then makes up for it.
	 */
	err = cpuhp_state_add_instance_nocalls(logbuf_evsrc_hp, &src->node);
	if (err) {
		logbuf_evsrc_free(src);
		return ERR_PTR(err);
	}
	src->hp = true;
	mutex_lock(&src->lock);
	for_each_cpu_and(cpu, mask, cpu_online_mask) {
		err = logbuf_evsrc_make_cpu(src, cpu, instance);
		/* Gone meanwhile: its callback queued the work. */
		if (err == -ENODEV && !cpu_online(cpu))
			err = 0;
		if (err)
			break;
	}
	/* Every filter is in place: enable everything. */
	for_each_possible_cpu(cpu)
		if (!err && src->ev[cpu * src->nr_ids])
			logbuf_evsrc_enable_cpu(src, cpu);
	mutex_unlock(&src->lock);
	if (err) {
		logbuf_evsrc_free(src);
		return ERR_PTR(err);
	}
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
 * stack flag, stack depth or user stack size,
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
	u32 *ids, *stacks = NULL;
	cpumask_var_t mask;
	unsigned int i;
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
	if (a.nr_ids > LOGBUF_EVENTS_MAX ||
	    a.stack_depth > LOGBUF_STACK_DEPTH_MAX ||
	    a.ustack_size > LOGBUF_USTACK_MAX || a.ustack_size % 8)
		return -EINVAL;
	/* The largest record still fits its header's __u16 size. */
	BUILD_BUG_ON(sizeof(struct logbuf_ev_raw) + LOGBUF_EV_RAW_MAX + 8 +
		     sizeof(struct logbuf_ev_stack) +
		     2 * LOGBUF_STACK_DEPTH_MAX * sizeof(u64) +
		     LOGBUF_USTACK_MAX > U16_MAX);
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
	if (a.stacks) {
		stacks = memdup_user(u64_to_user_ptr(a.stacks),
				     a.nr_ids * sizeof(*stacks));
		if (IS_ERR(stacks)) {
			kfree(ids);
			kfree(instance);
			return PTR_ERR(stacks);
		}
		for (i = 0; i < a.nr_ids; i++)
			if (stacks[i] & ~LOGBUF_STACK_ALL)
				err = -EINVAL;
	}
	if (err || !zalloc_cpumask_var(&mask, GFP_KERNEL)) {
		kfree(stacks);
		kfree(ids);
		kfree(instance);
		return err ?: -ENOMEM;
	}
	/* One attachment per ring; counters are made under the lock. */
	mutex_lock(&logbuf_evsrc_lock);
	if (end->src.evsrc) {
		err = -EBUSY;
		goto out;
	}
	/*
	 * Counters for the CPUs online now, later ones from the hotplug
	 * work.  Not under cpus_read_lock(), nor from a hotplug callback:
	 * making a tracepoint counter registers a probe, which takes
	 * event_mutex and then the hotplug lock itself (static keys).
	 */
	err = logbuf_evsrc_cpus(&a, mask);
	if (!err) {
		src = logbuf_evsrc_new(r, &a, ids, stacks, mask, instance);
		err = PTR_ERR_OR_ZERO(src);
	}
	if (!err)
		end->src.evsrc = src;
out:
	mutex_unlock(&logbuf_evsrc_lock);
	free_cpumask_var(mask);
	kfree(stacks);
	kfree(ids);
	kfree(instance);
	return err;
}
