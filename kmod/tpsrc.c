// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint sources: sched_switch, sched_process_exec and raw syscall
 * entry, each event written as one fixed binary record (uapi struct
 * logbuf_ev_*) into a kernel-producer ring with the lock-free producer API.
 * An attachment writes into one ring, or into a set of rings picked by the
 * CPU the event fires on (ringset.c).
 */
#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include "logbuf.h"
#include "logbuf_api.h"

static DEFINE_MUTEX(logbuf_tp_lock);	/* attach and detach */

/* Ids as the attaching task sees them (logbuf_set_pid()). */
static void logbuf_ev_fill(struct logbuf_ev *ev, u16 type, u16 size,
			   const struct logbuf_set *set, struct task_struct *t)
{
	ev->ts_ns = ktime_get_ns();
	ev->type = type;
	ev->size = size;
	ev->cpu = raw_smp_processor_id();
	ev->pid = logbuf_set_pid(set, t);
	ev->tgid = logbuf_set_tgid(set, t);
}

static void logbuf_tp_switch(void *data, bool preempt,
			     struct task_struct *prev,
			     struct task_struct *next,
			     unsigned int prev_state)
{
	struct logbuf_set *set = data;
	struct logbuf_kring *r;
	struct logbuf_ev_switch *e;
	struct logbuf_kclaim c;

	e = logbuf_set_reserve(set, &r, sizeof(*e), &c);
	if (!e)
		return;
	logbuf_ev_fill(&e->ev, LOGBUF_EV_SCHED_SWITCH, sizeof(*e), set, prev);
	e->prev_pid = e->ev.pid;
	e->next_pid = logbuf_set_pid(set, next);
	e->prev_prio = prev->prio;
	e->next_prio = next->prio;
	e->prev_state = prev_state;
	e->preempt = preempt;
	e->__pad = 0;
	memcpy(e->prev_comm, prev->comm, sizeof(e->prev_comm));
	memcpy(e->next_comm, next->comm, sizeof(e->next_comm));
	logbuf_submit(r, &c, 0);
}

/* A global pid, as @set's namespace sees it; 0 if it is gone or outside. */
static u32 logbuf_exec_old_pid(const struct logbuf_set *set, pid_t old_pid)
{
	struct pid *pid;
	u32 nr = 0;

	rcu_read_lock();
	pid = find_pid_ns(old_pid, &init_pid_ns);
	if (pid)
		nr = pid_nr_ns(pid, set->ns);
	rcu_read_unlock();
	return nr;
}

static void logbuf_tp_exec(void *data, struct task_struct *p, pid_t old_pid,
			   struct linux_binprm *bprm)
{
	struct logbuf_set *set = data;
	struct logbuf_kring *r;
	struct logbuf_ev_exec *e;
	struct logbuf_kclaim c;
	u32 n = strnlen(bprm->filename, LOGBUF_EV_EXEC_MAX);

	e = logbuf_set_reserve(set, &r, sizeof(*e) + n, &c);
	if (!e)
		return;
	logbuf_ev_fill(&e->ev, LOGBUF_EV_EXEC, sizeof(*e) + n, set, p);
	/*
	 * The tracepoint gives the global id the task had before exec (a
	 * thread other than the leader takes the leader's id): translate.
	 */
	e->old_pid = old_pid == task_pid_nr(p) ? e->ev.pid :
		     logbuf_exec_old_pid(set, old_pid);
	e->filename_len = n;
	memcpy(e->filename, bprm->filename, n);
	logbuf_submit(r, &c, 0);
}

static void logbuf_tp_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct logbuf_set *set = data;
	struct logbuf_kring *r;
	struct logbuf_ev_syscall *e;
	struct logbuf_kclaim c;
	unsigned long args[6];

	/*
	 * From 6.13 this probe runs preemptible: logbuf_reserve() keeps
	 * preemption off until the submit, so no task stopped here can hold
	 * the ring's oldest claim open.
	 */
	e = logbuf_set_reserve(set, &r, sizeof(*e), &c);
	if (!e)
		return;
	logbuf_ev_fill(&e->ev, LOGBUF_EV_SYS_ENTER, sizeof(*e), set, current);
	e->id = id;
	syscall_get_arguments(current, regs, args);
	memcpy(e->args, args, sizeof(e->args));
	logbuf_submit(r, &c, 0);
}

static const struct {
	u32 event;
	const char *name;
	void *probe;
} logbuf_tps[] = {
	{ LOGBUF_EV_SCHED_SWITCH, "sched_switch", logbuf_tp_switch },
	{ LOGBUF_EV_EXEC, "sched_process_exec", logbuf_tp_exec },
	{ LOGBUF_EV_SYS_ENTER, "sys_enter", logbuf_tp_sys_enter },
};

struct logbuf_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void logbuf_tp_match(struct tracepoint *tp, void *priv)
{
	struct logbuf_tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

static struct tracepoint *logbuf_tp_find(const char *name)
{
	struct logbuf_tp_lookup l = { .name = name };

	for_each_kernel_tracepoint(logbuf_tp_match, &l);
	return l.tp;
}

/* Unregister @events of @src; caller holds logbuf_tp_lock. */
static void logbuf_tp_unregister(struct logbuf_ksrc *src, u32 events)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(logbuf_tps); i++) {
		struct tracepoint *tp;

		if (!(events & logbuf_tps[i].event))
			continue;
		tp = logbuf_tp_find(logbuf_tps[i].name);
		if (tp)
			tracepoint_probe_unregister(tp, logbuf_tps[i].probe,
						    src->tp_set);
	}
	/* No probe runs with the set after this. */
	tracepoint_synchronize_unregister();
	src->tp_events &= ~events;
	if (!src->tp_events) {
		logbuf_set_free(src->tp_set);
		src->tp_set = NULL;
	}
}

/* Detach every source of @src (its consumer end is being released). */
void logbuf_tp_detach_all(struct logbuf_ksrc *src)
{
	mutex_lock(&logbuf_tp_lock);
	if (src->tp_events)
		logbuf_tp_unregister(src, src->tp_events);
	mutex_unlock(&logbuf_tp_lock);
}

static long logbuf_tp_attach(struct logbuf_end *end,
			     const struct logbuf_attach *a)
{
	struct logbuf_ksrc *src = &end->src;
	struct logbuf_set *set;
	unsigned int i;
	int err = 0;

	if (!a->events) {
		logbuf_tp_detach_all(src);
		return 0;
	}
	set = logbuf_set_new(end->ring, a->ring_fds, a->nr_rings, a->events);
	if (IS_ERR(set))
		return PTR_ERR(set);
	mutex_lock(&logbuf_tp_lock);
	if (src->tp_events) {
		mutex_unlock(&logbuf_tp_lock);
		logbuf_set_free(set);
		return -EBUSY;
	}
	src->tp_set = set;
	for (i = 0; i < ARRAY_SIZE(logbuf_tps) && !err; i++) {
		struct tracepoint *tp;

		if (!(a->events & logbuf_tps[i].event))
			continue;
		tp = logbuf_tp_find(logbuf_tps[i].name);
		err = tp ? tracepoint_probe_register(tp, logbuf_tps[i].probe,
						     set) : -ENOENT;
		if (!err)
			src->tp_events |= logbuf_tps[i].event;
	}
	if (err && src->tp_events) {
		logbuf_tp_unregister(src, src->tp_events);
	} else if (err) {
		src->tp_set = NULL;
		logbuf_set_free(set);
	}
	mutex_unlock(&logbuf_tp_lock);
	return err;
}

/**
 * logbuf_tp_ioctl() - LOGBUF_IOC_ATTACH on a kernel-producer consumer end
 * @end: the consumer end; the sources are its own (@end->src).
 * @uarg: struct logbuf_attach.
 *
 * Return: 0, -EPERM without CAP_PERFMON or CAP_SYS_ADMIN, -EOPNOTSUPP for
 * an unknown event, -EBUSY if sources are attached already, -EINVAL (also
 * for a bad ring count, or a descriptor that is not the consumer end of a
 * kernel-producer ring), -EBADF, -E2BIG, -EFAULT, -ENOMEM, -ENOENT if this
 * kernel lacks a tracepoint.
 */
long logbuf_tp_ioctl(struct logbuf_end *end, void __user *uarg)
{
	struct logbuf_attach a;
	long err;

	if (!perfmon_capable())
		return -EPERM;
	err = logbuf_copy_in(&a, sizeof(a), uarg,
			     offsetofend(struct logbuf_attach, events));
	if (err)
		return err;
	if (a.events & ~LOGBUF_EV_ALL)
		return -EOPNOTSUPP;
	if (a.__reserved || a.__pad)
		return -EINVAL;
	return logbuf_tp_attach(end, &a);
}
